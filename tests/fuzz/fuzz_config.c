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
 * Fuzz target for config_parse() (lib/config.c): content/nearmiss.ini,
 * which every program reads from the content repository, where anyone
 * who can push could have written it.  A file that parses must keep the
 * promises of lib/config.h: a base URL that ends with '/', counts in
 * their ranges, valid and distinct slugs with labels, synonym groups
 * within their caps, pins in week order with valid weeks.
 *
 * Seeds (corpus/config): the demo's content/nearmiss.ini, the fixtures'
 * nearmiss.ini files, and cut or damaged copies.
 *
 * With libFuzzer: flags and libraries as for fuzz_frontmatter in README,
 * and the sources tests/fuzz/fuzz_config.c and lib's.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check(const struct config *);

/* Aborts unless c holds what config_parse() promises. */
static void
check(const struct config *c)
{
	size_t	 t, i, k;
	int	 y, m, d;

	if (c->base_url == NULL || *c->base_url == '\0' ||
	    c->base_url[strlen(c->base_url) - 1] != '/')
		abort();
	if (c->min_approvals < 1 || c->min_approvals > APPROVALS_MIN_MAX ||
	    c->min_count < 1 || c->min_count > 1000 || c->per_page < 1 ||
	    c->feed_items < 1 || c->home_items < 0)
		abort();
	for (t = 0; t < TAX_MAX; t++)
		for (i = 0; i < c->tax[t].nterms; i++) {
			if (!slug_valid(c->tax[t].terms[i].slug) ||
			    c->tax[t].terms[i].label == NULL ||
			    *c->tax[t].terms[i].label == '\0' ||
			    config_term(c, (enum tax_id)t,
			    c->tax[t].terms[i].slug) != (int)i)
				abort();
			for (k = 0; k < i; k++)
				if (strcmp(c->tax[t].terms[k].slug,
				    c->tax[t].terms[i].slug) == 0)
					abort();
		}
	if (c->nsyn > SYN_GROUPS_MAX)
		abort();
	for (i = 0; i < c->nsyn; i++)
		if (c->syn[i].nphrases > SYN_PHRASES_MAX)
			abort();
	if (c->npins > PINS_MAX)
		abort();
	for (i = 0; i < c->npins; i++) {
		if (c->pins[i].id == NULL ||
		    iso_monday(c->pins[i].week, &y, &m, &d) != 0 ||
		    iso_week(y, m, d) != c->pins[i].week ||
		    (i > 0 && c->pins[i - 1].week >= c->pins[i].week))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;

	memset(&c, 0, sizeof(c));
	if (config_parse(&c, "fuzz.ini", (const char *)data, size) == 0) {
		check(&c);
		config_free(&c);
	}
	return 0;
}
