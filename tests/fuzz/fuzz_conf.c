/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the config parser and the planner with its variable
 * expansion.  Each input is parsed as a config file; when that succeeds,
 * a plan is made for a few users, plain and hostile, and checked:
 *
 *   - every TARGET and SOURCE is an absolute, normalized path (no "." or
 *     ".." component, no control character), and no TARGET is "/";
 *   - no TARGET appears twice, "none" entries are gone, and a parent
 *     comes before anything below it;
 *   - SELinux options are on tmpfs entries only, as one piece of mount
 *     data: quotes balanced, no blank or control character;
 *   - a hostile name, home or group never makes it into a plan: when a
 *     plan for such a user is made at all, the same plan for a user with
 *     marked, safe fields must show none of the marks (else a variable
 *     holding the hostile field was expanded).
 *
 * An input whose first line is "#!id NAME HOME GROUP" (a comment to the
 * parser) adds a user with those fields.  NSS is answered by the wrappers
 * below (-Wl,--wrap), so no lookup leaves the process.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "plan/ident.h"
#include "plan/plan.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		      struct group **res);
int __wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
		      struct group **res);
int __wrap_getgrouplist(const char *user, gid_t gid, gid_t *groups, int *n);
int __wrap_getpwnam_r(const char *name, struct passwd *pw, char *buf,
		      size_t len, struct passwd **res);

/* Groups exist when their name is short; their gid is a hash of it. */
static gid_t
group_gid(const char *name)
{
	gid_t h = 5381;

	for (; *name; name++)
		h = h * 33 + (unsigned char)*name;
	return 1000 + h % 8;
}

int
__wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		  struct group **res)
{
	*res = NULL;
	if (strlen(name) > 8 || strlen(name) + 1 > len)
		return 0;
	memset(gr, 0, sizeof(*gr));
	strcpy(buf, name);
	gr->gr_name = buf;
	gr->gr_gid = group_gid(name);
	*res = gr;
	return 0;
}

int
__wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
		  struct group **res)
{
	(void)gid;
	(void)gr;
	(void)buf;
	(void)len;
	*res = NULL;
	return ENOENT;
}

int
__wrap_getgrouplist(const char *user, gid_t gid, gid_t *groups, int *n)
{
	int i, want = 4;

	(void)user;
	if (*n < want) {
		*n = want;
		return -1;
	}
	for (i = 0; i < want; i++)
		groups[i] = i == 0 ? gid : 1000 + (gid_t)i * 2;
	*n = want;
	return want;
}

int
__wrap_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
		  struct passwd **res)
{
	(void)name;
	(void)pw;
	(void)buf;
	(void)len;
	*res = NULL;
	return ENOENT;
}

struct who {
	const char *user, *home, *group;
	uid_t uid;
	gid_t gid;
	int safe; /* every field is safe in a path */
};

static const struct who users[] = {
	{"alice", "/home/alice", "alice", 1000, 1000, 1},
	{"root", "/root", "root", 0, 0, 1},
	{"bob", "/srv/home/bob", "lab", 60001, 1003, 1},
	{"..", "/home/x", "x", 1001, 1001, 0},
	{"a/b", "/home/x", "x", 1002, 1001, 0},
	{"-rf", "/home/x", "x", 1003, 1001, 0},
	{"eve", "/home/../etc", "x", 1004, 1001, 0},
	{"eve", "relative", "x", 1005, 1001, 0},
	{"eve", "/", "x", 1006, 1001, 0},
	{"eve", "/home/eve", "..", 1007, 1001, 0},
	{"e\x1bve", "/home/e\tve", "x", 1008, 1001, 0},
};

static void
fill_identity(struct identity *id, const struct who *w)
{
	memset(id, 0, sizeof(*id));
	id->user = strdup(w->user);
	id->home = strdup(w->home);
	id->group = strdup(w->group);
	id->uid = w->uid;
	id->gid = w->gid;
	if (!id->user || !id->home || !id->group)
		abort();
}

static int
is_parent(const char *parent, const char *path)
{
	size_t n = strlen(parent);

	return !strncmp(parent, path, n) && path[n] == '/';
}

/* SELinux options as mount data: a comma splits only outside quotes. */
static bool
selinux_ok(const struct plan_entry *pe)
{
	const char *s = pe->selinux;
	bool quoted = false;

	if (!s)
		return true;
	if (pe->method != METHOD_TMPFS)
		return false;
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
		quoted ^= *s == '"';
	}
	return !quoted;
}

static void
check_plan(const struct plan *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		const struct plan_entry *pe = &p->entries[i];

		if (!path_is_normalized(pe->target) || !strcmp(pe->target, "/"))
			__builtin_trap();
		if (pe->source && !path_is_normalized(pe->source))
			__builtin_trap();
		if (pe->method == METHOD_NONE || !selinux_ok(pe))
			__builtin_trap();
		for (j = i + 1; j < p->n; j++) {
			if (!strcmp(pe->target, p->entries[j].target))
				__builtin_trap();
			if (is_parent(p->entries[j].target, pe->target))
				__builtin_trap();
		}
	}
}

#define MARK "zzfuzzmark"

/* Name selectors would match the marked user differently: no compare. */
static bool
has_user_selector(const struct conf *c)
{
	size_t i, j;

	for (i = 0; i < c->nrules; i++)
		for (j = 0; j < c->rules[i].nwho; j++)
			if (c->rules[i].who[j].kind == SEL_USER)
				return true;
	return false;
}

static bool
plan_shows_mark(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strstr(p->entries[i].target, MARK) ||
		    (p->entries[i].source &&
		     strstr(p->entries[i].source, MARK)))
			return true;
	return false;
}

/* Returns 1 when a plan was made for @w. */
static int
plan_one(const struct conf *c, const struct who *w, bool marked)
{
	struct identity id;
	struct mntns_error e;
	struct plan p;
	int made;

	fill_identity(&id, w);
	made = plan_for_user(&p, c, &id, &e) == 0;
	if (made) {
		check_plan(&p);
		if (marked && plan_shows_mark(&p))
			__builtin_trap();
		plan_free(&p);
	}
	ident_free(&id);
	return made;
}

static void
plan_checked(const struct conf *c, const struct who *w, bool compare)
{
	struct who m = *w;

	if (!plan_one(c, w, false) || w->safe || !compare)
		return;
	/* Only the unsafe fields are marked; the others stay as they are. */
	if (!name_is_safe(w->user))
		m.user = MARK "user";
	if (!path_is_normalized(w->home) || !strcmp(w->home, "/"))
		m.home = "/" MARK "home";
	if (!name_is_safe(w->group))
		m.group = MARK "group";
	plan_one(c, &m, true);
}

/* "#!id NAME HOME GROUP" on the first line: one more user to plan for. */
static int
input_user(const uint8_t *data, size_t size, char *buf, size_t len,
	   struct who *w)
{
	char *save = NULL;
	size_t n;

	if (size < 5 || memcmp(data, "#!id ", 5))
		return 0;
	for (n = 0; n < size && n + 1 < len && data[n] != '\n'; n++)
		buf[n] = (char)data[n];
	buf[n] = '\0';
	strtok_r(buf, " ", &save);
	w->user = strtok_r(NULL, " ", &save);
	w->home = strtok_r(NULL, " ", &save);
	w->group = strtok_r(NULL, " ", &save);
	w->uid = 4242;
	w->gid = 4242;
	w->safe = 0;
	return w->user && w->home && w->group;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	struct mntns_error e;
	char line[512];
	struct who w;
	bool compare;
	size_t i;

	memset(&c, 0, sizeof(c));
	if (conf_parse_buffer(&c, "fuzz.conf", (const char *)data, size, &e) ==
	    0) {
		compare = !has_user_selector(&c) &&
			  !memmem(data, size, MARK, strlen(MARK));
		for (i = 0; i < ARRAY_SIZE(users); i++)
			plan_checked(&c, &users[i], compare);
		if (input_user(data, size, line, sizeof(line), &w))
			plan_checked(&c, &w, compare);
	}
	conf_free(&c);
	return 0;
}
