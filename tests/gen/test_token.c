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
 * Unit tests of gen/token.c: folding, word splits, stems and stop words,
 * positions for phrases, hostile input and its caps, synonym groups both
 * ways, and a report's plain text per field.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "harness.h"
#include "report.h"
#include "token.h"

#define INI								\
	"[site]\n"							\
	"title = T\n"							\
	"base_url = https://x.example/\n"				\
	"[incident_type]\n"						\
	"other = Other\n"						\
	"[contributing_factors]\n"					\
	"fatigue = Fatigue\n"						\
	"[loss_potential]\n"						\
	"death = Death\n"						\
	"[synonyms]\n"							\
	"ois = OIS, officer-involved shooting\n"			\
	"k9 = K9, canine, police dog\n"					\
	"pursuit = pursuit, chase\n"					\
	"cew = CEW, TASER, conducted energy weapon\n"			\
	"vest = vest, body armor\n"

static struct tokenizer	*tk;

/*
 * Tokenizes s (len bytes, or strlen(s) if len is -1) into a fresh
 * list and returns its words (or stems) joined by spaces, with "+" after
 * a stop word and "!" after a cut one, in a static buffer.
 */
static const char *
words(const char *s, long len, int stems)
{
	static struct buf	 out = BUF_INIT;
	struct toklist		 l = TOKLIST_INIT;
	size_t			 i;

	buf_reset(&out);
	if (tok_text(&l, tk, "t", s, len < 0 ? strlen(s) : (size_t)len) !=
	    0)
		buf_addstr(&out, "ERROR");
	for (i = 0; i < l.n; i++) {
		if (i > 0)
			buf_addch(&out, ' ');
		buf_addstr(&out, stems ? tok_stem(&l, &l.v[i]) :
		    tok_word(&l, &l.v[i]));
		if (l.v[i].flags & TOK_STOP)
			buf_addch(&out, '+');
		if (l.v[i].flags & TOK_CUT)
			buf_addch(&out, '!');
		/* Positions are consecutive. */
		if (l.v[i].pos != i)
			buf_addstr(&out, "(BADPOS)");
	}
	toklist_free(&l);
	return out.data;
}

#define WORDS(s, want)	STR_EQ(words((s), -1, 0), (want))
#define STEMS(s, want)	STR_EQ(words((s), -1, 1), (want))

/*
 * 1 if the stems of phrase occur in l at consecutive positions (the
 * check a phrase query makes on the index's positions).
 */
static int
has_phrase(const struct toklist *l, const char *phrase)
{
	struct toklist	 q = TOKLIST_INIT;
	size_t		 i, j, k;
	int		 found = 0;

	tok_text(&q, tk, "q", phrase, strlen(phrase));
	for (i = 0; i < l->n && !found && q.n > 0; i++) {
		if (strcmp(tok_stem(l, &l->v[i]), tok_stem(&q, &q.v[0])) != 0)
			continue;
		for (j = 1; j < q.n; j++) {
			for (k = 0; k < l->n; k++)
				if (l->v[k].pos == l->v[i].pos + j &&
				    !(l->v[k].flags & TOK_SYN) &&
				    strcmp(tok_stem(l, &l->v[k]),
				    tok_stem(&q, &q.v[j])) == 0)
					break;
			if (k == l->n)
				break;
		}
		if (j == q.n)
			found = 1;
	}
	toklist_free(&q);
	return found;
}

/* The synonym terms of text, "term@pos/nwords" joined by spaces. */
static const char *
syns(const struct tok_syn *s, const char *text)
{
	static struct buf	 out = BUF_INIT;
	struct toklist		 l = TOKLIST_INIT;
	size_t			 i;

	buf_reset(&out);
	tok_text(&l, tk, "t", text, strlen(text));
	tok_syn_apply(s, &l);
	for (i = 0; i < l.n; i++)
		if (l.v[i].flags & TOK_SYN) {
			if (out.len > 0)
				buf_addch(&out, ' ');
			buf_printf(&out, "%s@%u/%u", tok_stem(&l, &l.v[i]),
			    l.v[i].pos, l.v[i].nwords);
		}
	toklist_free(&l);
	return out.data;
}

static void
test_words(void)
{
	WORDS("", "");
	WORDS("  ,.;  ", "");
	WORDS("Hello, World!", "hello world");
	/* Numbers are words; letters and digits part; hyphens split. */
	WORDS("10-33 at 0300", "10 33 at+ 0300");
	WORDS("I-95 i95 2nd", "i+ 95 i+ 95 2 nd");
	WORDS("officer-involved", "officer involved");
	/* Apostrophes inside words are dropped, at the ends not. */
	WORDS("driver's", "drivers");
	WORDS("the drivers' cars", "the+ drivers cars");
	WORDS("O\xe2\x80\x99" "Brien said 'stop'", "obrien said stop");
	WORDS("don't DON\xca\xbcT", "dont+ dont+");
	WORDS("rock 'n' roll", "rock n roll");
	WORDS("'''", "");
}

static void
test_fold(void)
{
	WORDS("Caf\xc3\xa9 \xc3\x91" "and\xc3\xba", "cafe nandu");
	WORDS("Stra\xc3\x9f" "e STRASSE", "strasse strasse");
	WORDS("\xc3\x86sir \xc5\x92uvre \xc3\xbeorn \xc4\xb2sselmeer",
	    "aesir oeuvre thorn ijsselmeer");
	WORDS("na\xc3\xafve \xc5\x81\xc3\xb3" "d\xc5\xba \xc5\xbf",
	    "naive lodz s");
	/* Decomposed: e + COMBINING ACUTE ACCENT. */
	WORDS("cafe\xcc\x81 re\xcc\x81sume\xcc\x81", "cafe resume");
	/* Soft hyphen and zero-width joiner inside a word are dropped. */
	WORDS("pur\xc2\xads\xe2\x80\x8duit", "pursuit");
	/* Greek and Cyrillic capitals lowercased; CJK kept. */
	WORDS("\xce\x91\xce\x92\xce\x93 \xd0\x9f\xd0\xbe\xd0\xbb",
	    "\xce\xb1\xce\xb2\xce\xb3 \xd0\xbf\xd0\xbe\xd0\xbb");
	WORDS("\xe8\xad\xa6\xe5\xaf\x9f", "\xe8\xad\xa6\xe5\xaf\x9f");
	/* Fullwidth ASCII. */
	WORDS("\xef\xbc\xab\xef\xbc\x99", "k 9");
	/* Symbols, emoji, dashes and the multiplication sign separate. */
	WORDS("a\xc3\x97" "b c\xe2\x80\x94" "d e\xf0\x9f\x9a\x93" "f",
	    "a+ b c d e f");
	WORDS("a\xc2\xa0" "b", "a+ b");
}

static void
test_stems(void)
{
	STEMS("pursuit pursuits pursuing", "pursuit pursuit pursuit");
	STEMS("Pursuits, PURSUING", "pursuit pursuit");
	STEMS("officer-involved shooting", "offic involv shoot");
	STEMS("drivers driving driven drove", "driver drive driven drive");
	/* Irregular forms Snowball leaves apart, merged. */
	STEMS("shot shoots shooting", "shoot shoot shoot");
	STEMS("pursue pursued pursuer", "pursuit pursuit pursuit");
	STEMS("fled flees fleeing", "flee flee flee");
	/* Stems of folded words. */
	STEMS("D\xc3\xa9tained", "detain");
	/* A number keeps itself. */
	STEMS("1999", "1999");
}

static void
test_stop(void)
{
	struct toklist	 l = TOKLIST_INIT;
	const char	*t = "He was shot in the vest, not the face.";

	WORDS("shot in the vest", "shot in+ the+ vest");
	/* Contractions that are words are not stop words. */
	WORDS("she'll he'll shell ill id well", "shell hell shell ill id "
	    "well");
	WORDS("I'm we're they've", "im+ were+ theyve+");
	OK(tok_is_stop("the"));
	OK(tok_is_stop("ourselves"));
	OK(!tok_is_stop("shell"));
	OK(!tok_is_stop("vest"));
	OK(!tok_is_stop(""));
	/* Flagged, not dropped: the positions of a phrase hold. */
	INT_EQ(tok_text(&l, tk, "t", t, strlen(t)), 0);
	INT_EQ(l.n, 9);
	OK(has_phrase(&l, "shot in the vest"));
	OK(has_phrase(&l, "shooting in the vests"));
	OK(!has_phrase(&l, "shot the vest"));
	OK(!has_phrase(&l, "shot in the face"));
	OK(has_phrase(&l, "not the face"));
	if (l.n == 9) {
		INT_EQ(l.v[4].pos, 4);
		INT_EQ(l.v[4].off, 15);
		INT_EQ(l.v[4].len, 3);
		OK(l.v[4].flags & TOK_STOP);
		INT_EQ(l.v[5].off, 19);
		INT_EQ(l.v[5].len, 4);
		STR_EQ(tok_word(&l, &l.v[5]), "vest");
	}
	/* A second text on the same list goes on counting positions. */
	INT_EQ(tok_text(&l, tk, "t", "again", 5), 0);
	INT_EQ(l.n, 10);
	INT_EQ(l.n == 10 ? l.v[9].pos : 0, 9);
	toklist_reset(&l);
	INT_EQ(tok_text(&l, tk, "t", "again", 5), 0);
	INT_EQ(l.n == 1 ? l.v[0].pos : 99, 0);
	toklist_free(&l);
}

/* K9, K-9 and k 9 meet; so do the synonyms, both ways. */
static void
test_synonyms(void)
{
	static const char ini[] = INI;
	struct config	 c;
	struct tok_syn	*s = NULL;
	const struct tok_syn_ent *e;
	struct toklist	 q = TOKLIST_INIT;
	size_t		 n, i, nw;

	WORDS("K9 K-9 k 9", "k 9 k 9 k 9");
	INT_EQ(config_parse(&c, "t.ini", ini, sizeof(ini) - 1), 0);
	INT_EQ(tok_syn_new(&s, tk, &c, "t.ini"), 0);
	if (s == NULL)
		return;
	e = tok_syn_table(s, &n);
	/* Sorted by key; every phrase of a group maps to its term. */
	INT_EQ(n, 12);
	for (i = 1; i < n; i++)
		OK(strcmp(e[i - 1].key, e[i].key) < 0);
	for (i = 0; i < n; i++)
		if (strcmp(e[i].key, "offic involv shoot") == 0) {
			STR_EQ(e[i].term, "~ois");
			INT_EQ(e[i].nwords, 3);
		}
	STR_EQ(syns(s, "An OIS at night"), "~ois@1/1");
	STR_EQ(syns(s, "the officer-involved shooting"), "~ois@1/3");
	STR_EQ(syns(s, "Officer Involved Shootings."), "~ois@0/3");
	STR_EQ(syns(s, "officer involved in a shooting"), "");
	STR_EQ(syns(s, "K9 K-9 k 9 canines police dogs"),
	    "~k9@0/2 ~k9@2/2 ~k9@4/2 ~k9@6/1 ~k9@7/2");
	STR_EQ(syns(s, "a chase, then pursuits; chasing"),
	    "~pursuit@1/1 ~pursuit@3/1 ~pursuit@4/1");
	STR_EQ(syns(s, "TASERs and conducted energy weapons"),
	    "~cew@0/1 ~cew@2/3");
	STR_EQ(syns(s, "shot in the body armor"), "~vest@3/2");
	/* The query side: what was typed maps to the same term. */
	tok_text(&q, tk, "q", "ois", 3);
	STR_EQ(tok_syn_match(s, &q, 0, &nw), "~ois");
	toklist_reset(&q);
	tok_text(&q, tk, "q", "Officer involved shooting", 25);
	STR_EQ(tok_syn_match(s, &q, 0, &nw), "~ois");
	INT_EQ(nw, 3);
	OK(tok_syn_match(s, &q, 1, &nw) == NULL);
	toklist_free(&q);
	tok_syn_free(s);
	tok_syn_free(NULL);
	config_free(&c);

	/* Phrases of two groups that fold and stem alike. */
	{
		static const char bad[] = INI "chases = chases\n"
		    "blank = -'-\n";
		const char	*err;

		INT_EQ(config_parse(&c, "t.ini", bad, sizeof(bad) - 1), 0);
		cap_start();
		s = (struct tok_syn *)&c;
		INT_EQ(tok_syn_new(&s, tk, &c, "t.ini"), -1);
		err = cap_end();
		OK(s == NULL);
		STR_EQ(err, "t.ini:17: [synonyms]: blank: \"-'-\" has no "
		    "words or more than 8\n"
		    "t.ini:16: [synonyms]: chases: a phrase is \"chase\" when "
		    "folded and stemmed, as one of pursuit is\n");
		config_free(&c);
	}
}

/* Invalid UTF-8, NULs, giant words and the size cap. */
static void
test_hostile(void)
{
	struct toklist	 l = TOKLIST_INIT;
	char		*big;
	const char	*err;
	size_t		 n = 1024 * 1024, i;

	WORDS("\xff\xfe" "ab\xc3(cd\xed\xa0\x80" "ef\xf4\x90\x80\x80" "gh",
	    "ab cd ef gh");
	STR_EQ(words("ab\0cd\0\0", 7, 0), "ab cd");
	/* Truncated sequence at the end. */
	WORDS("ab\xe2\x80", "ab");
	/* A 1 MB word is cut to 64 bytes, not dropped. */
	big = malloc(n + 8);
	OK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'a', n);
	memcpy(big + n, " end", 4);
	INT_EQ(tok_text(&l, tk, "t", big, n + 4), 0);
	INT_EQ(l.n, 2);
	if (l.n == 2) {
		INT_EQ(strlen(tok_word(&l, &l.v[0])), TOK_WORD_MAX);
		OK(l.v[0].flags & TOK_CUT);
		INT_EQ(l.v[0].len, n);
		INT_EQ(l.v[1].pos, 1);
		INT_EQ(l.v[1].off, n + 1);
		STR_EQ(tok_word(&l, &l.v[1]), "end");
		OK(!(l.v[1].flags & TOK_CUT));
	}
	/* Cut at a character boundary: 21 three-byte characters. */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "\xe8\xad\xa6", 3);
	toklist_reset(&l);
	INT_EQ(tok_text(&l, tk, "t", big, i), 0);
	INT_EQ(l.n, 1);
	INT_EQ(l.n == 1 ? strlen(tok_word(&l, &l.v[0])) : 0, 63);
	/* Two-byte letters folded to one: 64 of them. */
	for (i = 0; i + 2 <= n; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	toklist_reset(&l);
	INT_EQ(tok_text(&l, tk, "t", big, i), 0);
	INT_EQ(l.n, 1);
	OK(l.n == 1 && strspn(tok_word(&l, &l.v[0]), "e") == 64);
	/* 1 MB of alternating letters and digits: a word per byte. */
	for (i = 0; i < n; i++)
		big[i] = i % 2 ? '7' : 'x';
	toklist_reset(&l);
	INT_EQ(tok_text(&l, tk, "t", big, n), 0);
	INT_EQ(l.n, n);
	/* 1 MB of NULs and invalid bytes: nothing. */
	memset(big, 0, n / 2);
	memset(big + n / 2, 0xff, n / 2);
	toklist_reset(&l);
	INT_EQ(tok_text(&l, tk, "t", big, n), 0);
	INT_EQ(l.n, 0);
	free(big);
	/*
	 * 40,000 distinct words, so that the stem cache is emptied on the
	 * way: stems and stop flags stay right.
	 */
	{
		struct buf	 b = BUF_INIT;
		unsigned	 w;

		for (w = 0; w < 40000; w++)
			buf_printf(&b, "%c%c%c%cing the ", 'a' + w % 26,
			    'a' + w / 26 % 26, 'a' + w / 676 % 26,
			    'a' + w / 17576 % 26);
		buf_addstr(&b, "pursuing the shot");
		toklist_reset(&l);
		INT_EQ(tok_text(&l, tk, "t", b.data, b.len), 0);
		INT_EQ(l.n, 80003);
		if (l.n == 80003) {
			STR_EQ(tok_stem(&l, &l.v[80000]), "pursuit");
			OK(l.v[80001].flags & TOK_STOP);
			OK(!(l.v[80000].flags & TOK_STOP));
			STR_EQ(tok_stem(&l, &l.v[80002]), "shoot");
			STR_EQ(tok_word(&l, &l.v[79998]), "lehcing");
		}
		buf_free(&b);
		toklist_reset(&l);
		STEMS("pursuing", "pursuit");
	}
	/* Above the cap: an error, the list unchanged. */
	big = calloc(1, TOK_TEXT_MAX + 1);
	OK(big != NULL);
	if (big != NULL) {
		cap_start();
		INT_EQ(tok_text(&l, tk, "big", big, TOK_TEXT_MAX + 1), -1);
		err = cap_end();
		STR_EQ(err, tfmt("big: text longer than %d bytes\n",
		    TOK_TEXT_MAX));
		INT_EQ(l.n, 0);
		free(big);
	}
	toklist_free(&l);
}

/* The field weights: title highest. */
static void
test_fields(void)
{
	int	 i;

	for (i = 1; i < TF_MAX; i++)
		OK(tok_fields[TF_TITLE].weight > tok_fields[i].weight);
	STR_EQ(tok_fields[TF_LESSONS].name, "lessons");
}

int
main(void)
{
	int	 rc;

	tk = tok_new();
	test_words();
	test_fold();
	test_stems();
	test_stop();
	test_synonyms();
	test_hostile();
	test_fields();
	tok_free(tk);
	tok_free(NULL);
	rc = DONE("test_token");
	fflush(stdout);
	return rc;
}
