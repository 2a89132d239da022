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
 * nearmiss-intake: the internet-facing side.  It holds the reviewers'
 * public keys and the encrypted inbox, never a secret key or plaintext at
 * rest.  This file picks the sub-command; each lives in its own file.
 */

#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "intake.h"
#include "log.h"
#include "nm.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char *[]);
} cmds[] = {
	{ "imap", cmd_imap },
	{ "mail", cmd_mail },
	{ "maildir", cmd_maildir },
	{ "purge", cmd_purge },
	{ "serve", cmd_serve },
};

void
intake_usage(void)
{
	fprintf(stderr, "usage: nearmiss-intake imap -c config [-i inbox] "
	    "[-k recipients]\n"
	    "           [-t taxonomy] [-u user] [--watch]\n"
	    "       nearmiss-intake mail [-c config] [-i inbox] "
	    "[-k recipients]\n"
	    "           [-t taxonomy] [-u user] < message\n"
	    "       nearmiss-intake maildir [-c config] [-i inbox] "
	    "[-k recipients]\n"
	    "           [-t taxonomy] [-u user] dir\n"
	    "       nearmiss-intake purge -i inbox --days n\n"
	    "       nearmiss-intake serve [-c config] [-l addr:port] "
	    "-i inbox -k recipients\n"
	    "           -t taxonomy [-u user] [-o origin] [--rate n] "
	    "[--rate-window s]\n"
	    "           [--rate-burst n] [--no-rate-limit] [--log-stderr]\n"
	    "       nearmiss-intake -h | --version\n");
}

/* Submissions pass through this process: no core dumps, not ever. */
static void
no_core_dumps(void)
{
	struct rlimit	 rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	log_init("nearmiss-intake", LOG_TO_STDERR);
	/*
	 * As an MTA's delivery agent, any failure that is not the
	 * message's fault (memory, setup) must say "try again", or the
	 * MTA bounces the mail.
	 */
	if (argc >= 2 && strcmp(argv[1], "mail") == 0)
		log_fatal_status(75);
	no_core_dumps();
	if (argc < 2) {
		intake_usage();
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		printf("nearmiss-intake imap -c CONFIG [-i INBOX] "
		    "[-k RECIPIENTS] [-t TAXONOMY] [-u USER]\n"
		    "    [--watch]\n"
		    "  Pulls the mailbox of CONFIG's [imap] section over "
		    "TLS (port 993, the\n"
		    "  server certificate pinned by its SHA-256), seals each "
		    "message and only\n"
		    "  then expunges it; --watch keeps running (IDLE or "
		    "polling).\n"
		    "nearmiss-intake mail [-c CONFIG] [-i INBOX] "
		    "[-k RECIPIENTS] [-t TAXONOMY] [-u USER]\n"
		    "  Seals one e-mail from standard input into INBOX, as "
		    "an MTA's pipe\n"
		    "  transport runs it; exits 0 (stored), 65 (rejected: "
		    "the reason is on\n"
		    "  standard error) or 75 (temporary failure: try "
		    "again).\n"
		    "nearmiss-intake maildir [-c CONFIG] [-i INBOX] "
		    "[-k RECIPIENTS] [-t TAXONOMY]\n"
		    "    [-u USER] DIR\n"
		    "  Seals the messages of the Maildir DIR (new/ and cur/) "
		    "and removes each\n"
		    "  once its item is durable; a rejected one is kept "
		    "with the T flag.\n"
		    "  CONFIG is an INI file: [intake] inbox, recipients, "
		    "taxonomy; [mail]\n"
		    "  reply = on|off (the receipt code mailed back; off by "
		    "default),\n"
		    "  sendmail, reply_from.\n"
		    "nearmiss-intake purge -i INBOX --days N\n"
		    "  Deletes inbox items received N or more days ago.\n"
		    "nearmiss-intake serve [-c CONFIG] [-l ADDR:PORT] "
		    "-i INBOX -k RECIPIENTS -t TAXONOMY\n"
		    "    [-u USER] [-o ORIGIN] [--rate N] [--rate-window SECONDS] "
		    "[--rate-burst N]\n"
		    "    [--no-rate-limit] [--log-stderr]\n"
		    "  Serves the anonymous report form (default "
		    "127.0.0.1:8025) and seals\n"
		    "  submissions into INBOX for the reviewers in "
		    "RECIPIENTS; TAXONOMY is a\n"
		    "  nearmiss.ini. CONFIG is an INI file with a [serve] "
		    "section of the same\n"
		    "  keys (listen, inbox, recipients, taxonomy, user, "
		    "origin, rate, rate_window,\n"
		    "  rate_burst, rate_limit = on|off).\n\n"
		    "See nearmiss-intake(8) and "
		    "nearmiss-inbox(5).\n");
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("nearmiss-intake %s\n", NM_VERSION);
		return 0;
	}
	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	for (i = 0; i < NM_NELEM(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	log_warnx("unknown command \"%s\"", argv[1]);
	intake_usage();
	return 2;
}
