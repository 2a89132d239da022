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
 * nearmiss-review lint FILE...: the de-identification check.  The file
 * is copied into a mask where everything that is not prose to check
 * (the front matter's keys and taxonomy values, text in [brackets])
 * becomes blanks of the same length, so that every offset stays the
 * file's; the mask is cut into words, and two sets of rules run over
 * it: character patterns (e-mail, URLs, IP addresses, phone numbers,
 * numeric dates, long numbers) and word rules backed by the data files
 * (names, titles, places, agencies, addresses, dates, badge and case
 * numbers, plates, signature lines).  Findings inside a longer finding
 * are dropped; the rest are printed in file order.  Bidirectional
 * controls are found in the file itself, front matter and brackets
 * included, and always printed: no --accept takes them.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "field.h"
#include "file.h"
#include "lint.h"
#include "log.h"
#include "nm.h"
#include "review.h"
#include "utf8.h"

/* The longest row of titles before a name ("Deputy Chief ..."). */
#define TITLE_ROW	8
#define LINT_FILE_MAX	(4 * 1024 * 1024)	/* a report is far smaller */
#define LINT_DATA_MAX	(4 * 1024 * 1024)	/* one data file */
#define LINT_KEY_MAX	128	/* bytes of a normalised dictionary key */
#define LINT_WORDS_MAX	5	/* words of a dictionary entry */
#define LINT_SHOW_MAX	120	/* bytes of a finding's text shown */
#define LINT_EXIT_ERROR	3	/* a file or the data could not be read */

/* Sentence and masked-region boundary in the mask. */
#define BOUNDARY	'\001'

enum kind {
	K_EMAIL, K_URL, K_IP, K_PHONE, K_DATE, K_NUMBER, K_PLATE,
	K_ADDRESS, K_AGENCY, K_PLACE, K_NAME, K_SIGNATURE, K_BIDI, K__MAX
};

static const char *const kind_names[K__MAX] = {
	"email", "url", "ip", "phone", "date", "number", "plate",
	"address", "agency", "place", "name", "signature", "bidi",
};

/* The marks of dictionary entries (see the data files' headers). */
enum mark {
	M_PLAIN,	/* (none) */
	M_COMMON,	/* ~ */
	M_CONTEXT,	/* = */
	M_INST,		/* % an institution: a place */
	M_SELF,		/* ! an agency by itself */
	M_GENERIC	/* - */
};

struct entry {
	char		*key;	/* normalised, as written */
	char		*upkey;	/* the same in capitals */
	char		*lokey;	/* the same in lower case */
	enum mark	 mark;
	int		 nwords;
	int		 abbrev;	/* written with a final '.' */
	int		 cls;	/* the fixed words: enum fixed_class */
};

struct ref {
	const char		*key;
	const struct entry	*e;
};

struct dict {
	struct entry	*v;
	size_t		 n;
	struct ref	*exact, *upper, *lower;
	size_t		 nlower;
	int		 maxwords;
};

struct ldata {
	struct dict	 names, places, agency, titles, fixed;
};

/* Word flags. */
#define TF_CAP		0x001	/* starts with a capital letter */
#define TF_LOWER	0x002	/* starts with a small letter */
#define TF_UPPER	0x004	/* two or more letters, all capitals */
#define TF_DIGIT	0x008	/* has a digit */
#define TF_NUM		0x010	/* digits only */
#define TF_START	0x020	/* a sentence's first word */
#define TF_DOT		0x040	/* a '.' follows directly */
#define TF_ALPHA	0x080	/* no digit */

struct tok {
	size_t		 off, len;
	unsigned int	 fl;
};

struct finding {
	size_t		 off, end;
	enum kind	 kind;
};

struct lint {
	const char		*text;	/* the file */
	char			*m;	/* the mask */
	size_t			 len;
	struct tok		*t;
	size_t			 nt;
	struct finding		*f;
	size_t			 nf, fcap;
	const struct ldata	*d;
};

/* Classes of the fixed dictionary (the kinds' own words). */
enum fixed_class {
	FX_STOP, FX_MONTH, FX_WEEKDAY, FX_HOLIDAY, FX_STREET, FX_STREET_WEAK,
	FX_NOTNAME, FX_NUMCTX, FX_PLATECTX, FX_FILLER, FX_MEASURE, FX_PREP,
	FX_DIRECTION, FX_ROAD, FX_APT, FX_DATEAFTER, FX_CLOSING, FX__MAX
};

struct fixed_word {
	const char	*word;
	int		 cls;
};

static int	 utf8_get(const char *, size_t, size_t, unsigned int *);
static int	 is_letter(unsigned int);
static int	 is_upper(unsigned int);
static int	 is_lower(unsigned int);
static int	 refcmp(const void *, const void *);
static void	 dict_index(struct dict *, int);
static void	 dict_free(struct dict *);
static int	 dict_add(struct dict *, const char *, size_t, enum mark,
		    int);
static int	 dict_load(struct dict *, const char *, const char *, int);
static int	 data_dir(char *, size_t);
static int	 data_load(struct ldata *);
static void	 data_free(struct ldata *);
static int	 fm_prose(const char *, size_t);
static void	 mask_front_matter(struct lint *);
static void	 mask_brackets(struct lint *);
static int	 sent_start(const char *, size_t);
static void	 tokenize(struct lint *);
static void	 add(struct lint *, enum kind, size_t, size_t);
static int	 adjacent(const struct lint *, size_t, size_t, int);
static size_t	 tok_word(const struct lint *, size_t, char *, size_t);
static int	 tok_is(const struct lint *, size_t, const char *);
static int	 fixed_class(const struct lint *, size_t, int);
static const struct entry *dict_match(const struct lint *,
		    const struct dict *, size_t, int *);
static int	 surname_like(const struct lint *, size_t, int);
static void	 scan_chars(struct lint *);
static void	 rule_names(struct lint *);
static void	 rule_name_memory(struct lint *);
static void	 rule_titles(struct lint *);
static void	 rule_places(struct lint *);
static void	 rule_agencies(struct lint *);
static void	 rule_addresses(struct lint *);
static void	 rule_dates(struct lint *);
static void	 rule_numbers(struct lint *);
static void	 rule_plates(struct lint *);
static void	 rule_signatures(struct lint *);
static void	 rule_bidi(struct lint *);
static int	 fcmp(const void *, const void *);
static void	 show(struct buf *, const char *, size_t, size_t, enum kind);
static void	 lint_usage(FILE *);

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
	/* Makes and models of cars and guns. */
	{ "navigator", FX_NOTNAME }, { "continental", FX_NOTNAME },
	{ "explorer", FX_NOTNAME }, { "interceptor", FX_NOTNAME },
	{ "tahoe", FX_NOTNAME }, { "charger", FX_NOTNAME },
	{ "impala", FX_NOTNAME }, { "caprice", FX_NOTNAME },
	{ "suburban", FX_NOTNAME }, { "silverado", FX_NOTNAME },
	{ "expedition", FX_NOTNAME }, { "escape", FX_NOTNAME },
	{ "yukon", FX_NOTNAME }, { "ranger", FX_NOTNAME },
	{ "taurus", FX_NOTNAME }, { "camry", FX_NOTNAME },
	{ "corolla", FX_NOTNAME }, { "civic", FX_NOTNAME },
	{ "accord", FX_NOTNAME }, { "wrangler", FX_NOTNAME },
	{ "sedan", FX_NOTNAME }, { "truck", FX_NOTNAME },
	{ "pickup", FX_NOTNAME }, { "van", FX_NOTNAME },
	{ "suv", FX_NOTNAME }, { "revolver", FX_NOTNAME },
	{ "pistol", FX_NOTNAME }, { "rifle", FX_NOTNAME },
	{ "shotgun", FX_NOTNAME }, { "glock", FX_NOTNAME },
	{ "sig", FX_NOTNAME }, { "ford", FX_NOTNAME },
	{ "chevy", FX_NOTNAME }, { "dodge", FX_NOTNAME },
	{ "crimes", FX_NOTNAME }, { "crime", FX_NOTNAME },
	{ "unit", FX_NOTNAME }, { "team", FX_NOTNAME },
	/* Words before a badge, unit, case or report number. */
	{ "badge", FX_NUMCTX }, { "unit", FX_NUMCTX }, { "car", FX_NUMCTX },
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
	/* Words after a number that make it a quantity, not an id. */
	{ "minutes", FX_MEASURE }, { "minute", FX_MEASURE },
	{ "seconds", FX_MEASURE }, { "second", FX_MEASURE },
	{ "hours", FX_MEASURE }, { "hour", FX_MEASURE },
	{ "days", FX_MEASURE }, { "weeks", FX_MEASURE },
	{ "months", FX_MEASURE }, { "years", FX_MEASURE },
	{ "feet", FX_MEASURE }, { "foot", FX_MEASURE },
	{ "ft", FX_MEASURE }, { "yards", FX_MEASURE },
	{ "miles", FX_MEASURE }, { "mile", FX_MEASURE },
	{ "mph", FX_MEASURE }, { "inches", FX_MEASURE },
	{ "meters", FX_MEASURE }, { "metres", FX_MEASURE },
	{ "percent", FX_MEASURE }, { "times", FX_MEASURE },
	{ "officers", FX_MEASURE }, { "people", FX_MEASURE },
	{ "rounds", FX_MEASURE }, { "blocks", FX_MEASURE },
	{ "cars", FX_MEASURE }, { "units", FX_MEASURE },
	{ "deputies", FX_MEASURE }, { "troopers", FX_MEASURE },
	{ "shots", FX_MEASURE }, { "degrees", FX_MEASURE },
	{ "pounds", FX_MEASURE }, { "dollars", FX_MEASURE },
	{ "calls", FX_MEASURE }, { "reports", FX_MEASURE },
	{ "suspects", FX_MEASURE }, { "victims", FX_MEASURE },
	{ "vehicles", FX_MEASURE }, { "persons", FX_MEASURE },
	{ "men", FX_MEASURE }, { "women", FX_MEASURE },
	{ "children", FX_MEASURE }, { "kids", FX_MEASURE },
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
	/* The closing words of a letter (a whole line, before a name). */
	{ "regards", FX_CLOSING }, { "best regards", FX_CLOSING },
	{ "kind regards", FX_CLOSING }, { "warm regards", FX_CLOSING },
	{ "with regards", FX_CLOSING }, { "sincerely", FX_CLOSING },
	{ "respectfully", FX_CLOSING },
	{ "respectfully submitted", FX_CLOSING },
	{ "very respectfully", FX_CLOSING }, { "v/r", FX_CLOSING },
	{ "thanks", FX_CLOSING }, { "thank you", FX_CLOSING },
	{ "many thanks", FX_CLOSING }, { "cheers", FX_CLOSING },
	{ "best", FX_CLOSING }, { "all the best", FX_CLOSING },
	{ "stay safe", FX_CLOSING }, { "be safe", FX_CLOSING },
	{ "take care", FX_CLOSING }, { "yours truly", FX_CLOSING },
	{ "yours", FX_CLOSING }, { "sincerely yours", FX_CLOSING },
};

/* Days of the year that a name gives away (the "date" findings). */
static const char *const holidays[] = {
	"Christmas Eve", "Christmas Day", "Christmas morning",
	"Christmas night", "New Year's Eve", "New Year's Day",
	"Fourth of July", "July Fourth", "Independence Day",
	"Thanksgiving Day", "Thanksgiving", "Halloween", "Memorial Day",
	"Labor Day", "Veterans Day", "Easter Sunday", "Mother's Day",
	"Father's Day", "Valentine's Day", "St. Patrick's Day",
	"Super Bowl Sunday", "Black Friday", "Cinco de Mayo", "Juneteenth",
	"Martin Luther King Day", "Presidents Day", "Columbus Day",
};

/* US postal codes of states, DC and territories. */
static const char *const postal[] = {
	"AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL",
	"GA", "GU", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA",
	"MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE",
	"NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI",
	"SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV",
	"WY",
};

/* Top-level domains a bare host name ends with. */
static const char *const tlds[] = {
	"com", "org", "net", "gov", "edu", "mil", "us", "io", "info",
	"biz", "uk", "ca", "de", "fr", "au", "nz", "ie", "app", "dev",
	"me", "tv", "co", "xyz", "online", "site", "onion", "int", "eu",
	"mx", "local", "news", "email", "police",
};

/*
 * Front-matter keys of the report that are not report fields
 * (lib/field.h), and whose values are not prose.
 */
static const char *const fm_skip[] = {
	"id", "published", "environment",
};

/*
 * Decodes the UTF-8 character at s[i] (n bytes in all) into *cp and
 * returns its length; a bad sequence is one byte of U+FFFD.
 */
static int
utf8_get(const char *s, size_t n, size_t i, unsigned int *cp)
{
	const unsigned char	*p = (const unsigned char *)s + i;
	size_t			 left = n - i;
	unsigned int		 c = p[0];
	int			 len, k;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		goto bad;
	if ((size_t)len > left)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[k] & 0x3f);
	}
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

/* Letters, roughly: ASCII and the Latin and other alphabets. */
static int
is_letter(unsigned int c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if (c >= 0x2000 && c <= 0x2bff)	/* punctuation, symbols, arrows */
		return 0;
	if (c >= 0x3000 && c <= 0x303f)
		return 0;
	if (c == 0xfeff || c == 0xfffd || c >= 0x1f000)
		return 0;
	return 1;
}

static int
is_upper(unsigned int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde &&
	    c != 0xd7);
}

/* Letters past Latin-1 count as small: no capital is flagged for them. */
static int
is_lower(unsigned int c)
{
	return is_letter(c) && !is_upper(c);
}

static int
refcmp(const void *a, const void *b)
{
	return strcmp(((const struct ref *)a)->key,
	    ((const struct ref *)b)->key);
}

/*
 * Normalises a dictionary key or a piece of text: dots go, every run of
 * blanks becomes one space, U+2019 becomes "'".  Returns the length, or
 * 0 if it does not fit in outsz.
 */
static size_t
normalise(char *out, size_t outsz, const char *s, size_t n)
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
	qsort(d->exact, d->n, sizeof(*d->exact), refcmp);
	qsort(d->upper, d->n, sizeof(*d->upper), refcmp);
	qsort(d->lower, d->nlower, sizeof(*d->lower), refcmp);
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

	if ((len = normalise(key, sizeof(key), s, n)) == 0)
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
 * Loads dir/name into d; each entry may carry one of the marks of enum
 * mark (" ~", " =", " %", " !", " -" at the end of its line).  lower:
 * "~" entries are also matched in lower case (titles).
 */
static int
dict_load(struct dict *d, const char *dir, const char *name, int lower)
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
	}
	dict_index(d, lower);
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

static int
data_load(struct ldata *d)
{
	char	 dir[PATH_MAX];
	size_t	 i;

	memset(d, 0, sizeof(*d));
	if (data_dir(dir, sizeof(dir)) == -1 ||
	    dict_load(&d->names, dir, "given-names.txt", 0) == -1 ||
	    dict_load(&d->places, dir, "places.txt", 0) == -1 ||
	    dict_load(&d->agency, dir, "agency-words.txt", 0) == -1 ||
	    dict_load(&d->titles, dir, "titles.txt", 1) == -1) {
		data_free(d);
		return -1;
	}
	/*
	 * The fixed words: compared in lower case (the "lower" index, whose
	 * entries are marked M_COMMON); holidays as written.
	 */
	d->fixed.v = xreallocarray(NULL, NM_NELEM(fixed_words) +
	    NM_NELEM(holidays), sizeof(*d->fixed.v));
	for (i = 0; i < NM_NELEM(fixed_words); i++) {
		if (dict_add(&d->fixed, fixed_words[i].word,
		    strlen(fixed_words[i].word), M_COMMON, 0) == -1)
			fatalx("lint: bad fixed word %s", fixed_words[i].word);
		d->fixed.v[d->fixed.n - 1].cls = fixed_words[i].cls;
	}
	for (i = 0; i < NM_NELEM(holidays); i++) {
		if (dict_add(&d->fixed, holidays[i], strlen(holidays[i]),
		    M_PLAIN, 0) == -1)
			fatalx("lint: bad holiday %s", holidays[i]);
		d->fixed.v[d->fixed.n - 1].cls = FX_HOLIDAY;
	}
	dict_index(&d->fixed, 1);
	return 0;
}

static void
data_free(struct ldata *d)
{
	dict_free(&d->names);
	dict_free(&d->places);
	dict_free(&d->agency);
	dict_free(&d->titles);
	dict_free(&d->fixed);
}

/* Blanks m[from, to) except newlines. */
static void
blank(char *m, size_t from, size_t to)
{
	for (; from < to; from++)
		if (m[from] != '\n')
			m[from] = ' ';
}

/*
 * 1 if the value of the front-matter key (n bytes) is prose to check:
 * a text field of lib/field.c's table (title, summary), or a key the
 * report does not know; 0 for fm_skip and the other fields (months,
 * counts, terms).
 */
static int
fm_prose(const char *key, size_t n)
{
	char	 k[64];
	size_t	 j;
	int	 f;

	for (j = 0; j < NM_NELEM(fm_skip); j++)
		if (strlen(fm_skip[j]) == n && memcmp(key, fm_skip[j], n) == 0)
			return 0;
	if (n >= sizeof(k))
		return 1;
	memcpy(k, key, n);
	k[n] = '\0';
	if ((f = field_lookup(k)) < 0)
		return 1;
	return field_get((enum record_key)f)->kind == FIELD_LINE ||
	    field_get((enum record_key)f)->kind == FIELD_PARA;
}

/*
 * The front matter: its fences and keys become boundaries, and the
 * values of the keys that are not prose (fm_prose(), with their
 * continuation lines) blanks.  Only title, summary and any other key's
 * value remain to check.
 */
static void
mask_front_matter(struct lint *L)
{
	char		*m = L->m;
	size_t		 len = L->len, p, eol, k, i;
	int		 skip = 0, first = 1;

	if (len < 3 || memcmp(m, "---", 3) != 0 || (len > 3 && m[3] !=
	    '\n' && m[3] != '\r'))
		return;
	for (p = 0; p < len; p = eol + 1) {
		eol = p;
		while (eol < len && m[eol] != '\n')
			eol++;
		k = eol;
		if (k > p && m[k - 1] == '\r')
			k--;
		if (!first && k - p == 3 && (memcmp(m + p, "---", 3) == 0 ||
		    memcmp(m + p, "...", 3) == 0)) {
			blank(m, p, eol);
			m[p] = BOUNDARY;
			return;
		}
		if (first) {
			blank(m, p, eol);
			m[p] = BOUNDARY;
			first = 0;
			continue;
		}
		/* "key:" at the start of the line starts a value. */
		for (i = p; i < k && (isalnum((unsigned char)m[i]) ||
		    m[i] == '_' || m[i] == '-'); i++)
			;
		if (i > p && i < k && m[i] == ':' && isalpha((unsigned char)
		    m[p])) {
			skip = !fm_prose(m + p, i - p);
			blank(m, p, skip ? eol : i + 1);
			m[p] = BOUNDARY;
			continue;
		}
		if (m[p] == '#')
			continue;	/* a YAML comment: checked */
		if (skip)
			blank(m, p, eol);
	}
	/* No closing fence: not front matter after all; leave it. */
}

/*
 * Text in [brackets] is a reviewer's replacement: its inside becomes
 * blanks (newlines kept); the brackets stay, so the words around still
 * see a word there.  A bracket left open at a blank line masks nothing.
 */
static void
mask_brackets(struct lint *L)
{
	char	*m = L->m;
	size_t	*open = NULL, *pend = NULL;	/* pend: pairs, 2 each */
	size_t	 nopen = 0, npend = 0, cap = 0, i, k, o;

	/*
	 * One pass, linear even for runs of unmatched or deeply nested
	 * brackets: open holds the "[" still open in this paragraph; pend
	 * the pairs that closed inside one of them, outermost only (a new
	 * pair swallows the pending pairs it contains).  A pair that closes
	 * the last open bracket, and at the end of a paragraph (a blank
	 * line) every pending pair, is blanked inside, once.
	 */
	if ((open = reallocarray(NULL, L->len + 1, sizeof(*open))) == NULL ||
	    (pend = reallocarray(NULL, L->len + 1, sizeof(*pend))) == NULL)
		fatal("reallocarray");
	cap = L->len + 1;
	for (i = 0; i <= L->len; i++) {
		if (i < L->len && m[i] == '[' && (i == 0 ||
		    m[i - 1] != '\\')) {
			open[nopen++] = i;
			continue;
		}
		if (i < L->len && m[i] == ']' && i > 0 &&
		    m[i - 1] != '\\' && nopen > 0) {
			o = open[--nopen];
			while (npend >= 2 && pend[npend - 2] > o)
				npend -= 2;
			if (nopen == 0)
				blank(m, o + 1, i);
			else if (npend + 2 <= cap) {
				pend[npend++] = o;
				pend[npend++] = i;
			}
			continue;
		}
		if (i < L->len && m[i] != '\n')
			continue;
		if (i < L->len) {
			k = i + 1;
			while (k < L->len && (m[k] == ' ' || m[k] == '\t' ||
			    m[k] == '\r'))
				k++;
			if (k < L->len && m[k] != '\n')
				continue;
		}
		/* The end of a paragraph, or of the text. */
		for (k = 0; k + 1 < npend; k += 2)
			blank(m, pend[k] + 1, pend[k + 1]);
		nopen = npend = 0;
	}
	free(open);
	free(pend);
}

/* 1 if the word at off starts a sentence, a paragraph or an item. */
static int
sent_start(const char *m, size_t off)
{
	size_t	 i = off, k;
	int	 nl = 0;

	while (i > 0) {
		unsigned char c = (unsigned char)m[i - 1];

		if (c == ' ' || c == '\t' || c == '\r') {
			i--;
			continue;
		}
		if (c == '\n') {
			if (nl)
				return 1;
			nl = 1;
			i--;
			continue;
		}
		nl = 0;
		if (c == BOUNDARY)
			return 1;
		/* Quotes and parentheses, straight and curly. */
		if (strchr("\"'()*_`~>", c) != NULL) {
			i--;
			continue;
		}
		if (i >= 3 && (unsigned char)m[i - 3] == 0xe2 &&
		    (unsigned char)m[i - 2] == 0x80) {
			if (c >= 0x98 && c <= 0x9d) {	/* ‘ ’ “ ” */
				i -= 3;
				continue;
			}
			/* – — … */
			if (c == 0x93 || c == 0x94 || c == 0xa6)
				return 1;
		}
		if (strchr(".!?:;|#", c) != NULL)
			return 1;
		if (c == '-' || c == '+') {
			/* A list marker, or a dash between spaces. */
			for (k = i - 1; k > 0 && (m[k - 1] == ' ' ||
			    m[k - 1] == '\t'); k--)
				;
			if (k == 0 || m[k - 1] == '\n' || m[k - 1] == BOUNDARY)
				return 1;
			if (i >= 2 && (m[i - 2] == ' ' || m[i - 2] == '-'))
				return 1;
		}
		return 0;
	}
	return 1;
}

static void
tokenize(struct lint *L)
{
	const char	*m = L->m;
	size_t		 i = 0, cap = 0, start;
	unsigned int	 cp, fl, letters, uppers, lowers, digits, others;
	int		 n;

	while (i < L->len) {
		n = utf8_get(m, L->len, i, &cp);
		if (!(is_letter(cp) || (cp >= '0' && cp <= '9'))) {
			i += (size_t)n;
			continue;
		}
		start = i;
		fl = 0;
		letters = uppers = lowers = digits = others = 0;
		if (is_upper(cp))
			fl |= TF_CAP;
		else if (is_lower(cp))
			fl |= TF_LOWER;
		for (;;) {
			if (cp >= '0' && cp <= '9')
				digits++;
			else if (is_letter(cp)) {
				letters++;
				if (is_upper(cp))
					uppers++;
				else
					lowers++;
			} else
				others++;
			i += (size_t)n;
			if (i >= L->len)
				break;
			n = utf8_get(m, L->len, i, &cp);
			if (is_letter(cp) || (cp >= '0' && cp <= '9'))
				continue;
			/* ' ’ and - join when a word character follows. */
			if (cp == '\'' || cp == 0x2019 || cp == '-') {
				unsigned int	 cp2;
				size_t		 j = i + (size_t)n;

				if (j < L->len) {
					utf8_get(m, L->len, j, &cp2);
					if (is_letter(cp2) || (cp2 >= '0' &&
					    cp2 <= '9'))
						continue;
				}
			}
			break;
		}
		if (L->nt == cap) {
			cap = cap ? cap * 2 : 256;
			L->t = xreallocarray(L->t, cap, sizeof(*L->t));
		}
		if (digits)
			fl |= TF_DIGIT;
		else
			fl |= TF_ALPHA;
		if (digits && !letters && !others)
			fl |= TF_NUM;
		if (letters >= 2 && lowers == 0)
			fl |= TF_UPPER;
		if (i < L->len && m[i] == '.')
			fl |= TF_DOT;
		if (sent_start(m, start))
			fl |= TF_START;
		L->t[L->nt].off = start;
		L->t[L->nt].len = i - start;
		L->t[L->nt].fl = fl;
		L->nt++;
	}
}

static void
add(struct lint *L, enum kind k, size_t off, size_t end)
{
	if (end <= off)
		return;
	if (L->nf == L->fcap) {
		L->fcap = L->fcap ? L->fcap * 2 : 64;
		L->f = xreallocarray(L->f, L->fcap, sizeof(*L->f));
	}
	L->f[L->nf].off = off;
	L->f[L->nf].end = end;
	L->f[L->nf].kind = k;
	L->nf++;
}

#define TOFF(L, i)	((L)->t[(i)].off)
#define TEND(L, i)	((L)->t[(i)].off + (L)->t[(i)].len)
#define TFL(L, i)	((L)->t[(i)].fl)

/*
 * 1 if words a and b (a < b) follow each other with only blanks between
 * (one line break at most), and a '.' right after a when dot is set.
 */
static int
adjacent(const struct lint *L, size_t a, size_t b, int dot)
{
	size_t	 i = TEND(L, a), end = TOFF(L, b);
	int	 nl = 0;

	if (b != a + 1)
		return 0;
	if (dot && i < end && L->m[i] == '.')
		i++;
	for (; i < end; i++) {
		if (L->m[i] == '\n') {
			if (nl++)
				return 0;
		} else if (L->m[i] != ' ' && L->m[i] != '\t' &&
		    L->m[i] != '\r')
			return 0;
	}
	return 1;
}

/*
 * Word i normalised (U+2019 as "'", a final "'s" or "'" dropped) into
 * out; returns its length (0 if it does not fit).
 */
static size_t
tok_word(const struct lint *L, size_t i, char *out, size_t outsz)
{
	size_t	 n;

	if ((n = normalise(out, outsz, L->m + TOFF(L, i), L->t[i].len)) == 0)
		return 0;
	if (n > 2 && out[n - 2] == '\'' && (out[n - 1] == 's' ||
	    out[n - 1] == 'S'))
		out[n -= 2] = '\0';
	return n;
}

/* 1 if word i is w, in any case. */
static int
tok_is(const struct lint *L, size_t i, const char *w)
{
	char	 s[LINT_KEY_MAX];

	if (i >= L->nt || tok_word(L, i, s, sizeof(s)) == 0)
		return 0;
	return strcasecmp(s, w) == 0;
}

/*
 * 1 if word i (with the following words of a fixed phrase) is of class
 * cls among the fixed words.
 */
static int
fixed_class(const struct lint *L, size_t i, int cls)
{
	const struct ref	*r;
	struct ref		 k;
	char			 s[LINT_KEY_MAX];
	size_t			 n, j;

	if (i >= L->nt || (n = tok_word(L, i, s, sizeof(s))) == 0)
		return 0;
	for (j = 0; j < n; j++)
		s[j] = (char)tolower((unsigned char)s[j]);
	k.key = s;
	r = bsearch(&k, L->d->fixed.lower, L->d->fixed.nlower,
	    sizeof(*r), refcmp);
	if (r == NULL)
		return 0;
	/* Several classes may share a word: look at the neighbours. */
	while (r > L->d->fixed.lower && strcmp(r[-1].key, s) == 0)
		r--;
	for (; r < L->d->fixed.lower + L->d->fixed.nlower &&
	    strcmp(r->key, s) == 0; r++)
		if (r->e->cls == cls)
			return 1;
	return 0;
}

/*
 * The longest entry of d that the words from i on spell; *nw is set to
 * its number of words.  A key is matched as written; in capitals when
 * all its words are; in lower case when the dictionary allows it.
 */
static const struct entry *
dict_match(const struct lint *L, const struct dict *d, size_t i, int *nw)
{
	const struct ref	*r;
	struct ref		 k;
	char			 key[LINT_KEY_MAX], w[LINT_KEY_MAX];
	size_t			 n, o, j, wl;
	int			 upper, lower, maxw = d->maxwords;

	for (n = (size_t)maxw; n >= 1; n--) {
		if (i + n > L->nt)
			continue;
		o = 0;
		upper = lower = 1;
		for (j = i; j < i + n; j++) {
			if (j > i && !adjacent(L, j - 1, j, 1))
				break;
			/* Only the last word loses its "'s". */
			if (j + 1 < i + n)
				wl = normalise(w, sizeof(w), L->m + TOFF(L, j),
				    L->t[j].len);
			else
				wl = tok_word(L, j, w, sizeof(w));
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
		if ((r = bsearch(&k, d->exact, d->n, sizeof(*r),
		    refcmp)) != NULL)
			goto found;
		if (upper && (TFL(L, i) & TF_UPPER) && (r = bsearch(&k,
		    d->upper, d->n, sizeof(*r), refcmp)) != NULL)
			goto found;
		if (lower && d->nlower > 0 && (r = bsearch(&k, d->lower,
		    d->nlower, sizeof(*r), refcmp)) != NULL)
			goto found;
	}
	return NULL;
found:
	*nw = (int)n;
	return r->e;
}

/*
 * 1 if word i could be a surname after a given name or a title: a
 * capitalised word that is no function word, month, title or generic
 * agency word.  caps: the word before was in capitals too.
 */
static int
surname_like(const struct lint *L, size_t i, int caps)
{
	const struct entry	*e;
	int			 nw;

	if (i >= L->nt || !(TFL(L, i) & TF_CAP) || (TFL(L, i) & TF_DIGIT))
		return 0;
	if ((TFL(L, i) & TF_UPPER) && !caps)
		return 0;
	if (fixed_class(L, i, FX_STOP) || fixed_class(L, i, FX_MONTH) ||
	    fixed_class(L, i, FX_WEEKDAY) || fixed_class(L, i, FX_NOTNAME) ||
	    fixed_class(L, i, FX_STREET) ||
	    fixed_class(L, i, FX_STREET_WEAK))
		return 0;
	if ((e = dict_match(L, &L->d->titles, i, &nw)) != NULL)
		return 0;
	/* Park, Church, College: surnames too; Police, County: not. */
	if ((e = dict_match(L, &L->d->agency, i, &nw)) != NULL &&
	    e->mark != M_INST)
		return 0;
	return 1;
}

/* The length of the run of digits at m[i] (0 if none). */
static size_t
digits_at(const char *m, size_t len, size_t i)
{
	size_t	 n = 0;

	while (i + n < len && isdigit((unsigned char)m[i + n]))
		n++;
	return n;
}

static int
word_char(const char *m, size_t len, size_t i)
{
	unsigned int	 cp;

	if (i >= len)
		return 0;
	utf8_get(m, len, i, &cp);
	return is_letter(cp) || (cp >= '0' && cp <= '9');
}

/* The byte before i is a word character (start of text: no). */
static int
word_before(const char *m, size_t i)
{
	unsigned char	 c;

	if (i == 0)
		return 0;
	c = (unsigned char)m[i - 1];
	if (c < 0x80)
		return isalnum(c);
	return c >= 0x80;	/* inside a multibyte letter */
}

/* Trailing sentence punctuation is not part of a URL or host. */
static size_t
trim_punct(const char *m, size_t off, size_t end)
{
	while (end > off && strchr(".,;:!?)'\"", m[end - 1]) != NULL)
		end--;
	return end;
}

static int
is_tld(const char *s, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < NM_NELEM(tlds); i++) {
		if (strlen(tlds[i]) != n)
			continue;
		for (j = 0; j < n; j++)
			if (tolower((unsigned char)s[j]) != tlds[i][j])
				break;
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * A host name at m[i]: labels of letters, digits and '-' joined by
 * dots, at least two; returns its length (0 if none).  tld: the last
 * label must be in tlds (all small letters, or all capitals).
 */
static size_t
host_at(const char *m, size_t len, size_t i, int tld)
{
	size_t	 p = i, lab = i, labels = 0, last = i;
	int	 lo = 0, up = 0;

	for (;;) {
		lab = p;
		while (p < len && (isalnum((unsigned char)m[p]) ||
		    m[p] == '-'))
			p++;
		if (p == lab)
			break;
		labels++;
		last = lab;
		if (p < len && m[p] == '.' && p + 1 < len &&
		    isalnum((unsigned char)m[p + 1]))
			p++;
		else
			break;
	}
	if (labels < 2)
		return 0;
	if (tld) {
		size_t	 k;

		for (k = last; k < p; k++) {
			if (islower((unsigned char)m[k]))
				lo = 1;
			else if (isupper((unsigned char)m[k]))
				up = 1;
			else
				return 0;
		}
		if ((lo && up) || p - last < 2 || !is_tld(m + last, p - last))
			return 0;
	}
	return p - i;
}

/* The end of a URL or path that starts at i. */
static size_t
url_end(const char *m, size_t len, size_t i)
{
	while (i < len && !isspace((unsigned char)m[i]) && m[i] != '<' &&
	    m[i] != '>' && m[i] != '"' && m[i] != '`' && m[i] != ']' &&
	    m[i] != '[' && m[i] != BOUNDARY)
		i++;
	return i;
}

/* Dotted quad at i, each part 0-255: its length, or 0. */
static size_t
ipv4_at(const char *m, size_t len, size_t i)
{
	size_t	 p = i, n;
	int	 part, v;

	for (part = 0; part < 4; part++) {
		if ((n = digits_at(m, len, p)) == 0 || n > 3)
			return 0;
		v = atoi(m + p);
		if (v > 255 || (n > 1 && m[p] == '0'))
			return 0;
		p += n;
		if (part < 3) {
			if (p >= len || m[p] != '.')
				return 0;
			p++;
		}
	}
	/* Not part of a longer dotted number (a version, a date). */
	if (p < len && (isalnum((unsigned char)m[p]) || (m[p] == '.' &&
	    p + 1 < len && isdigit((unsigned char)m[p + 1]))))
		return 0;
	return p - i;
}

/* An IPv6 address at i (inet_pton accepts it): its length, or 0. */
static size_t
ipv6_at(const char *m, size_t len, size_t i)
{
	struct in6_addr	 a;
	char		 s[64];
	size_t		 p = i, colons = 0, hex = 0;

	while (p < len && (isxdigit((unsigned char)m[p]) || m[p] == ':' ||
	    (m[p] == '.' && p + 1 < len && isdigit((unsigned char)m[p + 1])))) {
		if (m[p] == ':')
			colons++;
		else if (isxdigit((unsigned char)m[p]))
			hex++;
		p++;
	}
	while (p > i && m[p - 1] == ':' && !(p - i >= 2 && m[p - 2] == ':'))
		p--, colons--;
	if (colons < 2 || hex == 0 || p - i >= sizeof(s) ||
	    (p < len && isalnum((unsigned char)m[p])))
		return 0;
	memcpy(s, m + i, p - i);
	s[p - i] = '\0';
	if (inet_pton(AF_INET6, s, &a) != 1)
		return 0;
	return p - i;
}

static int
valid_day(int mo, int d)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/*
 * A date in digits at i: YYYY-MM-DD (or / .), M/D/YYYY, M-D-YY,
 * D.M.YYYY (the same separator twice).  Its length, or 0.
 */
static size_t
numdate_at(const char *m, size_t len, size_t i)
{
	size_t	 a, b, c, p = i;
	int	 va, vb, vc;
	char	 sep;

	if ((a = digits_at(m, len, p)) == 0 || a > 4)
		return 0;
	va = atoi(m + p);
	p += a;
	if (p >= len || strchr("-/.", m[p]) == NULL)
		return 0;
	sep = m[p++];
	if ((b = digits_at(m, len, p)) == 0 || b > 2)
		return 0;
	vb = atoi(m + p);
	p += b;
	if (p >= len || m[p] != sep)
		return 0;
	p++;
	if ((c = digits_at(m, len, p)) == 0 || c > 4)
		return 0;
	vc = atoi(m + p);
	p += c;
	/* 2025-05-19T14:10 */
	if (a == 4 && p + 1 < len && m[p] == 'T' &&
	    isdigit((unsigned char)m[p + 1]) && valid_day(vb, vc))
		return p - i;
	if (p < len && (isalnum((unsigned char)m[p]) || ((m[p] == sep ||
	    m[p] == '.' || m[p] == '-') && p + 1 < len &&
	    isdigit((unsigned char)m[p + 1]))))
		return 0;
	if (a == 4 && c <= 2 && va >= 1900 && va <= 2099 &&
	    valid_day(vb, vc))
		return p - i;
	if (a <= 2 && (c == 4 || c == 2) && (valid_day(va, vb) ||
	    valid_day(vb, va)) && (c == 2 || (vc >= 1900 && vc <= 2099)))
		return p - i;
	return 0;
}

/*
 * A phone number at i (after an optional '+' at i): US forms
 * ((555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567,
 * 1-800-555-1212, 555-1234) and international ones (+44 20 7946 0958,
 * 0044 ..., 020 7946 0958).  Its length, or 0.
 */
static size_t
phone_at(const char *m, size_t len, size_t i)
{
	size_t	 p = i, g[8], ng = 0, total = 0, n;
	int	 plus = 0, paren = 0, mixed = 0;
	char	 sep = 0;

	if (m[p] == '+') {
		plus = 1;
		p++;
	}
	for (;;) {
		if (p < len && m[p] == '(' && !paren) {
			/* (312) 555-0199; +44 (0)20 7946 0958 */
			paren = 1;
			if ((n = digits_at(m, len, p + 1)) == 0 || n > 4 ||
			    p + 1 + n >= len || m[p + 1 + n] != ')' ||
			    ng == NM_NELEM(g))
				return 0;
			g[ng++] = n;
			total += n;
			p += n + 2;
			if (p + 1 < len && (m[p] == ' ' || m[p] == '-') &&
			    isdigit((unsigned char)m[p + 1]))
				p++;
			if (p < len && isdigit((unsigned char)m[p]))
				continue;
			return 0;
		}
		if ((n = digits_at(m, len, p)) == 0 || ng == NM_NELEM(g))
			break;
		g[ng++] = n;
		total += n;
		p += n;
		if (p + 1 < len && strchr(" -.", m[p]) != NULL &&
		    (isdigit((unsigned char)m[p + 1]) || (m[p + 1] == '(' &&
		    !paren))) {
			if (sep != 0 && m[p] != sep)
				mixed = 1;
			sep = m[p];
			p++;
			continue;
		}
		break;
	}
	if (ng == 0 || (p < len && isalnum((unsigned char)m[p])))
		return 0;
	/* International: + (or 00) and 8 to 15 digits, any separators. */
	if (plus || (g[0] == 2 && m[i] == '0' && m[i + 1] == '0')) {
		if (total >= 8 && total <= 15 && (ng >= 2 || plus))
			return p - i;
		return 0;
	}
	if (paren && ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4)
		return p - i;
	if (sep == 0 || mixed || paren)
		return 0;
	if (ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4)
		return p - i;
	if (ng == 4 && g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == 4)
		return p - i;
	if (ng == 2 && g[0] == 3 && g[1] == 4 && sep != ' ')
		return p - i;
	/* National numbers abroad: a leading 0, 10 or 11 digits. */
	if (m[i] == '0' && ng >= 2 && ng <= 4 && (total == 10 ||
	    total == 11) && sep == ' ')
		return p - i;
	return 0;
}

/*
 * The character patterns: e-mail addresses, URLs and host names, IP
 * addresses, phone numbers, dates in digits, social security numbers,
 * "#1234" and other long numbers.
 */
static void
scan_chars(struct lint *L)
{
	const char	*m = L->m;
	size_t		 len = L->len, i, a, b, n;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)m[i];

		if (c == '@') {
			/* local@host */
			for (a = i; a > 0 && (isalnum((unsigned char)m[a - 1])
			    || strchr("._%+-", m[a - 1]) != NULL); a--)
				;
			while (a < i && m[a] == '.')
				a++;
			if (a < i && (n = host_at(m, len, i + 1, 0)) > 0) {
				b = i + 1 + n;
				if (isalpha((unsigned char)m[b - 1])) {
					add(L, K_EMAIL, a, b);
					i = b - 1;
					continue;
				}
			}
		}
		if (c == ':' && i + 2 < len && m[i + 1] == '/' &&
		    m[i + 2] == '/') {
			for (a = i; a > 0 && (isalnum((unsigned char)m[a - 1])
			    || strchr("+.-", m[a - 1]) != NULL); a--)
				;
			if (a < i && isalpha((unsigned char)m[a]) &&
			    (n = host_at(m, len, i + 3, 0)) > 0) {
				b = trim_punct(m, a, url_end(m, len, i + 3));
				add(L, K_URL, a, b);
				i = b > i ? b - 1 : i;
				continue;
			}
			if (a < i && isalpha((unsigned char)m[a]) &&
			    i + 3 < len && m[i + 3] == '[') {
				b = trim_punct(m, a, url_end(m, len, i + 4));
				add(L, K_URL, a, b);
				continue;
			}
		}
		if (word_before(m, i) || m[i] == '.')
			continue;
		if (i > 0 && (m[i - 1] == '@' || m[i - 1] == '.' ||
		    m[i - 1] == '/'))
			continue;
		if (isalnum(c) && (n = host_at(m, len, i, 1)) > 0) {
			b = i + n;
			if (b < len && (m[b] == '/' || m[b] == ':'))
				b = url_end(m, len, b);
			b = trim_punct(m, i, b);
			add(L, K_URL, i, b);
			i = b - 1;
			continue;
		}
		if (isxdigit(c) || c == ':') {
			if ((n = ipv6_at(m, len, i)) > 0) {
				add(L, K_IP, i, i + n);
				i += n - 1;
				continue;
			}
		}
		if (c == '#' && i + 1 < len) {
			size_t	 d = 0;

			for (b = i + 1; b < len && (isalnum((unsigned char)
			    m[b]) || (m[b] == '-' && b + 1 < len &&
			    isalnum((unsigned char)m[b + 1]))); b++)
				if (isdigit((unsigned char)m[b]))
					d++;
			if (d >= 2) {
				add(L, K_NUMBER, i, b);
				i = b - 1;
			}
			continue;
		}
		if (!isdigit(c) && !(c == '+' && i + 1 < len &&
		    isdigit((unsigned char)m[i + 1])) && !(c == '(' &&
		    i + 1 < len && isdigit((unsigned char)m[i + 1])))
			continue;
		if (isdigit(c) && (n = ipv4_at(m, len, i)) > 0) {
			add(L, K_IP, i, i + n);
			i += n - 1;
			continue;
		}
		if (isdigit(c) && (n = numdate_at(m, len, i)) > 0) {
			add(L, K_DATE, i, i + n);
			i += n - 1;
			continue;
		}
		if ((n = phone_at(m, len, i)) > 0) {
			add(L, K_PHONE, i, i + n);
			i += n - 1;
			continue;
		}
		if (!isdigit(c))
			continue;
		/* ddd-dd-dddd (a social security number) */
		if (digits_at(m, len, i) == 3 && i + 11 <= len &&
		    m[i + 3] == '-' && digits_at(m, len, i + 4) == 2 &&
		    m[i + 6] == '-' && digits_at(m, len, i + 7) == 4 &&
		    !word_char(m, len, i + 11)) {
			add(L, K_NUMBER, i, i + 11);
			i += 10;
			continue;
		}
		/* Six or more digits, alone or joined by hyphens. */
		{
			size_t	 d = 0, p = i, groups = 0, g2 = 0;
			int	 year = (m[i] == '1' && m[i + 1] == '9') ||
				    (m[i] == '2' && m[i + 1] == '0');

			for (;;) {
				n = digits_at(m, len, p);
				d += n;
				if (groups++ == 1)
					g2 = n;
				p += n;
				if (p + 1 < len && m[p] == '-' &&
				    isdigit((unsigned char)m[p + 1]))
					p++;
				else
					break;
			}
			/*
			 * 2019-2024 is a span of years, 2024-11 a month,
			 * 2024-0042 an id of this archive (a report number
			 * needs a context word, "case 2024-0042", to be
			 * flagged).
			 */
			if (d >= 6 && !word_char(m, len, p) &&
			    !(groups == 2 && year && (g2 == 4 || (g2 == 2 &&
			    valid_day(atoi(m + i + 5), 1))) &&
			    digits_at(m, len, i) == 4)) {
				add(L, K_NUMBER, i, p);
			}
			i = p - 1;
		}
	}
}

/* Word i is a day of the month: 1-31, optionally 1st, 2nd, 3rd, 4th. */
static int
day_word(const struct lint *L, size_t i, int need_suffix)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;
	int		 v;

	if (i >= L->nt || (d = digits_at(s, n, 0)) == 0 || d > 2)
		return 0;
	v = atoi(s);
	if (v < 1 || v > 31)
		return 0;
	if (d == n)
		return !need_suffix;
	if (n - d != 2)
		return 0;
	return strncasecmp(s + d, "st", 2) == 0 ||
	    strncasecmp(s + d, "nd", 2) == 0 ||
	    strncasecmp(s + d, "rd", 2) == 0 ||
	    strncasecmp(s + d, "th", 2) == 0;
}

/* Word i is a month name (capitalised or in capitals). */
static int
month_word(const struct lint *L, size_t i)
{
	return i < L->nt && (TFL(L, i) & TF_CAP) && fixed_class(L, i,
	    FX_MONTH);
}

/*
 * Given names: alone (by their mark), or with the capitalised words that
 * follow them (a surname, an initial and a surname).
 */
static void
rule_names(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k;
	int			 nw, caps;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP) || (TFL(L, i) & TF_DIGIT))
			continue;
		if ((e = dict_match(L, &L->d->names, i, &nw)) == NULL)
			continue;
		caps = (TFL(L, i) & TF_UPPER) != 0;
		j = i + (size_t)nw;
		k = i + (size_t)nw - 1;
		/* An initial: "John Q. Public", "John Q Public". */
		if (j + 1 < L->nt && L->t[j].len == 1 && (TFL(L, j) &
		    TF_CAP) && adjacent(L, k, j, 0) &&
		    adjacent(L, j, j + 1, 1) && surname_like(L, j + 1, caps))
			j++;
		if (j < L->nt && adjacent(L, j - 1, j, j - 1 > k) &&
		    surname_like(L, j, caps)) {
			k = j;
			/*
			 * One more at most, on the same line: "Mary Ann
			 * Smith", not "Mike Johnson" and a next line.
			 */
			while (k + 1 < L->nt && k + 1 < j + 2 &&
			    adjacent(L, k, k + 1, 0) &&
			    memchr(L->m + TEND(L, k), '\n', TOFF(L, k + 1) -
			    TEND(L, k)) == NULL &&
			    surname_like(L, k + 1, caps))
				k++;
			add(L, K_NAME, TOFF(L, i), TEND(L, k));
			i = k;
			continue;
		}
		/* A common word in capitals ("WILL") is shouting. */
		if (e->mark == M_PLAIN || (e->mark == M_COMMON &&
		    !(TFL(L, i) & (TF_START | TF_UPPER))))
			add(L, K_NAME, TOFF(L, i), TEND(L, k));
	}
}

/*
 * A name flagged once is flagged everywhere: every other capitalised use
 * of its words ("Rivera said", "Holly says hello").
 */
static void
rule_name_memory(struct lint *L)
{
	char		 (*mem)[LINT_KEY_MAX] = NULL;
	char		 w[LINT_KEY_MAX];
	size_t		 nmem = 0, nf = L->nf, f, i, k, first = 0;
	int		 nw;

	for (f = 0; f < nf; f++) {
		if (L->f[f].kind != K_NAME)
			continue;
		while (first < L->nt && TEND(L, first) <= L->f[f].off)
			first++;
		for (i = first; i < L->nt && TOFF(L, i) < L->f[f].end; i++) {
			if (!(TFL(L, i) & TF_CAP) || L->t[i].len < 2 ||
			    fixed_class(L, i, FX_STOP) ||
			    fixed_class(L, i, FX_NOTNAME) ||
			    dict_match(L, &L->d->titles, i, &nw) != NULL ||
			    tok_word(L, i, w, sizeof(w)) == 0)
				continue;
			for (k = 0; k < nmem; k++)
				if (strcmp(mem[k], w) == 0)
					break;
			if (k < nmem)
				continue;
			mem = xreallocarray(mem, nmem + 1, sizeof(*mem));
			memcpy(mem[nmem++], w, sizeof(w));
		}
		first = 0;
	}
	for (i = 0; nmem > 0 && i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP) || tok_word(L, i, w, sizeof(w)) == 0)
			continue;
		for (k = 0; k < nmem; k++)
			if (strcmp(mem[k], w) == 0) {
				add(L, K_NAME, TOFF(L, i), TEND(L, i));
				break;
			}
	}
	free(mem);
}

/* Titles and ranks followed by a name: "Sgt. Alvarez", "Officer Kim". */
static void
rule_titles(struct lint *L)
{
	const struct entry	*e, *last;
	size_t			 i, j, k;
	int			 nw, lower, row;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & (TF_CAP | TF_LOWER)))
			continue;
		if ((e = dict_match(L, &L->d->titles, i, &nw)) == NULL)
			continue;
		lower = (TFL(L, i) & TF_LOWER) != 0;
		j = i + (size_t)nw;
		last = e;
		/*
		 * Titles in a row: "Deputy Chief", "Sgt. Maj.".  At most
		 * TITLE_ROW of them, so that a long run of titles costs linear
		 * time (each start would otherwise scan to its end).
		 */
		row = 1;
		while (row++ < TITLE_ROW && j < L->nt &&
		    adjacent(L, j - 1, j, last->abbrev) &&
		    (e = dict_match(L, &L->d->titles, j, &nw)) != NULL &&
		    (TFL(L, j) & TF_CAP)) {
			last = e;
			j += (size_t)nw;
		}
		if (j >= L->nt || !adjacent(L, j - 1, j, last->abbrev))
			continue;
		/* An initial first: "Officer J. Smith". */
		if (L->t[j].len == 1 && (TFL(L, j) & TF_CAP) && j + 1 < L->nt &&
		    adjacent(L, j, j + 1, 1) && surname_like(L, j + 1,
		    (TFL(L, i) & TF_UPPER) != 0))
			j++;
		if (!surname_like(L, j, (TFL(L, i) & TF_UPPER) != 0))
			continue;
		if (lower && (TFL(L, j) & TF_UPPER))
			continue;
		k = j;
		/* "Ofc. Dana Whitfield", over a line break at most once. */
		while (k + 1 < L->nt && k + 1 < j + 2 && adjacent(L, k, k + 1,
		    0) && (k == j || memchr(L->m + TEND(L, k), '\n',
		    TOFF(L, k + 1) - TEND(L, k)) == NULL) && surname_like(L,
		    k + 1, (TFL(L, i) & TF_UPPER) != 0))
			k++;
		add(L, K_NAME, TOFF(L, i), TEND(L, k));
		i = k;
	}
}

/* Word i is a US postal code of a state or territory, in capitals. */
static int
postal_word(const struct lint *L, size_t i)
{
	size_t	 k;

	if (i >= L->nt || L->t[i].len != 2 || !(TFL(L, i) & TF_UPPER))
		return 0;
	for (k = 0; k < NM_NELEM(postal); k++)
		if (memcmp(L->m + TOFF(L, i), postal[k], 2) == 0)
			return 1;
	return 0;
}

/* Word i starts a state's name; *nw its words. */
static int
state_word(const struct lint *L, size_t i, int *nw)
{
	static const char *const states[] = {
	    "Alabama", "Alaska", "Arizona", "Arkansas", "California",
	    "Colorado", "Connecticut", "Delaware", "Florida", "Georgia",
	    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
	    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
	    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana",
	    "Nebraska", "Nevada", "New Hampshire", "New Jersey",
	    "New Mexico", "New York", "North Carolina", "North Dakota",
	    "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
	    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
	    "Vermont", "Virginia", "Washington", "West Virginia",
	    "Wisconsin", "Wyoming", "Puerto Rico", "Guam",
	};
	const struct entry	*e;
	size_t			 k;

	if ((e = dict_match(L, &L->d->places, i, nw)) == NULL)
		return 0;
	for (k = 0; k < NM_NELEM(states); k++)
		if (strcmp(e->key, states[k]) == 0)
			return 1;
	return 0;
}

/*
 * 1 if the place that words i..j spell is named a place by its
 * context: a preposition before it, or ", STATE" after it.
 */
static int
place_context(const struct lint *L, size_t i, size_t j)
{
	size_t	 p;
	int	 nw;

	if (i > 0 && adjacent(L, i - 1, i, 0) && (TFL(L, i - 1) &
	    TF_LOWER) && fixed_class(L, i - 1, FX_PREP))
		return 1;
	if (j + 1 < L->nt) {
		for (p = TEND(L, j); p < TOFF(L, j + 1) && L->m[p] == ' ';
		    p++)
			;
		if (p < TOFF(L, j + 1) && L->m[p] == ',' &&
		    (postal_word(L, j + 1) || state_word(L, j + 1, &nw)))
			return 1;
	}
	return 0;
}

/*
 * Places from the gazetteer, and "Town, ST" (with a ZIP code, an
 * address) for towns the gazetteer lacks.
 */
static void
rule_places(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k, p;
	int			 nw;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP))
			continue;
		if ((e = dict_match(L, &L->d->places, i, &nw)) != NULL) {
			j = i + (size_t)nw - 1;
			if (e->mark == M_PLAIN || ((e->mark == M_COMMON &&
			    !(TFL(L, i) & TF_START)) || place_context(L, i, j)))
				add(L, K_PLACE, TOFF(L, i), TEND(L, j));
		}
		/* Capitalised words, a comma and a postal code. */
		for (j = i; j < L->nt && j < i + 3; j++) {
			if (!(TFL(L, j) & TF_CAP) || (TFL(L, j) & TF_UPPER) ||
			    fixed_class(L, j, FX_STOP) ||
			    (j > i && !adjacent(L, j - 1, j, 1)))
				break;
			for (p = TEND(L, j); j + 1 < L->nt &&
			    p < TOFF(L, j + 1) && L->m[p] == ' '; p++)
				;
			if (j + 1 >= L->nt || p >= TOFF(L, j + 1) ||
			    L->m[p] != ',' || !postal_word(L, j + 1))
				continue;
			for (p++; p < TOFF(L, j + 1) && L->m[p] == ' '; p++)
				;
			if (p != TOFF(L, j + 1))
				continue;
			k = j + 1;
			/* A ZIP code makes it an address. */
			if (k + 1 < L->nt && adjacent(L, k, k + 1, 0) &&
			    (TFL(L, k + 1) & TF_DIGIT) &&
			    digits_at(L->m, L->len, TOFF(L, k + 1)) == 5) {
				add(L, K_ADDRESS, TOFF(L, i), TEND(L, k + 1));
				break;
			}
			/* OK, IN, ME, OR, HI, AS are words too. */
			if (word_char(L->m, L->len, TEND(L, k)) ||
			    tok_is(L, k, "OK") || tok_is(L, k, "IN") ||
			    tok_is(L, k, "ME") || tok_is(L, k, "OR") ||
			    tok_is(L, k, "HI") || tok_is(L, k, "AS"))
				break;
			add(L, K_PLACE, TOFF(L, i), TEND(L, k));
			break;
		}
	}
}

/* "NYPD", "JSO", "PCSO": a police or sheriff's acronym. */
static int
acronym_agency(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len;

	if (!(TFL(L, i) & TF_UPPER) || (TFL(L, i) & TF_DIGIT) || n < 3 ||
	    n > 7)
		return 0;
	if (memcmp(s + n - 2, "PD", 2) == 0)
		return 1;
	if (n >= 4 && memcmp(s + n - 2, "SO", 2) == 0 &&
	    !(n == 4 && memcmp(s, "ALSO", 4) == 0))
		return 1;
	return 0;
}

/* Word i alone is a generic agency word ("State", "County"). */
static int
generic_word(const struct lint *L, size_t i)
{
	const struct dict	*d = &L->d->agency;
	const struct ref	*r, *idx;
	struct ref		 k;
	char			 w[LINT_KEY_MAX];
	size_t			 n, j;

	if ((n = tok_word(L, i, w, sizeof(w))) == 0)
		return 0;
	idx = d->exact;
	if (TFL(L, i) & TF_UPPER) {
		for (j = 0; j < n; j++)
			w[j] = (char)toupper((unsigned char)w[j]);
		idx = d->upper;
	}
	k.key = w;
	if ((r = bsearch(&k, idx, d->n, sizeof(*r), refcmp)) == NULL)
		return 0;
	while (r > idx && strcmp(r[-1].key, w) == 0)
		r--;
	for (; r < idx + d->n && strcmp(r->key, w) == 0; r++)
		if (r->e->mark == M_GENERIC)
			return 1;
	return 0;
}

/*
 * Agencies: a suffix ("Police Department", "County", "PD") with the
 * capitalised name words before it, or an agency named by itself.
 */
static void
rule_agencies(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k, first;
	int			 nw, gw, named, allcaps;

	for (i = 0; i < L->nt; i++) {
		if (acronym_agency(L, i)) {
			add(L, K_AGENCY, TOFF(L, i), TEND(L, i));
			continue;
		}
		if (!(TFL(L, i) & TF_CAP))
			continue;
		if ((e = dict_match(L, &L->d->agency, i, &nw)) == NULL ||
		    e->mark == M_GENERIC)
			continue;
		j = i + (size_t)nw - 1;
		if (e->mark == M_SELF) {
			add(L, K_AGENCY, TOFF(L, i), TEND(L, j));
			continue;
		}
		allcaps = (TFL(L, i) & TF_UPPER) != 0;
		named = 0;
		first = i;
		for (k = i; k > 0 && i - k < 4; k--) {
			size_t	 w = k - 1;

			if (TFL(L, k) & TF_START)
				break;
			/*
			 * Not across a line (a signature's name and agency),
			 * nor a full stop ("God. Tribal Police"), only the
			 * dot of a short abbreviation ("St. Mary's").
			 */
			if (!adjacent(L, w, k, L->t[w].len <= 2) ||
			    !(TFL(L, w) & TF_CAP) ||
			    fixed_class(L, w, FX_STOP) || memchr(L->m +
			    TEND(L, w), '\n', TOFF(L, k) - TEND(L, w)) != NULL)
				break;
			/*
			 * "Marion SO": the name in small letters, or "WAS SO"
			 * in a shouted sentence would be an agency.
			 */
			if (allcaps && (TFL(L, w) & TF_UPPER) &&
			    tok_is(L, i, "SO"))
				break;
			/* Titles ("Deputy Sheriff") are generic here. */
			if (!generic_word(L, w) &&
			    dict_match(L, &L->d->titles, w, &gw) == NULL)
				named = 1;
			first = w;
		}
		if (named)
			add(L, e->mark == M_INST ? K_PLACE : K_AGENCY,
			    TOFF(L, first), TEND(L, j));
	}
}

/* Word i is an ordinal: 1st, 22nd, 103rd, 5th. */
static int
ordinal_word(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;

	if ((d = digits_at(s, n, 0)) == 0 || n - d != 2)
		return 0;
	return strncasecmp(s + d, "st", 2) == 0 ||
	    strncasecmp(s + d, "nd", 2) == 0 ||
	    strncasecmp(s + d, "rd", 2) == 0 ||
	    strncasecmp(s + d, "th", 2) == 0;
}

/* Word i is a house number: 1-6 digits, maybe a letter or a range. */
static int
house_number(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;

	if ((d = digits_at(s, n, 0)) == 0 || d > 6)
		return 0;
	if (d == n)
		return 1;
	if (n == d + 1 && isupper((unsigned char)s[d]))
		return 1;
	return s[d] == '-' && digits_at(s, n, d + 1) == n - d - 1;
}

/*
 * Addresses: "1400 Main Street", "1400 block of Main", "Elm St",
 * "5th Ave", "Highway 101", "I-95", "Apt 4B", "PO Box 12".
 */
static void
rule_addresses(struct lint *L)
{
	size_t	 i, j, k, first;
	int	 names, lowname;

	for (i = 0; i < L->nt; i++) {
		/* A house number, names and a suffix. */
		if (house_number(L, i) && i + 1 < L->nt &&
		    adjacent(L, i, i + 1, 0)) {
			j = i + 1;
			if (tok_is(L, j, "block") && j + 1 < L->nt &&
			    tok_is(L, j + 1, "of") && adjacent(L, j, j + 1,
			    0)) {
				k = j + 1;
				while (k + 1 < L->nt && k < j + 5 &&
				    adjacent(L, k, k + 1, 1) &&
				    ((TFL(L, k + 1) & TF_CAP) ||
				    ordinal_word(L, k + 1)))
					k++;
				add(L, K_ADDRESS, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
			if (fixed_class(L, j, FX_DIRECTION) && j + 1 < L->nt &&
			    adjacent(L, j, j + 1, 1) && ((TFL(L, j) & TF_CAP)))
				j++;
			names = lowname = 0;
			for (k = j; k < L->nt && k < j + 4; k++) {
				if (k > j && !adjacent(L, k - 1, k, 1))
					break;
				if (k > j && (fixed_class(L, k, FX_STREET) ||
				    fixed_class(L, k, FX_STREET_WEAK)) &&
				    ((TFL(L, k) & TF_CAP) || (lowname &&
				    names == 1 && L->t[k].len > 3)))
					break;
				if ((TFL(L, k) & TF_CAP) || ordinal_word(L, k))
					names++;
				else if (k == j && (TFL(L, k) & TF_LOWER) &&
				    !fixed_class(L, k, FX_STOP) &&
				    !fixed_class(L, k, FX_STREET) &&
				    !fixed_class(L, k, FX_STREET_WEAK)) {
					names++;
					lowname = 1;
				} else
					break;
			}
			if (names > 0 && k < L->nt && k == j + (size_t)names &&
			    adjacent(L, k - 1, k, 1) &&
			    (fixed_class(L, k, FX_STREET) ||
			    fixed_class(L, k, FX_STREET_WEAK)) &&
			    ((TFL(L, k) & TF_CAP) || (lowname &&
			    L->t[k].len > 3))) {
				add(L, K_ADDRESS, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
		}
		/* Names and a strong suffix: "Elm St", "5th Ave". */
		if ((TFL(L, i) & TF_CAP) && fixed_class(L, i, FX_STREET) &&
		    i > 0 && adjacent(L, i - 1, i, 1)) {
			int	 sdot = 0;

			/* "St. Louis", "Dr. Smith": a title, not a street. */
			if ((tok_is(L, i, "St") || tok_is(L, i, "Dr")) &&
			    i + 1 < L->nt && adjacent(L, i, i + 1, 1) &&
			    (TFL(L, i + 1) & TF_CAP))
				sdot = 1;
			first = i;
			for (k = i; k > 0 && i - k < 3; k--) {
				size_t	 w = k - 1;

				if (!adjacent(L, w, k, 1))
					break;
				if (!((TFL(L, w) & TF_CAP) || ordinal_word(L,
				    w)) || fixed_class(L, w, FX_STOP) ||
				    tok_is(L, w, "State") ||
				    tok_is(L, w, "County") ||
				    tok_is(L, w, "Interstate"))
					break;
				first = w;
				if (TFL(L, w) & TF_START)
					break;
			}
			if (first < i && !sdot)
				add(L, K_ADDRESS, TOFF(L, first), TEND(L, i));
		}
		/*
		 * Road numbers: "Highway 101", "route 66", "I-95"; in small
		 * letters only highway, route and interstate.
		 */
		if (fixed_class(L, i, FX_ROAD) && i + 1 < L->nt &&
		    ((TFL(L, i) & TF_CAP) || tok_is(L, i, "highway") ||
		    tok_is(L, i, "route") || tok_is(L, i, "interstate")) &&
		    adjacent(L, i, i + 1, 0) && (TFL(L, i + 1) & TF_DIGIT) &&
		    digits_at(L->m, L->len, TOFF(L, i + 1)) > 0 &&
		    digits_at(L->m, L->len, TOFF(L, i + 1)) <= 4 &&
		    !fixed_class(L, i + 2, FX_MEASURE)) {
			first = i;
			if (i > 0 && adjacent(L, i - 1, i, 0) &&
			    (TFL(L, i - 1) & TF_CAP) &&
			    (tok_is(L, i - 1, "State") ||
			    tok_is(L, i - 1, "County") ||
			    tok_is(L, i - 1, "Farm") ||
			    tok_is(L, i - 1, "US") ||
			    tok_is(L, i - 1, "Ranch")))
				first = i - 1;
			add(L, K_ADDRESS, TOFF(L, first), TEND(L, i + 1));
			i++;
			continue;
		}
		if ((TFL(L, i) & TF_UPPER) && (TFL(L, i) & TF_DIGIT)) {
			const char	*s = L->m + TOFF(L, i);
			size_t		 n = L->t[i].len, h;

			for (h = 0; h < n && s[h] != '-'; h++)
				;
			if (h < n && h <= 3 && digits_at(s, n, h + 1) > 0 &&
			    (memcmp(s, "US-", 3) == 0 ||
			    memcmp(s, "SR-", 3) == 0 ||
			    memcmp(s, "CR-", 3) == 0 ||
			    memcmp(s, "FM-", 3) == 0)) {
				add(L, K_ADDRESS, TOFF(L, i), TEND(L, i));
				continue;
			}
		}
		if (L->t[i].len > 2 && L->m[TOFF(L, i)] == 'I' &&
		    L->m[TOFF(L, i) + 1] == '-' &&
		    digits_at(L->m, L->len, TOFF(L, i) + 2) ==
		    L->t[i].len - 2) {
			add(L, K_ADDRESS, TOFF(L, i), TEND(L, i));
			continue;
		}
		/* Apartments and suites; PO boxes. */
		if (fixed_class(L, i, FX_APT) && i + 1 < L->nt &&
		    adjacent(L, i, i + 1, 1) && (((TFL(L, i + 1) & TF_DIGIT) &&
		    !fixed_class(L, i + 2, FX_MEASURE)) ||
		    (L->t[i + 1].len == 1 && (TFL(L, i + 1) & TF_CAP) &&
		    !tok_is(L, i + 1, "I") && !tok_is(L, i + 1, "A"))) &&
		    ((TFL(L, i) & TF_CAP) || tok_is(L, i, "apartment") ||
		    tok_is(L, i, "apt") || tok_is(L, i, "suite"))) {
			add(L, K_ADDRESS, TOFF(L, i), TEND(L, i + 1));
			i++;
			continue;
		}
		if ((tok_is(L, i, "PO") || (tok_is(L, i, "P") &&
		    i + 1 < L->nt && tok_is(L, i + 1, "O"))) &&
		    (TFL(L, i) & TF_CAP)) {
			j = tok_is(L, i, "PO") ? i + 1 : i + 2;
			if (j + 1 < L->nt && tok_is(L, j, "Box") &&
			    adjacent(L, j - 1, j, 1) && adjacent(L, j, j + 1,
			    0) && (TFL(L, j + 1) & TF_DIGIT)) {
				add(L, K_ADDRESS, TOFF(L, i), TEND(L, j + 1));
				i = j + 1;
			}
		}
	}
}

/*
 * The weekday before word i ("Friday the 14th", "Saturday, November
 * 29"): its index, or i.
 */
static size_t
weekday_before(const struct lint *L, size_t i)
{
	size_t	 p;

	if (i == 0 || !(TFL(L, i - 1) & TF_CAP) || !fixed_class(L, i - 1,
	    FX_WEEKDAY))
		return i;
	for (p = TEND(L, i - 1); p < TOFF(L, i); p++)
		if (L->m[p] != ' ' && L->m[p] != ',')
			return i;
	return i - 1;
}

/*
 * Dates with a day: "March 3", "3 March", "3rd of March", "the 14th",
 * holidays.  (Dates in digits are character patterns.)
 */
static void
rule_dates(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k;
	int			 nw;

	for (i = 0; i < L->nt; i++) {
		/* Month, optional "the", day, optional year. */
		if (month_word(L, i)) {
			j = i + 1;
			if (j < L->nt && tok_is(L, j, "the") &&
			    adjacent(L, i, j, 1))
				j++;
			if (j < L->nt && adjacent(L, j - 1, j, 1) &&
			    day_word(L, j, j > i + 1) &&
			    !(TOFF(L, j) > 0 && L->m[TEND(L, j)] == ':') &&
			    !fixed_class(L, j + 1, FX_MEASURE)) {
				k = j;
				/* ", 2024" */
				if (k + 1 < L->nt && (TFL(L, k + 1) & TF_NUM) &&
				    L->t[k + 1].len == 4 &&
				    TOFF(L, k + 1) - TEND(L, k) <= 2 &&
				    L->m[TEND(L, k)] == ',')
					k++;
				add(L, K_DATE, TOFF(L, weekday_before(L, i)),
				    TEND(L, k));
				i = k;
				continue;
			}
		}
		/* Day, optional "of", month. */
		if (day_word(L, i, 0) && i + 1 < L->nt && adjacent(L, i, i + 1,
		    0)) {
			j = i + 1;
			if (tok_is(L, j, "of") && j + 1 < L->nt &&
			    adjacent(L, j, j + 1, 0))
				j++;
			if (month_word(L, j) && (j > i + 1 ||
			    L->t[i].len <= 2 || day_word(L, i, 1))) {
				k = j;
				if (k + 1 < L->nt && (TFL(L, k + 1) & TF_NUM) &&
				    L->t[k + 1].len == 4 &&
				    adjacent(L, k, k + 1, 0))
					k++;
				add(L, K_DATE, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
		}
		/* "the 14th" on its own, or before "at", "of June"... */
		if (tok_is(L, i, "the") && i + 1 < L->nt &&
		    adjacent(L, i, i + 1, 0) && day_word(L, i + 1, 1)) {
			j = i + 1;
			/* "the 3rd of June": the day-first form, below. */
			if (j + 2 < L->nt && tok_is(L, j + 1, "of") &&
			    month_word(L, j + 2))
				continue;
			k = TEND(L, j);
			if (k >= L->len || j + 1 >= L->nt ||
			    strchr(".,;:!?)", L->m[k]) != NULL ||
			    (adjacent(L, j, j + 1, 0) && fixed_class(L, j + 1,
			    FX_DATEAFTER))) {
				k = weekday_before(L, i);
				add(L, K_DATE, TOFF(L, k < i ? k : j),
				    TEND(L, j));
				i = j;
				continue;
			}
		}
		/* Holidays. */
		if ((TFL(L, i) & TF_CAP) && (e = dict_match(L, &L->d->fixed,
		    i, &nw)) != NULL && e->cls == FX_HOLIDAY &&
		    e->mark == M_PLAIN) {
			add(L, K_DATE, TOFF(L, i), TEND(L, i + (size_t)nw - 1));
			i += (size_t)nw - 1;
		}
	}
}

/*
 * Badge, unit, case and report numbers: a context word ("badge", "Unit",
 * "case #", "CAD") and a word with a digit.
 */
static void
rule_numbers(struct lint *L)
{
	size_t	 i, j, p, end;
	int	 skips;

	for (i = 0; i < L->nt; i++) {
		if (!fixed_class(L, i, FX_NUMCTX) || (TFL(L, i) & TF_DIGIT))
			continue;
		/* "license plate" is the plate rule's. */
		if (i + 1 < L->nt && fixed_class(L, i + 1, FX_PLATECTX))
			continue;
		j = i + 1;
		for (skips = 0; j < L->nt && skips < 2 && adjacent(L, j - 1, j,
		    1) && (tok_is(L, j, "no") || tok_is(L, j, "number") ||
		    tok_is(L, j, "num") || tok_is(L, j, "nr") ||
		    tok_is(L, j, "was") || tok_is(L, j, "is") ||
		    fixed_class(L, j, FX_NUMCTX)); skips++)
			j++;
		if (j >= L->nt || !(TFL(L, j) & TF_DIGIT))
			continue;
		/* Only blanks, '#', ':' or the dot of "no." between. */
		for (p = TEND(L, j - 1), end = TOFF(L, j); p < end; p++)
			if (strchr(" \t\r\n#:", L->m[p]) == NULL &&
			    !(L->m[p] == '.' && p == TEND(L, j - 1) &&
			    (tok_is(L, j - 1, "no") || tok_is(L, j - 1, "nr") ||
			    tok_is(L, j - 1, "num"))))
				break;
		if (p < end)
			continue;
		/* "911", and quantities ("car 20 minutes"). */
		if (L->t[j].len == 3 && memcmp(L->m + TOFF(L, j), "911", 3) ==
		    0)
			continue;
		if (j + 1 < L->nt && fixed_class(L, j + 1, FX_MEASURE))
			continue;
		/* A number of several words: "CAD 24 118833". */
		end = j;
		while (end + 1 < L->nt && (TFL(L, end + 1) & TF_DIGIT) &&
		    TOFF(L, end + 1) == TEND(L, end) + 1 &&
		    strchr("-/", L->m[TEND(L, end)]) != NULL)
			end++;
		add(L, K_NUMBER, TOFF(L, i), TEND(L, end));
		i = end;
	}
}

/* Word i is a year, 1900-2099. */
static int
year_word(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);

	return (TFL(L, i) & TF_NUM) && L->t[i].len == 4 &&
	    ((s[0] == '1' && s[1] == '9') || (s[0] == '2' && s[1] == '0'));
}

/* Word i looks like a plate by itself: ABC-1234, ABC1234, 7ABC123. */
static size_t
plate_shape(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, a = 0, k;

	if (!(TFL(L, i) & TF_DIGIT) || (TFL(L, i) & TF_LOWER))
		return 0;
	for (k = 0; k < n; k++)
		if (islower((unsigned char)s[k]))
			return 0;
	while (a < n && isupper((unsigned char)s[a]))
		a++;
	/* ABC-1234, ABC1234, ABC-123 */
	if (a == 3 && ((n == 8 && s[3] == '-' && digits_at(s, n, 4) == 4) ||
	    (n == 7 && digits_at(s, n, 3) == 4) ||
	    (n == 7 && s[3] == '-' && digits_at(s, n, 4) == 3)))
		return 1;
	/* 7ABC123 */
	if (n == 7 && isdigit((unsigned char)s[0]) && isupper((unsigned
	    char)s[1]) && isupper((unsigned char)s[2]) &&
	    isupper((unsigned char)s[3]) && digits_at(s, n, 4) == 3)
		return 1;
	return 0;
}

/*
 * Vehicle plates: after "plate", "tag", "registration" (and a few
 * words), or in a common state format anywhere.
 */
static void
rule_plates(struct lint *L)
{
	size_t	 i, j, k, n, p;
	int	 skips, nw;

	for (i = 0; i < L->nt; i++) {
		if (plate_shape(L, i)) {
			add(L, K_PLATE, TOFF(L, i), TEND(L, i));
			continue;
		}
		/* ABC 1234 */
		if ((TFL(L, i) & TF_UPPER) && L->t[i].len == 3 &&
		    i + 1 < L->nt && (TFL(L, i + 1) & TF_NUM) &&
		    L->t[i + 1].len == 4 && TOFF(L, i + 1) == TEND(L, i) + 1 &&
		    L->m[TEND(L, i)] == ' ' && !fixed_class(L, i, FX_NUMCTX) &&
		    !year_word(L, i + 1) &&
		    !fixed_class(L, i, FX_ROAD) && !word_char(L->m, L->len,
		    TEND(L, i + 1)) && L->m[TEND(L, i + 1)] != '-' &&
		    !fixed_class(L, i + 2, FX_MEASURE)) {
			add(L, K_PLATE, TOFF(L, i), TEND(L, i + 1));
			i++;
			continue;
		}
		if (!fixed_class(L, i, FX_PLATECTX) &&
		    !((tok_is(L, i, "license") || tok_is(L, i, "licence")) &&
		    i + 1 < L->nt && fixed_class(L, i + 1, FX_PLATECTX)))
			continue;
		j = i + 1;
		for (skips = 0; j < L->nt && skips < 4 && adjacent(L, j - 1, j,
		    1); skips++) {
			if (fixed_class(L, j, FX_FILLER) || fixed_class(L, j,
			    FX_PLATECTX) || postal_word(L, j))
				j++;
			else if ((TFL(L, j) & TF_CAP) && state_word(L, j, &nw))
				j += (size_t)nw;
			else
				break;
		}
		if (j >= L->nt)
			continue;
		for (p = TEND(L, j - 1); p < TOFF(L, j); p++)
			if (strchr(" \t\r\n#:,\"'", L->m[p]) == NULL)
				break;
		if (p < TOFF(L, j) || (TFL(L, j) & TF_LOWER))
			continue;
		n = L->t[j].len;
		if (n < 2 || n > 8)
			continue;
		if (!(TFL(L, j) & TF_DIGIT) && !((TFL(L, j) & TF_UPPER) &&
		    n >= 4))
			continue;
		k = j;
		/* "ABC 1234" as two words */
		if (k + 1 < L->nt && L->t[k].len <= 4 && L->t[k + 1].len <= 4 &&
		    TOFF(L, k + 1) == TEND(L, k) + 1 && L->m[TEND(L, k)] ==
		    ' ' && ((TFL(L, k + 1) & TF_NUM) || (TFL(L, k + 1) &
		    TF_UPPER)))
			k++;
		if (fixed_class(L, k + 1, FX_MEASURE))
			continue;
		add(L, K_PLATE, TOFF(L, j), TEND(L, k));
		i = k;
	}
}

/*
 * Signature lines: "-- ", "Sent from my ...", "Get Outlook for ...",
 * and a closing ("Regards,") on its own line before a short line.
 */
static void
rule_signatures(struct lint *L)
{
	const char	*m = L->m;
	char		 w[LINT_KEY_MAX];
	size_t		 p, eol, a, b, q, qe, qa, qb, i;
	int		 lines;

	for (p = 0; p < L->len; p = eol + 1) {
		for (eol = p; eol < L->len && m[eol] != '\n'; eol++)
			;
		for (a = p; a < eol && (m[a] == ' ' || m[a] == '\t'); a++)
			;
		for (b = eol; b > a && isspace((unsigned char)m[b - 1]); b--)
			;
		if (a == b)
			continue;
		if (b - a >= 2 && m[a] == '-' && m[a + 1] == '-' &&
		    (b - a == 2 || m[a + 2] == ' ')) {
			add(L, K_SIGNATURE, a, b);
			continue;
		}
		for (i = a; i + 12 <= b; i++)
			if ((strncasecmp(m + i, "sent from my", 12) == 0 ||
			    strncasecmp(m + i, "get outlook for", 15) == 0) &&
			    (i == a || !isalnum((unsigned char)m[i - 1]))) {
				add(L, K_SIGNATURE, i, b);
				break;
			}
		if (i + 12 <= b)
			continue;
		/* "Regards," alone on its line */
		qe = b;
		if (strchr(",!.", m[qe - 1]) != NULL)
			qe--;
		if (qe <= a || qe - a >= sizeof(w))
			continue;
		for (i = 0; i < qe - a; i++)
			w[i] = (char)tolower((unsigned char)m[a + i]);
		w[i] = '\0';
		{
			struct ref	 k, *r;
			int		 closing = 0;

			k.key = w;
			r = bsearch(&k, L->d->fixed.lower, L->d->fixed.nlower,
			    sizeof(*r), refcmp);
			if (r != NULL) {
				while (r > L->d->fixed.lower &&
				    strcmp(r[-1].key, w) == 0)
					r--;
				for (; r < L->d->fixed.lower +
				    L->d->fixed.nlower && strcmp(r->key, w) ==
				    0; r++)
					if (r->e->cls == FX_CLOSING)
						closing = 1;
			}
			if (!closing)
				continue;
		}
		/* The next line with text, at most one blank line on. */
		q = eol + 1;
		for (lines = 0; q < L->len && lines < 2; lines++) {
			for (qe = q; qe < L->len && m[qe] != '\n'; qe++)
				;
			for (qa = q; qa < qe && isspace((unsigned char)m[qa]);
			    qa++)
				;
			if (qa < qe)
				break;
			q = qe + 1;
		}
		if (q >= L->len) {
			/* The last line of all: a closing if it has a comma. */
			if (m[b - 1] == ',')
				add(L, K_SIGNATURE, a, b);
			continue;
		}
		for (qe = q; qe < L->len && m[qe] != '\n'; qe++)
			;
		for (qa = q; qa < qe && isspace((unsigned char)m[qa]); qa++)
			;
		for (qb = qe; qb > qa && isspace((unsigned char)m[qb - 1]);
		    qb--)
			;
		if (qa < qb && qb - qa <= 40 && isupper((unsigned char)m[qa]) &&
		    m[qb - 1] != '.' && m[qb - 1] != ':')
			add(L, K_SIGNATURE, a, b);
	}
}

/*
 * Every bidirectional control in the file itself (not the mask: the
 * front matter and brackets too), one finding each.
 */
static void
rule_bidi(struct lint *L)
{
	long	 off;
	size_t	 p = 0;

	while (p < L->len && (off = utf8_find_bidi(L->text + p,
	    L->len - p)) >= 0) {
		p += (size_t)off;
		add(L, K_BIDI, p, p + 3);	/* each is 3 bytes */
		p += 3;
	}
}

static int
fcmp(const void *a, const void *b)
{
	const struct finding	*x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * The text of a finding as printed: blanks (newlines too) as one space,
 * control characters and bidirectional controls as '?', at most
 * LINT_SHOW_MAX bytes.  A bidi finding is the control's code point and
 * name.
 */
static void
show(struct buf *out, const char *s, size_t off, size_t end, enum kind k)
{
	uint32_t	 cp;
	size_t		 i;
	int		 space = 0;

	buf_reset(out);
	if (k == K_BIDI) {
		if (utf8_decode(&cp, s + off, end - off) > 0)
			buf_printf(out, "U+%04X %s", (unsigned int)cp,
			    field_bidi_name(cp));
		return;
	}
	for (i = off; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xe2 && end - i >= 3 && utf8_decode(&cp, s + i,
		    end - i) == 3 && utf8_is_bidi(cp)) {
			c = '?';
			i += 2;
		}

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && out->len > 0)
			buf_addch(out, ' ');
		space = 0;
		if (out->len >= LINT_SHOW_MAX && (c & 0xc0) != 0x80) {
			buf_addstr(out, "...");
			break;
		}
		buf_addch(out, c < 0x20 || c == 0x7f ? '?' : c);
	}
}

int
lint_file(const char *path, const struct lint_accept *acc, size_t nacc,
    FILE *out, size_t *found)
{
	/*
	 * The word lists, read at the first call and kept for the life of
	 * the program (approve lints many files).  XXX A file-scope cache:
	 * fine in this one-shot program, not in lib/.
	 */
	static struct ldata	*data;
	struct lint		 L;
	struct buf		 b = BUF_INIT, s = BUF_INIT;
	unsigned long		 line = 1, col = 1;
	size_t			 i, k, pos = 0, maxend = 0;
	int			 r, rc = -1;

	*found = 0;
	memset(&L, 0, sizeof(L));
	if ((r = file_read(&b, path, LINT_FILE_MAX)) != 0) {
		if (r == NM_ENOTFOUND)
			log_warnx("%s: no such file", path);
		goto out;
	}
	if (data == NULL) {
		data = xcalloc(1, sizeof(*data));
		if (data_load(data) == -1) {
			free(data);
			data = NULL;
			goto out;
		}
	}
	L.d = data;
	L.text = b.data;
	L.len = b.len;
	L.m = xmalloc(b.len + 1);
	memcpy(L.m, b.data, b.len + 1);
	/* A NUL is no text: a blank. */
	for (i = 0; i < L.len; i++)
		if (L.m[i] == '\0' || L.m[i] == BOUNDARY)
			L.m[i] = ' ';
	mask_front_matter(&L);
	mask_brackets(&L);
	tokenize(&L);
	scan_chars(&L);
	rule_numbers(&L);
	rule_plates(&L);
	rule_addresses(&L);
	rule_dates(&L);
	rule_agencies(&L);
	rule_places(&L);
	rule_titles(&L);
	rule_names(&L);
	rule_name_memory(&L);
	rule_signatures(&L);
	rule_bidi(&L);
	if (L.nf > 0)
		qsort(L.f, L.nf, sizeof(*L.f), fcmp);
	for (i = 0; i < L.nf; i++) {
		/*
		 * Inside a longer finding already printed: skip; but never
		 * a bidi control, wherever it is.
		 */
		if (L.f[i].kind != K_BIDI) {
			if (L.f[i].end <= maxend)
				continue;
			maxend = L.f[i].end;
		}
		for (; pos < L.f[i].off; pos++) {
			if (L.text[pos] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)L.text[pos] & 0xc0) != 0x80)
				col++;
		}
		show(&s, L.text, L.f[i].off, L.f[i].end, L.f[i].kind);
		for (k = 0; k < nacc && L.f[i].kind != K_BIDI; k++)
			if (strcmp(acc[k].kind, kind_names[L.f[i].kind]) == 0 &&
			    strcmp(acc[k].text, s.data) == 0)
				break;
		if (k < nacc && L.f[i].kind != K_BIDI)
			continue;
		(*found)++;
		fprintf(out, "%s:%lu:%lu: %s: %s\n", path, line, col,
		    kind_names[L.f[i].kind], s.data);
	}
	rc = 0;
out:
	free(L.m);
	free(L.t);
	free(L.f);
	buf_free(&b);
	buf_free(&s);
	return rc;
}

static void
lint_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review lint [--accept KIND:TEXT ...] "
	    "FILE ...\n");
}

/*
 * Exit: 0 no finding, 1 findings, 2 usage, 3 a file or the data could
 * not be read (the other files are still checked).
 */
int
review_lint(int argc, char *argv[])
{
	enum { OPT_ACCEPT = 256 };
	static const struct option longopts[] = {
		{ "accept", required_argument, NULL, OPT_ACCEPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct lint_accept	*acc = NULL;
	size_t			 nacc = 0, found, total = 0, k;
	char			*colon;
	int			 ch, i, rc = 2, errors = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ACCEPT:
			if ((colon = strchr(optarg, ':')) == NULL ||
			    colon[1] == '\0') {
				log_warnx("--accept %s: expected KIND:TEXT",
				    optarg);
				goto out;
			}
			for (k = 0; k < K__MAX; k++)
				if (strlen(kind_names[k]) ==
				    (size_t)(colon - optarg) &&
				    strncmp(optarg, kind_names[k],
				    (size_t)(colon - optarg)) == 0)
					break;
			if (k == K__MAX) {
				log_warnx("--accept %s: unknown kind (email, "
				    "url, ip, phone, date, number, plate, "
				    "address, agency, place, name, signature)",
				    optarg);
				goto out;
			}
			if (k == K_BIDI) {
				log_warnx("--accept %s: %s", optarg,
				    LINT_BIDI_NOACCEPT);
				goto out;
			}
			acc = xreallocarray(acc, nacc + 1, sizeof(*acc));
			acc[nacc].kind = kind_names[k];
			acc[nacc].text = colon + 1;
			nacc++;
			break;
		case 'h':
			lint_usage(stdout);
			rc = 0;
			goto out;
		default:
			lint_usage(stderr);
			goto out;
		}
	}
	if (optind == argc) {
		lint_usage(stderr);
		goto out;
	}
	for (i = optind; i < argc; i++) {
		if (lint_file(argv[i], acc, nacc, stdout, &found) == -1)
			errors++;
		else
			total += found;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		errors++;
	}
	if (errors)
		rc = LINT_EXIT_ERROR;
	else
		rc = total > 0 ? 1 : 0;
out:
	free(acc);
	return rc;
}
