/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * list: the namespaces the module made that still exist (live.h), one
 * row per session, as a table or JSON, each with whether it was built
 * from the plan the config gives its user now.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "live.h"

#define NCOLS 12

static const char *const headers[NCOLS] = {
	"USER",	 "UID", "NS",	   "NSID",    "PIN",   "SCOPE",
	"STATE", "PID", "SERVICE", "CREATED", "PROCS", "PLAN",
};

struct row {
	char c[NCOLS][64];
};

static void
fill_row(struct row *row, const struct live_ns *ns,
	 const struct live_session *s)
{
	const struct ns_record *r = &ns->rec;

	snprintf(row->c[0], 64, "%s", ns->user);
	snprintf(row->c[1], 64, "%u", (unsigned)r->uid);
	ns_name(&r->ns, row->c[2]);
	if (r->ns.id)
		snprintf(row->c[3], 64, "%" PRIu64, r->ns.id);
	else
		snprintf(row->c[3], 64, "-");
	snprintf(row->c[4], 64, "%s", live_pin(ns));
	snprintf(row->c[5], 64, "%s", scope_name(r->scope));
	snprintf(row->c[6], 64, "%s", live_state(ns));
	/* With no session left, the process that keeps it. */
	if (s)
		snprintf(row->c[7], 64, "%d", (int)s->pid);
	else if (ns->life == NS_HELD)
		snprintf(row->c[7], 64, "-");
	else
		snprintf(row->c[7], 64, "%d", (int)r->voucher);
	mask_text(row->c[8], 64, s ? s->service : "-");
	format_time(s ? s->created.tv_sec : r->created.tv_sec, row->c[9], 64);
	snprintf(row->c[10], 64, "%zu", ns->procs);
	snprintf(row->c[11], 64, "%s", plan_state_name(ns->plan));
}

static void
print_row(const char *const *cells, const size_t *w)
{
	int i;

	for (i = 0; i < NCOLS - 1; i++)
		printf("%-*s  ", (int)w[i], cells[i]);
	printf("%s\n", cells[NCOLS - 1]);
}

static int
print_table(const struct row *rows, size_t n)
{
	const char *cells[NCOLS];
	size_t w[NCOLS], i;
	int c;

	for (c = 0; c < NCOLS; c++) {
		w[c] = strlen(headers[c]);
		for (i = 0; i < n; i++)
			if (strlen(rows[i].c[c]) > w[c])
				w[c] = strlen(rows[i].c[c]);
	}
	print_row(headers, w);
	for (i = 0; i < n; i++) {
		for (c = 0; c < NCOLS; c++)
			cells[c] = rows[i].c[c];
		print_row(cells, w);
	}
	return 0;
}

/* One row per session; a namespace whose sessions all left shows one. */
static int
list_text(const struct live *l)
{
	struct row *rows = NULL, *grown;
	size_t i, k, n = 0;
	char who[64];

	for (i = 0; i < l->n; i++) {
		for (k = 0; k == 0 || k < l->ns[i].n; k++) {
			grown = reallocarray(rows, n + 1, sizeof(*rows));
			if (!grown) {
				free(rows);
				return -ENOMEM;
			}
			rows = grown;
			fill_row(&rows[n++], &l->ns[i],
				 l->ns[i].n ? &l->ns[i].s[k] : NULL);
		}
	}
	if (n > 0)
		print_table(rows, n);
	free(rows);
	for (i = 0; i < l->nheld; i++)
		printf("PID %d (%s) holds %zu mount namespace%s that no "
		       "process "
		       "is in, through open descriptors\n",
		       (int)l->held[i].pid,
		       uid_name(l->held[i].uid, who, sizeof(who)), l->held[i].n,
		       l->held[i].n == 1 ? "" : "s");
	return 0;
}

static void
json_ns(struct json *j, const struct live_ns *ns)
{
	char name[NS_NAME_MAX];
	size_t k;

	ns_name(&ns->rec.ns, name);
	json_open(j, NULL, '{');
	json_str(j, "ns", name);
	json_int(j, "ino", (long long)ns->rec.ns.ino);
	json_int(j, "id", (long long)ns->rec.ns.id);
	json_bool(j, "pinned", ns->pinned);
	json_str(j, "scope", scope_name(ns->rec.scope));
	json_str(j, "state", live_state(ns));
	json_int(j, "created", ns->rec.created.tv_sec);
	json_int(j, "processes", (long long)ns->procs);
	json_str(j, "plan", plan_state_name(ns->plan));
	json_int(j, "pid",
		 ns->n		       ? ns->s[0].pid
		 : ns->life == NS_HELD ? 0
				       : ns->rec.voucher);
	json_open(j, "sessions", '[');
	for (k = 0; k < ns->n; k++) {
		json_open(j, NULL, '{');
		json_int(j, "pid", ns->s[k].pid);
		json_str(j, "service", ns->s[k].service);
		json_int(j, "created", ns->s[k].created.tv_sec);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void
json_user_end(struct json *j)
{
	json_close(j, ']');
	json_close(j, '}');
}

/* {"users": [{user, uid, namespaces: [...]}, ...]}, sorted by uid. */
static int
list_json(const struct live *l)
{
	struct json j;
	char who[64];
	size_t i;

	json_begin(&j, stdout);
	json_open(&j, "users", '[');
	for (i = 0; i < l->n; i++) {
		if (i == 0 || l->ns[i].rec.uid != l->ns[i - 1].rec.uid) {
			if (i > 0)
				json_user_end(&j);
			json_open(&j, NULL, '{');
			json_str(&j, "user", l->ns[i].user);
			json_int(&j, "uid", l->ns[i].rec.uid);
			json_open(&j, "namespaces", '[');
		}
		json_ns(&j, &l->ns[i]);
	}
	if (l->n > 0)
		json_user_end(&j);
	json_close(&j, ']');
	json_open(&j, "held", '[');
	for (i = 0; i < l->nheld; i++) {
		json_open(&j, NULL, '{');
		json_int(&j, "pid", l->held[i].pid);
		json_str(&j, "user",
			 uid_name(l->held[i].uid, who, sizeof(who)));
		json_int(&j, "uid", l->held[i].uid);
		json_int(&j, "namespaces", (long long)l->held[i].n);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_end(&j);
	return 0;
}

static int
conf_must_load(const char *path)
{
	struct conf c = {0};
	int r = load_conf(&c, path);

	conf_free(&c);
	return r;
}

/* Each namespace's plan against the one @conf gives its user now. */
static void
compare_plans(struct live *l, const char *conf)
{
	char *now = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i == 0 || l->ns[i].rec.uid != l->ns[i - 1].rec.uid) {
			free(now);
			now = plan_now(l->ns[i].user, conf);
		}
		l->ns[i].plan = plan_state(&l->ns[i].rec, now);
	}
	free(now);
	plan_texts_tidy(l);
}

int
cmd_list(int argc, char **argv)
{
	struct live l = {.only = (uid_t)-1};
	struct opts o;
	int r;

	r = root_command(argc, argv, OPT_CONF | OPT_JSON | OPT_NO_OPERANDS, 0,
			 NULL, &o);
	if (r >= 0)
		return r;
	/* A config named on the command line must load (its errors said). */
	if (o.conf && conf_must_load(o.conf) < 0)
		return 1;
	r = live_collect(&l);
	if (r == 0)
		compare_plans(&l, o.conf);
	if (r == 0)
		r = o.json ? list_json(&l) : list_text(&l);
	if (r == -ENOMEM)
		fprintf(stderr, PROG ": list: out of memory\n");
	live_free(&l);
	return r < 0;
}
