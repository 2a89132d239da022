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
 * Fuzz target for the reader of OUTDIR.data, the list of reports whose
 * open data records wait for the next run (data_pending_read(), which an
 * incremental build runs on the file it finds beside the site).  The
 * input is the file.  What the reader accepts must be ids that
 * report_id_valid() takes, strictly in order, and written again
 * (data_pending_write()) give back the input byte for byte; what it
 * refuses must leave no ids.
 *
 * Seeds (corpus/datapend): a file as a build writes it, and damaged ones
 * named for what is wrong with them.
 *
 * With libFuzzer: as fuzz_related in README, with
 * tests/fuzz/fuzz_datapend.c instead.  It writes each input to OUTDIR.data
 * of a folder it makes in TMPDIR (default /tmp) and removes at exit.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "nm.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 top[PATH_MAX], in[PATH_MAX], out[PATH_MAX];

static void
cleanup(void)
{
	char	 p[PATH_MAX];

	if (file_path(p, sizeof(p), "%s.data", in) == 0)
		unlink(p);
	if (file_path(p, sizeof(p), "%s.data", out) == 0)
		unlink(p);
	rmdir(top);
}

/* The folder, once: TOP/in and TOP/out stand for two output folders. */
static void
setup(void)
{
	const char	*tmp;

	if (*top != '\0')
		return;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(top, sizeof(top), "%s/fuzz_datapend.XXXXXX", tmp) >=
	    (int)sizeof(top) || mkdtemp(top) == NULL)
		abort();
	if (file_path(in, sizeof(in), "%s/in", top) != 0 ||
	    file_path(out, sizeof(out), "%s/out", top) != 0)
		abort();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 again = BUF_INIT;
	char		 path[PATH_MAX], **ids;
	size_t		 n, i;
	int		 rc;

	setup();
	if (file_path(path, sizeof(path), "%s.data", in) != 0 ||
	    file_write(path, data, size, 0644, FILE_ATOMIC) != 0)
		abort();
	rc = data_pending_read(in, &ids, &n);
	if (rc != 0) {
		if (ids != NULL || n != 0)
			abort();
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!report_id_valid(ids[i]) ||
		    (i > 0 && strcmp(ids[i - 1], ids[i]) >= 0))
			abort();
	/* An empty list is written as no file at all. */
	if (n == 0)
		return 0;
	if (data_pending_write(out, ids, n, 0) != 0)
		abort();
	if (file_path(path, sizeof(path), "%s.data", out) != 0 ||
	    file_read(&again, path, 1 << 26) != 0 || again.len != size ||
	    memcmp(again.data, data, size) != 0)
		abort();
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	buf_free(&again);
	return 0;
}
