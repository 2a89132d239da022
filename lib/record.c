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
 * The payload record's encoding: a version byte and tagged, length-
 * prefixed fields.  Encoder and decoder share one set of rules, so what
 * intake writes always decodes, and the decoder accepts exactly one
 * encoding of each record (decode then encode gives the input back).
 * The report fields' names, limits and checks are lib/field.c's.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "field.h"
#include "log.h"
#include "record.h"
#include "utf8.h"

/* Tags, in the order they must appear. */
#define T_CHANNEL	0x01
#define T_RECEIVED	0x02
#define T_RECEIPT	0x03
#define T_CONSENT	0x04
#define T_FIELD		0x10	/* + enum record_key */
#define T_NARRATIVE	0x20
#define T_CONTACT	0x21
#define T_LESSONS	0x22
#define T_SIGNATURE	0x23
#define T_QUARANTINED	0x30	/* one byte 1; only when set */
#define T_ATTACH	0x40	/* repeated, once per attachment */

/* An attachment's value: name-len (2), name, type-len (1), type, data. */
#define ATTACH_HDR	3
#define QUARANTINE_NAME	"message.eml"
#define QUARANTINE_TYPE	"message/rfc822"

#define HDR_BYTES	5	/* tag and 32-bit length */

static void	rec_err(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static size_t	utf8_check(const unsigned char *, size_t);
static int	day_valid(const char *, size_t);
static const char *tag_name(unsigned int);
static size_t	tag_max(unsigned int);
static int	check_text(const char *, unsigned int, const char *, size_t,
		    size_t);
static int	type_valid(const char *, size_t);
static int	check_attach(const char *, const struct record_attachment *,
		    size_t, size_t, int);
static int	check_record(const struct record *, size_t *);
static int	decode_attach(const char *, struct record_attachment *, char *,
		    size_t *, const unsigned char *, size_t, size_t, size_t *,
		    int);
static void	put_field(struct buf *, unsigned int, const void *, size_t);
static void	put_attach(struct buf *, const struct record_attachment *);

static const char *const channel_names[RECORD_CHANNEL_MAX] = {
	"form", "email",
};

/*
 * Logs one fault of a record.  Messages carry tag names, sizes and
 * offsets only, never any of the content.
 */
static void
rec_err(const char *name, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (name != NULL)
		log_warnx("item %s: record: %s", name, msg);
	else
		log_warnx("record: %s", msg);
}

/*
 * Returns len if s is strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) without NUL bytes, else the offset
 * of the first bad sequence.
 */
static size_t
utf8_check(const unsigned char *s, size_t len)
{
	size_t	 i = 0;
	int	 n;

	while (i < len) {
		if (s[i] == 0 || (n = utf8_decode(NULL, (const char *)s + i,
		    len - i)) == -1)
			return i;
		i += (size_t)n;
	}
	return len;
}

/* 1 if s (len bytes) is a real day YYYY-MM-DD from 2000 on. */
static int
day_valid(const char *s, size_t len)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			 y, m, d, i, leap;

	if (len != RECORD_DAY_LEN || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < RECORD_DAY_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* The name of a tag for messages, or NULL if the tag is unknown. */
static const char *
tag_name(unsigned int tag)
{
	switch (tag) {
	case T_CHANNEL:
		return "channel";
	case T_RECEIVED:
		return "received";
	case T_RECEIPT:
		return "receipt";
	case T_CONSENT:
		return "consent";
	case T_NARRATIVE:
		return "narrative";
	case T_CONTACT:
		return "contact";
	case T_LESSONS:
		return "lessons";
	case T_SIGNATURE:
		return "signature";
	case T_QUARANTINED:
		return "quarantined";
	case T_ATTACH:
		return "attachment";
	default:
		if (tag >= T_FIELD && tag < T_FIELD + RECORD_KEY_MAX)
			return field_get((enum record_key)(tag -
			    T_FIELD))->key;
		return NULL;
	}
}

/* The largest length of a known tag's value. */
static size_t
tag_max(unsigned int tag)
{
	switch (tag) {
	case T_CHANNEL:
		return 5;	/* "email" */
	case T_RECEIVED:
		return RECORD_DAY_LEN;
	case T_RECEIPT:
		return RECORD_RECEIPT_BYTES;
	case T_CONSENT:
		return 1;
	case T_NARRATIVE:
		return RECORD_TEXT_MAX;
	case T_CONTACT:
		return RECORD_CONTACT_MAX;
	case T_LESSONS:
		return RECORD_LESSONS_MAX;
	case T_SIGNATURE:
		return RECORD_SIGNATURE_MAX;
	case T_QUARANTINED:
		return 1;
	case T_ATTACH:
		/* The quarantined message may use the whole total. */
		return ATTACH_HDR + RECORD_ATTACH_NAME_MAX +
		    RECORD_ATTACH_TYPE_MAX + RECORD_ATTACH_TOTAL;
	default:
		return record_key_max((enum record_key)(tag - T_FIELD));
	}
}

/*
 * Checks a text value: min to the tag's cap bytes of UTF-8, and a
 * report field's value as field_check() without a taxonomy, so that
 * what a record holds every reader of the field accepts.  name is the
 * item's (NULL when encoding).  Returns 0 or -1 (logged).
 */
static int
check_text(const char *name, unsigned int tag, const char *s, size_t len,
    size_t min)
{
	size_t	 bad;
	int	 e;

	if (len < min) {
		rec_err(name, "%s is empty", tag_name(tag));
		return -1;
	}
	if (len > tag_max(tag)) {
		rec_err(name, "%s is longer than %zu bytes", tag_name(tag),
		    tag_max(tag));
		return -1;
	}
	if ((bad = utf8_check((const unsigned char *)s, len)) != len) {
		rec_err(name, "%s: invalid UTF-8 at byte %zu", tag_name(tag),
		    bad);
		return -1;
	}
	if (tag >= T_FIELD && tag < T_FIELD + RECORD_KEY_MAX &&
	    (e = field_check((enum record_key)(tag - T_FIELD), NULL, s,
	    len)) != 0) {
		/* The phrase names no content. */
		rec_err(name, "%s %s", tag_name(tag), field_strerror(e));
		return -1;
	}
	return 0;
}

/*
 * 1 if s (len bytes) is a lowercase media type "type/subtype" of the
 * restricted-name characters of RFC 6838 (a-z 0-9 ! # $ & - ^ _ . +),
 * each part at least one character, at most RECORD_ATTACH_TYPE_MAX bytes.
 */
static int
type_valid(const char *s, size_t len)
{
	size_t	 i, slash = 0, nslash = 0;

	if (len < 3 || len > RECORD_ATTACH_TYPE_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '/') {
			slash = i;
			nslash++;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr("!#$&-^_.+", s[i]) != NULL) || s[i] == '\0')
			return 0;
	}
	return nslash == 1 && slash > 0 && slash < len - 1;
}

/*
 * Checks n attachments: the count, each name (UTF-8 without control
 * characters, at most RECORD_ATTACH_NAME_MAX bytes), type and size, the
 * total, and for a quarantined record its one "message.eml".  name is
 * the item's (NULL when encoding); messages number the attachments
 * from first + 1.  Returns 0 or -1 (logged).
 */
static int
check_attach(const char *name, const struct record_attachment *a, size_t n,
    size_t first, int quarantined)
{
	size_t	 i, j, nlen, tlen, total = 0, no = 0;

	if (n > RECORD_ATTACH_COUNT) {
		rec_err(name, "%zu attachments, more than %d", n,
		    RECORD_ATTACH_COUNT);
		return -1;
	}
	for (i = 0; i < n; i++) {
		no = first + i + 1;
		if (a[i].name == NULL || a[i].type == NULL ||
		    (a[i].data == NULL && a[i].len > 0)) {
			rec_err(name, "attachment %zu incomplete", no);
			return -1;
		}
		nlen = strnlen(a[i].name, RECORD_ATTACH_NAME_MAX + 1);
		if (nlen > RECORD_ATTACH_NAME_MAX) {
			rec_err(name, "attachment %zu: name is longer than "
			    "%d bytes", no, RECORD_ATTACH_NAME_MAX);
			return -1;
		}
		if ((j = utf8_check((const unsigned char *)a[i].name,
		    nlen)) != nlen) {
			rec_err(name, "attachment %zu: name: invalid UTF-8 "
			    "at byte %zu", no, j);
			return -1;
		}
		for (j = 0; j < nlen; j++)
			if ((unsigned char)a[i].name[j] < 0x20 ||
			    a[i].name[j] == 0x7f) {
				rec_err(name, "attachment %zu: name: control "
				    "character at byte %zu", no, j);
				return -1;
			}
		tlen = strnlen(a[i].type, RECORD_ATTACH_TYPE_MAX + 1);
		if (!type_valid(a[i].type, tlen)) {
			rec_err(name, "attachment %zu: type is not a "
			    "lowercase type/subtype", no);
			return -1;
		}
		if (a[i].len > (quarantined ? RECORD_ATTACH_TOTAL :
		    RECORD_ATTACH_MAX)) {
			rec_err(name, "attachment %zu is %zu bytes, more than "
			    "%d", no, a[i].len, quarantined ?
			    RECORD_ATTACH_TOTAL : RECORD_ATTACH_MAX);
			return -1;
		}
		total += a[i].len;
		if (total > RECORD_ATTACH_TOTAL) {
			rec_err(name, "attachments are more than %d bytes in "
			    "all", RECORD_ATTACH_TOTAL);
			return -1;
		}
	}
	if (quarantined && (n != 1 || strcmp(a[0].name, QUARANTINE_NAME) != 0 ||
	    strcmp(a[0].type, QUARANTINE_TYPE) != 0)) {
		rec_err(name, "quarantined without its one attachment "
		    "%s (%s)", QUARANTINE_NAME, QUARANTINE_TYPE);
		return -1;
	}
	return 0;
}

/*
 * Checks a caller's record against the decoder's rules and sets *sizep
 * to the length of its encoding.  Returns 0 or -1 (logged).
 */
static int
check_record(const struct record *r, size_t *sizep)
{
	size_t	 size, len;
	int	 k;

	if ((unsigned int)r->channel >= RECORD_CHANNEL_MAX) {
		rec_err(NULL, "channel %d unknown", (int)r->channel);
		return -1;
	}
	if (r->consent != 0 && r->consent != 1) {
		rec_err(NULL, "consent is %d, not 0 or 1", r->consent);
		return -1;
	}
	if (!day_valid(r->received, strnlen(r->received,
	    sizeof(r->received)))) {
		rec_err(NULL, "received is not a day YYYY-MM-DD");
		return -1;
	}
	size = 1 + HDR_BYTES + strlen(channel_names[r->channel]) +
	    HDR_BYTES + RECORD_DAY_LEN + HDR_BYTES + RECORD_RECEIPT_BYTES +
	    HDR_BYTES + 1;
	for (k = 0; k < RECORD_KEY_MAX; k++) {
		if (r->field[k] == NULL)
			continue;
		len = strnlen(r->field[k],
		    record_key_max((enum record_key)k) + 1);
		if (check_text(NULL, T_FIELD + k, r->field[k], len, 1) == -1)
			return -1;
		size += HDR_BYTES + len;
	}
	if (r->narrative == NULL) {
		rec_err(NULL, "narrative missing");
		return -1;
	}
	len = strnlen(r->narrative, RECORD_TEXT_MAX + 1);
	if (check_text(NULL, T_NARRATIVE, r->narrative, len, 0) == -1)
		return -1;
	size += HDR_BYTES + len;
	if (r->contact != NULL) {
		len = strnlen(r->contact, RECORD_CONTACT_MAX + 1);
		if (check_text(NULL, T_CONTACT, r->contact, len, 1) == -1)
			return -1;
		size += HDR_BYTES + len;
	}
	if (r->lessons != NULL) {
		len = strnlen(r->lessons, RECORD_LESSONS_MAX + 1);
		if (check_text(NULL, T_LESSONS, r->lessons, len, 1) == -1)
			return -1;
		size += HDR_BYTES + len;
	}
	if (r->signature != NULL) {
		len = strnlen(r->signature, RECORD_SIGNATURE_MAX + 1);
		if (check_text(NULL, T_SIGNATURE, r->signature, len, 1) == -1)
			return -1;
		size += HDR_BYTES + len;
	}
	if (r->quarantined != 0 && r->quarantined != 1) {
		rec_err(NULL, "quarantined is %d, not 0 or 1", r->quarantined);
		return -1;
	}
	if (r->quarantined)
		size += HDR_BYTES + 1;
	if (r->nattach > 0 && r->attach == NULL) {
		rec_err(NULL, "%zu attachments without an array", r->nattach);
		return -1;
	}
	if (check_attach(NULL, r->attach, r->nattach, 0, r->quarantined) == -1)
		return -1;
	if ((r->quarantined || r->nattach > 0) &&
	    r->channel != RECORD_EMAIL) {
		rec_err(NULL, "attachments or quarantine on a %s record",
		    channel_names[r->channel]);
		return -1;
	}
	for (k = 0; (size_t)k < r->nattach; k++)
		size += HDR_BYTES + ATTACH_HDR + strlen(r->attach[k].name) +
		    strlen(r->attach[k].type) + r->attach[k].len;
	/* The caps add up to less than RECORD_MAX. */
	*sizep = size;
	return 0;
}

static void
put_field(struct buf *out, unsigned int tag, const void *p, size_t len)
{
	unsigned char	 hdr[HDR_BYTES];

	hdr[0] = (unsigned char)tag;
	hdr[1] = (unsigned char)(len >> 24);
	hdr[2] = (unsigned char)(len >> 16);
	hdr[3] = (unsigned char)(len >> 8);
	hdr[4] = (unsigned char)len;
	buf_add(out, hdr, sizeof(hdr));
	buf_add(out, p, len);
}

static void
put_attach(struct buf *out, const struct record_attachment *a)
{
	unsigned char	 h[ATTACH_HDR];
	size_t		 nlen, tlen, len;

	nlen = strlen(a->name);
	tlen = strlen(a->type);
	len = ATTACH_HDR + nlen + tlen + a->len;
	h[0] = T_ATTACH;
	buf_add(out, h, 1);
	h[0] = (unsigned char)(len >> 24);
	h[1] = (unsigned char)(len >> 16);
	h[2] = (unsigned char)(len >> 8);
	buf_add(out, h, 3);
	h[0] = (unsigned char)len;
	buf_add(out, h, 1);
	h[0] = (unsigned char)(nlen >> 8);
	h[1] = (unsigned char)nlen;
	buf_add(out, h, 2);
	buf_add(out, a->name, nlen);
	h[0] = (unsigned char)tlen;
	buf_add(out, h, 1);
	buf_add(out, a->type, tlen);
	if (a->len > 0)
		buf_add(out, a->data, a->len);
}

int
record_encode(struct buf *out, const struct record *r)
{
	unsigned char	 c;
	size_t		 size, i;
	int		 k;

	if (check_record(r, &size) == -1)
		return -1;
	buf_grow(out, size);
	c = RECORD_VERSION;
	buf_add(out, &c, 1);
	put_field(out, T_CHANNEL, channel_names[r->channel],
	    strlen(channel_names[r->channel]));
	put_field(out, T_RECEIVED, r->received, RECORD_DAY_LEN);
	put_field(out, T_RECEIPT, r->receipt, RECORD_RECEIPT_BYTES);
	c = (unsigned char)r->consent;
	put_field(out, T_CONSENT, &c, 1);
	for (k = 0; k < RECORD_KEY_MAX; k++)
		if (r->field[k] != NULL)
			put_field(out, T_FIELD + k, r->field[k],
			    strlen(r->field[k]));
	put_field(out, T_NARRATIVE, r->narrative, strlen(r->narrative));
	if (r->contact != NULL)
		put_field(out, T_CONTACT, r->contact, strlen(r->contact));
	if (r->lessons != NULL)
		put_field(out, T_LESSONS, r->lessons, strlen(r->lessons));
	if (r->signature != NULL)
		put_field(out, T_SIGNATURE, r->signature,
		    strlen(r->signature));
	if (r->quarantined) {
		c = 1;
		put_field(out, T_QUARANTINED, &c, 1);
	}
	for (i = 0; i < r->nattach; i++)
		put_attach(out, &r->attach[i]);
	return 0;
}

/*
 * Decodes the value of the i-th attachment (v, flen bytes) into *a, its
 * strings copied to mem at *usedp, and checks it (as check_attach());
 * *totalp adds up the data.  Returns 0 or -1 (logged).
 */
static int
decode_attach(const char *name, struct record_attachment *a, char *mem,
    size_t *usedp, const unsigned char *v, size_t flen, size_t i,
    size_t *totalp, int quarantined)
{
	char	*s;
	size_t	 nlen, tlen, dlen;

	if (i == RECORD_ATTACH_COUNT) {
		rec_err(name, "more than %d attachments", RECORD_ATTACH_COUNT);
		return -1;
	}
	if (flen < ATTACH_HDR ||
	    (nlen = (size_t)v[0] << 8 | v[1]) > flen - ATTACH_HDR ||
	    (tlen = v[2 + nlen]) > flen - ATTACH_HDR - nlen) {
		rec_err(name, "attachment %zu: name or type truncated", i + 1);
		return -1;
	}
	dlen = flen - ATTACH_HDR - nlen - tlen;
	s = mem + *usedp;
	memcpy(s, v + 2, nlen);
	s[nlen] = '\0';
	a->name = s;
	s += nlen + 1;
	memcpy(s, v + 3 + nlen, tlen);
	s[tlen] = '\0';
	a->type = s;
	s += tlen + 1;
	if (dlen > 0)
		memcpy(s, v + 3 + nlen + tlen, dlen);
	s[dlen] = '\0';
	a->data = (unsigned char *)s;
	a->len = dlen;
	*usedp += nlen + tlen + dlen + 3;
	/* A NUL inside the name or type would hide the rest. */
	if (strlen(a->name) != nlen || strlen(a->type) != tlen) {
		rec_err(name, "attachment %zu: NUL in name or type", i + 1);
		return -1;
	}
	if (check_attach(name, a, 1, i, quarantined) == -1)
		return -1;
	*totalp += dlen;
	if (*totalp > RECORD_ATTACH_TOTAL) {
		rec_err(name, "attachments are more than %d bytes in all",
		    RECORD_ATTACH_TOTAL);
		return -1;
	}
	return 0;
}

int
record_decode(struct record *out, const char *name, const void *data,
    size_t len)
{
	const unsigned char	*p = data;
	const char		*what;
	char			*mem = NULL, *s;
	struct record_attachment *att;
	uint64_t		 seen = 0;
	size_t			 off, used, flen, arrsz, memsz, total = 0;
	unsigned int		 tag, last = 0;
	int			 rc = -1, k;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		rec_err(name, "empty");
		goto out;
	}
	if (len > RECORD_MAX) {
		rec_err(name, "%zu bytes, more than %d", len, RECORD_MAX);
		goto out;
	}
	if (p[0] != RECORD_VERSION) {
		rec_err(name, "unknown version %u", p[0]);
		goto out;
	}
	/*
	 * The attachment array first, then the values: each field has a
	 * 5-byte header, so len bytes leave room for the texts and their
	 * NULs, and for an attachment's name, type and data with a NUL
	 * after each (its own header is 3 bytes more).  sodium_malloc()
	 * aligns only a size that is a multiple of the alignment.
	 */
	arrsz = RECORD_ATTACH_COUNT * sizeof(*att);
	memsz = (arrsz + len + 15) / 16 * 16;
	if ((mem = sodium_malloc(memsz)) == NULL)
		fatal("sodium_malloc");
	out->mem = mem;
	att = (struct record_attachment *)(void *)mem;
	used = arrsz;
	for (off = 1; off < len; off += flen) {
		if (len - off < HDR_BYTES) {
			rec_err(name, "field header truncated at byte %zu",
			    off);
			goto out;
		}
		tag = p[off];
		flen = (size_t)p[off + 1] << 24 | (size_t)p[off + 2] << 16 |
		    (size_t)p[off + 3] << 8 | (size_t)p[off + 4];
		if ((what = tag_name(tag)) == NULL) {
			rec_err(name, "unknown tag 0x%02x at byte %zu", tag,
			    off);
			goto out;
		}
		if (tag < 64 && (seen & (UINT64_C(1) << tag))) {
			rec_err(name, "%s repeated at byte %zu", what, off);
			goto out;
		}
		if (tag < last) {
			rec_err(name, "%s out of order at byte %zu", what, off);
			goto out;
		}
		if (tag < 64)
			seen |= UINT64_C(1) << tag;
		last = tag;
		off += HDR_BYTES;
		if (flen > tag_max(tag)) {
			rec_err(name, "%s is %zu bytes, more than %zu", what,
			    flen, tag_max(tag));
			goto out;
		}
		if (flen > len - off) {
			rec_err(name, "%s truncated: %zu bytes, %zu left",
			    what, flen, len - off);
			goto out;
		}
		switch (tag) {
		case T_CHANNEL:
			for (k = 0; k < RECORD_CHANNEL_MAX; k++)
				if (strlen(channel_names[k]) == flen &&
				    memcmp(channel_names[k], p + off,
				    flen) == 0)
					break;
			if (k == RECORD_CHANNEL_MAX) {
				rec_err(name, "channel unknown");
				goto out;
			}
			out->channel = (enum record_channel)k;
			break;
		case T_RECEIVED:
			if (!day_valid((const char *)p + off, flen)) {
				rec_err(name, "received is not a day "
				    "YYYY-MM-DD");
				goto out;
			}
			memcpy(out->received, p + off, RECORD_DAY_LEN);
			break;
		case T_RECEIPT:
			if (flen != RECORD_RECEIPT_BYTES) {
				rec_err(name, "receipt is %zu bytes, not %d",
				    flen, RECORD_RECEIPT_BYTES);
				goto out;
			}
			memcpy(out->receipt, p + off, RECORD_RECEIPT_BYTES);
			break;
		case T_CONSENT:
			if (flen != 1 || p[off] > 1) {
				rec_err(name, "consent is not one byte 0 or "
				    "1");
				goto out;
			}
			out->consent = p[off];
			break;
		case T_QUARANTINED:
			if (flen != 1 || p[off] != 1) {
				rec_err(name, "quarantined is not one byte 1");
				goto out;
			}
			out->quarantined = 1;
			break;
		case T_ATTACH:
			if (decode_attach(name, &att[out->nattach], mem, &used,
			    p + off, flen, out->nattach, &total,
			    out->quarantined) == -1)
				goto out;
			out->nattach++;
			break;
		default:
			if (check_text(name, tag, (const char *)p + off, flen,
			    tag == T_NARRATIVE ? 0 : 1) == -1)
				goto out;
			s = mem + used;
			memcpy(s, p + off, flen);
			s[flen] = '\0';
			used += flen + 1;
			if (tag == T_NARRATIVE)
				out->narrative = s;
			else if (tag == T_CONTACT)
				out->contact = s;
			else if (tag == T_LESSONS)
				out->lessons = s;
			else if (tag == T_SIGNATURE)
				out->signature = s;
			else
				out->field[tag - T_FIELD] = s;
			break;
		}
	}
	if (!(seen & UINT64_C(1) << T_CHANNEL))
		what = "channel";
	else if (!(seen & UINT64_C(1) << T_RECEIVED))
		what = "received";
	else if (!(seen & UINT64_C(1) << T_RECEIPT))
		what = "receipt";
	else if (!(seen & UINT64_C(1) << T_CONSENT))
		what = "consent";
	else if (!(seen & UINT64_C(1) << T_NARRATIVE))
		what = "narrative";
	else
		what = NULL;
	if (what != NULL) {
		rec_err(name, "%s missing", what);
		goto out;
	}
	if ((out->quarantined || out->nattach > 0) &&
	    out->channel != RECORD_EMAIL) {
		rec_err(name, "attachments or quarantine on a %s record",
		    channel_names[out->channel]);
		goto out;
	}
	if (out->nattach > 0)
		out->attach = att;
	if (out->quarantined &&
	    check_attach(name, att, out->nattach, 0, 1) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		record_free(out);
	return rc;
}

void
record_free(struct record *r)
{
	if (r == NULL)
		return;
	if (r->mem != NULL)
		sodium_free(r->mem);
	sodium_memzero(r, sizeof(*r));
}

const char *
record_key_name(enum record_key k)
{
	if ((unsigned int)k >= RECORD_KEY_MAX)
		return NULL;
	return field_get(k)->key;
}

int
record_key_tax(enum record_key k)
{
	if ((unsigned int)k >= RECORD_KEY_MAX)
		return -1;
	return field_get(k)->tax;
}

int
record_key_lookup(const char *name)
{
	return field_lookup(name);
}

size_t
record_key_max(enum record_key k)
{
	if ((unsigned int)k >= RECORD_KEY_MAX)
		return 0;
	return FIELD_BYTES(field_get(k)->max);
}

int
record_day(char out[RECORD_DAY_LEN + 1], time_t t)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, RECORD_DAY_LEN + 1, "%Y-%m-%d", &tm) !=
	    RECORD_DAY_LEN || !day_valid(out, RECORD_DAY_LEN)) {
		out[0] = '\0';
		log_warnx("record: time %lld is out of range", (long long)t);
		return -1;
	}
	return 0;
}
