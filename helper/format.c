/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Words for display: where an owner comes from, mount flags as findmnt
 * spells them, a rule's OPTIONS as they take effect, a difference of two
 * plans.  The words of the
 * flags are the config's own (config/options.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "admin/describe.h"
#include "config/options.h"
#include "helper.h"

const char *
desc_owner_name(enum desc_owner o)
{
	static const char *const names[] = {
		[OWNER_MODE] = "mode=",
		[OWNER_TARGET] = "target",
		[OWNER_SOURCE] = "source",
		[OWNER_INSTANCE] = "instance",
		[OWNER_NEW_INSTANCE] = "new-instance",
		[OWNER_HIDDEN] = "hidden",
	};

	return (size_t)o < ARRAY_SIZE(names) ? names[o] : "?";
}

static void
append_word(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "," : "", word);
}

void
mount_flags_format(unsigned long ms, char *buf, size_t len)
{
	unsigned long f;

	buf[0] = '\0';
	/* ro or rw always, the others when set, as findmnt writes them. */
	append_word(buf, len, mount_flag_word(MS_RDONLY, ms & MS_RDONLY));
	for (f = MS_RDONLY << 1; f <= MOUNT_MS_FLAGS; f <<= 1)
		if (ms & f & MOUNT_MS_FLAGS)
			append_word(buf, len, mount_flag_word(f, true));
}

void
plan_change_print(const char *indent, enum plan_change c, const char *was,
		  const char *now)
{
	char a[PATH_MAX * 2], b[PATH_MAX * 2];

	mask_text(a, sizeof(a), was ? was : "");
	mask_text(b, sizeof(b), now ? now : "");
	if (c == PLAN_CHANGE)
		printf("%s~ %s  (was: %s)\n", indent, b, a);
	else
		printf("%s%c %s\n", indent, c == PLAN_ADD ? '+' : '-',
		       c == PLAN_ADD ? b : a);
}

void
rule_options_format(const struct rule *r, char *buf, size_t len)
{
	char mode[16];
	unsigned long f;

	buf[0] = '\0';
	if (r->fsdata)
		append_word(buf, len, r->fsdata);
	if (r->selinux)
		append_word(buf, len, r->selinux);
	if (r->mode >= 0) {
		snprintf(mode, sizeof(mode), "mode=%04o", (unsigned)r->mode);
		append_word(buf, len, mode);
	}
	/* The per-mount flags in bit order: ro, nosuid, nodev, noexec. */
	for (f = 1; f <= MOUNT_MS_FLAGS; f <<= 1) {
		if (r->ms_set & f & MOUNT_MS_FLAGS)
			append_word(buf, len, mount_flag_word(f, true));
		else if (r->ms_clr & f & MOUNT_MS_FLAGS)
			append_word(buf, len, mount_flag_word(f, false));
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}
