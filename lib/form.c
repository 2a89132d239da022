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
 * The urlencoded form body decoder: one pass over the body that splits
 * pairs, checks names, and decodes each value straight into the form's
 * storage while a small state machine validates UTF-8, controls and
 * the value cap byte by byte.
 */

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "form.h"

/* The decoder state of one value. */
struct vdec {
	char	*w;		/* next output byte */
	size_t	 n;		/* output bytes so far */
	size_t	 max;		/* cap of n */
	size_t	 seq;		/* body offset of the current UTF-8 lead */
	int	 need;		/* continuation bytes still expected */
	int	 lo, hi;	/* range of the next continuation byte */
	int	 cr;		/* the last byte was a CR (written as LF) */
};

static int	name_check(const char *, size_t, size_t *);
static int	vdec_byte(struct vdec *, int, size_t, size_t *);
static int	value_decode(struct vdec *, const char *, size_t, size_t,
		    size_t *);
static void	wipe(struct form *, size_t);

int
form_hexdig(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Checks the raw name s (n bytes).  Returns 0 or a FORM_E* code with
 * *offp, relative to s, set to the fault.
 */
static int
name_check(const char *s, size_t n, size_t *offp)
{
	size_t	 i;

	*offp = 0;
	if (n == 0)
		return FORM_ENONAME;
	if (n > FORM_NAME_MAX) {
		*offp = FORM_NAME_MAX;
		return FORM_ENAMELEN;
	}
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
			*offp = i;
			return FORM_ENAME;
		}
	return 0;
}

/*
 * Feeds one decoded byte c, found at body offset off, to d: validates
 * it, turns CR and CRLF into LF and writes it.  Returns 0 or a FORM_E*
 * code with *offp set to the fault (for UTF-8, the sequence's lead).
 */
static int
vdec_byte(struct vdec *d, int c, size_t off, size_t *offp)
{
	int	 cr = d->cr;

	*offp = off;
	d->cr = 0;
	if (d->need > 0) {
		if (c < d->lo || c > d->hi) {
			*offp = d->seq;
			return FORM_EUTF8;
		}
		d->need--;
		d->lo = 0x80;
		d->hi = 0xbf;
	} else if (c < 0x80) {
		if (c == '\0')
			return FORM_ENUL;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return FORM_ECONTROL;
		if (c == '\n' && cr)
			return 0;	/* the LF of a CRLF, written already */
		if (c == '\r') {
			d->cr = 1;
			c = '\n';
		}
	} else {
		/* A lead byte: the ranges of Unicode 15, table 3-7. */
		d->seq = off;
		d->lo = 0x80;
		d->hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			d->need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			d->need = 2;
			if (c == 0xe0)
				d->lo = 0xa0;	/* no overlongs */
			else if (c == 0xed)
				d->hi = 0x9f;	/* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			d->need = 3;
			if (c == 0xf0)
				d->lo = 0x90;	/* no overlongs */
			else if (c == 0xf4)
				d->hi = 0x8f;	/* not over U+10FFFF */
		} else
			return FORM_EUTF8;	/* 80-C1, F5-FF */
	}
	if (d->n >= d->max)
		return FORM_EVALUELEN;
	*d->w++ = (char)c;
	d->n++;
	return 0;
}

/*
 * Decodes the raw value body[i..j) through d.  Returns 0 or a FORM_E*
 * code with *offp set to the body offset of the fault.
 */
static int
value_decode(struct vdec *d, const char *body, size_t i, size_t j,
    size_t *offp)
{
	int	 c, hi, lo, rc;

	for (; i < j; i++) {
		c = (unsigned char)body[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (j - i < 3 ||
			    (hi = form_hexdig((unsigned char)body[i + 1])) == -1 ||
			    (lo = form_hexdig((unsigned char)body[i + 2])) == -1) {
				*offp = i;
				return FORM_EESCAPE;
			}
			if ((rc = vdec_byte(d, hi << 4 | lo, i, offp)) != 0)
				return rc;
			i += 2;
			continue;
		}
		if ((rc = vdec_byte(d, c, i, offp)) != 0)
			return rc;
	}
	if (d->need > 0) {
		/* The value ends inside a UTF-8 sequence. */
		*offp = d->seq;
		return FORM_EUTF8;
	}
	return 0;
}

/* Wipes the first n bytes of storage (an unsealed report) and empties f. */
static void
wipe(struct form *f, size_t n)
{
	if (n > 0)
		explicit_bzero(f->data.data, n);
	buf_reset(&f->data);
	f->nfields = 0;
}

void
form_init(struct form *f, size_t value_max)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->data);
	f->value_max = value_max;
}

void
form_reset(struct form *f)
{
	wipe(f, f->data.len);
	f->err = 0;
	f->err_off = 0;
	f->err_name[0] = '\0';
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	form_reset(f);
	buf_free(&f->data);
}

int
form_parse(struct form *out, const char *body, size_t len)
{
	struct form_field	*fl;
	struct vdec		 d;
	const char		*amp, *eq;
	const char		*ename = NULL;
	char			*base;
	size_t			 i, j, k, nlen, off = 0;
	int			 rc = 0;

	assert(body != NULL || len == 0);
	form_reset(out);
	memset(&d, 0, sizeof(d));
	d.w = base = out->data.data;
	if (len > FORM_BODY_MAX) {
		rc = FORM_ETOOBIG;
		off = FORM_BODY_MAX;
		goto out;
	}
	/*
	 * Decoding never makes a pair longer, and each field adds at most
	 * two NULs, so one allocation holds everything and the pointers
	 * in fields[] stay valid.
	 */
	if (len > 0) {
		buf_grow(&out->data, len + 2 * FORM_FIELDS_MAX);
		d.w = base = out->data.data;
	}
	for (i = 0; i < len; i = j + 1) {
		amp = memchr(body + i, '&', len - i);
		j = amp != NULL ? (size_t)(amp - body) : len;
		if (j == i)
			continue;	/* "&&" */
		off = i;
		if (out->nfields == FORM_FIELDS_MAX) {
			rc = FORM_EFIELDS;
			goto out;
		}
		eq = memchr(body + i, '=', j - i);
		nlen = eq != NULL ? (size_t)(eq - body) - i : j - i;
		if ((rc = name_check(body + i, nlen, &k)) != 0) {
			off = i + k;
			goto out;
		}
		fl = &out->fields[out->nfields];
		memcpy(d.w, body + i, nlen);
		d.w[nlen] = '\0';
		fl->name = ename = d.w;
		d.w += nlen + 1;
		fl->value = d.w;
		d.n = 0;
		d.max = out->value_max == 0 ? FORM_BODY_MAX : out->value_max;
		d.need = d.cr = 0;
		if (eq != NULL &&
		    (rc = value_decode(&d, body, i + nlen + 1, j, &off)) != 0)
			goto out;
		fl->value_len = d.n;
		*d.w++ = '\0';
		*d.w = '\0';
		out->data.len = (size_t)(d.w - base);
		assert(out->data.len < out->data.cap);
		out->nfields++;
		ename = NULL;
	}
	rc = 0;
out:
	if (rc != 0) {
		/* ename is in the storage that wipe() clears. */
		if (ename != NULL)
			memcpy(out->err_name, ename, strlen(ename) + 1);
		wipe(out, (size_t)(d.w - base));
		out->err = rc;
		out->err_off = off;
	}
	return rc;
}

const struct form_field *
form_next(const struct form *f, const struct form_field *prev,
    const char *name)
{
	size_t	 i;

	assert(prev == NULL || (prev >= f->fields &&
	    prev < f->fields + f->nfields));
	for (i = prev == NULL ? 0 : (size_t)(prev - f->fields) + 1;
	    i < f->nfields; i++)
		if (name == NULL || strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	const struct form_field	*fl;

	assert(name != NULL);
	fl = form_next(f, NULL, name);
	return fl != NULL ? fl->value : NULL;
}

size_t
form_count(const struct form *f, const char *name)
{
	const struct form_field	*fl;
	size_t			 n = 0;

	for (fl = NULL; (fl = form_next(f, fl, name)) != NULL; )
		n++;
	return n;
}

const char *
form_strerror(int code)
{
	switch (code) {
	case 0:
		return "No error.";
	case FORM_ETOOBIG:
		return "The form is larger than 256 KiB.";
	case FORM_EFIELDS:
		return "The form has more than 64 fields.";
	case FORM_ENONAME:
		return "A field of the form has no name.";
	case FORM_ENAME:
		return "A field name has a character other than a-z, 0-9 "
		    "and _.";
	case FORM_ENAMELEN:
		return "A field name is longer than 64 characters.";
	case FORM_EVALUELEN:
		return "This text is longer than allowed.";
	case FORM_EESCAPE:
		return "The form is badly encoded (a % without two "
		    "hexadecimal digits).";
	case FORM_ENUL:
		return "This text contains a NUL character.";
	case FORM_EUTF8:
		return "This text is not valid UTF-8.";
	case FORM_ECONTROL:
		return "This text contains a control character (only tab "
		    "and line breaks are allowed).";
	default:
		return "The form could not be read.";
	}
}
