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
 * nearmiss-review decided: the ids of the inbox items that the content
 * repository has dealt with, one a line, for "nearmiss-intake purge
 * --decided FILE" on the intake host: items drafted into a report that
 * is committed (HEAD holds the file; the draft keeps the text, without
 * the contact details and attachments), and items rejected.  Items only
 * received, new, drafted into a file not yet committed, damaged or
 * sealed to other keys are not listed.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "keys.h"
#include "log.h"
#include "queue.h"
#include "record.h"
#include "review.h"
#include "rv.h"

struct decided_ctx {
	struct queue	 q;
	size_t		 listed, kept;
};

static void	decided_usage(FILE *);
static int	committed(const struct queue *, const char *);
static int	decided_one(const char *, struct record *, void *);

static void
decided_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review decided [-K keyfile] -i inbox "
	    "[-r repo] [-p path]\n");
}

/* 1 if HEAD holds file (relative to the work tree), else 0. */
static int
committed(const struct queue *q, const char *file)
{
	git_object	*obj = NULL;
	struct buf	 b = BUF_INIT;
	int		 ok;

	buf_printf(&b, "HEAD:%s", file);
	ok = git_revparse_single(&obj, q->repo, b.data) == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB;
	git_object_free(obj);
	buf_free(&b);
	return ok;
}

static int
decided_one(const char *id, struct record *r, void *arg)
{
	struct decided_ctx	*c = arg;
	struct queue_item	 qi;

	queue_state(&qi, &c->q, r);
	switch (qi.state) {
	case Q_REJECTED:
		break;
	case Q_DRAFT:
	case Q_APPROVED:
	case Q_PUBLISHED:
		if (qi.file[0] != '\0' && committed(&c->q, qi.file))
			break;
		/* FALLTHROUGH */
	default:
		c->kept++;
		return 0;
	}
	printf("%s\n", id);
	c->listed++;
	return 0;
}

int
review_decided(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct decided_ctx c;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	unsigned long	 nw;
	int		 ch, rc = 2;

	memset(&c, 0, sizeof(c));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			decided_usage(stdout);
			rc = 0;
			goto out;
		default:
			decided_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || a.inbox == NULL) {
		decided_usage(stderr);
		goto out;
	}
	rc = 1;
	if (rv_start(&kp, NULL, &c.q, &a, NULL, 1) != 0)
		goto out;
	nw = log_nwarnings();
	if (rv_items(a.inbox, kp, decided_one, &c) != 0)
		goto out;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		goto out;
	}
	log_info("%zu item%s decided, %zu kept (undecided, or a draft not "
	    "committed)", c.listed, c.listed == 1 ? "" : "s", c.kept);
	if (log_nwarnings() == nw)
		rc = 0;
out:
	queue_close(&c.q);
	keypair_free(kp);
	return rc;
}
