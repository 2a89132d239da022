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
 * Unit tests of lib/report.c: a valid report, then one test per
 * validation error with the exact "path:line: message", hostile YAML
 * (anchors, aliases, tags, bombs, huge and deep input), and the id and
 * ordering helpers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "harness.h"
#include "report.h"

static const char ini[] =
	"[site]\n"
	"title = T\n"
	"base_url = https://x.example/\n"
	"[incident_type]\n"
	"traffic-stop = Traffic stop\n"
	"vehicle-pursuit = Vehicle pursuit\n"
	"other = Other\n"
	"[contributing_factors]\n"
	"situational-awareness = Situational awareness\n"
	"communication = Communication\n"
	"decision-making = Decision making\n"
	"equipment-failure = Equipment failure\n"
	"training = Training\n"
	"fatigue = Fatigue\n"
	"staffing = Staffing\n"
	"[loss_potential]\n"
	"death = Death\n"
	"serious-injury = Serious injury\n"
	"[agency_type]\n"
	"municipal-police = Municipal police\n"
	"county-sheriff = County sheriff\n"
	"[region]\n"
	"west = West\n"
	"mountain = Mountain\n"
	"[time_of_day]\n"
	"day = Day\n"
	"night = Night\n"
	"[lighting]\n"
	"daylight = Daylight\n"
	"dark = Dark\n"
	"[weather]\n"
	"clear = Clear\n"
	"snow-or-ice = Snow or ice\n";

/*
 * The front matter of a valid report, one entry per key.  With the
 * opening "---" on line 1, the keys are on lines 2 (id) to 16 (summary),
 * environment's sub-keys on 11-13, the closing "---" on 17 and the body
 * starts on line 18.
 */
static const char *const fields[][2] = {
	{ "id", "id: 2025-0007\n" },
	{ "title", "title: \"Patrol car spun out on black ice\"\n" },
	{ "event_date", "event_date: 2025-01\n" },
	{ "published", "published: 2025-02-14\n" },
	{ "incident_type", "incident_type: vehicle-pursuit\n" },
	{ "contributing_factors",
	    "contributing_factors: [fatigue, communication]\n" },
	{ "loss_potential", "loss_potential: serious-injury\n" },
	{ "officers_on_scene", "officers_on_scene: 2\n" },
	{ "environment", "environment:\n  time_of_day: night\n"
	    "  lighting: dark\n  weather: snow-or-ice\n" },
	{ "agency_type", "agency_type: county-sheriff\n" },
	{ "region", "region: mountain\n" },
	{ "summary", "summary: \"A deputy lost control on black ice.\"\n" },
};

#define BODY	"It was a weeknight.\n\n## Lessons learned\n\n- Slow down.\n"

static struct config	 cfg;

/* Helpers */

/*
 * Builds a report into b: the valid front matter with the entry of key
 * replaced by repl (NULL: key unchanged, "": key removed), then BODY.
 */
static void
mk(struct buf *b, const char *key, const char *repl)
{
	size_t	 i;

	buf_reset(b);
	buf_addstr(b, "---\n");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (key != NULL && strcmp(key, fields[i][0]) == 0)
			buf_addstr(b, repl);
		else
			buf_addstr(b, fields[i][1]);
	}
	buf_addstr(b, "---\n" BODY);
}

/* Parses text; returns the rc and sets *errp to what was logged. */
static int
parse(const char *text, size_t len, const char **errp)
{
	struct report	 r;
	int		 rc;

	cap_start();
	rc = report_parse(&r, &cfg, "r.md", text, len);
	*errp = cap_end();
	report_free(&r);
	return rc;
}

/* Replaces key's entry with repl; checks the exact messages. */
static void
bad_field(int line, const char *key, const char *repl, const char *want)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	int		 rc;

	mk(&b, key, repl);
	rc = parse(b.data, b.len, &err);
	if (rc != -1 || strcmp(err, want) != 0) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: %s: rc %d, logged\n%s"
		    "want\n%s", __FILE__, line, repl, rc, err, want);
	} else
		harness_pass++;
	buf_free(&b);
}

#define BAD(key, repl, want)	bad_field(__LINE__, (key), (repl), (want))

/* Parses text as a whole file; checks the exact messages. */
static void
bad_text(int line, const char *text, size_t len, const char *want)
{
	const char	*err;
	int		 rc;

	rc = parse(text, len, &err);
	if (rc != -1 || strcmp(err, want) != 0) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged\n%swant\n%s",
		    __FILE__, line, rc, err, want);
	} else
		harness_pass++;
}

#define BADTEXT(text, want) \
	bad_text(__LINE__, (text), sizeof(text) - 1, (want))

static const char *const unknown_fmt =
	"%s: unknown value \"%s\" (allowed values are listed in [%s] of "
	"nearmiss.ini)";

/* "r.md:LINE: KEY: unknown value ..." in a static. */
static const char *
unknown(int line, const char *key, const char *v, const char *sect)
{
	static char	 out[512];
	char		 msg[400];

	snprintf(msg, sizeof(msg), unknown_fmt, key, v, sect);
	snprintf(out, sizeof(out), "r.md:%d: %s\n", line, msg);
	return out;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Tests */

static void
test_valid(void)
{
	struct buf	 b = BUF_INIT;
	struct report	 r;
	const char	*err;

	mk(&b, NULL, NULL);
	cap_start();
	INT_EQ(report_parse(&r, &cfg, "reports/2025/2025-0007.md", b.data,
	    b.len), 0);
	err = cap_end();
	STR_EQ(err, "");
	STR_EQ(r.path, "reports/2025/2025-0007.md");
	STR_EQ(r.id, "2025-0007");
	STR_EQ(r.title, "Patrol car spun out on black ice");
	STR_EQ(r.summary, "A deputy lost control on black ice.");
	INT_EQ(r.event_year, 2025);
	INT_EQ(r.event_month, 1);
	INT_EQ(r.pub_year, 2025);
	INT_EQ(r.pub_month, 2);
	INT_EQ(r.pub_day, 14);
	INT_EQ(r.incident_type, 1);
	/* Factors in the order given. */
	INT_EQ(r.nfactors, 2);
	INT_EQ(r.factors[0], 5);
	INT_EQ(r.factors[1], 1);
	INT_EQ(r.loss, 1);
	INT_EQ(r.officers, 2);
	INT_EQ(r.time_of_day, 1);
	INT_EQ(r.lighting, 1);
	INT_EQ(r.weather, 1);
	INT_EQ(r.agency, 1);
	INT_EQ(r.region, 1);
	INT_EQ(r.id_line, 2);
	/* The body is borrowed from the text, and starts on line 18. */
	OK(r.body == strstr(b.data, "It was a weeknight."));
	INT_EQ(r.body_len, strlen(BODY));
	INT_EQ(r.body_line, 18);
	report_free(&r);
	OK(r.id == NULL);
	report_free(&r);
	report_free(NULL);
	buf_free(&b);
}

static void
test_valid_variants(void)
{
	struct buf	 b = BUF_INIT;
	struct report	 r;
	const char	*err;
	size_t		 i;

	/* Only the required fields: the optional ones are -1 or 0. */
	buf_addstr(&b, "---\n");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i][0], "environment") != 0 &&
		    strcmp(fields[i][0], "agency_type") != 0 &&
		    strcmp(fields[i][0], "region") != 0 &&
		    strcmp(fields[i][0], "officers_on_scene") != 0)
			buf_addstr(&b, fields[i][1]);
	buf_addstr(&b, "---\n");
	cap_start();
	INT_EQ(report_parse(&r, &cfg, "r.md", b.data, b.len), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(r.officers, 0);
	INT_EQ(r.time_of_day, -1);
	INT_EQ(r.lighting, -1);
	INT_EQ(r.weather, -1);
	INT_EQ(r.agency, -1);
	INT_EQ(r.region, -1);
	/* An empty body, the closing line the last of the file. */
	INT_EQ(r.body_len, 0);
	INT_EQ(r.body_line, 11);
	report_free(&r);

	/* Block-style list, quoted values, comments, "..." to close. */
	buf_reset(&b);
	buf_addstr(&b, "---\n# a comment\nid: 'ab1'\ntitle: Plain title\n"
	    "event_date: \"2024-02\"\npublished: 2024-02-29\n"
	    "incident_type: other\ncontributing_factors:\n  - training\n"
	    "  - staffing\n  - fatigue\n  - communication\n"
	    "  - decision-making\nloss_potential: death\n"
	    "environment:\n  weather: clear\n"
	    "summary: >\n  Folded\n  text.\n...\nBody\n");
	cap_start();
	INT_EQ(report_parse(&r, &cfg, "r.md", b.data, b.len), 0);
	err = cap_end();
	STR_EQ(err, "");
	STR_EQ(r.id, "ab1");
	INT_EQ(r.id_line, 3);
	STR_EQ(r.title, "Plain title");
	INT_EQ(r.event_month, 2);
	INT_EQ(r.pub_day, 29);
	INT_EQ(r.nfactors, 5);
	INT_EQ(r.factors[0], 4);
	INT_EQ(r.factors[4], 2);
	INT_EQ(r.weather, 0);
	INT_EQ(r.time_of_day, -1);
	STR_EQ(r.summary, "Folded text.\n");
	INT_EQ(r.body_line, 21);
	OK(r.body_len == 5 && memcmp(r.body, "Body\n", 5) == 0);
	report_free(&r);

	/* The event may be in the month of publication. */
	mk(&b, "event_date", "event_date: 2025-02\n");
	INT_EQ(parse(b.data, b.len, &err), 0);
	STR_EQ(err, "");

	/* CRLF line endings. */
	mk(&b, NULL, NULL);
	{
		struct buf	 crlf = BUF_INIT;

		for (i = 0; i < b.len; i++) {
			if (b.data[i] == '\n')
				buf_addch(&crlf, '\r');
			buf_addch(&crlf, b.data[i]);
		}
		cap_start();
		INT_EQ(report_parse(&r, &cfg, "r.md", crlf.data, crlf.len),
		    0);
		err = cap_end();
		STR_EQ(err, "");
		STR_EQ(r.id, "2025-0007");
		STR_EQ(r.title, "Patrol car spun out on black ice");
		INT_EQ(r.weather, 1);
		INT_EQ(r.nfactors, 2);
		INT_EQ(r.body_line, 18);
		OK(r.body != NULL && strncmp(r.body, "It was", 6) == 0);
		report_free(&r);
		buf_free(&crlf);
	}
	buf_free(&b);
}

static void
test_fence(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	BADTEXT("id: 2025-0007\n---\n",
	    "r.md:1: expected front matter: the first line must be \"---\"\n");
	BADTEXT("",
	    "r.md:1: expected front matter: the first line must be \"---\"\n");
	BADTEXT("--- \nid: x\n---\n",
	    "r.md:1: expected front matter: the first line must be \"---\"\n");
	BADTEXT("\n---\nid: x\n---\n",
	    "r.md:1: expected front matter: the first line must be \"---\"\n");
	BADTEXT("---\nid: 2025-0007\ntitle: x\n",
	    "r.md:1: front matter is not closed by a \"---\" line\n");
	BADTEXT("---\nid: 2025-0007\n---x\n",
	    "r.md:1: front matter is not closed by a \"---\" line\n");
	BADTEXT("---",
	    "r.md:1: front matter is not closed by a \"---\" line\n");
	/* More than 16 KiB of front matter, closed or not. */
	buf_addstr(&b, "---\n");
	for (i = 0; i < 600; i++)
		buf_addstr(&b, "# padding padding padding padding\n");
	buf_addstr(&b, "---\n");
	bad_text(__LINE__, b.data, b.len, "r.md:1: front matter larger than "
	    "16384 bytes (or its closing \"---\" is missing)\n");
	buf_truncate(&b, b.len - 4);
	bad_text(__LINE__, b.data, b.len, "r.md:1: front matter larger than "
	    "16384 bytes (or its closing \"---\" is missing)\n");
	buf_free(&b);
}

static void
test_required(void)
{
	static const char *const req[] = {
		"id", "title", "event_date", "published", "incident_type",
		"contributing_factors", "loss_potential", "summary",
	};
	char	 want[128];
	size_t	 i;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		snprintf(want, sizeof(want), "r.md:1: %s: required field is "
		    "missing\n", req[i]);
		BAD(req[i], "", want);
	}
	/* An empty front matter. */
	BADTEXT("---\n---\nbody\n",
	    "r.md:2: front matter: expected key: value lines\n"
	    "r.md:1: id: required field is missing\n"
	    "r.md:1: title: required field is missing\n"
	    "r.md:1: event_date: required field is missing\n"
	    "r.md:1: published: required field is missing\n"
	    "r.md:1: incident_type: required field is missing\n"
	    "r.md:1: contributing_factors: required field is missing\n"
	    "r.md:1: loss_potential: required field is missing\n"
	    "r.md:1: summary: required field is missing\n");
}

static void
test_keys(void)
{
	BAD("region", "colour: red\n", "r.md:15: unknown key \"colour\"\n"
	    "");
	BAD("region", "Region: mountain\n",
	    "r.md:15: unknown key \"Region\"\n");
	/* A list or mapping under an unknown key: one message, the key's. */
	BAD("region", "colour: [red, blue]\n",
	    "r.md:15: unknown key \"colour\"\n");
	BAD("region", "region: mountain\nregion: west\n",
	    "r.md:16: region: given twice (first on line 15)\n");
	BAD("agency_type", "agency_type: county-sheriff\n"
	    "incident_type: other\n",
	    "r.md:15: incident_type: given twice (first on line 6)\n");
	/* Twice with a string value (the first must not leak). */
	BAD("region", "region: mountain\nid: 2025-0008\n",
	    "r.md:16: id: given twice (first on line 2)\n");
	BAD("region", "region: mountain\ntitle: Again\n",
	    "r.md:16: title: given twice (first on line 3)\n");
	BAD("region", "region: mountain\nsummary: Again\n",
	    "r.md:17: summary: given twice (first on line 16)\n");
}

static void
test_id(void)
{
	static const char msg[] = "id: \"%s\" is not a valid id (lowercase "
	    "letters, digits and hyphens, 3 to 32 characters, at least one "
	    "digit, e.g. 2026-0042)";
	static const char *const bad[] = {
		"2025-ABCD", "ab", "-2025-0001", "2025-0001-",
		"123456789012345678901234567890123", "../etc", "a/b",
		"a.b", "a_b", "a b", "caf\xc3\xa9", "abc", "reports", "---",
	};
	char	 repl[128], want[256], m[200];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(repl, sizeof(repl), "id: \"%s\"\n", bad[i]);
		snprintf(m, sizeof(m), msg, bad[i]);
		snprintf(want, sizeof(want), "r.md:2: %s\n", m);
		BAD("id", repl, want);
	}
	OK(report_id_valid("2026-0042"));
	OK(report_id_valid("ab1"));
	OK(report_id_valid("a-1"));
	OK(report_id_valid("123"));
	/* At least one digit: no id is a folder name of the site. */
	OK(!report_id_valid("abc"));
	OK(!report_id_valid("search"));
	OK(!report_id_valid("incident-type"));
	OK(report_id_valid("12345678901234567890123456789012"));
	OK(!report_id_valid("123456789012345678901234567890123"));
	OK(!report_id_valid("ab"));
	OK(!report_id_valid(""));
	OK(!report_id_valid("-ab"));
	OK(!report_id_valid("ab-"));
	OK(!report_id_valid("AB1"));
	OK(!report_id_valid("../x"));
	OK(!report_id_valid("a/b/c"));
	OK(!report_id_valid("a\nb"));
	OK(!report_id_valid("..."));
}

static void
test_title_summary(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	buf_addstr(&b, "title: \"");
	for (i = 0; i < 201; i++)
		buf_addch(&b, 't');
	buf_addstr(&b, "\"\n");
	BAD("title", b.data, "r.md:3: title: must be 1 to 200 characters on "
	    "one line\n");
	/* Exactly 200 is fine. */
	buf_reset(&b);
	buf_addstr(&b, "title: ");
	for (i = 0; i < 200; i++)
		buf_addch(&b, 't');
	buf_addstr(&b, "\n");
	{
		struct buf	 r = BUF_INIT;
		const char	*err;

		mk(&r, "title", b.data);
		INT_EQ(parse(r.data, r.len, &err), 0);
		STR_EQ(err, "");
		buf_free(&r);
	}
	BAD("title", "title: \"two\\nlines\"\n", "r.md:3: title: must be 1 "
	    "to 200 characters on one line\n");
	BAD("title", "title: |\n  two\n  lines\n", "r.md:3: title: must be "
	    "1 to 200 characters on one line\n");
	BAD("title", "title: \"tab\\there\"\n", "r.md:3: title: must be 1 to "
	    "200 characters on one line\n");
	BAD("title", "title: \"\"\n", "r.md:3: title: must be 1 to 200 "
	    "characters on one line\n");
	BAD("title", "title: \"a\\0b\"\n", "r.md:3: title: contains a NUL "
	    "byte\n");
	BAD("summary", "summary: \"\"\n", "r.md:16: summary: must be "
	    "non-empty text of at most 1024 characters\n");
	BAD("summary", "summary: \"bell\\a\"\n", "r.md:16: summary: must be "
	    "non-empty text of at most 1024 characters\n");
	BAD("summary", "summary: \"cr\\r\"\n", "r.md:16: summary: must be "
	    "non-empty text of at most 1024 characters\n");
	/* C1 controls and DEL, as lib/field.c has them (NEL is U+0085). */
	BAD("summary", "summary: \"c1 \\x85\"\n", "r.md:16: summary: must be "
	    "non-empty text of at most 1024 characters\n");
	BAD("title", "title: \"del \\x7f\"\n", "r.md:3: title: must be 1 "
	    "to 200 characters on one line\n");
	BAD("summary", "summary: \"nul\\0\"\n", "r.md:16: summary: contains "
	    "a NUL byte\n");
	buf_free(&b);
}

/* discussion: 2 or 3 one-line questions, after summary (line 17). */
static void
test_discussion(void)
{
	struct buf	 b = BUF_INIT, q = BUF_INIT;
	struct report	 r;
	const char	*err;
	size_t		 i;

	mk(&b, "summary", "summary: S\ndiscussion:\n  - \"Why?\"\n"
	    "  - What would you do?\n  - Who calls it?\n");
	cap_start();
	INT_EQ(report_parse(&r, &cfg, "r.md", b.data, b.len), 0);
	STR_EQ(cap_end(), "");
	INT_EQ(r.ndiscussion, 3);
	STR_EQ(r.discussion[0], "Why?");
	STR_EQ(r.discussion[2], "Who calls it?");
	report_free(&r);
	/* Optional: none given is none. */
	mk(&b, NULL, NULL);
	cap_start();
	INT_EQ(report_parse(&r, &cfg, "r.md", b.data, b.len), 0);
	cap_end();
	INT_EQ(r.ndiscussion, 0);
	report_free(&r);
	BAD("summary", "summary: S\ndiscussion: [\"Only one?\"]\n",
	    "r.md:17: discussion: give 2 or 3 questions, not 1\n");
	BAD("summary", "summary: S\ndiscussion: []\n",
	    "r.md:17: discussion: give 2 or 3 questions, not 0\n");
	BAD("summary", "summary: S\ndiscussion: [a, b, c, d]\n",
	    "r.md:17: discussion: at most 3 questions\n");
	BAD("summary", "summary: S\ndiscussion: [a, \"\"]\n",
	    "r.md:17: discussion: question 2 must be 1 to 300 characters "
	    "on one line\n");
	BAD("summary", "summary: S\ndiscussion: [a, \"two\\nlines\"]\n",
	    "r.md:17: discussion: question 2 must be 1 to 300 characters "
	    "on one line\n");
	BAD("summary", "summary: S\ndiscussion: [\"a\\0b\", c]\n",
	    "r.md:17: discussion: contains a NUL byte\n");
	BAD("summary", "summary: S\ndiscussion: Why?\n",
	    "r.md:17: discussion: expected a list of 2 or 3 questions\n");
	BAD("summary", "summary: S\ndiscussion: [a, [b]]\n",
	    "r.md:17: discussion: expected a list of questions\n");
	BAD("summary", "summary: S\ndiscussion: [a, b]\ndiscussion: [c, d]\n",
	    "r.md:18: discussion: given twice (first on line 17)\n");
	buf_addstr(&q, "summary: S\ndiscussion:\n  - ok\n  - ");
	for (i = 0; i < 301; i++)
		buf_addch(&q, 'q');
	buf_addch(&q, '\n');
	BAD("summary", q.data, "r.md:19: discussion: question 2 must be 1 "
	    "to 300 characters on one line\n");
	/* 300 characters of 4 bytes each is fine. */
	buf_reset(&q);
	buf_addstr(&q, "summary: S\ndiscussion:\n  - ok\n  - ");
	for (i = 0; i < 300; i++)
		buf_addstr(&q, "\xf0\x9f\x9a\x93");
	buf_addch(&q, '\n');
	mk(&b, "summary", q.data);
	INT_EQ(parse(b.data, b.len, &err), 0);
	STR_EQ(err, "");
	buf_free(&q);
	buf_free(&b);
}

static void
test_dates(void)
{
	BAD("event_date", "event_date: 2025-01-15\n", "r.md:4: event_date: "
	    "\"2025-01-15\" gives a day; give the year and month only "
	    "(YYYY-MM), never a day\n");
	BAD("event_date", "event_date: 2025-13\n", "r.md:4: event_date: "
	    "\"2025-13\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: 2025-00\n", "r.md:4: event_date: "
	    "\"2025-00\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: 2025-1\n", "r.md:4: event_date: "
	    "\"2025-1\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: abc\n", "r.md:4: event_date: "
	    "\"abc\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: abcd-01\n", "r.md:4: event_date: "
	    "\"abcd-01\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: 2025/01\n", "r.md:4: event_date: "
	    "\"2025/01\" is not a month (YYYY-MM)\n");
	BAD("event_date", "event_date: \"\"\n", "r.md:4: event_date: "
	    "\"\" is not a month (YYYY-MM)\n");
	BAD("published", "published: 2025-02-30\n", "r.md:5: published: "
	    "\"2025-02-30\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-02-29\n", "r.md:5: published: "
	    "\"2025-02-29\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 1900-02-29\n", "r.md:5: published: "
	    "\"1900-02-29\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-04-31\n", "r.md:5: published: "
	    "\"2025-04-31\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-2-1\n", "r.md:5: published: "
	    "\"2025-2-1\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-02-00\n", "r.md:5: published: "
	    "\"2025-02-00\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-02\n", "r.md:5: published: "
	    "\"2025-02\" is not a date (YYYY-MM-DD)\n");
	BAD("published", "published: 2025-02-14T10:00\n", "r.md:5: "
	    "published: \"2025-02-14T10:00\" is not a date (YYYY-MM-DD)\n");
	/* The event after the publication. */
	BAD("event_date", "event_date: 2025-03\n", "r.md:4: event_date: "
	    "2025-03 is after the publication date\n");
	BAD("event_date", "event_date: 2026-01\n", "r.md:4: event_date: "
	    "2026-01 is after the publication date\n");
	{
		struct buf	 b = BUF_INIT;
		const char	*err;

		mk(&b, "published", "published: 2000-02-29\n");
		INT_EQ(parse(b.data, b.len, &err), -1);
		STR_EQ(err, "r.md:4: event_date: 2025-01 is after the "
		    "publication date\n");
		buf_free(&b);
	}
}

static void
test_terms(void)
{
	BAD("incident_type", "incident_type: jaywalking\n",
	    unknown(6, "incident_type", "jaywalking", "incident_type"));
	BAD("incident_type", "incident_type: Other\n",
	    unknown(6, "incident_type", "Other", "incident_type"));
	BAD("loss_potential", "loss_potential: embarrassment\n",
	    unknown(8, "loss_potential", "embarrassment", "loss_potential"));
	BAD("contributing_factors", "contributing_factors: [fatigue, luck]\n",
	    unknown(7, "contributing_factors", "luck",
	    "contributing_factors"));
	BAD("agency_type", "agency_type: fbi\n",
	    unknown(14, "agency_type", "fbi", "agency_type"));
	BAD("region", "region: mars\n",
	    unknown(15, "region", "mars", "region"));
	BAD("environment", "environment:\n  time_of_day: noon\n",
	    unknown(11, "time_of_day", "noon", "time_of_day"));
	BAD("environment", "environment:\n  time_of_day: night\n"
	    "  lighting: neon\n  weather: clear\n",
	    unknown(12, "lighting", "neon", "lighting"));
	BAD("environment", "environment:\n  weather: hail\n",
	    unknown(11, "weather", "hail", "weather"));
	/* A value from another taxonomy is not allowed. */
	BAD("incident_type", "incident_type: fatigue\n",
	    unknown(6, "incident_type", "fatigue", "incident_type"));
}

static void
test_shapes(void)
{
	BAD("contributing_factors", "contributing_factors: []\n", "r.md:7: "
	    "contributing_factors: at least one value is required\n");
	BAD("contributing_factors", "contributing_factors: [training, "
	    "staffing, fatigue, communication, decision-making, "
	    "equipment-failure]\n",
	    "r.md:7: contributing_factors: at most 5 values\n");
	BAD("contributing_factors", "contributing_factors:\n  - training\n"
	    "  - staffing\n  - fatigue\n  - communication\n"
	    "  - decision-making\n  - equipment-failure\n",
	    "r.md:13: contributing_factors: at most 5 values\n");
	BAD("contributing_factors", "contributing_factors: [fatigue, "
	    "training, fatigue]\n", "r.md:7: contributing_factors: "
	    "\"fatigue\" listed twice\n");
	BAD("contributing_factors", "contributing_factors: fatigue\n",
	    "r.md:7: contributing_factors: expected a list, e.g. "
	    "[communication, fatigue]\n");
	BAD("contributing_factors", "contributing_factors: [[fatigue]]\n",
	    "r.md:7: contributing_factors: expected a list of values\n");
	BAD("incident_type", "incident_type: [other, traffic-stop]\n",
	    "r.md:6: incident_type: expected a single value, not a list\n");
	BAD("region", "region:\n  - west\n",
	    "r.md:16: region: expected a single value, not a list\n");
	BAD("region", "region: {name: west}\n",
	    "r.md:15: region: expected a single value, not a mapping\n");
	BAD("environment", "environment: night\n", "r.md:10: environment: "
	    "expected a mapping with time_of_day, lighting and weather\n");
	BAD("environment", "environment:\n  time_of_day: night\n"
	    "  wind: strong\n", "r.md:12: environment: unknown key \"wind\" "
	    "(expected time_of_day, lighting or weather)\n");
	BAD("environment", "environment:\n  time_of_day: night\n"
	    "  time_of_day: day\n", "r.md:12: environment: time_of_day given "
	    "twice\n");
	BAD("environment", "environment:\n  lighting: [dark]\n",
	    "r.md:11: environment: lighting: expected a single value\n");
	BAD("officers_on_scene", "officers_on_scene: many\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"many\"\n");
	BAD("officers_on_scene", "officers_on_scene: 0\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"0\"\n");
	BAD("officers_on_scene", "officers_on_scene: 1000\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"1000\"\n");
	BAD("officers_on_scene", "officers_on_scene: -2\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"-2\"\n");
	BAD("officers_on_scene", "officers_on_scene: 0x10\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"0x10\"\n");
	BAD("officers_on_scene", "officers_on_scene: \"+3\"\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"+3\"\n");
	/* At most three digits, as lib/field.c counts (this passed). */
	BAD("officers_on_scene", "officers_on_scene: 0007\n", "r.md:9: "
	    "officers_on_scene: expected a number from 1 to 999, got "
	    "\"0007\"\n");
}

/* n copies of the UTF-8 character c into b. */
static void
repeat(struct buf *b, const char *c, size_t n)
{
	while (n-- > 0)
		buf_addstr(b, c);
}

/* Limits in characters: the table's, whatever the bytes (these failed). */
static void
test_chars(void)
{
	struct buf	 b = BUF_INIT, r = BUF_INIT;
	struct report	 rep;
	const char	*err;

	buf_addstr(&b, "title: \"");
	repeat(&b, "\xf0\x9f\x9a\x93", 200);
	buf_addstr(&b, "\"\n");
	mk(&r, "title", b.data);
	INT_EQ(parse(r.data, r.len, &err), 0);
	STR_EQ(err, "");
	buf_reset(&b);
	buf_addstr(&b, "title: \"");
	repeat(&b, "\xc3\xa9", 201);
	buf_addstr(&b, "\"\n");
	BAD("title", b.data, "r.md:3: title: must be 1 to 200 characters on "
	    "one line\n");

	/* The longest summary, 1024 characters of 4 bytes, and a tab. */
	buf_reset(&b);
	buf_addstr(&b, "summary: \"\\t");
	repeat(&b, "\xf0\x9f\x9a\x93", 1023);
	buf_addstr(&b, "\"\n");
	mk(&r, "summary", b.data);
	cap_start();
	INT_EQ(report_parse(&rep, &cfg, "r.md", r.data, r.len), 0);
	STR_EQ(cap_end(), "");
	OK(rep.summary != NULL && strlen(rep.summary) == 1 + 4 * 1023);
	report_free(&rep);
	buf_free(&b);
	buf_free(&r);
}

/*
 * A bidirectional control anywhere in the file is refused at the first
 * one's line and column: in a value, a comment, an unknown key, the
 * body; written as a YAML escape it is the field's error.
 */
static void
test_bidi(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;

	BAD("title", "title: \"abc \xe2\x80\xae" "cba\"\n",
	    "r.md:3: column 13: U+202E RIGHT-TO-LEFT OVERRIDE: "
	    "bidirectional controls are not allowed in a report (they can "
	    "make text read differently from what it is); remove it\n");
	/* Columns count characters, not bytes. */
	BAD("summary", "summary: \"\xc3\xa9\xc3\xa9\xe2\x81\xa6x\"\n",
	    "r.md:16: column 13: U+2066 LEFT-TO-RIGHT ISOLATE: "
	    "bidirectional controls are not allowed in a report (they can "
	    "make text read differently from what it is); remove it\n");
	BAD("region", "# \xe2\x80\xaa\nregion: west\n",
	    "r.md:15: column 3: U+202A LEFT-TO-RIGHT EMBEDDING: "
	    "bidirectional controls are not allowed in a report (they can "
	    "make text read differently from what it is); remove it\n");
	/* The first one only, and before any other error. */
	BAD("id", "id: \xe2\x81\xa9\xe2\x80\xab\n",
	    "r.md:2: column 5: U+2069 POP DIRECTIONAL ISOLATE: "
	    "bidirectional controls are not allowed in a report (they can "
	    "make text read differently from what it is); remove it\n");
	BAD("title", "title: \"\\u202E\"\n", "r.md:3: title: holds a "
	    "bidirectional control character (U+202A to U+202E or U+2066 "
	    "to U+2069), which can make text read differently from what it "
	    "is; remove it\n");
	BAD("summary", "summary: \"\\u2068x\"\n", "r.md:16: summary: holds "
	    "a bidirectional control character (U+202A to U+202E or U+2066 "
	    "to U+2069), which can make text read differently from what it "
	    "is; remove it\n");

	/* In the body. */
	mk(&b, NULL, NULL);
	buf_addstr(&b, "\nA line \xe2\x80\xad.\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	STR_EQ(err, "r.md:24: column 8: U+202D LEFT-TO-RIGHT OVERRIDE: "
	    "bidirectional controls are not allowed in a report (they can "
	    "make text read differently from what it is); remove it\n");
	/* U+200F RIGHT-TO-LEFT MARK is not a control: allowed. */
	mk(&b, NULL, NULL);
	buf_addstr(&b, "\nA line \xe2\x80\x8f.\n");
	INT_EQ(parse(b.data, b.len, &err), 0);
	buf_free(&b);
}

static void
test_hostile(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	double		 t0;
	size_t		 i;
	int		 rc;

	BAD("region", "region: &a mountain\n",
	    "r.md:15: front matter: anchors are not allowed\n");
	BAD("region", "region: *a\n",
	    "r.md:15: front matter: aliases are not allowed\n");
	BAD("environment", "environment: &env\n  time_of_day: night\n",
	    "r.md:10: front matter: anchors are not allowed\n");
	BAD("region", "region: !!str mountain\n",
	    "r.md:15: front matter: tags are not allowed\n");
	BAD("region", "region: !foo mountain\n",
	    "r.md:15: front matter: tags are not allowed\n");
	BAD("summary", "summary: !!binary aGVsbG8=\n",
	    "r.md:16: front matter: tags are not allowed\n");
	BAD("contributing_factors", "contributing_factors: !!seq [fatigue]\n",
	    "r.md:7: front matter: tags are not allowed\n");
	BADTEXT("---\n!!map\nid: x\n---\n",
	    "r.md:2: front matter: tags are not allowed\n");
	/* The billion laughs: refused at the first anchor. */
	BADTEXT("---\n"
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "---\n",
	    "r.md:2: front matter: anchors are not allowed\n");
	/* Merge keys need an alias too. */
	BADTEXT("---\n<<: *base\nid: x\n---\n",
	    "r.md:2: front matter: aliases are not allowed\n");
	/* Deep nesting. */
	mk(&b, "region", "region: [[[[[[[[x]]]]]]]]\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	OK(strncmp(err, "r.md:15: ", 9) == 0);
	mk(&b, "environment", "environment: {time_of_day: {a: {b: {c: "
	    "{d: x}}}}}\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	OK(strncmp(err, "r.md:10: ", 9) == 0);
	BADTEXT("---\n[[[[[[x]]]]]]\n---\n",
	    "r.md:2: front matter: expected key: value lines\n");
	BADTEXT("---\n- a\n- b\n---\n",
	    "r.md:2: front matter: expected key: value lines\n");
	BADTEXT("---\njust a string\n---\n",
	    "r.md:2: front matter: expected key: value lines\n");
	/* A summary over 1024 characters, within the 4 KiB scalar. */
	buf_reset(&b);
	buf_addstr(&b, "summary: ");
	for (i = 0; i < 1025; i++)
		buf_addch(&b, 's');
	buf_addstr(&b, "\n");
	BAD("summary", b.data, "r.md:16: summary: must be non-empty text of "
	    "at most 1024 characters\n");
	/* A scalar over 4 KiB, within the 16 KiB block. */
	buf_reset(&b);
	buf_addstr(&b, "colour: ");
	for (i = 0; i < 4097; i++)
		buf_addch(&b, 'c');
	buf_addstr(&b, "\n");
	BAD("region", b.data,
	    "r.md:15: front matter: value longer than 4096 bytes\n");
	/* A 3 MB scalar: refused by the 16 KiB cap, quickly. */
	buf_reset(&b);
	buf_addstr(&b, "---\nsummary: ");
	for (i = 0; i < 3 * 1024 * 1024; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\n---\n");
	t0 = now();
	bad_text(__LINE__, b.data, b.len, "r.md:1: front matter larger than "
	    "16384 bytes (or its closing \"---\" is missing)\n");
	OK(now() - t0 < 1.0);
	/* 100000 '[' on one line, closed and not closed. */
	buf_reset(&b);
	buf_addstr(&b, "---\n");
	for (i = 0; i < 100000; i++)
		buf_addch(&b, '[');
	t0 = now();
	bad_text(__LINE__, b.data, b.len, "r.md:1: front matter is not "
	    "closed by a \"---\" line\n");
	buf_addstr(&b, "\n---\n");
	bad_text(__LINE__, b.data, b.len, "r.md:1: front matter larger than "
	    "16384 bytes (or its closing \"---\" is missing)\n");
	OK(now() - t0 < 1.0);
	/* 4000 '[' fit in 16 KiB: libyaml must fail, not recurse forever. */
	buf_reset(&b);
	buf_addstr(&b, "---\na: ");
	for (i = 0; i < 4000; i++)
		buf_addch(&b, '[');
	buf_addstr(&b, "\n---\n");
	t0 = now();
	rc = parse(b.data, b.len, &err);
	INT_EQ(rc, -1);
	OK(strncmp(err, "r.md:2: ", 8) == 0);
	OK(now() - t0 < 1.0);
	/* Two YAML documents. */
	BAD("summary", "summary: x\n--- \nid: 2025-0008\n",
	    "r.md:17: front matter: only one YAML document is allowed\n");
	BAD("summary", "summary: x\n--- # second\n",
	    "r.md:17: front matter: only one YAML document is allowed\n");
	/* A YAML syntax error, on its line. */
	BAD("title", "title: a: b\n", "r.md:3: front matter: mapping values "
	    "are not allowed in this context\n");
	BAD("contributing_factors", "contributing_factors: [fatigue\n",
	    "r.md:7: contributing_factors: unknown value \"fatigue "
	    "loss_potential\" (allowed values are listed in "
	    "[contributing_factors] of nearmiss.ini)\n"
	    "r.md:8: front matter: did not find expected ',' or ']' while "
	    "parsing a flow sequence\n");
	buf_free(&b);
}

static void
test_bytes(void)
{
	struct buf	 b = BUF_INIT;

	/* A NUL byte in the front matter, reported on its line. */
	mk(&b, "region", "region: moun");
	buf_truncate(&b, strstr(b.data, "moun") - b.data + 4);
	buf_addch(&b, '\0');
	buf_addstr(&b, "tain\nsummary: x\n---\nbody\n");
	bad_text(__LINE__, b.data, b.len,
	    "r.md:15: front matter contains a NUL byte\n");
	/* Invalid UTF-8, reported on its line. */
	mk(&b, "region", "region: moun\xff" "tain\n");
	bad_text(__LINE__, b.data, b.len, "r.md:15: front matter: invalid "
	    "leading UTF-8 octet\n");
	mk(&b, "title", "title: \"caf\xc3\"\n");
	bad_text(__LINE__, b.data, b.len, "r.md:3: front matter: invalid "
	    "trailing UTF-8 octet\n");
	/* Control characters libyaml refuses. */
	mk(&b, "title", "title: \"a\x01" "b\"\n");
	bad_text(__LINE__, b.data, b.len, "r.md:3: front matter: control "
	    "characters are not allowed\n");
	/* Valid UTF-8 is fine. */
	{
		const char	*err;

		mk(&b, "title", "title: Caf\xc3\xa9 \xe2\x80\x94 "
		    "\xf0\x9f\x9a\x93\n");
		INT_EQ(parse(b.data, b.len, &err), 0);
		STR_EQ(err, "");
	}
	buf_free(&b);
}

static void
test_cmp(void)
{
	struct report	 a, b, c;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.id = "2025-0001";
	a.pub_year = 2025, a.pub_month = 3, a.pub_day = 1;
	b.id = "2025-0002";
	b.pub_year = 2025, b.pub_month = 2, b.pub_day = 28;
	c.id = "2025-0003";
	c.pub_year = 2025, c.pub_month = 3, c.pub_day = 1;
	/* Newest first. */
	OK(report_cmp_newest(&a, &b) < 0);
	OK(report_cmp_newest(&b, &a) > 0);
	/* Day, month and year all count. */
	b.pub_year = 2026, b.pub_month = 1, b.pub_day = 1;
	OK(report_cmp_newest(&b, &a) < 0);
	b.pub_year = 2025, b.pub_month = 3, b.pub_day = 2;
	OK(report_cmp_newest(&b, &a) < 0);
	/* Same day: by id, a total order (the higher id first). */
	OK(report_cmp_newest(&a, &c) != 0);
	OK((report_cmp_newest(&a, &c) < 0) != (report_cmp_newest(&c, &a) <
	    0));
	OK(report_cmp_newest(&c, &a) < 0);
	INT_EQ(report_cmp_newest(&a, &a), 0);
}

/* Last: these corrupt memory or leak in the code as it stands. */
static void
test_repeated_list(void)
{
	struct buf	 b = BUF_INIT;
	struct report	 r;

	/* A second contributing_factors list after a full first one. */
	mk(&b, "contributing_factors", "contributing_factors: [training, "
	    "staffing, fatigue, communication, decision-making]\n");
	buf_truncate(&b, strstr(b.data, "summary:") - b.data);
	buf_addstr(&b, "contributing_factors: [equipment-failure, "
	    "situational-awareness]\nsummary: x\n---\n");
	/*
	 * Not captured: a sanitizer report from inside report_parse() must
	 * reach the real stderr.  The message itself is checked in
	 * test_keys().
	 */
	INT_EQ(report_parse(&r, &cfg, "r.md", b.data, b.len), -1);
	OK(r.nfactors >= 0 && r.nfactors <= REPORT_FACTORS_MAX);
	report_free(&r);
	buf_free(&b);
}

int
main(void)
{
	const char	*err;
	int		 rc;

	cap_start();
	INT_EQ(config_parse(&cfg, "t.ini", ini, sizeof(ini) - 1), 0);
	err = cap_end();
	STR_EQ(err, "");
	test_valid();
	test_valid_variants();
	test_fence();
	test_required();
	test_keys();
	test_id();
	test_title_summary();
	test_discussion();
	test_dates();
	test_terms();
	test_shapes();
	test_chars();
	test_bidi();
	test_hostile();
	test_bytes();
	test_cmp();
	test_repeated_list();
	config_free(&cfg);
	rc = DONE("test_report");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
