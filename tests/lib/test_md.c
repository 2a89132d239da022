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
 * Unit tests of lib/md.c: the pre-check caps, the split of a report body
 * into narrative, lessons and comments with the line of every error,
 * link and image sanitizing, an allowlist check of the HTML made from
 * XSS payloads, page titles, and the cmark pathological inputs under a
 * time bound.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "harness.h"
#include "html.h"
#include "md.h"

#define LINE0	18	/* the body's first line in the file */
#define LESSONS	"\n## Lessons learned\n\n- Slow down.\n"
/* A string literal and its length. */
#define S(lit)	(lit), sizeof(lit) - 1

struct out {
	struct buf	 n, l, c;
	struct md_report md;
};

/* Helpers */

static void
out_init(struct out *o)
{
	buf_init(&o->n);
	buf_init(&o->l);
	buf_init(&o->c);
	o->md.narrative = &o->n;
	o->md.lessons = &o->l;
	o->md.comments = &o->c;
	o->md.text = NULL;
}

static void
out_free(struct out *o)
{
	buf_free(&o->n);
	buf_free(&o->l);
	buf_free(&o->c);
}

/* Renders a report body (len bytes) from LINE0; sets *errp. */
static int
report(struct out *o, const char *text, size_t len, const char **errp)
{
	int	 rc;

	buf_reset(&o->n);
	buf_reset(&o->l);
	buf_reset(&o->c);
	cap_start();
	rc = md_render_report(&o->md, "r.md", LINE0, text, len);
	*errp = cap_end();
	return rc;
}

static int
check(const char *text, size_t len, const char **errp)
{
	int	 rc;

	cap_start();
	rc = md_check("r.md", LINE0, text, len);
	*errp = cap_end();
	return rc;
}

/* Checks that a report body fails with exactly the messages want. */
static void
bad_report(int line, const char *text, const char *want)
{
	struct out	 o;
	const char	*err;
	int		 rc;

	out_init(&o);
	rc = report(&o, text, strlen(text), &err);
	if (rc != -1 || strcmp(err, want) != 0 || o.n.len || o.l.len ||
	    o.c.len) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged\n%swant\n%s",
		    __FILE__, line, rc, err, want);
	} else
		harness_pass++;
	out_free(&o);
}

#define BAD(text, want)	bad_report(__LINE__, (text), (want))

/* Same for md_check() on len bytes of text. */
static void
bad_check(int line, const char *text, size_t len, const char *want)
{
	const char	*err;
	int		 rc;

	rc = check(text, len, &err);
	if (rc != -1 || strcmp(err, want) != 0) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged\n%swant\n%s",
		    __FILE__, line, rc, err, want);
	} else
		harness_pass++;
}

static void
repeat(struct buf *b, const char *s, size_t n)
{
	while (n-- > 0)
		buf_addstr(b, s);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * An allowlist check of HTML made by cmark: only the tags and attributes
 * it makes from Markdown, no event handler, and every href and src a URL
 * that html_url_ok() keeps.  Returns NULL or what is wrong.
 */
static const char *
html_unsafe(const char *h)
{
	static const char *const tags[] = {
		"p", "em", "strong", "a", "img", "code", "pre", "blockquote",
		"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
		"br",
	};
	static const char *const attrs[] = {
		"href", "src", "alt", "title", "class", "start",
	};
	static char	 why[128];
	const char	*p = h, *q, *v;
	size_t		 n, i, vn;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (strncmp(p, "!-- raw HTML omitted -->", 24) == 0) {
			p += 24;
			continue;
		}
		if (*p == '/')
			p++;
		for (n = 0; p[n] >= 'a' && p[n] <= 'z'; n++)
			;
		if (n == 0 && p[0] == 'h' && p[1] >= '1' && p[1] <= '6')
			n = 2;
		if (n == 1 && p[0] == 'h' && p[1] >= '1' && p[1] <= '6')
			n = 2;
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strlen(tags[i]) == n && strncmp(p, tags[i], n) == 0)
				break;
		if (i == sizeof(tags) / sizeof(tags[0])) {
			snprintf(why, sizeof(why), "tag <%.20s", p);
			return why;
		}
		p += n;
		for (;;) {
			while (*p == ' ')
				p++;
			if (*p == '>' || (p[0] == '/' && p[1] == '>'))
				break;
			if (*p == '\0')
				return "unterminated tag";
			for (q = p; *q >= 'a' && *q <= 'z'; q++)
				;
			n = (size_t)(q - p);
			for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
				if (strlen(attrs[i]) == n &&
				    strncmp(p, attrs[i], n) == 0)
					break;
			if (n == 0 || i == sizeof(attrs) / sizeof(attrs[0])) {
				snprintf(why, sizeof(why), "attribute %.20s",
				    p);
				return why;
			}
			if (q[0] != '=' || q[1] != '"')
				return "unquoted attribute";
			v = q + 2;
			if ((q = strchr(v, '"')) == NULL)
				return "unterminated attribute";
			vn = (size_t)(q - v);
			if ((strncmp(p, "href", 4) == 0 ||
			    strncmp(p, "src", 3) == 0) &&
			    !html_url_ok(v, vn)) {
				snprintf(why, sizeof(why), "URL %.*s",
				    (int)(vn > 40 ? 40 : vn), v);
				return why;
			}
			p = q + 1;
		}
	}
	return NULL;
}

/* Tests */

static void
test_check(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	char		 want[256];
	int		 i;

	INT_EQ(check(S("Plain *text* with [a link](x) and `code`.\n"),
	    &err), 0);
	STR_EQ(err, "");
	INT_EQ(check("", 0, &err), 0);
	/* Size: 64 KiB is fine, one byte more is not. */
	repeat(&b, "abcdefghijklmno\n", 4096);
	INT_EQ(b.len, 65536);
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_addch(&b, 'x');
	bad_check(__LINE__, b.data, b.len,
	    "r.md:18: Markdown body larger than 64 KiB\n");
	buf_reset(&b);
	/* A NUL byte, on its line. */
	buf_addstr(&b, "one\ntwo\nth");
	buf_addch(&b, '\0');
	buf_addstr(&b, "ree\n");
	bad_check(__LINE__, b.data, b.len,
	    "r.md:20: Markdown body contains a NUL byte\n");
	buf_reset(&b);
	/* Nesting: 16 levels are fine, 17 are not. */
	buf_addstr(&b, "line\n\n");
	repeat(&b, "> ", 16);
	buf_addstr(&b, "x\n");
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_reset(&b);
	buf_addstr(&b, "line\n\n");
	repeat(&b, "> ", 17);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len, "r.md:20: Markdown nested deeper "
	    "than 16 levels (quotes and lists)\n");
	buf_reset(&b);
	repeat(&b, ">", 17);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len, "r.md:18: Markdown nested deeper "
	    "than 16 levels (quotes and lists)\n");
	buf_reset(&b);
	buf_addstr(&b, "a\n");
	repeat(&b, "- ", 17);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len, "r.md:19: Markdown nested deeper "
	    "than 16 levels (quotes and lists)\n");
	buf_reset(&b);
	repeat(&b, "1. ", 17);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len, "r.md:18: Markdown nested deeper "
	    "than 16 levels (quotes and lists)\n");
	buf_reset(&b);
	repeat(&b, "> - 1) * + ", 4);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len, "r.md:18: Markdown nested deeper "
	    "than 16 levels (quotes and lists)\n");
	buf_reset(&b);
	repeat(&b, "- ", 16);
	buf_addstr(&b, "x\n");
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_reset(&b);
	/* Over-indented lines. */
	repeat(&b, " ", 128);
	buf_addstr(&b, "x\n");
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_reset(&b);
	buf_addstr(&b, "a\n\n");
	repeat(&b, " ", 129);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len,
	    "r.md:20: line indented more than 128 columns\n");
	buf_reset(&b);
	repeat(&b, "\t", 33);
	buf_addstr(&b, "x\n");
	bad_check(__LINE__, b.data, b.len,
	    "r.md:18: line indented more than 128 columns\n");
	buf_reset(&b);
	/* Brackets: 256 unclosed are fine, 257 not, per paragraph. */
	repeat(&b, "[", 256);
	buf_addstr(&b, "\n\n");
	repeat(&b, "[", 256);
	buf_addstr(&b, "\n");
	INT_EQ(check(b.data, b.len, &err), 0);
	STR_EQ(err, "");
	buf_addstr(&b, "[\n");
	bad_check(__LINE__, b.data, b.len, "r.md:21: more than 256 unclosed "
	    "brackets in one paragraph\n");
	buf_reset(&b);
	/* Closed brackets do not count. */
	repeat(&b, "[a] ", 1000);
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_reset(&b);
	/* Emphasis characters: 2000 fine, 2001 not, across lines. */
	repeat(&b, "*a ", 1000);
	buf_addstr(&b, "\n");
	repeat(&b, "_b ", 1000);
	buf_addstr(&b, "\n");
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_addstr(&b, "*\n");
	bad_check(__LINE__, b.data, b.len, "r.md:20: more than 2000 emphasis "
	    "characters in one paragraph\n");
	buf_reset(&b);
	repeat(&b, "**x ", 1000);
	buf_addstr(&b, "\n\n");
	repeat(&b, "**x ", 1000);
	buf_addstr(&b, "\r\n\r\n");
	repeat(&b, "**x ", 1000);
	INT_EQ(check(b.data, b.len, &err), 0);
	buf_reset(&b);
	/* Nesting built by indentation counts too (cmark's nested lists). */
	for (i = 0; i < 17; i++) {
		repeat(&b, "  ", (size_t)i);
		buf_addstr(&b, "- a\n");
	}
	snprintf(want, sizeof(want), "r.md:%d: Markdown nested deeper than "
	    "16 levels (quotes and lists)\n", LINE0 + 16);
	bad_check(__LINE__, b.data, b.len, want);
	buf_free(&b);
}

static void
test_split(void)
{
	static const char text[] =
	    "It was a *weeknight*.\n"		/* 18 */
	    "\n"
	    "Second paragraph.\n"		/* 20 */
	    "\n"
	    "## Lessons learned\n"		/* 22 */
	    "\n"
	    "- Slow down.\n"
	    "- Call it off.\n"
	    "\n"
	    "## Reviewer comments\n"		/* 27 */
	    "\n"
	    "Good report.\n";
	struct out	 o;
	const char	*err;

	out_init(&o);
	INT_EQ(report(&o, text, sizeof(text) - 1, &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.n.data, "<p>It was a <em>weeknight</em>.</p>\n"
	    "<p>Second paragraph.</p>\n");
	STR_EQ(o.l.data, "<ul>\n<li>Slow down.</li>\n<li>Call it off.</li>\n"
	    "</ul>\n");
	STR_EQ(o.c.data, "<p>Good report.</p>\n");
	/* The headings are dropped. */
	OK(strstr(o.n.data, "Lessons") == NULL);
	OK(strstr(o.l.data, "<h2") == NULL);
	OK(strstr(o.c.data, "Reviewer") == NULL);
	/* Without comments, comments stay empty. */
	INT_EQ(report(&o, "Story.\n" LESSONS, strlen("Story.\n" LESSONS),
	    &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.n.data, "<p>Story.</p>\n");
	STR_EQ(o.l.data, "<ul>\n<li>Slow down.</li>\n</ul>\n");
	INT_EQ(o.c.len, 0);
	/* The buffers are appended to. */
	buf_reset(&o.n);
	buf_addstr(&o.n, "<!-- x -->");
	buf_reset(&o.l);
	cap_start();
	INT_EQ(md_render_report(&o.md, "r.md", 1, "Story.\n" LESSONS,
	    strlen("Story.\n" LESSONS)), 0);
	cap_end();
	STR_EQ(o.n.data, "<!-- x --><p>Story.</p>\n");
	/* Heading match ignores case; setext headings count too. */
	INT_EQ(report(&o, S("Story.\n\n## LESSONS LEARNED\n\n- a\n\n"
	    "## reviewer Comments\n\nc\n"), &err), 0);
	STR_EQ(o.l.data, "<ul>\n<li>a</li>\n</ul>\n");
	STR_EQ(o.c.data, "<p>c</p>\n");
	INT_EQ(report(&o, S("Story.\n\nLessons learned\n---------------\n\n"
	    "- a\n"), &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.l.data, "<ul>\n<li>a</li>\n</ul>\n");
	/* Other headings, and h1/h3 of the same words, stay in place. */
	INT_EQ(report(&o, S("Story.\n\n## Background\n\n### Lessons learned\n"
	    "\n## Lessons learned\n\n- a\n"), &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.n.data, "<p>Story.</p>\n<h2>Background</h2>\n"
	    "<h3>Lessons learned</h3>\n");
	/* A heading inside a fenced code block does not count. */
	INT_EQ(report(&o, "Story.\n\n```\n## Lessons learned\n```\n"
	    LESSONS, strlen("Story.\n\n```\n## Lessons learned\n```\n"
	    LESSONS), &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.n.data, "<p>Story.</p>\n<pre><code>## Lessons learned\n"
	    "</code></pre>\n");
	STR_EQ(o.l.data, "<ul>\n<li>Slow down.</li>\n</ul>\n");
	/* Nor inside a block quote or an indented code block. */
	INT_EQ(report(&o, "Story.\n\n> ## Lessons learned\n\n"
	    "    ## Lessons learned\n" LESSONS, strlen("Story.\n\n> ## "
	    "Lessons learned\n\n    ## Lessons learned\n" LESSONS), &err), 0);
	STR_EQ(err, "");
	STR_EQ(o.l.data, "<ul>\n<li>Slow down.</li>\n</ul>\n");
	out_free(&o);
}

static void
test_sections(void)
{
	struct out	 o;
	const char	*err;
	int		 rc;

	BAD("Story.\n\nNo lessons here.\n",
	    "r.md:18: the \"## Lessons learned\" section is missing\n");
	BAD("Story.\n\n```\n## Lessons learned\n```\n",
	    "r.md:18: the \"## Lessons learned\" section is missing\n");
	BAD("Story.\n\n## Lessons learned\n\n## Reviewer comments\n\nc\n",
	    "r.md:20: the \"## Lessons learned\" section is empty\n");
	BAD("Story.\n\n## Lessons learned\n",
	    "r.md:20: the \"## Lessons learned\" section is empty\n");
	BAD("## Lessons learned\n\n- a\n",
	    "r.md:18: the narrative (the text before \"## Lessons learned\") "
	    "is empty\n");
	BAD("",
	    "r.md:18: the \"## Lessons learned\" section is missing\n"
	    "r.md:18: the narrative (the text before \"## Lessons learned\") "
	    "is empty\n");
	BAD("Story.\n\n## Lessons learned\n\n- a\n\n## Lessons learned\n\n"
	    "- b\n", "r.md:24: \"## Lessons learned\" appears twice\n");
	BAD("Story.\n\n## Lessons learned\n\n- a\n\n## Reviewer comments\n\n"
	    "c\n\n## Reviewer comments\n\nd\n",
	    "r.md:28: \"## Reviewer comments\" appears twice\n");
	/* Comments before lessons: the line of the misplaced heading. */
	out_init(&o);
	rc = report(&o, S("Story.\n\n## Reviewer comments\n\nc\n\n"
	    "## Lessons learned\n\n- a\n"), &err);
	INT_EQ(rc, -1);
	OK(strncmp(err, "r.md:24: ", 9) == 0);
	OK(strstr(err, "Lessons learned") != NULL);
	/* The message must give the right order. */
	OK(strstr(err, "\"## Lessons learned\" must come after "
	    "\"## Reviewer comments\"") == NULL);
	INT_EQ(o.n.len + o.l.len + o.c.len, 0);
	out_free(&o);
}

static void
test_links_images(void)
{
	static const char *const relative[] = {
		"![a](img/a.png)", "![a](../a.png)", "![a](/a.png)",
		"![a](a.png \"title\")", "![a](a.png?x=1#y)",
	};
	static const char *const external[] = {
		"![a](http://evil.example/p.gif)",
		"![a](https://evil.example/p.gif)",
		"![a](//evil.example/p.gif)",
		"![a](data:image/png;base64,AAAA)",
		"![a](javascript:alert(1))",
		"![a](HTTP://EVIL.EXAMPLE/)",
		"![a](\\/\\/evil.example/p.gif)",
		"![a][r]\n\n[r]: http://evil.example/p.gif",
		"[![a](http://evil.example/p.gif)](x)",
	};
	struct out	 o;
	struct buf	 b = BUF_INIT;
	const char	*err;
	size_t		 i;
	int		 bad = 0;

	out_init(&o);
	for (i = 0; i < sizeof(relative) / sizeof(relative[0]); i++) {
		buf_reset(&b);
		buf_addstr(&b, relative[i]);
		buf_addstr(&b, "\n" LESSONS);
		if (report(&o, b.data, b.len, &err) != 0 ||
		    strstr(o.n.data, "<img src=\"") == NULL) {
			fprintf(stderr, "refused: %s\n", relative[i]);
			bad++;
		}
	}
	INT_EQ(bad, 0);
	for (i = 0; i < sizeof(external) / sizeof(external[0]); i++) {
		buf_reset(&b);
		buf_addstr(&b, "Story.\n\n");
		buf_addstr(&b, external[i]);
		buf_addstr(&b, "\n" LESSONS);
		if (report(&o, b.data, b.len, &err) != -1 ||
		    strncmp(err, "r.md:20: image URL \"", 20) != 0 ||
		    o.n.len != 0) {
			fprintf(stderr, "kept: %s (%s)\n", external[i], err);
			bad++;
		}
	}
	INT_EQ(bad, 0);
	BAD("Story.\n\n![a](http://evil.example/p.gif)\n" LESSONS,
	    "r.md:20: image URL \"http://evil.example/p.gif\" must be "
	    "relative: an external image would tell a third party who reads "
	    "the report\n");
	/* Images in the lessons are checked as well, on their line. */
	BAD("Story.\n\n## Lessons learned\n\n- ![x](//e.example/a)\n",
	    "r.md:22: image URL \"//e.example/a\" must be relative: an "
	    "external image would tell a third party who reads the report\n");
	/* Dangerous links keep their text and get an empty href. */
	INT_EQ(report(&o, "[x](javascript:alert(1))\n" LESSONS,
	    strlen("[x](javascript:alert(1))\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><a href=\"\">x</a></p>\n");
	INT_EQ(report(&o, "[x](data:text/html,%3Cscript%3Ealert(1)%3C/script"
	    "%3E)\n" LESSONS, strlen("[x](data:text/html,%3Cscript%3Ealert(1)"
	    "%3C/script%3E)\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><a href=\"\">x</a></p>\n");
	/* cmark keeps data:image/png links; html_url_ok() does not. */
	INT_EQ(report(&o, "[x](data:image/png;base64,AAAA)\n" LESSONS,
	    strlen("[x](data:image/png;base64,AAAA)\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><a href=\"\">x</a></p>\n");
	INT_EQ(report(&o, "[x](ftp://x.example/)\n" LESSONS,
	    strlen("[x](ftp://x.example/)\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><a href=\"\">x</a></p>\n");
	/* Good links are kept. */
	INT_EQ(report(&o, "[x](https://x.example/a?b=1&c=2) "
	    "[m](mailto:a@x.example) [r](../r/)\n" LESSONS,
	    strlen("[x](https://x.example/a?b=1&c=2) "
	    "[m](mailto:a@x.example) [r](../r/)\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><a href=\"https://x.example/a?b=1&amp;c=2\">x"
	    "</a> <a href=\"mailto:a@x.example\">m</a> "
	    "<a href=\"../r/\">r</a></p>\n");
	out_free(&o);
	buf_free(&b);
}

static void
test_raw_html(void)
{
	struct out	 o;
	const char	*err;

	out_init(&o);
	INT_EQ(report(&o, "<script>alert(1)</script>\n\nStory.\n" LESSONS,
	    strlen("<script>alert(1)</script>\n\nStory.\n" LESSONS), &err),
	    0);
	STR_EQ(o.n.data, "<!-- raw HTML omitted -->\n<p>Story.</p>\n");
	INT_EQ(report(&o, "a <img src=x onerror=alert(1)> b\n" LESSONS,
	    strlen("a <img src=x onerror=alert(1)> b\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p>a <!-- raw HTML omitted --> b</p>\n");
	INT_EQ(report(&o, "<iframe src=\"https://evil.example/\"></iframe>\n"
	    LESSONS, strlen("<iframe src=\"https://evil.example/\">"
	    "</iframe>\n" LESSONS), &err), 0);
	STR_EQ(o.n.data, "<!-- raw HTML omitted -->\n");
	/* In code it is text. */
	INT_EQ(report(&o, "`<script>`\n" LESSONS, strlen("`<script>`\n"
	    LESSONS), &err), 0);
	STR_EQ(o.n.data, "<p><code>&lt;script&gt;</code></p>\n");
	out_free(&o);
}

static void
test_xss(void)
{
	static const char *const payloads[] = {
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"<IMG SRC=JaVaScRiPt:alert('XSS')>",
		"<iframe src=\"javascript:alert(1)\"></iframe>",
		"<svg onload=alert(1)>",
		"<svg><script>alert(1)</script></svg>",
		"<details open ontoggle=alert(1)>",
		"<body onload=alert(1)>",
		"\"><script>alert(1)</script>",
		"<scr<script>ipt>alert(1)</scr</script>ipt>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<object data=\"javascript:alert(1)\"></object>",
		"<embed src=javascript:alert(1)>",
		"<form action=javascript:alert(1)><input type=submit>",
		"<meta http-equiv=\"refresh\" content=\"0;url=javascript:"
		    "alert(1)\">",
		"<base href=\"javascript:alert(1)//\">",
		"<link rel=stylesheet href=javascript:alert(1)>",
		"<style>*{background:url(javascript:alert(1))}</style>",
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
		"<math><mtext><table><mglyph><style><img src=x "
		    "onerror=alert(1)>",
		"<!--<script>alert(1)//-->",
		"<![CDATA[<script>alert(1)</script>]]>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](  JAVASCRIPT:alert(1)  )",
		"[x](javascript:alert%281%29)",
		"[x](&#106;avascript:alert(1))",
		"[x](javascript&#58;alert(1))",
		"[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;"
		    "&#x74;&#x3A;alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,"
		    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](file:///etc/passwd)",
		"[x](<javascript:alert(1)>)",
		"<javascript:alert(1)>",
		"<vbscript:msgbox(1)>",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"[x][r]\n\n[r]: <javascript:alert(1)> \"t\"",
		"[x](http://a.example/ \"t\\\" onmouseover=\\\"alert(1)\")",
		"[x](<http://a.example/\" onmouseover=\"alert(1)>)",
		"![x\" onerror=\"alert(1)](a.png)",
		"![x](a.png \"\\\" onerror=\\\"alert(1)\")",
		"[<img src=x onerror=alert(1)>](http://x.example/)",
		"[x](\\javascript:alert(1))",
		"```\n<script>alert(1)</script>\n```",
		"`<script>alert(1)</script>`",
		"    <script>alert(1)</script>",
		"> <script>alert(1)</script>",
		"- <img src=x onerror=alert(1)>",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"&#60;script&#62;alert(1)&#60;/script&#62;",
		"<a href=\"&#106;avascript:alert(1)\">x</a>",
		"[x](java\\\nscript:alert(1))",
		"```js\" onmouseover=\"alert(1)\nx\n```",
	};
	struct out	 o;
	struct buf	 b = BUF_INIT, title = BUF_INIT, page = BUF_INIT;
	const char	*err, *why;
	size_t		 i;
	int		 rc, bad = 0, rendered = 0;

	OK(sizeof(payloads) / sizeof(payloads[0]) >= 30);
	out_init(&o);
	/* The checker itself refuses what it must. */
	OK(html_unsafe("<p onclick=\"x\">") != NULL);
	OK(html_unsafe("<a href=\"javascript:x\">") != NULL);
	OK(html_unsafe("<script>") != NULL);
	OK(html_unsafe("<img src=\"a.png\" alt=\"\" />") == NULL);
	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		buf_reset(&b);
		buf_addstr(&b, payloads[i]);
		buf_addstr(&b, "\n\n## Lessons learned\n\n- ");
		buf_addstr(&b, payloads[i]);
		buf_addstr(&b, "\n\n## Reviewer comments\n\n");
		buf_addstr(&b, payloads[i]);
		buf_addstr(&b, "\n");
		rc = report(&o, b.data, b.len, &err);
		if (rc == 0)
			rendered++;
		if ((why = html_unsafe(o.n.data)) != NULL ||
		    (why = html_unsafe(o.l.data)) != NULL ||
		    (why = html_unsafe(o.c.data)) != NULL) {
			fprintf(stderr, "payload %zu: %s: %s\n", i, why,
			    payloads[i]);
			bad++;
		}
		buf_reset(&b);
		buf_addstr(&b, "# T\n\n");
		buf_addstr(&b, payloads[i]);
		buf_addstr(&b, "\n");
		buf_reset(&title);
		buf_reset(&page);
		cap_start();
		md_render_page(&title, &page, "p.md", b.data, b.len);
		cap_end();
		if ((why = html_unsafe(page.data)) != NULL) {
			fprintf(stderr, "page payload %zu: %s\n", i, why);
			bad++;
		}
	}
	INT_EQ(bad, 0);
	/* Nearly all render: safety comes from escaping, not refusal. */
	OK(rendered >= 40);
	out_free(&o);
	buf_free(&b);
	buf_free(&title);
	buf_free(&page);
}

/* The parts' plain text (md_report's text), for the search index. */
static void
test_text(void)
{
	static const char body[] =
	    "We saw [the suspect](https://evil.example/track) run.\n"
	    "Then `code words` and <b>bold</b> text.\n"
	    "\n"
	    "<script>alert(1)</script>\n"
	    "\n"
	    "![alt words](img/a.png)\n"
	    "\n"
	    "    indented code\n"
	    "\n"
	    "### Aside\n"
	    "\n"
	    "- item one\n"
	    "- item two\n"
	    "\n"
	    "## lessons LEARNED\n"
	    "\n"
	    "Wait for *cover*.\n"
	    "\n"
	    "---\n"
	    "\n"
	    "## Reviewer comments\n"
	    "\n"
	    "Good.\n";
	struct out	 o;
	struct buf	 text[MD_PARTS];
	const char	*err;
	int		 i;

	out_init(&o);
	for (i = 0; i < MD_PARTS; i++)
		buf_init(&text[i]);
	o.md.text = text;
	INT_EQ(report(&o, S(body), &err), 0);
	STR_EQ(err, "");
	STR_EQ(text[0].data,
	    "We saw the suspect run. Then code words and bold text.\n"
	    "alt words\n"
	    "indented code\n\n"
	    "Aside\n"
	    "item one\n\n"
	    "item two\n\n");
	STR_EQ(text[1].data, "Wait for cover.\n\n");
	STR_EQ(text[2].data, "Good.\n");
	/* Never a URL, raw HTML or a script's text. */
	OK(strstr(text[0].data, "evil") == NULL);
	OK(strstr(text[0].data, "alert") == NULL);
	OK(strstr(text[0].data, "<") == NULL);
	OK(strstr(text[0].data, "png") == NULL);
	/* The HTML is there as without text. */
	OK(strstr(o.n.data, "<code>code words</code>") != NULL);

	/* Appended to; no comments: the third stays empty. */
	INT_EQ(report(&o, S("Story.\n" LESSONS), &err), 0);
	STR_EQ(text[0].data + strlen(text[0].data) - 7, "Story.\n");
	STR_EQ(text[1].data + strlen(text[1].data) - 12, "Slow down.\n\n");
	STR_EQ(text[2].data, "Good.\n");

	/* A body md_check() refuses gives no text. */
	for (i = 0; i < MD_PARTS; i++)
		buf_reset(&text[i]);
	{
		static char deep[200];

		memset(deep, '>', sizeof(deep) - 1);
		INT_EQ(report(&o, deep, sizeof(deep) - 1, &err), -1);
		OK(strncmp(err, "r.md:18: ", 9) == 0);
		INT_EQ(text[0].len, 0);
	}
	for (i = 0; i < MD_PARTS; i++)
		buf_free(&text[i]);
	out_free(&o);
}

static void
test_page(void)
{
	struct buf	 title = BUF_INIT, html = BUF_INIT;
	const char	*err;
	int		 rc;

	cap_start();
	rc = md_render_page(&title, &html, "about.md",
	    S("# About *this* `site`\n\nWe publish.\n"));
	err = cap_end();
	INT_EQ(rc, 0);
	STR_EQ(err, "");
	STR_EQ(title.data, "About this site");
	STR_EQ(html.data, "<p>We publish.</p>\n");
	buf_reset(&title);
	buf_reset(&html);
	/* The title only: empty content. */
	cap_start();
	rc = md_render_page(&title, &html, "about.md", S("# Only\n"));
	cap_end();
	INT_EQ(rc, 0);
	STR_EQ(title.data, "Only");
	STR_EQ(html.data, "");
	buf_reset(&title);
	/* No h1 first. */
	cap_start();
	rc = md_render_page(&title, &html, "about.md", S("Text first.\n\n"
	    "# Title\n"));
	err = cap_end();
	INT_EQ(rc, -1);
	STR_EQ(err, "about.md:1: a page must start with a \"# Title\" line\n");
	cap_start();
	rc = md_render_page(&title, &html, "about.md", S("## Title\n"));
	err = cap_end();
	INT_EQ(rc, -1);
	STR_EQ(err, "about.md:1: a page must start with a \"# Title\" line\n");
	cap_start();
	rc = md_render_page(&title, &html, "about.md", "", 0);
	err = cap_end();
	INT_EQ(rc, -1);
	STR_EQ(err, "about.md:1: a page must start with a \"# Title\" line\n");
	/* External images are refused on pages too. */
	cap_start();
	rc = md_render_page(&title, &html, "about.md", S("# T\n\n"
	    "![x](https://e.example/a.png)\n"));
	err = cap_end();
	INT_EQ(rc, -1);
	STR_EQ(err, "about.md:3: image URL \"https://e.example/a.png\" must be "
	    "relative: an external image would tell a third party who reads "
	    "the report\n");
	INT_EQ(html.len, 0);
	buf_free(&title);
	buf_free(&html);
}

/* cmark pathological inputs */

enum { P_REPEAT, P_RAMP, P_INDENT };

static const struct patho {
	const char	*name;
	const char	*head, *unit, *tail;
	int		 kind;	/* P_RAMP: unit + "`" * i; P_INDENT: "  " * i */
} patho[] = {
	{ "![[]() repeated", "", "![[]()", "", P_REPEAT },
	{ "nested lists then blank lines", "", "- ", "x", P_REPEAT },
	{ "nested quotes then emphasis", "", ">", "", P_REPEAT },
	{ "a then <!-- repeated", "a", "<!--", "", P_REPEAT },
	{ "</ then <!-- repeated", "</", "<!--", "", P_REPEAT },
	{ "*a_ repeated", "", "*a_ ", "", P_REPEAT },
	{ "[a](b repeated", "", "[a](b", "", P_REPEAT },
	{ "[a](<b repeated", "", "[a](<b", "", P_REPEAT },
	{ "nested brackets", "", "[", "", P_REPEAT },
	{ "**x repeated", "", "**x ", "", P_REPEAT },
	{ "backticks", "", "`", "", P_REPEAT },
	{ "backtick runs", "", "e", "", P_RAMP },
	{ "nested strong emph", "", "*a **a ", "", P_REPEAT },
	{ "emph closers without openers", "", "a_ ", "", P_REPEAT },
	{ "emph openers without closers", "", "_a ", "", P_REPEAT },
	{ "link closers without openers", "", "a]", "", P_REPEAT },
	{ "link openers without closers", "", "[a", "", P_REPEAT },
	{ "openers and closers multiple of 3", "a**b", "c* ", "", P_REPEAT },
	{ "link openers and emph closers", "", "[ a_", "", P_REPEAT },
	{ "[ (]( repeated", "", "[ (](", "", P_REPEAT },
	{ "nested block quotes", "", "> ", "a", P_REPEAT },
	{ "processing instructions", "", "a <?", "", P_REPEAT },
	{ "declarations", "", "a <!A ", "", P_REPEAT },
	{ "CDATA", "", "a <![CDATA[", "", P_REPEAT },
	{ "many references", "", "[a]: u\n", "", P_REPEAT },
	{ "entities", "", "&#", "", P_REPEAT },
	{ "many lines of emphasis", "", "*a*\n", "", P_REPEAT },
	{ "hard line breaks", "", "a  \n", "", P_REPEAT },
	{ "block quote lines", "", "> a\n", "", P_REPEAT },
	{ "list items", "", "- a\n", "", P_REPEAT },
	{ "tabs", "", "\t", "x", P_REPEAT },
	{ "deeply nested lists", "", "* a\n", "", P_INDENT },
	{ "deeply nested quotes and lists", "", "> - a\n", "", P_INDENT },
};

/* Builds one input of at most MD_BODY_MAX bytes into b. */
static void
patho_build(struct buf *b, const struct patho *pt)
{
	size_t	 i, n;

	buf_reset(b);
	buf_addstr(b, pt->head);
	for (n = 1; b->len < MD_BODY_MAX; n++) {
		if (pt->kind == P_INDENT)
			for (i = 0; i < n % 64; i++)
				buf_addstr(b, "  ");
		buf_addstr(b, pt->unit);
		if (pt->kind == P_RAMP)
			for (i = 0; i < n; i++)
				buf_addch(b, '`');
	}
	buf_addstr(b, pt->tail);
	/* "- "*N + "x" + "\n"*N: the tail then newlines. */
	if (strcmp(pt->unit, "- ") == 0) {
		buf_truncate(b, MD_BODY_MAX / 2);
		buf_addch(b, 'x');
		while (b->len < MD_BODY_MAX)
			buf_addch(b, '\n');
	}
	/* ">"*N + "a*"*N */
	if (strcmp(pt->unit, ">") == 0) {
		buf_truncate(b, MD_BODY_MAX / 2);
		while (b->len + 2 <= MD_BODY_MAX)
			buf_addstr(b, "a*");
	}
	/* "["*N + "a" + "]"*N */
	if (strcmp(pt->unit, "[") == 0) {
		buf_truncate(b, MD_BODY_MAX / 2 - 1);
		buf_addch(b, 'a');
		while (b->len < MD_BODY_MAX - 1)
			buf_addch(b, ']');
	}
	buf_truncate(b, MD_BODY_MAX);
}

static void
test_pathological(void)
{
	struct buf	 b = BUF_INIT, page = BUF_INIT, title = BUF_INIT;
	struct out	 o;
	const char	*err;
	double		 t0, t;
	size_t		 i;
	int		 slow = 0, rc;

	out_init(&o);
	for (i = 0; i < sizeof(patho) / sizeof(patho[0]); i++) {
		patho_build(&b, &patho[i]);
		if (b.len > MD_BODY_MAX || b.len < MD_BODY_MAX - 64)
			fprintf(stderr, "%s: %zu bytes\n", patho[i].name,
			    b.len);
		OK(b.len <= MD_BODY_MAX && b.len >= MD_BODY_MAX - 64);
		t0 = now();
		rc = report(&o, b.data, b.len, &err);
		/* As a page: "# T\n" in front, cut to the cap again. */
		buf_reset(&page);
		buf_addstr(&page, "# T\n");
		buf_add(&page, b.data, b.len);
		buf_truncate(&page, MD_BODY_MAX);
		buf_reset(&b);
		cap_start();
		md_render_page(&title, &b, "p.md", page.data, page.len);
		cap_end();
		t = now() - t0;
		if (t > 1.0) {
			fprintf(stderr, "%s: %.2f s (report rc %d)\n",
			    patho[i].name, t, rc);
			slow++;
		}
		/* Whatever it gives, the output is safe HTML. */
		OK(html_unsafe(o.n.data) == NULL);
		OK(html_unsafe(b.data) == NULL);
	}
	INT_EQ(slow, 0);
	out_free(&o);
	buf_free(&b);
	buf_free(&page);
	buf_free(&title);
}

/* STR_EQ() of part i's source (not NUL-terminated) and want. */
static void
src_eq(struct out *o, int i, const char *want)
{
	char	*got = strndup(o->md.src[i], o->md.srclen[i]);

	STR_EQ(got, want);
	free(got);
}

/*
 * The Markdown source of each part, for the open data: from after the
 * heading (ATX or setext) to the next, blank lines before and white
 * space after cut, CR LF kept inside, the reviewer comments apart.
 */
static void
test_src(void)
{
	struct out	 o;
	const char	*err;

	out_init(&o);
	OK(report(&o, S("\n\nFirst \"line\", a comma.\r\n  Second.  \n\n"
	    "## Lessons learned\n\n\n- =One.\n- Two.\n   \n"), &err) == 0);
	src_eq(&o, 0, "First \"line\", a comma.\r\n  Second.");
	src_eq(&o, 1, "- =One.\n- Two.");
	src_eq(&o, 2, "");
	OK(report(&o, S("    code first\n\nLessons learned\n"
	    "---------------\nLesson.\n\n## Reviewer comments\n\nNo.\n"),
	    &err) == 0);
	src_eq(&o, 0, "    code first");
	src_eq(&o, 1, "Lesson.");
	src_eq(&o, 2, "No.");
	OK(report(&o, S("Narrative.\r\n\r\n## Lessons learned\r\n"
	    "\r\nLesson \xe2\x80\xa8 one."), &err) == 0);
	src_eq(&o, 0, "Narrative.");
	src_eq(&o, 1, "Lesson \xe2\x80\xa8 one.");
	out_free(&o);
}

int
main(void)
{
	int	rc;

	test_check();
	test_split();
	test_sections();
	test_links_images();
	test_raw_html();
	test_xss();
	test_text();
	test_page();
	test_pathological();
	test_src();
	rc = DONE("test_md");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
