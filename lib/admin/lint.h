/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks of a loaded config beyond its syntax, for "pam_mntns_helper
 * check": paths that will refuse logins (missing, symlinks, unsafe
 * instance parents), risky rules (tmpfs without size=, user-writable
 * mounts over paths setuid programs trust) and rules that never take
 * effect.  Nothing is created or mounted and no user is looked up, so
 * paths with variables are checked only as far as they are literal.
 */
#ifndef MNTNS_LINT_H
#define MNTNS_LINT_H

#include "config/conf.h"

/* Called once per finding, in rule order; @msg is one line. */
typedef void (*lint_fn)(const struct rule *r, const char *msg, void *ctx);

/* Runs every check on @c; returns the number of findings. */
size_t lint_conf(const struct conf *c, lint_fn fn, void *ctx);

/* Likewise, with the mount table read from @mountinfo (for tests). */
size_t lint_conf_mounts(const struct conf *c, const char *mountinfo, lint_fn fn,
			void *ctx);

#endif
