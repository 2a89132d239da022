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
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "record.h"

/* Tags, in the order they must appear. */
#define T_CHANNEL	0x01
#define T_RECEIVED	0x02
#define T_RECEIPT	0x03
#define T_CONSENT	0x04
#define T_FIELD		0x10	/* + enum record_key */
#define T_NARRATIVE	0x20
#define T_CONTACT	0x21

#define HDR_BYTES	5	/* tag and 32-bit length */

static void	rec_err(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static size_t	utf8_check(const unsigned char *, size_t);
static int	day_valid(const char *, size_t);
static const char *tag_name(unsigned int);
static size_t	tag_max(unsigned int);
static int	check_text(const char *, unsigned int, const char *, size_t,
		    size_t);
static int	check_record(const struct record *, size_t *);
static void	put_field(struct buf *, unsigned int, const void *, size_t);

static const char *const key_names[RECORD_KEY_MAX] = {
	"title", "event_date", "incident_type", "contributing_factors",
	"loss_potential", "officers_on_scene", "time_of_day", "lighting",
	"weather", "agency_type", "region", "summary",
};

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
	uint32_t	 cp, min;
	size_t		 i = 0, j, n;

	while (i < len) {
		if (s[i] == 0)
			return i;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return i;
		if (len - i - 1 < n)
			return i;
		for (j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
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
	default:
		if (tag >= T_FIELD && tag < T_FIELD + RECORD_KEY_MAX)
			return key_names[tag - T_FIELD];
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
	default:
		return record_key_max((enum record_key)(tag - T_FIELD));
	}
}

/*
 * Checks a text value: min to the tag's cap bytes of UTF-8.  name is the
 * item's (NULL when encoding).  Returns 0 or -1 (logged).
 */
static int
check_text(const char *name, unsigned int tag, const char *s, size_t len,
    size_t min)
{
	size_t	 bad;

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

int
record_encode(struct buf *out, const struct record *r)
{
	unsigned char	 c;
	size_t		 size;
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
	return 0;
}

int
record_decode(struct record *out, const char *name, const void *data,
    size_t len)
{
	const unsigned char	*p = data;
	const char		*what;
	char			*mem = NULL, *s;
	uint64_t		 seen = 0;
	size_t			 off, used = 0, flen;
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
	 * Each field has a 5-byte header, so len bytes leave room for the
	 * texts and their NULs.
	 */
	if ((mem = sodium_malloc(len)) == NULL)
		fatal("sodium_malloc");
	out->mem = mem;
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
		if (seen & (UINT64_C(1) << tag)) {
			rec_err(name, "%s repeated at byte %zu", what, off);
			goto out;
		}
		if (tag < last) {
			rec_err(name, "%s out of order at byte %zu", what, off);
			goto out;
		}
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
	return key_names[k];
}

int
record_key_lookup(const char *name)
{
	int	 k;

	for (k = 0; k < RECORD_KEY_MAX; k++)
		if (strcmp(key_names[k], name) == 0)
			return k;
	return -1;
}

size_t
record_key_max(enum record_key k)
{
	switch (k) {
	case RECORD_TITLE:
		return RECORD_TITLE_MAX;
	case RECORD_SUMMARY:
		return RECORD_SUMMARY_MAX;
	default:
		if ((unsigned int)k >= RECORD_KEY_MAX)
			return 0;
		return RECORD_VALUE_MAX;
	}
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
