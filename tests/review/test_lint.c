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
 * Unit tests of the de-identification check through lint_text(), with
 * the word lists of the build (data/ beside the program, or
 * $NEARMISS_DATA): each kind of finding and each class the issue named,
 * the spans and columns, what must not be flagged, blank lines,
 * --accept and its parser, and hostile bytes.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lint.h"

static struct lint_data	*data;

static void	 load(void);
static size_t	 run(struct lint_result *, const char *);
static void	 one(const char *, const char *, const char *);
static void	 none(const char *);
static void	 test_kinds(void);
static void	 test_names(void);
static void	 test_places(void);
static void	 test_units(void);
static void	 test_addresses(void);
static void	 test_times(void);
static void	 test_clean(void);
static void	 test_spans(void);
static void	 test_accept(void);
static void	 test_hostile(void);

/* The word lists: $NEARMISS_DATA, else ../data beside this program. */
static void
load(void)
{
	char	 exe[PATH_MAX], dir[PATH_MAX + 16], *slash;
	ssize_t	 n;

	if (getenv("NEARMISS_DATA") != NULL) {
		if (lint_data_load(&data, NULL) != 0)
			exit(1);
		return;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		exit(1);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/../data", exe);
	if (lint_data_load(&data, dir) != 0)
		exit(1);
}

/* lint_text() of a NUL-terminated text; the number of findings. */
static size_t
run(struct lint_result *r, const char *text)
{
	lint_text(r, data, text, strlen(text), NULL, 0);
	return r->n;
}

/* text gives exactly one finding, of kind and text want. */
static void
one(const char *text, const char *kind, const char *want)
{
	struct lint_result	 r;

	if (run(&r, text) != 1) {
		size_t	 i;

		fprintf(stderr, "\"%s\": %zu findings, want 1 (%s: %s)\n",
		    text, r.n, kind, want);
		for (i = 0; i < r.n; i++)
			fprintf(stderr, "    %s: %s\n", r.v[i].kind,
			    r.v[i].text);
		INT_EQ(r.n, 1);
	} else {
		STR_EQ(r.v[0].kind, kind);
		STR_EQ(r.v[0].text, want);
	}
	lint_result_free(&r);
}

/* text gives no finding. */
static void
none(const char *text)
{
	struct lint_result	 r;

	if (run(&r, text) != 0)
		fprintf(stderr, "\"%s\": %s: %s, want none\n", text,
		    r.v[0].kind, r.v[0].text);
	INT_EQ(r.n, 0);
	lint_result_free(&r);
}

/* One of each kind the lint had before this suite. */
static void
test_kinds(void)
{
	one("Write to jdoe@example.org today.", "email", "jdoe@example.org");
	one("See https://example.org/a now.", "url", "https://example.org/a");
	one("The camera was at 10.0.0.12 then.", "ip", "10.0.0.12");
	one("Call 785-555-0142 now.", "phone", "785-555-0142");
	one("It was on March 3, 2024 at night.", "date", "March 3, 2024");
	one("He wore badge 4471 that night.", "number", "badge 4471");
	one("The truck had plate KTR-4471 on it.", "plate", "KTR-4471");
	one("We went to 1400 Main Street then.", "address",
	    "1400 Main Street");
	one("The Cook County sheriff came.", "agency", "Cook County");
	one("We drove to Topeka that night.", "place", "Topeka");
	one("Then Maria Lopez came in.", "name", "Maria Lopez");
	one("Thanks.\n\n-- \n", "signature", "--");
}

static void
test_names(void)
{
	/* A title or a role before a name no list has. */
	one("I rode with Ptl. Kowalczyk that night.", "name",
	    "Ptl. Kowalczyk");
	one("Our dispatcher Kayleigh lost us.", "name", "dispatcher Kayleigh");
	/* Diacritics: the pair, and a listed name written with them. */
	one("Then Tadeusz Wójcik came in.", "name", "Tadeusz Wójcik");
	one("Then Zoë Ångström came in.", "name", "Zoë Ångström");
	one("He asked for José at the door.", "name", "José");
	/* Capitals the list does not have, and a surname by its shape. */
	one("It was DeShawn who called.", "name", "DeShawn");
	one("It was McAllister who called.", "name", "McAllister");
	/* A surname in small letters after a title. */
	one("Then officer reilly told me.", "name", "officer reilly");
	one("Then sgt. nowak told me.", "name", "sgt. nowak");
	/* Nicknames in quotes. */
	one("We knew him as \"Smitty\" back then.", "name", "Smitty");
	one("The regulars called him \"Dutch\" then.", "name", "Dutch");
	one("Robert \"Tank\" Morales waited there.", "name",
	    "Robert \"Tank\" Morales");
	one("He went by \xe2\x80\x9c" "Bones\xe2\x80\x9d on the street.",
	    "name", "Bones");
}

static void
test_places(void)
{
	one("They took him to Mercy General that night.", "place",
	    "Mercy General");
	one("We met at the Waffle House by the exit.", "place",
	    "Waffle House");
	one("The clerk at the Love's truck stop called.", "place", "Love's");
	one("He was moved to St. Luke's Regional Medical Center later.",
	    "place", "St. Luke's Regional Medical Center");
	one("He had slept at the Lakeside Motel the night before.", "place",
	    "Lakeside Motel");
	one("He ran along the Union Pacific tracks.", "place",
	    "Union Pacific");
}

static void
test_units(void)
{
	one("I work the Third Precinct at night.", "number",
	    "Third Precinct");
	one("I was lent to the 19th District for a week.", "number",
	    "19th District");
	one("Troop G was short that night.", "number", "Troop G");
	one("The alarm in Sector B went off.", "number", "Sector B");
	one("Dispatch sent Lincoln-14 to the alarm.", "number", "Lincoln-14");
	one("He called out as 1-Adam-12 then.", "number", "1-Adam-12");
	one("He asked Adam 12 for backup.", "number", "Adam 12");
	one("Nobody answered Adam 12.", "number", "Adam 12");
	one("The hit was entered by CA0194200 that day.", "number",
	    "CA0194200");
}

static void
test_addresses(void)
{
	one("The crash was at the corner of Elm and Maple at dusk.",
	    "address", "Elm and Maple");
	one("The caller was at 4th and Main all along.", "address",
	    "4th and Main");
	one("We parked at Main and 5th again.", "address", "Main and 5th");
	one("The intersection of Oak Street & Pine was dark.", "address",
	    "Oak Street & Pine");
	one("His license gave ZIP 66604 as his home.", "address", "66604");
	one("The card said KS 66614 as his home.", "address", "66614");
	one("The registration had 66611-2045 on it.", "address",
	    "66611-2045");
	one("The phone gave 38.8977, -77.0365 as the spot.", "address",
	    "38.8977, -77.0365");
	one("The yard is at 39\xc2\xb0" "02'56\"N 95\xc2\xb0" "40'42\"W on "
	    "the map.", "address",
	    "39\xc2\xb0" "02'56\"N 95\xc2\xb0" "40'42\"W");
}

static void
test_times(void)
{
	one("The stop was at 0215 hours on the shoulder.", "date",
	    "0215 hours");
	one("They called back at 0230hrs with news.", "date", "0230hrs");
	one("We let him go at 3:05 a.m. and left.", "date", "3:05 a.m.");
	one("The teletype came at 14:10:05 and said so.", "date",
	    "14:10:05");
	one("The warrant was served on 3/14 at his house.", "date", "3/14");
	one("The note was dated Friday, 6/6 and signed.", "date", "6/6");
}

/* Ordinary words the new rules must leave alone. */
static void
test_clean(void)
{
	none("It was the third time that month, and a second unit came.");
	none("We sat in the corner of the room, by the corner of the desk.");
	none("I checked in at 0215, as every night.");
	none("Our team won 21-14 and then lost 3-2.");
	none("It was 4th and long when the game ended.");
	none("He weighed 3/4 of what I do; a 50/50 chance.");
	none("The officer said so, and officer safety was the talk.");
	none("The nurse clears the room; the deputy's car was there.");
	none("I yelled \"Stop,\" and he said \"No.\" Then \"Okay\" again.");
	none("He had an AR-15, a Level-3 vest and Code-3 lights.");
	none("Version 2.0.1 read 9.5 volts, and 38.5 and 77.0 later.");
	none("The precinct desk called the district attorney's office.");
	none("My son's troop of scouts watched from the bleachers.");
	none("The café gave us coffee; her résumé says she is naïve.");
	none("The coach drew it on a MacBook with a DeWalt drill nearby.");
	none("A Lincoln Navigator and a Dodge Charger were parked.");
	none("The file was in Latin-1, the vest Level-3.");
}

/* Columns, lines, nested findings and blank lines. */
static void
test_spans(void)
{
	struct lint_result	 r;

	INT_EQ(run(&r, "Line one.\n\xe2\x80\x9cQ\xe2\x80\x9d then Maria "
	    "Lopez.\n"), 1);
	if (r.n == 1) {
		INT_EQ(r.v[0].line, 2);
		INT_EQ(r.v[0].col, 10);
		INT_EQ(r.v[0].off, 10 + 13);
		INT_EQ(r.v[0].end, 10 + 13 + 11);
	}
	lint_result_free(&r);
	/* "Maria" alone is inside "Maria Lopez": one finding. */
	one("Maria Lopez came.", "name", "Maria Lopez");
	/* No finding runs across a blank line. */
	none("We drove to the District\n\nL97 was quiet.");
	one("We drove to District L97 then.", "number", "District L97");
	none("Thanks\n\n\n");
	/* The same text gives the same findings. */
	INT_EQ(run(&r, "Sgt. Alvarez met Maria Lopez at 4th and Main."), 3);
	lint_result_free(&r);
	INT_EQ(run(&r, "Sgt. Alvarez met Maria Lopez at 4th and Main."), 3);
	lint_result_free(&r);
	lint_result_free(&r);
	INT_EQ(r.n, 0);
}

static void
test_accept(void)
{
	struct lint_accept	 acc[2];
	struct lint_result	 r;
	const char		*text = "Maria Lopez met Ptl. Kowalczyk at "
	    "0215 hours.";

	OK(lint_accept_parse(&acc[0], "name:Maria Lopez") == 0);
	STR_EQ(acc[0].kind, "name");
	STR_EQ(acc[0].text, "Maria Lopez");
	OK(lint_accept_parse(&acc[1], "date:0215 hours") == 0);
	lint_text(&r, data, text, strlen(text), acc, 2);
	INT_EQ(r.n, 1);
	if (r.n == 1)
		STR_EQ(r.v[0].text, "Ptl. Kowalczyk");
	lint_result_free(&r);
	/* The kind must match too. */
	OK(lint_accept_parse(&acc[0], "place:Maria Lopez") == 0);
	lint_text(&r, data, text, strlen(text), acc, 1);
	INT_EQ(r.n, 3);
	lint_result_free(&r);

	cap_start();
	OK(lint_accept_parse(&acc[0], "nmae:Maria Lopez") == -1);
	OK(strstr(cap_end(), "unknown kind \"nmae\" (the kinds: email, "
	    "url, ip, phone, date, number, plate, address, agency, place, "
	    "name, signature)") != NULL);
	cap_start();
	OK(lint_accept_parse(&acc[0], "bidi:U+202E") == -1);
	OK(strstr(cap_end(), "cannot be accepted") != NULL);
	cap_start();
	OK(lint_accept_parse(&acc[0], "name") == -1);
	OK(lint_accept_parse(&acc[0], "name:") == -1);
	OK(lint_accept_parse(&acc[0], ":Maria") == -1);
	OK(strstr(cap_end(), "expected KIND:TEXT") != NULL);
}

/* NULs, bad UTF-8, a text without its NUL, a bidi control. */
static void
test_hostile(void)
{
	struct lint_result	 r;
	static const char	 nul[] = "Maria\0Lopez \xff\xfe Sgt. \xc3";
	char			*cut;

	lint_text(&r, data, nul, sizeof(nul) - 1, NULL, 0);
	OK(r.n >= 1);
	lint_result_free(&r);
	/* Exactly len bytes are read: no NUL after them. */
	cut = malloc(11);
	if (cut == NULL)
		exit(1);
	memcpy(cut, "Maria Lope", 10);
	cut[10] = 'z';
	lint_text(&r, data, cut, 10, NULL, 0);
	INT_EQ(r.n, 1);
	free(cut);
	lint_result_free(&r);
	lint_text(&r, data, "", 0, NULL, 0);
	INT_EQ(r.n, 0);
	/* A bidi control: found, shown by name, never accepted. */
	INT_EQ(run(&r, "Fine \xe2\x80\xae text."), 1);
	if (r.n == 1) {
		STR_EQ(r.v[0].kind, "bidi");
		STR_EQ(r.v[0].text, "U+202E RIGHT-TO-LEFT OVERRIDE");
	}
	lint_result_free(&r);
}

int
main(void)
{
	struct lint_data	*bad;

	load();
	test_kinds();
	test_names();
	test_places();
	test_units();
	test_addresses();
	test_times();
	test_clean();
	test_spans();
	test_accept();
	test_hostile();
	cap_start();
	OK(lint_data_load(&bad, "/nonexistent") == -1);
	OK(bad == NULL);
	OK(strstr(cap_end(), "/nonexistent/given-names.txt") != NULL);
	lint_data_free(data);
	lint_data_free(NULL);
	return DONE("test_lint");
}
