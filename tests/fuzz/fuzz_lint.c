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
 * Fuzz target for the de-identification check, which reads drafts made
 * from submitters' own words, so its input is as hostile as an inbox
 * item's text: lint_file() on a scratch file (the findings go to
 * /dev/null), then lint_text() on the same bytes, whose findings must
 * be as many, in text order, inside the text, with a line and a column.
 * Its word lists are found as the program finds them: $NEARMISS_DATA,
 * else ../data beside the binary (the build copies them there).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
	static const struct lint_accept	 acc[] = {
		{ "name", "Rivera" }, { "place", "Ohio" },
	};
	static struct lint_data		*data;
	struct lint_result		 r;
	char				 path[] = "/tmp/fuzz_lint.XXXXXX";
	FILE				*out;
	size_t				 found = (size_t)-1, off, i;
	ssize_t				 w;
	int				 fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = write(fd, bytes + off, size - off)) <= 0)
			abort();
	close(fd);
	if ((out = fopen("/dev/null", "w")) == NULL)
		abort();
	/* A file that can be read is checked: never -1, a count set. */
	if (lint_file(path, acc, 2, out, &found) != 0 || found == (size_t)-1)
		abort();
	/* The same bytes give the same count (the word lists are cached). */
	{
		size_t	 again = (size_t)-1;

		if (lint_file(path, NULL, 0, out, &again) != 0 ||
		    again < found)
			abort();
	}
	fclose(out);
	unlink(path);
	/* The same check, without a file. */
	if (data == NULL && lint_data_load(&data, NULL) != 0)
		abort();
	lint_text(&r, data, (const char *)bytes, size, acc, 2);
	if (r.n != found)
		abort();
	for (i = 0; i < r.n; i++)
		if (r.v[i].off >= r.v[i].end || r.v[i].end > size ||
		    r.v[i].line < 1 || r.v[i].col < 1 || r.v[i].kind == NULL ||
		    r.v[i].text == NULL || (i > 0 && r.v[i].off <
		    r.v[i - 1].off))
			abort();
	lint_result_free(&r);
	return 0;
}
