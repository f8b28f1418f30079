/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A user's identity as NSS reports it (files, LDAP, SSSD, ...), looked up
 * once per login; groups only when a rule asks about them.
 */
#ifndef MNTNS_IDENT_H
#define MNTNS_IDENT_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

struct group_answer {
	char *name;
	bool member;
};

struct identity {
	char *user;
	uid_t uid;
	gid_t gid;
	char *home;
	char *group; /* primary group name, when asked for */
	gid_t *gids; /* every group of the user, when asked for */
	int ngids;
	bool gids_known;
	struct group_answer *answers; /* cached @group membership */
	size_t nanswers;
};

/*
 * Fills @id for @user.  Returns -ENOENT when NSS knows no such user,
 * another -errno when the lookup itself failed.
 */
int ident_lookup(struct identity *id, const char *user, struct mntns_error *e);

/* Primary group name (looked up on first use), or NULL with @e set. */
const char *ident_group_name(struct identity *id, struct mntns_error *e);

/* 1 if the user is a member of @group, 0 if not, -errno on error. */
int ident_in_group(struct identity *id, const char *group,
		   struct mntns_error *e);

void ident_free(struct identity *id);

#endif
