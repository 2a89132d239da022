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
 * Fuzz target for the search tokenizer, gen/token.c: tok_text() with
 * the synonym groups applied, and on the plain text of the input as a
 * report body (md_render_report()'s text, what the index tokenizes).  Besides not crashing, it checks what the index writer
 * relies on: words 1 to TOK_WORD_MAX bytes of valid UTF-8 without
 * spaces, consecutive positions, spans inside the input.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "md.h"
#include "report.h"
#include "token.h"
#include "utf8.h"

#define INI								\
	"[site]\ntitle = T\nbase_url = https://x.example/\n"		\
	"[incident_type]\nother = Other\n"				\
	"[contributing_factors]\nfatigue = Fatigue\n"			\
	"[loss_potential]\ndeath = Death\n"				\
	"[synonyms]\n"							\
	"ois = OIS, officer-involved shooting\n"			\
	"k9 = K9, canine, police dog\n"					\
	"cew = CEW, TASER, conducted energy weapon\n"			\
	"dui = DUI, driving under the influence\n"			\
	"vest = vest, body armor\n"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_word(const char *);

/* Aborts unless w is 1 to TOK_WORD_MAX bytes of valid, spaceless UTF-8. */
static void
check_word(const char *w)
{
	size_t	 n = strlen(w), i;
	uint32_t cp;
	int	 l;

	if (n == 0 || n > TOK_WORD_MAX)
		abort();
	for (i = 0; i < n; i += (size_t)l)
		if ((l = utf8_decode(&cp, w + i, n - i)) == -1 ||
		    cp <= 0x20 || cp == '\'' || cp == '-')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tokenizer	*t;
	static struct tok_syn	*syn;
	static struct config	 cfg;
	struct toklist		 l = TOKLIST_INIT;
	struct buf		 text[MD_PARTS], html[MD_PARTS];
	struct md_report	 md;
	size_t			 i, nw;
	int			 f;

	if (t == NULL) {
		t = tok_new();
		if (config_parse(&cfg, "fuzz.ini", INI, sizeof(INI) - 1) !=
		    0 || tok_syn_new(&syn, t, &cfg, "fuzz.ini") != 0)
			abort();
	}
	if (tok_text(&l, t, "fuzz", (const char *)data, size) != 0) {
		if (size <= TOK_TEXT_MAX)
			abort();
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		check_word(tok_word(&l, &l.v[i]));
		if (l.v[i].pos != i || l.v[i].len == 0 ||
		    (size_t)l.v[i].off + l.v[i].len > size ||
		    *tok_stem(&l, &l.v[i]) == '\0')
			abort();
		if (tok_syn_match(syn, &l, i, &nw) != NULL &&
		    (nw == 0 || i + nw > l.n))
			abort();
	}
	nw = l.n;
	tok_syn_apply(syn, &l);
	for (i = nw; i < l.n; i++)
		if (!(l.v[i].flags & TOK_SYN) ||
		    tok_stem(&l, &l.v[i])[0] != '~' ||
		    (size_t)l.v[i].off + l.v[i].len > size)
			abort();

	/* The input as a report body. */
	for (f = 0; f < MD_PARTS; f++) {
		buf_init(&text[f]);
		buf_init(&html[f]);
	}
	md.narrative = &html[0];
	md.lessons = &html[1];
	md.comments = &html[2];
	md.text = text;
	if (md_render_report(&md, "fuzz", 1, (const char *)data, size) == 0)
		for (f = 0; f < MD_PARTS; f++) {
			toklist_reset(&l);
			if (tok_text(&l, t, "fuzz", text[f].data != NULL ?
			    text[f].data : "", text[f].len) != 0)
				abort();
		}
	for (f = 0; f < MD_PARTS; f++) {
		buf_free(&text[f]);
		buf_free(&html[f]);
	}
out:
	toklist_free(&l);
	return 0;
}
