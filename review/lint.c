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
 * nearmiss-review lint FILE...: the de-identification check's driver.
 * The text is copied into a mask where everything that is not prose to
 * check (the front matter's keys and taxonomy values, text in
 * [brackets]) becomes blanks of the same length, so that every offset
 * stays the text's; the mask is cut into words, and two sets of rules
 * run over it: the character scanners (lint_scan.c: e-mail, URLs, IP
 * addresses, phone numbers, numeric dates, long numbers) and the word
 * rules (lint_rules.c) backed by the word lists (lint_dict.c).
 * Findings inside a longer finding are dropped; the rest are given in
 * text order.  Bidirectional controls are found in the text itself,
 * front matter and brackets included, and always given: no --accept
 * takes them.
 */

#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "file.h"
#include "lint.h"
#include "lint_int.h"
#include "log.h"
#include "nm.h"
#include "review.h"
#include "utf8.h"

#define LINT_FILE_MAX	(4 * 1024 * 1024)	/* a report is far smaller */
#define LINT_SHOW_MAX	120	/* bytes of a finding's text shown */
#define LINT_EXIT_ERROR	3	/* a file or the data could not be read */

static void	 blank(char *, size_t, size_t);
static int	 fm_prose(const char *, size_t);
static void	 mask_front_matter(struct lint *);
static void	 mask_brackets(struct lint *);
static int	 sent_start(const char *, size_t);
static void	 tokenize(struct lint *);
static int	 fcmp(const void *, const void *);
static void	 show(struct buf *, const char *, size_t, size_t, enum kind);
static void	 lint_usage(FILE *);

const char *const lint_kind_names[K__MAX] = {
	"email", "url", "ip", "phone", "date", "number", "plate",
	"address", "agency", "place", "name", "signature", "bidi",
};

/*
 * Front-matter keys of the report that are not report fields
 * (lib/field.h), and whose values are not prose.
 */
static const char *const fm_skip[] = {
	"id", "published", "environment",
};

/* Blanks m[from, to) except newlines. */
static void
blank(char *m, size_t from, size_t to)
{
	for (; from < to; from++)
		if (m[from] != '\n')
			m[from] = ' ';
}

/*
 * 1 if the value of the front-matter key (n bytes) is prose to check:
 * a text field of lib/field.c's table (title, summary), or a key the
 * report does not know; 0 for fm_skip and the other fields (months,
 * counts, terms).
 */
static int
fm_prose(const char *key, size_t n)
{
	char	 k[64];
	size_t	 j;
	int	 f;

	for (j = 0; j < NM_NELEM(fm_skip); j++)
		if (strlen(fm_skip[j]) == n && memcmp(key, fm_skip[j], n) == 0)
			return 0;
	if (n >= sizeof(k))
		return 1;
	memcpy(k, key, n);
	k[n] = '\0';
	if ((f = field_lookup(k)) < 0)
		return 1;
	return field_get((enum record_key)f)->kind == FIELD_LINE ||
	    field_get((enum record_key)f)->kind == FIELD_PARA;
}

/*
 * The front matter: its fences and keys become boundaries, and the
 * values of the keys that are not prose (fm_prose(), with their
 * continuation lines) blanks.  Only title, summary and any other key's
 * value remain to check.
 */
static void
mask_front_matter(struct lint *L)
{
	char		*m = L->m;
	size_t		 len = L->len, p, eol, k, i;
	int		 skip = 0, first = 1;

	if (len < 3 || memcmp(m, "---", 3) != 0 || (len > 3 && m[3] !=
	    '\n' && m[3] != '\r'))
		return;
	for (p = 0; p < len; p = eol + 1) {
		eol = p;
		while (eol < len && m[eol] != '\n')
			eol++;
		k = eol;
		if (k > p && m[k - 1] == '\r')
			k--;
		if (!first && k - p == 3 && (memcmp(m + p, "---", 3) == 0 ||
		    memcmp(m + p, "...", 3) == 0)) {
			blank(m, p, eol);
			m[p] = BOUNDARY;
			return;
		}
		if (first) {
			blank(m, p, eol);
			m[p] = BOUNDARY;
			first = 0;
			continue;
		}
		/* "key:" at the start of the line starts a value. */
		for (i = p; i < k && (isalnum((unsigned char)m[i]) ||
		    m[i] == '_' || m[i] == '-'); i++)
			;
		if (i > p && i < k && m[i] == ':' && isalpha((unsigned char)
		    m[p])) {
			skip = !fm_prose(m + p, i - p);
			blank(m, p, skip ? eol : i + 1);
			m[p] = BOUNDARY;
			continue;
		}
		if (m[p] == '#')
			continue;	/* a YAML comment: checked */
		if (skip)
			blank(m, p, eol);
	}
	/* No closing fence: not front matter after all; leave it. */
}

/*
 * Text in [brackets] is a reviewer's replacement: its inside becomes
 * blanks (newlines kept); the brackets stay, so the words around still
 * see a word there.  A bracket left open at a blank line masks nothing.
 */
static void
mask_brackets(struct lint *L)
{
	char	*m = L->m;
	size_t	*open = NULL, *pend = NULL;	/* pend: pairs, 2 each */
	size_t	 nopen = 0, npend = 0, cap = 0, i, k, o;

	/*
	 * One pass, linear even for runs of unmatched or deeply nested
	 * brackets: open holds the "[" still open in this paragraph; pend
	 * the pairs that closed inside one of them, outermost only (a new
	 * pair swallows the pending pairs it contains).  A pair that closes
	 * the last open bracket, and at the end of a paragraph (a blank
	 * line) every pending pair, is blanked inside, once.
	 */
	if ((open = reallocarray(NULL, L->len + 1, sizeof(*open))) == NULL ||
	    (pend = reallocarray(NULL, L->len + 1, sizeof(*pend))) == NULL)
		fatal("reallocarray");
	cap = L->len + 1;
	for (i = 0; i <= L->len; i++) {
		if (i < L->len && m[i] == '[' && (i == 0 ||
		    m[i - 1] != '\\')) {
			open[nopen++] = i;
			continue;
		}
		if (i < L->len && m[i] == ']' && i > 0 &&
		    m[i - 1] != '\\' && nopen > 0) {
			o = open[--nopen];
			while (npend >= 2 && pend[npend - 2] > o)
				npend -= 2;
			if (nopen == 0)
				blank(m, o + 1, i);
			else if (npend + 2 <= cap) {
				pend[npend++] = o;
				pend[npend++] = i;
			}
			continue;
		}
		if (i < L->len && m[i] != '\n')
			continue;
		if (i < L->len) {
			k = i + 1;
			while (k < L->len && (m[k] == ' ' || m[k] == '\t' ||
			    m[k] == '\r'))
				k++;
			if (k < L->len && m[k] != '\n')
				continue;
		}
		/* The end of a paragraph, or of the text. */
		for (k = 0; k + 1 < npend; k += 2)
			blank(m, pend[k] + 1, pend[k + 1]);
		nopen = npend = 0;
	}
	free(open);
	free(pend);
}

/* 1 if the word at off starts a sentence, a paragraph or an item. */
static int
sent_start(const char *m, size_t off)
{
	size_t	 i = off, k;
	int	 nl = 0;

	while (i > 0) {
		unsigned char c = (unsigned char)m[i - 1];

		if (c == ' ' || c == '\t' || c == '\r') {
			i--;
			continue;
		}
		if (c == '\n') {
			if (nl)
				return 1;
			nl = 1;
			i--;
			continue;
		}
		nl = 0;
		if (c == BOUNDARY)
			return 1;
		/* Quotes and parentheses, straight and curly. */
		if (strchr("\"'()*_`~>", c) != NULL) {
			i--;
			continue;
		}
		if (i >= 3 && (unsigned char)m[i - 3] == 0xe2 &&
		    (unsigned char)m[i - 2] == 0x80) {
			if (c >= 0x98 && c <= 0x9d) {	/* ‘ ’ “ ” */
				i -= 3;
				continue;
			}
			/* – — … */
			if (c == 0x93 || c == 0x94 || c == 0xa6)
				return 1;
		}
		if (strchr(".!?:;|#", c) != NULL)
			return 1;
		if (c == '-' || c == '+') {
			/* A list marker, or a dash between spaces. */
			for (k = i - 1; k > 0 && (m[k - 1] == ' ' ||
			    m[k - 1] == '\t'); k--)
				;
			if (k == 0 || m[k - 1] == '\n' || m[k - 1] == BOUNDARY)
				return 1;
			if (i >= 2 && (m[i - 2] == ' ' || m[i - 2] == '-'))
				return 1;
		}
		return 0;
	}
	return 1;
}

static void
tokenize(struct lint *L)
{
	const char	*m = L->m;
	size_t		 i = 0, cap = 0, start;
	unsigned int	 cp, fl, letters, uppers, lowers, digits, others;
	int		 n;

	while (i < L->len) {
		n = lint_utf8_get(m, L->len, i, &cp);
		if (!(lint_is_letter(cp) || (cp >= '0' && cp <= '9'))) {
			i += (size_t)n;
			continue;
		}
		start = i;
		fl = 0;
		letters = uppers = lowers = digits = others = 0;
		if (lint_is_upper(cp))
			fl |= TF_CAP;
		else if (lint_is_lower(cp))
			fl |= TF_LOWER;
		for (;;) {
			if (cp >= '0' && cp <= '9')
				digits++;
			else if (lint_is_letter(cp)) {
				letters++;
				if (lint_is_upper(cp))
					uppers++;
				else
					lowers++;
			} else
				others++;
			i += (size_t)n;
			if (i >= L->len)
				break;
			n = lint_utf8_get(m, L->len, i, &cp);
			if (lint_is_letter(cp) || (cp >= '0' && cp <= '9'))
				continue;
			/* ' ’ and - join when a word character follows. */
			if (cp == '\'' || cp == 0x2019 || cp == '-') {
				unsigned int	 cp2;
				size_t		 j = i + (size_t)n;

				if (j < L->len) {
					lint_utf8_get(m, L->len, j, &cp2);
					if (lint_is_letter(cp2) ||
					    (cp2 >= '0' && cp2 <= '9'))
						continue;
				}
			}
			break;
		}
		if (L->nt == cap) {
			cap = cap ? cap * 2 : 256;
			L->t = xreallocarray(L->t, cap, sizeof(*L->t));
		}
		if (digits)
			fl |= TF_DIGIT;
		else
			fl |= TF_ALPHA;
		if (digits && !letters && !others)
			fl |= TF_NUM;
		if (letters >= 2 && lowers == 0)
			fl |= TF_UPPER;
		if (i < L->len && m[i] == '.')
			fl |= TF_DOT;
		if (sent_start(m, start))
			fl |= TF_START;
		L->t[L->nt].off = start;
		L->t[L->nt].len = i - start;
		L->t[L->nt].fl = fl;
		L->nt++;
	}
}

void
lint_add(struct lint *L, enum kind k, size_t off, size_t end)
{
	size_t	 p, q;

	if (end <= off)
		return;
	/* No finding runs across a blank line: that is two paragraphs. */
	for (p = off; p < end; p++) {
		if (L->m[p] != '\n')
			continue;
		for (q = p + 1; q < end && (L->m[q] == ' ' ||
		    L->m[q] == '\t' || L->m[q] == '\r'); q++)
			;
		if (q < end && L->m[q] == '\n')
			return;
	}
	if (L->nf == L->fcap) {
		L->fcap = L->fcap ? L->fcap * 2 : 64;
		L->f = xreallocarray(L->f, L->fcap, sizeof(*L->f));
	}
	L->f[L->nf].off = off;
	L->f[L->nf].end = end;
	L->f[L->nf].kind = k;
	L->nf++;
}

int
lint_adjacent(const struct lint *L, size_t a, size_t b, int dot)
{
	size_t	 i = TEND(L, a), end = TOFF(L, b);
	int	 nl = 0;

	if (b != a + 1)
		return 0;
	if (dot && i < end && L->m[i] == '.')
		i++;
	for (; i < end; i++) {
		if (L->m[i] == '\n') {
			if (nl++)
				return 0;
		} else if (L->m[i] != ' ' && L->m[i] != '\t' &&
		    L->m[i] != '\r')
			return 0;
	}
	return 1;
}

size_t
lint_tok_word(const struct lint *L, size_t i, char *out, size_t outsz)
{
	size_t	 n;

	if ((n = lint_normalise(out, outsz, L->m + TOFF(L, i), L->t[i].len)) ==
	    0)
		return 0;
	if (n > 2 && out[n - 2] == '\'' && (out[n - 1] == 's' ||
	    out[n - 1] == 'S'))
		out[n -= 2] = '\0';
	return n;
}

int
lint_tok_is(const struct lint *L, size_t i, const char *w)
{
	char	 s[LINT_KEY_MAX];

	if (i >= L->nt || lint_tok_word(L, i, s, sizeof(s)) == 0)
		return 0;
	return strcasecmp(s, w) == 0;
}

static int
fcmp(const void *a, const void *b)
{
	const struct finding	*x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * The text of a finding as printed: blanks (newlines too) as one space,
 * control characters and bidirectional controls as '?', at most
 * LINT_SHOW_MAX bytes.  A bidi finding is the control's code point and
 * name.
 */
static void
show(struct buf *out, const char *s, size_t off, size_t end, enum kind k)
{
	uint32_t	 cp;
	size_t		 i;
	int		 space = 0;

	buf_reset(out);
	if (k == K_BIDI) {
		if (utf8_decode(&cp, s + off, end - off) > 0)
			buf_printf(out, "U+%04X %s", (unsigned int)cp,
			    field_bidi_name(cp));
		return;
	}
	for (i = off; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xe2 && end - i >= 3 && utf8_decode(&cp, s + i,
		    end - i) == 3 && utf8_is_bidi(cp)) {
			c = '?';
			i += 2;
		}

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && out->len > 0)
			buf_addch(out, ' ');
		space = 0;
		if (out->len >= LINT_SHOW_MAX && (c & 0xc0) != 0x80) {
			buf_addstr(out, "...");
			break;
		}
		buf_addch(out, c < 0x20 || c == 0x7f ? '?' : c);
	}
}


void
lint_text(struct lint_result *out, const struct lint_data *d,
    const char *text, size_t len, const struct lint_accept *acc, size_t nacc)
{
	struct lint		 L;
	struct lint_finding	*f;
	struct buf		 s = BUF_INIT;
	unsigned long		 line = 1, col = 1;
	size_t			 i, k, pos = 0, maxend = 0, cap = 0;

	memset(out, 0, sizeof(*out));
	memset(&L, 0, sizeof(L));
	L.d = d;
	L.text = text;
	L.len = len;
	L.m = xmalloc(len + 1);
	memcpy(L.m, text, len);
	L.m[len] = '\0';
	/* A NUL is no text: a blank. */
	for (i = 0; i < L.len; i++)
		if (L.m[i] == '\0' || L.m[i] == BOUNDARY)
			L.m[i] = ' ';
	mask_front_matter(&L);
	mask_brackets(&L);
	tokenize(&L);
	lint_scan_chars(&L);
	lint_rules(&L);
	if (L.nf > 0)
		qsort(L.f, L.nf, sizeof(*L.f), fcmp);
	for (i = 0; i < L.nf; i++) {
		/*
		 * Inside a longer finding already given: skip; but never
		 * a bidi control, wherever it is.
		 */
		if (L.f[i].kind != K_BIDI) {
			if (L.f[i].end <= maxend)
				continue;
			maxend = L.f[i].end;
		}
		for (; pos < L.f[i].off; pos++) {
			if (L.text[pos] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)L.text[pos] & 0xc0) != 0x80)
				col++;
		}
		show(&s, L.text, L.f[i].off, L.f[i].end, L.f[i].kind);
		for (k = 0; k < nacc && L.f[i].kind != K_BIDI; k++)
			if (strcmp(acc[k].kind, lint_kind_names[L.f[i].kind]) ==
			    0 && strcmp(acc[k].text, s.data) == 0)
				break;
		if (k < nacc && L.f[i].kind != K_BIDI)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xreallocarray(out->v, cap, sizeof(*out->v));
		}
		f = &out->v[out->n++];
		f->off = L.f[i].off;
		f->end = L.f[i].end;
		f->line = line;
		f->col = col;
		f->kind = lint_kind_names[L.f[i].kind];
		f->text = xstrdup(s.data);
	}
	free(L.m);
	free(L.t);
	free(L.f);
	buf_free(&s);
}

void
lint_result_free(struct lint_result *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
lint_mem(const char *path, const char *text, size_t len,
    const struct lint_accept *acc, size_t nacc, FILE *out, size_t *found)
{
	/*
	 * The word lists, read at the first call and kept for the life of
	 * the program (approve lints many files).  XXX A file-scope cache:
	 * fine in this one-shot program, not in lib/.
	 */
	static struct lint_data	*data;
	struct lint_result	 r;
	size_t			 i;

	*found = 0;
	if (data == NULL && lint_data_load(&data, NULL) == -1)
		return -1;
	lint_text(&r, data, text, len, acc, nacc);
	for (i = 0; i < r.n; i++)
		fprintf(out, "%s:%lu:%lu: %s: %s\n", path, r.v[i].line,
		    r.v[i].col, r.v[i].kind, r.v[i].text);
	*found = r.n;
	lint_result_free(&r);
	return 0;
}

int
lint_file(const char *path, const struct lint_accept *acc, size_t nacc,
    FILE *out, size_t *found)
{
	struct buf	 b = BUF_INIT;
	int		 r, rc = -1;

	*found = 0;
	if ((r = file_read(&b, path, LINT_FILE_MAX)) != 0) {
		if (r == NM_ENOTFOUND)
			log_warnx("%s: no such file", path);
		goto out;
	}
	if (lint_mem(path, b.data, b.len, acc, nacc, out, found) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static void
lint_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review lint [--accept KIND:TEXT ...] "
	    "FILE ...\n");
}

/*
 * Exit: 0 no finding, 1 findings, 2 usage, 3 a file or the data could
 * not be read (the other files are still checked).
 */
int
review_lint(int argc, char *argv[])
{
	enum { OPT_ACCEPT = 256 };
	static const struct option longopts[] = {
		{ "accept", required_argument, NULL, OPT_ACCEPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct lint_accept	*acc = NULL;
	size_t			 nacc = 0, found, total = 0;
	int			 ch, i, rc = 2, errors = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ACCEPT:
			acc = xreallocarray(acc, nacc + 1, sizeof(*acc));
			if (lint_accept_parse(&acc[nacc], optarg) != 0)
				goto out;
			nacc++;
			break;
		case 'h':
			lint_usage(stdout);
			rc = 0;
			goto out;
		default:
			lint_usage(stderr);
			goto out;
		}
	}
	if (optind == argc) {
		lint_usage(stderr);
		goto out;
	}
	for (i = optind; i < argc; i++) {
		if (lint_file(argv[i], acc, nacc, stdout, &found) == -1)
			errors++;
		else
			total += found;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		errors++;
	}
	if (errors)
		rc = LINT_EXIT_ERROR;
	else
		rc = total > 0 ? 1 : 0;
out:
	free(acc);
	return rc;
}
