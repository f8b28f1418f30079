/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A user's identity from NSS: the passwd entry at once, the primary
 * group's name and the group list only when a rule asks for them.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "plan/ident.h"

#define NSS_BUF_START 4096
#define NSS_BUF_MAX   (1024 * 1024)

/*
 * Each reentrant NSS call wants a caller buffer of unknown size; these
 * adapters give them one shape so nss_call can grow the buffer on ERANGE.
 */
typedef int (*nss_fn)(const void *key, void *ent, char *buf, size_t len,
		      bool *found);

static int
pw_by_name(const void *key, void *ent, char *buf, size_t len, bool *found)
{
	struct passwd *res = NULL;
	int r = getpwnam_r(key, ent, buf, len, &res);

	*found = res != NULL;
	return r;
}

static int
gr_by_gid(const void *key, void *ent, char *buf, size_t len, bool *found)
{
	struct group *res = NULL;
	int r = getgrgid_r(*(const gid_t *)key, ent, buf, len, &res);

	*found = res != NULL;
	return r;
}

static int
gr_by_name(const void *key, void *ent, char *buf, size_t len, bool *found)
{
	struct group *res = NULL;
	int r = getgrnam_r(key, ent, buf, len, &res);

	*found = res != NULL;
	return r;
}

/* Returns 1 found, 0 not found, or -errno; *buf must be freed. */
static int
nss_call(nss_fn fn, const void *key, void *ent, char **buf)
{
	size_t len = NSS_BUF_START;
	bool found;
	char *b;
	int r;

	for (;;) {
		b = realloc(*buf, len);
		if (!b)
			return -ENOMEM;
		*buf = b;
		r = fn(key, ent, b, len, &found);
		if (r != ERANGE || len >= NSS_BUF_MAX)
			break;
		len *= 2;
	}
	/* Some NSS modules say "not found" with an errno, as POSIX allows. */
	if (r == ENOENT || r == ESRCH)
		return 0;
	if (r != 0)
		return -r;
	return found;
}

int
ident_lookup(struct identity *id, const char *user, struct mntns_error *e)
{
	_cleanup_(freep) char *buf = NULL;
	struct passwd pw;
	int r;

	memset(id, 0, sizeof(*id));
	r = nss_call(pw_by_name, user, &pw, &buf);
	if (r < 0)
		return err_set(e, r, "passwd lookup failed: %s", strerror(-r));
	if (r == 0)
		return err_set(e, -ENOENT, "no such user");
	id->user = strdup(pw.pw_name);
	id->home = strdup(pw.pw_dir ? pw.pw_dir : "");
	id->uid = pw.pw_uid;
	id->gid = pw.pw_gid;
	if (!id->user || !id->home)
		return err_set(e, -ENOMEM, "out of memory");
	return 0;
}

const char *
ident_group_name(struct identity *id, struct mntns_error *e)
{
	_cleanup_(freep) char *buf = NULL;
	struct group gr;
	int r;

	if (id->group)
		return id->group;
	r = nss_call(gr_by_gid, &id->gid, &gr, &buf);
	if (r <= 0) {
		err_set(e, r < 0 ? r : -ENOENT, "primary group %u: %s",
			(unsigned)id->gid,
			r < 0 ? strerror(-r) : "no such group");
		return NULL;
	}
	id->group = strdup(gr.gr_name);
	if (!id->group)
		err_set(e, -ENOMEM, "out of memory");
	return id->group;
}

static int
load_gids(struct identity *id, struct mntns_error *e)
{
	int n = 32, want;
	gid_t *g;

	for (;;) {
		g = reallocarray(id->gids, (size_t)n, sizeof(*g));
		if (!g)
			return err_set(e, -ENOMEM, "out of memory");
		id->gids = g;
		want = n;
		if (getgrouplist(id->user, id->gid, g, &want) >= 0) {
			id->ngids = want;
			id->gids_known = true;
			return 0;
		}
		/* glibc reports the size it needs in @want. */
		if (want <= n || want > 65536)
			return err_set(e, -EIO, "group list lookup failed");
		n = want;
	}
}

static int
lookup_membership(struct identity *id, const char *group, struct mntns_error *e)
{
	_cleanup_(freep) char *buf = NULL;
	struct group gr;
	int r, i;

	r = nss_call(gr_by_name, group, &gr, &buf);
	if (r < 0)
		return err_set(e, r, "group %s: lookup failed: %s", group,
			       strerror(-r));
	/* A group that does not exist has no members. */
	if (r == 0)
		return 0;
	if (gr.gr_gid == id->gid)
		return 1;
	if (!id->gids_known && (r = load_gids(id, e)) < 0)
		return r;
	for (i = 0; i < id->ngids; i++)
		if (id->gids[i] == gr.gr_gid)
			return 1;
	return 0;
}

int
ident_in_group(struct identity *id, const char *group, struct mntns_error *e)
{
	struct group_answer *a;
	size_t i;
	int r;

	for (i = 0; i < id->nanswers; i++)
		if (!strcmp(id->answers[i].name, group))
			return id->answers[i].member;
	r = lookup_membership(id, group, e);
	if (r < 0)
		return r;
	a = reallocarray(id->answers, id->nanswers + 1, sizeof(*a));
	if (!a)
		return err_set(e, -ENOMEM, "out of memory");
	id->answers = a;
	a[id->nanswers].name = strdup(group);
	if (!a[id->nanswers].name)
		return err_set(e, -ENOMEM, "out of memory");
	a[id->nanswers++].member = r;
	return r;
}

void
ident_free(struct identity *id)
{
	size_t i;

	for (i = 0; i < id->nanswers; i++)
		free(id->answers[i].name);
	free(id->answers);
	free(id->user);
	free(id->home);
	free(id->group);
	free(id->gids);
	memset(id, 0, sizeof(*id));
}
