/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a namespace was built from, kept with its record: the plan as a
 * canonical text, one line per mount, and a fingerprint of that text.
 * A namespace whose fingerprint is not the current plan's was built from
 * another config; the two texts say how they differ.  Pure.
 */
#ifndef MNTNS_FINGERPRINT_H
#define MNTNS_FINGERPRINT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"

/*
 * The plan's mounts as lines "TARGET METHOD SOURCE OPTIONS", in the order
 * they are made: paths with blanks, backslashes and control bytes as
 * octal escapes (\040), "-" for no SOURCE, OPTIONS as a comma list of
 * what the mount is made with ("-" for none).  A malloc'd string
 * ("" for no mount), NULL when out of memory.
 */
char *plan_text(const struct plan *p);

/* The FNV-1a hash (64 bits) of @text, never 0 (0 means "not known"). */
uint64_t plan_fingerprint(const char *text);

/* How one mount of a namespace's plan stands against the current plan. */
enum plan_change {
	PLAN_ADD,    /* in the current plan only */
	PLAN_REMOVE, /* in the namespace's plan only */
	PLAN_CHANGE, /* in both, made differently */
};

/*
 * Calls @fn for each mount that differs between the texts of the plans
 * @was (the namespace's) and @now (the current one), matched by TARGET:
 * removals and changes in @was's order, then additions in @now's.
 * @old/@new are the lines (without their newline; NULL on the side
 * that has none) and their lengths.  Returns the number of differences,
 * or the first negative value @fn returns.
 */
typedef int (*plan_change_fn)(enum plan_change c, const char *old,
			      size_t old_len, const char *new, size_t new_len,
			      void *ctx);
int plan_text_diff(const char *was, const char *now, plan_change_fn fn,
		   void *ctx);

/*
 * A line of plan_text() taken apart: TARGET unescaped into @target, the
 * flag words of OPTIONS as MS_* bits set (ro, nosuid, ...) and cleared
 * (rw, suid, ...), and a tmpfs's size= and nr_inodes= words in @data.
 * -EINVAL for a line that is not one.
 */
struct plan_line {
	char target[PATH_MAX];
	bool tmpfs; /* the method */
	unsigned long ms_set, ms_clr;
	char data[128];
};
int plan_line_parse(const char *line, size_t len, struct plan_line *l);

/* How lines @a and @b for one TARGET differ. */
enum line_change {
	LINE_FLAGS,  /* in their flag words alone */
	LINE_RESIZE, /* a tmpfs, also in size= or nr_inodes= */
	LINE_OTHER,  /* in anything else */
};
enum line_change plan_lines_compare(const char *a, size_t a_len, const char *b,
				    size_t b_len);

#endif
