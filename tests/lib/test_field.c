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
 * Unit tests of lib/field.c: the table, and each check at the edges of
 * what it accepts (lengths counted in characters, months, counts, terms
 * and lists of terms, bidirectional controls).
 */

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "field.h"
#include "harness.h"
#include "record.h"

static const char ini[] =
    "[site]\ntitle = T\nbase_url = https://x.example/\n"
    "[incident_type]\ntraffic-stop = Traffic stop\nambush = Ambush\n"
    "[contributing_factors]\na = A\nb = B\nc = C\nd = D\ne = E\nf = F\n"
    "[loss_potential]\ndeath = Death\n";

static int
chk(enum record_key k, const struct config *c, const char *v)
{
	return field_check(k, c, v, strlen(v));
}

static void
test_table(void)
{
	int	 k;

	for (k = 0; k < RECORD_KEY_MAX; k++) {
		STR_EQ(field_get(k)->key, record_key_name(k));
		INT_EQ(field_lookup(field_get(k)->key), k);
		INT_EQ(field_get(k)->tax, record_key_tax(k));
		OK(field_get(k)->label != NULL && field_get(k)->max > 0);
	}
	INT_EQ(field_lookup("published"), -1);
	INT_EQ(field_lookup(""), -1);
	INT_EQ(field_get(RECORD_TITLE)->max, 200);
	INT_EQ(field_get(RECORD_SUMMARY)->kind, FIELD_PARA);
	INT_EQ(field_get(RECORD_OFFICERS_ON_SCENE)->required, 0);
	INT_EQ(field_get(RECORD_INCIDENT_TYPE)->required, 1);
}

static void
test_text(void)
{
	char	 s[1000];
	size_t	 i;

	INT_EQ(field_text("", 0, 10, 0), FIELD_EEMPTY);
	INT_EQ(field_text("abc", 3, 3, 0), 0);
	INT_EQ(field_text("abcd", 4, 3, 0), FIELD_ELONG);
	/* 200 characters of two bytes each pass a 200-character limit. */
	for (i = 0; i < 200; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	INT_EQ(field_text(s, 400, 200, 0), 0);
	INT_EQ(chk(RECORD_TITLE, NULL, ""), FIELD_EEMPTY);
	s[400] = '\0';
	INT_EQ(chk(RECORD_TITLE, NULL, s), 0);
	memcpy(s + 400, "x", 2);
	INT_EQ(chk(RECORD_TITLE, NULL, s), FIELD_ELONG);
	INT_EQ(field_text("a\nb", 3, 10, 0), FIELD_ECTRL);
	INT_EQ(field_text("a\nb", 3, 10, 1), 0);
	INT_EQ(field_text("a\tb", 3, 10, 1), 0);
	INT_EQ(field_text("a\rb", 3, 10, 1), FIELD_ECTRL);
	INT_EQ(field_text("a\x7f", 2, 10, 1), FIELD_ECTRL);
	INT_EQ(field_text("a\xc2\x85", 3, 10, 1), FIELD_ECTRL);	/* NEL */
	INT_EQ(field_text("a\0b", 3, 10, 1), FIELD_EUTF8);
	INT_EQ(field_text("a\xff", 2, 10, 1), FIELD_EUTF8);
	INT_EQ(field_text("a\xe2\x80\xae" "b", 5, 10, 0), FIELD_EBIDI);
	INT_EQ(field_text("a\xe2\x81\xa6" "b", 5, 10, 1), FIELD_EBIDI);
	INT_EQ(chk(RECORD_SUMMARY, NULL, "x\xe2\x81\xa9"), FIELD_EBIDI);
	INT_EQ(field_text("\xe2\x80\x8f", 3, 10, 0), 0);	/* RLM: a mark */
	STR_EQ(field_bidi_name(0x202e), "RIGHT-TO-LEFT OVERRIDE");
	STR_EQ(field_bidi_name(0x202a), "LEFT-TO-RIGHT EMBEDDING");
	STR_EQ(field_bidi_name(0x2066), "LEFT-TO-RIGHT ISOLATE");
	STR_EQ(field_bidi_name(0x2069), "POP DIRECTIONAL ISOLATE");
	OK(field_bidi_name(0x2029) == NULL && field_bidi_name(0x202f) == NULL);
	OK(field_bidi_name(0x2065) == NULL && field_bidi_name(0x206a) == NULL);
	OK(field_bidi_name(0x200f) == NULL);
}

static void
test_month(void)
{
	int	 y = 0, m = 0;

	INT_EQ(field_month("2024-03", 7, &y, &m), 0);
	INT_EQ(y, 2024);
	INT_EQ(m, 3);
	INT_EQ(field_month("1900-01", 7, NULL, NULL), 0);
	INT_EQ(field_month("9999-12", 7, NULL, NULL), 0);
	INT_EQ(field_month("1899-12", 7, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("2024-00", 7, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("2024-13", 7, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("2024-3", 6, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("2024/03", 7, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("2024-03-15", 10, NULL, NULL), FIELD_EDAY);
	INT_EQ(field_month("2024-03-1x", 10, NULL, NULL), FIELD_EMONTH);
	INT_EQ(field_month("+024-03", 7, NULL, NULL), FIELD_EMONTH);
	INT_EQ(chk(RECORD_EVENT_DATE, NULL, "2024-03"), 0);
	INT_EQ(chk(RECORD_EVENT_DATE, NULL, ""), FIELD_EEMPTY);
}

static void
test_count(void)
{
	int	 n = 0;

	INT_EQ(field_count("1", 1, &n), 0);
	INT_EQ(n, 1);
	INT_EQ(field_count("999", 3, &n), 0);
	INT_EQ(n, 999);
	/* The drift that made this table: every reader takes "007". */
	INT_EQ(field_count("007", 3, &n), 0);
	INT_EQ(n, 7);
	INT_EQ(chk(RECORD_OFFICERS_ON_SCENE, NULL, "007"), 0);
	INT_EQ(field_count("0", 1, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("000", 3, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("1000", 4, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("-1", 2, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("+1", 2, NULL), FIELD_ECOUNT);
	INT_EQ(field_count(" 1", 2, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("1e2", 3, NULL), FIELD_ECOUNT);
	INT_EQ(field_count("", 0, NULL), FIELD_ECOUNT);
}

static void
test_terms(void)
{
	struct config	 c;
	const char	*v[6] = { "a", "b", "c", "d", "e", "f" };
	const char	*dup[3] = { "c", "d", "c" };
	size_t		 bad = 99;

	memset(&c, 0, sizeof(c));
	INT_EQ(config_parse(&c, "t.ini", ini, sizeof(ini) - 1), 0);
	INT_EQ(field_term(&c, TAX_INCIDENT_TYPE, "ambush", 6), 1);
	INT_EQ(field_term(&c, TAX_INCIDENT_TYPE, "ambushx", 7), FIELD_ETERM);
	INT_EQ(field_term(NULL, TAX_INCIDENT_TYPE, "ambushx", 7), 0);
	INT_EQ(field_term(NULL, TAX_INCIDENT_TYPE, "Ambush", 6), FIELD_ETERM);
	INT_EQ(field_term(&c, TAX_INCIDENT_TYPE, "ambush ", 7), FIELD_ETERM);
	INT_EQ(chk(RECORD_INCIDENT_TYPE, &c, "traffic-stop"), 0);
	INT_EQ(chk(RECORD_LOSS_POTENTIAL, &c, "traffic-stop"), FIELD_ETERM);
	INT_EQ(field_terms(&c, TAX_FACTORS, v, 5, &bad), 0);
	INT_EQ(field_terms(&c, TAX_FACTORS, v, 0, &bad), FIELD_EEMPTY);
	INT_EQ(field_terms(&c, TAX_FACTORS, v, 6, &bad), FIELD_EMANY);
	INT_EQ(bad, 5);
	INT_EQ(field_terms(&c, TAX_FACTORS, dup, 3, &bad), FIELD_EDUP);
	INT_EQ(bad, 2);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,b,c"), 0);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,b,a"), FIELD_EDUP);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,b,c,d,e,f"),
	    FIELD_EMANY);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,,b"), FIELD_ETERM);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a, b"), FIELD_ETERM);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,zz"), FIELD_ETERM);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, NULL, "a,zz"), 0);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, ""), FIELD_EEMPTY);
	INT_EQ(chk(RECORD_CONTRIBUTING_FACTORS, &c, "a,"), FIELD_ETERM);
	config_free(&c);
}

static void
test_strerror(void)
{
	int	 e;

	for (e = FIELD_EMANY; e <= FIELD_EEMPTY; e++)
		OK(strcmp(field_strerror(e), "is not valid") != 0);
	STR_EQ(field_strerror(-1), "is not valid");
}

int
main(void)
{
	test_table();
	test_text();
	test_month();
	test_count();
	test_terms();
	test_strerror();
	return DONE("test_field");
}
