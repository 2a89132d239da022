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
 * The word lists of the de-identification check: the data files (given
 * names, places, agency words, titles) and the fixed words the rules
 * need, loaded into sorted indexes, and their lookup by word.
 */

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "lint.h"
#include "lint_int.h"
#include "log.h"
#include "nm.h"

struct fixed_word {
	const char	*word;
	int		 cls;
};

static void	 dict_index(struct dict *, int);
static void	 dict_free(struct dict *);
static int	 dict_add(struct dict *, const char *, size_t, enum mark,
		    int);
static int	 dict_read(struct dict *, const char *, const char *, int);
static int	 data_dir(char *, size_t);
static size_t	 fold(char *, size_t, const char *);
static const struct entry *dict_match(const struct lint *,
		    const struct dict *, size_t, int *, int);

/*
 * The words the rules themselves need; the data files hold what a
 * reviewer may want to extend.  Compared without regard to case.
 */
static const struct fixed_word fixed_words[] = {
	/* Words that are never a name, nor part of one. */
	{ "a", FX_STOP }, { "an", FX_STOP }, { "the", FX_STOP },
	{ "and", FX_STOP }, { "or", FX_STOP }, { "but", FX_STOP },
	{ "nor", FX_STOP }, { "if", FX_STOP }, { "then", FX_STOP },
	{ "so", FX_STOP }, { "as", FX_STOP }, { "at", FX_STOP },
	{ "by", FX_STOP }, { "for", FX_STOP }, { "from", FX_STOP },
	{ "in", FX_STOP }, { "into", FX_STOP }, { "of", FX_STOP },
	{ "off", FX_STOP }, { "on", FX_STOP }, { "onto", FX_STOP },
	{ "out", FX_STOP }, { "over", FX_STOP }, { "to", FX_STOP },
	{ "up", FX_STOP }, { "with", FX_STOP }, { "without", FX_STOP },
	{ "when", FX_STOP }, { "while", FX_STOP }, { "after", FX_STOP },
	{ "before", FX_STOP }, { "during", FX_STOP },
	{ "because", FX_STOP }, { "since", FX_STOP }, { "until", FX_STOP },
	{ "i", FX_STOP }, { "i'm", FX_STOP }, { "i'd", FX_STOP },
	{ "i've", FX_STOP }, { "i'll", FX_STOP }, { "me", FX_STOP },
	{ "my", FX_STOP }, { "we", FX_STOP }, { "us", FX_STOP },
	{ "our", FX_STOP }, { "you", FX_STOP }, { "your", FX_STOP },
	{ "he", FX_STOP }, { "him", FX_STOP }, { "his", FX_STOP },
	{ "he's", FX_STOP }, { "she", FX_STOP }, { "her", FX_STOP },
	{ "she's", FX_STOP }, { "they", FX_STOP }, { "them", FX_STOP },
	{ "their", FX_STOP }, { "it", FX_STOP }, { "its", FX_STOP },
	{ "it's", FX_STOP }, { "this", FX_STOP }, { "that", FX_STOP },
	{ "that's", FX_STOP }, { "these", FX_STOP }, { "those", FX_STOP },
	{ "there", FX_STOP }, { "there's", FX_STOP }, { "here", FX_STOP },
	{ "every", FX_STOP }, { "each", FX_STOP }, { "any", FX_STOP },
	{ "some", FX_STOP }, { "no", FX_STOP }, { "not", FX_STOP },
	{ "another", FX_STOP }, { "other", FX_STOP }, { "both", FX_STOP },
	{ "all", FX_STOP }, { "one", FX_STOP }, { "two", FX_STOP },
	{ "three", FX_STOP }, { "four", FX_STOP }, { "five", FX_STOP },
	{ "first", FX_STOP }, { "second", FX_STOP }, { "third", FX_STOP },
	{ "last", FX_STOP }, { "next", FX_STOP }, { "what", FX_STOP },
	{ "who", FX_STOP }, { "which", FX_STOP }, { "why", FX_STOP },
	{ "how", FX_STOP }, { "where", FX_STOP }, { "yes", FX_STOP },
	{ "ok", FX_STOP }, { "okay", FX_STOP }, { "hey", FX_STOP },
	{ "oh", FX_STOP }, { "please", FX_STOP }, { "sir", FX_STOP },
	{ "ma'am", FX_STOP }, { "let's", FX_STOP }, { "what's", FX_STOP },
	{ "who's", FX_STOP }, { "here's", FX_STOP }, { "we're", FX_STOP },
	{ "they're", FX_STOP }, { "you're", FX_STOP }, { "don't", FX_STOP },
	{ "didn't", FX_STOP }, { "can't", FX_STOP }, { "won't", FX_STOP },
	{ "nobody", FX_STOP }, { "everyone", FX_STOP },
	{ "everybody", FX_STOP }, { "someone", FX_STOP },
	{ "somebody", FX_STOP }, { "anyone", FX_STOP },
	/* Months (full and short) and weekdays. */
	{ "january", FX_MONTH }, { "february", FX_MONTH },
	{ "march", FX_MONTH }, { "april", FX_MONTH }, { "may", FX_MONTH },
	{ "june", FX_MONTH }, { "july", FX_MONTH }, { "august", FX_MONTH },
	{ "september", FX_MONTH }, { "october", FX_MONTH },
	{ "november", FX_MONTH }, { "december", FX_MONTH },
	{ "jan", FX_MONTH }, { "feb", FX_MONTH }, { "mar", FX_MONTH },
	{ "apr", FX_MONTH }, { "jun", FX_MONTH }, { "jul", FX_MONTH },
	{ "aug", FX_MONTH }, { "sep", FX_MONTH }, { "sept", FX_MONTH },
	{ "oct", FX_MONTH }, { "nov", FX_MONTH }, { "dec", FX_MONTH },
	{ "monday", FX_WEEKDAY }, { "tuesday", FX_WEEKDAY },
	{ "wednesday", FX_WEEKDAY }, { "thursday", FX_WEEKDAY },
	{ "friday", FX_WEEKDAY }, { "saturday", FX_WEEKDAY },
	{ "sunday", FX_WEEKDAY },
	/* Street suffixes: strong ones name a street after any name. */
	{ "street", FX_STREET }, { "st", FX_STREET },
	{ "avenue", FX_STREET }, { "ave", FX_STREET },
	{ "road", FX_STREET }, { "rd", FX_STREET },
	{ "boulevard", FX_STREET }, { "blvd", FX_STREET },
	{ "drive", FX_STREET }, { "dr", FX_STREET },
	{ "lane", FX_STREET }, { "ln", FX_STREET },
	{ "parkway", FX_STREET }, { "pkwy", FX_STREET },
	{ "highway", FX_STREET }, { "hwy", FX_STREET },
	{ "pike", FX_STREET }, { "turnpike", FX_STREET },
	{ "expressway", FX_STREET }, { "freeway", FX_STREET },
	{ "ct", FX_STREET }, { "pl", FX_STREET }, { "cir", FX_STREET },
	{ "ter", FX_STREET }, { "trl", FX_STREET },
	/* ... weak ones only after a house number. */
	{ "court", FX_STREET_WEAK }, { "place", FX_STREET_WEAK },
	{ "way", FX_STREET_WEAK }, { "square", FX_STREET_WEAK },
	{ "circle", FX_STREET_WEAK }, { "terrace", FX_STREET_WEAK },
	{ "row", FX_STREET_WEAK }, { "loop", FX_STREET_WEAK },
	{ "alley", FX_STREET_WEAK }, { "trail", FX_STREET_WEAK },
	{ "path", FX_STREET_WEAK }, { "walk", FX_STREET_WEAK },
	{ "plaza", FX_STREET_WEAK }, { "crossing", FX_STREET_WEAK },
	/* Capitalised words that do not follow a given name as a surname. */
	{ "alert", FX_NOTNAME }, { "alerts", FX_NOTNAME },
	{ "mountain", FX_NOTNAME }, { "mountains", FX_NOTNAME },
	{ "river", FX_NOTNAME }, { "lake", FX_NOTNAME },
	{ "creek", FX_NOTNAME }, { "bay", FX_NOTNAME },
	{ "island", FX_NOTNAME }, { "valley", FX_NOTNAME },
	{ "beach", FX_NOTNAME }, { "bridge", FX_NOTNAME },
	{ "center", FX_NOTNAME }, { "centre", FX_NOTNAME },
	{ "hospital", FX_NOTNAME }, { "school", FX_NOTNAME },
	{ "church", FX_NOTNAME },
	{ "bank", FX_NOTNAME }, { "mall", FX_NOTNAME },
	{ "station", FX_NOTNAME }, { "airport", FX_NOTNAME },
	{ "hotel", FX_NOTNAME }, { "motel", FX_NOTNAME },
	{ "casino", FX_NOTNAME }, { "stadium", FX_NOTNAME },
	{ "arena", FX_NOTNAME }, { "clinic", FX_NOTNAME },
	{ "jail", FX_NOTNAME }, { "prison", FX_NOTNAME },
	{ "police", FX_NOTNAME }, { "department", FX_NOTNAME },
	{ "office", FX_NOTNAME }, { "county", FX_NOTNAME },
	{ "city", FX_NOTNAME }, { "state", FX_NOTNAME },
	{ "sheriff", FX_NOTNAME }, { "sheriff's", FX_NOTNAME },
	{ "dispatch", FX_NOTNAME }, { "fire", FX_NOTNAME },
	{ "rescue", FX_NOTNAME }, { "ems", FX_NOTNAME },
	{ "taser", FX_NOTNAME }, { "swat", FX_NOTNAME },
	{ "cpr", FX_NOTNAME }, { "narcan", FX_NOTNAME },
	{ "day", FX_NOTNAME }, { "eve", FX_NOTNAME },
	{ "night", FX_NOTNAME }, { "morning", FX_NOTNAME },
	{ "christmas", FX_NOTNAME }, { "thanksgiving", FX_NOTNAME },
	{ "easter", FX_NOTNAME }, { "reviewer", FX_NOTNAME },
	{ "reviewers", FX_NOTNAME }, { "comments", FX_NOTNAME },
	{ "lessons", FX_NOTNAME }, { "learned", FX_NOTNAME },
	{ "crimes", FX_NOTNAME }, { "crime", FX_NOTNAME },
	{ "unit", FX_NOTNAME }, { "team", FX_NOTNAME },
	/* Words before a badge, unit, case or report number. */
	{ "badge", FX_NUMCTX }, { "unit", FX_NUMCTX }, { "car", FX_NUMCTX },
	{ "troop", FX_NUMCTX }, { "ward", FX_NUMCTX }, { "ori", FX_NUMCTX },
	{ "case", FX_NUMCTX }, { "cad", FX_NUMCTX },
	{ "incident", FX_NUMCTX }, { "report", FX_NUMCTX },
	{ "file", FX_NUMCTX }, { "docket", FX_NUMCTX },
	{ "citation", FX_NUMCTX }, { "ticket", FX_NUMCTX },
	{ "warrant", FX_NUMCTX }, { "shield", FX_NUMCTX },
	{ "star", FX_NUMCTX }, { "employee", FX_NUMCTX },
	{ "id", FX_NUMCTX }, { "serial", FX_NUMCTX },
	{ "booking", FX_NUMCTX }, { "inmate", FX_NUMCTX },
	{ "beat", FX_NUMCTX }, { "squad", FX_NUMCTX },
	{ "engine", FX_NUMCTX }, { "medic", FX_NUMCTX },
	{ "ladder", FX_NUMCTX }, { "callsign", FX_NUMCTX },
	{ "precinct", FX_NUMCTX }, { "sector", FX_NUMCTX },
	{ "district", FX_NUMCTX }, { "zone", FX_NUMCTX },
	{ "license", FX_NUMCTX }, { "licence", FX_NUMCTX },
	{ "dl", FX_NUMCTX }, { "ssn", FX_NUMCTX },
	{ "evidence", FX_NUMCTX }, { "property", FX_NUMCTX },
	{ "patrol", FX_NUMCTX },
	/* Words before a vehicle plate. */
	{ "plate", FX_PLATECTX }, { "plates", FX_PLATECTX },
	{ "tag", FX_PLATECTX }, { "tags", FX_PLATECTX },
	{ "registration", FX_PLATECTX }, { "reg", FX_PLATECTX },
	/* Words between such a word and the number or plate. */
	{ "no", FX_FILLER }, { "number", FX_FILLER }, { "num", FX_FILLER },
	{ "nr", FX_FILLER }, { "was", FX_FILLER }, { "is", FX_FILLER },
	{ "read", FX_FILLER }, { "reading", FX_FILLER },
	{ "reads", FX_FILLER }, { "showing", FX_FILLER },
	{ "shows", FX_FILLER }, { "showed", FX_FILLER },
	{ "with", FX_FILLER }, { "a", FX_FILLER },
	{ "the", FX_FILLER }, { "state", FX_FILLER },
	{ "temporary", FX_FILLER }, { "temp", FX_FILLER },
	{ "paper", FX_FILLER }, { "partial", FX_FILLER },
	{ "plate", FX_FILLER }, { "plates", FX_FILLER },
	{ "tag", FX_FILLER }, { "of", FX_FILLER },
	/* Words before a place name that make it one. */
	{ "in", FX_PREP }, { "near", FX_PREP }, { "from", FX_PREP },
	{ "outside", FX_PREP }, { "to", FX_PREP }, { "toward", FX_PREP },
	{ "towards", FX_PREP }, { "into", FX_PREP }, { "around", FX_PREP },
	{ "through", FX_PREP }, { "across", FX_PREP }, { "of", FX_PREP },
	{ "downtown", FX_PREP }, { "at", FX_PREP }, { "between", FX_PREP },
	/* Street directions. */
	{ "n", FX_DIRECTION }, { "s", FX_DIRECTION }, { "e", FX_DIRECTION },
	{ "w", FX_DIRECTION }, { "ne", FX_DIRECTION },
	{ "nw", FX_DIRECTION }, { "se", FX_DIRECTION },
	{ "sw", FX_DIRECTION }, { "north", FX_DIRECTION },
	{ "south", FX_DIRECTION }, { "east", FX_DIRECTION },
	{ "west", FX_DIRECTION },
	/* Words before a road number. */
	{ "highway", FX_ROAD }, { "hwy", FX_ROAD }, { "route", FX_ROAD },
	{ "rte", FX_ROAD }, { "rt", FX_ROAD }, { "interstate", FX_ROAD },
	{ "sr", FX_ROAD }, { "cr", FX_ROAD }, { "fm", FX_ROAD },
	{ "us", FX_ROAD }, { "i", FX_ROAD }, { "road", FX_ROAD },
	{ "exit", FX_ROAD }, { "mile marker", FX_ROAD },
	/* Units of territory, before a designation ("Troop G"). */
	{ "precinct", FX_DESIG }, { "district", FX_DESIG },
	{ "division", FX_DESIG }, { "ward", FX_DESIG },
	{ "troop", FX_DESIG }, { "zone", FX_DESIG }, { "sector", FX_DESIG },
	{ "beat", FX_DESIG }, { "post", FX_DESIG },
	{ "battalion", FX_DESIG }, { "squadron", FX_DESIG },
	{ "platoon", FX_DESIG },
	{ "substation", FX_DESIG }, { "barracks", FX_DESIG },
	{ "detachment", FX_DESIG },
	/* Ordinals in words, before such a unit ("the Third Precinct"). */
	{ "first", FX_ORDINAL }, { "second", FX_ORDINAL },
	{ "third", FX_ORDINAL }, { "fourth", FX_ORDINAL },
	{ "fifth", FX_ORDINAL }, { "sixth", FX_ORDINAL },
	{ "seventh", FX_ORDINAL }, { "eighth", FX_ORDINAL },
	{ "ninth", FX_ORDINAL }, { "tenth", FX_ORDINAL },
	{ "eleventh", FX_ORDINAL }, { "twelfth", FX_ORDINAL },
	{ "thirteenth", FX_ORDINAL }, { "fourteenth", FX_ORDINAL },
	{ "fifteenth", FX_ORDINAL }, { "sixteenth", FX_ORDINAL },
	{ "seventeenth", FX_ORDINAL }, { "eighteenth", FX_ORDINAL },
	{ "nineteenth", FX_ORDINAL }, { "twentieth", FX_ORDINAL },
	{ "thirtieth", FX_ORDINAL }, { "fortieth", FX_ORDINAL },
	{ "fiftieth", FX_ORDINAL },
	/* The radio alphabets: "Adam 12", "Lincoln-14" are call signs. */
	{ "adam", FX_PHONETIC }, { "boy", FX_PHONETIC },
	{ "baker", FX_PHONETIC }, { "charles", FX_PHONETIC },
	{ "charlie", FX_PHONETIC }, { "david", FX_PHONETIC },
	{ "edward", FX_PHONETIC }, { "frank", FX_PHONETIC },
	{ "george", FX_PHONETIC }, { "henry", FX_PHONETIC },
	{ "ida", FX_PHONETIC }, { "john", FX_PHONETIC },
	{ "king", FX_PHONETIC }, { "lincoln", FX_PHONETIC },
	{ "mary", FX_PHONETIC }, { "nora", FX_PHONETIC },
	{ "ocean", FX_PHONETIC }, { "paul", FX_PHONETIC },
	{ "queen", FX_PHONETIC }, { "robert", FX_PHONETIC },
	{ "sam", FX_PHONETIC }, { "tom", FX_PHONETIC },
	{ "union", FX_PHONETIC }, { "victor", FX_PHONETIC },
	{ "william", FX_PHONETIC }, { "x-ray", FX_PHONETIC },
	{ "young", FX_PHONETIC }, { "zebra", FX_PHONETIC },
	{ "alpha", FX_PHONETIC }, { "bravo", FX_PHONETIC },
	{ "delta", FX_PHONETIC }, { "echo", FX_PHONETIC },
	{ "foxtrot", FX_PHONETIC }, { "golf", FX_PHONETIC },
	{ "hotel", FX_PHONETIC }, { "india", FX_PHONETIC },
	{ "juliet", FX_PHONETIC }, { "kilo", FX_PHONETIC },
	{ "lima", FX_PHONETIC }, { "mike", FX_PHONETIC },
	{ "november", FX_PHONETIC }, { "oscar", FX_PHONETIC },
	{ "papa", FX_PHONETIC }, { "quebec", FX_PHONETIC },
	{ "romeo", FX_PHONETIC }, { "sierra", FX_PHONETIC },
	{ "tango", FX_PHONETIC }, { "uniform", FX_PHONETIC },
	{ "whiskey", FX_PHONETIC }, { "xray", FX_PHONETIC },
	{ "yankee", FX_PHONETIC }, { "zulu", FX_PHONETIC },
	/* Words joined to a number that make no call sign ("Code-3"). */
	{ "code", FX_NOTCALL }, { "signal", FX_NOTCALL },
	{ "level", FX_NOTCALL }, { "type", FX_NOTCALL },
	{ "phase", FX_NOTCALL }, { "class", FX_NOTCALL },
	{ "grade", FX_NOTCALL }, { "step", FX_NOTCALL },
	{ "tier", FX_NOTCALL }, { "model", FX_NOTCALL },
	{ "version", FX_NOTCALL }, { "covid", FX_NOTCALL },
	{ "stage", FX_NOTCALL }, { "mark", FX_NOTCALL },
	{ "channel", FX_NOTCALL }, { "page", FX_NOTCALL },
	{ "chapter", FX_NOTCALL }, { "section", FX_NOTCALL },
	{ "form", FX_NOTCALL }, { "ten", FX_NOTCALL },
	{ "k", FX_NOTCALL }, { "over", FX_NOTCALL }, { "under", FX_NOTCALL },
	{ "top", FX_NOTCALL }, { "year", FX_NOTCALL },
	/* Words before a day without its year ("on 3/14"). */
	{ "on", FX_DATECTX }, { "dated", FX_DATECTX },
	{ "since", FX_DATECTX }, { "until", FX_DATECTX },
	{ "till", FX_DATECTX }, { "by", FX_DATECTX },
	{ "before", FX_DATECTX }, { "after", FX_DATECTX },
	{ "from", FX_DATECTX }, { "through", FX_DATECTX },
	{ "thru", FX_DATECTX },
	{ "night", FX_DATECTX }, { "morning", FX_DATECTX },
	{ "monday", FX_DATECTX }, { "tuesday", FX_DATECTX },
	{ "wednesday", FX_DATECTX }, { "thursday", FX_DATECTX },
	{ "friday", FX_DATECTX }, { "saturday", FX_DATECTX },
	{ "sunday", FX_DATECTX },
	/* Words before a nickname in quotes ("known as "Smitty""). */
	{ "called", FX_NICKCTX }, { "call", FX_NICKCTX },
	{ "calls", FX_NICKCTX }, { "nicknamed", FX_NICKCTX },
	{ "nickname", FX_NICKCTX }, { "named", FX_NICKCTX },
	{ "name", FX_NICKCTX }, { "aka", FX_NICKCTX },
	{ "dubbed", FX_NICKCTX }, { "as", FX_NICKCTX },
	{ "by", FX_NICKCTX }, { "alias", FX_NICKCTX },
	{ "moniker", FX_NICKCTX }, { "handle", FX_NICKCTX },
	/* Words before "of" and two streets ("corner of Elm and Maple"). */
	{ "corner", FX_CORNER }, { "corners", FX_CORNER },
	{ "intersection", FX_CORNER }, { "junction", FX_CORNER },
	/* Words before a ZIP code. */
	{ "zip", FX_ZIPCTX }, { "zipcode", FX_ZIPCTX },
	{ "postcode", FX_ZIPCTX }, { "postal code", FX_ZIPCTX },
	{ "zip code", FX_ZIPCTX },
	/* Words after a verb, not after a name ("nurse clears the"). */
	{ "the", FX_OBJECT }, { "a", FX_OBJECT }, { "an", FX_OBJECT },
	{ "his", FX_OBJECT }, { "her", FX_OBJECT }, { "their", FX_OBJECT },
	{ "my", FX_OBJECT }, { "our", FX_OBJECT }, { "your", FX_OBJECT },
	{ "its", FX_OBJECT }, { "this", FX_OBJECT }, { "that", FX_OBJECT },
	{ "these", FX_OBJECT }, { "those", FX_OBJECT }, { "it", FX_OBJECT },
	{ "him", FX_OBJECT }, { "them", FX_OBJECT }, { "me", FX_OBJECT },
	{ "us", FX_OBJECT }, { "up", FX_OBJECT }, { "out", FX_OBJECT },
	{ "off", FX_OBJECT }, { "down", FX_OBJECT }, { "to", FX_OBJECT },
	{ "into", FX_OBJECT }, { "onto", FX_OBJECT }, { "over", FX_OBJECT },
	{ "back", FX_OBJECT }, { "away", FX_OBJECT }, { "some", FX_OBJECT },
	{ "every", FX_OBJECT }, { "each", FX_OBJECT }, { "no", FX_OBJECT },
	{ "what", FX_OBJECT }, { "how", FX_OBJECT }, { "why", FX_OBJECT },
	/* Words before an apartment or suite. */
	{ "apt", FX_APT }, { "apartment", FX_APT }, { "suite", FX_APT },
	{ "ste", FX_APT }, { "room", FX_APT }, { "lot", FX_APT },
	{ "space", FX_APT }, { "trailer", FX_APT },
	/* Words after "the 14th" that make it a day of the month. */
	{ "at", FX_DATEAFTER }, { "and", FX_DATEAFTER },
	{ "or", FX_DATEAFTER }, { "when", FX_DATEAFTER },
	{ "before", FX_DATEAFTER }, { "after", FX_DATEAFTER },
	{ "around", FX_DATEAFTER }, { "morning", FX_DATEAFTER },
	{ "afternoon", FX_DATEAFTER }, { "evening", FX_DATEAFTER },
	{ "night", FX_DATEAFTER }, { "we", FX_DATEAFTER },
	{ "i", FX_DATEAFTER }, { "he", FX_DATEAFTER },
	{ "she", FX_DATEAFTER }, { "they", FX_DATEAFTER },
	{ "of", FX_DATEAFTER }, { "in", FX_DATEAFTER },
	{ "my", FX_DATEAFTER }, { "our", FX_DATEAFTER },
};


/*
 * The ASCII letters of U+00C0 to U+017F without their marks ('*': no
 * letter), for fold().
 */
static const char latin_base[] =
	"AAAAAAACEEEEIIIIDNOOOOO*OUUUUYTsaaaaaaaceeeeiiiidnooooo*ouuuuyty"
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
	"lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

int
lint_refcmp(const void *a, const void *b)
{
	return strcmp(((const struct ref *)a)->key,
	    ((const struct ref *)b)->key);
}

size_t
lint_normalise(char *out, size_t outsz, const char *s, size_t n)
{
	size_t	 i, o = 0;
	int	 space = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.')
			continue;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 1 >= outsz)
				return 0;
			out[o++] = ' ';
			space = 0;
		}
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] ==
		    0x80 && (unsigned char)s[i + 2] == 0x99) {
			c = '\'';
			i += 2;
		}
		if (o + 1 >= outsz)
			return 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

static void
dict_index(struct dict *d, int lower)
{
	size_t	 i;

	d->exact = xreallocarray(NULL, d->n + 1, sizeof(*d->exact));
	d->upper = xreallocarray(NULL, d->n + 1, sizeof(*d->upper));
	d->lower = xreallocarray(NULL, d->n + 1, sizeof(*d->lower));
	d->nlower = 0;
	for (i = 0; i < d->n; i++) {
		d->exact[i].key = d->v[i].key;
		d->exact[i].e = &d->v[i];
		d->upper[i].key = d->v[i].upkey;
		d->upper[i].e = &d->v[i];
		if (lower && d->v[i].mark == M_COMMON) {
			d->lower[d->nlower].key = d->v[i].lokey;
			d->lower[d->nlower++].e = &d->v[i];
		}
	}
	qsort(d->exact, d->n, sizeof(*d->exact), lint_refcmp);
	qsort(d->upper, d->n, sizeof(*d->upper), lint_refcmp);
	qsort(d->lower, d->nlower, sizeof(*d->lower), lint_refcmp);
}

static void
dict_free(struct dict *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].upkey);
		free(d->v[i].lokey);
	}
	free(d->v);
	free(d->exact);
	free(d->upper);
	free(d->lower);
	memset(d, 0, sizeof(*d));
}

/* Adds one entry (raw text s, n bytes).  0, or -1 if it is unusable. */
static int
dict_add(struct dict *d, const char *s, size_t n, enum mark mark, int grow)
{
	struct entry	*e;
	char		 key[LINT_KEY_MAX];
	size_t		 len, i;
	int		 words = 1;

	if ((len = lint_normalise(key, sizeof(key), s, n)) == 0)
		return -1;
	for (i = 0; i < len; i++)
		if (key[i] == ' ')
			words++;
	if (words > LINT_WORDS_MAX)
		return -1;
	if (grow)
		d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n++];
	e->key = xstrdup(key);
	e->upkey = xstrdup(key);
	e->lokey = xstrdup(key);
	for (i = 0; i < len; i++) {
		e->upkey[i] = (char)toupper((unsigned char)key[i]);
		e->lokey[i] = (char)tolower((unsigned char)key[i]);
	}
	e->mark = mark;
	e->nwords = words;
	e->abbrev = n > 0 && s[n - 1] == '.';
	e->cls = -1;
	if (words > d->maxwords)
		d->maxwords = words;
	return 0;
}

/*
 * Adds the entries of dir/name to d, of class cls (enum fixed_class, or
 * -1); each entry may carry one of the marks of enum mark (" ~", " =",
 * " %", " !", " -" at the end of its line).  d is indexed by the caller
 * (dict_index()).  0, or -1 (logged: the file is missing, or a line is
 * no usable entry).
 */
static int
dict_read(struct dict *d, const char *dir, const char *name, int cls)
{
	static const char	 markch[] = " ~=%!-";
	struct buf		 b = BUF_INIT;
	char			 path[PATH_MAX];
	const char		*p, *end, *nl, *q;
	unsigned long		 line = 0;
	enum mark		 mark;
	size_t			 n;
	int			 rc = -1, r;

	if (file_path(path, sizeof(path), "%s/%s", dir, name) == -1)
		goto out;
	if ((r = file_read(&b, path, LINT_DATA_MAX)) != 0) {
		if (r == NM_ENOTFOUND)
			log_warnx("%s: data file missing (set NEARMISS_DATA "
			    "to the folder of the lint data)", path);
		goto out;
	}
	for (p = b.data, end = b.data + b.len; p < end;
	    p = nl < end ? nl + 1 : end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r'))
			n--;
		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n == 0 || *p == '#')
			continue;
		mark = M_PLAIN;
		if (n > 2 && p[n - 2] == ' ' && p[n - 1] != '\0' &&
		    (q = strchr(markch + 1, p[n - 1])) != NULL) {
			mark = (enum mark)(q - markch);
			n -= 2;
			while (n > 0 && p[n - 1] == ' ')
				n--;
		}
		if (memchr(p, '\0', n) != NULL || dict_add(d, p, n, mark,
		    1) == -1) {
			log_at(path, line, "not a usable entry (at most %d "
			    "words, %d bytes)", LINT_WORDS_MAX,
			    LINT_KEY_MAX - 1);
			goto out;
		}
		d->v[d->n - 1].cls = cls;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/*
 * The folder of the data files: $NEARMISS_DATA, else NM_DATADIR (the
 * install folder), else ../data beside the program (a build tree).
 * 0, or -1 (logged).
 */
static int
data_dir(char *out, size_t outsz)
{
	char		 exe[PATH_MAX], *slash;
	const char	*env;
	ssize_t		 n;

	if ((env = getenv("NEARMISS_DATA")) != NULL && *env != '\0')
		return file_path(out, outsz, "%s", env);
	/* NM_DATADIR comes from the Makefile: $(DATADIR). */
	if (file_path(out, outsz, "%s/given-names.txt", NM_DATADIR) == 0 &&
	    access(out, R_OK) == 0)
		return file_path(out, outsz, "%s", NM_DATADIR);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (file_path(out, outsz, "%s/../data/given-names.txt",
			    exe) == 0 && access(out, R_OK) == 0)
				return file_path(out, outsz, "%s/../data",
				    exe);
		}
	}
	log_warnx("cannot find the lint data (given-names.txt and the "
	    "rest): set NEARMISS_DATA to its folder");
	return -1;
}

int
lint_data_load(struct lint_data **out, const char *dir)
{
	/*
	 * The open-ended lists of the fixed words, and their classes: they
	 * are compared in lower case (marked M_COMMON, in the "lower"
	 * index), but holidays as written.
	 */
	static const struct {
		const char	*name;
		int		 cls;
	} lists[] = {
		{ "models.txt", FX_NOTNAME },
		{ "measure-words.txt", FX_MEASURE },
		{ "closings.txt", FX_CLOSING },
		{ "holidays.txt", FX_HOLIDAY },
		{ "tlds.txt", FX_TLD },
		{ "common-words.txt", FX_COMMON },
	};
	struct lint_data	*d;
	char			 path[PATH_MAX];
	size_t			 i, k, from;
	int			 rc = -1;

	*out = NULL;
	if (dir == NULL) {
		if (data_dir(path, sizeof(path)) == -1)
			return -1;
		dir = path;
	}
	d = xcalloc(1, sizeof(*d));
	if (dict_read(&d->names, dir, "given-names.txt", -1) == -1 ||
	    dict_read(&d->places, dir, "places.txt", -1) == -1 ||
	    dict_read(&d->places, dir, "businesses.txt", -1) == -1 ||
	    dict_read(&d->agency, dir, "agency-words.txt", -1) == -1 ||
	    dict_read(&d->titles, dir, "titles.txt", -1) == -1)
		goto out;
	dict_index(&d->names, 0);
	dict_index(&d->places, 0);
	dict_index(&d->agency, 0);
	dict_index(&d->titles, 1);
	for (i = 0; i < NM_NELEM(fixed_words); i++) {
		if (dict_add(&d->fixed, fixed_words[i].word,
		    strlen(fixed_words[i].word), M_COMMON, 1) == -1)
			fatalx("lint: bad fixed word %s", fixed_words[i].word);
		d->fixed.v[d->fixed.n - 1].cls = fixed_words[i].cls;
	}
	for (i = 0; i < NM_NELEM(lists); i++) {
		from = d->fixed.n;
		if (dict_read(&d->fixed, dir, lists[i].name, lists[i].cls) ==
		    -1)
			goto out;
		for (k = from; k < d->fixed.n; k++)
			d->fixed.v[k].mark = lists[i].cls == FX_HOLIDAY ?
			    M_PLAIN : M_COMMON;
	}
	dict_index(&d->fixed, 1);
	*out = d;
	d = NULL;
	rc = 0;
out:
	lint_data_free(d);
	return rc;
}

void
lint_data_free(struct lint_data *d)
{
	if (d == NULL)
		return;
	dict_free(&d->names);
	dict_free(&d->places);
	dict_free(&d->agency);
	dict_free(&d->titles);
	dict_free(&d->fixed);
	free(d);
}

int
lint_fixed_is(const struct lint_data *d, const char *w, size_t n, int cls)
{
	const struct ref	*r;
	struct ref		 k;
	char			 s[LINT_KEY_MAX];
	size_t			 j;

	if (n == 0 || n >= sizeof(s))
		return 0;
	for (j = 0; j < n; j++)
		s[j] = (char)tolower((unsigned char)w[j]);
	s[n] = '\0';
	k.key = s;
	r = bsearch(&k, d->fixed.lower, d->fixed.nlower, sizeof(*r),
	    lint_refcmp);
	if (r == NULL)
		return 0;
	/* Several classes may share a word: look at the neighbours. */
	while (r > d->fixed.lower && strcmp(r[-1].key, s) == 0)
		r--;
	for (; r < d->fixed.lower + d->fixed.nlower &&
	    strcmp(r->key, s) == 0; r++)
		if (r->e->cls == cls)
			return 1;
	return 0;
}

int
lint_fixed_class(const struct lint *L, size_t i, int cls)
{
	char	 s[LINT_KEY_MAX];
	size_t	 n;

	if (i >= L->nt || (n = lint_tok_word(L, i, s, sizeof(s))) == 0)
		return 0;
	return lint_fixed_is(L->d, s, n, cls);
}

/*
 * Copies the key s into out, Latin letters with diacritics as their
 * ASCII letters ("Zoë" as "Zoe") and a capital after a small letter in
 * small ("DeShawn" as "Deshawn").  Returns the length, or 0 if it does
 * not fit.
 */
static size_t
fold(char *out, size_t outsz, const char *s)
{
	unsigned int	 cp;
	size_t		 i = 0, o = 0, n = strlen(s);
	int		 len, small = 0;
	char		 c;

	while (i < n) {
		if (o + 5 > outsz)
			return 0;
		if ((unsigned char)s[i] < 0x80) {
			cp = (unsigned char)s[i];
			len = 1;
		} else
			len = lint_utf8_get(s, n, i, &cp);
		c = 0;
		if (cp >= 0xc0 && cp <= 0x17f && latin_base[cp - 0xc0] != '*')
			c = latin_base[cp - 0xc0];
		else if (cp < 0x80)
			c = (char)cp;
		if (c == 0) {
			memcpy(out + o, s + i, (size_t)len);
			o += (size_t)len;
			small = 0;
		} else {
			if (small && isupper((unsigned char)c))
				c = (char)tolower((unsigned char)c);
			out[o++] = c;
			small = islower((unsigned char)c);
		}
		i += (size_t)len;
	}
	out[o] = '\0';
	return o;
}

const struct entry *
lint_dict_match(const struct lint *L, const struct dict *d, size_t i, int *nw)
{
	const struct entry	*e;
	size_t			 last;

	if ((e = dict_match(L, d, i, nw, 0)) != NULL)
		return e;
	/* "Love's", "McDonald's": a name with its "'s". */
	last = i + (size_t)d->maxwords - 1;
	if (last >= L->nt)
		last = L->nt - 1;
	/* An apostrophe, or the first byte of U+2019. */
	if (i < L->nt && (memchr(L->m + TOFF(L, i), '\'', TEND(L, last) -
	    TOFF(L, i)) != NULL || memchr(L->m + TOFF(L, i), 0xe2,
	    TEND(L, last) - TOFF(L, i)) != NULL))
		return dict_match(L, d, i, nw, 1);
	return NULL;
}

/*
 * The longest entry of d that the words from i on spell (see
 * lint_dict_match()); whole: the last word keeps its "'s".
 */
static const struct entry *
dict_match(const struct lint *L, const struct dict *d, size_t i, int *nw,
    int whole)
{
	const struct ref	*r, *e, *base;
	struct ref		 k;
	char			 key[LINT_KEY_MAX], w[LINT_KEY_MAX];
	size_t			 n, o, j, wl, nbase;
	int			 upper, lower, maxw = d->maxwords;

	for (n = (size_t)maxw; n >= 1; n--) {
		if (i + n > L->nt)
			continue;
		o = 0;
		upper = lower = 1;
		for (j = i; j < i + n; j++) {
			if (j > i && !lint_adjacent(L, j - 1, j, 1))
				break;
			/* Only the last word loses its "'s". */
			if (j + 1 < i + n || whole)
				wl = lint_normalise(w, sizeof(w),
				    L->m + TOFF(L, j), L->t[j].len);
			else
				wl = lint_tok_word(L, j, w, sizeof(w));
			if (wl == 0 || o + wl + 2 > sizeof(key))
				break;
			/* "U.S." is one word: no space after a bare dot. */
			if (o > 0 && !(TOFF(L, j) == TEND(L, j - 1) + 1 &&
			    L->m[TEND(L, j - 1)] == '.'))
				key[o++] = ' ';
			memcpy(key + o, w, wl);
			o += wl;
			if (!(TFL(L, j) & (TF_UPPER | TF_NUM)))
				upper = 0;
			if (!(TFL(L, j) & TF_LOWER))
				lower = 0;
		}
		if (j < i + n)
			continue;
		key[o] = '\0';
		k.key = key;
		base = d->exact;
		nbase = d->n;
		if ((r = bsearch(&k, base, nbase, sizeof(*r),
		    lint_refcmp)) != NULL)
			goto found;
		base = d->upper;
		if (upper && (TFL(L, i) & TF_UPPER) && (r = bsearch(&k,
		    base, nbase, sizeof(*r), lint_refcmp)) != NULL)
			goto found;
		base = d->lower;
		nbase = d->nlower;
		if (lower && nbase > 0 && (r = bsearch(&k, base, nbase,
		    sizeof(*r), lint_refcmp)) != NULL)
			goto found;
		/* "Zoë" as "Zoe", "DeShawn" as "Deshawn". */
		base = d->exact;
		nbase = d->n;
		if ((TFL(L, i) & TF_CAP) && !(TFL(L, i) & TF_UPPER) &&
		    fold(w, sizeof(w), key) > 0 && strcmp(w, key) != 0) {
			k.key = w;
			if ((r = bsearch(&k, base, nbase, sizeof(*r),
			    lint_refcmp)) != NULL)
				goto found;
		}
	}
	return NULL;
found:
	/*
	 * A key may be written twice, a generic word and a suffix
	 * ("General -", "General %"): the suffix is the match.
	 */
	for (e = r; e > base && strcmp(e[-1].key, r->key) == 0; e--)
		;
	for (; e < base + nbase && strcmp(e->key, r->key) == 0; e++)
		if (e->e->mark != M_GENERIC) {
			r = e;
			break;
		}
	*nw = (int)n;
	return r->e;
}
