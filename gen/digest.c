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
 * nearmiss-gen digest: the weekly e-mail on stdout, an RFC 5322 message
 * with a multipart/alternative body (text/plain and text/html, both
 * UTF-8 in quoted-printable) holding the report of the week and the
 * reports published since a day.  It reads the repository as a build
 * does, with the two-person rule, and writes nothing else.  The HTML has
 * inline styles only and no remote content: its only URLs are links to
 * the site.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "html.h"
#include "log.h"
#include "nm.h"

#define QP_LINE		76	/* RFC 2045: encoded lines at most 76 */
#define WRAP		72	/* plain text lines, where spaces allow */
#define ADDR_MAX	70	/* "From: " and it on one line of 78 */

struct digest {
	struct config	 cfg;
	struct report	*r;		/* kept: new or pinned */
	size_t		 nr;
	int		 since;		/* YYYYMMDD, the first day */
	int		 week;		/* today's ISO week */
	const struct report *wr;	/* the report of the week, or NULL */
	int		 wweek;		/* its pin's week */
	const struct report **news;	/* published since, newest first */
	size_t		 nnews;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-gen digest [-q] [-r repo] [-p path] "
	    "[--ref ref] [--since YYYY-MM-DD]\n"
	    "                   --from ADDRESS --to ADDRESS "
	    "[--subject TEXT]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\nPrints to standard output a ready-to-send e-mail (RFC "
	    "5322, multipart text and\nHTML, no remote content) with the "
	    "report of the week and the reports\npublished since DATE "
	    "(default: 7 days before today), read from REF as a\nbuild "
	    "reads it.  Pipe it into sendmail -t.\n\n"
	    "  -r, --repo REPO     repository (bare or not)\n"
	    "  -p, --path PATH     content folder within the tree\n"
	    "      --ref REF       commit, branch or tag to read\n"
	    "      --since DATE    the first publication day to list\n"
	    "      --from ADDRESS  the From: address\n"
	    "      --to ADDRESS    the To: address (the mailing list)\n"
	    "      --subject TEXT  the Subject: (default: SITE TITLE: "
	    "weekly digest, DATE)\n"
	    "  -q, --quiet         only errors\n"
	    "  -h, --help          this help\n\n"
	    "See nearmiss-gen(1).\n");
}

/* YYYY-MM-DD into *out as YYYYMMDD; 0, or -1 if not a valid date. */
static int
parse_day(const char *s, int *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, m, d;
	char	 tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if (d > mdays[m - 1] || (m == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	*out = y * 10000 + m * 100 + d;
	return 0;
}

/*
 * 1 if s may go into an address header as it is: printable ASCII, an
 * '@', no line break, at most ADDR_MAX bytes.
 */
static int
addr_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > ADDR_MAX || strchr(s, '@') == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static int
pubday(const struct report *r)
{
	return r->pub_year * 10000 + r->pub_month * 100 + r->pub_day;
}

/* Index of id in the pins of cfg with a week up to w, or -1. */
static int
pinned(const struct config *c, const char *id, int w)
{
	size_t	 i;

	for (i = 0; i < c->npins; i++)
		if (c->pins[i].week <= w && strcmp(c->pins[i].id, id) == 0)
			return (int)i;
	return -1;
}

/*
 * Reads every published report of src (the two-person rule as a build
 * applies it) and keeps those published since d->since and those that
 * a pin up to this week names.  0, or -1 after logging each problem.
 */
static int
load(struct digest *d, const struct gitsrc *src, struct rule *rule)
{
	struct srcfile	*f = NULL;
	struct buf	 text = BUF_INIT;
	struct report	 r;
	git_oid		 blob;
	char		 path[PATH_MAX], *why;
	size_t		 n = 0, i;
	int		 errors = 0;

	if (repo_list(&f, &n, src, "reports") != 0)
		errors++;
	d->r = xcalloc(n + 1, sizeof(*d->r));
	for (i = 0; i < n; i++) {
		if (file_path(path, sizeof(path), "%s/%s", src->path,
		    f[i].path) != 0) {
			errors++;
			continue;
		}
		git_oid_cpy(&blob, &f[i].oid);
		if (rule_check(rule, src->repo, f[i].path, &blob, &why,
		    NULL) != 0) {
			errors++;
			continue;
		}
		if (why != NULL) {
			/* Not published: not in the digest either. */
			free(why);
			continue;
		}
		buf_reset(&text);
		if (repo_read(&text, src->repo, &blob, REPORT_FILE_MAX,
		    path) != 0) {
			errors++;
			continue;
		}
		if (report_parse(&r, &d->cfg, path, text.data,
		    text.len) != 0) {
			report_free(&r);
			errors++;
			continue;
		}
		r.body = NULL;
		r.body_len = 0;
		if (pubday(&r) >= d->since || pinned(&d->cfg, r.id,
		    d->week) >= 0)
			d->r[d->nr++] = r;
		else
			report_free(&r);
	}
	srcfiles_free(f, n);
	buf_free(&text);
	return errors ? -1 : 0;
}

static int
cmp_newest(const void *a, const void *b)
{
	return report_cmp_newest(*(const struct report *const *)a,
	    *(const struct report *const *)b);
}

/* The report of the week and the new reports, from d->r. */
static void
pick(struct digest *d)
{
	size_t	 i, k;

	/* cfg.pins is sorted by week: the newest pin that is published. */
	for (k = d->cfg.npins; k-- > 0 && d->wr == NULL;) {
		if (d->cfg.pins[k].week > d->week)
			continue;
		for (i = 0; i < d->nr; i++)
			if (strcmp(d->r[i].id, d->cfg.pins[k].id) == 0) {
				d->wr = &d->r[i];
				d->wweek = d->cfg.pins[k].week;
				break;
			}
	}
	d->news = xcalloc(d->nr + 1, sizeof(*d->news));
	for (i = 0; i < d->nr; i++)
		if (pubday(&d->r[i]) >= d->since)
			d->news[d->nnews++] = &d->r[i];
	qsort(d->news, d->nnews, sizeof(*d->news), cmp_newest);
}

/*
 * Appends a header, its value as is when it is printable ASCII, else as
 * RFC 2047 encoded words (UTF-8, Q encoding), each at most 75
 * characters and on its own folded line, never splitting a character.
 */
static void
header(struct buf *b, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)v;
	size_t	 n = strlen(v), i, j, k, len, w;
	int	 ascii = 1;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			ascii = 0;
	buf_printf(b, "%s: ", name);
	if (ascii && strlen(name) + 2 + n <= 78) {
		buf_add(b, v, n);
		buf_addch(b, '\n');
		return;
	}
	w = 0;
	for (i = 0; i < n; i = k) {
		/* One character: a lead byte and its continuation bytes. */
		for (k = i + 1; k < n && (p[k] & 0xc0) == 0x80; k++)
			;
		len = 0;
		for (j = i; j < k; j++)
			len += (p[j] >= 0x21 && p[j] <= 0x7e &&
			    strchr("=?_\"(),.:;<>@[\\]", p[j]) == NULL) ? 1 :
			    3;
		if (w > 0 && w + len + 2 > 75) {
			buf_addstr(b, "?=\n ");
			w = 0;
		}
		if (w == 0) {
			buf_addstr(b, "=?UTF-8?Q?");
			w = 10;
		}
		for (j = i; j < k; j++) {
			if (p[j] == ' ')
				buf_addch(b, '_');
			else if (p[j] >= 0x21 && p[j] <= 0x7e &&
			    strchr("=?_\"(),.:;<>@[\\]", p[j]) == NULL)
				buf_addch(b, (char)p[j]);
			else {
				buf_addch(b, '=');
				buf_addch(b, hex[p[j] >> 4]);
				buf_addch(b, hex[p[j] & 15]);
			}
		}
		w += len;
	}
	if (w > 0)
		buf_addstr(b, "?=");
	buf_addch(b, '\n');
}

/*
 * Appends text (n bytes, "\n" line ends) to b in quoted-printable (RFC
 * 2045): lines of at most QP_LINE characters, "=" soft breaks, spaces
 * and tabs before a line end encoded.
 */
static void
qp(struct buf *b, const char *text, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t	 i, col = 0, need;
	int	 lit;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			buf_addch(b, '\n');
			col = 0;
			continue;
		}
		/*
		 * A "." opening a line is encoded too, so that no line is a
		 * lone "." that ends sendmail's input.
		 */
		lit = (p[i] >= 0x21 && p[i] <= 0x7e && p[i] != '=' &&
		    !(p[i] == '.' && col == 0)) ||
		    ((p[i] == ' ' || p[i] == '\t') && i + 1 < n &&
		    p[i + 1] != '\n');
		need = lit ? 1 : 3;
		/* Room for the "=" of a soft break. */
		if (col + need > QP_LINE - 1) {
			buf_addstr(b, "=\n");
			col = 0;
		}
		if (lit)
			buf_addch(b, (char)p[i]);
		else {
			buf_addch(b, '=');
			buf_addch(b, hex[p[i] >> 4]);
			buf_addch(b, hex[p[i] & 15]);
		}
		col += need;
	}
}

/*
 * Appends s to b wrapped at spaces to lines of about WRAP bytes, each
 * line but the first starting with indent (the first is at column
 * first), then a newline.
 */
static void
wrap(struct buf *b, const char *s, size_t first, const char *indent)
{
	const char	*p = s, *sp, *e;
	size_t		 room;

	while (*p != '\0') {
		if (p != s)
			buf_addstr(b, indent);
		room = WRAP - (p != s ? strlen(indent) : first);
		e = p + strlen(p);
		if ((size_t)(e - p) > room) {
			for (sp = p + room; sp > p && *sp != ' '; sp--)
				;
			if (sp > p)
				e = sp;
			else if ((e = strchr(p + room, ' ')) == NULL)
				e = p + strlen(p);
		}
		buf_add(b, p, (size_t)(e - p));
		buf_addch(b, '\n');
		p = e;
		while (*p == ' ')
			p++;
	}
}

static const char *
month(int m)
{
	return month_name(m);
}

static void
text_part(struct buf *b, const struct digest *d, const char *since)
{
	const char	*base = d->cfg.base_url;
	const struct report *r;
	size_t		 i;
	int		 k;

	wrap(b, d->cfg.title, 0, "");
	buf_addch(b, '\n');
	if ((r = d->wr) != NULL) {
		buf_printf(b, "REPORT OF THE WEEK (week %d, %04d)\n\n",
		    d->wweek % 100, d->wweek / 100);
		wrap(b, r->title, 0, "");
		buf_addch(b, '\n');
		wrap(b, r->summary, 0, "");
		if (r->ndiscussion > 0) {
			buf_addstr(b, "\nQuestions for your roll call:\n\n");
			for (k = 0; k < r->ndiscussion; k++) {
				buf_printf(b, "%d. ", k + 1);
				wrap(b, r->discussion[k], 3, "   ");
			}
		}
		buf_printf(b, "\nRead it: %sreports/%s/\n", base, r->id);
		buf_printf(b, "Roll-call view: %sweek/%04d-w%02d/\n\n",
		    base, d->wweek / 100, d->wweek % 100);
	}
	buf_printf(b, "NEW REPORTS SINCE %s\n\n", since);
	if (d->nnews == 0)
		buf_addstr(b, "No report was published in this time.\n\n");
	for (i = 0; i < d->nnews; i++) {
		r = d->news[i];
		buf_addstr(b, "* ");
		wrap(b, r->title, 2, "  ");
		buf_printf(b, "  Published %d %s %d, report %s\n",
		    r->pub_day, month(r->pub_month), r->pub_year, r->id);
		buf_addstr(b, "  ");
		wrap(b, r->summary, 2, "  ");
		buf_printf(b, "  %sreports/%s/\n\n", base, r->id);
	}
	buf_printf(b, "-- \nThe archive: %s\n", base);
}

/* Appends a link to base + rel with text. */
static void
a_link(struct buf *b, const char *base, const char *rel, const char *text)
{
	buf_addstr(b, "<a href=\"");
	html_attr(b, base, strlen(base));
	html_attr(b, rel, strlen(rel));
	buf_addstr(b, "\" style=\"color:#1d70b8\">");
	html_text(b, text, strlen(text));
	buf_addstr(b, "</a>");
}

static void
html_part(struct buf *b, const struct digest *d, const char *since)
{
	const char	*base = d->cfg.base_url;
	const struct report *r;
	char		 rel[64 + REPORT_ID_MAX];
	size_t		 i;
	int		 k;

	buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(b, d->cfg.language, strlen(d->cfg.language));
	buf_addstr(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	html_text(b, d->cfg.title, strlen(d->cfg.title));
	buf_addstr(b, "</title>\n</head>\n<body style=\"font-family:sans-serif;"
	    "line-height:1.5;color:#0b0c0c;max-width:40em\">\n<h1 style=\""
	    "font-size:1.4em\">");
	html_text(b, d->cfg.title, strlen(d->cfg.title));
	buf_addstr(b, "</h1>\n");
	if ((r = d->wr) != NULL) {
		buf_printf(b, "<h2 style=\"font-size:1.2em\">Report of the "
		    "week (week %d, %04d)</h2>\n<h3 style=\"font-size:1.1em\">",
		    d->wweek % 100, d->wweek / 100);
		snprintf(rel, sizeof(rel), "reports/%s/", r->id);
		a_link(b, base, rel, r->title);
		buf_addstr(b, "</h3>\n<p>");
		html_text(b, r->summary, strlen(r->summary));
		buf_addstr(b, "</p>\n");
		if (r->ndiscussion > 0) {
			buf_addstr(b, "<p>Questions for your roll call:</p>\n"
			    "<ol>\n");
			for (k = 0; k < r->ndiscussion; k++) {
				buf_addstr(b, "<li>");
				html_text(b, r->discussion[k],
				    strlen(r->discussion[k]));
				buf_addstr(b, "</li>\n");
			}
			buf_addstr(b, "</ol>\n");
		}
		buf_addstr(b, "<p>");
		a_link(b, base, rel, "Read the report");
		buf_addstr(b, " · ");
		snprintf(rel, sizeof(rel), "week/%04d-w%02d/",
		    d->wweek / 100, d->wweek % 100);
		a_link(b, base, rel, "Roll-call print view");
		buf_addstr(b, "</p>\n");
	}
	buf_addstr(b, "<h2 style=\"font-size:1.2em\">New reports since ");
	html_text(b, since, strlen(since));
	buf_addstr(b, "</h2>\n");
	if (d->nnews == 0)
		buf_addstr(b, "<p>No report was published in this time.</p>\n");
	else
		buf_addstr(b, "<ul style=\"padding-left:1.2em\">\n");
	for (i = 0; i < d->nnews; i++) {
		r = d->news[i];
		snprintf(rel, sizeof(rel), "reports/%s/", r->id);
		buf_addstr(b, "<li style=\"margin-bottom:1em\">");
		a_link(b, base, rel, r->title);
		buf_printf(b, "<br>\n<small>Published %d %s %d, report ",
		    r->pub_day, month(r->pub_month), r->pub_year);
		html_text(b, r->id, strlen(r->id));
		buf_addstr(b, "</small><br>\n");
		html_text(b, r->summary, strlen(r->summary));
		buf_addstr(b, "</li>\n");
	}
	if (d->nnews > 0)
		buf_addstr(b, "</ul>\n");
	buf_addstr(b, "<p style=\"color:#505a5f\">");
	a_link(b, base, "", "The archive");
	buf_addstr(b, "</p>\n</body>\n</html>\n");
}

/* The host of base_url (checked http(s) at parse time) into out. */
static void
url_host(char *out, size_t outsz, const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 n;

	p = p != NULL ? p + 3 : url;
	n = strcspn(p, "/:?#@");
	if (n == 0 || n >= outsz) {
		snprintf(out, outsz, "nearmiss.invalid");
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

static void
message(struct buf *m, const struct digest *d, const char *from,
    const char *to, const char *subject, const char *since, time_t now)
{
	struct buf	 part = BUF_INIT;
	struct tm	 tm;
	char		 date[64], host[256], boundary[64];

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	url_host(host, sizeof(host), d->cfg.base_url);
	/* "=_" never appears in quoted-printable text. */
	snprintf(boundary, sizeof(boundary), "=_nearmiss-digest-%lld",
	    (long long)now);
	header(m, "From", from);
	header(m, "To", to);
	header(m, "Subject", subject);
	buf_printf(m, "Date: %s\n", date);
	buf_printf(m, "Message-ID: <digest.%lld.%ld@%s>\n", (long long)now,
	    (long)getpid(), host);
	buf_addstr(m, "MIME-Version: 1.0\n");
	buf_printf(m, "Content-Type: multipart/alternative;\n"
	    " boundary=\"%s\"\n\n", boundary);
	buf_addstr(m, "This is a message in MIME format: a text and an HTML "
	    "version.\n\n");
	buf_printf(m, "--%s\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", boundary);
	text_part(&part, d, since);
	qp(m, part.data, part.len);
	buf_reset(&part);
	buf_printf(m, "\n--%s\nContent-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", boundary);
	html_part(&part, d, since);
	qp(m, part.data, part.len);
	buf_printf(m, "\n--%s--\n", boundary);
	buf_free(&part);
}

int
digest_main(int argc, char *argv[])
{
	enum { OPT_REF = 256, OPT_SINCE, OPT_FROM, OPT_TO, OPT_SUBJECT };
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "path", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "subject", required_argument, NULL, OPT_SUBJECT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen_opts	 o;
	struct gitsrc	 src;
	struct rule	 rule;
	struct digest	 d;
	struct buf	 ini = BUF_INIT, msg = BUF_INIT;
	struct tm	 tm;
	const char	*sincearg = NULL, *from = NULL, *to = NULL;
	const char	*subject = NULL;
	char		 path[PATH_MAX], since[16], subj[512];
	time_t		 now = time(NULL), then;
	size_t		 i;
	int		 ch, rc = 1, opened = 0;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	memset(&rule, 0, sizeof(rule));
	o.path = "content";
	o.ref = "HEAD";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:p:qh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			o.repo = optarg;
			break;
		case 'p':
			o.path = optarg;
			break;
		case OPT_REF:
			o.ref = optarg;
			break;
		case OPT_SINCE:
			sincearg = optarg;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_SUBJECT:
			subject = optarg;
			break;
		case 'q':
			log_setverbose(0);
			break;
		case 'h':
			help();
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (from == NULL || to == NULL) {
		log_warnx("digest: --from and --to are required");
		usage(stderr);
		return 2;
	}
	if (!addr_ok(from) || !addr_ok(to)) {
		log_warnx("digest: --%s: not an address (printable ASCII "
		    "with an @, at most %d bytes)", addr_ok(from) ? "to" :
		    "from", ADDR_MAX);
		return 2;
	}
	if (subject != NULL && (strlen(subject) > 200 ||
	    strpbrk(subject, "\r\n") != NULL)) {
		log_warnx("digest: --subject: one line of at most 200 bytes");
		return 2;
	}
	gmtime_r(&now, &tm);
	d.week = iso_week(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (sincearg != NULL) {
		if (parse_day(sincearg, &d.since) != 0) {
			log_warnx("digest: --since: \"%.32s\" is not a date "
			    "(YYYY-MM-DD)", sincearg);
			return 2;
		}
	} else {
		then = now - 7 * 86400;
		gmtime_r(&then, &tm);
		d.since = (tm.tm_year + 1900) * 10000 +
		    (tm.tm_mon + 1) * 100 + tm.tm_mday;
	}
	snprintf(since, sizeof(since), "%04d-%02d-%02d", d.since / 10000,
	    d.since / 100 % 100, d.since % 100);

	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (repo_open(&src, &o) != 0)
		return 1;
	opened = 1;
	if (file_path(path, sizeof(path), "%s/nearmiss.ini", src.path) != 0 ||
	    repo_read(&ini, src.repo, &src.config, 256 * 1024, path) != 0 ||
	    config_parse(&d.cfg, path, ini.data, ini.len) != 0)
		goto out;
	if (rule_load(&rule, &src, &d.cfg, 0) != 0)
		goto out;
	if (load(&d, &src, &rule) != 0) {
		log_warnx("digest: reports with errors; nothing was printed");
		goto out;
	}
	pick(&d);
	if (subject == NULL) {
		gmtime_r(&now, &tm);
		snprintf(subj, sizeof(subj), "%.200s: weekly digest, %d %s %d",
		    d.cfg.title, tm.tm_mday, month_name(tm.tm_mon + 1),
		    tm.tm_year + 1900);
		subject = subj;
	}
	message(&msg, &d, from, to, subject, since, now);
	if (fwrite(msg.data, 1, msg.len, stdout) != msg.len ||
	    fflush(stdout) != 0 || ferror(stdout)) {
		log_warn("digest: standard output");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < d.nr; i++)
		report_free(&d.r[i]);
	free(d.r);
	free(d.news);
	config_free(&d.cfg);
	rule_free(&rule);
	if (opened)
		repo_close(&src);
	buf_free(&ini);
	buf_free(&msg);
	return rc;
}
