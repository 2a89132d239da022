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
#include "form.h"
#include "mime.h"
#include "mimeint.h"
#include "record.h"

#define FACTORS_MAX	5	/* as the web form */
#define SIG_LINES_MAX	30	/* a "-- " block longer than this is text */
#define SENT_FROM_MAX	120	/* a "Sent from my ..." line, in bytes */
#define LABEL_MAX	40	/* bytes before the ':' of a template line */
#define FILENAME_SEGS	64	/* RFC 2231 continuations looked at */
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
static void	b64_decode(struct buf *, const char *, size_t);
static void	qp_decode(struct buf *, const char *, size_t);
static int	decode(const struct mailmime *, char **, size_t *);
static const char *charset_alias(const char *);
static void	to_utf8(struct buf *, const char *, size_t, const char *);
static void	phrase(struct buf *, const char *, size_t);
static const char *kv_get(const char *const (*)[2], size_t, const char *);
static void	pct_decode(struct buf *, const char *);
static int	rfc2231(struct buf *, const char *const (*)[2], size_t,
		    const char *);
static void	part_name(struct buf *, const struct mailmime *);
static void	clean_name(char *);
static int	add_att(struct ex *, const struct mailmime *, const char *,
		    const char *);
static int	is_body(const struct mailmime *, int *);
static int	alt_score(const struct mailmime *);
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
 * Decodes base64 leniently: characters outside the alphabet are
 * skipped, the first '=' ends the data, and a last incomplete group
 * gives the bytes it holds.
 */
static void
b64_decode(struct buf *out, const char *s, size_t len)
{
	uint32_t	 acc = 0;
	size_t		 i;
	int		 v, n = 0;

	buf_grow(out, len / 4 * 3 + 3);
	for (i = 0; i < len && s[i] != '='; i++) {
		if ((v = b64_value((unsigned char)s[i])) < 0)
			continue;
		acc = acc << 6 | (uint32_t)v;
		if (++n == 4) {
			buf_addch(out, (int)(acc >> 16 & 0xff));
			buf_addch(out, (int)(acc >> 8 & 0xff));
			buf_addch(out, (int)(acc & 0xff));
			acc = 0;
			n = 0;
		}
	}
	if (n >= 2)
		buf_addch(out, (int)(acc >> (6 * n - 8) & 0xff));
	if (n == 3)
		buf_addch(out, (int)(acc >> 2 & 0xff));
}

/*
 * Decodes quoted-printable leniently (RFC 2045 6.7 note): "=" and a line
 * end, with blanks between, is a soft line break; "=" and two hex
 * digits a byte; any other "=" is kept as it is.
 */
static void
qp_decode(struct buf *out, const char *s, size_t len)
{
	size_t	 i, j;
	int	 hi, lo;

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
	}
}

/*
 * The part's body with its transfer encoding undone (base64 and
 * quoted-printable; anything else is taken as it is).  Caller frees
 * *out.  Returns 0 or -1 (no body).
 */
static int
decode(const struct mailmime *m, char **out, size_t *lenp)
{
	const struct mailmime_data	*d;
	struct buf			 b = BUF_INIT;
	const char			*s;
	size_t				 len;

	*out = NULL;
	*lenp = 0;
	d = m->mm_type == MAILMIME_SINGLE ? m->mm_data.mm_single : m->mm_body;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return -1;
	s = d->dt_data.dt_text.dt_data;
	len = d->dt_data.dt_text.dt_length;
	if (d->dt_encoded && d->dt_encoding == MAILMIME_MECHANISM_BASE64)
		b64_decode(&b, s, len);
	else if (d->dt_encoded &&
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		qp_decode(&b, s, len);
	else
		buf_add(&b, s, len);
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

/*
 * Appends len bytes in charset cs (NULL: none given) to out as UTF-8.
 * Text labelled UTF-8 is taken as such, its invalid sequences replaced.
 * Text labelled ASCII or Latin-1, or not labelled, is taken as UTF-8 if
 * it is valid UTF-8 (a common lie), else as windows-1252; a charset
 * iconv does not know is read as UTF-8.  Bytes that do not convert
 * become U+FFFD: nothing invalid is passed through.
 */
static void
to_utf8(struct buf *out, const char *s, size_t len, const char *cs)
{
	struct buf	 tmp = BUF_INIT;
	iconv_t		 cd;
	char		*in, *o, chunk[4096];
	size_t		 inleft, oleft;

	if (cs != NULL && (strcasecmp(cs, "utf-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0)) {
		utf8_append(out, s, len);
		return;
	}
	if (cs != NULL && (cs[0] == '\0' || strcasecmp(cs, "unknown-8bit") ==
	    0 || strcasecmp(cs, "x-unknown") == 0))
		cs = NULL;
	if (cs == NULL || strcasecmp(charset_alias(cs), "WINDOWS-1252") ==
	    0) {
		if (utf8_valid(s, len)) {
			utf8_append(out, s, len);
			return;
		}
		cs = "WINDOWS-1252";
	}
	cd = iconv_open("UTF-8", charset_alias(cs));
	if (cd == (iconv_t)-1) {
		utf8_append(out, s, len);
		return;
	}
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
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	o = chunk;
	oleft = sizeof(chunk);
	iconv(cd, NULL, NULL, &o, &oleft);
	buf_add(&tmp, chunk, sizeof(chunk) - oleft);
	iconv_close(cd);
	utf8_append(out, tmp.data, tmp.len);
	buf_free(&tmp);
}

/*
 * Appends a header phrase (a subject, a file name) decoded from RFC 2047
 * encoded words to UTF-8.  Raw 8-bit text is read as UTF-8 if it is
 * valid, else as windows-1252.
 */
static void
phrase(struct buf *out, const char *s, size_t len)
{
	char	*res = NULL;
	size_t	 idx = 0;

	if (mailmime_encoded_phrase_parse(utf8_valid(s, len) ? "utf-8" :
	    "windows-1252", s, len, &idx, "utf-8", &res) ==
	    MAILIMF_NO_ERROR && res != NULL)
		utf8_append(out, res, strlen(res));
	else
		utf8_append(out, s, len);
	free(res);
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
 * Appends the file name the sender gave the part: the disposition's
 * filename, else the content type's name; "" if neither.
 */
static void
part_name(struct buf *out, const struct mailmime *m)
{
	const char			*kv[128][2];
	struct mailmime_disposition	*d;
	struct mailmime_disposition_parm *dp;
	struct mailmime_parameter	*p;
	clistiter			*it;
	size_t				 n = 0;

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
	if (!rfc2231(out, kv, n, "filename"))
		rfc2231(out, kv, n, "name");
}

/*
 * Makes a file name fit the record: white space and control characters
 * become one space or "_", the name is trimmed and cut to
 * RECORD_ATTACH_NAME_MAX bytes on a character boundary.
 */
static void
clean_name(char *s)
{
	size_t	 i, n;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '\t' || s[i] == '\n')
			s[i] = ' ';
		else if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '_';
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	n = utf8_cut(s, n < RECORD_ATTACH_NAME_MAX ? n :
	    RECORD_ATTACH_NAME_MAX);
	s[n] = '\0';
	for (i = 0; s[i] == ' '; i++)
		;
	memmove(s, s + i, n - i + 1);
}

/*
 * Keeps part m as an attachment of the given type, under the file name
 * the sender gave it, or else under name (may be NULL).  Over the caps the
 * message is refused (ex->rejected, why set): the sender is told to
 * send less, rather than a reviewer getting a report without its
 * evidence.  Returns 0 or -1 (rejected, or the part does not decode).
 */
static int
add_att(struct ex *ex, const struct mailmime *m, const char *type,
    const char *fallback)
{
	struct buf	 name = BUF_INIT;
	char		*data;
	size_t		 len;

	if (ex->rejected)
		return -1;
	if (decode(m, &data, &len) == -1)
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
	part_name(&name, m);
	if (name.len == 0 && fallback != NULL)
		buf_addstr(&name, fallback);
	ex->att[ex->natt].name = buf_detach(&name, NULL);
	clean_name(ex->att[ex->natt].name);
	ex->att[ex->natt].type = xstrdup(type);
	ex->att[ex->natt].data = (unsigned char *)data;
	ex->att[ex->natt].len = len;
	ex->natt++;
	ex->total += len;
	return 0;
reject:
	ex->rejected = 1;
	free(data);
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

/*
 * Collects the body text and the attachments of m, in order.  Of a
 * multipart/alternative, the best alternative gives the text; the
 * others only their attachments (inline images, say).  A message part
 * is an attachment as a whole.
 */
static void
walk(struct ex *ex, const struct mailmime *m, enum mode mode, int depth)
{
	struct buf	 t = BUF_INIT, u = BUF_INIT;
	clistiter	*it;
	clist		*list;
	const struct mailmime *c, *best = NULL;
	char		*data, *cs;
	size_t		 len;
	int		 html, s, bs = -1, alt;

	if (m == NULL || ex->rejected || depth > 2 * MAIL_DEPTH_MAX + 2)
		return;
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		if (is_body(m, &html)) {
			if (mode == MODE_ATTACH || decode(m, &data, &len) == -1)
				break;
			cs = m->mm_content_type == NULL ? NULL :
			    mailmime_content_param_get(m->mm_content_type,
			    "charset");
			if (ex->text.len > 0 &&
			    ex->text.data[ex->text.len - 1] != '\n')
				buf_addch(&ex->text, '\n');
			if (html) {
				to_utf8(&u, data, len, cs);
				html_to_text(&ex->text, u.data, u.len);
			} else
				to_utf8(&ex->text, data, len, cs);
			free(data);
			break;
		}
		type_of(&t, m->mm_content_type);
		add_att(ex, m, t.data, NULL);
		break;
	case MAILMIME_MULTIPLE:
		if (m->mm_data.mm_multipart.mm_mp_list == NULL ||
		    clist_count(m->mm_data.mm_multipart.mm_mp_list) == 0) {
			/*
			 * libetpan could not split it (a missing delimiter,
			 * say): its raw body is kept for the reviewer.
			 */
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
		add_att(ex, m, "message/rfc822", "message.eml");
		break;
	default:
		break;
	}
	buf_free(&t);
	buf_free(&u);
}

/*
 * Reduces the header, has libetpan parse the message and walks it,
 * filling ex; the subject goes to title.  Returns 0, or -1 if libetpan
 * cannot parse it.
 */
static int
parse(struct ex *ex, const char *msg, size_t len, struct buf *title)
{
	struct buf	 red = BUF_INIT;
	struct mailmime	*mime = NULL;
	size_t		 idx = 0;
	int		 rc = -1;

	mail_header_reduce(&red, msg, len);
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
	one_line(out, RECORD_TITLE_MAX);
}

/*
 * Makes b one line: white space runs (newlines and tabs included)
 * become one space, the ends are trimmed, and it is cut to max bytes on
 * a character boundary.
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
	buf_truncate(b, utf8_cut(b->data, j < max ? j : max));
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
 * the record keeps it, to out.  The rules are the web form's: a title
 * of one line, a month YYYY-MM, 1 to 999 officers, terms of the
 * taxonomy (1 to 5 distinct contributing factors, comma-separated).
 * Returns 1, or 0 if the value is not valid (the line then stays in
 * the narrative).
 */
static int
field_value(struct buf *out, const struct config *tax, int k,
    const char *v, size_t n)
{
	struct buf	 one = BUF_INIT;
	char		 got[FACTORS_MAX][64];
	const char	*p, *e, *c;
	size_t		 cnt = 0, i, start = out->len;
	long		 l;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	switch (k) {
	case RECORD_TITLE:
	case RECORD_SUMMARY:
		if (n > record_key_max(k))
			return 0;
		buf_add(out, v, n);
		return 1;
	case RECORD_EVENT_DATE:
		if (n != 7 || v[4] != '-' || strspn(v, "0123456789") != 4 ||
		    strspn(v + 5, "0123456789") < 2 ||
		    strncmp(v, "1900", 4) < 0 || strncmp(v + 5, "01", 2) < 0 ||
		    strncmp(v + 5, "12", 2) > 0)
			return 0;
		buf_add(out, v, n);
		return 1;
	case RECORD_OFFICERS_ON_SCENE:
		if (n > 3 || strspn(v, "0123456789") < n || v[0] == '0')
			return 0;
		for (l = 0, p = v; p < v + n; p++)
			l = l * 10 + (*p - '0');
		if (l < 1 || l > 999)
			return 0;
		buf_add(out, v, n);
		return 1;
	default:
		break;
	}
	if (tax == NULL || record_key_tax(k) < 0)
		return 0;
	if (k != RECORD_CONTRIBUTING_FACTORS)
		return tax_match(out, tax, record_key_tax(k), v, n);
	for (p = v, e = v + n; p < e; p = c + 1) {
		for (c = p; c < e && *c != ',' && *c != ';'; c++)
			;
		buf_reset(&one);
		if (cnt == FACTORS_MAX || !tax_match(&one, tax, TAX_FACTORS,
		    p, (size_t)(c - p)) || one.len >= sizeof(got[0]))
			goto bad;
		for (i = 0; i < cnt; i++)
			if (strcmp(got[i], one.data) == 0)
				goto bad;
		memcpy(got[cnt++], one.data, one.len + 1);
		if (out->len > start)
			buf_addch(out, ',');
		buf_add(out, one.data, one.len);
		if (c == e)
			break;
	}
	if (cnt == 0)
		goto bad;
	buf_free(&one);
	return 1;
bad:
	buf_truncate(out, start);
	buf_free(&one);
	return 0;
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
 * Splits the body text into the record's fields and encodes the record
 * to enc: signature blocks and "Sent from my" lines to the signature;
 * template lines to the report fields, lessons, contact and consent;
 * everything else, in order, to the narrative.  A text over its cap is
 * cut with a note, and the whole body text is then attached as
 * message-text.txt if the attachment caps leave room.  Returns 0 or -1.
 */
static int
compose(struct buf *enc, struct ex *ex, struct buf *title,
    const struct config *tax)
{
	struct record		 r;
	struct record_attachment ra[RECORD_ATTACH_COUNT];
	struct buf		 fld[RECORD_KEY_MAX], narr = BUF_INIT;
	struct buf		 less = BUF_INIT, cont = BUF_INIT;
	struct buf		 sig = BUF_INIT;
	struct line		*l = NULL;
	const char		*p, *e, *nl;
	size_t			 n = 0, cap = 0, i, j, v, sep = SIZE_MAX;
	int			 k, w, kk, over = 0, attached = 0, rc = -1;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < RECORD_KEY_MAX; k++)
		buf_init(&fld[k]);
	r.consent = 1;

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
		if (w == L_CONSENT) {
			if (l[i].n - v == 3 && strncasecmp(l[i].s + v, "yes",
			    3) == 0)
				r.consent = 1;
			else if (l[i].n - v == 2 && strncasecmp(l[i].s + v,
			    "no", 2) == 0)
				r.consent = 0;
			else
				continue;
			l[i].used = 1;
			continue;
		}
		if (fld[w].len > 0)
			continue;
		if (l[i].n > v) {
			if (field_value(&fld[w], tax, w, l[i].s + v,
			    l[i].n - v))
				l[i].used = 1;
			continue;
		}
		/* "Label:" alone: the value may be on the next line. */
		if (i + 1 < n && l[i + 1].used == 0 && l[i + 1].n > 0 &&
		    label_of(l[i + 1].s, l[i + 1].n, &v) < 0 &&
		    field_value(&fld[w], tax, w, l[i + 1].s, l[i + 1].n)) {
			l[i].used = 1;
			l[i + 1].used = 1;
		}
	}
	join(&narr, l, 0, n, 0);
	join(&sig, l, 0, n, 2);

	/* Caps; the whole text attached if anything had to be cut. */
	over = narr.len > RECORD_TEXT_MAX || less.len > RECORD_LESSONS_MAX ||
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
	cap_text(&narr, RECORD_TEXT_MAX, attached);
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
