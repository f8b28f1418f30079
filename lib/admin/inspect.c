/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host paths looked at without changing anything, and why a login would
 * refuse them, in the login's own words (lib/mount/resolve.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "admin/inspect.h"
#include "mount/resolve.h"
#include "plan/decide.h"

void
path_inspect(const char *path, struct path_info *pi)
{
	_cleanup_(closep) int fd = -1;
	struct statvfs sv;

	memset(pi, 0, sizeof(*pi));
	fd = open_nofollow(path, O_PATH, 0);
	if (fd < 0 || fstat(fd, &pi->st) < 0) {
		pi->err = errno;
		if (pi->err == ELOOP &&
		    !find_symlink(path, pi->link, sizeof(pi->link)))
			pi->link[0] = '\0';
		return;
	}
	/* O_PATH|O_NOFOLLOW hands back a trailing symlink itself. */
	if (S_ISLNK(pi->st.st_mode)) {
		pi->err = ELOOP;
		snprintf(pi->link, sizeof(pi->link), "%s", path);
		return;
	}
	if (fstatvfs(fd, &sv) == 0)
		pi->mflags = st_to_ms(sv.f_flag);
}

int
path_info_error(const char *what, const char *path, const struct path_info *pi,
		bool dir, struct mntns_error *e)
{
	int err = pi->err;
	bool trailing = err == ELOOP && !strcmp(pi->link, path);

	if ((err == 0 && !S_ISDIR(pi->st.st_mode)) || (trailing && dir))
		err = ENOTDIR;
	else if (trailing)
		return symlink_error(what, path, e);
	return path_error(what, path, err, e);
}
