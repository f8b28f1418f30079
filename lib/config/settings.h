/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module's settings, one table for the two places they are given:
 * the arguments on a PAM line and the "set" lines of a config.  An
 * argument on the PAM line wins over a config's line; among a config's
 * lines the last one wins; a flag (debug, nofail) given in either place
 * is on.
 */
#ifndef MNTNS_SETTINGS_H
#define MNTNS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum scope {
	SCOPE_SESSION, /* a namespace per session */
	SCOPE_USER,    /* one namespace for all of a user's sessions */
};

/* What a setting word was given as. */
enum setting_origin {
	SETTING_PAM,  /* a PAM line's argument ("conf=" only here) */
	SETTING_CONF, /* a config's "set" line */
};

/* Which settings were given, one bit each. */
enum setting_bit {
	SET_CONF = 1 << 0,
	SET_DEBUG = 1 << 1,
	SET_NOFAIL = 1 << 2,
	SET_SCOPE = 1 << 3,
	SET_MAX = 1 << 4,
};

#define SETTINGS_MAX_NAMESPACES 256

/* What a "set" line may say, for messages. */
#define SETTINGS_SET_USAGE                                                     \
	"expected 'set debug', 'set nofail', 'set scope=session|user' or "     \
	"'set max_namespaces=N'"

struct settings {
	const char *conf; /* conf=PATH (a PAM line's), or NULL */
	bool debug, nofail;
	enum scope scope;
	unsigned max_namespaces; /* namespaces per user; 0: no cap */
	unsigned given;		 /* enum setting_bit */
	size_t nlines;		 /* a config's setting lines read */
};

/* The defaults: scope=session, max_namespaces=256, nothing given. */
void settings_init(struct settings *s);

/*
 * One setting word ("debug", "scope=user", ...) into @s: 0, or -EINVAL
 * with @e saying what is wrong with it.  @word must outlive @s (conf=
 * points into it).
 */
int setting_parse(struct settings *s, const char *word,
		  enum setting_origin from, struct mntns_error *e);

/* The settings in effect: @pam's over @conf's. */
void settings_merge(struct settings *out, const struct settings *pam,
		    const struct settings *conf);

/* "user" or "session", as the setting writes it. */
const char *scope_name(enum scope s);

/* The settings in effect as setting words, the defaults included:
 * "scope=session max_namespaces=256 nofail". */
void settings_format(const struct settings *s, char *buf, size_t len);

#endif
