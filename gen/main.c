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
 * nearmiss-gen: render the committed near-miss reports of a content
 * repository into a static site.  Parses arguments and calls gen_build().
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "gen.h"
#include "gitlog.h"
#include "log.h"
#include "nm.h"

#define GEN_MWINDOW		(8 << 20)	/* bytes of a pack mapped at once */
#define GEN_MWINDOW_MAPPED	(32 << 20)	/* in all */

static void
usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-gen [-qv] [-r repo] [-p path] [--ref ref] "
	    "[-o outdir]\n"
	    "                   [-t themedir] [-j jobs] [--keep-going] "
	    "[--full] [--no-sync]\n"
	    "                   [--drafts dir]\n"
	    "       nearmiss-gen digest [options] (nearmiss-gen digest -h)\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\nRenders the reports committed at REF (default HEAD) under "
	    "PATH (default content)\nof the git repository REPO (default: "
	    "the one containing the current folder)\ninto a static site in "
	    "OUTDIR (default site).  Only committed files are read,\n"
	    "and only reports approved by min_approvals reviewers "
	    "(nearmiss.ini) are published.\n\n"
	    "  -r, --repo REPO     repository (bare or not)\n"
	    "  -p, --path PATH     content folder within the tree\n"
	    "      --ref REF       commit, branch or tag to publish\n"
	    "  -o, --output DIR    output folder\n"
	    "  -t, --theme DIR     theme folder (default themes/default, "
	    "else %s/themes/default)\n"
	    "  -j, --jobs N        render with N threads (default: "
	    "online CPUs, at most 2)\n"
	    "  -k, --keep-going    publish the valid reports, list the "
	    "others, exit 1\n"
	    "      --full          ignore the build state, rebuild "
	    "everything\n"
	    "      --no-sync       do not fsync the output before "
	    "publishing it\n"
	    "      --drafts DIR    preview the work tree, unapproved "
	    "reports too (marked\n"
	    "                      DRAFT), in DIR; never the output "
	    "folder or inside it\n"
	    "  -q, --quiet         only errors\n"
	    "  -v, --verbose       more detail\n"
	    "  -h, --help          this help\n"
	    "      --version       print the version\n\n"
	    "See nearmiss-gen(1), nearmiss-content(5), nearmiss-theme(5).\n",
	    NM_DATADIR);
}

/*
 * The absolute, symlink-free form of path, which need not exist yet:
 * realpath() of its longest existing part, then the rest.  0 or -1.
 */
static int
canon(char *out, size_t outsz, const char *path)
{
	char	 head[PATH_MAX], real[PATH_MAX];
	char	*slash;
	size_t	 n;

	if (realpath(path, real) != NULL) {
		if (strlen(real) >= outsz)
			return -1;
		memcpy(out, real, strlen(real) + 1);
		return 0;
	}
	if (errno != ENOENT || (n = strlen(path)) == 0 || n >= sizeof(head))
		return -1;
	memcpy(head, path, n + 1);
	while (n > 1 && head[n - 1] == '/')
		head[--n] = '\0';
	if ((slash = strrchr(head, '/')) == NULL) {
		if (getcwd(real, sizeof(real)) == NULL)
			return -1;
		slash = head - 1;
	} else if (slash == head) {
		memcpy(real, "/", 2);
	} else {
		*slash = '\0';
		if (canon(real, sizeof(real), head) != 0)
			return -1;
	}
	if (strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0)
		return -1;
	n = strlen(real);
	if (snprintf(out, outsz, "%s%s%s", real, real[n - 1] == '/' ? "" :
	    "/", slash + 1) >= (int)outsz)
		return -1;
	return 0;
}

/* 1 if the folders a and b are apart: not the same, neither inside. */
static int
apart(const char *drafts, const char *outdir)
{
	char	 a[PATH_MAX], b[PATH_MAX], *slash;
	size_t	 na, nb;

	if (canon(a, sizeof(a), drafts) != 0 ||
	    canon(b, sizeof(b), outdir) != 0) {
		log_warnx("--drafts %s: cannot tell where it is (give a "
		    "folder whose parent exists)", drafts);
		return 0;
	}
	na = strlen(a);
	nb = strlen(b);
	if (strcmp(a, b) == 0 || (na < nb && strncmp(a, b, na) == 0 &&
	    (b[na] == '/' || a[na - 1] == '/')) || (nb < na &&
	    strncmp(a, b, nb) == 0 && (a[nb] == '/' || b[nb - 1] == '/'))) {
		log_warnx("--drafts %s: refused: the preview must never be "
		    "in the public output folder %s (nor hold it)", drafts,
		    outdir);
		return 0;
	}
	/* Nor inside any other site nearmiss-gen made. */
	while ((slash = strrchr(a, '/')) != NULL && slash != a) {
		*slash = '\0';
		if (snprintf(b, sizeof(b), "%s/%s", a, STATE_FILE) <
		    (int)sizeof(b) && access(b, F_OK) == 0) {
			log_warnx("--drafts %s: refused: inside %s, a site "
			    "made by nearmiss-gen", drafts, a);
			return 0;
		}
	}
	return 1;
}

int
main(int argc, char *argv[])
{
	enum { OPT_REF = 256, OPT_FULL, OPT_NOSYNC, OPT_VERSION, OPT_DRAFTS };
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "path", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "output", required_argument, NULL, 'o' },
		{ "theme", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "no-sync", no_argument, NULL, OPT_NOSYNC },
		{ "drafts", required_argument, NULL, OPT_DRAFTS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct gen_opts	 o;
	const char	*drafts = NULL;
	char		*end, outdir[PATH_MAX];
	long		 ncpu;
	size_t		 n;
	int		 ch, rc, verbose = 1;

	log_init(argv[0], LOG_TO_STDERR);
	/* The weekly e-mail (digest.c): its own options. */
	if (argc > 1 && strcmp(argv[1], "digest") == 0) {
		git_start();
		rc = digest_main(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.path = "content";
	o.ref = "HEAD";
	o.outdir = "site";
	o.sync = 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = ncpu < 1 ? 1 : ncpu > 2 ? 2 : (int)ncpu;
	while ((ch = getopt_long(argc, argv, "r:p:o:t:j:kqvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			o.repo = optarg;
			break;
		case 'p':
			o.path = optarg;
			break;
		case OPT_REF:
			o.ref = optarg;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 't':
			o.themedir = optarg;
			break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o.jobs < 1 ||
			    o.jobs > 16) {
				log_warnx("-j: expected 1 to 16");
				return 2;
			}
			break;
		case 'k':
			o.keep_going = 1;
			break;
		case OPT_FULL:
			o.full = 1;
			break;
		case OPT_NOSYNC:
			o.sync = 0;
			break;
		case OPT_DRAFTS:
			drafts = optarg;
			break;
		case 'q':
			verbose = 0;
			break;
		case 'v':
			verbose = 2;
			break;
		case 'h':
			help();
			return 0;
		case OPT_VERSION:
			printf("nearmiss-gen %s\n", NM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_setverbose(verbose);
	if (o.themedir == NULL)
		o.themedir = access("themes/default/report.html", R_OK) == 0 ?
		    "themes/default" : NM_DATADIR "/themes/default";
	if (drafts != NULL) {
		if (!apart(drafts, o.outdir))
			return 2;
		/* The preview goes to DIR, always rebuilt whole. */
		o.outdir = drafts;
		o.drafts = 1;
		o.full = 1;
		if (strcmp(o.ref, "HEAD") != 0) {
			log_warnx("--drafts reads the work tree; --ref does "
			    "not apply");
			return 2;
		}
	}
	/* The output folder without trailing slashes (it gets renamed). */
	n = strlen(o.outdir);
	if (n == 0 || n >= sizeof(outdir)) {
		log_warnx("-o: bad output folder");
		return 2;
	}
	memcpy(outdir, o.outdir, n + 1);
	while (n > 1 && outdir[n - 1] == '/')
		outdir[--n] = '\0';
	if (strcmp(outdir, "/") == 0 || strcmp(outdir, ".") == 0 ||
	    strcmp(outdir, "..") == 0) {
		log_warnx("-o %s: the output folder is replaced as a whole; "
		    "give a folder of its own", outdir);
		return 2;
	}
	o.outdir = outdir;
	o.progress = verbose > 0 && isatty(STDERR_FILENO);

	git_start();
	/*
	 * A build reads every blob once: map the pack files through a few
	 * small windows, not whole (a gigabyte each by default), so that
	 * the pages already read leave memory.
	 */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)GEN_MWINDOW);
	/*
	 * Objects are not re-hashed on each read, as git itself reads them
	 * (git fsck checks): libgit2's check hashed every tree of the diff
	 * again, an eighth of a one-report rebuild of 50,000 reports.  What
	 * is published is checked anyway: the approvals sign each text.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT,
	    (size_t)GEN_MWINDOW_MAPPED);
	rc = gen_build(&o);
	git_libgit2_shutdown();
	return rc == 0 ? 0 : 1;
}
