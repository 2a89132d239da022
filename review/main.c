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
 * each in its own file (review/keygen.c, review/list.c, ...), through
 * the dispatcher of lib/cmd.c.
 */

#include <stddef.h>

#include <sodium.h>

#include "cmd.h"
#include "log.h"
#include "nm.h"
#include "review.h"

/* Common options: -K KEYFILE (or NEARMISS_KEY), -i INBOX, -r REPO, -p PATH. */
static const struct cmd commands[] = {
	{ "approve", review_approve,
	    "[-K keyfile] [-r repo] [-p path] [--accept kind:text ...] "
	    "file ...",
	    "Signs reports and commits them." },
	{ "decided", review_decided,
	    "[-K keyfile] -i inbox [-r repo] [-p path]",
	    "The ids of the items drafted into a committed report or "
	    "rejected, one a line, for nearmiss-intake purge --decided." },
	{ "diff", review_diff,
	    "[-K keyfile] -i inbox [-r repo] [-p path] id",
	    "How the item's report differs, word by word, from what the "
	    "submitter sent." },
	{ "draft", review_draft,
	    "[-K keyfile] -i inbox [-r repo] [-p path] id",
	    "Writes an item's report draft into the work tree." },
	{ "fetch", review_fetch,
	    "-i inbox [-e ssh] [--purge file] [user@]host",
	    "Copies the new sealed items of the intake host into the inbox "
	    "(rsync over ssh, NEARMISS_SSH); --purge deletes there the ids "
	    "of file (decided's output)." },
	{ "init", review_init,
	    "DIR",
	    "Starts a new content repository in DIR: settings, taxonomy, "
	    "pages, a first commit." },
	{ "keygen", review_keygen,
	    "NAME -o KEYFILE [--no-passphrase | --kdf LEVEL]",
	    "Makes a key pair, writes the secret key file KEYFILE and "
	    "prints the public line for the recipients file." },
	{ "lint", review_lint,
	    "[--accept KIND:TEXT ...] FILE ...",
	    "Flags what may identify a person, place or agency." },
	{ "list", review_list,
	    "[-K keyfile] -i inbox [-r repo] [-p path] [--json]",
	    "The inbox items this key opens, oldest first." },
	{ "merge-receipts", review_merge_receipts,
	    "base ours theirs",
	    "Merges three versions of the receipts file, as git's merge "
	    "driver (see nearmiss-review(1), Working together)." },
	{ "purge", review_purge,
	    "[-K keyfile] -i inbox [-r repo] [-p path] [--dry-run]",
	    "Deletes decided items from the inbox." },
	{ "receive", review_receive,
	    "[-K keyfile] -i inbox [-r repo] [-p path]",
	    "Records \"received\" for the new items, and commits." },
	{ "reject", review_reject,
	    "[-K keyfile] -i inbox [-r repo] [-p path] [--reason text] id",
	    "Records \"not published\", and commits." },
	{ "show", review_show,
	    "[-K keyfile] -i inbox [-r repo] [-p path] [--json] "
	    "[--attachments dir] id",
	    "One item's whole record." },
	{ "status", review_status,
	    "[-K keyfile] -i inbox [-r repo] [-p path]",
	    "The review queue at a glance." },
	{ "withdraw", review_withdraw,
	    "[-K keyfile] [-r repo] [-p path] id --reason text",
	    "Takes a published report off the site at the next build." },
};

static const struct cmd_prog prog = {
	"nearmiss-review", NM_VERSION,
	"The reviewer's tool: keys, and decrypting, de-identifying and "
	"approving submissions.  Common options: -K KEYFILE (or "
	"NEARMISS_KEY), -i INBOX, -r REPO, -p PATH.",
	commands, NM_NELEM(commands),
	"See nearmiss-review(1).",
};

int
main(int argc, char *argv[])
{
	log_init(argv[0], LOG_TO_STDERR);
	/*
	 * Secret keys and decrypted reports must not end up in a core
	 * file, nor be readable through ptrace or /proc by other
	 * processes of the user.
	 */
	nm_no_core_dumps();
	if (sodium_init() == -1)
		fatalx("libsodium cannot be initialised");
	return cmd_main(&prog, argc, argv);
}
