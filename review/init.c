/*
 * Copyright (c) 2026 The nearmiss authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * nearmiss-review init DIR: starts the content repository of a new
 * archive.  The starting files (review/init/, built into the program as
 * init_files[] by review/init/embed.sh) are written into a temporary
 * folder beside DIR, committed there by rv_commit() as the bot identity,
 * and the folder is renamed to DIR: DIR is made whole or not at all.
 */

#include <sys/stat.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "commit.h"
#include "file.h"
#include "gitlog.h"
#include "log.h"
#include "nm.h"
#include "review.h"

/* More than review/init/ will ever hold; rv_commit() takes 4096. */
#define INIT_FILES_MAX	64

/* path, text, path, text, ..., NULL: generated from review/init/. */
extern const char *const init_files[];

static void	init_usage(FILE *);
static int	dir_check(const char *);
static int	repo_init(const char *);
static void	sh_quote(struct buf *, const char *);
static void	next_steps(const char *);

static void
init_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review init DIR\n");
}

/*
 * DIR may be missing or an empty folder; anything else is refused.
 * Returns 0 or -1 (logged).
 */
static int
dir_check(const char *dir)
{
	git_repository	*r = NULL;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d = NULL;
	int		 rc = -1, isrepo;

	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: exists and is not a folder; give a new path "
		    "or an empty folder", dir);
		return -1;
	}
	/* Bare or not, and whatever the folder holds besides. */
	git_start();
	isrepo = git_repository_open_ext(&r, dir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0;
	git_repository_free(r);
	git_libgit2_shutdown();
	if (isrepo) {
		log_warnx("%s: already a git repository; init starts a new "
		    "one, and left this one as it is", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, ".git") == 0)
			log_warnx("%s: holds a .git entry (a git repository?); "
			    "give a new path or an empty folder", dir);
		else
			log_warnx("%s: exists and is not empty; give a new "
			    "path or an empty folder", dir);
		goto out;
	}
	if (errno != 0) {
		log_warn("%s", dir);
		goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/*
 * An empty repository at dir, its branch "main" (the branch of the
 * post-receive hook of nearmiss-gen(1)), with no user or system git
 * configuration nor templates.  Returns 0 or -1 (logged).
 */
static int
repo_init(const char *dir)
{
	git_repository_init_options	 opts;
	git_repository			*r = NULL;
	int				 rc = 0;

	git_start();
	if (git_repository_init_options_init(&opts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION) != 0) {
		rc = git_fail("git_repository_init_options");
		goto out;
	}
	opts.flags = GIT_REPOSITORY_INIT_NO_REINIT |
	    GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if (git_repository_init_ext(&r, dir, &opts) != 0)
		rc = git_fail(dir);
out:
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

/* Appends s as one word of sh(1), quoted only if it needs to be. */
static void
sh_quote(struct buf *b, const char *s)
{
	const char	*p;

	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_./+,:@%=-") == strlen(s)) {
		buf_addstr(b, s);
		return;
	}
	buf_addch(b, '\'');
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			buf_addstr(b, "'\\''");
		else
			buf_addch(b, *p);
	buf_addch(b, '\'');
}

/*
 * What the new administrator does next, with dir (as given) in every
 * command, quoted for the shell.  README.md "Set up your own archive"
 * walks through the same steps.
 */
static void
next_steps(const char *dir)
{
	struct buf	 q = BUF_INIT, c = BUF_INIT, p = BUF_INIT;

	sh_quote(&q, dir);
	buf_printf(&p, "%s/content", dir);
	sh_quote(&c, p.data);
	printf("Started a content repository in %s: one commit, by %s <%s>.\n"
	    "\n"
	    "Next steps (README.md \"Set up your own archive\" has them "
	    "too):\n"
	    "\n"
	    "1. Make the archive yours: the [site] settings (title, "
	    "base_url, the\n"
	    "   intake addresses) and the taxonomy in %s/nearmiss.ini, and "
	    "the\n"
	    "   pages in %s/pages/.  The privacy page promises two "
	    "approvals\n"
	    "   per report and deletion within 30 days: keep min_approvals "
	    "and the\n"
	    "   intake host's daily \"nearmiss-intake purge --days 30\" in "
	    "line with\n"
	    "   it, or change the page.\n"
	    "\n"
	    "2. Each reviewer makes a key pair on their own machine; the "
	    "secret key\n"
	    "   file stays there, and the public line on standard output "
	    "comes to you:\n"
	    "       mkdir -p ~/.nearmiss\n"
	    "       nearmiss-review keygen NAME -o ~/.nearmiss/NAME.key > "
	    "NAME.pub\n"
	    "\n"
	    "3. Add each reviewer's public line to %s/reviewers\n"
	    "   (whose approvals count), and to the intake host's "
	    "recipients file\n"
	    "   (nearmiss-intake -k FILE: who each submission is sealed "
	    "to).\n"
	    "\n"
	    "4. Copy %s/nearmiss.ini to the intake host, for its\n"
	    "   -t FILE: the report form offers the same taxonomy.  Copy "
	    "it again\n"
	    "   after each edit; \"nearmiss-intake check --repo\" tells "
	    "when they differ.\n"
	    "\n"
	    "5. Commit your changes under the bot identity, as "
	    "nearmiss-review does:\n"
	    "       git -C %s add -A\n"
	    "       git -C %s -c user.name=%s -c user.email=%s \\\n"
	    "           commit -m \"Add the reviewers\"\n"
	    "\n"
	    "6. Build the site, and again after each approval:\n"
	    "       nearmiss-gen -r %s -o site\n",
	    q.data, RV_COMMIT_NAME, RV_COMMIT_EMAIL, c.data, c.data, c.data,
	    c.data, q.data, q.data, RV_COMMIT_NAME, RV_COMMIT_EMAIL, q.data);
	buf_free(&q);
	buf_free(&c);
	buf_free(&p);
}

int
review_init(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*paths[INIT_FILES_MAX], *slash;
	char		 dir[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX];
	char		 p[PATH_MAX];
	size_t		 i, n, len;
	int		 ch, rc = 2, made = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			init_usage(stdout);
			return 0;
		default:
			init_usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1 || *argv[optind] == '\0') {
		init_usage(stderr);
		return 2;
	}
	/* Without trailing slashes: it is renamed into place. */
	len = strlen(argv[optind]);
	if (len >= sizeof(dir)) {
		log_warnx("%s: %s", argv[optind], strerror(ENAMETOOLONG));
		return 2;
	}
	memcpy(dir, argv[optind], len + 1);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		memcpy(parent, ".", 2);
	else if (slash == dir)
		memcpy(parent, "/", 2);
	else {
		memcpy(parent, dir, (size_t)(slash - dir));
		parent[slash - dir] = '\0';
	}
	if (strcmp(slash == NULL ? dir : slash + 1, ".") == 0 ||
	    strcmp(slash == NULL ? dir : slash + 1, "..") == 0 ||
	    strcmp(dir, "/") == 0) {
		log_warnx("%s: give the new folder by its name, such as "
		    "../archive", dir);
		return 2;
	}

	rc = 1;
	if (dir_check(dir) == -1)
		goto out;
	/* Beside DIR, so that the last step is a rename(). */
	if (file_path(tmp, sizeof(tmp), "%s.tmp-XXXXXX", dir) == -1)
		goto out;
	if (mkdtemp(tmp) == NULL) {
		log_warn("%s: cannot make a folder beside it (%s)", dir,
		    parent);
		goto out;
	}
	made = 1;
	for (i = n = 0; init_files[i] != NULL; i += 2) {
		assert(n < INIT_FILES_MAX);
		paths[n++] = init_files[i];
		if (file_path(p, sizeof(p), "%s/%s", tmp, init_files[i]) ==
		    -1 || file_write(p, init_files[i + 1],
		    strlen(init_files[i + 1]), 0644,
		    FILE_MKDIRS | FILE_SYNC) == -1)
			goto out;
	}
	if (repo_init(tmp) == -1 ||
	    rv_commit(tmp, paths, n, "Start the archive\n\n"
	    "The starting files of nearmiss-review init: nearmiss.ini,\n"
	    "the pages, the reviewers and receipts files and\n"
	    ".gitattributes.\n") == -1)
		goto out;
	if (chmod(tmp, 0755) == -1) {
		log_warn("%s", tmp);
		goto out;
	}
	/* Over a missing or empty DIR only; never over a full one. */
	if (rename(tmp, dir) == -1) {
		if (errno == ENOTEMPTY || errno == EEXIST)
			log_warnx("%s: no longer empty; init left it as it is",
			    dir);
		else
			log_warn("%s", dir);
		goto out;
	}
	made = 0;
	if (file_sync_dir(parent) == -1)
		goto out;
	next_steps(dir);
	rc = 0;
out:
	if (made && file_remove_tree(tmp) == -1)
		log_warnx("%s: remove it by hand", tmp);
	return rc;
}
