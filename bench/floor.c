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
 * floor: the least work a static-site generator must do per report, as a
 * yardstick for nearmiss-gen.  Read every .md file under a directory, keep
 * the title and id of its front matter, render the body with cmark, wrap
 * it in a fixed page and write OUTDIR/<id>/index.html.  One thread; no
 * lists, feeds, taxonomies, search index, git or atomic writes.
 */

/* For d_type and PATH_MAX under -std=c17. */
#define _DEFAULT_SOURCE

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark.h>

#define FIELD_MAX	1024	/* longest title or id we keep */

struct stats {
	size_t	 pages;
	size_t	 bytes_in;
	size_t	 bytes_out;
};

static void	 field(const char *, const char *, const char *, char *,
		    size_t);
static void	 put_escaped(FILE *, const char *);
static void	 render(const char *, const char *, struct stats *);
static void	 walk(const char *, const char *, struct stats *);
static char	*slurp(const char *, size_t *);
static void	 usage(void);

/*
 * Copy the value of top-level key `key' from the front matter text
 * [fm, end) into out, without surrounding double quotes.  out is left
 * empty when the key is missing.
 */
static void
field(const char *fm, const char *end, const char *key, char *out,
    size_t sz)
{
	const char	*p, *v, *eol;
	size_t		 klen = strlen(key), n;

	out[0] = '\0';
	for (p = fm; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) <= klen + 1 ||
		    strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		v = p + klen + 1;
		while (v < eol && *v == ' ')
			v++;
		n = (size_t)(eol - v);
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
			v++;
			n -= 2;
		}
		if (n >= sz)
			n = sz - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return;
	}
}

static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			putc(*s, f);
			break;
		}
	}
}

/* Read the whole file; caller frees.  Exits on error. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		err(1, NULL);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1)
			err(1, "%s", path);
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
}

static void
render(const char *path, const char *out, struct stats *st)
{
	char		 title[FIELD_MAX], id[FIELD_MAX], dir[PATH_MAX];
	char		 file[PATH_MAX], *src, *body, *end, *html;
	const char	*base, *dot;
	size_t		 len;
	FILE		*f;
	long		 pos;

	src = slurp(path, &len);
	st->bytes_in += len;
	body = src;
	title[0] = id[0] = '\0';
	if (strncmp(src, "---\n", 4) == 0 &&
	    (end = strstr(src + 3, "\n---\n")) != NULL) {
		field(src + 4, end + 1, "title", title, sizeof(title));
		field(src + 4, end + 1, "id", id, sizeof(id));
		body = end + 5;
	}
	if (id[0] == '\0' || strchr(id, '/') != NULL || id[0] == '.') {
		/* No usable id: fall back to the file name. */
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		dot = strrchr(base, '.');
		snprintf(id, sizeof(id), "%.*s",
		    (int)(dot ? (size_t)(dot - base) : strlen(base)), base);
	}

	html = cmark_markdown_to_html(body, len - (size_t)(body - src),
	    CMARK_OPT_DEFAULT);
	if (html == NULL)
		errx(1, "%s: cmark failed", path);

	if (snprintf(dir, sizeof(dir), "%s/%s", out, id) >= (int)sizeof(dir) ||
	    snprintf(file, sizeof(file), "%s/index.html", dir) >=
	    (int)sizeof(file))
		errx(1, "%s: path too long", path);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		err(1, "mkdir %s", dir);
	if ((f = fopen(file, "w")) == NULL)
		err(1, "%s", file);
	fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", f);
	put_escaped(f, title);
	fputs(" - Benchmark archive</title>\n"
	    "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n"
	    "<body>\n<main>\n<article>\n<h1>", f);
	put_escaped(f, title);
	fputs("</h1>\n", f);
	fputs(html, f);
	fputs("</article>\n</main>\n</body>\n</html>\n", f);
	pos = ftell(f);
	if (fflush(f) == EOF || ferror(f))
		err(1, "%s", file);
	if (fclose(f) == EOF)
		err(1, "%s", file);
	if (pos > 0)
		st->bytes_out += (size_t)pos;
	st->pages++;
	free(html);
	free(src);
}

static void
walk(const char *dir, const char *out, struct stats *st)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 path[PATH_MAX];
	size_t		 n;
	int		 isdir;

	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			errx(1, "%s/%s: path too long", dir, e->d_name);
		if (e->d_type == DT_DIR)
			isdir = 1;
		else if (e->d_type == DT_REG)
			isdir = 0;
		else {
			if (stat(path, &sb) == -1)
				err(1, "%s", path);
			isdir = S_ISDIR(sb.st_mode);
		}
		n = strlen(e->d_name);
		if (isdir)
			walk(path, out, st);
		else if (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0)
			render(path, out, st);
	}
	if (errno != 0)
		err(1, "%s", dir);
	closedir(d);
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor INDIR OUTDIR\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct stats	 st = { 0, 0, 0 };

	if (argc != 3)
		usage();
	if (mkdir(argv[2], 0755) == -1 && errno != EEXIST)
		err(1, "mkdir %s", argv[2]);
	walk(argv[1], argv[2], &st);
	printf("%zu pages, %zu bytes in, %zu bytes out\n", st.pages,
	    st.bytes_in, st.bytes_out);
	return 0;
}
