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
 * Unit tests of lib/config.c: a valid nearmiss.ini, and one test per
 * error, each checking the exact "path:line: message" written to stderr.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "harness.h"

/* The smallest valid file; errors are added at its end (line 13). */
#define BASE								\
	"; a comment\n"							\
	"[site]\n"							\
	"title = T\n"							\
	"base_url = https://x.example/nm\n"				\
	"\n"								\
	"[incident_type]\n"						\
	"traffic-stop = Traffic stop\n"					\
	"other = Other\n"						\
	"[contributing_factors]\n"					\
	"fatigue = Fatigue\n"						\
	"[loss_potential]\n"						\
	"death = Death\n"

/* Parses text (len bytes); returns the rc and sets *errp to stderr. */
static int
parse(const char *text, size_t len, const char **errp)
{
	struct config	 c;
	int		 rc;

	cap_start();
	rc = config_parse(&c, "t.ini", text, len);
	*errp = cap_end();
	/* Left empty on failure, and config_free is safe either way. */
	if (rc == -1 && (c.title != NULL || c.base_url != NULL ||
	    c.tax[0].terms != NULL))
		fprintf(stderr, "config not emptied after a failure\n");
	config_free(&c);
	return rc;
}

/* Checks that text fails with exactly the message want. */
#define BAD(text, want) do {						\
	const char *e_;							\
	INT_EQ(parse((text), sizeof(text) - 1, &e_), -1);		\
	STR_EQ(e_, (want));						\
} while (0)

/*
 * Checks that text fails with exactly the messages of want (one per
 * line, NULL-terminated), in any order.
 */
static void
bad_any_order(int line, const char *text, size_t len,
    const char *const *want)
{
	const char	*err, *p;
	size_t		 i, nl = 0;
	int		 rc, ok = 1;

	rc = parse(text, len, &err);
	for (p = err; *p != '\0'; p++)
		if (*p == '\n')
			nl++;
	for (i = 0; want[i] != NULL; i++)
		if (strstr(err, want[i]) == NULL)
			ok = 0;
	if (rc != -1 || !ok || nl != i) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged\n%swant (in any "
		    "order)\n", __FILE__, line, rc, err);
		for (i = 0; want[i] != NULL; i++)
			fputs(want[i], stderr);
	} else
		harness_pass++;
}

#define BAD_ANY(text, ...) do {						\
	static const char *const w_[] = { __VA_ARGS__, NULL };		\
	bad_any_order(__LINE__, (text), sizeof(text) - 1, w_);		\
} while (0)

static void
test_valid(void)
{
	static const char text[] =
	    "; nearmiss.ini\n"
	    "[site]\n"
	    "title = Near Miss Archive\n"
	    "description = Close calls, de-identified.\n"
	    "base_url = https://nearmiss.example.org\n"
	    "intake_url = https://report.example.org/\n"
	    "intake_email = report@example.org\n"
	    "language = en-GB\n"
	    "feed_items = 20\n"
	    "\n"
	    "[incident_type]\n"
	    "traffic-stop = Traffic stop\n"
	    "vehicle-pursuit = Vehicle pursuit\n"
	    "other = Other\n"
	    "\n"
	    "[contributing_factors]\n"
	    "situational-awareness = Situational awareness\n"
	    "fatigue = Fatigue\n"
	    "[loss_potential]\n"
	    "death = Death\n"
	    "[region]\n"
	    "alaska-hawaii-territories = Alaska, Hawaii and territories\n"
	    "[time_of_day]\n"
	    "night = Night\n"
	    "[weather]\n"
	    "snow-or-ice = Snow or ice\n";
	struct config	 c;
	const char	*err;

	cap_start();
	INT_EQ(config_parse(&c, "t.ini", text, sizeof(text) - 1), 0);
	err = cap_end();
	STR_EQ(err, "");
	STR_EQ(c.title, "Near Miss Archive");
	STR_EQ(c.description, "Close calls, de-identified.");
	/* base_url always ends with a slash. */
	STR_EQ(c.base_url, "https://nearmiss.example.org/");
	STR_EQ(c.intake_url, "https://report.example.org/");
	STR_EQ(c.intake_email, "report@example.org");
	STR_EQ(c.language, "en-GB");
	/* Defaults for what was not given. */
	INT_EQ(c.per_page, 25);
	INT_EQ(c.home_items, 12);
	INT_EQ(c.feed_items, 20);
	/* Terms in file order, with labels. */
	INT_EQ(c.tax[TAX_INCIDENT_TYPE].nterms, 3);
	STR_EQ(c.tax[TAX_INCIDENT_TYPE].terms[0].slug, "traffic-stop");
	STR_EQ(c.tax[TAX_INCIDENT_TYPE].terms[0].label, "Traffic stop");
	STR_EQ(c.tax[TAX_INCIDENT_TYPE].terms[1].slug, "vehicle-pursuit");
	STR_EQ(c.tax[TAX_INCIDENT_TYPE].terms[2].slug, "other");
	INT_EQ(c.tax[TAX_FACTORS].nterms, 2);
	STR_EQ(c.tax[TAX_FACTORS].terms[0].label, "Situational awareness");
	INT_EQ(c.tax[TAX_LOSS].nterms, 1);
	STR_EQ(c.tax[TAX_REGION].terms[0].label,
	    "Alaska, Hawaii and territories");
	INT_EQ(c.tax[TAX_AGENCY].nterms, 0);
	INT_EQ(c.tax[TAX_LIGHTING].nterms, 0);
	STR_EQ(c.tax[TAX_WEATHER].terms[0].slug, "snow-or-ice");
	INT_EQ(config_term(&c, TAX_INCIDENT_TYPE, "other"), 2);
	INT_EQ(config_term(&c, TAX_INCIDENT_TYPE, "traffic-stop"), 0);
	INT_EQ(config_term(&c, TAX_INCIDENT_TYPE, "fatigue"), -1);
	INT_EQ(config_term(&c, TAX_INCIDENT_TYPE, "Other"), -1);
	INT_EQ(config_term(&c, TAX_AGENCY, "x"), -1);
	config_free(&c);
	OK(c.title == NULL);
	config_free(&c);
	config_free(NULL);
}

static void
test_defaults(void)
{
	static const char text[] = BASE;
	struct config	 c;
	const char	*err;

	cap_start();
	INT_EQ(config_parse(&c, "t.ini", text, sizeof(text) - 1), 0);
	err = cap_end();
	STR_EQ(err, "");
	STR_EQ(c.base_url, "https://x.example/nm/");
	STR_EQ(c.description, "");
	STR_EQ(c.intake_url, "");
	STR_EQ(c.intake_email, "");
	STR_EQ(c.language, "en");
	INT_EQ(c.per_page, 25);
	INT_EQ(c.feed_items, 50);
	INT_EQ(c.home_items, 12);
	INT_EQ(c.min_approvals, 2);
	INT_EQ(c.min_count, 3);
	STR_EQ(c.data_licence, "CC BY 4.0");
	STR_EQ(c.data_licence_url,
	    "https://creativecommons.org/licenses/by/4.0/");
	config_free(&c);
	/* http is allowed, and a trailing slash is not doubled. */
	{
		static const char t2[] = "[site]\ntitle = T\n"
		    "base_url = http://x/\n[incident_type]\na = A\n"
		    "[contributing_factors]\nb = B\n[loss_potential]\nc = C\n"
		    "[site]\nper_page = 1000\n";

		cap_start();
		INT_EQ(config_parse(&c, "t.ini", t2, sizeof(t2) - 1), 0);
		cap_end();
		STR_EQ(c.base_url, "http://x/");
		INT_EQ(c.per_page, 1000);
		config_free(&c);
	}
	/* CRLF line endings and a byte order mark. */
	{
		struct buf	 crlf = BUF_INIT;
		size_t		 i;

		buf_addstr(&crlf, "\xef\xbb\xbf");
		for (i = 0; i < sizeof(text) - 1; i++) {
			if (text[i] == '\n')
				buf_addch(&crlf, '\r');
			buf_addch(&crlf, text[i]);
		}
		cap_start();
		INT_EQ(config_parse(&c, "t.ini", crlf.data, crlf.len), 0);
		STR_EQ(cap_end(), "");
		STR_EQ(c.title, "T");
		STR_EQ(c.base_url, "https://x.example/nm/");
		STR_EQ(c.tax[TAX_INCIDENT_TYPE].terms[1].label, "Other");
		config_free(&c);
		buf_free(&crlf);
	}
	/* Not NUL-terminated: only len bytes are read. */
	{
		char	*copy;
		size_t	 n = sizeof(text) - 1;

		copy = malloc(n + 5);
		memcpy(copy, text, n);
		memcpy(copy + n, "x=\n[", 4);
		cap_start();
		INT_EQ(config_parse(&c, "t.ini", copy, n), 0);
		cap_end();
		config_free(&c);
		free(copy);
	}
}

static void
test_errors(void)
{
	BAD(BASE "[colours]\nred = Red\n",
	    "t.ini:13: unknown section [colours]\n");
	/* Reported at the section line, even when it has no keys. */
	BAD(BASE "[colours]\n", "t.ini:13: unknown section [colours]\n");
	BAD(BASE "[site]\ncolour = red\n",
	    "t.ini:14: [site]: unknown key \"colour\"\n");
	BAD(BASE "[site]\ntitle = Again\n",
	    "t.ini:14: [site]: \"title\" set twice\n");
	BAD(BASE "[incident_type]\nBad_Slug = Bad\n",
	    "t.ini:14: [incident_type]: \"Bad_Slug\" is not a valid slug "
	    "(lowercase letters, digits and single hyphens, at most 48)\n");
	BAD(BASE "[region]\nnorth--east = NE\n",
	    "t.ini:14: [region]: \"north--east\" is not a valid slug "
	    "(lowercase letters, digits and single hyphens, at most 48)\n");
	BAD(BASE "[region]\n-west = W\n",
	    "t.ini:14: [region]: \"-west\" is not a valid slug "
	    "(lowercase letters, digits and single hyphens, at most 48)\n");
	BAD(BASE "[incident_type]\nother = Other again\n",
	    "t.ini:14: [incident_type]: \"other\" defined twice\n");
	BAD(BASE "[weather]\nrain =\n",
	    "t.ini:14: [weather]: rain: the label must be 1 to 200 bytes\n");
	BAD(BASE "[site]\nper_page = abc\n",
	    "t.ini:14: per_page: expected a number from 1 to 1000, "
	    "got \"abc\"\n");
	BAD(BASE "[site]\nper_page = 0\n",
	    "t.ini:14: per_page: expected a number from 1 to 1000, "
	    "got \"0\"\n");
	BAD(BASE "[site]\nmin_approvals = 0\n",
	    "t.ini:14: min_approvals: expected a number from 1 to 255, "
	    "got \"0\"\n");
	BAD(BASE "[site]\nmin_approvals = 256\n",
	    "t.ini:14: min_approvals: expected a number from 1 to 255, "
	    "got \"256\"\n");
	BAD(BASE "[site]\nmin_approvals = -2\n",
	    "t.ini:14: min_approvals: expected a number from 1 to 255, "
	    "got \"-2\"\n");
	BAD(BASE "[site]\nmin_count = 0\n",
	    "t.ini:14: min_count: expected a number from 1 to 1000, "
	    "got \"0\"\n");
	BAD(BASE "[site]\ndata_licence_url = ftp://x\n",
	    "t.ini:14: [site]: data_licence_url must be an absolute http or "
	    "https URL (no spaces, quotes or angle brackets)\n");
	BAD(BASE "[site]\nhome_items = 1001\n",
	    "t.ini:14: home_items: expected a number from 1 to 1000, "
	    "got \"1001\"\n");
	BAD(BASE "[site]\nfeed_items = 12x\n",
	    "t.ini:14: feed_items: expected a number from 1 to 1000, "
	    "got \"12x\"\n");
	BAD(BASE "[site]\nfeed_items = 99999999999999999999\n",
	    "t.ini:14: feed_items: expected a number from 1 to 1000, "
	    "got \"99999999999999999999\"\n");
	/* A line without '=' (found before libinih sees it). */
	BAD(BASE "\nthis line has no equals sign\n",
	    "t.ini:14: syntax error: expected [section] or key = value\n");
	BAD(BASE "[site\n",
	    "t.ini:13: syntax error: a section header needs a closing ]\n");
	BAD("[site]\ntitle = T\nbase_url = ftp://x.example/\n"
	    "[incident_type]\na = A\n[contributing_factors]\nb = B\n"
	    "[loss_potential]\nc = C\n",
	    "t.ini:3: [site]: base_url must be an absolute http or https "
	    "URL (no spaces, quotes or angle brackets)\n");
	BAD("[site]\ntitle = T\nbase_url = //x.example/\n"
	    "[incident_type]\na = A\n[contributing_factors]\nb = B\n"
	    "[loss_potential]\nc = C\n",
	    "t.ini:3: [site]: base_url must be an absolute http or https "
	    "URL (no spaces, quotes or angle brackets)\n");
}

static void
test_missing(void)
{
	BAD("[site]\nbase_url = https://x/\n[incident_type]\na = A\n"
	    "[contributing_factors]\nb = B\n[loss_potential]\nc = C\n",
	    "t.ini: [site]: title is required\n");
	BAD("[site]\ntitle = T\n[incident_type]\na = A\n"
	    "[contributing_factors]\nb = B\n[loss_potential]\nc = C\n",
	    "t.ini: [site]: base_url is required\n");
	BAD("[site]\ntitle = T\nbase_url = https://x/\n[incident_type]\n"
	    "a = A\n[contributing_factors]\nb = B\n",
	    "t.ini: [loss_potential]: at least one value is required\n");
	BAD("[site]\ntitle = T\nbase_url = https://x/\n"
	    "[contributing_factors]\nb = B\n[loss_potential]\nc = C\n",
	    "t.ini: [incident_type]: at least one value is required\n");
	BAD("[site]\ntitle = T\nbase_url = https://x/\n[incident_type]\n"
	    "a = A\n[contributing_factors]\n[loss_potential]\nc = C\n",
	    "t.ini: [contributing_factors]: at least one value is "
	    "required\n");
	BAD("",
	    "t.ini: [site]: title is required\n"
	    "t.ini: [site]: base_url is required\n"
	    "t.ini: [incident_type]: at least one value is required\n"
	    "t.ini: [contributing_factors]: at least one value is required\n"
	    "t.ini: [loss_potential]: at least one value is required\n");
}

static void
test_limits(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	char		 want[128];
	size_t		 i;

	/* A line that does not fit inih's line buffer. */
	buf_addstr(&b, BASE "[site]\ndescription = ");
	for (i = 0; i < 300; i++)
		buf_addch(&b, 'd');
	buf_addstr(&b, "\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	STR_EQ(err, "t.ini:14: line longer than 197 bytes\n");
	/* The rest of the long line is skipped, the next line is read. */
	buf_addstr(&b, "colour = x\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	STR_EQ(err, "t.ini:14: line longer than 197 bytes\n"
	    "t.ini:15: [site]: unknown key \"colour\"\n");
	buf_reset(&b);
	/* A comment line just within the limit is fine. */
	buf_addstr(&b, BASE ";");
	for (i = 0; i < 190; i++)
		buf_addch(&b, 'c');
	buf_addstr(&b, "\n");
	INT_EQ(parse(b.data, b.len, &err), 0);
	STR_EQ(err, "");
	buf_reset(&b);
	/* A NUL byte, reported at its line. */
	buf_addstr(&b, BASE "[region]\nwest = W");
	buf_addch(&b, '\0');
	buf_addstr(&b, "est\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	STR_EQ(err, "t.ini:14: contains a NUL byte\n");
	buf_reset(&b);
	/* Larger than 256 KiB. */
	buf_addstr(&b, BASE);
	while (b.len <= 256 * 1024)
		buf_addstr(&b, "; padding padding padding padding\n");
	INT_EQ(parse(b.data, b.len, &err), -1);
	snprintf(want, sizeof(want), "t.ini: larger than %d bytes\n",
	    256 * 1024);
	STR_EQ(err, want);
	buf_free(&b);
}

static void
test_all_errors_logged(void)
{
	/*
	 * Every error is logged, not only the first kind found: a syntax
	 * error must be reported even when another line is also wrong.
	 */
	BAD_ANY(BASE "[site]\ncolour = red\nno equals sign here\n",
	    "t.ini:14: [site]: unknown key \"colour\"\n",
	    "t.ini:15: syntax error: expected [section] or key = value\n");
	BAD_ANY(BASE "no equals sign here\n[site]\ncolour = red\n",
	    "t.ini:13: syntax error: expected [section] or key = value\n",
	    "t.ini:15: [site]: unknown key \"colour\"\n");
	/* Several independent errors, each on its own line. */
	BAD_ANY(BASE "[site]\ncolour = red\n[incident_type]\nX = y\n"
	    "other = again\n[nope]\n",
	    "t.ini:14: [site]: unknown key \"colour\"\n",
	    "t.ini:16: [incident_type]: \"X\" is not a valid slug "
	    "(lowercase letters, digits and single hyphens, at most 48)\n",
	    "t.ini:17: [incident_type]: \"other\" defined twice\n",
	    "t.ini:18: unknown section [nope]\n");
}

/* [synonyms]: groups in file order, phrases trimmed; then each error. */
static void
test_synonyms(void)
{
	static const char text[] = BASE
	    "[synonyms]\n"
	    "ois = OIS,  officer-involved shooting ,police shooting\n"
	    "k9 = K9, K-9 unit, canine\n"
	    "cafe = caf\xc3\xa9\n";
	struct config	 c;
	struct buf	 b = BUF_INIT;
	const char	*err;
	int		 i;

	cap_start();
	INT_EQ(config_parse(&c, "t.ini", text, sizeof(text) - 1), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(c.nsyn, 3);
	if (c.nsyn == 3) {
		STR_EQ(c.syn[0].name, "ois");
		INT_EQ(c.syn[0].nphrases, 3);
		STR_EQ(c.syn[0].phrases[0], "OIS");
		STR_EQ(c.syn[0].phrases[1], "officer-involved shooting");
		STR_EQ(c.syn[0].phrases[2], "police shooting");
		INT_EQ(c.syn[0].line, 14);
		STR_EQ(c.syn[1].name, "k9");
		STR_EQ(c.syn[1].phrases[1], "K-9 unit");
		INT_EQ(c.syn[1].line, 15);
		STR_EQ(c.syn[2].phrases[0], "caf\xc3\xa9");
	}
	config_free(&c);
	OK(c.syn == NULL && c.nsyn == 0);

	BAD(BASE "[synonyms]\nois = OIS, , shooting\n",
	    "t.ini:14: [synonyms]: ois: empty phrase\n");
	BAD(BASE "[synonyms]\nois = OIS,\n",
	    "t.ini:14: [synonyms]: ois: empty phrase\n");
	BAD(BASE "[synonyms]\nois = - -\n",
	    "t.ini:14: [synonyms]: ois: empty phrase\n");
	BAD(BASE "[synonyms]\nOIS = OIS\n",
	    "t.ini:14: [synonyms]: \"OIS\" is not a valid group name "
	    "(lowercase letters, digits and single hyphens, at most 48)\n");
	BAD(BASE "[synonyms]\nois = OIS\nois = shooting\n",
	    "t.ini:15: [synonyms]: \"ois\" defined twice\n");
	BAD(BASE "[synonyms]\ndui = driving while under the influence\n",
	    "t.ini:14: [synonyms]: dui: phrase \"driving while under the "
	    "influence\" longer than 4 words or 100 bytes\n");
	BAD(BASE "[synonyms]\nk9 = police-dog-unit-team-x\n",
	    "t.ini:14: [synonyms]: k9: phrase \"police-dog-unit-team-x\" "
	    "longer than 4 words or 100 bytes\n");
	BAD(BASE "[synonyms]\nk9 = caf\xc3\n",
	    "t.ini:14: [synonyms]: k9: invalid UTF-8 or a control "
	    "character\n");
	BAD(BASE "[synonyms]\nk9 = a\tb\n",
	    "t.ini:14: [synonyms]: k9: invalid UTF-8 or a control "
	    "character\n");
	/* A phrase in two groups, however it is spelled and spaced. */
	BAD(BASE "[synonyms]\npursuit = chase, pursuit\n"
	    "chase = Car Chase, CHASE\n",
	    "t.ini:15: [synonyms]: \"chase\" is also in group "
	    "\"pursuit\"\n");
	BAD(BASE "[synonyms]\nois = officer-involved shooting, "
	    "Officer  Involved   shooting\n",
	    "t.ini:14: [synonyms]: \"officer involved shooting\" is twice "
	    "in group \"ois\"\n");
	/* At most 16 phrases a group. */
	buf_addstr(&b, BASE "[synonyms]\nx = p0");
	for (i = 1; i < 17; i++)
		buf_printf(&b, ", p%d", i);
	buf_addch(&b, '\n');
	cap_start();
	INT_EQ(config_parse(&c, "t.ini", b.data, b.len), -1);
	STR_EQ(cap_end(), "t.ini:14: [synonyms]: x: more than 16 phrases\n");
	config_free(&c);
	buf_truncate(&b, b.len - strlen(", p16\n"));
	buf_addch(&b, '\n');
	cap_start();
	INT_EQ(config_parse(&c, "t.ini", b.data, b.len), 0);
	STR_EQ(cap_end(), "");
	INT_EQ(c.nsyn == 1 ? c.syn[0].nphrases : 0, 16);
	config_free(&c);
	/* At most 1,000 groups. */
	buf_reset(&b);
	buf_addstr(&b, BASE "[synonyms]\n");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "g%d = w%d\n", i, i);
	cap_start();
	INT_EQ(config_parse(&c, "t.ini", b.data, b.len), 0);
	STR_EQ(cap_end(), "");
	INT_EQ(c.nsyn, 1000);
	config_free(&c);
	buf_addstr(&b, "g1000 = w1000\n");
	cap_start();
	INT_EQ(config_parse(&c, "t.ini", b.data, b.len), -1);
	STR_EQ(cap_end(), "t.ini:1014: [synonyms]: more than 1000 groups\n");
	config_free(&c);
	buf_free(&b);
}

static void
test_slug(void)
{
	char	 s[64];

	OK(slug_valid("a"));
	OK(slug_valid("traffic-stop"));
	OK(slug_valid("a1-b2-c3"));
	OK(slug_valid("2026"));
	OK(!slug_valid(""));
	OK(!slug_valid("-a"));
	OK(!slug_valid("a-"));
	OK(!slug_valid("a--b"));
	OK(!slug_valid("A"));
	OK(!slug_valid("a_b"));
	OK(!slug_valid("a b"));
	OK(!slug_valid("a/b"));
	OK(!slug_valid("../x"));
	OK(!slug_valid("caf\xc3\xa9"));
	memset(s, 'a', 48);
	s[48] = '\0';
	OK(slug_valid(s));
	s[48] = 'a';
	s[49] = '\0';
	OK(!slug_valid(s));
	STR_EQ(config_tax_name(TAX_INCIDENT_TYPE), "incident_type");
	STR_EQ(config_tax_name(TAX_FACTORS), "contributing_factors");
	STR_EQ(config_tax_name(TAX_LOSS), "loss_potential");
	STR_EQ(config_tax_name(TAX_WEATHER), "weather");
}

/* [report_of_the_week]: ISO weeks to report ids, sorted by week. */
static void
test_pins(void)
{
	struct config	 c;
	const char	*err;
	static const char ok[] = BASE "[report_of_the_week]\n"
	    "2026-W49 = 2026-0042\n2020-W53 = 2020-0001\n"
	    "2026-W01 = 2025-0042\n";
	int		 y, m, d;

	cap_start();
	INT_EQ(config_parse(&c, "t.ini", ok, sizeof(ok) - 1), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ((int)c.npins, 3);
	INT_EQ(c.pins[0].week, 202053);
	INT_EQ(c.pins[1].week, 202601);
	INT_EQ(c.pins[2].week, 202649);
	STR_EQ(c.pins[2].id, "2026-0042");
	INT_EQ((int)c.pins[2].line, 14);
	config_free(&c);
	BAD(BASE "[report_of_the_week]\n2025-W53 = 2026-0042\n",
	    "t.ini:14: [report_of_the_week]: \"2025-W53\" is not an ISO "
	    "8601 week (YYYY-Www, e.g. 2026-W49; week 53 only in the years "
	    "that have one)\n");
	BAD(BASE "[report_of_the_week]\n2026-49 = 2026-0042\n",
	    "t.ini:14: [report_of_the_week]: \"2026-49\" is not an ISO "
	    "8601 week (YYYY-Www, e.g. 2026-W49; week 53 only in the years "
	    "that have one)\n");
	BAD(BASE "[report_of_the_week]\n2026-W00 = 2026-0042\n",
	    "t.ini:14: [report_of_the_week]: \"2026-W00\" is not an ISO "
	    "8601 week (YYYY-Www, e.g. 2026-W49; week 53 only in the years "
	    "that have one)\n");
	BAD(BASE "[report_of_the_week]\n2026-W49 = ../etc\n",
	    "t.ini:14: [report_of_the_week]: 2026-W49: \"../etc\" is not a "
	    "report id (e.g. 2026-0042)\n");
	BAD(BASE "[report_of_the_week]\n2026-W49 = 2026-0042\n"
	    "2026-W49 = 2026-0043\n",
	    "t.ini:15: [report_of_the_week]: 2026-W49 pinned twice (first "
	    "on line 14)\n");
	/* ISO weeks: the first Thursday's week is week 1. */
	INT_EQ(iso_week(2026, 12, 7), 202650);
	INT_EQ(iso_week(2021, 1, 3), 202053);
	INT_EQ(iso_week(2024, 12, 30), 202501);
	INT_EQ(iso_week(2026, 1, 1), 202601);
	INT_EQ(iso_monday(202650, &y, &m, &d), 0);
	INT_EQ(y * 10000 + m * 100 + d, 20261207);
	INT_EQ(iso_monday(202501, &y, &m, &d), 0);
	INT_EQ(y * 10000 + m * 100 + d, 20241230);
	INT_EQ(iso_monday(202553, &y, &m, &d), -1);
	INT_EQ(iso_monday(202653, &y, &m, &d), 0);
	INT_EQ(y * 10000 + m * 100 + d, 20261228);
}

int
main(void)
{
	int	rc;

	test_valid();
	test_defaults();
	test_errors();
	test_missing();
	test_limits();
	test_all_errors_logged();
	test_slug();
	test_synonyms();
	test_pins();
	rc = DONE("test_config");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
