/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OPTIONS, the last field of a rule: the per-mount flag words (ro, rw,
 * nosuid, suid, ...: libmount's own names, resolved at build time),
 * mode=, a tmpfs's size= and nr_inodes=, and the SELinux contexts of a
 * tmpfs.  Parsed into the rule here; the words of the flags are also
 * what the helper displays.
 */
#ifndef MNTNS_OPTIONS_H
#define MNTNS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct rule;
struct where;

/*
 * Parses OPTIONS field @field ("-": none) of @r, whose method and SOURCE
 * are known, into its flags, mode, fsdata and selinux, then gives a
 * tmpfs or an instance the defaults of a fresh user-writable place
 * (nosuid, nodev) that its words do not override.  0, -EINVAL with the
 * error at @w, or -ENOMEM.
 */
int options_parse(const struct where *w, char *field, struct rule *r);

/*
 * The word of per-mount flag @ms (one MS_* bit), @set ("nosuid") or
 * cleared ("suid"), as mount(8) writes it; "?" for a flag it has none
 * for.
 */
const char *mount_flag_word(unsigned long ms, bool set);

/*
 * The MS_* bit of flag word @word (@len bytes, not NUL-terminated), and
 * in *@set whether the word sets it ("nosuid") or clears it ("suid");
 * 0 for a word that is no flag.
 */
unsigned long mount_flag_of_word(const char *word, size_t len, bool *set);

#endif
