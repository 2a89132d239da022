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
 * Golden tests: tests/gen/golden/<case>.md is rendered as a report page
 * with the small theme in tests/gen/golden/theme/ and compared with
 * <case>.html; when <case>.err exists the report must be refused with
 * exactly those messages.  "golden -u DIR" rewrites the expected files.
 */

#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "gen.h"
#include "harness.h"
#include "log.h"
#include "md.h"
#include "render.h"
#include "report.h"
#include "tmpl.h"

/*
 * Renders one case into ctx->page, with the render context the build's
 * workers use; messages go to stderr.
 */
static int
render_case(struct render *ctx, struct site *s, const char *name,
    const char *text, size_t len)
{
	struct report	 r;
	int		 rc = -1;

	render_reset(ctx);
	arena_reset(ctx->arena);
	if (report_parse(&r, &s->cfg, name, text, len) != 0)
		goto out;
	if (md_render_report(&ctx->md, name, r.body_line, r.body,
	    r.body_len) != 0)
		goto out;
	if (page_report(&ctx->page, s, ctx->arena, &r, ctx->narrative.data,
	    ctx->narrative.len, ctx->lessons.data, ctx->lessons.len,
	    ctx->comments.data, ctx->comments.len) != 0)
		goto out;
	rc = 0;
out:
	report_free(&r);
	return rc;
}

static void
compare(const char *what, const char *path, const struct buf *got,
    int update)
{
	struct buf	 want = BUF_INIT;

	if (update) {
		unlink(path);
		OK(file_write(path, got->data, got->len, 0644, 0) == 0);
		return;
	}
	if (file_read(&want, path, 1 << 20) != 0) {
		fprintf(stderr, "%s: cannot read %s\n", what, path);
		harness_fail++;
	} else if (want.len != got->len ||
	    memcmp(want.data, got->data, got->len) != 0) {
		fprintf(stderr, "%s: output differs from %s; got:\n%s\n",
		    what, path, got->data);
		harness_fail++;
	} else
		harness_pass++;
	buf_free(&want);
}

int
main(int argc, char *argv[])
{
	struct dirent	**ents = NULL;
	struct site	 s;
	struct gen_opts	 o;
	struct render	 ctx;
	struct buf	 ini = BUF_INIT, text = BUF_INIT, errs = BUF_INIT;
	char		 dir[PATH_MAX], path[PATH_MAX], errpath[PATH_MAX];
	char		 tmperr[] = "/tmp/golden-err-XXXXXX";
	size_t		 len;
	int		 n, i, update = 0, saved, fd, rc;

	if (argc > 1 && strcmp(argv[1], "-u") == 0) {
		update = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: golden [-u] dir\n");
		return 2;
	}
	log_init("golden", LOG_TO_STDERR);
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	o.path = "content";
	s.opts = &o;
	file_path(dir, sizeof(dir), "%s", argv[1]);
	file_path(path, sizeof(path), "%s/nearmiss.ini", dir);
	if (file_read(&ini, path, 1 << 20) != 0 ||
	    config_parse(&s.cfg, path, ini.data, ini.len) != 0)
		return 1;
	s.theme = tmpl_set_new();
	file_path(path, sizeof(path), "%s/theme", dir);
	if (tmpl_set_load(s.theme, path) != 0)
		return 1;
	if ((fd = mkstemp(tmperr)) == -1)
		return 1;
	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1)
		return 1;
	render_init(&ctx, arena_new());
	for (i = 0; i < n; i++) {
		len = strlen(ents[i]->d_name);
		if (len < 4 || strcmp(ents[i]->d_name + len - 3, ".md") != 0)
			continue;
		file_path(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		buf_reset(&text);
		buf_reset(&errs);
		if (file_read(&text, path, 1 << 20) != 0) {
			harness_fail++;
			continue;
		}
		/* Messages name the case file only, for stable output. */
		fflush(stderr);
		saved = dup(2);
		if (ftruncate(fd, 0) == -1)
			return 1;
		lseek(fd, 0, SEEK_SET);
		dup2(fd, 2);
		rc = render_case(&ctx, &s, ents[i]->d_name, text.data,
		    text.len);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		file_read(&errs, tmperr, 1 << 20);
		file_path(errpath, sizeof(errpath), "%.*s.err",
		    (int)(strlen(path) - 3), path);
		if (access(errpath, F_OK) == 0 || (update && rc != 0)) {
			OK(rc != 0);
			compare(ents[i]->d_name, errpath, &errs, update);
			continue;
		}
		OK(rc == 0);
		if (errs.len > 0)
			fprintf(stderr, "%s", errs.data);
		file_path(path, sizeof(path), "%s/%.*s.html", dir,
		    (int)(len - 3), ents[i]->d_name);
		compare(ents[i]->d_name, path, &ctx.page, update);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	close(fd);
	unlink(tmperr);
	tmpl_set_free(s.theme);
	config_free(&s.cfg);
	buf_free(&ini);
	arena_free(ctx.arena);
	render_free(&ctx);
	buf_free(&text);
	buf_free(&errs);
	return DONE("golden");
}
