/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vgshim.so: for `make bench-profile` under callgrind only, never
 * installed.  Valgrind 3.19 (Debian 12) does not know openat2(2) and
 * fails it with ENOSYS, so pam_mntns could not open a session under it.
 * Preloaded, this turns syscall(SYS_openat2, ...) into the equivalent
 * openat(2) with O_NOFOLLOW; every other call goes through unchanged.
 * Callgrind counts user-space instructions, which this does not change
 * beyond a few per call: the symlink checks of the kernel are not what
 * it measures.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef long (*syscall_fn)(long, long, long, long, long, long, long);

long
syscall(long nr, ...)
{
	syscall_fn real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	const struct open_how *how;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr != SYS_openat2)
		return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	how = (const struct open_how *)a[2];
	return openat((int)a[0], (const char *)a[1],
		      (int)how->flags | O_NOFOLLOW, (mode_t)how->mode);
}
