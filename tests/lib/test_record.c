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
 * Unit tests of lib/record.c: round trips of every field, the exact
 * bytes of a small record, and one test per decode error (each with its
 * exact message), including a truncation at every offset; the e-mail
 * fields (lessons, signature, quarantine, attachments) and their caps.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "field.h"
#include "harness.h"
#include "nm.h"
#include "record.h"

#define T_CHANNEL	0x01
#define T_RECEIVED	0x02
#define T_RECEIPT	0x03
#define T_CONSENT	0x04
#define T_TITLE		0x10
#define T_SUMMARY	0x1b
#define T_NARRATIVE	0x20
#define T_CONTACT	0x21
#define T_LESSONS	0x22
#define T_SIGNATURE	0x23
#define T_QUARANTINED	0x30
#define T_ATTACH	0x40

#define MIB		(1024 * 1024)

static const char narrative[] =
    "At 0200 we \"stopped\" a car;\n\tthe driver said 'nothing'.\r\n"
    "Caf\xc3\xa9 \xe2\x82\xac 100 \xf0\x9f\x9a\x93 -- \\ back\\slash\n"
    "\x01\x7f end";

/* Appends one field: tag, 32-bit big-endian length, bytes. */
static void
add(struct buf *b, unsigned int tag, const void *p, size_t len)
{
	unsigned char	 h[5];

	h[0] = (unsigned char)tag;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	buf_add(b, h, 5);
	buf_add(b, p, len);
}

/*
 * A valid minimal encoding without the fields whose bit is set in skip
 * (1 channel, 2 received, 4 receipt, 8 consent, 16 narrative).
 */
static void
base(struct buf *b, int skip)
{
	unsigned char	 rc[32], one = 1;

	memset(rc, 0xab, sizeof(rc));
	buf_reset(b);
	buf_addch(b, 1);
	if (!(skip & 1))
		add(b, T_CHANNEL, "form", 4);
	if (!(skip & 2))
		add(b, T_RECEIVED, "2026-03-14", 10);
	if (!(skip & 4))
		add(b, T_RECEIPT, rc, 32);
	if (!(skip & 8))
		add(b, T_CONSENT, &one, 1);
	if (!(skip & 16))
		add(b, T_NARRATIVE, "text", 4);
}

/* Decodes b with stderr captured; *errp gets what was logged. */
static int
dec(const struct buf *b, const char *name, const char **errp)
{
	struct record	 r;
	int		 rc;

	cap_start();
	rc = record_decode(&r, name, b->data, b->len);
	*errp = cap_end();
	if (rc == -1 && (r.mem != NULL || r.narrative != NULL))
		fprintf(stderr, "record not emptied after a failure\n");
	record_free(&r);
	return rc;
}

#define BAD(b, want) do {						\
	const char *e_;							\
	INT_EQ(dec((b), "n1", &e_), -1);				\
	STR_EQ(e_, "nearmiss: item n1: record: " want "\n");		\
} while (0)

static const unsigned char bin[] = { 0, 1, 2, 0xff, 0, 'x', '\n', 0 };
static const struct record_attachment atts[] = {
	{ "photo \xc3\xa9t\xc3\xa9.jpg", "image/jpeg", bin, sizeof(bin) },
	{ "", "application/octet-stream", NULL, 0 },
	{ "../../etc/passwd", "text/plain", (const unsigned char *)"hi", 2 },
};

/* A valid e-mail record's start: as base(b, 16), channel "email". */
static void
ebase(struct buf *b)
{
	unsigned char	 rc[32], one = 1;

	memset(rc, 0xab, sizeof(rc));
	buf_reset(b);
	buf_addch(b, 1);
	add(b, T_CHANNEL, "email", 5);
	add(b, T_RECEIVED, "2026-03-14", 10);
	add(b, T_RECEIPT, rc, 32);
	add(b, T_CONSENT, &one, 1);
	add(b, T_NARRATIVE, "text", 4);
}

/* Appends an attachment field; nlen and tlen as they are encoded. */
static void
addatt(struct buf *b, const char *name, size_t nlen, const char *type,
    size_t tlen, const void *data, size_t dlen)
{
	unsigned char	 h[5];
	size_t		 len = 3 + nlen + tlen + dlen;

	h[0] = T_ATTACH;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	buf_add(b, h, 5);
	h[0] = (unsigned char)(nlen >> 8);
	h[1] = (unsigned char)nlen;
	buf_add(b, h, 2);
	buf_add(b, name, nlen);
	h[0] = (unsigned char)tlen;
	buf_add(b, h, 1);
	buf_add(b, type, tlen);
	buf_add(b, data, dlen);
}

/* n 4-byte characters (U+1F693) into s, NUL-terminated. */
static void
wide(char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		memcpy(s + 4 * i, "\xf0\x9f\x9a\x93", 4);
	s[4 * n] = '\0';
}

/*
 * A record with every field: the title and summary at their limits in
 * characters of 4 bytes each, so at FIELD_BYTES() of them.
 */
static void
fill(struct record *r)
{
	static char	 title[FIELD_BYTES(RECORD_TITLE_MAX) + 1];
	static char	 summary[FIELD_BYTES(RECORD_SUMMARY_MAX) + 1];
	int		 k;

	memset(r, 0, sizeof(*r));
	wide(title, RECORD_TITLE_MAX);
	/* A newline and a tab are characters of a summary too. */
	memcpy(summary, "\n\t \"", 4);
	wide(summary + 4, RECORD_SUMMARY_MAX - 4);
	r->field[RECORD_TITLE] = title;
	r->field[RECORD_SUMMARY] = summary;
	r->field[RECORD_EVENT_DATE] = "2024-02";
	r->field[RECORD_INCIDENT_TYPE] = "traffic-stop";
	r->field[RECORD_CONTRIBUTING_FACTORS] = "fatigue,a-b,c1,d,e";
	r->field[RECORD_LOSS_POTENTIAL] = "death";
	r->field[RECORD_OFFICERS_ON_SCENE] = "999";
	r->field[RECORD_TIME_OF_DAY] = "night";
	r->field[RECORD_LIGHTING] = "dark";
	r->field[RECORD_WEATHER] = "snow-or-ice";
	r->field[RECORD_AGENCY_TYPE] = "state-police";
	r->field[RECORD_REGION] = "pacific-nw";
	r->narrative = narrative;
	r->contact = "call me: +1 555 0100\nor mail x@example.org";
	r->lessons = "Wait for backup.\n\xe2\x80\x94 Always.";
	r->signature = "-- \nJ. Doe\nSent from my phone";
	r->attach = atts;
	r->nattach = NM_NELEM(atts);
	r->consent = 1;
	r->channel = RECORD_EMAIL;
	memcpy(r->received, "2024-02-29", 11);
	for (k = 0; k < RECORD_RECEIPT_BYTES; k++)
		r->receipt[k] = (unsigned char)(k * 37);
	r->receipt[5] = 0;
}

static void
test_roundtrip(void)
{
	struct record	 in, out;
	struct buf	 b = BUF_INIT, b2 = BUF_INIT;
	size_t		 cut, ncut = 0, nok = 0, off, flen, nopt;
	size_t		 optcut[8];
	const char	*e;
	int		 k;

	fill(&in);
	INT_EQ(record_encode(&b, &in), 0);
	INT_EQ((unsigned char)b.data[0], RECORD_VERSION);
	INT_EQ(record_decode(&out, "n1", b.data, b.len), 0);
	OK(out.mem != NULL);
	for (k = 0; k < RECORD_KEY_MAX; k++)
		STR_EQ(out.field[k], in.field[k]);
	STR_EQ(out.narrative, narrative);
	STR_EQ(out.contact, in.contact);
	STR_EQ(out.lessons, in.lessons);
	STR_EQ(out.signature, in.signature);
	INT_EQ(out.quarantined, 0);
	INT_EQ(out.nattach, NM_NELEM(atts));
	for (k = 0; k < (int)NM_NELEM(atts) && out.attach != NULL; k++) {
		STR_EQ(out.attach[k].name, atts[k].name);
		STR_EQ(out.attach[k].type, atts[k].type);
		INT_EQ(out.attach[k].len, atts[k].len);
		OK(atts[k].len == 0 ||
		    memcmp(out.attach[k].data, atts[k].data, atts[k].len) == 0);
	}
	INT_EQ(out.consent, 1);
	INT_EQ(out.channel, RECORD_EMAIL);
	STR_EQ(out.received, "2024-02-29");
	OK(memcmp(out.receipt, in.receipt, RECORD_RECEIPT_BYTES) == 0);
	/* The encoding is canonical: encoding the decoded record again. */
	INT_EQ(record_encode(&b2, &out), 0);
	INT_EQ(b2.len, b.len);
	OK(memcmp(b.data, b2.data, b.len) == 0);
	record_free(&out);
	OK(out.mem == NULL && out.narrative == NULL);
	record_free(&out);
	record_free(NULL);

	/*
	 * Truncation at every offset fails, except just before one of the
	 * optional fields after the narrative (contact, lessons, signature,
	 * attachments), which leaves a valid record without the rest.
	 */
	nopt = 0;
	for (off = 1; off < b.len; off += 5 + flen) {
		flen = (size_t)(unsigned char)b.data[off + 1] << 24 |
		    (size_t)(unsigned char)b.data[off + 2] << 16 |
		    (size_t)(unsigned char)b.data[off + 3] << 8 |
		    (unsigned char)b.data[off + 4];
		if ((unsigned char)b.data[off] > T_NARRATIVE)
			optcut[nopt++] = off;
	}
	INT_EQ(nopt, 6);
	for (cut = 0; cut < b.len; cut++) {
		cap_start();
		k = record_decode(&out, NULL, b.data, cut);
		e = cap_end();
		if (k == 0) {
			OK(nok < nopt && cut == optcut[nok]);
			nok++;
			OK(out.nattach <= NM_NELEM(atts));
		} else if (e[0] != '\0' && out.mem == NULL)
			ncut++;
		record_free(&out);
	}
	INT_EQ(nok, nopt);
	INT_EQ(ncut, b.len - nopt);
	buf_free(&b);
	buf_free(&b2);
}

static void
test_minimal(void)
{
	struct record	 in, out;
	struct buf	 b = BUF_INIT;
	static const unsigned char want[] = {
		1,
		0x01, 0, 0, 0, 4, 'f', 'o', 'r', 'm',
		0x02, 0, 0, 0, 10, '2', '0', '2', '6', '-', '0', '1', '-',
		'0', '1',
		0x03, 0, 0, 0, 32,
		7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
		7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
		0x04, 0, 0, 0, 1, 0,
		0x20, 0, 0, 0, 0,
	};
	int		 k;

	memset(&in, 0, sizeof(in));
	in.narrative = "";
	in.channel = RECORD_FORM;
	memcpy(in.received, "2026-01-01", 11);
	memset(in.receipt, 7, sizeof(in.receipt));
	buf_addstr(&b, "kept");
	INT_EQ(record_encode(&b, &in), 0);
	INT_EQ(b.len, 4 + sizeof(want));
	OK(memcmp(b.data, "kept", 4) == 0);
	OK(memcmp(b.data + 4, want, sizeof(want)) == 0);
	INT_EQ(record_decode(&out, NULL, b.data + 4, b.len - 4), 0);
	for (k = 0; k < RECORD_KEY_MAX; k++)
		OK(out.field[k] == NULL);
	OK(out.contact == NULL);
	STR_EQ(out.narrative, "");
	INT_EQ(out.consent, 0);
	INT_EQ(out.channel, RECORD_FORM);
	STR_EQ(out.received, "2026-01-01");
	record_free(&out);
	buf_free(&b);
}

static void
test_decode_errors(void)
{
	struct buf	 b = BUF_INIT;
	unsigned char	 big[FIELD_BYTES(RECORD_SUMMARY_MAX) + 1];
	unsigned char	 zero = 0, two = 2;
	const char	*e;

	buf_reset(&b);
	INT_EQ(dec(&b, NULL, &e), -1);
	STR_EQ(e, "nearmiss: record: empty\n");

	base(&b, 0);
	INT_EQ(dec(&b, "n1", &e), 0);
	STR_EQ(e, "");

	b.data[0] = 2;
	BAD(&b, "unknown version 2");
	b.data[0] = 0;
	BAD(&b, "unknown version 0");

	base(&b, 0);
	add(&b, 0x24, "x", 1);
	BAD(&b, "unknown tag 0x24 at byte 77");
	base(&b, 0);
	add(&b, 0x31, "x", 1);
	BAD(&b, "unknown tag 0x31 at byte 77");
	base(&b, 0);
	add(&b, 0x41, "x", 1);
	BAD(&b, "unknown tag 0x41 at byte 77");
	base(&b, 0);
	add(&b, 0xff, "x", 1);
	BAD(&b, "unknown tag 0xff at byte 77");
	base(&b, 16);
	add(&b, 0x05, "x", 1);
	BAD(&b, "unknown tag 0x05 at byte 68");
	base(&b, 16);
	add(&b, 0x00, "", 0);
	BAD(&b, "unknown tag 0x00 at byte 68");

	/* Duplicates and order. */
	base(&b, 0);
	add(&b, T_CONTACT, "a", 1);
	add(&b, T_CONTACT, "b", 1);
	BAD(&b, "contact repeated at byte 83");
	base(&b, 16);
	add(&b, T_TITLE, "a", 1);
	add(&b, T_TITLE, "a", 1);
	add(&b, T_NARRATIVE, "", 0);
	BAD(&b, "title repeated at byte 74");
	base(&b, 16);
	add(&b, T_SUMMARY, "a", 1);
	add(&b, T_TITLE, "a", 1);
	add(&b, T_NARRATIVE, "", 0);
	BAD(&b, "title out of order at byte 74");
	base(&b, 0);
	add(&b, T_CONSENT, &zero, 1);
	BAD(&b, "consent repeated at byte 77");

	/* Lengths over the caps, and lengths past the end. */
	base(&b, 16);
	memset(big, 'x', sizeof(big));
	add(&b, T_TITLE, big, FIELD_BYTES(RECORD_TITLE_MAX) + 1);
	BAD(&b, "title is 801 bytes, more than 800");
	base(&b, 16);
	add(&b, T_SUMMARY, big, FIELD_BYTES(RECORD_SUMMARY_MAX) + 1);
	BAD(&b, "summary is 4097 bytes, more than 4096");
	base(&b, 16);
	add(&b, T_TITLE + 3, big, 981);
	BAD(&b, "contributing_factors is 981 bytes, more than 980");
	base(&b, 16);
	buf_add(&b, "\x20\x00\x01\x00\x01", 5);
	BAD(&b, "narrative is 65537 bytes, more than 65536");
	base(&b, 16);
	buf_add(&b, "\x20\xff\xff\xff\xff", 5);
	BAD(&b, "narrative is 4294967295 bytes, more than 65536");
	base(&b, 0);
	buf_add(&b, "\x21\x00\x00\x08\x01", 5);
	BAD(&b, "contact is 2049 bytes, more than 2048");
	base(&b, 16);
	buf_add(&b, "\x20\x00\x00\x00\x05text", 9);
	BAD(&b, "narrative truncated: 5 bytes, 4 left");
	base(&b, 16);
	buf_add(&b, "\x20\x00\x00", 3);
	BAD(&b, "field header truncated at byte 68");
	buf_reset(&b);
	buf_addch(&b, 1);
	buf_grow(&b, RECORD_MAX);
	while (b.len <= RECORD_MAX)
		buf_addch(&b, 0);
	BAD(&b, "11534337 bytes, more than 11534336");

	/* Fixed-size fields. */
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_CHANNEL, "fax", 3);
	BAD(&b, "channel unknown");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_CHANNEL, "forms", 5);
	BAD(&b, "channel unknown");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_CHANNEL, "emails", 6);
	BAD(&b, "channel is 6 bytes, more than 5");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_RECEIVED, "2026-02-29", 10);
	BAD(&b, "received is not a day YYYY-MM-DD");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_RECEIVED, "2026-3-14", 9);
	BAD(&b, "received is not a day YYYY-MM-DD");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_RECEIVED, "1999-12-31", 10);
	BAD(&b, "received is not a day YYYY-MM-DD");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_RECEIPT, big, 31);
	BAD(&b, "receipt is 31 bytes, not 32");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_CONSENT, &two, 1);
	BAD(&b, "consent is not one byte 0 or 1");
	buf_reset(&b);
	buf_addch(&b, 1);
	add(&b, T_CONSENT, "", 0);
	BAD(&b, "consent is not one byte 0 or 1");

	/* Empty optional values. */
	base(&b, 16);
	add(&b, T_TITLE, "", 0);
	add(&b, T_NARRATIVE, "", 0);
	BAD(&b, "title is empty");
	base(&b, 0);
	add(&b, T_CONTACT, "", 0);
	BAD(&b, "contact is empty");

	/* Each required field missing. */
	base(&b, 1);
	BAD(&b, "channel missing");
	base(&b, 2);
	BAD(&b, "received missing");
	base(&b, 4);
	BAD(&b, "receipt missing");
	base(&b, 8);
	BAD(&b, "consent missing");
	base(&b, 16);
	BAD(&b, "narrative missing");
	buf_reset(&b);
	buf_addch(&b, 1);
	BAD(&b, "channel missing");
	buf_free(&b);
}

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		const char	*want;
	} bad[] = {
		{ "ab\xc0\x80", 4, "narrative: invalid UTF-8 at byte 2" },
		{ "\xc1\xbf", 2, "narrative: invalid UTF-8 at byte 0" },
		{ "x\xe0\x80\xaf", 4, "narrative: invalid UTF-8 at byte 1" },
		{ "\xed\xa0\x80", 3, "narrative: invalid UTF-8 at byte 0" },
		{ "\xed\xbf\xbf", 3, "narrative: invalid UTF-8 at byte 0" },
		{ "\xf4\x90\x80\x80", 4, "narrative: invalid UTF-8 at byte 0" },
		{ "\xf0\x80\x80\xaf", 4, "narrative: invalid UTF-8 at byte 0" },
		{ "\xf5\x80\x80\x80", 4, "narrative: invalid UTF-8 at byte 0" },
		{ "\xff", 1, "narrative: invalid UTF-8 at byte 0" },
		{ "abc\x80", 4, "narrative: invalid UTF-8 at byte 3" },
		{ "\xe2\x82", 2, "narrative: invalid UTF-8 at byte 0" },
		{ "\xe2\x82z", 3, "narrative: invalid UTF-8 at byte 0" },
		{ "a\0b", 3, "narrative: invalid UTF-8 at byte 1" },
		{ "\xc3", 1, "narrative: invalid UTF-8 at byte 0" },
	};
	static const char *const good[] = {
		"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf",
		"\xee\x80\x80", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
		"\x7f",
	};
	struct buf	 b = BUF_INIT;
	struct record	 r;
	const char	*e;
	char		 want[128];
	size_t		 i;

	for (i = 0; i < NM_NELEM(bad); i++) {
		base(&b, 16);
		add(&b, T_NARRATIVE, bad[i].s, bad[i].len);
		INT_EQ(dec(&b, "n1", &e), -1);
		snprintf(want, sizeof(want), "nearmiss: item n1: record: %s\n",
		    bad[i].want);
		STR_EQ(e, want);
	}
	for (i = 0; i < NM_NELEM(good); i++) {
		base(&b, 16);
		add(&b, T_NARRATIVE, good[i], strlen(good[i]));
		INT_EQ(dec(&b, "n1", &e), 0);
	}
	/* The same check applies to every text field. */
	base(&b, 16);
	add(&b, T_TITLE + 10, "\xc0\xaf", 2);
	add(&b, T_NARRATIVE, "", 0);
	BAD(&b, "region: invalid UTF-8 at byte 0");
	base(&b, 0);
	add(&b, T_CONTACT, "ok \xed\xa0\x80", 6);
	BAD(&b, "contact: invalid UTF-8 at byte 3");

	/* The encoder refuses what the decoder would. */
	fill(&r);
	r.narrative = "bad \xff";
	buf_reset(&b);
	cap_start();
	INT_EQ(record_encode(&b, &r), -1);
	STR_EQ(cap_end(), "nearmiss: record: narrative: invalid UTF-8 at "
	    "byte 4\n");
	INT_EQ(b.len, 0);
	buf_free(&b);
}

/*
 * The report fields pass field_check() (no taxonomy): the record and
 * every reader of a field agree.  Each of these decoded before.
 */
static void
test_field_rules(void)
{
	static const struct {
		unsigned int	 tag;
		const char	*v, *want;
	} bad[] = {
		{ T_TITLE, "two\nlines", "title holds a control character "
		    "or a line break" },
		{ T_TITLE, "a\ttab", "title holds a control character "
		    "or a line break" },
		{ T_TITLE, "del \x7f", "title holds a control character "
		    "or a line break" },
		{ T_TITLE, "C1 \xc2\x85", "title holds a control character "
		    "or a line break" },
		{ T_TITLE, "an \xe2\x81\xa6isolate", "title holds a "
		    "bidirectional control character (U+202A to U+202E or "
		    "U+2066 to U+2069), which can make text read "
		    "differently from what it is" },
		{ T_SUMMARY, "cr\r\nlf", "summary holds a control "
		    "character or a line break" },
		{ T_SUMMARY, "\xe2\x80\xaa", "summary holds a "
		    "bidirectional control character (U+202A to U+202E or "
		    "U+2066 to U+2069), which can make text read "
		    "differently from what it is" },
		{ T_TITLE + 1, "2024-03-15", "event_date gives a day; give "
		    "the year and month only (YYYY-MM)" },
		{ T_TITLE + 1, "1899-12", "event_date is not a month "
		    "(YYYY-MM)" },
		{ T_TITLE + 1, "2024-13", "event_date is not a month "
		    "(YYYY-MM)" },
		{ T_TITLE + 2, "Traffic stop", "incident_type is not one of "
		    "the listed values" },
		{ T_TITLE + 3, "a,,b", "contributing_factors is not one of "
		    "the listed values" },
		{ T_TITLE + 3, "a,b,a", "contributing_factors gives the same "
		    "value twice" },
		{ T_TITLE + 3, "a,b,c,d,e,f", "contributing_factors gives "
		    "more than five values" },
		{ T_TITLE + 5, "0", "officers_on_scene is not a whole number "
		    "from 1 to 999" },
		{ T_TITLE + 5, "0007", "officers_on_scene is not a whole "
		    "number from 1 to 999" },
		{ T_TITLE + 5, "+7", "officers_on_scene is not a whole "
		    "number from 1 to 999" },
		{ T_TITLE + 5, "1000", "officers_on_scene is not a whole "
		    "number from 1 to 999" },
	};
	static const struct {
		unsigned int	 tag;
		const char	*v;
	} good[] = {
		{ T_TITLE + 1, "1900-01" },
		{ T_TITLE + 5, "007" },
		{ T_TITLE + 5, "999" },
		{ T_SUMMARY, "line\n\tindented" },
	};
	struct buf	 b = BUF_INIT;
	const char	*e;
	char		 want[512];
	size_t		 i;

	for (i = 0; i < NM_NELEM(bad); i++) {
		base(&b, 16);
		add(&b, bad[i].tag, bad[i].v, strlen(bad[i].v));
		add(&b, T_NARRATIVE, "", 0);
		INT_EQ(dec(&b, "n1", &e), -1);
		snprintf(want, sizeof(want), "nearmiss: item n1: record: %s\n",
		    bad[i].want);
		STR_EQ(e, want);
	}
	for (i = 0; i < NM_NELEM(good); i++) {
		base(&b, 16);
		add(&b, good[i].tag, good[i].v, strlen(good[i].v));
		add(&b, T_NARRATIVE, "", 0);
		INT_EQ(dec(&b, "n1", &e), 0);
	}
	buf_free(&b);
}

static void
test_encode_errors(void)
{
	struct record	 r;
	struct buf	 b = BUF_INIT;
	char		 big[RECORD_TEXT_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

#define EBAD(stmt, want) do {						\
	fill(&r);							\
	stmt;								\
	cap_start();							\
	INT_EQ(record_encode(&b, &r), -1);				\
	STR_EQ(cap_end(), "nearmiss: record: " want "\n");		\
	INT_EQ(b.len, 0);						\
} while (0)

	EBAD(r.field[RECORD_TITLE] = big + sizeof(big) - 202,
	    "title is longer than allowed");
	EBAD(r.field[RECORD_TITLE] = big + sizeof(big) - 802,
	    "title is longer than 800 bytes");
	EBAD(r.field[RECORD_TITLE] = "a \xe2\x80\xae b",
	    "title holds a bidirectional control character (U+202A to "
	    "U+202E or U+2066 to U+2069), which can make text read "
	    "differently from what it is");
	EBAD(r.field[RECORD_OFFICERS_ON_SCENE] = "0007",
	    "officers_on_scene is not a whole number from 1 to 999");
	EBAD(r.field[RECORD_REGION] = "Pacific NW",
	    "region is not one of the listed values");
	EBAD(r.field[RECORD_WEATHER] = "", "weather is empty");
	EBAD(r.contact = "", "contact is empty");
	EBAD(r.narrative = NULL, "narrative missing");
	EBAD(r.narrative = big, "narrative is longer than 65536 bytes");
	EBAD(r.consent = 2, "consent is 2, not 0 or 1");
	EBAD(r.channel = RECORD_CHANNEL_MAX, "channel 2 unknown");
	EBAD(memcpy(r.received, "2026-13-01", 11),
	    "received is not a day YYYY-MM-DD");
	EBAD(memcpy(r.received, "2026-01-01x", 11),
	    "received is not a day YYYY-MM-DD");
#undef EBAD
	/* A narrative of exactly the cap is fine. */
	fill(&r);
	r.narrative = big + 1;
	INT_EQ(record_encode(&b, &r), 0);
	OK(b.len <= RECORD_MAX);
	buf_free(&b);
}

/* Decode errors of the e-mail fields; ebase() ends at byte 78. */
static void
test_email_decode(void)
{
	struct buf	 b = BUF_INIT;
	struct record	 r;
	static char	 big[RECORD_LESSONS_MAX + 1];
	unsigned char	 one = 1, zero = 0;
	const char	*e;
	char		 want[256];
	unsigned char	*data;
	int		 i;

	memset(big, 'l', sizeof(big));
	data = calloc(1, 6 * MIB);
	if (data == NULL)
		exit(1);

	/* Each new field alone, and all in order. */
	ebase(&b);
	add(&b, T_LESSONS, "l", 1);
	add(&b, T_SIGNATURE, "s", 1);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	INT_EQ(dec(&b, "n1", &e), 0);
	STR_EQ(e, "");
	ebase(&b);
	add(&b, T_SIGNATURE, "s", 1);
	INT_EQ(dec(&b, "n1", &e), 0);

	/* Texts: empty, over the cap, bad UTF-8. */
	ebase(&b);
	add(&b, T_LESSONS, "", 0);
	BAD(&b, "lessons is empty");
	ebase(&b);
	add(&b, T_SIGNATURE, "", 0);
	BAD(&b, "signature is empty");
	ebase(&b);
	add(&b, T_LESSONS, big, RECORD_LESSONS_MAX + 1);
	BAD(&b, "lessons is 16385 bytes, more than 16384");
	ebase(&b);
	add(&b, T_LESSONS, big, RECORD_LESSONS_MAX);
	INT_EQ(dec(&b, "n1", &e), 0);
	ebase(&b);
	add(&b, T_SIGNATURE, big, RECORD_SIGNATURE_MAX + 1);
	BAD(&b, "signature is 8193 bytes, more than 8192");
	ebase(&b);
	add(&b, T_SIGNATURE, "a\xff", 2);
	BAD(&b, "signature: invalid UTF-8 at byte 1");
	ebase(&b);
	add(&b, T_LESSONS, "a\0b", 3);
	BAD(&b, "lessons: invalid UTF-8 at byte 1");

	/* Order and repeats. */
	ebase(&b);
	add(&b, T_SIGNATURE, "s", 1);
	add(&b, T_LESSONS, "l", 1);
	BAD(&b, "lessons out of order at byte 84");
	ebase(&b);
	add(&b, T_LESSONS, "l", 1);
	add(&b, T_CONTACT, "c", 1);
	BAD(&b, "contact out of order at byte 84");
	ebase(&b);
	add(&b, T_LESSONS, "l", 1);
	add(&b, T_LESSONS, "l", 1);
	BAD(&b, "lessons repeated at byte 84");
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	add(&b, T_QUARANTINED, &one, 1);
	BAD(&b, "quarantined repeated at byte 84");
	ebase(&b);
	addatt(&b, "a", 1, "text/plain", 10, "x", 1);
	add(&b, T_SIGNATURE, "s", 1);
	BAD(&b, "signature out of order at byte 98");
	ebase(&b);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	add(&b, T_QUARANTINED, &one, 1);
	BAD(&b, "quarantined out of order at byte 112");

	/* Quarantine. */
	ebase(&b);
	add(&b, T_QUARANTINED, &zero, 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	BAD(&b, "quarantined is not one byte 1");
	ebase(&b);
	add(&b, T_QUARANTINED, "\1\1", 2);
	BAD(&b, "quarantined is 2 bytes, more than 1");
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	BAD(&b, "quarantined without its one attachment message.eml "
	    "(message/rfc822)");
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.txt", 11, "message/rfc822", 14, "x", 1);
	BAD(&b, "quarantined without its one attachment message.eml "
	    "(message/rfc822)");
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.eml", 11, "text/plain", 10, "x", 1);
	BAD(&b, "quarantined without its one attachment message.eml "
	    "(message/rfc822)");
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	BAD(&b, "quarantined without its one attachment message.eml "
	    "(message/rfc822)");
	/* A quarantined message may use the whole total, no more. */
	ebase(&b);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, data, 6 * MIB);
	INT_EQ(dec(&b, "n1", &e), 0);
	base(&b, 0);
	add(&b, T_QUARANTINED, &one, 1);
	addatt(&b, "message.eml", 11, "message/rfc822", 14, "x", 1);
	BAD(&b, "attachments or quarantine on a form record");

	/* Attachments. */
	base(&b, 0);
	addatt(&b, "a", 1, "text/plain", 10, "x", 1);
	BAD(&b, "attachments or quarantine on a form record");
	ebase(&b);
	for (i = 0; i < RECORD_ATTACH_COUNT; i++)
		addatt(&b, "a", 1, "text/plain", 10, "x", 1);
	INT_EQ(dec(&b, "n1", &e), 0);
	addatt(&b, "a", 1, "text/plain", 10, "x", 1);
	BAD(&b, "more than 32 attachments");
	ebase(&b);
	addatt(&b, "a", 1, "image/png", 9, data, RECORD_ATTACH_MAX);
	INT_EQ(dec(&b, "n1", &e), 0);
	ebase(&b);
	addatt(&b, "a", 1, "image/png", 9, "", 0);
	addatt(&b, "a", 1, "image/png", 9, data, RECORD_ATTACH_MAX + 1);
	BAD(&b, "attachment 2 is 5242881 bytes, more than 5242880");
	ebase(&b);
	addatt(&b, "a", 1, "image/png", 9, data, 4 * MIB);
	addatt(&b, "b", 1, "image/png", 9, data, 4 * MIB);
	addatt(&b, "c", 1, "image/png", 9, data, 2 * MIB);
	INT_EQ(dec(&b, "n1", &e), 0);
	addatt(&b, "d", 1, "image/png", 9, "", 0);
	INT_EQ(dec(&b, "n1", &e), 0);
	addatt(&b, "e", 1, "image/png", 9, "z", 1);
	BAD(&b, "attachments are more than 10485760 bytes in all");
	ebase(&b);
	add(&b, T_ATTACH, "\0", 1);
	BAD(&b, "attachment 1: name or type truncated");
	ebase(&b);
	add(&b, T_ATTACH, "\0\5ab\0", 5);
	BAD(&b, "attachment 1: name or type truncated");
	ebase(&b);
	add(&b, T_ATTACH, "\0\1a\12text/plai", 13);
	BAD(&b, "attachment 1: name or type truncated");
	ebase(&b);
	add(&b, T_ATTACH, "\0\1a\12text/plain", 14);
	INT_EQ(dec(&b, "n1", &e), 0);
	ebase(&b);
	buf_add(&b, "\x40\x00\xa0\x02\x00", 5);
	snprintf(want, sizeof(want), "nearmiss: item n1: record: attachment "
	    "is 10486272 bytes, more than %d\n", 3 + RECORD_ATTACH_NAME_MAX +
	    RECORD_ATTACH_TYPE_MAX + RECORD_ATTACH_TOTAL);
	INT_EQ(dec(&b, "n1", &e), -1);
	STR_EQ(e, want);
	ebase(&b);
	addatt(&b, big, RECORD_ATTACH_NAME_MAX, "text/plain", 10, "", 0);
	INT_EQ(dec(&b, "n1", &e), 0);
	ebase(&b);
	addatt(&b, big, RECORD_ATTACH_NAME_MAX + 1, "text/plain", 10, "", 0);
	BAD(&b, "attachment 1: name is longer than 255 bytes");
	ebase(&b);
	addatt(&b, "a\nb", 3, "text/plain", 10, "", 0);
	BAD(&b, "attachment 1: name: control character at byte 1");
	ebase(&b);
	addatt(&b, "ab\x7f", 3, "text/plain", 10, "", 0);
	BAD(&b, "attachment 1: name: control character at byte 2");
	ebase(&b);
	addatt(&b, "a\xc0\xaf", 3, "text/plain", 10, "", 0);
	BAD(&b, "attachment 1: name: invalid UTF-8 at byte 1");
	ebase(&b);
	addatt(&b, "a\0b", 3, "text/plain", 10, "", 0);
	BAD(&b, "attachment 1: NUL in name or type");
	ebase(&b);
	addatt(&b, "a", 1, "text/pl\0in", 10, "", 0);
	BAD(&b, "attachment 1: NUL in name or type");
	{
		static const char *const badtype[] = {
			"Text/plain", "text", "text/", "/plain", "a/b/c",
			"text/plain; charset=x", "text/pla in", "",
			"t\xc3\xa9/x",
		};
		size_t	 j;

		for (j = 0; j < NM_NELEM(badtype); j++) {
			ebase(&b);
			addatt(&b, "a", 1, badtype[j], strlen(badtype[j]), "",
			    0);
			BAD(&b, "attachment 1: type is not a lowercase "
			    "type/subtype");
		}
	}
	ebase(&b);
	addatt(&b, "a", 1, big, RECORD_ATTACH_TYPE_MAX + 1, "", 0);
	BAD(&b, "attachment 1: type is not a lowercase type/subtype");
	ebase(&b);
	memcpy(big, "x/", 2);
	addatt(&b, "a", 1, big, RECORD_ATTACH_TYPE_MAX, "", 0);
	INT_EQ(dec(&b, "n1", &e), 0);
	ebase(&b);
	addatt(&b, "a", 1, "application/vnd.a+b-c_d.e!#$&^", 30, "", 0);
	INT_EQ(dec(&b, "n1", &e), 0);

	/* Decoded attachment data is usable (and aligned) memory. */
	ebase(&b);
	addatt(&b, "a.bin", 5, "application/octet-stream", 24, bin,
	    sizeof(bin));
	INT_EQ(record_decode(&r, NULL, b.data, b.len), 0);
	INT_EQ(r.nattach, 1);
	OK(r.attach != NULL && ((uintptr_t)r.attach % sizeof(void *)) == 0);
	OK(r.attach != NULL && r.attach[0].len == sizeof(bin) &&
	    memcmp(r.attach[0].data, bin, sizeof(bin)) == 0);
	record_free(&r);
	OK(r.attach == NULL && r.nattach == 0);
	free(data);
	buf_free(&b);
}

/* Encoder checks of the e-mail fields, and the caps adding up. */
static void
test_email_encode(void)
{
	static struct record_attachment many[RECORD_ATTACH_COUNT + 1];
	static char	 names[RECORD_ATTACH_COUNT][RECORD_ATTACH_NAME_MAX + 1];
	static char	 types[RECORD_ATTACH_COUNT][RECORD_ATTACH_TYPE_MAX + 1];
	static char	 text[RECORD_TEXT_MAX + 1];
	static char	 lessons[RECORD_LESSONS_MAX + 2];
	static char	 sig[RECORD_SIGNATURE_MAX + 1];
	static char	 contact[RECORD_CONTACT_MAX + 1];
	struct record_attachment q, one;
	struct record	 r, out;
	struct buf	 b = BUF_INIT, b2 = BUF_INIT;
	unsigned char	*data;
	size_t		 i, per;

	data = calloc(1, RECORD_ATTACH_TOTAL + 1);
	if (data == NULL)
		exit(1);
	memset(lessons, 'L', RECORD_LESSONS_MAX + 1);

#define EBAD(stmt, want) do {						\
	fill(&r);							\
	stmt;								\
	cap_start();							\
	INT_EQ(record_encode(&b, &r), -1);				\
	STR_EQ(cap_end(), "nearmiss: record: " want "\n");		\
	INT_EQ(b.len, 0);						\
} while (0)

	EBAD(r.lessons = "", "lessons is empty");
	EBAD(r.lessons = lessons, "lessons is longer than 16384 bytes");
	EBAD(r.signature = "\xff", "signature: invalid UTF-8 at byte 0");
	EBAD(r.quarantined = 2, "quarantined is 2, not 0 or 1");
	EBAD(r.quarantined = 1, "quarantined without its one attachment "
	    "message.eml (message/rfc822)");
	EBAD(r.channel = RECORD_FORM,
	    "attachments or quarantine on a form record");
	EBAD(r.attach = NULL, "3 attachments without an array");
	EBAD(r.nattach = RECORD_ATTACH_COUNT + 1; r.attach = many,
	    "33 attachments, more than 32");
	one = atts[0];
	one.type = "TEXT/plain";
	EBAD(r.attach = &one; r.nattach = 1,
	    "attachment 1: type is not a lowercase type/subtype");
	one = atts[0];
	one.name = lessons + RECORD_LESSONS_MAX - RECORD_ATTACH_NAME_MAX;
	EBAD(r.attach = &one; r.nattach = 1,
	    "attachment 1: name is longer than 255 bytes");
	one = atts[0];
	one.data = data;
	one.len = RECORD_ATTACH_MAX + 1;
	EBAD(r.attach = &one; r.nattach = 1,
	    "attachment 1 is 5242881 bytes, more than 5242880");
	one.len = RECORD_ATTACH_MAX;
	INT_EQ(record_encode(&b, &r), 0);
	buf_reset(&b);
	one = atts[0];
	one.data = NULL;
	EBAD(r.attach = &one; r.nattach = 1, "attachment 1 incomplete");

	/* Every cap at once fits in RECORD_MAX and round-trips. */
	memset(text, 'n', RECORD_TEXT_MAX);
	memset(sig, 's', RECORD_SIGNATURE_MAX);
	memset(contact, 'c', RECORD_CONTACT_MAX);
	lessons[RECORD_LESSONS_MAX] = '\0';
	per = RECORD_ATTACH_TOTAL / RECORD_ATTACH_COUNT;
	for (i = 0; i < RECORD_ATTACH_COUNT; i++) {
		memset(names[i], 'a' + (int)(i % 26), RECORD_ATTACH_NAME_MAX);
		memset(types[i], 'b', RECORD_ATTACH_TYPE_MAX);
		types[i][1] = '/';
		many[i].name = names[i];
		many[i].type = types[i];
		many[i].data = data + i * per;
		many[i].len = per;
	}
	fill(&r);
	r.narrative = text;
	r.lessons = lessons;
	r.signature = sig;
	r.contact = contact;
	r.attach = many;
	r.nattach = RECORD_ATTACH_COUNT;
	data[0] = 0x42;
	data[RECORD_ATTACH_TOTAL - 1] = 0x43;
	buf_reset(&b);
	INT_EQ(record_encode(&b, &r), 0);
	OK(b.len <= RECORD_MAX);
	INT_EQ(record_decode(&out, "n1", b.data, b.len), 0);
	INT_EQ(out.nattach, RECORD_ATTACH_COUNT);
	OK(out.attach != NULL && out.attach[0].data[0] == 0x42 &&
	    out.attach[31].data[per - 1] == 0x43);
	INT_EQ(record_encode(&b2, &out), 0);
	OK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
	record_free(&out);
	/* One byte more of attachments is too much. */
	many[0].len++;
	buf_reset(&b);
	cap_start();
	INT_EQ(record_encode(&b, &r), -1);
	STR_EQ(cap_end(), "nearmiss: record: attachments are more than "
	    "10485760 bytes in all\n");
	many[0].len--;

	/* A quarantined record with a whole-total message. */
	q.name = "message.eml";
	q.type = "message/rfc822";
	q.data = data;
	q.len = RECORD_ATTACH_TOTAL;
	memset(&r, 0, sizeof(r));
	r.channel = RECORD_EMAIL;
	r.narrative = "";
	r.quarantined = 1;
	r.attach = &q;
	r.nattach = 1;
	memcpy(r.received, "2026-01-01", 11);
	buf_reset(&b);
	buf_reset(&b2);
	INT_EQ(record_encode(&b, &r), 0);
	INT_EQ(record_decode(&out, NULL, b.data, b.len), 0);
	INT_EQ(out.quarantined, 1);
	INT_EQ(out.nattach, 1);
	OK(out.attach != NULL && out.attach[0].len == RECORD_ATTACH_TOTAL);
	INT_EQ(record_encode(&b2, &out), 0);
	OK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
	record_free(&out);
	q.len++;
	buf_reset(&b);
	cap_start();
	INT_EQ(record_encode(&b, &r), -1);
	STR_EQ(cap_end(), "nearmiss: record: attachment 1 is 10485761 "
	    "bytes, more than 10485760\n");
#undef EBAD
	free(data);
	buf_free(&b);
	buf_free(&b2);
}

static void
test_keys(void)
{
	char	 day[RECORD_DAY_LEN + 1];
	int	 k;

	for (k = 0; k < RECORD_KEY_MAX; k++)
		INT_EQ(record_key_lookup(record_key_name((enum record_key)k)),
		    k);
	INT_EQ(record_key_lookup("id"), -1);
	INT_EQ(record_key_lookup("environment"), -1);
	OK(record_key_name(RECORD_KEY_MAX) == NULL);
	STR_EQ(record_key_name(RECORD_OFFICERS_ON_SCENE), "officers_on_scene");
	/* Bytes: FIELD_BYTES() of the table's characters. */
	INT_EQ(record_key_max(RECORD_TITLE), 800);
	INT_EQ(record_key_max(RECORD_SUMMARY), 4096);
	INT_EQ(record_key_max(RECORD_LIGHTING), 192);
	INT_EQ(RECORD_TITLE_MAX, field_get(RECORD_TITLE)->max);
	INT_EQ(RECORD_SUMMARY_MAX, field_get(RECORD_SUMMARY)->max);
	INT_EQ(record_key_max(RECORD_KEY_MAX), 0);
	INT_EQ(record_key_tax(RECORD_TITLE), -1);
	INT_EQ(record_key_tax(RECORD_EVENT_DATE), -1);
	INT_EQ(record_key_tax(RECORD_INCIDENT_TYPE), TAX_INCIDENT_TYPE);
	INT_EQ(record_key_tax(RECORD_CONTRIBUTING_FACTORS), TAX_FACTORS);
	INT_EQ(record_key_tax(RECORD_OFFICERS_ON_SCENE), -1);
	INT_EQ(record_key_tax(RECORD_WEATHER), TAX_WEATHER);
	INT_EQ(record_key_tax(RECORD_AGENCY_TYPE), TAX_AGENCY);
	INT_EQ(record_key_tax(RECORD_REGION), TAX_REGION);
	INT_EQ(record_key_tax(RECORD_SUMMARY), -1);
	INT_EQ(record_key_tax(RECORD_KEY_MAX), -1);
	INT_EQ(record_day(day, 1773446400 + 86399), 0);
	STR_EQ(day, "2026-03-14");
	INT_EQ(record_day(day, 951782400), 0);
	STR_EQ(day, "2000-02-29");
	cap_start();
	INT_EQ(record_day(day, 0), -1);
	STR_EQ(cap_end(), "nearmiss: record: time 0 is out of range\n");
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_roundtrip();
	test_minimal();
	test_decode_errors();
	test_utf8();
	test_field_rules();
	test_encode_errors();
	test_email_decode();
	test_email_encode();
	test_keys();
	return DONE("test_record");
}
