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
 * The one parser of "--accept KIND:TEXT", for lint and approve: a kind
 * that is no kind of finding is a usage error, so that a mistyped kind
 * never silently accepts nothing.
 */

#include <string.h>

#include "buf.h"
#include "lint.h"
#include "lint_int.h"
#include "log.h"

int
lint_accept_parse(struct lint_accept *out, const char *arg)
{
	struct buf	 kinds = BUF_INIT;
	const char	*colon;
	size_t		 k, n;

	if ((colon = strchr(arg, ':')) == NULL || colon == arg ||
	    colon[1] == '\0') {
		log_warnx("--accept %s: expected KIND:TEXT", arg);
		return -1;
	}
	n = (size_t)(colon - arg);
	for (k = 0; k < K__MAX; k++)
		if (strlen(lint_kind_names[k]) == n &&
		    strncmp(arg, lint_kind_names[k], n) == 0)
			break;
	if (k == K_BIDI) {
		log_warnx("--accept %s: %s", arg, LINT_BIDI_NOACCEPT);
		return -1;
	}
	if (k == K__MAX) {
		for (k = 0; k < K__MAX; k++)
			if (k != K_BIDI)
				buf_printf(&kinds, "%s%s", kinds.len > 0 ?
				    ", " : "", lint_kind_names[k]);
		log_warnx("--accept %s: unknown kind \"%.*s\" (the kinds: "
		    "%s)", arg, (int)n, arg, kinds.data);
		buf_free(&kinds);
		return -1;
	}
	out->kind = lint_kind_names[k];
	out->text = colon + 1;
	return 0;
}
