/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which PAM service files use the module (/etc/pam.d, and the vendor
 * directory /usr/lib/pam.d where /etc/pam.d has no file of that name):
 * those with a session line that names pam_mntns.so, and those that
 * include one of them (@include, or a session include or substack),
 * however deep.  show says so, since its
 * plan only reaches logins of a service that runs the module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

#define MODULE_FILE "pam_mntns.so"

/* One file of the PAM directory: what it names, what it includes. */
struct pam_file {
	char *name;
	bool uses;	 /* names the module, or includes a file that does */
	char **includes; /* names of included files */
	size_t nincludes;
};

static bool
is_session_type(const char *t)
{
	return !strcmp(t, "session") || !strcmp(t, "-session");
}

static bool
names_module(const char *tok)
{
	const char *base = strrchr(tok, '/');

	return !strcmp(base ? base + 1 : tok, MODULE_FILE);
}

static int
add_include(struct pam_file *f, const char *target)
{
	char **grown;

	if (!strncmp(target, PAM_DIR "/", sizeof(PAM_DIR)))
		target += sizeof(PAM_DIR);
	else if (!strncmp(target, PAM_VENDOR_DIR "/", sizeof(PAM_VENDOR_DIR)))
		target += sizeof(PAM_VENDOR_DIR);
	grown = reallocarray(f->includes, f->nincludes + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	f->includes = grown;
	f->includes[f->nincludes] = strdup(target);
	return f->includes[f->nincludes++] ? 0 : -ENOMEM;
}

/* One line: "TYPE CONTROL MODULE ARGS" or "@include FILE". */
static int
read_line(struct pam_file *f, char *line)
{
	char *tok[3], *save = NULL;
	size_t n = 0;

	line[strcspn(line, "#\n")] = '\0';
	/* No token is taken past the third: the rest is read below. */
	while (n < 3 && (tok[n] = strtok_r(n ? NULL : line, " \t", &save)))
		n++;
	if (n >= 2 && !strcmp(tok[0], "@include"))
		return add_include(f, tok[1]);
	if (n < 3 || !is_session_type(tok[0]))
		return 0;
	if (!strcmp(tok[1], "include") || !strcmp(tok[1], "substack"))
		return add_include(f, tok[2]);
	/* A [value=action ...] control holds blanks; the module follows. */
	if (tok[1][0] == '[') {
		for (char *t = tok[2]; t; t = strtok_r(NULL, " \t", &save))
			if (names_module(t))
				f->uses = true;
		return 0;
	}
	f->uses |= names_module(tok[2]);
	return 0;
}

static int
read_pam_file(int dirfd, struct pam_file *f)
{
	_cleanup_(freep) char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int fd, r = 0;

	fd = openat(dirfd, f->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0; /* unreadable or a symlink: not counted */
	fp = fdopen(fd, "r");
	if (!fp) {
		close(fd);
		return -errno;
	}
	while (r == 0 && getline(&line, &cap, fp) > 0)
		r = read_line(f, line);
	fclose(fp);
	return r;
}

static struct pam_file *
find_file(struct pam_file *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

/* Marks the includers of users until nothing changes (cycles end too). */
static void
propagate(struct pam_file *files, size_t n)
{
	const struct pam_file *inc;
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0;
			     !files[i].uses && k < files[i].nincludes; k++) {
				inc = find_file(files, n, files[i].includes[k]);
				if (inc && inc->uses)
					changed = files[i].uses = true;
			}
		}
	}
}

static bool
is_service_name(const char *name)
{
	size_t len = strlen(name);

	/* Skipped as libpam and the package tools skip them. */
	return name[0] != '.' && name[len - 1] != '~' &&
	       !strstr(name, ".dpkg-") && !strstr(name, ".rpm");
}

/* One more file named @name of @dirfd, read. */
static int
add_file(int dirfd, const char *name, struct pam_file **files, size_t *n)
{
	struct pam_file *grown = reallocarray(*files, *n + 1, sizeof(**files));

	if (!grown)
		return -ENOMEM;
	*files = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].name = strdup(name);
	if (!grown[*n].name)
		return -ENOMEM;
	return read_pam_file(dirfd, &grown[(*n)++]);
}

/*
 * The service files of @dir; of the vendor directory only those that
 * PAM_DIR has no file of the same name for, as libpam reads them.  A
 * vendor directory that does not exist has none.
 */
static int
scan_dir(const char *dir, bool vendor, struct pam_file **files, size_t *n)
{
	struct dirent **ents = NULL;
	size_t known = *n;
	int dirfd, k, r = 0;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return vendor && errno == ENOENT ? 0 : -errno;
	k = scandirat(dirfd, ".", &ents, NULL, alphasort);
	for (int i = 0; i < k; i++) {
		if (r == 0 && ents[i]->d_type != DT_DIR &&
		    is_service_name(ents[i]->d_name) &&
		    !find_file(*files, known, ents[i]->d_name))
			r = add_file(dirfd, ents[i]->d_name, files, n);
		free(ents[i]);
	}
	free(ents);
	close(dirfd);
	return k < 0 ? -errno : r;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct pam_file *)a)->name,
		      ((const struct pam_file *)b)->name);
}

static void
files_free(struct pam_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < files[i].nincludes; k++)
			free(files[i].includes[k]);
		free(files[i].includes);
		free(files[i].name);
	}
	free(files);
}

int
pam_services_find(struct pam_services *ps)
{
	struct pam_file *files = NULL;
	size_t n = 0;
	int r;

	memset(ps, 0, sizeof(*ps));
	r = scan_dir(PAM_DIR, false, &files, &n);
	if (r == 0)
		r = scan_dir(PAM_VENDOR_DIR, true, &files, &n);
	/* qsort(NULL, 0, ...) is undefined. */
	if (r == 0 && n > 1)
		qsort(files, n, sizeof(*files), cmp_file);
	if (r == 0) {
		propagate(files, n);
		ps->names = calloc(n + 1, sizeof(*ps->names));
		r = ps->names ? 0 : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!files[i].uses)
			continue;
		ps->names[ps->n] = steal_ptr(&files[i].name);
		ps->n++;
	}
	files_free(files, n);
	return r;
}

void
pam_services_free(struct pam_services *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->names[i]);
	free(ps->names);
	memset(ps, 0, sizeof(*ps));
}
