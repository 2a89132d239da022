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
 * rest.  This file holds the table of sub-commands (lib/cmd.c dispatches
 * and prints the help from it); each lives in its own file.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cmd.h"
#include "intake.h"
#include "log.h"
#include "nm.h"

/*
 * The options of serve, one string so that a new option is one more
 * bracket group here (the help wraps the line).
 */
#define SERVE_SYNOPSIS \
	"[-c CONFIG] [-l ADDR:PORT] -i INBOX -k RECIPIENTS -t TAXONOMY " \
	"[-T THEME] [-u USER] [-o ORIGIN] [--rate N] " \
	"[--rate-window SECONDS] [--rate-burst N] [--no-rate-limit] " \
	"[--bucket-rate N] [--bucket-burst N] [--no-bucket-limit] " \
	"[--page-rate N] [--page-burst N] [--page-bucket-rate N] " \
	"[--page-bucket-burst N] [--conn-per-source N] " \
	"[--max-connections N] [--spent-tokens N] [--log-stderr]"
#define CHECK_SYNOPSIS	SERVE_SYNOPSIS " [--repo DIR]"
#define MAIL_SYNOPSIS \
	"[-c CONFIG] [-i INBOX] [-k RECIPIENTS] [-t TAXONOMY] [-u USER]"

static const struct cmd cmds[] = {
	{ "check", cmd_check,
	    CHECK_SYNOPSIS,
	    "Checks a whole set-up before it is started, as the USER it "
	    "will run as: the inbox (its new/ and tmp/, owner, mode, and "
	    "that USER can create a file there), the recipients and the "
	    "taxonomy, every key of CONFIG, the origin, the user and the "
	    "listen address, and the [mail] and [imap] settings if given. "
	    " Each problem is printed on its own line with the command "
	    "that fixes it; exits 0 only when everything will work, 1 "
	    "otherwise.  It takes the options of serve; one -c file may hold "
	    "[intake], [serve], [mail] and [imap].  --repo DIR compares "
	    "TAXONOMY, the intake's copy of nearmiss.ini, with DIR's "
	    "content/nearmiss.ini (DIR: a clone of the content repository, "
	    "or that file): each value or field in one only, and each label "
	    "that differs, is a problem." },
	{ "imap", cmd_imap,
	    "-c CONFIG [-i INBOX] [-k RECIPIENTS] [-t TAXONOMY] [-u USER] "
	    "[--watch]",
	    "Pulls the mailbox of CONFIG's [imap] section over TLS (port "
	    "993, the server certificate pinned by its SHA-256), seals "
	    "each message and only then expunges it; --watch keeps "
	    "running (IDLE or polling)." },
	{ "mail", cmd_mail,
	    MAIL_SYNOPSIS " < message",
	    "Seals one e-mail from standard input into INBOX, as an MTA's "
	    "pipe transport runs it; exits 0 (stored), 65 (rejected: the "
	    "reason is on standard error) or 75 (temporary failure: try "
	    "again).  CONFIG is an INI file: [intake] inbox, recipients, "
	    "taxonomy; [mail] reply = on|off (the receipt code mailed "
	    "back; off by default), sendmail, reply_from." },
	{ "maildir", cmd_maildir,
	    MAIL_SYNOPSIS " DIR",
	    "Seals the messages of the Maildir DIR (new/ and cur/) and "
	    "removes each once its item is durable; a rejected one is kept "
	    "with the T flag.  The options are those of mail." },
	{ "purge", cmd_purge,
	    "-i INBOX [--days N] [--decided FILE]",
	    "Deletes inbox items received N or more days ago, and those "
	    "FILE names, one id a line (nearmiss-review decided); FILE "
	    "with a line that is not an item id deletes nothing." },
	{ "serve", cmd_serve,
	    SERVE_SYNOPSIS,
	    "Serves the anonymous report form (default 127.0.0.1:8025) and "
	    "seals submissions into INBOX for the reviewers in RECIPIENTS; "
	    "TAXONOMY is a nearmiss.ini.  CONFIG is an INI file with a "
	    "[serve] section of the same keys (listen, inbox, recipients, "
	    "taxonomy, user, origin, rate, rate_window, rate_burst, "
	    "rate_limit = on|off, bucket_rate, bucket_burst, bucket_limit, "
	    "page_rate, page_burst, page_bucket_rate, page_bucket_burst, "
	    "conn_per_source, max_connections, spent_tokens, theme); its "
	    "[intake], [mail] and [imap] sections are checked and "
	    "otherwise left to the e-mail commands." },
	{ "ssh", cmd_ssh,
	    "-i INBOX [-n] [--log-stderr] [--rsync PATH]",
	    "The forced command of the reviewers' keys in the intake "
	    "user's authorized_keys: runs SSH_ORIGINAL_COMMAND only if it "
	    "is the rsync server that sends INBOX/new read-only, as "
	    "nearmiss-review fetch asks for it, or \"purge --decided -\" "
	    "with the ids on standard input; anything else is refused, "
	    "logged (syslog, or --log-stderr) and exits 1.  -n prints "
	    "the command that would run." },
};

static const struct cmd_prog prog = {
	"nearmiss-intake", NM_VERSION,
	"The internet-facing side of nearmiss: seals reports from the web "
	"form and from e-mail into the encrypted inbox.",
	cmds, NM_NELEM(cmds),
	"See nearmiss-intake(8) and nearmiss-inbox(5).",
};

void
intake_usage(void)
{
	cmd_usage(&prog, stderr);
}

void
intake_usage_of(const char *name)
{
	cmd_usage_of(&prog, name, stderr);
}

void
intake_help(const char *name)
{
	const struct cmd	*c;

	if ((c = cmd_find(&prog, name)) != NULL)
		cmd_help(&prog, c, stdout);
	else
		cmd_usage(&prog, stdout);
}

int
main(int argc, char *argv[])
{
	log_init("nearmiss-intake", LOG_TO_STDERR);
	/*
	 * As an MTA's delivery agent, any failure that is not the
	 * message's fault (memory, setup) must say "try again", or the
	 * MTA bounces the mail.
	 */
	if (argc >= 2 && strcmp(argv[1], "mail") == 0)
		log_fatal_status(75);
	/* Submissions pass through this process: no core dumps, ever. */
	nm_no_core_dumps();
	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	return cmd_main(&prog, argc, argv);
}
