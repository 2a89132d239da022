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
 * Damaged items are reported on stderr and the listing goes on.  Two
 * walks: the first notes each item's content digest and state, so that
 * the second can mark every copy of one submission, each with the state
 * of the others; the day received (a day, not a time) cannot tell which
 * came first, and the one already drafted is no copy of a new one.
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
#include "report.h"
#include "review.h"
#include "rv.h"

#define COL_TYPE	22
#define COL_MAX		60	/* the title */

/* An item of the first walk, for the duplicate check. */
struct seen {
	unsigned char		 digest[32];
	char			 id[33];
	enum queue_state	 state;
	char			 report[REPORT_ID_MAX + 1];
	size_t			 approvals;
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
static int	note(const char *, struct record *, void *);
static void	dups_text(const struct list_ctx *, size_t);
static void	dups_json(const struct list_ctx *, size_t);
static void	list_one(struct list_ctx *, size_t, struct record *);

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

/* The first walk: notes item id's digest and state. */
static int
note(const char *id, struct record *r, void *arg)
{
	struct list_ctx		*c = arg;
	struct queue_item	 qi;
	struct seen		*w;

	if (c->nseen == c->cap) {
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		c->seen = xreallocarray(c->seen, c->cap, sizeof(*c->seen));
	}
	w = &c->seen[c->nseen++];
	memset(w, 0, sizeof(*w));
	rv_record_digest(w->digest, r);
	snprintf(w->id, sizeof(w->id), "%s", id);
	queue_state(&qi, &c->q, r);
	w->state = qi.state;
	w->approvals = qi.approvals;
	memcpy(w->report, qi.report, sizeof(w->report));
	return 0;
}

/*
 * "[POSSIBLE DUPLICATE of ID (STATE REPORT)] " for every other item with
 * the content of item i.
 */
static void
dups_text(const struct list_ctx *c, size_t i)
{
	const struct seen	*w;
	size_t			 j;

	for (j = 0; j < c->nseen; j++) {
		w = &c->seen[j];
		if (j == i || memcmp(w->digest, c->seen[i].digest,
		    sizeof(w->digest)) != 0)
			continue;
		printf("[POSSIBLE DUPLICATE of %s (%s%s%s)] ", w->id,
		    queue_state_name(w->state), w->report[0] != '\0' ?
		    " " : "", w->report);
	}
}

/* The same, as a JSON array of {"id", "state", "report"}. */
static void
dups_json(const struct list_ctx *c, size_t i)
{
	const struct seen	*w;
	size_t			 j, n = 0;

	putchar('[');
	for (j = 0; j < c->nseen; j++) {
		w = &c->seen[j];
		if (j == i || memcmp(w->digest, c->seen[i].digest,
		    sizeof(w->digest)) != 0)
			continue;
		printf("%s{\"id\":\"%s\",\"state\":\"%s\",\"report\":",
		    n++ > 0 ? "," : "", w->id, queue_state_name(w->state));
		rv_json(stdout, w->report[0] != '\0' ? w->report : NULL);
		putchar('}');
	}
	putchar(']');
}

/* The second walk: item i of the first, whose record is r. */
static void
list_one(struct list_ctx *c, size_t i, struct record *r)
{
	const struct seen	*w = &c->seen[i];
	const char		*id = w->id;
	char			 state[64];
	long			 age;
	int			 late;

	age = rv_age(r->received, c->now);
	late = age >= RV_TARGET_DAYS && !queue_decided(w->state);
	if (w->state == Q_APPROVED)
		snprintf(state, sizeof(state), "%s %zu/%d %s",
		    queue_state_name(w->state), w->approvals,
		    c->q.min_approvals, w->report);
	else
		snprintf(state, sizeof(state), "%s%s%s",
		    queue_state_name(w->state), w->report[0] != '\0' ? " " : "",
		    w->report);
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
		    queue_state_name(w->state));
		rv_json(stdout, w->report[0] != '\0' ? w->report : NULL);
		printf(",\"approvals\":%zu,\"duplicates\":", w->approvals);
		dups_json(c, i);
		printf(",\"quarantined\":%s,\"attachments\":%zu}",
		    r->quarantined ? "true" : "false", r->nattach);
		c->n++;
		return;
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
	dups_text(c, i);
	if (r->quarantined)
		fputs("[QUARANTINED] ", stdout);
	if (r->nattach > 0 && !r->quarantined)
		printf("[%zu attachment%s] ", r->nattach,
		    r->nattach == 1 ? "" : "s");
	col(stdout, r->field[RECORD_TITLE] != NULL ? r->field[RECORD_TITLE] :
	    "(no title)", COL_MAX, 0);
	putchar('\n');
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
	struct record	 r;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	unsigned long	 nw;
	size_t		 i;
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
	if (rv_items(a.inbox, kp, note, &c) != 0)
		goto out;
	for (i = 0; i < c.nseen; i++) {
		memset(&r, 0, sizeof(r));
		/* Gone since the first walk (purged): left out. */
		if (rv_item_load(&r, a.inbox, c.seen[i].id, kp) == 0)
			list_one(&c, i, &r);
		record_free(&r);
	}
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
