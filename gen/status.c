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
 * The public status of submissions: content/receipts, read from the same
 * tree as the reports, becomes status/index.json and the shards
 * status/<prefix>.json that the status page's script looks a receipt
 * hash up in.  Only hashes, states, published report ids and rejection
 * reasons reach the site; never a code.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "html.h"
#include "log.h"
#include "nm.h"
#include "receipts.h"

#define STATUS_VERSION	1

static int	cmp_strp(const void *, const void *);
static int	drafts(const struct site *);
static const char **published_ids(const struct site *, size_t *);
static int	is_published(const char **, size_t, const char *);
static size_t	shard_of(const unsigned char *, int);
static void	add_file(struct statusfile **, size_t *, char *,
		    struct buf *);

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if s is a --drafts preview, whose reports need not be approved. */
static int
drafts(const struct site *s)
{
	return s->rule != NULL && s->rule->drafts;
}

/*
 * The ids of the reports s publishes, sorted (caller frees the array):
 * the reports of the site, less the drafts of a --drafts preview.
 */
static const char **
published_ids(const struct site *s, size_t *n)
{
	const char	**v;
	size_t		  i, k;

	v = xcalloc(s->nreports ? s->nreports : 1, sizeof(*v));
	for (i = 0, k = 0; i < s->nreports; i++)
		if (!drafts(s) || rule_draft(s->rule, s->reports[i].id) ==
		    NULL)
			v[k++] = s->reports[i].id;
	qsort(v, k, sizeof(*v), cmp_strp);
	*n = k;
	return v;
}

static int
is_published(const char **ids, size_t n, const char *id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_strp) != NULL;
}

/* The shard of hash h when shards are named by digits hex digits. */
static size_t
shard_of(const unsigned char *h, int digits)
{
	switch (digits) {
	case 0:
		return 0;
	case 1:
		return h[0] >> 4;
	case 2:
		return h[0];
	default:
		return (size_t)h[0] << 4 | h[1] >> 4;
	}
}

static void
add_file(struct statusfile **v, size_t *n, char *path, struct buf *data)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].path = path;
	(*v)[*n].data = data;
	(*n)++;
}

int
status_load(struct receipts **out, const struct gitsrc *src,
    const git_oid *tree)
{
	git_tree	*t = NULL;
	git_tree_entry	*e = NULL;
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX];
	int		 rc = -1, err;

	*out = NULL;
	if (file_path(path, sizeof(path), "%s/%s", src->path,
	    RECEIPTS_FILE) != 0)
		goto out;
	if (git_tree_lookup(&t, src->repo, tree) != 0) {
		git_fail(path);
		goto out;
	}
	if ((err = git_tree_entry_bypath(&e, t, RECEIPTS_FILE)) ==
	    GIT_ENOTFOUND) {
		*out = receipts_new();
		rc = 0;
		goto out;
	}
	if (err != 0) {
		git_fail(path);
		goto out;
	}
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		log_at(path, 0, "not a regular file");
		goto out;
	}
	if (repo_read(&b, src->repo, git_tree_entry_id(e), RECEIPTS_MAX,
	    path) != 0)
		goto out;
	rc = receipts_parse(out, path, b.data, b.len);
out:
	git_tree_entry_free(e);
	git_tree_free(t);
	buf_free(&b);
	return rc;
}

/*
 * One line per entry, "HASH":{...}, into lines; off[i] and len[i] say
 * where entry i is.  The public states: received; "review" for a draft
 * whose report is not published; "withdrawn" for one whose report a
 * reviewer withdrew (the reason is never published); "published" with
 * the id; "rejected" with the reason if one was given.
 */
static void
entries(struct buf *lines, size_t *off, size_t *len, const struct site *s)
{
	static const char hex[] = "0123456789abcdef";
	const struct receipt_entry *e;
	const char	**ids;
	size_t		  nids, i, k, n = receipts_count(s->receipts);

	ids = published_ids(s, &nids);
	for (i = 0; i < n; i++) {
		e = receipts_at(s->receipts, i);
		off[i] = lines->len;
		buf_addch(lines, '"');
		for (k = 0; k < 32; k++) {
			buf_addch(lines, hex[e->hash[k] >> 4]);
			buf_addch(lines, hex[e->hash[k] & 0xf]);
		}
		buf_addstr(lines, "\":{\"s\":");
		switch (e->state) {
		case RECEIPT_RECEIVED:
			buf_addstr(lines, "\"received\"");
			break;
		case RECEIPT_DRAFT:
			if (!is_published(ids, nids, e->arg)) {
				buf_addstr(lines, ids_has(s->withdrawn,
				    s->nwithdrawn, e->arg) ? "\"withdrawn\"" :
				    "\"review\"");
				break;
			}
			buf_addstr(lines, "\"published\",\"id\":");
			json_str(lines, e->arg, strlen(e->arg));
			break;
		default:
			buf_addstr(lines, "\"rejected\"");
			if (e->arg == NULL)
				break;
			buf_addstr(lines, ",\"reason\":");
			json_str(lines, e->arg, strlen(e->arg));
			break;
		}
		buf_addch(lines, '}');
		len[i] = lines->len - off[i];
	}
	free(ids);
}

/*
 * The fewest hex digits (0 to STATUS_DIGITS_MAX) for which no shard is
 * larger than STATUS_SHARD_MAX: the fewer shards, the more submissions
 * share the one a lookup fetches.
 */
static int
choose_digits(const struct site *s, const size_t *len)
{
	size_t	*size, n = receipts_count(s->receipts), i, k, nsh;
	int	 d, over;

	size = xcalloc((size_t)1 << (4 * STATUS_DIGITS_MAX), sizeof(*size));
	for (d = 0; d < STATUS_DIGITS_MAX; d++) {
		nsh = (size_t)1 << (4 * d);
		memset(size, 0, nsh * sizeof(*size));
		over = 0;
		for (i = 0; i < n && !over; i++) {
			k = shard_of(receipts_at(s->receipts, i)->hash, d);
			/* The entry, ",\n", and "{\n" "\n}\n" at most. */
			size[k] += len[i] + 2;
			over = size[k] + 3 > STATUS_SHARD_MAX;
		}
		if (!over)
			break;
	}
	free(size);
	return d;
}

void
status_files(struct statusfile **out, size_t *nout, const struct site *s)
{
	struct buf	 lines = BUF_INIT, *b;
	size_t		*off, *len, n, i, sh, nsh;
	int		 d;

	*out = NULL;
	*nout = 0;
	n = receipts_count(s->receipts);
	off = xcalloc(n ? n : 1, sizeof(*off));
	len = xcalloc(n ? n : 1, sizeof(*len));
	entries(&lines, off, len, s);
	d = choose_digits(s, len);
	nsh = (size_t)1 << (4 * d);

	b = xcalloc(1, sizeof(*b));
	buf_init(b);
	buf_printf(b, "{\"version\":%d,\"digits\":%d}\n", STATUS_VERSION, d);
	add_file(out, nout, xstrdup("status/index.json"), b);
	/* Entries are sorted by hash, so each shard is one run of them. */
	for (sh = 0, i = 0; sh < nsh; sh++) {
		struct buf	 name = BUF_INIT;
		int		 first = 1;

		b = xcalloc(1, sizeof(*b));
		buf_init(b);
		buf_addch(b, '{');
		for (; i < n && shard_of(receipts_at(s->receipts, i)->hash,
		    d) == sh; i++) {
			buf_addstr(b, first ? "\n" : ",\n");
			buf_add(b, lines.data + off[i], len[i]);
			first = 0;
		}
		buf_addstr(b, first ? "}\n" : "\n}\n");
		if (d == 0)
			buf_addstr(&name, "status/all.json");
		else
			buf_printf(&name, "status/%0*zx.json", d, sh);
		add_file(out, nout, buf_detach(&name, NULL), b);
	}
	free(off);
	free(len);
	buf_free(&lines);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct statusfile *)a)->path,
	    ((const struct statusfile *)b)->path);
}

/* 1 if old and s publish (and withdraw) the same sets of report ids. */
static int
same_published(const struct site *old, const struct site *s)
{
	const char	**a, **b;
	size_t		  na, nb, i;
	int		  same;

	if (old->nwithdrawn != s->nwithdrawn)
		return 0;
	for (i = 0; i < s->nwithdrawn; i++)
		if (strcmp(old->withdrawn[i], s->withdrawn[i]) != 0)
			return 0;
	if (old->nreports != s->nreports)
		return 0;
	/* The usual case: the same reports in the same order. */
	for (i = 0; i < s->nreports; i++)
		if (strcmp(old->reports[i].id, s->reports[i].id) != 0)
			break;
	if (i == s->nreports)
		return 1;
	a = published_ids(old, &na);
	b = published_ids(s, &nb);
	for (i = 0, same = na == nb; i < na && same; i++)
		same = strcmp(a[i], b[i]) == 0;
	free(a);
	free(b);
	return same;
}

void
status_changes(struct statusfile **out, size_t *nout, char ***gone,
    size_t *ngone, const struct site *old, const struct site *s)
{
	struct statusfile *of, *nf, *hit;
	size_t		 nof, nnf, i;

	*out = NULL;
	*nout = 0;
	*gone = NULL;
	*ngone = 0;
	if (old->receipts == s->receipts && !drafts(s) &&
	    same_published(old, s))
		return;
	status_files(&of, &nof, old);
	status_files(&nf, &nnf, s);
	qsort(of, nof, sizeof(*of), cmp_file);
	qsort(nf, nnf, sizeof(*nf), cmp_file);
	for (i = 0; i < nof; i++) {
		if (bsearch(&of[i], nf, nnf, sizeof(*nf), cmp_file) != NULL)
			continue;
		*gone = xreallocarray(*gone, *ngone + 1, sizeof(**gone));
		(*gone)[(*ngone)++] = xstrdup(of[i].path);
	}
	for (i = 0; i < nnf; i++) {
		hit = bsearch(&nf[i], of, nof, sizeof(*of), cmp_file);
		/*
		 * A preview's old draft marks are not known: every file is
		 * a candidate, and the caller writes those that differ
		 * from the output.
		 */
		if (hit != NULL && !drafts(s) && hit->data->len == nf[i].data->len &&
		    memcmp(hit->data->data, nf[i].data->data,
		    nf[i].data->len) == 0)
			continue;
		/* Handed over to out. */
		add_file(out, nout, nf[i].path, nf[i].data);
		nf[i].path = NULL;
		nf[i].data = NULL;
	}
	statusfiles_free(of, nof);
	statusfiles_free(nf, nnf);
}

void
statusfiles_free(struct statusfile *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		if (v[i].data != NULL)
			buf_free(v[i].data);
		free(v[i].data);
	}
	free(v);
}
