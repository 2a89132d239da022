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
 * nearmiss-review purge [--dry-run]: deletes from the inbox the items
 * that are decided for good, as the content repository says: rejected,
 * or drafted and approved by enough reviewers to be published.  Nothing
 * else is touched: undecided items, items this key cannot open, damaged
 * items.  The folder is fsynced after the deletions.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "keys.h"
#include "log.h"
#include "queue.h"
#include "record.h"
#include "review.h"
#include "rv.h"

struct purge_ctx {
	struct queue	 q;
	const char	*inbox;
	int		 dry;
	size_t		 removed, kept;
};

static void	purge_usage(FILE *);
static int	purge_one(const char *, struct record *, void *);

static void
purge_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review purge [-K keyfile] -i inbox "
	    "[-r repo] [-p path] [--dry-run]\n");
}

static int
purge_one(const char *id, struct record *r, void *arg)
{
	struct purge_ctx	*c = arg;
	struct queue_item	 qi;
	char			 path[PATH_MAX], why[64];

	queue_state(&qi, &c->q, r);
	if (!queue_decided(qi.state)) {
		c->kept++;
		return 0;
	}
	if (qi.state == Q_REJECTED)
		snprintf(why, sizeof(why), "rejected");
	else
		snprintf(why, sizeof(why), "published as %s", qi.report);
	if (c->dry) {
		printf("would purge %s (%s)\n", id, why);
		c->removed++;
		return 0;
	}
	if (file_path(path, sizeof(path), "%s/new/%s", c->inbox, id) != 0)
		return -1;
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("unlink %s", path);
		return -1;
	}
	printf("purged %s (%s)\n", id, why);
	c->removed++;
	return 0;
}

int
review_purge(int argc, char *argv[])
{
	enum { OPT_DRY = 256 };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct purge_ctx c;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	char		 dir[PATH_MAX];
	unsigned long	 nw;
	int		 ch, rc = 2, wrc;

	memset(&c, 0, sizeof(c));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:n", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'n':
		case OPT_DRY:
			c.dry = 1;
			break;
		case 'h':
			purge_usage(stdout);
			rc = 0;
			goto out;
		default:
			purge_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || a.inbox == NULL) {
		purge_usage(stderr);
		goto out;
	}
	c.inbox = a.inbox;
	rc = 1;
	if (rv_start(&kp, NULL, &c.q, &a, NULL, 1) != 0)
		goto out;
	nw = log_nwarnings();
	wrc = rv_items(c.inbox, kp, purge_one, &c);
	/* What was deleted before a failure must be durable too. */
	if (!c.dry && c.removed > 0 &&
	    (file_path(dir, sizeof(dir), "%s/new", c.inbox) != 0 ||
	    file_sync_dir(dir) != 0))
		goto out;
	if (wrc != 0)
		goto out;
	printf("%zu item%s %s, %zu undecided kept\n", c.removed,
	    c.removed == 1 ? "" : "s", c.dry ? "to purge" : "purged",
	    c.kept);
	if (log_nwarnings() == nw)
		rc = 0;
out:
	queue_close(&c.q);
	keypair_free(kp);
	return rc;
}
