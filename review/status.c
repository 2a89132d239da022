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
 * nearmiss-review status: the review queue at a glance.  Counts by
 * state, then the undecided items oldest first, the drafts waiting for
 * approvals ("approved 1/2"), the drafts whose approval by this key's
 * reviewer an edit has voided, the published reports whose work tree
 * file differs from the published version, the withdrawn ones, and the
 * items at or past the 10-day target.  Titles are
 * kept, cut short, in guarded memory until the tables are printed.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>
#include <sodium.h>

#include "approval.h"
#include "file.h"
#include "inbox.h"
#include "keys.h"
#include "log.h"
#include "queue.h"
#include "record.h"
#include "report.h"
#include "review.h"
#include "rv.h"

#define TITLE_CUT	50	/* bytes of a title in the tables */

struct status_row {
	char			 id[INBOX_NAME_LEN + 1];
	char			 day[RECORD_DAY_LEN + 1];
	char			 report[REPORT_ID_MAX + 1];
	char			 title[TITLE_CUT + 1];
	long			 age;
	size_t			 approvals;
	enum queue_state	 state;
	enum queue_mine		 mine;
	/* What gen publishes of its report (lib/approval.h). */
	enum pick_state		 pub;
	unsigned long		 pubrev;
	int			 differs;	/* work tree != published */
};

struct status_ctx {
	struct queue		 q;
	struct status_row	*rows;
	size_t			 n, cap;
	size_t			 count[Q_STATE_MAX];
	time_t			 now;
};

static void	status_usage(FILE *);
static int	status_one(const char *, struct record *, void *);
static int	age_cmp(const void *, const void *);
static void	row(const struct status_row *, int);

static void
status_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review status [-K keyfile] -i inbox "
	    "[-r repo] [-p path]\n");
}

static int
status_one(const char *id, struct record *r, void *arg)
{
	struct status_ctx	*c = arg;
	struct status_row	*w, *old;
	struct queue_item	 qi;
	const char		*t;
	size_t			 n;

	if (c->n == c->cap) {
		old = c->rows;
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		if ((c->rows = sodium_allocarray(c->cap,
		    sizeof(*c->rows))) == NULL)
			fatal("sodium_allocarray");
		if (old != NULL) {
			memcpy(c->rows, old, c->n * sizeof(*old));
			sodium_free(old);
		}
	}
	w = &c->rows[c->n++];
	memset(w, 0, sizeof(*w));
	queue_state(&qi, &c->q, r);
	memcpy(w->id, id, sizeof(w->id));
	snprintf(w->day, sizeof(w->day), "%s", r->received);
	snprintf(w->report, sizeof(w->report), "%s", qi.report);
	/* The title, cut at a character boundary. */
	t = r->field[RECORD_TITLE] != NULL ? r->field[RECORD_TITLE] :
	    "(no title)";
	if ((n = strlen(t)) > TITLE_CUT)
		n = TITLE_CUT;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	memcpy(w->title, t, n);
	w->title[n] = '\0';
	w->age = rv_age(r->received, c->now);
	w->approvals = qi.approvals;
	w->state = qi.state;
	w->mine = qi.mine;
	w->pub = review_published(&w->pubrev, &w->differs, &c->q, &qi);
	c->count[qi.state]++;
	return 0;
}

/* Oldest first, then by id. */
static int
age_cmp(const void *a, const void *b)
{
	const struct status_row	*x = a, *y = b;

	if (x->age != y->age)
		return x->age > y->age ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void
row(const struct status_row *w, int min)
{
	printf("  %s  %s %4ld%c  ", w->id, w->day, w->age,
	    w->age >= RV_TARGET_DAYS ? '!' : ' ');
	if (w->state == Q_DRAFT || w->state == Q_APPROVED ||
	    w->state == Q_PUBLISHED)
		printf("%-9s %zu/%d  %-12s  ", queue_state_name(w->state),
		    w->approvals, min, w->report);
	else
		printf("%-9s  ", queue_state_name(w->state));
	rv_puttext(stdout, w->title, 1);
	putchar('\n');
}

int
review_published(unsigned long *rev, int *differs, const struct queue *q,
    const struct queue_item *qi)
{
	struct approvals as;
	struct approval_pick pk;
	git_oid		 oid;
	const char	*slash;
	char		 p[1024], rel[16 + REPORT_ID_MAX];
	char		 hex[GIT_OID_HEXSZ + 1];
	int		 state = PICK_NONE;

	*rev = 0;
	*differs = 0;
	memset(&as, 0, sizeof(as));
	if (q->repo == NULL || qi->file[0] == '\0' || qi->report[0] == '\0' ||
	    (slash = strrchr(qi->file, '/')) == NULL || slash - qi->file < 4)
		return state;
	if (file_path(rel, sizeof(rel), "approvals/%.4s/%s", slash - 4,
	    qi->report) != 0 ||
	    rv_content_path(p, sizeof(p), q->workdir, q->cpath, rel) != 0 ||
	    approvals_load(&as, p) != 0)
		goto out;
	if (git_repository_hashfile(&oid, q->repo, qi->file, GIT_OBJECT_BLOB,
	    NULL) != 0)
		goto out;
	git_oid_tostr(hex, sizeof(hex), &oid);
	approvals_pick(&pk, &as, q->rv, q->nrv, qi->report, hex,
	    q->min_approvals);
	state = pk.state;
	*rev = pk.state == PICK_WITHDRAWN ? pk.wrev : pk.rev;
	*differs = pk.state == PICK_PUBLISH && strcmp(pk.blob, hex) != 0;
out:
	approvals_free(&as);
	return state;
}

int
review_status(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_ctx c;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	size_t		 i, k;
	unsigned long	 nw;
	int		 ch, rc = 2, s;

	memset(&c, 0, sizeof(c));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			status_usage(stdout);
			rc = 0;
			goto out;
		default:
			status_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || a.inbox == NULL) {
		status_usage(stderr);
		goto out;
	}
	rc = 1;
	if (rv_start(&kp, NULL, &c.q, &a, NULL, a.repo_given) != 0)
		goto out;
	c.now = time(NULL);
	queue_me(&c.q, kp->name, kp->sign_pk);
	nw = log_nwarnings();
	if (rv_items(a.inbox, kp, status_one, &c) != 0)
		goto out;
	if (c.n > 0)
		qsort(c.rows, c.n, sizeof(*c.rows), age_cmp);

	printf("%zu item%s for %s", c.n, c.n == 1 ? "" : "s", kp->name);
	for (s = 0, k = 0; s < Q_STATE_MAX; s++)
		if (c.count[s] > 0)
			printf("%s%zu %s", k++ == 0 ? ": " : ", ", c.count[s],
			    queue_state_name(s));
	putchar('\n');
	if (c.q.rc == NULL)
		printf("(no content repository: decisions unknown; give "
		    "-r REPO)\n");

	k = c.count[Q_NEW] + c.count[Q_RECEIVED] + c.count[Q_UNKNOWN];
	printf("\nUndecided, oldest first (%zu):\n", k);
	for (i = 0; i < c.n; i++)
		if (c.rows[i].state == Q_NEW || c.rows[i].state ==
		    Q_RECEIVED || c.rows[i].state == Q_UNKNOWN)
			row(&c.rows[i], c.q.min_approvals);

	k = c.count[Q_DRAFT] + c.count[Q_APPROVED];
	printf("\nDrafts waiting for approval (%zu; %d needed):\n", k,
	    c.q.min_approvals);
	for (i = 0; i < c.n; i++)
		if (c.rows[i].state == Q_DRAFT ||
		    c.rows[i].state == Q_APPROVED)
			row(&c.rows[i], c.q.min_approvals);

	for (i = 0, k = 0; i < c.n; i++)
		if (c.rows[i].mine == Q_MINE_VOID)
			k++;
	if (k > 0) {
		printf("\nYour approval no longer counts: the report was "
		    "edited after you approved it\n(read the change with "
		    "git log -p, then approve again) (%zu):\n", k);
		for (i = 0; i < c.n; i++)
			if (c.rows[i].mine == Q_MINE_VOID)
				row(&c.rows[i], c.q.min_approvals);
	}

	for (i = 0, k = 0; i < c.n; i++)
		if (c.rows[i].differs)
			k++;
	if (k > 0) {
		printf("\nPublished, but the work tree differs from the "
		    "published version\n(the edit is published once approved) "
		    "(%zu):\n", k);
		for (i = 0; i < c.n; i++)
			if (c.rows[i].differs) {
				printf("  revision %lu published:\n",
				    c.rows[i].pubrev);
				row(&c.rows[i], c.q.min_approvals);
			}
	}
	for (i = 0, k = 0; i < c.n; i++)
		if (c.rows[i].pub == PICK_WITHDRAWN)
			k++;
	if (k > 0) {
		printf("\nWithdrawn: off the site until approved again "
		    "(%zu):\n", k);
		for (i = 0; i < c.n; i++)
			if (c.rows[i].pub == PICK_WITHDRAWN)
				row(&c.rows[i], c.q.min_approvals);
	}

	for (i = 0, k = 0; i < c.n; i++)
		if (c.rows[i].age >= RV_TARGET_DAYS &&
		    !queue_decided(c.rows[i].state))
			k++;
	printf("\nAt or past the %d-day target (%zu):\n", RV_TARGET_DAYS,
	    k);
	for (i = 0; i < c.n; i++)
		if (c.rows[i].age >= RV_TARGET_DAYS &&
		    !queue_decided(c.rows[i].state))
			row(&c.rows[i], c.q.min_approvals);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		goto out;
	}
	if (log_nwarnings() == nw)
		rc = 0;
out:
	queue_close(&c.q);
	sodium_free(c.rows);
	keypair_free(kp);
	return rc;
}
