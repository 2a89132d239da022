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
 * exact message), including a truncation at every offset.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
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

static void
fill(struct record *r)
{
	static char	 title[RECORD_TITLE_MAX + 1];
	static char	 summary[RECORD_SUMMARY_MAX + 1];
	int		 k;

	memset(r, 0, sizeof(*r));
	memset(title, 'T', RECORD_TITLE_MAX);
	memset(summary, 's', RECORD_SUMMARY_MAX);
	summary[0] = '\n';
	r->field[RECORD_TITLE] = title;
	r->field[RECORD_SUMMARY] = summary;
	for (k = 1; k < RECORD_SUMMARY; k++)
		r->field[k] = record_key_name((enum record_key)k);
	r->field[RECORD_REGION] = "Pacific \"NW\"\nline two";
	r->narrative = narrative;
	r->contact = "call me: +1 555 0100\nor mail x@example.org";
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
	size_t		 cut, ncut = 0, nok = 0;
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
	 * Truncation at every offset fails, except just before the
	 * optional contact, which leaves a valid record without it.
	 */
	for (cut = 0; cut < b.len; cut++) {
		cap_start();
		k = record_decode(&out, NULL, b.data, cut);
		e = cap_end();
		if (k == 0) {
			nok++;
			OK(out.contact == NULL);
			OK(cut == b.len - 5 - strlen(in.contact));
		} else if (e[0] != '\0' && out.mem == NULL)
			ncut++;
		record_free(&out);
	}
	INT_EQ(nok, 1);
	INT_EQ(ncut, b.len - 1);
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
	unsigned char	 big[RECORD_SUMMARY_MAX + 1];
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
	add(&b, 0x22, "x", 1);
	BAD(&b, "unknown tag 0x22 at byte 77");
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
	add(&b, T_TITLE, big, RECORD_TITLE_MAX + 1);
	BAD(&b, "title is 201 bytes, more than 200");
	base(&b, 16);
	add(&b, T_SUMMARY, big, RECORD_SUMMARY_MAX + 1);
	BAD(&b, "summary is 1025 bytes, more than 1024");
	base(&b, 16);
	add(&b, T_TITLE + 3, big, RECORD_VALUE_MAX + 1);
	BAD(&b, "contributing_factors is 257 bytes, more than 256");
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
	BAD(&b, "131073 bytes, more than 131072");

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
	    "title is longer than 200 bytes");
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
	INT_EQ(record_key_max(RECORD_TITLE), 200);
	INT_EQ(record_key_max(RECORD_SUMMARY), 1024);
	INT_EQ(record_key_max(RECORD_LIGHTING), 256);
	INT_EQ(record_key_max(RECORD_KEY_MAX), 0);
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
	test_encode_errors();
	test_keys();
	return DONE("test_record");
}
