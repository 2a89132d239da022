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
 * nearmiss-review list: one line per inbox item this key opens, oldest
 * first: id, day received, age (marked at or past the 10-day target
 * while undecided), channel, incident type, where it stands, title; and
 * flags for duplicates and quarantined e-mails.  --json for scripts.
 * Damaged items are reported on stderr and the listing goes on.
 */

#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "keys.h"
#include "log.h"
#include "queue.h"
#include "record.h"
#include "review.h"
#include "rv.h"

#define COL_TYPE	22
#define COL_MAX		60	/* the title */

/* An item seen earlier in the walk, for the duplicate check. */
struct seen {
	unsigned char	 digest[32];
	char		 id[33];
};

struct list_ctx {
	struct queue	 q;
	struct seen	*seen;
	size_t		 nseen, cap;
	time_t		 now;
	int		 json;
	size_t		 n;
};

static void	list_usage(FILE *);
static void	col(FILE *, const char *, size_t, int);
static const char *dup_of(struct list_ctx *, const char *,
		    const struct record *);
static int	list_one(const char *, struct record *, void *);

static void
list_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review list [-K keyfile] -i inbox "
	    "[-r repo] [-p path] [--json]\n");
}

/*
 * Writes s (hostile text) in a column of width characters: cut at a
 * character boundary, made safe for the terminal, padded with spaces if
 * pad is set.
 */
static void
col(FILE *f, const char *s, size_t width, int pad)
{
	char	 cut[4 * COL_MAX + 1];
	size_t	 i, chars = 0;

	assert(width <= COL_MAX);
	if (s == NULL)
		s = "-";
	/* Records are valid UTF-8: at most 4 bytes a character. */
	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (chars == width)
				break;
			chars++;
		}
		cut[i] = s[i];
	}
	cut[i] = '\0';
	rv_puttext(f, cut, 1);
	for (; pad && chars < width; chars++)
		putc(' ', f);
}

/*
 * The id of an earlier item with the same content as r, or NULL (and r
 * is remembered).
 */
static const char *
dup_of(struct list_ctx *c, const char *id, const struct record *r)
{
	unsigned char	 d[32];
	size_t		 i;

	rv_record_digest(d, r);
	for (i = 0; i < c->nseen; i++)
		if (memcmp(c->seen[i].digest, d, sizeof(d)) == 0)
			return c->seen[i].id;
	if (c->nseen == c->cap) {
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		c->seen = xreallocarray(c->seen, c->cap, sizeof(*c->seen));
	}
	memcpy(c->seen[c->nseen].digest, d, sizeof(d));
	snprintf(c->seen[c->nseen].id, sizeof(c->seen[c->nseen].id), "%s",
	    id);
	c->nseen++;
	return NULL;
}

static int
list_one(const char *id, struct record *r, void *arg)
{
	struct list_ctx		*c = arg;
	struct queue_item	 qi;
	const char		*dup;
	char			 state[64];
	long			 age;
	int			 late;

	dup = dup_of(c, id, r);
	queue_state(&qi, &c->q, r);
	age = rv_age(r->received, c->now);
	late = age >= RV_TARGET_DAYS && !queue_decided(qi.state);
	if (qi.state == Q_APPROVED)
		snprintf(state, sizeof(state), "%s %zu/%d %s",
		    queue_state_name(qi.state), qi.approvals,
		    c->q.min_approvals, qi.report);
	else
		snprintf(state, sizeof(state), "%s%s%s",
		    queue_state_name(qi.state), qi.report[0] != '\0' ? " " : "",
		    qi.report);
	if (c->json) {
		printf("%s{\"id\":\"%s\",\"received\":", c->n > 0 ? ",\n" : "",
		    id);
		rv_json(stdout, r->received);
		printf(",\"age_days\":%ld,\"late\":%s,\"channel\":\"%s\","
		    "\"incident_type\":", age, late ? "true" : "false",
		    r->channel == RECORD_EMAIL ? "email" : "form");
		rv_json(stdout, r->field[RECORD_INCIDENT_TYPE]);
		fputs(",\"title\":", stdout);
		rv_json(stdout, r->field[RECORD_TITLE]);
		printf(",\"state\":\"%s\",\"report\":",
		    queue_state_name(qi.state));
		rv_json(stdout, qi.report[0] != '\0' ? qi.report : NULL);
		printf(",\"approvals\":%zu,\"duplicate_of\":", qi.approvals);
		rv_json(stdout, dup);
		printf(",\"quarantined\":%s,\"attachments\":%zu}",
		    r->quarantined ? "true" : "false", r->nattach);
		c->n++;
		return 0;
	}
	if (c->n++ == 0)
		printf("%-32s  %-10s  %5s  %-5s  %-*s  %-16s  %s\n", "ID",
		    "RECEIVED", "AGE", "CHAN", COL_TYPE, "TYPE", "STATE",
		    "TITLE");
	printf("%s  ", id);
	col(stdout, r->received, 10, 1);
	printf("  %4ld%c  %-5s  ", age, late ? '!' : ' ',
	    r->channel == RECORD_EMAIL ? "email" : "form");
	col(stdout, r->field[RECORD_INCIDENT_TYPE], COL_TYPE, 1);
	printf("  %-16s  ", state);
	if (dup != NULL)
		printf("[DUPLICATE of %s] ", dup);
	if (r->quarantined)
		fputs("[QUARANTINED] ", stdout);
	if (r->nattach > 0 && !r->quarantined)
		printf("[%zu attachment%s] ", r->nattach,
		    r->nattach == 1 ? "" : "s");
	col(stdout, r->field[RECORD_TITLE] != NULL ? r->field[RECORD_TITLE] :
	    "(no title)", COL_MAX, 0);
	putchar('\n');
	return 0;
}

int
review_list(int argc, char *argv[])
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_ctx	 c;
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
		case OPT_JSON:
			c.json = 1;
			break;
		case 'h':
			list_usage(stdout);
			rc = 0;
			goto out;
		default:
			list_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || a.inbox == NULL) {
		list_usage(stderr);
		goto out;
	}
	rc = 1;
	if (rv_start(&kp, NULL, &c.q, &a, NULL, a.repo_given) != 0)
		goto out;
	c.now = time(NULL);
	nw = log_nwarnings();
	if (c.json)
		fputs("[", stdout);
	if (rv_items(a.inbox, kp, list_one, &c) != 0)
		goto out;
	if (c.json)
		fputs(c.n > 0 ? "\n]\n" : "]\n", stdout);
	else if (c.n == 0)
		log_info("no item in %s/new for this key (%s)", a.inbox,
		    kp->name);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		goto out;
	}
	/* Damaged items were reported and skipped: the listing is short. */
	if (log_nwarnings() == nw)
		rc = 0;
out:
	queue_close(&c.q);
	free(c.seen);
	keypair_free(kp);
	return rc;
}
