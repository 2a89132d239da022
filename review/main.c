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
 * nearmiss-review: the reviewer's tool.  Turns core dumps off, starts
 * libsodium, and hands the arguments to the sub-command named first,
 * each in its own file (review/keygen.c, review/list.c, ...).
 */

#include <sys/prctl.h>
#include <sys/resource.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "nm.h"
#include "review.h"

struct command {
	const char	*name;
	int		(*run)(int, char *[]);
};

static void	usage(FILE *);
static void	help(void);
static void	nodump(void);

static const struct command commands[] = {
	{ "approve", review_approve },
	{ "draft", review_draft },
	{ "keygen", review_keygen },
	{ "lint", review_lint },
	{ "list", review_list },
	{ "purge", review_purge },
	{ "receive", review_receive },
	{ "reject", review_reject },
	{ "show", review_show },
	{ "status", review_status },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review command [argument ...]\n"
	    "       nearmiss-review -h | --help | --version\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\nThe reviewer's tool: keys, and decrypting, de-identifying "
	    "and approving\nsubmissions.\n\n"
	    "Commands:\n"
	    "  keygen NAME -o KEYFILE  make a key pair, write the secret "
	    "key file KEYFILE\n"
	    "                          and print the public line for the "
	    "recipients file\n"
	    "  list                    the inbox items this key opens, "
	    "oldest first\n"
	    "  show ID                 one item's whole record\n"
	    "  receive                 record \"received\" for the new "
	    "items, and commit\n"
	    "  reject ID               record \"not published\", and "
	    "commit\n"
	    "  draft ID                write an item's report draft into "
	    "the work tree\n"
	    "  lint FILE...            flag what may identify a person, "
	    "place or agency\n"
	    "  approve FILE...         sign reports and commit them\n"
	    "  status                  the review queue at a glance\n"
	    "  purge                   delete decided items from the "
	    "inbox\n\n"
	    "Common options: -K KEYFILE (or NEARMISS_KEY), -i INBOX, "
	    "-r REPO, -p PATH.\n\n"
	    "Options:\n"
	    "  -h, --help              this help\n"
	    "      --version           print the version\n\n"
	    "See nearmiss-review(1).\n");
}

/*
 * Secret keys and decrypted reports must not end up in a core file, nor
 * be readable through ptrace or /proc by other processes of the user.
 * XXX Linux only; this moves to the sandbox files (lib/sandbox-*.c)
 * when they exist.
 */
static void
nodump(void)
{
	struct rlimit	 rl;

	rl.rlim_cur = 0;
	rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");
}

int
main(int argc, char *argv[])
{
	enum { OPT_VERSION = 256 };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	size_t		 i;
	int		 ch;

	log_init(argv[0], LOG_TO_STDERR);
	nodump();
	if (sodium_init() == -1)
		fatalx("libsodium cannot be initialised");
	/* "+": stop at the command; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
			return 0;
		case OPT_VERSION:
			printf("nearmiss-review %s\n", NM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NM_NELEM(commands); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].run(argc - optind, argv + optind);
	log_warnx("%s: unknown command", argv[optind]);
	usage(stderr);
	return 2;
}
