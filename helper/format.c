/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Words for display: where an owner comes from, mount flags as findmnt
 * spells them, a rule's OPTIONS as they take effect.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "describe.h"
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

static const struct {
	unsigned long flag;
	const char *on, *off;
} flag_names[] = {
	{MS_RDONLY, "ro", "rw"},
	{MS_NOSUID, "nosuid", "suid"},
	{MS_NODEV, "nodev", "dev"},
	{MS_NOEXEC, "noexec", "exec"},
};

static void
append_word(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "," : "", word);
}

void
mount_flags_format(unsigned long ms, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	append_word(buf, len, (ms & MS_RDONLY) ? "ro" : "rw");
	for (i = 1; i < ARRAY_SIZE(flag_names); i++)
		if (ms & flag_names[i].flag)
			append_word(buf, len, flag_names[i].on);
}

void
rule_options_format(const struct rule *r, char *buf, size_t len)
{
	char mode[16];
	size_t i;

	buf[0] = '\0';
	if (r->fsdata)
		append_word(buf, len, r->fsdata);
	if (r->selinux)
		append_word(buf, len, r->selinux);
	if (r->mode >= 0) {
		snprintf(mode, sizeof(mode), "mode=%04o", (unsigned)r->mode);
		append_word(buf, len, mode);
	}
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (r->ms_set & flag_names[i].flag)
			append_word(buf, len, flag_names[i].on);
		else if (r->ms_clr & flag_names[i].flag)
			append_word(buf, len, flag_names[i].off);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}
