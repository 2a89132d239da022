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
 * From a pre-checked e-mail to a payload record, with libetpan: the
 * body text (text/plain preferred, else HTML converted), decoded and
 * converted to UTF-8; the subject as the title; signatures and the
 * submit page's template lines taken out into their own fields; every
 * other part kept as an attachment.  Of the header, libetpan sees only
 * the allowlist (mail_header_reduce()), so nothing that identifies the
 * sender or their machine can reach the record.
 */

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "config.h"
#include "field.h"
#include "form.h"
#include "mime.h"
#include "mimeint.h"
#include "record.h"
#include "utf8.h"

#define SIG_LINES_MAX	30	/* a "-- " block longer than this is text */
#define SENT_FROM_MAX	120	/* a "Sent from my ..." line, in bytes */
#define LABEL_MAX	40	/* bytes before the ':' of a template line */
#define FILENAME_SEGS	64	/* RFC 2231 continuations looked at */
#define RAW_NAMES_MAX	8	/* names of kept parts listed in the note */
#define RAW_NOTE	"[Not all of the text could be read (a bad " \
			"transfer encoding, invalid bytes or a charset " \
			"that does not convert)."
#define OVERFLOW_NAME	"message-text.txt"
#define OVERFLOW_NOTE	"\n[The text is longer than this field allows " \
			"and was cut here; the whole text is attached as " \
			OVERFLOW_NAME ".]"

/* What walk() keeps of a part. */
enum mode {
	MODE_ALL,	/* body text and attachments */
	MODE_ATTACH	/* attachments only: an alternative not chosen */
};

/* Template labels that are not report fields. */
enum {
	L_LESSONS = RECORD_KEY_MAX,
	L_CONTACT,
	L_CONSENT
};

struct att {
	char		*name;
	char		*type;
	unsigned char	*data;
	size_t		 len;
};

struct ex {
	struct buf	 text;		/* the body text, UTF-8 */
	struct att	 att[RECORD_ATTACH_COUNT];
	size_t		 natt;
	size_t		 total;
	/* Parts kept as they came, their text not read in full. */
	struct att	*raw;
	size_t		 nraw;
	size_t		 rawcap;
	int		 partno;	/* parts seen so far, as part-N names */
	size_t		 sent;		/* attachments the sender sent */
	int		 rejected;	/* why is set */
	char		*why;
	size_t		 whysz;
};

/* One line of the body text and what the template scan made of it. */
struct line {
	const char	*s;
	size_t		 n;
	int		 used;		/* 1 field, 2 signature */
};

static void	ex_free(struct ex *);
static void	lower_token(struct buf *, const char *);
static void	type_of(struct buf *, const struct mailmime_content *);
static struct mailmime_disposition *disposition(const struct mailmime *);
static int	b64_value(int);
static int	b64_decode(struct buf *, const char *, size_t);
static int	qp_decode(struct buf *, const char *, size_t);
static int	body_of(const struct mailmime *, const char **, size_t *,
		    int *);
static int	decode(const struct mailmime *, char **, size_t *, int *);
static const char *charset_alias(const char *);
static int	is_ascii(const char *, size_t);
static int	to_utf8(struct buf *, const char *, size_t, const char *);
static const char *encoded_word(const char *, const char *, char *, size_t,
		    int *, const char **, size_t *);
static void	phrase(struct buf *, const char *, size_t);
static const char *kv_get(const char *const (*)[2], size_t, const char *);
static void	pct_decode(struct buf *, const char *);
static int	rfc2231(struct buf *, const char *const (*)[2], size_t,
		    const char *);
static int	raw_param(struct buf *, const char *, size_t, const char *,
		    const char *);
static void	part_name(struct buf *, const struct mailmime *);
static void	base_name(struct buf *);
static void	clean_name(struct buf *);
static void	gen_name(struct buf *, int, const char *);
static void	keep_raw(struct ex *, const char *, size_t, const char *,
		    const char *);
static void	keep_encoded(struct ex *, const struct mailmime *);
static int	add_att(struct ex *, const struct mailmime *, const char *,
		    const char *);
static int	is_body(const struct mailmime *, int *);
static int	alt_score(const struct mailmime *);
static int	blank(const char *, size_t);
static void	body_text(struct ex *, const struct mailmime *, int);
static void	walk(struct ex *, const struct mailmime *, enum mode, int);
static int	parse(struct ex *, const char *, size_t, struct buf *);
static void	subject(struct buf *, const struct mailmime *);
static void	one_line(struct buf *, size_t);
static int	label_of(const char *, size_t, size_t *);
static int	tax_match(struct buf *, const struct config *, enum tax_id,
		    const char *, size_t);
static int	field_value(struct buf *, const struct config *, int,
		    const char *, size_t);
static void	join(struct buf *, const struct line *, size_t, size_t,
		    int);
static int	is_sig_sep(const struct line *);
static int	is_sent_from(const struct line *);
static size_t	utf8_cut(const char *, size_t);
static void	cap_text(struct buf *, size_t, int);
static int	field_put(struct buf *, const struct config *, int,
		    const char *, size_t);
static int	consent_word(const char *, size_t);
static int	consent(struct line *, size_t);
static void	attach_raw(struct ex *, struct buf *);
static int	compose(struct buf *, struct ex *, struct buf *,
		    const struct config *);

/* The labels of template lines, compared after normalising. */
static const struct {
	const char	*text;
	int		 what;
} labels[] = {
	{ "title", RECORD_TITLE },
	{ "event date", RECORD_EVENT_DATE },
	{ "event month", RECORD_EVENT_DATE },
	{ "month of the event", RECORD_EVENT_DATE },
	{ "incident type", RECORD_INCIDENT_TYPE },
	{ "type of incident", RECORD_INCIDENT_TYPE },
	{ "contributing factors", RECORD_CONTRIBUTING_FACTORS },
	{ "contributing factor", RECORD_CONTRIBUTING_FACTORS },
	{ "loss potential", RECORD_LOSS_POTENTIAL },
	{ "officers on scene", RECORD_OFFICERS_ON_SCENE },
	{ "time of day", RECORD_TIME_OF_DAY },
	{ "lighting", RECORD_LIGHTING },
	{ "weather", RECORD_WEATHER },
	{ "agency type", RECORD_AGENCY_TYPE },
	{ "region", RECORD_REGION },
	{ "summary", RECORD_SUMMARY },
	{ "lessons learned", L_LESSONS },
	{ "lessons", L_LESSONS },
	{ "contact", L_CONTACT },
	{ "consent", L_CONSENT },
};

static void
ex_free(struct ex *ex)
{
	size_t	 i;

	for (i = 0; i < ex->natt; i++) {
		free(ex->att[i].name);
		free(ex->att[i].type);
		free(ex->att[i].data);
	}
	ex->natt = 0;
	for (i = 0; i < ex->nraw; i++) {
		free(ex->raw[i].name);
		free(ex->raw[i].type);
		free(ex->raw[i].data);
	}
	free(ex->raw);
	ex->raw = NULL;
	ex->nraw = ex->rawcap = 0;
	buf_free(&ex->text);
}

/* Appends the token s lowercased, keeping only RFC 6838 characters. */
static void
lower_token(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			buf_addch(b, *s - 'A' + 'a');
		else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    strchr("!#$&-^_.+", *s) != NULL)
			buf_addch(b, *s);
	}
}

/*
 * "type/subtype" of a part, lowercase; application/octet-stream if
 * libetpan's structure does not give a usable one.
 */
static void
type_of(struct buf *b, const struct mailmime_content *ct)
{
	const struct mailmime_type	*t;
	size_t				 start = b->len, slash;

	if (ct == NULL || (t = ct->ct_type) == NULL)
		goto fallback;
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    t->tp_data.tp_discrete_type != NULL) {
		switch (t->tp_data.tp_discrete_type->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			buf_addstr(b, "text");
			break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:
			buf_addstr(b, "image");
			break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:
			buf_addstr(b, "audio");
			break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:
			buf_addstr(b, "video");
			break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION:
			buf_addstr(b, "application");
			break;
		default:
			lower_token(b,
			    t->tp_data.tp_discrete_type->dt_extension);
			break;
		}
	} else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
	    t->tp_data.tp_composite_type != NULL) {
		switch (t->tp_data.tp_composite_type->ct_type) {
		case MAILMIME_COMPOSITE_TYPE_MESSAGE:
			buf_addstr(b, "message");
			break;
		case MAILMIME_COMPOSITE_TYPE_MULTIPART:
			buf_addstr(b, "multipart");
			break;
		default:
			lower_token(b, t->tp_data.tp_composite_type->ct_token);
			break;
		}
	}
	slash = b->len;
	buf_addch(b, '/');
	lower_token(b, ct->ct_subtype);
	if (slash > start && b->len > slash + 1 &&
	    b->len - start <= RECORD_ATTACH_TYPE_MAX)
		return;
fallback:
	buf_truncate(b, start);
	buf_addstr(b, "application/octet-stream");
}

static struct mailmime_disposition *
disposition(const struct mailmime *m)
{
	clistiter		*it;
	struct mailmime_field	*f;

	if (m->mm_mime_fields == NULL)
		return NULL;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

/* The value of a base64 digit, or -1. */
static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes base64 as mailers send it: white space (line ends included)
 * may stand anywhere, padding ends a quantum but not the data (some
 * mailers and gateways send each line as its own padded quantum), and
 * the final padding may be missing or doubled.  Returns 0, or -1 if
 * something could not be decoded (a character outside the alphabet, a
 * lone character before padding or at the end, whose 6 bits make no
 * byte): the rest is decoded all the same.
 */
static int
b64_decode(struct buf *out, const char *s, size_t len)
{
	uint32_t	 acc = 0;
	size_t		 i;
	int		 v, n = 0, bad = 0;

	buf_grow(out, len / 4 * 3 + 3);
	for (i = 0; i <= len; i++) {
		if (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n'))
			continue;
		if (i == len || s[i] == '=') {
			/* The end of a quantum: "xx==" or "xxx=". */
			if (n == 1)
				bad = 1;
			if (n >= 2)
				buf_addch(out, (int)(acc >> (6 * n - 8) &
				    0xff));
			if (n == 3)
				buf_addch(out, (int)(acc >> 2 & 0xff));
			acc = 0;
			n = 0;
			continue;
		}
		if ((v = b64_value((unsigned char)s[i])) < 0) {
			bad = 1;
			continue;
		}
		acc = acc << 6 | (uint32_t)v;
		if (++n == 4) {
			buf_addch(out, (int)(acc >> 16 & 0xff));
			buf_addch(out, (int)(acc >> 8 & 0xff));
			buf_addch(out, (int)(acc & 0xff));
			acc = 0;
			n = 0;
		}
	}
	return bad ? -1 : 0;
}

/*
 * Decodes quoted-printable leniently (RFC 2045 6.7 note): "=" and a line
 * end, with blanks between, is a soft line break; "=" and two hex
 * digits a byte; any other "=" is kept as it is, and then -1 is
 * returned (0 if there was none).
 */
static int
qp_decode(struct buf *out, const char *s, size_t len)
{
	size_t	 i, j;
	int	 hi, lo, bad = 0;

	buf_grow(out, len);
	for (i = 0; i < len; i++) {
		if (s[i] != '=') {
			buf_addch(out, s[i]);
			continue;
		}
		for (j = i + 1; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j == len || s[j] == '\n' || (s[j] == '\r' &&
		    (j + 1 == len || s[j + 1] == '\n'))) {
			i = j < len && s[j] == '\r' ? j + 1 : j;
			continue;
		}
		if (i + 2 < len &&
		    (hi = form_hexdig((unsigned char)s[i + 1])) >= 0 &&
		    (lo = form_hexdig((unsigned char)s[i + 2])) >= 0) {
			buf_addch(out, hi << 4 | lo);
			i += 2;
			continue;
		}
		buf_addch(out, '=');
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * The part's body as it came: *sp and *lenp, and in *encp the transfer
 * encoding to undo (MAILMIME_MECHANISM_BASE64, _QUOTED_PRINTABLE, or 0
 * for none).  Returns 0 or -1 (no body).
 */
static int
body_of(const struct mailmime *m, const char **sp, size_t *lenp, int *encp)
{
	const struct mailmime_data	*d;

	d = m->mm_type == MAILMIME_SINGLE ? m->mm_data.mm_single : m->mm_body;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return -1;
	*sp = d->dt_data.dt_text.dt_data;
	*lenp = d->dt_data.dt_text.dt_length;
	*encp = 0;
	if (d->dt_encoded && (d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE))
		*encp = d->dt_encoding;
	return 0;
}

/*
 * The part's body with its transfer encoding undone (base64 and
 * quoted-printable; anything else is taken as it is).  Caller frees
 * *out.  *badp is 1 if the encoding could not be undone in full (the
 * part as it came is then kept too: keep_raw()), else 0.  Returns 0 or
 * -1 (no body).
 */
static int
decode(const struct mailmime *m, char **out, size_t *lenp, int *badp)
{
	struct buf	 b = BUF_INIT;
	const char	*s;
	size_t		 len;
	int		 enc, rc = 0;

	*out = NULL;
	*lenp = 0;
	*badp = 0;
	if (body_of(m, &s, &len, &enc) == -1)
		return -1;
	if (enc == MAILMIME_MECHANISM_BASE64)
		rc = b64_decode(&b, s, len);
	else if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		rc = qp_decode(&b, s, len);
	else
		buf_add(&b, s, len);
	*badp = rc == -1;
	*out = buf_detach(&b, lenp);
	return 0;
}

/*
 * The iconv name of a charset label: the WHATWG mappings that matter
 * in mail (Latin-1 and ASCII labels mean windows-1252, the Korean and
 * Chinese ones their supersets).
 */
static const char *
charset_alias(const char *cs)
{
	static const struct {
		const char	*label;
		const char	*name;
	} map[] = {
		{ "us-ascii", "WINDOWS-1252" },
		{ "ascii", "WINDOWS-1252" },
		{ "ansi_x3.4-1968", "WINDOWS-1252" },
		{ "iso-8859-1", "WINDOWS-1252" },
		{ "iso8859-1", "WINDOWS-1252" },
		{ "iso_8859-1", "WINDOWS-1252" },
		{ "latin1", "WINDOWS-1252" },
		{ "latin-1", "WINDOWS-1252" },
		{ "cp1252", "WINDOWS-1252" },
		{ "ks_c_5601-1987", "CP949" },
		{ "euc-kr", "CP949" },
		{ "gb2312", "GB18030" },
		{ "gbk", "GB18030" },
		{ "x-gbk", "GB18030" },
		{ "iso-8859-8-i", "ISO-8859-8" },
		{ "shift_jis", "CP932" },
		{ "x-sjis", "CP932" },
		{ "sjis", "CP932" },
		{ "unicode-1-1-utf-7", "UTF-7" },
		{ "utf8", "UTF-8" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(cs, map[i].label) == 0)
			return map[i].name;
	return cs;
}

/* 1 if the len bytes at s are all ASCII, else 0. */
static int
is_ascii(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Appends len bytes in charset cs (NULL: none given) to out as UTF-8.
 * Text labelled UTF-8 is taken as such, each maximal invalid subpart
 * replaced by one U+FFFD.  Text labelled ASCII or Latin-1, or not
 * labelled, is taken as UTF-8 if it is valid UTF-8 (a common lie), else
 * as windows-1252; a charset iconv does not know is read as UTF-8.
 * Bytes that do not convert become U+FFFD: nothing invalid is passed
 * through.  Returns 1 if the text may not read as it was written (a
 * byte replaced or dropped, or 8-bit text in a charset iconv does not
 * know), else 0.
 */
static int
to_utf8(struct buf *out, const char *s, size_t len, const char *cs)
{
	struct buf	 tmp = BUF_INIT;
	iconv_t		 cd;
	char		*in, *o, chunk[4096];
	size_t		 inleft, oleft;
	int		 lossy = 0;

	if (cs != NULL && (strcasecmp(cs, "utf-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0))
		return utf8_append(out, s, len);
	if (cs != NULL && (cs[0] == '\0' || strcasecmp(cs, "unknown-8bit") ==
	    0 || strcasecmp(cs, "x-unknown") == 0))
		cs = NULL;
	if (cs == NULL || strcasecmp(charset_alias(cs), "WINDOWS-1252") ==
	    0) {
		if (utf8_valid(s, len))
			return utf8_append(out, s, len);
		cs = "WINDOWS-1252";
	}
	cd = iconv_open("UTF-8", charset_alias(cs));
	if (cd == (iconv_t)-1)
		return utf8_append(out, s, len) || !is_ascii(s, len);
	in = (char *)s;
	inleft = len;
	while (inleft > 0) {
		o = chunk;
		oleft = sizeof(chunk);
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1) {
			buf_add(&tmp, chunk, sizeof(chunk) - oleft);
			continue;
		}
		buf_add(&tmp, chunk, sizeof(chunk) - oleft);
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL: one byte replaced, then on. */
		buf_addstr(&tmp, "\xef\xbf\xbd");
		lossy = 1;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	o = chunk;
	oleft = sizeof(chunk);
	iconv(cd, NULL, NULL, &o, &oleft);
	buf_add(&tmp, chunk, sizeof(chunk) - oleft);
	iconv_close(cd);
	if (utf8_append(out, tmp.data, tmp.len))
		lossy = 1;
	buf_free(&tmp);
	return lossy;
}

/*
 * Reads the RFC 2047 encoded word at p (before e): "=?charset?B?text?="
 * or Q, the charset's RFC 2231 "*language" dropped.  Returns the end of
 * the word and sets cs (of size cssz), *encp ('B' or 'Q') and the text
 * in *tp and *tlenp; NULL if p does not start a well-formed word.
 */
static const char *
encoded_word(const char *p, const char *e, char *cs, size_t cssz, int *encp,
    const char **tp, size_t *tlenp)
{
	const char	*c, *t;
	size_t		 n;

	if (e - p < 8 || p[0] != '=' || p[1] != '?')
		return NULL;
	for (c = p + 2; c < e && *c != '?' && (unsigned char)*c > ' ' &&
	    *c != 0x7f; c++)
		;
	n = (size_t)(c - (p + 2));
	if (c == e || *c != '?' || n == 0 || n >= cssz)
		return NULL;
	memcpy(cs, p + 2, n);
	cs[n] = '\0';
	cs[strcspn(cs, "*")] = '\0';
	if (e - c < 4 || strchr("BbQq", c[1]) == NULL || c[2] != '?')
		return NULL;
	*encp = c[1] == 'B' || c[1] == 'b' ? 'B' : 'Q';
	for (t = c + 3; t < e && *t != '?' && (unsigned char)*t > ' ' &&
	    *t != 0x7f; t++)
		;
	if (e - t < 2 || t[0] != '?' || t[1] != '=')
		return NULL;
	*tp = c + 3;
	*tlenp = (size_t)(t - (c + 3));
	return t + 2;
}

/*
 * Appends a header phrase (a subject, a file name) to out as UTF-8, its
 * RFC 2047 encoded words decoded, in their charsets as to_utf8() reads
 * a body (UTF-8 with U+FFFD for what is invalid, and so on).  White
 * space between two encoded words goes, and the bytes of adjacent words
 * in one charset are converted together, so that a character split
 * between two words stays whole.  Text outside encoded words is read as
 * UTF-8 if it is valid, else as windows-1252; a word that is not well
 * formed is text.
 */
static void
phrase(struct buf *out, const char *s, size_t len)
{
	struct buf	 raw = BUF_INIT;
	char		 cs[64], pcs[64];
	const char	*p, *e = s + len, *lit = s, *end, *t, *q;
	size_t		 tlen, i;
	int		 enc, hi, lo, prev = 0;

	pcs[0] = '\0';
	for (p = s; p < e; ) {
		if ((end = encoded_word(p, e, cs, sizeof(cs), &enc, &t,
		    &tlen)) == NULL) {
			p++;
			continue;
		}
		/* The text before this word, unless blanks between words. */
		for (q = lit; q < p && (*q == ' ' || *q == '\t' ||
		    *q == '\r' || *q == '\n'); q++)
			;
		if (!prev || q < p || strcasecmp(cs, pcs) != 0) {
			to_utf8(out, raw.data, raw.len, pcs);
			buf_reset(&raw);
		}
		if (!prev || q < p)
			to_utf8(out, lit, (size_t)(p - lit), NULL);
		if (enc == 'B')
			(void)b64_decode(&raw, t, tlen);
		else
			for (i = 0; i < tlen; i++) {
				if (t[i] == '_')
					buf_addch(&raw, ' ');
				else if (t[i] == '=' && i + 2 < tlen &&
				    (hi = form_hexdig((unsigned char)t[i + 1]))
				    >= 0 && (lo = form_hexdig((unsigned char)
				    t[i + 2])) >= 0) {
					buf_addch(&raw, hi << 4 | lo);
					i += 2;
				} else
					buf_addch(&raw, t[i]);
			}
		memcpy(pcs, cs, sizeof(pcs));
		prev = 1;
		p = lit = end;
	}
	to_utf8(out, raw.data, raw.len, pcs);
	to_utf8(out, lit, (size_t)(e - lit), NULL);
	buf_free(&raw);
}

/* The value of the parameter name in the n pairs of kv, or NULL. */
static const char *
kv_get(const char *const (*kv)[2], size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcasecmp(kv[i][0], name) == 0)
			return kv[i][1];
	return NULL;
}

/* Appends s with %HH escapes decoded (RFC 2231 extended values). */
static void
pct_decode(struct buf *b, const char *s)
{
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && s[1] != '\0' && s[2] != '\0') {
			hi = form_hexdig((unsigned char)s[1]);
			lo = form_hexdig((unsigned char)s[2]);
			if (hi >= 0 && lo >= 0) {
				buf_addch(b, hi << 4 | lo);
				s += 2;
				continue;
			}
		}
		buf_addch(b, *s);
	}
}

/*
 * Appends the parameter base (filename, name) of the n pairs of kv,
 * decoded to UTF-8: RFC 2231 (base*, or continuations base*0, base*1*
 * ...) else RFC 2047 in a plain value.  Returns 1 if there is one, 0 if
 * not.
 */
static int
rfc2231(struct buf *out, const char *const (*kv)[2], size_t n,
    const char *base)
{
	struct buf	 raw = BUF_INIT;
	char		 cs[64], key[64];
	const char	*v, *q;
	size_t		 i;
	int		 ext;

	cs[0] = '\0';
	snprintf(key, sizeof(key), "%s*", base);
	if ((v = kv_get(kv, n, key)) != NULL) {
		if ((q = strchr(v, '\'')) != NULL && strchr(q + 1, '\'') !=
		    NULL) {
			snprintf(cs, sizeof(cs), "%.*s", (int)(q - v), v);
			v = strchr(q + 1, '\'') + 1;
		}
		pct_decode(&raw, v);
		to_utf8(out, raw.data, raw.len, cs[0] != '\0' ? cs : NULL);
		buf_free(&raw);
		return 1;
	}
	for (i = 0; i < FILENAME_SEGS; i++) {
		snprintf(key, sizeof(key), "%s*%zu*", base, i);
		ext = 1;
		if ((v = kv_get(kv, n, key)) == NULL) {
			snprintf(key, sizeof(key), "%s*%zu", base, i);
			ext = 0;
			if ((v = kv_get(kv, n, key)) == NULL)
				break;
		}
		if (i == 0 && ext && (q = strchr(v, '\'')) != NULL &&
		    strchr(q + 1, '\'') != NULL) {
			snprintf(cs, sizeof(cs), "%.*s", (int)(q - v), v);
			v = strchr(q + 1, '\'') + 1;
		}
		if (ext)
			pct_decode(&raw, v);
		else
			buf_addstr(&raw, v);
	}
	if (i > 0) {
		to_utf8(out, raw.data, raw.len, cs[0] != '\0' ? cs : NULL);
		buf_free(&raw);
		return 1;
	}
	buf_free(&raw);
	if ((v = kv_get(kv, n, base)) != NULL) {
		phrase(out, v, strlen(v));
		return 1;
	}
	return 0;
}

/*
 * The value of parameter param of the first header field called field
 * (Content-Type, Content-Disposition) in the header section h (hlen
 * bytes, as it came), appended to out.  A quoted value is unquoted as
 * mailers write it rather than as RFC 2045 says: a backslash escapes
 * only a quote or a backslash, and any other is kept, because a
 * Windows path ("C:\Users\x.pdf") is often sent unescaped and its
 * separators must survive to be cut off (base_name()).  Returns 1, or 0
 * if there is no such parameter (or its quotes do not close).
 */
static int
raw_param(struct buf *out, const char *h, size_t hlen, const char *field,
    const char *param)
{
	const char	*p, *e = h + hlen, *nl, *v, *ve, *a;
	size_t		 fl = strlen(field), pl = strlen(param), start;
	int		 q = 0;

	/* The field: its name at the start of a line, then ':'. */
	for (p = h; p < e; p = nl + 1) {
		if ((size_t)(e - p) > fl && strncasecmp(p, field, fl) == 0) {
			for (v = p + fl; v < e && (*v == ' ' ||
			    *v == '\t'); v++)
				;
			if (v < e && *v == ':')
				break;
		}
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			return 0;
	}
	if (p >= e)
		return 0;
	/* Its value, folded lines and all. */
	for (ve = ++v; ve < e; ve = nl + 1) {
		if ((nl = memchr(ve, '\n', (size_t)(e - ve))) == NULL) {
			ve = e;
			break;
		}
		if (nl + 1 == e || (nl[1] != ' ' && nl[1] != '\t')) {
			ve = nl;
			break;
		}
	}
	/* The parameters, from each ';' outside quotes. */
	for (p = v; p < ve; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == '\\' && q && p + 1 < ve)
			p++;
		if (q || *p != ';')
			continue;
		for (a = p + 1; a < ve && strchr(" \t\r\n", *a) != NULL; a++)
			;
		if ((size_t)(ve - a) <= pl || strncasecmp(a, param, pl) != 0)
			continue;
		for (a += pl; a < ve && strchr(" \t\r\n", *a) != NULL; a++)
			;
		if (a == ve || *a != '=')
			continue;
		for (a++; a < ve && strchr(" \t\r\n", *a) != NULL; a++)
			;
		start = out->len;
		if (a < ve && *a == '"') {
			for (a++; a < ve && *a != '"'; a++) {
				if (*a == '\r' || *a == '\n')
					continue;
				if (*a == '\\' && a + 1 < ve && (a[1] == '"' ||
				    a[1] == '\\'))
					a++;
				buf_addch(out, *a);
			}
			if (a == ve) {
				buf_truncate(out, start);
				return 0;
			}
			return 1;
		}
		for (; a < ve && strchr(" \t\r\n;", *a) == NULL; a++)
			buf_addch(out, *a);
		return 1;
	}
	return 0;
}

/*
 * Appends the file name the sender gave the part: the disposition's
 * filename, else the content type's name; "" if neither.  The values
 * are read from the part's own header (raw_param()) where they can be,
 * else as libetpan gives them.
 */
static void
part_name(struct buf *out, const struct mailmime *m)
{
	const char			*kv[128][2];
	char				*own[128];
	struct buf			 v = BUF_INIT;
	struct mailmime_disposition	*d;
	struct mailmime_disposition_parm *dp;
	struct mailmime_parameter	*p;
	clistiter			*it;
	const char			*h = NULL, *body;
	size_t				 n = 0, ndisp, i, hlen = 0, blen;
	int				 enc;

	/* The part's header: from its start to its body. */
	if (body_of(m, &body, &blen, &enc) == 0 && m->mm_mime_start != NULL &&
	    body >= m->mm_mime_start &&
	    (size_t)(body - m->mm_mime_start) <= m->mm_length) {
		h = m->mm_mime_start;
		hlen = (size_t)(body - m->mm_mime_start);
	}
	if ((d = disposition(m)) != NULL && d->dsp_parms != NULL)
		for (it = clist_begin(d->dsp_parms); it != NULL &&
		    n < 64; it = clist_next(it)) {
			dp = clist_content(it);
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME &&
			    dp->pa_data.pa_filename != NULL) {
				kv[n][0] = "filename";
				kv[n++][1] = dp->pa_data.pa_filename;
			} else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER &&
			    (p = dp->pa_data.pa_parameter) != NULL &&
			    p->pa_name != NULL && p->pa_value != NULL) {
				kv[n][0] = p->pa_name;
				kv[n++][1] = p->pa_value;
			}
		}
	ndisp = n;
	if (m->mm_content_type != NULL &&
	    m->mm_content_type->ct_parameters != NULL)
		for (it = clist_begin(m->mm_content_type->ct_parameters);
		    it != NULL && n < 128; it = clist_next(it)) {
			p = clist_content(it);
			if (p->pa_name != NULL && p->pa_value != NULL) {
				kv[n][0] = p->pa_name;
				kv[n++][1] = p->pa_value;
			}
		}
	/* The names as the sender wrote them, backslashes kept. */
	for (i = 0; i < n; i++) {
		own[i] = NULL;
		if (h == NULL || (strncasecmp(kv[i][0], "filename", 8) != 0 &&
		    strncasecmp(kv[i][0], "name", 4) != 0))
			continue;
		buf_reset(&v);
		if (raw_param(&v, h, hlen, i < ndisp ? "Content-Disposition" :
		    "Content-Type", kv[i][0]) && strlen(v.data) == v.len)
			kv[i][1] = own[i] = buf_detach(&v, NULL);
	}
	if (!rfc2231(out, kv, n, "filename"))
		rfc2231(out, kv, n, "name");
	for (i = 0; i < n; i++)
		free(own[i]);
	buf_free(&v);
}

/*
 * Keeps only the last component of a path in the file name b: after
 * the last '/' or '\\', and without a drive ("C:").
 */
static void
base_name(struct buf *b)
{
	size_t	 i, cut = 0;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == '/' || b->data[i] == '\\')
			cut = i + 1;
	if (b->len - cut >= 2 && ((b->data[cut] >= 'A' && b->data[cut] <= 'Z')
	    || (b->data[cut] >= 'a' && b->data[cut] <= 'z')) &&
	    b->data[cut + 1] == ':')
		cut += 2;
	memmove(b->data, b->data + cut, b->len - cut + 1);
	b->len -= cut;
}

/*
 * Makes a file name fit the record: bidirectional controls go, white
 * space and control characters become one space or "_", the name is
 * trimmed and cut to RECORD_ATTACH_NAME_MAX bytes on a character
 * boundary.
 */
static void
clean_name(struct buf *b)
{
	size_t	 i, n;

	buf_truncate(b, utf8_strip_bidi(b->data, b->len));
	for (i = 0; i < b->len; i++)
		if (b->data[i] == '\t' || b->data[i] == '\n')
			b->data[i] = ' ';
		else if ((unsigned char)b->data[i] < 0x20 ||
		    b->data[i] == 0x7f)
			b->data[i] = '_';
	n = b->len;
	while (n > 0 && b->data[n - 1] == ' ')
		n--;
	buf_truncate(b, utf8_cut(b->data, n < RECORD_ATTACH_NAME_MAX ? n :
	    RECORD_ATTACH_NAME_MAX));
	for (i = 0; i < b->len && b->data[i] == ' '; i++)
		;
	memmove(b->data, b->data + i, b->len - i + 1);
	b->len -= i;
}

/* Appends "part-N.ext" for part n of the given type. */
static void
gen_name(struct buf *b, int n, const char *type)
{
	static const char *const ext[][2] = {
		{ "text/plain", "txt" }, { "text/html", "html" },
		{ "image/jpeg", "jpg" }, { "image/png", "png" },
		{ "image/gif", "gif" }, { "application/pdf", "pdf" },
		{ "message/rfc822", "eml" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcmp(type, ext[i][0]) == 0)
			break;
	buf_printf(b, "part-%d.%s", n, i < sizeof(ext) / sizeof(ext[0]) ?
	    ext[i][1] : "bin");
}

/*
 * Keeps len bytes of part n as it came, for the reviewers, because its
 * text could not be read in full: under the name "part-N.suffix" and
 * the given type.  compose() attaches them if the caps leave room.
 */
static void
keep_raw(struct ex *ex, const char *data, size_t len, const char *type,
    const char *suffix)
{
	struct buf	 name = BUF_INIT;
	struct att	*a;

	if (ex->nraw == ex->rawcap) {
		ex->rawcap = ex->rawcap ? ex->rawcap * 2 : 4;
		ex->raw = xreallocarray(ex->raw, ex->rawcap, sizeof(*ex->raw));
	}
	buf_printf(&name, "part-%d.%s", ex->partno, suffix);
	a = &ex->raw[ex->nraw++];
	a->name = buf_detach(&name, NULL);
	a->type = xstrdup(type);
	a->data = xmalloc(len + 1);
	memcpy(a->data, data, len);
	a->len = len;
}

/* keep_raw() of part m's body as it came, still transfer-encoded. */
static void
keep_encoded(struct ex *ex, const struct mailmime *m)
{
	const char	*s;
	size_t		 len;
	int		 enc;

	if (body_of(m, &s, &len, &enc) == 0)
		keep_raw(ex, s, len, "text/plain",
		    enc == MAILMIME_MECHANISM_BASE64 ? "base64.txt" :
		    "qp.txt");
}

/*
 * Keeps part m as an attachment of the given type, under the file name
 * the sender gave it (its last path component), or else under name
 * (may be NULL).  A name that is nothing but a path, dots or blanks
 * becomes "part-N.ext".  Over the caps the message is refused
 * (ex->rejected, why set): the sender is told to send less, rather than
 * a reviewer getting a report without its evidence.  A body whose
 * transfer encoding does not decode in full is kept as it came too.
 * Returns 0 or -1 (rejected, or the part has no body).
 */
static int
add_att(struct ex *ex, const struct mailmime *m, const char *type,
    const char *fallback)
{
	struct buf	 name = BUF_INIT;
	char		*data;
	size_t		 len, i;
	int		 bad, given;

	if (ex->rejected)
		return -1;
	if (decode(m, &data, &len, &bad) == -1)
		return -1;
	if (ex->natt == RECORD_ATTACH_COUNT) {
		snprintf(ex->why, ex->whysz, "more than %d attachments; "
		    "send at most %d", RECORD_ATTACH_COUNT,
		    RECORD_ATTACH_COUNT);
		goto reject;
	}
	if (len > RECORD_ATTACH_MAX) {
		snprintf(ex->why, ex->whysz, "an attachment is larger than "
		    "5 MiB; send smaller files");
		goto reject;
	}
	if (ex->total + len > RECORD_ATTACH_TOTAL) {
		snprintf(ex->why, ex->whysz, "the attachments are larger "
		    "than 10 MiB in all; send fewer or smaller files");
		goto reject;
	}
	if (bad)
		keep_encoded(ex, m);
	part_name(&name, m);
	given = name.len > 0;
	base_name(&name);
	clean_name(&name);
	for (i = 0; i < name.len && name.data[i] == '.'; i++)
		;
	if (given && i == name.len) {
		buf_reset(&name);
		gen_name(&name, ex->partno, type);
	} else if (name.len == 0 && fallback != NULL)
		buf_addstr(&name, fallback);
	ex->att[ex->natt].name = buf_detach(&name, NULL);
	ex->att[ex->natt].type = xstrdup(type);
	ex->att[ex->natt].data = (unsigned char *)data;
	ex->att[ex->natt].len = len;
	ex->natt++;
	ex->total += len;
	return 0;
reject:
	ex->rejected = 1;
	free(data);
	buf_free(&name);
	return -1;
}

/*
 * 1 if m is a body text: text/plain or text/html, not marked as an
 * attachment and without a file name; *htmlp says which.
 */
static int
is_body(const struct mailmime *m, int *htmlp)
{
	struct buf			 t = BUF_INIT;
	struct mailmime_disposition	*d;
	int				 rc = 0;

	*htmlp = 0;
	if (m->mm_type != MAILMIME_SINGLE)
		return 0;
	d = disposition(m);
	if (d != NULL && d->dsp_type != NULL &&
	    d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
		return 0;
	/* A text with a file name is a file. */
	part_name(&t, m);
	if (t.len > 0) {
		buf_free(&t);
		return 0;
	}
	type_of(&t, m->mm_content_type);
	if (strcmp(t.data, "text/plain") == 0)
		rc = 1;
	else if (strcmp(t.data, "text/html") == 0) {
		rc = 1;
		*htmlp = 1;
	}
	buf_free(&t);
	return rc;
}

/* How good an alternative m is: 2 has plain text, 1 HTML, 0 neither. */
static int
alt_score(const struct mailmime *m)
{
	clistiter	*it;
	int		 html, best = 0, s;

	if (m->mm_type == MAILMIME_SINGLE)
		return is_body(m, &html) ? (html ? 1 : 2) : 0;
	if (m->mm_type != MAILMIME_MULTIPLE ||
	    m->mm_data.mm_multipart.mm_mp_list == NULL)
		return 0;
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
	    it != NULL; it = clist_next(it))
		if ((s = alt_score(clist_content(it))) > best)
			best = s;
	return best;
}

/* 1 if the len bytes at s are white space only (or none), else 0. */
static int
blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n\f\v", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/*
 * Appends the text of body part m (HTML converted if html) to
 * ex->text.  If that text holds less than the part (its transfer
 * encoding or its charset did not decode in full, or a part with text
 * in it gave none), the part as it came is kept too (keep_raw()).
 */
static void
body_text(struct ex *ex, const struct mailmime *m, int html)
{
	struct buf	 u = BUF_INIT;
	char		*data, *cs;
	size_t		 len, start;
	int		 bad, lossy;

	if (decode(m, &data, &len, &bad) == -1)
		return;
	cs = m->mm_content_type == NULL ? NULL :
	    mailmime_content_param_get(m->mm_content_type, "charset");
	if (ex->text.len > 0 && ex->text.data[ex->text.len - 1] != '\n')
		buf_addch(&ex->text, '\n');
	start = ex->text.len;
	if (html) {
		lossy = to_utf8(&u, data, len, cs);
		html_to_text(&ex->text, u.data, u.len);
	} else
		lossy = to_utf8(&ex->text, data, len, cs);
	if (!blank(data, len) && blank(ex->text.data + start,
	    ex->text.len - start))
		lossy = 1;
	if (bad)
		keep_encoded(ex, m);
	else if (lossy)
		keep_raw(ex, data, len, html ? "text/html" : "text/plain",
		    html ? "html" : "txt");
	free(data);
	buf_free(&u);
}

/*
 * Collects the body text and the attachments of m, in order.  Of a
 * multipart/alternative, the best alternative gives the text; the
 * others only their attachments (inline images, say).  A message part
 * is an attachment as a whole.
 */
static void
walk(struct ex *ex, const struct mailmime *m, enum mode mode, int depth)
{
	struct buf	 t = BUF_INIT;
	clistiter	*it;
	clist		*list;
	const struct mailmime *c, *best = NULL;
	int		 html, s, bs = -1, alt;

	if (m == NULL || ex->rejected || depth > 2 * MAIL_DEPTH_MAX + 2)
		return;
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		ex->partno++;
		if (is_body(m, &html)) {
			if (mode == MODE_ALL)
				body_text(ex, m, html);
			break;
		}
		type_of(&t, m->mm_content_type);
		if (add_att(ex, m, t.data, NULL) == 0)
			ex->sent++;
		break;
	case MAILMIME_MULTIPLE:
		if (m->mm_data.mm_multipart.mm_mp_list == NULL ||
		    clist_count(m->mm_data.mm_multipart.mm_mp_list) == 0) {
			/*
			 * libetpan could not split it (a missing delimiter,
			 * say): its raw body is kept for the reviewer.
			 */
			ex->partno++;
			if (mode == MODE_ALL && m->mm_body != NULL &&
			    m->mm_body->dt_data.dt_text.dt_length > 0)
				add_att(ex, m, "text/plain",
				    "unparsed-part.txt");
			break;
		}
		alt = m->mm_content_type != NULL &&
		    m->mm_content_type->ct_subtype != NULL &&
		    strcasecmp(m->mm_content_type->ct_subtype,
		    "alternative") == 0;
		list = m->mm_data.mm_multipart.mm_mp_list;
		if (alt)
			for (it = clist_begin(list); it != NULL;
			    it = clist_next(it)) {
				c = clist_content(it);
				if ((s = alt_score(c)) > bs) {
					bs = s;
					best = c;
				}
			}
		for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
			c = clist_content(it);
			walk(ex, c, alt && c != best ? MODE_ATTACH : mode,
			    depth + 1);
		}
		break;
	case MAILMIME_MESSAGE:
		ex->partno++;
		if (add_att(ex, m, "message/rfc822", "message.eml") == 0)
			ex->sent++;
		break;
	default:
		break;
	}
	buf_free(&t);
}

/*
 * Reduces the header, has libetpan parse the message and walks it,
 * filling ex; the subject goes to title.  Returns 0, or -1 if libetpan
 * cannot parse it.
 */
static int
parse(struct ex *ex, const char *msg, size_t len, struct buf *title)
{
	struct buf	 red = BUF_INIT, eol = BUF_INIT;
	struct mailmime	*mime = NULL;
	size_t		 idx = 0;
	int		 rc = -1;

	/* The lines mail_precheck() saw. */
	if (mail_eol(&eol, msg, len))
		msg = eol.data;
	mail_header_reduce(&red, msg, len);
	buf_free(&eol);
	if (mailmime_parse(red.data, red.len, &idx, &mime) !=
	    MAILIMF_NO_ERROR || mime == NULL)
		goto out;
	if (title != NULL)
		subject(title, mime);
	if (mime->mm_type == MAILMIME_MESSAGE)
		walk(ex, mime->mm_data.mm_message.mm_msg_mime, MODE_ALL, 0);
	else
		walk(ex, mime, MODE_ALL, 0);
	rc = 0;
out:
	if (mime != NULL)
		mailmime_free(mime);
	buf_free(&red);
	return rc;
}

/* The decoded subject, as one line of at most RECORD_TITLE_MAX bytes. */
static void
subject(struct buf *out, const struct mailmime *mime)
{
	struct mailimf_fields	*f;
	struct mailimf_field	*fl;
	clistiter		*it;
	const char		*v = NULL;

	if (mime->mm_type != MAILMIME_MESSAGE ||
	    (f = mime->mm_data.mm_message.mm_fields) == NULL ||
	    f->fld_list == NULL)
		return;
	for (it = clist_begin(f->fld_list); it != NULL && v == NULL;
	    it = clist_next(it)) {
		fl = clist_content(it);
		if (fl->fld_type == MAILIMF_FIELD_SUBJECT &&
		    fl->fld_data.fld_subject != NULL)
			v = fl->fld_data.fld_subject->sbj_value;
		else if (fl->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
		    fl->fld_data.fld_optional_field != NULL &&
		    strcasecmp(fl->fld_data.fld_optional_field->fld_name,
		    "Subject") == 0)
			v = fl->fld_data.fld_optional_field->fld_value;
	}
	if (v == NULL)
		return;
	phrase(out, v, strlen(v));
	buf_truncate(out, utf8_strip_bidi(out->data, out->len));
	one_line(out, RECORD_TITLE_MAX);
}

/*
 * Makes b one line: white space runs (newlines and tabs included)
 * become one space, the ends are trimmed, and it is cut to max
 * characters (the title's limit is in characters, lib/field.h).
 */
static void
one_line(struct buf *b, size_t max)
{
	size_t	 i, j = 0;
	int	 sp = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == ' ' || b->data[i] == '\t' ||
		    b->data[i] == '\n' || b->data[i] == '\r') {
			sp = j > 0;
			continue;
		}
		if (sp)
			b->data[j++] = ' ';
		sp = 0;
		b->data[j++] = b->data[i];
	}
	buf_truncate(b, utf8_prefix(b->data, j, max));
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		buf_truncate(b, b->len - 1);
}

/*
 * The label of a template line ("Incident type: Foot pursuit",
 * "incident_type: foot-pursuit"): a what (enum record_key or L_*) and in
 * *vp the offset of the value; -1 if the line has none.  Labels are
 * compared without case, with '_' and '-' as spaces.
 */
static int
label_of(const char *s, size_t n, size_t *vp)
{
	char	 norm[LABEL_MAX + 1];
	size_t	 i = 0, k = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	for (; i < n && s[i] != ':'; i++) {
		if (k == LABEL_MAX)
			return -1;
		if (s[i] >= 'A' && s[i] <= 'Z')
			norm[k++] = s[i] - 'A' + 'a';
		else if (s[i] >= 'a' && s[i] <= 'z')
			norm[k++] = s[i];
		else if (s[i] == ' ' || s[i] == '_' || s[i] == '-' ||
		    s[i] == '\t') {
			if (k > 0 && norm[k - 1] != ' ')
				norm[k++] = ' ';
		} else
			return -1;
	}
	if (i == n)
		return -1;
	while (k > 0 && norm[k - 1] == ' ')
		k--;
	norm[k] = '\0';
	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		if (strcmp(norm, labels[k].text) == 0)
			break;
	if (k == sizeof(labels) / sizeof(labels[0]))
		return -1;
	for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	*vp = i;
	return labels[k].what;
}

/*
 * Appends the slug of the term of taxonomy t that v (n bytes) names: its
 * slug or label, without case, or the slug v would make ("Foot
 * pursuit" -> foot-pursuit).  Returns 1, or 0 if v is no term.
 */
static int
tax_match(struct buf *out, const struct config *tax, enum tax_id t,
    const char *v, size_t n)
{
	const struct taxonomy	*tx = &tax->tax[t];
	char			 slug[64];
	size_t			 i, k = 0;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '.'))
		n--;
	while (n > 0 && v[0] == ' ') {
		v++;
		n--;
	}
	if (n == 0 || n >= sizeof(slug))
		return 0;
	for (i = 0; i < n; i++) {
		if ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' &&
		    v[i] <= '9'))
			slug[k++] = v[i];
		else if (v[i] >= 'A' && v[i] <= 'Z')
			slug[k++] = v[i] - 'A' + 'a';
		else if (k > 0 && slug[k - 1] != '-')
			slug[k++] = '-';
	}
	while (k > 0 && slug[k - 1] == '-')
		k--;
	slug[k] = '\0';
	for (i = 0; i < tx->nterms; i++)
		if ((strlen(tx->terms[i].slug) == n &&
		    strncasecmp(tx->terms[i].slug, v, n) == 0) ||
		    (tx->terms[i].label != NULL &&
		    strlen(tx->terms[i].label) == n &&
		    strncasecmp(tx->terms[i].label, v, n) == 0) ||
		    strcmp(tx->terms[i].slug, slug) == 0) {
			buf_addstr(out, tx->terms[i].slug);
			return 1;
		}
	return 0;
}

/*
 * Checks the value v (n bytes) of template field k and appends it, as
 * the record keeps it, to out.  The rules are lib/field's, as for the
 * web form and the report reader; terms may be given by slug or label
 * (tax_match()), officers as "007" (kept as 7).  Returns 1, or 0 if the
 * value is not valid (the line then stays in the narrative).
 */
static int
field_value(struct buf *out, const struct config *tax, int k,
    const char *v, size_t n)
{
	const struct field	*f = field_get(k);
	struct buf		 one = BUF_INIT;
	char			 got[FIELD_TERMS_MAX + 1][64];
	const char		*term[FIELD_TERMS_MAX + 1];
	const char		*p, *e, *c;
	size_t			 cnt = 0, start = out->len;
	int			 l, ok = 0;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	switch (f->kind) {
	case FIELD_LINE:
	case FIELD_PARA:
		if (field_text(v, n, f->max, f->kind == FIELD_PARA) != 0)
			return 0;
		buf_add(out, v, n);
		return 1;
	case FIELD_MONTH:
		if (field_month(v, n, NULL, NULL) != 0)
			return 0;
		buf_add(out, v, n);
		return 1;
	case FIELD_COUNT:
		if (field_count(v, n, &l) != 0)
			return 0;
		buf_printf(out, "%d", l);
		return 1;
	case FIELD_TERM:
		return tax != NULL && tax_match(out, tax, f->tax, v, n);
	case FIELD_TERMS:
		break;
	default:
		return 0;
	}
	if (tax == NULL)
		return 0;
	for (p = v, e = v + n; p < e && cnt <= FIELD_TERMS_MAX; p = c + 1) {
		for (c = p; c < e && *c != ',' && *c != ';'; c++)
			;
		buf_reset(&one);
		if (!tax_match(&one, tax, f->tax, p, (size_t)(c - p)) ||
		    one.len >= sizeof(got[0]))
			goto out;
		memcpy(got[cnt], one.data, one.len + 1);
		term[cnt] = got[cnt];
		cnt++;
		if (c == e)
			break;
	}
	if (field_terms(tax, f->tax, term, cnt, NULL) != 0)
		goto out;
	for (l = 0; (size_t)l < cnt; l++)
		buf_printf(out, "%s%s", l ? "," : "", term[l]);
	ok = 1;
out:
	if (!ok)
		buf_truncate(out, start);
	buf_free(&one);
	return ok;
}

/*
 * Appends the lines [from, to) of l whose used is want, joined with
 * newlines, without the blank lines at either end.
 */
static void
join(struct buf *out, const struct line *l, size_t from, size_t to,
    int want)
{
	size_t	 i, start = out->len, blank = 0;

	for (i = from; i < to; i++) {
		if (l[i].used != want)
			continue;
		if (l[i].n == 0) {
			if (out->len > start)
				blank++;
			continue;
		}
		if (out->len > start)
			buf_addch(out, '\n');
		for (; blank > 0; blank--)
			buf_addch(out, '\n');
		buf_add(out, l[i].s, l[i].n);
	}
}

/* 1 if l is a signature separator: "-- " (or "--", spaces stripped). */
static int
is_sig_sep(const struct line *l)
{
	return l->n == 2 && l->s[0] == '-' && l->s[1] == '-';
}

/* 1 if l is a "Sent from my iPhone" line of a mail client. */
static int
is_sent_from(const struct line *l)
{
	static const char *const pfx[] = {
		"sent from my ", "sent from mail for ", "sent from outlook",
		"sent from yahoo mail", "sent from gmail", "get outlook for ",
		"sent with proton mail",
	};
	size_t	 i;

	if (l->n > SENT_FROM_MAX)
		return 0;
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (l->n >= strlen(pfx[i]) &&
		    strncasecmp(l->s, pfx[i], strlen(pfx[i])) == 0)
			return 1;
	return 0;
}

/* The largest n' <= n that ends s on a UTF-8 character boundary. */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t	 i = n;

	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80 &&
	    s[i] != '\0')
		i--;
	return i;
}

/*
 * Cuts b to at most max bytes, on a character boundary and with room
 * for a note that says so (and, if attached, where the whole text is).
 */
static void
cap_text(struct buf *b, size_t max, int attached)
{
	const char	*note = attached ? OVERFLOW_NOTE :
	    "\n[The text is longer than this field allows and was cut "
	    "here.]";

	if (b->len <= max)
		return;
	buf_truncate(b, utf8_cut(b->data, max - strlen(note)));
	buf_addstr(b, note);
}

/*
 * field_value() of the value v (n bytes) without its bidirectional
 * controls, which could make a one-line field read otherwise than it
 * is.  Returns what field_value() returns.
 */
static int
field_put(struct buf *out, const struct config *tax, int k, const char *v,
    size_t n)
{
	struct buf	 t = BUF_INIT;
	int		 rc;

	buf_add(&t, v, n);
	buf_truncate(&t, utf8_strip_bidi(t.data, t.len));
	rc = field_value(out, tax, k, t.data, t.len);
	buf_free(&t);
	return rc;
}

/*
 * The answer of a Consent: line's value v (n bytes): 1 yes, 0 no, -1
 * for anything else (nothing, or a word that is not a clear yes or no).
 */
static int
consent_word(const char *v, size_t n)
{
	static const char *const yes[] = { "yes", "y" }, *const no[] = {
		"no", "n" };
	size_t	 i;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
	    v[n - 1] == '.' || v[n - 1] == '!'))
		n--;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strlen(yes[i]) == n && strncasecmp(v, yes[i], n) == 0)
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strlen(no[i]) == n && strncasecmp(v, no[i], n) == 0)
			return 0;
	return -1;
}

/*
 * The consent of the n lines of l.  No Consent: line gives consent (the
 * submit page says so).  Lines that all give one clear answer give it,
 * and leave the narrative (used 1).  Otherwise (a yes and a no, an
 * empty value, a value on the next line, any other word) there is no
 * consent, and the lines stay where they are, for the reviewers.  A
 * line in the signature counts too, and stays there.
 */
static int
consent(struct line *l, size_t n)
{
	size_t	 i, v;
	int	 a, yes = 0, no = 0, unclear = 0;

	for (i = 0; i < n; i++) {
		if (l[i].used == 1 || label_of(l[i].s, l[i].n, &v) !=
		    L_CONSENT)
			continue;
		if ((a = consent_word(l[i].s + v, l[i].n - v)) == 1)
			yes++;
		else if (a == 0)
			no++;
		else
			unclear++;
	}
	if (yes + no + unclear == 0)
		return 1;
	if (unclear > 0 || (yes > 0 && no > 0))
		return 0;
	for (i = 0; i < n; i++)
		if (l[i].used == 0 && label_of(l[i].s, l[i].n, &v) ==
		    L_CONSENT)
			l[i].used = 1;
	return yes > 0;
}

/*
 * Attaches the parts kept as they came (keep_raw()) while the caps
 * leave room, and writes the note that tells the reviewers, "" if there
 * are none.
 */
static void
attach_raw(struct ex *ex, struct buf *note)
{
	struct buf	 t = BUF_INIT;
	size_t		 i, kept = 0, lost = 0;

	for (i = 0; i < ex->nraw; i++) {
		if (ex->natt == RECORD_ATTACH_COUNT ||
		    ex->raw[i].len > RECORD_ATTACH_MAX ||
		    ex->total + ex->raw[i].len > RECORD_ATTACH_TOTAL) {
			lost++;
			continue;
		}
		if (kept < RAW_NAMES_MAX)
			buf_printf(&t, "%s%s", kept > 0 ? ", " : "",
			    ex->raw[i].name);
		kept++;
		ex->total += ex->raw[i].len;
		ex->att[ex->natt++] = ex->raw[i];
		memset(&ex->raw[i], 0, sizeof(ex->raw[i]));
	}
	if (kept > RAW_NAMES_MAX)
		buf_printf(&t, " and %zu more", kept - RAW_NAMES_MAX);
	if (kept + lost > 0)
		buf_addstr(note, RAW_NOTE);
	if (kept > 0)
		buf_printf(note, " %s attached as %s.", kept == 1 ?
		    "The part as it came is" : "The parts as they came are",
		    t.data);
	if (lost > 0)
		buf_printf(note, " %zu %s could not be attached as %s came: "
		    "over the attachment caps.", lost, lost == 1 ? "part" :
		    "parts", lost == 1 ? "it" : "they");
	if (kept + lost > 0)
		buf_addch(note, ']');
	buf_free(&t);
}

/*
 * Splits the body text into the record's fields and encodes the record
 * to enc: signature blocks and "Sent from my" lines to the signature;
 * template lines to the report fields (without bidirectional
 * controls), lessons, contact and consent; everything else, in order,
 * to the narrative.  The parts kept as they came are attached, with a
 * note at the end of the narrative.  A text over its cap is cut with a
 * note, and the whole body text is then attached as message-text.txt
 * if the attachment caps leave room.  Returns 0, MAIL_EEMPTY if there
 * is nothing at all (no narrative, lessons, contact nor field, the
 * title included, and no file the sender attached), or -1.
 */
static int
compose(struct buf *enc, struct ex *ex, struct buf *title,
    const struct config *tax)
{
	struct record		 r;
	struct record_attachment ra[RECORD_ATTACH_COUNT];
	struct buf		 fld[RECORD_KEY_MAX], narr = BUF_INIT;
	struct buf		 less = BUF_INIT, cont = BUF_INIT;
	struct buf		 sig = BUF_INIT, note = BUF_INIT;
	struct line		*l = NULL;
	const char		*p, *e, *nl;
	size_t			 n = 0, cap = 0, i, j, v, sep = SIZE_MAX, room;
	int			 k, w, kk, over = 0, attached = 0, rc = -1;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < RECORD_KEY_MAX; k++)
		buf_init(&fld[k]);

	/* Lines, without trailing blanks. */
	for (p = ex->text.data, e = p + ex->text.len; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			l = xreallocarray(l, cap, sizeof(*l));
		}
		l[n].s = p;
		l[n].n = (size_t)(nl - p);
		while (l[n].n > 0 && (p[l[n].n - 1] == ' ' ||
		    p[l[n].n - 1] == '\t'))
			l[n].n--;
		l[n++].used = 0;
	}

	/* The last "-- " block, if it is short; "Sent from my" lines. */
	for (i = 0; i < n; i++)
		if (is_sig_sep(&l[i]))
			sep = i;
	if (sep != SIZE_MAX && n - sep <= SIG_LINES_MAX)
		for (i = sep; i < n; i++)
			l[i].used = 2;
	for (i = 0; i < n; i++)
		if (l[i].used == 0 && is_sent_from(&l[i]))
			l[i].used = 2;

	/* Template lines. */
	for (i = 0; i < n; i++) {
		if (l[i].used != 0 || (w = label_of(l[i].s, l[i].n, &v)) < 0)
			continue;
		if (w == L_LESSONS || w == L_CONTACT) {
			struct buf	*t = w == L_LESSONS ? &less : &cont;

			if (t->len > 0)
				buf_addstr(t, w == L_LESSONS ? "\n\n" : "\n");
			l[i].used = 1;
			buf_add(t, l[i].s + v, l[i].n - v);
			for (j = i + 1; j < n && l[j].used == 0 &&
			    label_of(l[j].s, l[j].n, &v) < 0 &&
			    (w == L_LESSONS || l[j].n > 0); j++) {
				if (t->len > 0)
					buf_addch(t, '\n');
				buf_add(t, l[j].s, l[j].n);
				l[j].used = 1;
			}
			/* Blank lines at the ends go. */
			while (t->len > 0 && t->data[t->len - 1] == '\n')
				buf_truncate(t, t->len - 1);
			for (j = 0; j < t->len && t->data[j] == '\n'; j++)
				;
			memmove(t->data, t->data + j, t->len - j + 1);
			t->len -= j;
			continue;
		}
		/* Consent lines are weighed together, below. */
		if (w == L_CONSENT || fld[w].len > 0)
			continue;
		if (l[i].n > v) {
			if (field_put(&fld[w], tax, w, l[i].s + v,
			    l[i].n - v))
				l[i].used = 1;
			continue;
		}
		/* "Label:" alone: the value may be on the next line. */
		if (i + 1 < n && l[i + 1].used == 0 && l[i + 1].n > 0 &&
		    label_of(l[i + 1].s, l[i + 1].n, &v) < 0 &&
		    field_put(&fld[w], tax, w, l[i + 1].s, l[i + 1].n)) {
			l[i].used = 1;
			l[i + 1].used = 1;
		}
	}
	r.consent = consent(l, n);
	join(&narr, l, 0, n, 0);
	join(&sig, l, 0, n, 2);

	/*
	 * Nothing to report, not even a file: the caller quarantines the
	 * message.  A multipart kept raw (unparsed-part.txt) and the parts
	 * keep_raw() kept are no files of the sender's.
	 */
	for (kk = 0; kk < RECORD_KEY_MAX && fld[kk].len == 0; kk++)
		;
	if (narr.len == 0 && less.len == 0 && cont.len == 0 &&
	    title->len == 0 && kk == RECORD_KEY_MAX && ex->sent == 0) {
		rc = MAIL_EEMPTY;
		goto out;
	}

	/* Parts not read in full, kept as they came, and a note. */
	attach_raw(ex, &note);
	/* Caps; the whole text attached if anything had to be cut. */
	room = RECORD_TEXT_MAX - (note.len > 0 ? note.len + 2 : 0);
	over = narr.len > room || less.len > RECORD_LESSONS_MAX ||
	    cont.len > RECORD_CONTACT_MAX;
	if (over && ex->natt < RECORD_ATTACH_COUNT &&
	    ex->text.len <= RECORD_ATTACH_MAX &&
	    ex->total + ex->text.len <= RECORD_ATTACH_TOTAL) {
		ex->att[ex->natt].name = xstrdup(OVERFLOW_NAME);
		ex->att[ex->natt].type = xstrdup("text/plain");
		ex->att[ex->natt].data = xmalloc(ex->text.len + 1);
		memcpy(ex->att[ex->natt].data, ex->text.data, ex->text.len);
		ex->att[ex->natt].len = ex->text.len;
		ex->total += ex->text.len;
		ex->natt++;
		attached = 1;
	}
	cap_text(&narr, room, attached);
	if (note.len > 0) {
		if (narr.len > 0)
			buf_addstr(&narr, "\n\n");
		buf_add(&narr, note.data, note.len);
	}
	cap_text(&less, RECORD_LESSONS_MAX, attached);
	cap_text(&cont, RECORD_CONTACT_MAX, attached);
	cap_text(&sig, RECORD_SIGNATURE_MAX, 0);

	if (fld[RECORD_TITLE].len == 0 && title->len > 0)
		buf_add(&fld[RECORD_TITLE], title->data, title->len);
	for (kk = 0; kk < RECORD_KEY_MAX; kk++)
		if (fld[kk].len > 0)
			r.field[kk] = fld[kk].data;
	r.narrative = narr.data;
	r.lessons = less.len > 0 ? less.data : NULL;
	r.contact = cont.len > 0 ? cont.data : NULL;
	r.signature = sig.len > 0 ? sig.data : NULL;
	r.channel = RECORD_EMAIL;
	for (i = 0; i < ex->natt; i++) {
		ra[i].name = ex->att[i].name;
		ra[i].type = ex->att[i].type;
		ra[i].data = ex->att[i].data;
		ra[i].len = ex->att[i].len;
	}
	r.attach = ex->natt > 0 ? ra : NULL;
	r.nattach = ex->natt;
	if (record_day(r.received, time(NULL)) == -1)
		goto out;
	rc = record_encode(enc, &r);
out:
	for (kk = 0; kk < RECORD_KEY_MAX; kk++)
		buf_free(&fld[kk]);
	buf_free(&narr);
	buf_free(&less);
	buf_free(&cont);
	buf_free(&sig);
	buf_free(&note);
	free(l);
	return rc;
}

int
mail_extract(struct buf *enc, const char *msg, size_t len,
    const struct config *tax, char *why, size_t whysz)
{
	struct ex	 ex;
	struct buf	 title = BUF_INIT;
	int		 rc = -1;

	memset(&ex, 0, sizeof(ex));
	buf_init(&ex.text);
	ex.why = why;
	ex.whysz = whysz;
	if (whysz > 0)
		why[0] = '\0';
	if (len > MAIL_MAX) {
		snprintf(why, whysz, "message larger than %d bytes (10 MiB)",
		    MAIL_MAX);
		rc = MAIL_EREJECT;
		goto out;
	}
	if (parse(&ex, msg, len, &title) == -1)
		goto out;
	if (ex.rejected) {
		rc = MAIL_EREJECT;
		goto out;
	}
	rc = compose(enc, &ex, &title, tax);
out:
	ex_free(&ex);
	buf_free(&title);
	return rc;
}

int
mail_body_text(struct buf *out, const char *msg, size_t len)
{
	struct ex	 ex;
	char		 why[256];
	int		 rc;

	memset(&ex, 0, sizeof(ex));
	buf_init(&ex.text);
	ex.why = why;
	ex.whysz = sizeof(why);
	rc = parse(&ex, msg, len, NULL);
	buf_add(out, ex.text.data, ex.text.len);
	ex_free(&ex);
	return rc;
}
