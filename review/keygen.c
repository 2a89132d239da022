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
 * nearmiss-review keygen NAME -o KEYFILE: makes a reviewer's key pair,
 * writes the secret key file (never over an existing one) and prints the
 * public line that goes into the recipients and reviewers files.
 */

#include <getopt.h>
#include <stdio.h>

#include "buf.h"
#include "keys.h"
#include "log.h"
#include "recipients.h"
#include "review.h"

static void	keygen_usage(FILE *);

static void
keygen_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review keygen NAME -o KEYFILE\n");
}

int
review_keygen(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct keypair		*kp = NULL;
	struct recipient	 r;
	struct buf		 line = BUF_INIT;
	const char		*keyfile = NULL;
	int			 ch, rc = 2;

	/*
	 * 0 starts getopt afresh (glibc, musl and the BSDs agree), so that
	 * options may follow NAME.
	 */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			keyfile = optarg;
			break;
		case 'h':
			keygen_usage(stdout);
			rc = 0;
			goto out;
		default:
			keygen_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || keyfile == NULL || *keyfile == '\0') {
		keygen_usage(stderr);
		goto out;
	}
	/* A bad name is a bad argument: logged, and still rc 2. */
	if ((kp = keypair_new(argv[optind])) == NULL)
		goto out;
	rc = 1;
	if (keypair_write(kp, keyfile) == -1)
		goto out;
	keypair_public(&r, kp);
	recipient_line(&line, &r);
	if (fwrite(line.data, 1, line.len, stdout) != line.len ||
	    fflush(stdout) == EOF) {
		log_warn("stdout (the key was written to %s)", keyfile);
		goto out;
	}
	log_info("wrote the secret key to %s: keep it private, and keep a "
	    "copy offline", keyfile);
	log_info("the line above goes into the intake host's recipients "
	    "file and the content repository's reviewers file");
	rc = 0;
out:
	buf_free(&line);
	keypair_free(kp);
	return rc;
}
