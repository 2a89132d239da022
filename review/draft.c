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
 * nearmiss-review draft ID: turns an inbox item into a report draft,
 * PATH/reports/YYYY/REPORT-ID.md in the content repository's work tree
 * (never committed, never over an existing file), records "draft
 * REPORT-ID" for the item's receipt hash and commits that alone, and
 * lints the draft so that every likely identifier is listed.  The front
 * matter takes only the values that nearmiss.ini's taxonomy allows; a
 * required field the record cannot fill, and "published" always, get a
 * TODO that the report check rejects, so an unedited draft can be
 * neither approved nor published.  The fields, their kinds and which are
 * required come from lib/field.c's table.  The contact details and
 * signature never go into the file.
 */

#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "commit.h"
#include "config.h"
#include "field.h"
#include "file.h"
#include "keys.h"
#include "lint.h"
#include "log.h"
#include "nm.h"
#include "queue.h"
#include "receipts.h"
#include "record.h"
#include "report.h"
#include "review.h"
#include "rv.h"

#define DRAFT_INI_MAX	(1024 * 1024)	/* nearmiss.ini */
#define DRAFT_TODO	"TODO"

static void	draft_usage(FILE *);
static void	yaml_str(struct buf *, const char *);
static void	md_text(struct buf *, const char *);
static int	field_ok(const struct record *, const struct config *,
		    enum record_key);
static size_t	add_terms(struct buf *, const struct config *,
		    enum tax_id, const char *);
static void	add_field(struct buf *, const struct record *,
		    const struct config *, enum record_key, const char *);
static int	id_taken(const struct queue *, const char *);
static int	make_id(char *, size_t, const struct queue *,
		    const struct record *, const char *);
static int	load_config(struct config *, const struct queue *);
static void	compose(struct buf *, const struct record *,
		    const struct config *, const char *);
static void	reminders(const struct record *);

static void
draft_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review draft [-K keyfile] -i inbox "
	    "[-r repo] [-p path] id\n");
}

/*
 * A YAML double-quoted scalar: backslash, quote, C0 and C1 controls and
 * the Unicode line and paragraph separators escaped.
 */
static void
yaml_str(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	buf_addch(b, '"');
	for (; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"') {
			buf_addch(b, '\\');
			buf_addch(b, *p);
		} else if (*p == '\n')
			buf_addstr(b, "\\n");
		else if (*p == '\t')
			buf_addstr(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else if (p[0] == 0xc2 && p[1] == 0x85) {
			buf_addstr(b, "\\N");
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 ||
		    p[2] == 0xa9)) {
			buf_addstr(b, p[2] == 0xa8 ? "\\L" : "\\P");
			p += 2;
		} else
			buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

/*
 * The submitter's text as Markdown: line ends as LF, and a line that
 * Markdown would read as a heading ("# ...", "## Lessons learned", a
 * "---" or "===" underline) escaped with a backslash, so that the
 * text cannot move the report's own sections.
 */
static void
md_text(struct buf *b, const char *s)
{
	const char	*line, *end, *p;
	size_t		 n, k;
	int		 rule;

	for (line = s; *line != '\0'; line = *end == '\0' ? end : end + 1) {
		end = line + strcspn(line, "\n");
		n = (size_t)(end - line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		for (k = 0; k < n && k < 3 && line[k] == ' '; k++)
			;
		rule = k < n && (line[k] == '-' || line[k] == '=');
		for (p = line + k; rule && p < line + n; p++)
			if (*p != line[k] && *p != ' ' && *p != '\t')
				rule = 0;
		if (k < n && (line[k] == '#' || rule))
			buf_addch(b, '\\');
		buf_add(b, line, n);
		buf_addch(b, '\n');
	}
}

/* 1 if the record has field k and its value passes field_check(). */
static int
field_ok(const struct record *r, const struct config *cfg,
    enum record_key k)
{
	const char	*v = r->field[k];

	return v != NULL && field_check(k, cfg, v, strlen(v)) == 0;
}

/*
 * Appends "a, b" of the comma-separated terms v that taxonomy t knows,
 * each once, at most FIELD_TERMS_MAX.  Returns how many.
 */
static size_t
add_terms(struct buf *b, const struct config *cfg, enum tax_id t,
    const char *v)
{
	const char	*p = v, *seen[FIELD_TERMS_MAX];
	size_t		 n, i, nseen = 0;
	int		 k;

	while (*p != '\0' && nseen < FIELD_TERMS_MAX) {
		n = strcspn(p, ",");
		if ((k = field_term(cfg, t, p, n)) >= 0) {
			for (i = 0; i < nseen; i++)
				if (strcmp(seen[i],
				    cfg->tax[t].terms[k].slug) == 0)
					break;
			if (i == nseen) {
				seen[nseen++] = cfg->tax[t].terms[k].slug;
				buf_printf(b, "%s%.*s", nseen > 1 ? ", " : "",
				    (int)n, p);
			}
		}
		p += n;
		p += *p == ',';
	}
	return nseen;
}

/*
 * "key: value" for field k if the record's value passes the field's
 * check against the taxonomy (a list keeps the terms the taxonomy
 * knows); otherwise, if the field is required, a placeholder that the
 * report check rejects, with what to write in a comment; else nothing.
 */
static void
add_field(struct buf *b, const struct record *r, const struct config *cfg,
    enum record_key k, const char *indent)
{
	const struct field	*f = field_get(k);
	const char		*v = r->field[k];
	struct buf		 terms = BUF_INIT;
	int			 n;

	if (f->kind == FIELD_TERMS) {
		if (v != NULL && add_terms(&terms, cfg, f->tax, v) > 0)
			buf_printf(b, "%s%s: [%s]\n", indent, f->key,
			    terms.data);
		else if (f->required)
			buf_printf(b, "%s%s: [" DRAFT_TODO "]  # one to %d of "
			    "[%s] in nearmiss.ini\n", indent, f->key,
			    FIELD_TERMS_MAX, config_tax_name(f->tax));
		buf_free(&terms);
		return;
	}
	if (field_ok(r, cfg, k)) {
		buf_printf(b, "%s%s: ", indent, f->key);
		switch (f->kind) {
		case FIELD_LINE:
		case FIELD_PARA:
			yaml_str(b, v);
			break;
		case FIELD_COUNT:
			/* "007" is 7, as every reader sees it. */
			field_count(v, strlen(v), &n);
			buf_printf(b, "%d", n);
			break;
		default:
			buf_addstr(b, v);
			break;
		}
		buf_addch(b, '\n');
		return;
	}
	if (!f->required)
		return;
	switch (f->kind) {
	case FIELD_LINE:
	case FIELD_PARA:
		buf_printf(b, "%s%s: \"\"  # " DRAFT_TODO ": %s, %sat most %zu "
		    "characters\n", indent, f->key, f->label,
		    f->kind == FIELD_LINE ? "one line, " : "", f->max);
		break;
	case FIELD_MONTH:
		buf_printf(b, "%s%s: " DRAFT_TODO "  # %s, YYYY-MM, never a "
		    "day\n", indent, f->key, f->label);
		break;
	case FIELD_TERM:
		buf_printf(b, "%s%s: " DRAFT_TODO "  # one of [%s] in "
		    "nearmiss.ini\n", indent, f->key, config_tax_name(f->tax));
		break;
	default:
		buf_printf(b, "%s%s: " DRAFT_TODO "  # %s\n", indent, f->key,
		    f->label);
		break;
	}
}

/*
 * 1 if report id is taken in the work tree: a report file
 * reports/YEAR/ID.md, an approvals file approvals/YEAR/ID, or a draft
 * entry of the receipts file names it.  -1 (logged) on a bad path.
 */
static int
id_taken(const struct queue *q, const char *id)
{
	struct stat	 st;
	char		 rel[64], p[PATH_MAX];

	if (receipts_by_report(q->rc, id) != NULL)
		return 1;
	snprintf(rel, sizeof(rel), "reports/%.4s/%s.md", id, id);
	if (rv_content_path(p, sizeof(p), q->workdir, q->cpath, rel) == -1)
		return -1;
	if (lstat(p, &st) == 0)
		return 1;
	snprintf(rel, sizeof(rel), "approvals/%.4s/%s", id, id);
	if (rv_content_path(p, sizeof(p), q->workdir, q->cpath, rel) == -1)
		return -1;
	return lstat(p, &st) == 0;
}

/*
 * The report id of item (record r): YEAR-DDDDD, YEAR the year received
 * and DDDDD five decimal digits of a BLAKE2b hash over the item id, its
 * receipt hash and its content (rv_record_digest()).  Two reviewers who
 * draft two items at once in two clones get two ids without talking to
 * each other, and the same item gets the same id in every clone.  The
 * hash needs the decrypted record, so the id tells nobody (not the
 * intake host, which knows the item ids) which item it came from.  An
 * id already taken in this work tree (see id_taken()) gets one digit
 * more, up to 18.  Two items drafted at once in two clones collide with
 * a chance of 1 in 100,000; git then stops the merge at the report file
 * (both added it), and merge-receipts refuses one id for two items.
 * 0, or -1 (logged).
 */
static int
make_id(char *out, size_t outsz, const struct queue *q,
    const struct record *r, const char *item)
{
	static const char	 domain[] = "nearmiss-report-id-v1";
	crypto_generichash_state st;
	unsigned char		 h[32], d[32];
	unsigned long long	 v = 0, mod = 10000;
	int			 i, n, t;

	rv_record_digest(d, r);
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)domain,
	    sizeof(domain));
	crypto_generichash_update(&st, (const unsigned char *)item,
	    strlen(item));
	crypto_generichash_update(&st, r->receipt, sizeof(r->receipt));
	crypto_generichash_update(&st, d, sizeof(d));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(d, sizeof(d));
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	for (n = 5; n <= 18; n++) {
		mod *= 10;
		if ((size_t)snprintf(out, outsz, "%.4s-%0*llu", r->received,
		    n, v % mod) >= outsz) {
			log_warnx("report id too long");
			return -1;
		}
		if ((t = id_taken(q, out)) == -1)
			return -1;
		if (t == 0)
			return 0;
	}
	log_warnx("item %s: no free report id", item);
	return -1;
}

static int
load_config(struct config *cfg, const struct queue *q)
{
	struct buf	 b = BUF_INIT;
	char		 p[PATH_MAX];
	int		 r, rc = -1;

	if (rv_content_path(p, sizeof(p), q->workdir, q->cpath,
	    "nearmiss.ini") == -1)
		goto out;
	if ((r = file_read(&b, p, DRAFT_INI_MAX)) != 0) {
		if (r == NM_ENOTFOUND)
			log_warnx("%s: missing: the draft needs the taxonomy "
			    "of the content folder (-p)", p);
		goto out;
	}
	if (config_parse(cfg, p, b.data, b.len) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/*
 * The report file: front matter, the narrative, the lessons.  The
 * fields in the table's order, with published after event_date (the
 * reviewer sets it) and the three of the environment in its mapping.
 */
static void
compose(struct buf *b, const struct record *r, const struct config *cfg,
    const char *id)
{
	int	 k;

	buf_addstr(b, "---\n");
	buf_printf(b, "id: %s\n", id);
	for (k = 0; k < RECORD_KEY_MAX; k++) {
		if (k == RECORD_TIME_OF_DAY && (field_ok(r, cfg, k) ||
		    field_ok(r, cfg, RECORD_LIGHTING) ||
		    field_ok(r, cfg, RECORD_WEATHER)))
			buf_addstr(b, "environment:\n");
		add_field(b, r, cfg, (enum record_key)k,
		    k >= RECORD_TIME_OF_DAY && k <= RECORD_WEATHER ? "  " : "");
		/* Set by the reviewer when the text is final: see draft(1). */
		if (k == RECORD_EVENT_DATE)
			buf_addstr(b, "published: " DRAFT_TODO "  # "
			    "YYYY-MM-DD, the day it is published\n");
	}
	buf_addstr(b, "---\n");
	if (r->narrative != NULL && r->narrative[strspn(r->narrative,
	    " \t\r\n")] != '\0')
		md_text(b, r->narrative);
	else
		buf_addstr(b, DRAFT_TODO ": the narrative (the submission "
		    "has none).\n");
	buf_addstr(b, "\n## Lessons learned\n\n");
	if (r->lessons != NULL && r->lessons[strspn(r->lessons,
	    " \t\r\n")] != '\0')
		md_text(b, r->lessons);
	else
		buf_addstr(b, "- " DRAFT_TODO ": the lessons learned.\n");
}

int
draft_text(struct buf *out, const struct record *r, const struct queue *q,
    const char *id)
{
	struct config	 cfg;
	int		 rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	if (load_config(&cfg, q) != 0)
		goto out;
	compose(out, r, &cfg, id);
	rc = 0;
out:
	config_free(&cfg);
	return rc;
}

/* What stays out of the draft, shown to the reviewer on stderr. */
static void
reminders(const struct record *r)
{
	size_t	 i;

	if (r->contact != NULL) {
		fprintf(stderr, "\nContact details the submitter gave (NOT in "
		    "the draft; never publish them):\n");
		rv_puttext(stderr, r->contact, 0);
		fputc('\n', stderr);
	}
	if (r->signature != NULL) {
		fprintf(stderr, "\nSignature cut from the e-mail (NOT in the "
		    "draft):\n");
		rv_puttext(stderr, r->signature, 0);
		fputc('\n', stderr);
	}
	if (r->quarantined)
		fprintf(stderr, "\nThe e-mail could not be read safely: its "
		    "text is the attachment message.eml\n(nearmiss-review "
		    "show --attachments DIR); copy what belongs into the "
		    "draft.\n");
	else if (r->nattach > 0) {
		fprintf(stderr, "\n%zu attachment%s (NOT in the draft; "
		    "nearmiss-review show --attachments DIR):\n", r->nattach,
		    r->nattach == 1 ? "" : "s");
		for (i = 0; i < r->nattach; i++) {
			fputs("  ", stderr);
			rv_puttext(stderr, r->attach[i].name, 1);
			fprintf(stderr, " (%s, %zu bytes)\n",
			    r->attach[i].type, r->attach[i].len);
		}
	}
}

int
review_draft(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct queue		 q;
	struct queue_item	 qi;
	struct record		 r;
	struct config		 cfg;
	struct rv_args		 a = RV_ARGS_INIT;
	struct keypair		*kp = NULL;
	struct buf		 text = BUF_INIT;
	struct stat		 st;
	const char		*item;
	char			 id[REPORT_ID_MAX + 1], rel[64];
	char			 crel[PATH_MAX];
	char			 full[PATH_MAX];
	static const unsigned char zero[RECORD_RECEIPT_BYTES];
	const char		*paths[1] = { crel };
	size_t			 found;
	int			 ch, rc = 2, committed = 0;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	memset(&cfg, 0, sizeof(cfg));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			draft_usage(stdout);
			rc = 0;
			goto out;
		default:
			draft_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || a.inbox == NULL) {
		draft_usage(stderr);
		goto out;
	}
	item = argv[optind];
	if (rv_id_arg(item) != 0)
		goto out;
	rc = 1;
	if (rv_start(&kp, &r, &q, &a, item, 1) != 0)
		goto out;
	if (load_config(&cfg, &q) != 0)
		goto out;
	if (strspn(r.received, "0123456789") != 4 || r.received[4] != '-') {
		log_warnx("item %s: no day received in the record", item);
		goto out;
	}

	/* A drafted item keeps its id; a decided one is not drafted. */
	queue_state(&qi, &q, &r);
	switch (qi.state) {
	case Q_REJECTED:
		log_warnx("item %s: rejected; not drafted", item);
		goto out;
	case Q_APPROVED:
	case Q_PUBLISHED:
		log_warnx("item %s: already approved as %s%s%s", item,
		    qi.report, qi.file[0] != '\0' ? " in " : "", qi.file);
		goto out;
	case Q_DRAFT:
		if (qi.file[0] != '\0') {
			log_warnx("item %s: already drafted as %s in %s; not "
			    "overwritten", item, qi.report, qi.file);
			goto out;
		}
		if (!report_id_valid(qi.report) || strncmp(qi.report,
		    r.received, 4) != 0) {
			log_warnx("item %s: the receipts file names a bad "
			    "draft id", item);
			goto out;
		}
		snprintf(id, sizeof(id), "%s", qi.report);
		break;
	default:
		if (make_id(id, sizeof(id), &q, &r, item) != 0)
			goto out;
		break;
	}
	snprintf(rel, sizeof(rel), "reports/%.4s/%s.md", r.received, id);
	if (rv_content_path(full, sizeof(full), q.workdir, q.cpath,
	    rel) == -1)
		goto out;
	if (lstat(full, &st) == 0) {
		log_warnx("%s: already exists; not overwritten", full);
		goto out;
	}

	compose(&text, &r, &cfg, id);
	if (file_write(full, text.data, text.len, 0644, FILE_ATOMIC |
	    FILE_SYNC | FILE_MKDIRS) != 0)
		goto out;
	if (sodium_memcmp(r.receipt, zero, sizeof(zero)) == 0)
		log_warnx("item %s: no receipt hash; the status page will "
		    "not show this draft", item);
	else if (receipts_set(q.rc, r.receipt, RECEIPT_DRAFT, id) != 0 ||
	    receipts_write(q.rc, q.receipts) != 0) {
		log_warnx("%s was written, but the receipts file was not "
		    "updated", full);
		goto out;
	} else if (qi.state != Q_DRAFT) {
		/*
		 * The receipts line, never the draft (the submitter's words
		 * until the reviewer edits them): the work tree stays
		 * mergeable, and a push shows the others the id.
		 */
		if (queue_receipts_rel(crel, sizeof(crel), &q) != 0 ||
		    rv_commit(q.workdir, paths, 1, "receipts: a submission "
		    "is drafted") != 0) {
			log_warnx("%s was written, but the receipts file was "
			    "not committed", full);
			goto out;
		}
		committed = 1;
	}
	printf("%s: draft of item %s as report %s (not committed)\n", full,
	    item, id);
	reminders(&r);
	fflush(stdout);
	if (lint_file(full, NULL, 0, stdout, &found) != 0)
		log_warnx("the lint could not run: run nearmiss-review lint "
		    "%s", full);
	else
		fprintf(stderr, "\n%zu likely identifier%s flagged above. "
		    "Replace each with a [bracketed]\ndescription, fill in "
		    "every " DRAFT_TODO " (published last), then approve.\n",
		    found, found == 1 ? "" : "s");
	if (committed)
		log_info("next: git pull, then git push, so that the others "
		    "see the id (nearmiss-review(1), WORKING TOGETHER)");
	rc = 0;
out:
	/* The draft is decrypted text: wipe it. */
	if (text.cap > 0)
		sodium_memzero(text.data, text.len);
	buf_free(&text);
	config_free(&cfg);
	queue_close(&q);
	record_free(&r);
	keypair_free(kp);
	return rc;
}
