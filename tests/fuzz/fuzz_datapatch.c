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
 * Fuzz target for the record splitter of an incremental build's open data
 * (data_split(), the reader data_patch() runs on the published
 * data/reports.json and data/reports.csv, which anyone who can write the
 * output folder can change).  The first byte of the input selects: bit 0
 * set, reports.json, else reports.csv; bits 1-7, the size of each read (0:
 * the build's, else 1 to 127 bytes, so that records cross reads).  The
 * rest is the file.  A JSON head is compared with HEAD below (a demo's
 * differs: the splitter then reads on, as the build does).
 *
 * What the splitter accepts must be what data_write() writes, and patched
 * with nothing changed give back the input: the head, each record (ids of
 * [-a-z0-9]{1,32}, strictly in order; JSON: '{"id": "ID"...}' on one
 * line; CSV: 'ID,...' up to the first CRLF outside quotes; no NUL in
 * either) joined as the build joins them, and the tail, must be the
 * input byte for byte.  The records' insides are not checked: the build
 * copies those of reports not read again as they are.
 *
 * Seeds (corpus/datapatch): json-demo and csv-demo are a byte and the
 * first three records of a demo build's files (nearmiss-gen -o DIR; the
 * JSON head is the demo's), json-small a byte and a hand-made small file
 * with HEAD; the others are damaged copies named for what is wrong with
 * them (the -blockN ones read N bytes at a time), and fuzz-* what
 * libFuzzer runs added.

 * With libFuzzer: as fuzz_related in README, with
 * tests/fuzz/fuzz_datapatch.c instead.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "nm.h"
#include "report.h"

#define HEAD		"{\n\"title\": \"t\",\n\"reports\": ["
#define JSON_TAIL	"\n]\n}\n"
#define JSON_ID		"{\"id\": \""

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What the splitter gave: the file, and the records so far. */
struct split {
	const uint8_t	*file;
	size_t		 size;
	int		 json;
	size_t		 n;
	char		 last[REPORT_ID_MAX + 1];
	struct buf	 again;		/* the records joined again */
};

static int	one(void *, const char *, uint64_t, size_t);

/* Aborts unless the record of id at [off, off + len) is as written. */
static int
one(void *arg, const char *id, uint64_t off, size_t len)
{
	struct split	*sp = arg;
	const uint8_t	*r;
	size_t		 n = strlen(id), i, pre;
	int		 quoted = 0;

	if (off > sp->size || len > sp->size - off || n == 0 ||
	    n > REPORT_ID_MAX || strspn(id, "-abcdefghijklmnopqrstuvwxyz"
	    "0123456789") != n || (sp->n > 0 && strcmp(sp->last, id) >= 0))
		abort();
	r = sp->file + off;
	/* data_write() writes no NUL: a damaged disk's zeros are not read. */
	if (memchr(r, '\0', len) != NULL)
		abort();
	if (sp->json) {
		pre = sizeof(JSON_ID) - 1;
		if (len < pre + n + 2 || memcmp(r, JSON_ID, pre) != 0 ||
		    memcmp(r + pre, id, n) != 0 || r[pre + n] != '"' ||
		    r[len - 1] != '}' || memchr(r, '\n', len) != NULL)
			abort();
		buf_addstr(&sp->again, sp->n > 0 ? ",\n" : "\n");
	} else {
		if (len < n + 3 || memcmp(r, id, n) != 0 || r[n] != ',' ||
		    r[len - 2] != '\r' || r[len - 1] != '\n')
			abort();
		/* One CRLF outside quotes: the last. */
		for (i = 0; i < len; i++)
			if (r[i] == '"')
				quoted = !quoted;
			else if (!quoted && r[i] == '\n' && i > 0 &&
			    r[i - 1] == '\r' && i != len - 1)
				abort();
		if (quoted)
			abort();
	}
	buf_add(&sp->again, r, len);
	memcpy(sp->last, id, n + 1);
	sp->n++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 fd = -1;
	struct split	 sp;
	struct buf	 head = BUF_INIT;
	const char	*tmp;
	char		 path[4096];
	size_t		 headlen, block;
	int		 rc;

	if (size == 0)
		return 0;
	if (fd == -1) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(path, sizeof(path), "%s/fuzz_datapatch.XXXXXX", tmp);
		if ((fd = mkstemp(path)) == -1 || unlink(path) == -1)
			abort();
	}
	memset(&sp, 0, sizeof(sp));
	sp.json = data[0] & 1;
	block = data[0] >> 1;
	sp.file = data + 1;
	sp.size = size - 1;
	buf_init(&sp.again);
	buf_addstr(&head, HEAD);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, sp.file, sp.size, 0) !=
	    (ssize_t)sp.size || lseek(fd, 0, SEEK_SET) == -1)
		abort();
	rc = data_split(fd, "reports", sp.json, &head, block, &headlen, one,
	    &sp);
	/* A regular file reads: accepted (1, or 0 for a JSON head) or not. */
	if (rc == -1 || (rc == 0 && !sp.json))
		abort();
	if (rc >= 0) {
		if (headlen > sp.size || (rc == 1 && sp.json &&
		    (headlen != head.len || memcmp(sp.file, head.data,
		    headlen) != 0)))
			abort();
		/* The CSV head: the header row, "id,...\r\n". */
		if (!sp.json && (headlen < 5 ||
		    memcmp(sp.file, "id,", 3) != 0 ||
		    memcmp(sp.file + headlen - 2, "\r\n", 2) != 0 ||
		    memchr(sp.file, '\n', headlen - 1) != NULL))
			abort();
		if (sp.json)
			buf_addstr(&sp.again, JSON_TAIL);
		if (headlen + sp.again.len != sp.size ||
		    memcmp(sp.file + headlen, sp.again.data,
		    sp.again.len) != 0)
			abort();
	}
	buf_free(&sp.again);
	buf_free(&head);
	return 0;
}
