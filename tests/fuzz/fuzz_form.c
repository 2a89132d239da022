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
 * Fuzz target for the form body decoder: form_parse() on the input, then
 * the decoder's promises checked independently of its code, with abort()
 * on a violation: names [a-z0-9_]{1,64}; values NUL-free, valid UTF-8
 * (checked by a decoder to code points), without CR or C0 controls but
 * TAB and LF, within the caps; a failure empties the form.  Accepted
 * bodies are re-encoded and must decode to the same fields, and a reused
 * form and a small value cap must agree with the first parse.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

#define SMALL_CAP	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check(int, const struct form *, size_t);
static void	check_utf8(const char *, size_t);
static void	encode(struct buf *, const struct form *);
static int	same(const struct form *, const struct form *);

/* Aborts unless s (n bytes) is UTF-8 as the decoder promises. */
static void
check_utf8(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp, min;
	size_t			 i, k, len;

	for (i = 0; i < n; i += len) {
		if (p[i] < 0x80) {
			if (p[i] == '\0' || p[i] == '\r' ||
			    (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n'))
				abort();
			len = 1;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			abort();
		if (len > n - i)
			abort();
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			abort();
	}
}

/* Aborts unless f is what form_parse() may leave after returning rc. */
static void
check(int rc, const struct form *f, size_t len)
{
	const struct form_field	*fl;
	size_t			 i, k, max, total = 0;

	if (rc != f->err || form_strerror(rc) == NULL)
		abort();
	if (rc != 0) {
		if (rc > -2 || f->nfields != 0 || f->data.len != 0 ||
		    strlen(f->err_name) > FORM_NAME_MAX ||
		    (f->err_off >= len && rc != FORM_ETOOBIG))
			abort();
		return;
	}
	if (len > FORM_BODY_MAX || f->nfields > FORM_FIELDS_MAX ||
	    f->err_off != 0 || f->err_name[0] != '\0')
		abort();
	max = f->value_max == 0 ? FORM_BODY_MAX : f->value_max;
	for (i = 0; i < f->nfields; i++) {
		fl = &f->fields[i];
		k = strlen(fl->name);
		if (k == 0 || k > FORM_NAME_MAX ||
		    strspn(fl->name, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_") != k)
			abort();
		if (strlen(fl->value) != fl->value_len ||
		    fl->value_len > max)
			abort();
		check_utf8(fl->value, fl->value_len);
		total += k + fl->value_len;
		if (form_next(f, i == 0 ? NULL : fl - 1, NULL) != fl)
			abort();
	}
	/* Decoding never grows the body. */
	if (total > len)
		abort();
	if (f->nfields > 0 && form_get(f, f->fields[0].name) !=
	    f->fields[0].value)
		abort();
}

/* Re-encodes the fields of f (every value byte as %XX or +, raw). */
static void
encode(struct buf *out, const struct form *f)
{
	static const char	 hex[] = "0123456789aBcDeF";
	unsigned char		 c;
	size_t			 i, k;

	for (i = 0; i < f->nfields; i++) {
		if (i > 0)
			buf_addch(out, '&');
		buf_addstr(out, f->fields[i].name);
		buf_addch(out, '=');
		for (k = 0; k < f->fields[i].value_len; k++) {
			c = (unsigned char)f->fields[i].value[k];
			if (c == ' ')
				buf_addch(out, k % 2 ? '+' : ' ');
			else if ((c >= 'a' && c <= 'z') || c >= 0x80 ||
			    (c >= '0' && c <= '9'))
				buf_addch(out, c);
			else {
				buf_addch(out, '%');
				buf_addch(out, hex[c >> 4]);
				buf_addch(out, hex[c & 15]);
			}
		}
	}
}

/* 1 if a and b hold the same fields. */
static int
same(const struct form *a, const struct form *b)
{
	size_t	 i;

	if (a->nfields != b->nfields)
		return 0;
	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
		    a->fields[i].value_len != b->fields[i].value_len ||
		    memcmp(a->fields[i].value, b->fields[i].value,
		    a->fields[i].value_len) != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f, g;
	struct buf	 b = BUF_INIT;
	const char	*body = (const char *)data;
	size_t		 i, slack;
	int		 rc, rc2, big = 0;

	form_init(&f, 0);
	form_init(&g, 0);
	rc = form_parse(&f, body, size);
	check(rc, &f, size);

	/* Accepted: the fields, encoded again, decode to themselves. */
	if (rc == 0) {
		encode(&b, &f);
		if (b.len <= FORM_BODY_MAX && (form_parse(&g, b.data,
		    b.len) != 0 || !same(&f, &g)))
			abort();
	}

	/*
	 * A small value cap (on the reused form g): the same result if no
	 * value is over it, else FORM_EVALUELEN no later than the first
	 * fault was found (a UTF-8 fault is found up to 3 escaped bytes
	 * after the offset it gives, the lead's).
	 */
	g.value_max = SMALL_CAP;
	rc2 = form_parse(&g, body, size);
	check(rc2, &g, size);
	for (i = 0; i < f.nfields; i++)
		if (f.fields[i].value_len > SMALL_CAP)
			big = 1;
	slack = rc == FORM_EUTF8 ? 9 : 0;
	if (rc == 0 && rc2 != (big ? FORM_EVALUELEN : 0))
		abort();
	if (rc == FORM_ETOOBIG && rc2 != rc)
		abort();
	if (rc != 0 && rc2 != rc && (rc2 != FORM_EVALUELEN ||
	    g.err_off > f.err_off + slack))
		abort();
	if (rc2 == 0 && !same(&f, &g))
		abort();

	/* A reused form gives the same result as a fresh one. */
	if (form_parse(&g, "reuse=%C3%A9", 12) != 0)
		abort();
	g.value_max = 0;
	if (form_parse(&g, body, size) != rc || g.err != f.err ||
	    g.err_off != f.err_off || strcmp(g.err_name, f.err_name) != 0 ||
	    !same(&f, &g))
		abort();

	buf_free(&b);
	form_free(&g);
	form_free(&f);
	return 0;
}
