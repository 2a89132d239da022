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
 * The pre-check of an e-mail, before libetpan sees a byte of it: size,
 * header caps, NUL bytes in headers, the grammar of every MIME boundary
 * (unquoted here, not by libetpan, whose Debian version crashes on
 * boundary="\"") and the nesting depth of multiparts and messages,
 * computed with a boundary stack in one linear pass (libetpan's parser
 * is quadratic in the depth).  The scan follows libetpan's rules for
 * where a header ends and what a delimiter line is, so that it never
 * sees less nesting than libetpan would.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mime.h"
#include "mimeint.h"

/*
 * Header caps.  RFC 5322 allows 998 bytes a line, but real mail has
 * longer ones (unfolded References, Subject and vendor headers of a few
 * KiB), so a physical header line may have 64 KiB and a header section
 * (the message's or a part's) 512 KiB.  Body lines are not capped: some
 * HTML generators write a whole document on one line; the size cap
 * bounds them.
 */
#define HDR_LINE_MAX	(64 * 1024)
#define HDR_SECTION_MAX	(512 * 1024)
#define PARTS_MAX	1000	/* MIME parts and messages in all */
#define BOUNDARY_MAX	70	/* RFC 2046 */

/* The top-level header fields that survive (mail_header_reduce()). */
static const char *const allowed[] = {
	"Subject", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Content-Disposition",
};

/* What a header section says about the body that follows it. */
enum body_kind {
	BODY_SINGLE,
	BODY_MULTIPART,
	BODY_MESSAGE
};

/* One open multipart (b[0] != '\0') or message (b[0] == '\0'). */
struct level {
	char	 b[BOUNDARY_MAX + 1];
	size_t	 blen;
	int	 digest;	/* multipart/digest: parts are messages */
};

struct scan {
	const char	*msg;
	size_t		 len;
	size_t		 pos;
	struct level	 stack[MAIL_DEPTH_MAX + 1];
	size_t		 depth;
	size_t		 parts;
	char		*why;
	size_t		 whysz;
};

/* What the header section's first Content-Type and the CTE say. */
struct hdr {
	enum body_kind	 kind;
	char		 boundary[BOUNDARY_MAX + 1];
	int		 digest;
	int		 seen_ct;	/* Content-Type fields seen */
	int		 composite;	/* one of them multipart or message */
	int		 encoded;	/* base64 or quoted-printable */
};

static int	reject(struct scan *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static size_t	line_end(const struct scan *, size_t, size_t *);
static int	is_field_start(const char *, size_t);
static const char *skip_cfws(const char *, const char *);
static const char *token(const char *, const char *);
static const char *etpan_token(const char *, const char *);
static int	boundary_valid(const char *, size_t);
static int	content_type(struct scan *, struct hdr *, const char *,
		    const char *);
static void	transfer_encoding(struct hdr *, const char *, const char *);
static int	header(struct scan *, struct hdr *, int, int);
static int	push(struct scan *, const char *, int);
static int	delimiter(struct scan *, const char *, size_t);
static int	scan_msg(const char *, size_t, char *, size_t);

/* Sets the one-line reason and returns -1. */
static int
reject(struct scan *s, const char *fmt, ...)
{
	va_list	 ap;

	if (s->whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(s->why, s->whysz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * The end of the line starting at off (the offset of its LF, or len),
 * and in *nextp the start of the next line.
 */
static size_t
line_end(const struct scan *s, size_t off, size_t *nextp)
{
	const char	*nl;

	nl = memchr(s->msg + off, '\n', s->len - off);
	if (nl == NULL) {
		*nextp = s->len;
		return s->len;
	}
	*nextp = (size_t)(nl - s->msg) + 1;
	return (size_t)(nl - s->msg);
}

/*
 * 1 if the line (without its line end) starts a header field as
 * libetpan reads one: 1*ftext (33-126 but ':'), optional blanks, ':'.
 */
static int
is_field_start(const char *p, size_t n)
{
	size_t	 i = 0;

	while (i < n && (unsigned char)p[i] >= 33 &&
	    (unsigned char)p[i] <= 126 && p[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/*
 * Skips folding white space (CR and LF included: the value is read
 * across its folded lines) and comments, which nest and may hold
 * quoted pairs.  Returns p where the next thing starts, or NULL for an
 * unterminated comment.
 */
static const char *
skip_cfws(const char *p, const char *e)
{
	int	 nest;

	for (;;) {
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		if (p == e || *p != '(')
			return p;
		for (nest = 0; p < e; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '(')
				nest++;
			else if (*p == ')' && --nest == 0)
				break;
		}
		if (p == e)
			return NULL;
		p++;
	}
}

/* The end of an RFC 2045 token at p (p itself if there is none). */
static const char *
token(const char *p, const char *e)
{
	while (p < e && (unsigned char)*p > 32 && *p != 127 &&
	    strchr("()<>@,;:\\\"/[]?=", *p) == NULL)
		p++;
	return p;
}

/*
 * The end of a bare parameter value at p as Debian's libetpan 1.9.4
 * reads it: up to white space, a control character or one of ",:;<>
 * (it takes '.', '/', '=', '?', '(' and '@' in, unlike RFC 2045).
 */
static const char *
etpan_token(const char *p, const char *e)
{
	while (p < e && (unsigned char)*p > 32 && *p != 127 &&
	    strchr("\",:;<>", *p) == NULL)
		p++;
	return p;
}

/* RFC 2046: 1 to 70 bchars, the last not a space. */
static int
boundary_valid(const char *b, size_t n)
{
	size_t	 i;

	if (n == 0 || n > BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') ||
		    (b[i] >= 'A' && b[i] <= 'Z') ||
		    (b[i] >= '0' && b[i] <= '9') ||
		    (b[i] != '\0' && strchr("'()+_,-./:=? ", b[i]) != NULL)))
			return 0;
	return 1;
}

/*
 * Reads a Content-Type value (p to e, folded lines included): type,
 * subtype and parameters, with our own unquoting.  Every boundary
 * parameter must be valid, even in a header that libetpan would not
 * use; a value that cannot be read is refused if it mentions a
 * boundary at all, and is otherwise taken as text/plain (as libetpan
 * does).  The first Content-Type of a section decides its kind.
 * Returns 0 or -1 (reason set).
 */
static int
content_type(struct scan *s, struct hdr *h, const char *p, const char *e)
{
	const char	*t, *te, *st, *ste, *n, *ne, *v, *ve, *start = p;
	const char	*last = NULL;
	char		 val[BOUNDARY_MAX + 1];
	size_t		 vlen;
	int		 nb = 0, bad = 0, first, quoted = 0, odd, soft = 0, isb;

	first = h->seen_ct++ == 0;
	if ((t = skip_cfws(p, e)) == NULL)
		goto malformed;
	te = token(t, e);
	if ((st = skip_cfws(te, e)) == NULL || st == e || *st != '/')
		goto malformed;
	if ((st = skip_cfws(st + 1, e)) == NULL)
		goto malformed;
	ste = token(st, e);
	if (te == t || ste == st)
		goto malformed;
	if (((size_t)(te - t) == 9 && strncasecmp(t, "multipart", 9) == 0) ||
	    ((size_t)(te - t) == 7 && strncasecmp(t, "message", 7) == 0))
		h->composite = 1;
	for (p = ste;;) {
		if ((p = skip_cfws(p, e)) == NULL)
			goto malformed;
		if (p == e)
			break;
		if (*p != ';') {
			/* After blanks or a quoted value, it is the next
			 * parameter that is bad, not this one. */
			soft = last != NULL && (p > last || quoted);
			goto malformed;
		}
		if ((n = skip_cfws(p + 1, e)) == NULL)
			goto malformed;
		if (n == e)
			break;
		if (*n == ';') {
			p = n;
			continue;
		}
		ne = token(n, e);
		if (ne == n || (v = skip_cfws(ne, e)) == NULL || v == e ||
		    *v != '=')
			goto malformed;
		/* A comment before a boundary's value is odd: refused. */
		for (odd = 0, ve = v + 1; ve < e && (*ve == ' ' ||
		    *ve == '\t' || *ve == '\r' || *ve == '\n'); ve++)
			;
		if (ve < e && *ve == '(')
			odd = 1;
		if ((v = skip_cfws(v + 1, e)) == NULL || v == e)
			goto malformed;
		isb = (size_t)(ne - n) == 8 &&
		    strncasecmp(n, "boundary", 8) == 0;
		/*
		 * Quoted values are unfolded and unescaped, as libetpan
		 * does; a bare boundary is read as far as libetpan reads it.
		 */
		vlen = 0;
		if ((quoted = *v == '"')) {
			for (v++; v < e && *v != '"'; v++) {
				if (*v == '\\' && v + 1 < e)
					v++;
				else if (*v == '\r' || *v == '\n')
					continue;
				if (vlen < sizeof(val))
					val[vlen] = *v;
				vlen++;
			}
			if (v == e)
				goto malformed;
			ve = v + 1;
		} else {
			ve = isb ? etpan_token(v, e) : token(v, e);
			if (ve == v)
				goto malformed;
			vlen = (size_t)(ve - v);
			memcpy(val, v, vlen < sizeof(val) ? vlen : sizeof(val));
		}
		p = last = ve;
		if ((size_t)(ne - n) > 8 && strncasecmp(n, "boundary*", 9) == 0)
			return reject(s, "MIME boundary in RFC 2231 form "
			    "is not accepted");
		if (!isb)
			continue;
		if (odd || vlen > BOUNDARY_MAX || !boundary_valid(val, vlen))
			bad = 1;
		else if (nb == 0 && first) {
			memcpy(h->boundary, val, vlen);
			h->boundary[vlen] = '\0';
		}
		nb++;
	}
	if (bad)
		return reject(s, "invalid MIME boundary (RFC 2046: 1 to 70 "
		    "letters, digits or '()+_,-./:=? , not ending in a "
		    "space)");
	if (nb > 1)
		return reject(s, "more than one MIME boundary in a "
		    "Content-Type header");
	if (!first)
		return 0;
classify:
	if ((size_t)(te - t) == 9 && strncasecmp(t, "multipart", 9) == 0) {
		if (nb == 1)
			h->kind = BODY_MULTIPART;
		h->digest = (size_t)(ste - st) == 6 &&
		    strncasecmp(st, "digest", 6) == 0;
	} else if ((size_t)(te - t) == 7 && strncasecmp(t, "message", 7) == 0 &&
	    (size_t)(ste - st) == 6 && strncasecmp(st, "rfc822", 6) == 0)
		h->kind = BODY_MESSAGE;
	return 0;

malformed:
	/*
	 * A bad parameter after the one good boundary (and after blanks or
	 * a quoted value) is ignored, unless the rest mentions another
	 * boundary: libetpan stops there or drops the whole header.
	 */
	if (nb == 1 && !bad && first && soft) {
		for (; p < e && (size_t)(e - p) >= 8; p++)
			if (strncasecmp(p, "boundary", 8) == 0)
				break;
		if (p >= e || (size_t)(e - p) < 8)
			goto classify;
	}
	for (p = start; p < e && (size_t)(e - p) >= 8; p++)
		if (strncasecmp(p, "boundary", 8) == 0)
			return reject(s, "malformed Content-Type header with "
			    "a MIME boundary");
	return 0;
}

/* Notes a base64 or quoted-printable Content-Transfer-Encoding. */
static void
transfer_encoding(struct hdr *h, const char *p, const char *e)
{
	const char	*t, *te;

	if ((t = skip_cfws(p, e)) == NULL)
		return;
	te = token(t, e);
	if (((size_t)(te - t) == 6 && strncasecmp(t, "base64", 6) == 0) ||
	    ((size_t)(te - t) == 16 &&
	    strncasecmp(t, "quoted-printable", 16) == 0))
		h->encoded = 1;
}

/*
 * Reads the header section at s->pos and leaves s->pos at the body.
 * A part's section ends, as in libetpan, at an empty line (which is
 * skipped) or at the first line that neither starts a field nor
 * continues one (which starts the body).  The message's own section
 * (top) ends only at an empty line, and lines in it that are not fields
 * are skipped: mail_extract() hands libetpan that section reduced to
 * the allowlist (mail_header_reduce()), where they no longer are.
 * msgdefault is 1 if a part without Content-Type is a message (in a
 * multipart/digest).  Returns 0 or -1 (reason set).
 */
static int
header(struct scan *s, struct hdr *h, int msgdefault, int top)
{
	const char	*l, *f = NULL;
	size_t		 start = s->pos, end, next, n, fend = 0;
	int		 kind = 0;	/* 1 Content-Type, 2 CTE */

	memset(h, 0, sizeof(*h));
	h->kind = msgdefault ? BODY_MESSAGE : BODY_SINGLE;
	for (;;) {
		if (s->pos == s->len) {
			next = s->len;
			end = s->len;
			n = 0;
		} else {
			end = line_end(s, s->pos, &next);
			n = end - s->pos;
			if (n > HDR_LINE_MAX)
				return reject(s, "header line longer than %d "
				    "bytes", HDR_LINE_MAX);
		}
		l = s->msg + s->pos;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n > 0 && (l[0] == ' ' || l[0] == '\t') && f != NULL) {
			/* A continuation of the field f. */
			fend = end;
		} else {
			/* The field before ends here. */
			if (kind == 1 && content_type(s, h, f, s->msg + fend) ==
			    -1)
				return -1;
			if (kind == 2)
				transfer_encoding(h, f, s->msg + fend);
			kind = 0;
			f = NULL;
			if (n == 0) {
				s->pos = next;
				break;
			}
			if (!is_field_start(l, n) && !top)
				break;
		}
		if (f == NULL && is_field_start(l, n)) {
			f = (const char *)memchr(l, ':', n) + 1;
			fend = end;
			if ((size_t)(f - l) == 13 &&
			    strncasecmp(l, "Content-Type:", 13) == 0)
				kind = 1;
			else if ((size_t)(f - l) == 26 && strncasecmp(l,
			    "Content-Transfer-Encoding:", 26) == 0)
				kind = 2;
			else if (strncasecmp(l, "Content-Type", 12) == 0 &&
			    strspn(l + 12, " \t") == (size_t)(f - l) - 13)
				kind = 1;
		}
		if (memchr(l, '\0', n) != NULL)
			return reject(s, "NUL byte in a header");
		if (next - start > HDR_SECTION_MAX)
			return reject(s, "header section longer than %d bytes",
			    HDR_SECTION_MAX);
		s->pos = next;
	}
	/*
	 * libetpan takes the first Content-Type it can parse, which need
	 * not be the first we can: when that could change the nesting,
	 * refuse.
	 */
	if (h->seen_ct > 1 && h->composite)
		return reject(s, "more than one Content-Type header in a "
		    "MIME part");
	if (h->kind == BODY_MESSAGE && h->encoded)
		h->kind = BODY_SINGLE;
	return 0;
}

/* Opens a multipart (b, its boundary) or a message (b NULL). */
static int
push(struct scan *s, const char *b, int digest)
{
	struct level	*lv;

	if (s->depth == MAIL_DEPTH_MAX)
		return reject(s, "MIME parts nested more than %d deep",
		    MAIL_DEPTH_MAX);
	if (++s->parts > PARTS_MAX)
		return reject(s, "more than %d MIME parts", PARTS_MAX);
	lv = &s->stack[s->depth++];
	lv->digest = digest;
	if (b == NULL) {
		lv->b[0] = '\0';
		lv->blen = 0;
	} else {
		lv->blen = strlen(b);
		memcpy(lv->b, b, lv->blen + 1);
	}
	return 0;
}

/*
 * Checks a body line (n bytes, no line end) against the open
 * boundaries, outermost first, as libetpan's parsers cut the outer
 * parts before they look inside.  Returns 1 for a delimiter (the levels
 * inside it are closed, a part header follows), 2 for a close delimiter
 * (that multipart is closed too), 0 for any other line.
 */
static int
delimiter(struct scan *s, const char *l, size_t n)
{
	const struct level	*lv;
	size_t			 i, j;

	if (n < 3 || l[0] != '-' || l[1] != '-')
		return 0;
	for (i = 0; i < s->depth; i++) {
		lv = &s->stack[i];
		if (lv->blen == 0 || n - 2 < lv->blen ||
		    memcmp(l + 2, lv->b, lv->blen) != 0)
			continue;
		j = 2 + lv->blen;
		if (n - j >= 2 && l[j] == '-' && l[j + 1] == '-') {
			s->depth = i;
			return 2;
		}
		while (j < n && (l[j] == ' ' || l[j] == '\t'))
			j++;
		if (j == n) {
			s->depth = i + 1;
			return 1;
		}
	}
	return 0;
}

/* mail_precheck() of a message whose line ends are LF or CR LF. */
static int
scan_msg(const char *msg, size_t len, char *why, size_t whysz)
{
	static struct scan	 zero;
	struct scan		 s = zero;
	struct hdr		 h;
	size_t			 end, next, n;
	int			 in_header = 1, digest = 0, d;

	s.msg = msg;
	s.len = len;
	s.why = why;
	s.whysz = whysz;
	if (len == 0)
		return reject(&s, "empty message");
	if (len > MAIL_MAX)
		return reject(&s, "message larger than %d bytes (10 MiB)",
		    MAIL_MAX);
	while (s.pos < s.len || in_header) {
		if (in_header) {
			if (header(&s, &h, digest, s.pos == 0) == -1)
				return -1;
			in_header = 0;
			if (h.kind == BODY_MULTIPART) {
				if (push(&s, h.boundary, h.digest) == -1)
					return -1;
			} else if (h.kind == BODY_MESSAGE) {
				if (push(&s, NULL, 0) == -1)
					return -1;
				in_header = 1;
				digest = 0;
			}
			continue;
		}
		end = line_end(&s, s.pos, &next);
		n = end - s.pos;
		if (n > 0 && msg[end - 1] == '\r')
			n--;
		if (s.depth > 0 &&
		    (d = delimiter(&s, msg + s.pos, n)) != 0 && d == 1) {
			if (++s.parts > PARTS_MAX)
				return reject(&s, "more than %d MIME parts",
				    PARTS_MAX);
			digest = s.stack[s.depth - 1].digest;
			in_header = 1;
		}
		s.pos = next;
	}
	return 0;
}

int
mail_eol(struct buf *out, const char *msg, size_t len)
{
	const char	*p, *e = msg + len;
	char		*q, *qe;

	for (p = msg; p < e && (p = memchr(p, '\r', (size_t)(e - p))) !=
	    NULL; p++)
		if (p + 1 == e || p[1] != '\n')
			break;
	if (p == NULL || p >= e)
		return 0;
	/* Copied once; there is no lone CR before p. */
	buf_add(out, msg, len);
	q = out->data + (out->len - len) + (p - msg);
	for (qe = out->data + out->len; q < qe &&
	    (q = memchr(q, '\r', (size_t)(qe - q))) != NULL; q++)
		if (q + 1 == qe || q[1] != '\n')
			*q = '\n';
	return 1;
}

int
mail_precheck(const char *msg, size_t len, char *why, size_t whysz)
{
	struct buf	 eol = BUF_INIT;
	int		 rc;

	if (whysz > 0)
		why[0] = '\0';
	/* The lines libetpan will see (mail_extract() does the same). */
	if (len > 0 && len <= MAIL_MAX && mail_eol(&eol, msg, len))
		msg = eol.data;
	rc = scan_msg(msg, len, why, whysz);
	buf_free(&eol);
	return rc;
}

void
mail_header_reduce(struct buf *out, const char *msg, size_t len)
{
	const char	*l, *nl;
	size_t		 pos = 0, next, n, k, name, start = out->len;
	int		 keep = 0;

	while (pos < len) {
		nl = memchr(msg + pos, '\n', len - pos);
		next = nl == NULL ? len : (size_t)(nl - msg) + 1;
		l = msg + pos;
		n = next - pos;
		if (n > 0 && l[n - 1] == '\n')
			n--;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n == 0) {
			pos = next;
			break;
		}
		if (l[0] == ' ' || l[0] == '\t') {
			/* A folded line goes with its field. */
			if (keep)
				buf_add(out, l, next - pos);
			pos = next;
			continue;
		}
		keep = 0;
		if (is_field_start(l, n)) {
			name = strcspn(l, " \t:");
			for (k = 0; k < sizeof(allowed) / sizeof(allowed[0]);
			    k++)
				if (strlen(allowed[k]) == name &&
				    strncasecmp(l, allowed[k], name) == 0)
					keep = 1;
		}
		if (keep)
			buf_add(out, l, next - pos);
		pos = next;
	}
	/* A last field without its line end gets one. */
	if (out->len > start && out->data[out->len - 1] != '\n')
		buf_addstr(out, "\r\n");
	buf_addstr(out, "\r\n");
	buf_add(out, msg + pos, len - pos);
}
