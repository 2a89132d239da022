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
 * nm-reportcheck: a test tool for tests/review/draft.sh.  Checks a
 * report file as nearmiss-gen does (lib/report's front matter against
 * the taxonomy of INI, then lib/md's body rules) and prints every
 * problem as "path:line: what".
 *
 *	nm-reportcheck NEARMISS.INI REPORT.md
 *
 * Exit 0 if the report passes, 1 if not, 2 on a usage error.
 */

#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "log.h"
#include "md.h"
#include "report.h"

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct report	 r;
	struct buf	 ini = BUF_INIT, text = BUF_INIT;
	struct buf	 nb = BUF_INIT, lb = BUF_INIT, cb = BUF_INIT;
	struct md_report md = { .narrative = &nb, .lessons = &lb,
	    .comments = &cb };
	int		 rc = 1;

	log_init("nm-reportcheck", LOG_TO_STDERR);
	if (argc != 3) {
		fprintf(stderr, "usage: nm-reportcheck nearmiss.ini "
		    "report.md\n");
		return 2;
	}
	if (file_read(&ini, argv[1], 1024 * 1024) != 0 ||
	    config_parse(&cfg, argv[1], ini.data, ini.len) != 0)
		goto out;
	if (file_read(&text, argv[2], 1024 * 1024) != 0)
		goto done;
	if (report_parse(&r, &cfg, argv[2], text.data, text.len) == 0 &&
	    md_render_report(&md, argv[2], r.body_line, r.body,
	    r.body_len) == 0)
		rc = 0;
	report_free(&r);
done:
	config_free(&cfg);
out:
	buf_free(&ini);
	buf_free(&text);
	buf_free(&nb);
	buf_free(&lb);
	buf_free(&cb);
	return rc;
}
