/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD shim for tests on a host without a syslog daemon: every
 * syslog() line (pam_syslog ends there) is appended to $MNTNS_TEST_LOG,
 * opened once at load time so a remapped /tmp cannot hide it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

static int log_fd = -1;

__attribute__((constructor)) static void
shim_open(void)
{
	const char *path = getenv("MNTNS_TEST_LOG");

	if (path)
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			      0600);
}

void
vsyslog(int prio, const char *fmt, va_list ap)
{
	char line[2048];
	int n, m;

	if (log_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<%d> ", prio);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(log_fd, line, (size_t)n) < 0)
		return;
}

void
syslog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap);
void __syslog_chk(int prio, int flag, const char *fmt, ...);

void
__vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(prio, fmt, ap);
}

void
__syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

void
openlog(const char *ident, int opt, int facility)
{
	(void)ident;
	(void)opt;
	(void)facility;
}

void
closelog(void)
{
}
