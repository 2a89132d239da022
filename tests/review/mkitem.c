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
 * nm-mkitem: a test tool for the shell suites of tests/review.  Builds a
 * record from its options, seals it to the reviewers of a recipients
 * file and stores it in an inbox with inbox_put(), as intake does;
 * prints the item's name.  With --raw FILE it seals FILE's bytes as they are instead, for
 * hostile records that record_encode() would refuse.
 *
 *	nm-mkitem -i INBOX -R RECIPIENTS [-f key=value ...] [-n narrative]
 *	    [-l lessons] [-s signature] [-c contact] [-C form|email]
 *	    [-d YYYY-MM-DD] [-k CODE | -H HEX64] [-q] [-a NAME:TYPE:FILE ...]
 *	    [-x consent] [--raw FILE]
 *
 * Exit 0, 1 on any error, 2 on a usage error.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "inbox.h"
#include "log.h"
#include "receipt.h"
#include "recipients.h"
#include "record.h"

#define ATT_MAX	64

static void
usage(void)
{
	fprintf(stderr, "usage: nm-mkitem -i inbox -R recipients [-f key=value] "
	    "[-n text] [-l text]\n"
	    "       [-s text] [-c text] [-C form|email] [-d day] [-k code | "
	    "-H hex]\n"
	    "       [-q] [-a name:type:file] [-x consent] [--raw file]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct record_attachment att[ATT_MAX];
	struct buf	 data[ATT_MAX], enc = BUF_INIT, raw = BUF_INIT;
	struct record	 r;
	struct recipient *rcpt = NULL;
	struct inbox	*ib = NULL;
	const char	*inbox = NULL, *rfile = NULL, *rawfile = NULL;
	char		 name[INBOX_NAME_LEN + 1], *eq, *c1, *c2;
	size_t		 nrcpt = 0, natt = 0, i;
	int		 ch, k, rc = 1;

	log_init("nm-mkitem", LOG_TO_STDERR);
	if (sodium_init() == -1)
		return 1;
	memset(&r, 0, sizeof(r));
	r.narrative = "";
	r.consent = 1;
	r.channel = RECORD_FORM;
	if (record_day(r.received, time(NULL)) != 0)
		return 1;
	randombytes_buf(r.receipt, sizeof(r.receipt));
	while ((ch = getopt_long(argc, argv, "i:R:f:n:l:s:c:C:d:k:H:qa:x:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			inbox = optarg;
			break;
		case 'R':
			rfile = optarg;
			break;
		case 'f':
			if ((eq = strchr(optarg, '=')) == NULL)
				usage();
			*eq = '\0';
			if ((k = record_key_lookup(optarg)) < 0) {
				fprintf(stderr, "nm-mkitem: %s: no such "
				    "field\n", optarg);
				return 2;
			}
			r.field[k] = eq + 1;
			break;
		case 'n':
			r.narrative = optarg;
			break;
		case 'l':
			r.lessons = optarg;
			break;
		case 's':
			r.signature = optarg;
			break;
		case 'c':
			r.contact = optarg;
			break;
		case 'C':
			if (strcmp(optarg, "email") == 0)
				r.channel = RECORD_EMAIL;
			else if (strcmp(optarg, "form") == 0)
				r.channel = RECORD_FORM;
			else
				usage();
			break;
		case 'd':
			snprintf(r.received, sizeof(r.received), "%s",
			    optarg);
			break;
		case 'k':
			if (receipt_hash(optarg, r.receipt) != 0) {
				fprintf(stderr, "nm-mkitem: bad receipt "
				    "code\n");
				return 2;
			}
			break;
		case 'H':
			if (sodium_hex2bin(r.receipt, sizeof(r.receipt),
			    optarg, strlen(optarg), NULL, &i, NULL) != 0 ||
			    i != sizeof(r.receipt))
				usage();
			break;
		case 'q':
			r.quarantined = 1;
			break;
		case 'a':
			if (natt == ATT_MAX ||
			    (c1 = strchr(optarg, ':')) == NULL ||
			    (c2 = strchr(c1 + 1, ':')) == NULL)
				usage();
			*c1 = *c2 = '\0';
			buf_init(&data[natt]);
			if (file_read(&data[natt], c2 + 1, 64 << 20) != 0)
				return 1;
			att[natt].name = optarg;
			att[natt].type = c1 + 1;
			att[natt].data = (unsigned char *)data[natt].data;
			att[natt].len = data[natt].len;
			natt++;
			break;
		case 'x':
			r.consent = atoi(optarg);
			break;
		case 'r':
			rawfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || inbox == NULL || rfile == NULL)
		usage();
	r.attach = natt > 0 ? att : NULL;
	r.nattach = natt;
	if (recipients_load(&rcpt, &nrcpt, rfile) != 0)
		goto out;
	if (rawfile != NULL) {
		if (file_read(&raw, rawfile, 64 << 20) != 0)
			goto out;
	} else if (record_encode(&enc, &r) != 0)
		goto out;
	if (inbox_open(&ib, inbox) != 0)
		goto out;
	if (inbox_put(ib, rcpt, nrcpt, rawfile != NULL ? raw.data : enc.data,
	    rawfile != NULL ? raw.len : enc.len, time(NULL), name) != 0)
		goto out;
	printf("%s\n", name);
	rc = 0;
out:
	inbox_close(ib);
	free(rcpt);
	for (i = 0; i < natt; i++)
		buf_free(&data[i]);
	buf_free(&enc);
	buf_free(&raw);
	return rc;
}
