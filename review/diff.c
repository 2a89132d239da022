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
 * nearmiss-review diff ID: how the report an item was drafted into
 * differs, word by word, from what the submitter sent, that is, from the
 * file draft would write from the item today.  Words are runs of
 * non-blank bytes; the edit script is Myers' greedy one (fewest words
 * removed and added), with the common head and tail cut first.  Removed
 * words print as [-...-], added ones as {+...+}, the rest as the report
 * has them.  Both texts are decrypted (or made from decrypted) text: they
 * are wiped, and printed so that they cannot drive the terminal.
 */

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "queue.h"
#include "record.h"
#include "report.h"
#include "review.h"
#include "rv.h"

#define DIFF_FILE_MAX	(4 * 1024 * 1024)	/* the report file */
#define DIFF_D_MAX	2000	/* edits looked for (16 MB); then all */

/* A word and the blanks before it. */
struct tok {
	const char	*ws, *w;
	size_t		 wslen, wlen;
};

struct toks {
	struct tok	*v;
	size_t		 n;
};

enum op { OP_SAME, OP_DEL, OP_ADD };

struct edit {
	enum op		 op;
	size_t		 i;	/* a's token for OP_DEL, else b's */
};

static void	diff_usage(FILE *);
static void	tokenize(struct toks *, const char *, size_t);
static int	tok_eq(const struct tok *, const struct tok *);
static size_t	myers(struct edit *, const struct tok *, size_t,
		    const struct tok *, size_t);
static void	put(struct buf *, const char *, size_t);
static void	print(const struct edit *, size_t, const struct toks *,
		    const struct toks *);

static void
diff_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review diff [-K keyfile] -i inbox "
	    "[-r repo] [-p path] id\n");
}

/* Splits len bytes at s into words (NUL bytes count as blanks). */
static void
tokenize(struct toks *t, const char *s, size_t len)
{
	size_t	 i = 0, ws, cap = 0;

	t->v = NULL;
	t->n = 0;
	while (i < len) {
		ws = i;
		while (i < len && (s[i] == ' ' || s[i] == '\t' ||
		    s[i] == '\n' || s[i] == '\r' || s[i] == '\0'))
			i++;
		if (i == len)
			break;
		if (t->n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			t->v = xreallocarray(t->v, cap, sizeof(*t->v));
		}
		t->v[t->n].ws = s + ws;
		t->v[t->n].wslen = i - ws;
		t->v[t->n].w = s + i;
		while (i < len && s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r' && s[i] != '\0')
			i++;
		t->v[t->n].wlen = (size_t)(s + i - t->v[t->n].w);
		t->n++;
	}
}

static int
tok_eq(const struct tok *a, const struct tok *b)
{
	return a->wlen == b->wlen && memcmp(a->w, b->w, a->wlen) == 0;
}

/*
 * The edit script from the n words a to the m words b into out (room for
 * n + m edits), in order; returns its length.  Myers' O((n + m) D)
 * greedy algorithm, keeping each round's furthest reaches for the way
 * back (D^2 ints).  Past DIFF_D_MAX edits it gives up and says that
 * all of a was removed and all of b added.  n and m are below INT_MAX
 * (the file is at most DIFF_FILE_MAX bytes).
 */
static size_t
myers(struct edit *out, const struct tok *a, size_t n, const struct tok *b,
    size_t m)
{
	int	**trace = NULL, *v, *pv;
	int	 x, y, k, d, dmax, px, pk;
	size_t	 ne = 0, i, j;
	int	 done = 0;

	dmax = (int)(n + m);
	if (dmax > DIFF_D_MAX)
		dmax = DIFF_D_MAX;
	trace = xcalloc((size_t)dmax + 1, sizeof(*trace));
	for (d = 0; d <= dmax && !done; d++) {
		/* v[k + d] for k = -d, -d + 2, ..., d. */
		v = trace[d] = xcalloc(2 * (size_t)d + 1, sizeof(*v));
		pv = d > 0 ? trace[d - 1] : NULL;
		for (k = -d; k <= d; k += 2) {
			if (d == 0)
				x = 0;
			else if (k == -d || (k != d &&
			    pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
				x = pv[k + 1 + d - 1];
			else
				x = pv[k - 1 + d - 1] + 1;
			y = x - k;
			while (x < (int)n && y < (int)m &&
			    tok_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[k + d] = x;
			if (x >= (int)n && y >= (int)m) {
				done = 1;
				break;
			}
		}
	}
	if (!done) {
		for (i = 0; i < n; i++)
			out[ne++] = (struct edit){ OP_DEL, i };
		for (j = 0; j < m; j++)
			out[ne++] = (struct edit){ OP_ADD, j };
		goto out;
	}
	/* Back from (n, m) to (0, 0), writing the script from its end. */
	ne = n + m;
	i = ne;
	x = (int)n;
	y = (int)m;
	for (d = d - 1; d >= 0; d--) {
		k = x - y;
		if (d == 0) {
			px = 0;
			pk = 0;
		} else {
			pv = trace[d - 1];
			if (k == -d || (k != d &&
			    pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
				pk = k + 1;
			else
				pk = k - 1;
			px = pv[pk + d - 1];
		}
		while (x > px && x - k > px - pk) {
			out[--i] = (struct edit){ OP_SAME, (size_t)(y - 1) };
			x--;
			y--;
		}
		if (d == 0)
			break;
		if (x == px) {
			out[--i] = (struct edit){ OP_ADD, (size_t)(y - 1) };
			y--;
		} else {
			out[--i] = (struct edit){ OP_DEL, (size_t)(x - 1) };
			x--;
		}
	}
	ne -= i;
	memmove(out, out + i, ne * sizeof(*out));
out:
	for (d = 0; d <= dmax; d++)
		free(trace[d]);
	free(trace);
	return ne;
}

/* Writes len bytes of text safely (see rv_puttext()). */
static void
put(struct buf *scratch, const char *s, size_t len)
{
	if (len == 0)
		return;
	buf_reset(scratch);
	buf_add(scratch, s, len);
	rv_puttext(stdout, scratch->data, 0);
}

/*
 * Prints the script: the words of b (the report) as they are, those
 * removed from a between [- and -], those added between {+ and +}, a
 * run of either in one pair on one line, and a newline at the end.
 */
static void
print(const struct edit *e, size_t ne, const struct toks *a,
    const struct toks *b)
{
	struct buf		 scratch = BUF_INIT;
	const struct tok	*t;
	size_t			 i;
	enum op			 prev = OP_SAME;

	for (i = 0; i < ne; i++) {
		t = e[i].op == OP_DEL ? &a->v[e[i].i] : &b->v[e[i].i];
		if (prev != e[i].op && prev != OP_SAME)
			fputs(prev == OP_DEL ? "-]" : "+}", stdout);
		if (prev == e[i].op && e[i].op != OP_SAME) {
			/* Inside a run: one space, so a run is one line. */
			if (t->wslen > 0)
				putchar(' ');
		} else
			put(&scratch, t->ws, t->wslen);
		if (prev != e[i].op && e[i].op != OP_SAME)
			fputs(e[i].op == OP_DEL ? "[-" : "{+", stdout);
		put(&scratch, t->w, t->wlen);
		prev = e[i].op;
	}
	if (prev != OP_SAME)
		fputs(prev == OP_DEL ? "-]" : "+}", stdout);
	putchar('\n');
	if (scratch.cap > 0)
		sodium_memzero(scratch.data, scratch.cap);
	buf_free(&scratch);
}

int
review_diff(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct queue		 q;
	struct queue_item	 qi;
	struct record		 r;
	struct rv_args		 a = RV_ARGS_INIT;
	struct keypair		*kp = NULL;
	struct buf		 sent = BUF_INIT, now = BUF_INIT;
	struct toks		 ta, tb;
	struct edit		*e = NULL;
	const char		*id;
	char			 full[PATH_MAX];
	size_t			 ne, h, t, nsame = 0, i;
	int			 ch, rc = 2, err;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			diff_usage(stdout);
			rc = 0;
			goto out;
		default:
			diff_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || a.inbox == NULL) {
		diff_usage(stderr);
		goto out;
	}
	id = argv[optind];
	if (rv_id_arg(id) != 0)
		goto out;
	rc = 1;
	if (rv_start(&kp, &r, &q, &a, id, 1) != 0)
		goto out;
	queue_state(&qi, &q, &r);
	if (qi.report[0] == '\0') {
		log_warnx("item %s: not drafted (%s): nothing to compare",
		    id, queue_state_name(qi.state));
		goto out;
	}
	if (qi.file[0] == '\0') {
		log_warnx("item %s: drafted as %s, but its file is not in "
		    "the work tree", id, qi.report);
		goto out;
	}
	if (file_path(full, sizeof(full), "%s/%s", q.workdir, qi.file) != 0)
		goto out;
	if ((err = file_read(&now, full, DIFF_FILE_MAX)) != 0) {
		if (err == NM_ENOTFOUND)
			log_warnx("%s: not found", full);
		goto out;
	}
	if (draft_text(&sent, &r, &q, qi.report) != 0)
		goto out;
	tokenize(&ta, sent.data, sent.len);
	tokenize(&tb, now.data, now.len);
	/* The common head and tail need no search. */
	for (h = 0; h < ta.n && h < tb.n && tok_eq(&ta.v[h], &tb.v[h]); h++)
		;
	for (t = 0; t < ta.n - h && t < tb.n - h &&
	    tok_eq(&ta.v[ta.n - 1 - t], &tb.v[tb.n - 1 - t]); t++)
		;
	e = xreallocarray(NULL, ta.n + tb.n + 1, sizeof(*e));
	ne = myers(e, ta.v + h, ta.n - h - t, tb.v + h, tb.n - h - t);
	for (i = 0; i < ne; i++) {
		if (e[i].op == OP_SAME)
			nsame++;
		e[i].i += h;
	}
	/* The tail, as unchanged words after the script. */
	for (i = 0; i < t; i++)
		e[ne++] = (struct edit){ OP_SAME, tb.n - t + i };
	printf("--- what %s sent (as draft makes it)\n+++ %s\n", id, qi.file);
	if (ne == nsame + t) {
		printf("(no difference)\n");
		rc = 0;
		goto out;
	}
	e = xreallocarray(e, ne + h + 1, sizeof(*e));
	memmove(e + h, e, ne * sizeof(*e));
	for (i = 0; i < h; i++)
		e[i] = (struct edit){ OP_SAME, i };
	print(e, ne + h, &ta, &tb);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		goto out;
	}
	rc = 0;
out:
	if (sent.cap > 0)
		sodium_memzero(sent.data, sent.len);
	if (now.cap > 0)
		sodium_memzero(now.data, now.len);
	buf_free(&sent);
	buf_free(&now);
	free(ta.v);
	free(tb.v);
	free(e);
	queue_close(&q);
	record_free(&r);
	keypair_free(kp);
	return rc;
}
