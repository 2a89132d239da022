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
 * Unit tests of gen/tmpl.c, the template language of nearmiss-theme(5):
 * escaping, the url filter, conditions, loops, includes, whitespace
 * control, every compile error with its line, and the value arena.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "tmpl.h"

/* A string literal and its length. */
#define S(lit)	(lit), sizeof(lit) - 1

static struct arena	*ar;
static struct tval	*ctx;

/* Helpers */

/*
 * Compiles src as "t.html" (with the partials given as name, text pairs,
 * NULL-terminated) and renders it with ctx.  Returns the output in a
 * static, or "(error)" if compiling or rendering failed.
 */
static const char *
run(const char *src, ...)
{
	static char	 out[65536];
	struct tmpl_set	*set;
	struct buf	 b = BUF_INIT;
	const char	*name, *text;
	va_list		 ap;
	int		 rc = 0;

	set = tmpl_set_new();
	va_start(ap, src);
	while ((name = va_arg(ap, const char *)) != NULL) {
		text = va_arg(ap, const char *);
		if (tmpl_set_add(set, name, name, text, strlen(text)) != 0)
			rc = -1;
	}
	va_end(ap);
	if (tmpl_set_add(set, "t.html", "t.html", src, strlen(src)) != 0 ||
	    tmpl_render(&b, set, "t.html", ctx) != 0)
		rc = -1;
	snprintf(out, sizeof(out), "%s", rc == 0 ? b.data : "(error)");
	buf_free(&b);
	tmpl_set_free(set);
	return out;
}

/* Compiles src; checks that it fails with exactly the messages want. */
static void
bad_tmpl(int line, const char *src, const char *want)
{
	struct tmpl_set	*set;
	const char	*err;
	int		 rc;

	set = tmpl_set_new();
	cap_start();
	rc = tmpl_set_add(set, "t.html", "t.html", src, strlen(src));
	err = cap_end();
	if (rc != -1 || strcmp(err, want) != 0 || tmpl_set_has(set,
	    "t.html")) {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: %s: rc %d, logged\n%swant\n%s",
		    __FILE__, line, src, rc, err, want);
	} else
		harness_pass++;
	tmpl_set_free(set);
}

#define BAD(src, want)	bad_tmpl(__LINE__, (src), (want))

static void
make_ctx(void)
{
	struct tval	*site, *items, *item, *empty, *names;
	static const char *const nm[] = { "a", "b", "c" };
	size_t		 i;

	ar = arena_new();
	ctx = tv_map(ar);
	tv_set_str(ar, ctx, "title", "<b>&\"'");
	tv_set_html(ar, ctx, "html", S("<em>ok</em>"));
	tv_set_html(ar, ctx, "nohtml", "", 0);
	tv_set_str(ar, ctx, "bad_url", "javascript:alert(1)");
	tv_set_str(ar, ctx, "good_url", "a?b=1&c=\"2\"");
	tv_set_str(ar, ctx, "empty", "");
	tv_set_str(ar, ctx, "kind", "report");
	tv_set_int(ar, ctx, "n", 42);
	tv_set_int(ar, ctx, "neg", -7);
	tv_set_int(ar, ctx, "zero", 0);
	tv_set_str(ar, ctx, "nullstr", NULL);
	site = tv_map(ar);
	tv_set_str(ar, site, "title", "Site & co");
	tv_set(ar, ctx, "site", site);
	items = tv_list(ar);
	for (i = 0; i < 3; i++) {
		item = tv_map(ar);
		tv_set_str(ar, item, "name", nm[i]);
		tv_set_int(ar, item, "n", (long)i * 10);
		tv_push(ar, items, item);
	}
	tv_set(ar, ctx, "items", items);
	empty = tv_list(ar);
	tv_set(ar, ctx, "none", empty);
	names = tv_list(ar);
	tv_push(ar, names, tv_str(ar, "x<"));
	tv_push(ar, names, tv_str(ar, "y"));
	tv_set(ar, ctx, "names", names);
	tv_set(ar, ctx, "emptymap", tv_map(ar));
	/* Set twice: the later value wins. */
	tv_set_str(ar, ctx, "twice", "first");
	tv_set_str(ar, ctx, "twice", "second");
}

/* Tests */

static void
test_escaping(void)
{
	STR_EQ(run("{{ title }}", NULL), "&lt;b&gt;&amp;&quot;&#39;");
	STR_EQ(run("<a title=\"{{ title }}\">", NULL),
	    "<a title=\"&lt;b&gt;&amp;&quot;&#39;\">");
	STR_EQ(run("<a title='{{title}}'>", NULL),
	    "<a title='&lt;b&gt;&amp;&quot;&#39;'>");
	STR_EQ(run("{{ html }}", NULL), "<em>ok</em>");
	STR_EQ(run("{{ n }}|{{ neg }}|{{ zero }}", NULL), "42|-7|0");
	STR_EQ(run("{{ site.title }}", NULL), "Site &amp; co");
	STR_EQ(run("{{ twice }}", NULL), "second");
	STR_EQ(run("{{ nullstr }}.", NULL), ".");
	/* The url filter. */
	STR_EQ(run("<a href=\"{{ bad_url | url }}\">", NULL),
	    "<a href=\"#\">");
	STR_EQ(run("<a href=\"{{ good_url|url }}\">", NULL),
	    "<a href=\"a?b=1&amp;c=&quot;2&quot;\">");
	STR_EQ(run("{{ title | url }}", NULL), "&lt;b&gt;&amp;&quot;&#39;");
	/* html values through url are checked and escaped as well. */
	STR_EQ(run("{{ html | url }}", NULL), "&lt;em&gt;ok&lt;/em&gt;");
	STR_EQ(run("{{ n | url }}", NULL), "42");
	/* Missing names, lists and maps print nothing. */
	STR_EQ(run("[{{ nope }}][{{ site.nope }}][{{ site.title.x }}]"
	    "[{{ nope.a.b.c }}][{{ items }}][{{ site }}]", NULL),
	    "[][][][][][]");
	STR_EQ(run("{{nope|url}}", NULL), "");
	/* Text outside tags is copied, braces included. */
	STR_EQ(run("a { b } {x} }} %} #} c", NULL), "a { b } {x} }} %} #} c");
	STR_EQ(run("", NULL), "");
	STR_EQ(run("{", NULL), "{");
}

static void
test_if(void)
{
	STR_EQ(run("{% if n %}y{% end %}", NULL), "y");
	STR_EQ(run("{% if zero %}y{% end %}", NULL), "");
	STR_EQ(run("{% if zero %}a{% elif n %}b{% else %}c{% end %}", NULL),
	    "b");
	STR_EQ(run("{% if zero %}a{% elif empty %}b{% else %}c{% end %}",
	    NULL), "c");
	STR_EQ(run("{% if n %}a{% elif n %}b{% else %}c{% end %}", NULL),
	    "a");
	STR_EQ(run("{% if not empty %}e{% end %}{% if not n %}x{% end %}",
	    NULL), "e");
	STR_EQ(run("{% if kind == \"report\" %}r{% end %}", NULL), "r");
	STR_EQ(run("{% if kind == \"Report\" %}r{% else %}-{% end %}", NULL),
	    "-");
	STR_EQ(run("{% if kind != \"home\" %}nh{% end %}", NULL), "nh");
	STR_EQ(run("{% if kind != \"report\" %}x{% end %}", NULL), "");
	STR_EQ(run("{% if n == \"42\" %}i{% end %}", NULL), "i");
	STR_EQ(run("{% if nope == \"\" %}x{% else %}missing{% end %}", NULL),
	    "missing");
	STR_EQ(run("{% if nope != \"x\" %}ne{% end %}", NULL), "ne");
	STR_EQ(run("{% if empty == \"\" %}e{% end %}", NULL), "e");
	/* Truth: lists by length, any map, html by length. */
	STR_EQ(run("{% if items %}1{% end %}{% if none %}2{% end %}"
	    "{% if emptymap %}3{% end %}{% if html %}4{% end %}"
	    "{% if nohtml %}5{% end %}{% if nope %}6{% end %}"
	    "{% if site.title %}7{% end %}", NULL), "1347");
	/* Nested ifs. */
	STR_EQ(run("{% if n %}a{% if zero %}b{% else %}c{% end %}d{% end %}",
	    NULL), "acd");
}

static void
test_for(void)
{
	STR_EQ(run("{% for i in items %}{{ loop.index }}{{ i.name }}"
	    "{% if loop.first %}F{% end %}{% if loop.last %}L{% end %}"
	    "/{{ loop.length }};{% end %}", NULL),
	    "1aF/3;2b/3;3cL/3;");
	STR_EQ(run("{% for s in names %}<{{ s }}>{% end %}", NULL),
	    "<x&lt;><y>");
	STR_EQ(run("{% for i in none %}x{% else %}empty{% end %}", NULL),
	    "empty");
	STR_EQ(run("{% for i in nope %}x{% else %}missing{% end %}", NULL),
	    "missing");
	STR_EQ(run("{% for i in title %}x{% else %}str{% end %}", NULL),
	    "str");
	STR_EQ(run("{% for i in items %}{{ i.n }}{% else %}e{% end %}", NULL),
	    "01020");
	/* Nested: loop is the inner loop, the outer variable is seen. */
	STR_EQ(run("{% for o in items %}{% for i in names %}"
	    "{{ o.name }}{{ loop.index }}{{ i }},{% end %}|{{ loop.index }}|"
	    "{% end %}", NULL),
	    "a1x&lt;,a2y,|1|b1x&lt;,b2y,|2|c1x&lt;,c2y,|3|");
	/* The loop variable hides a root name of the same name. */
	STR_EQ(run("{% for title in names %}{{ title }}{% end %}{{ title }}",
	    NULL), "x&lt;y&lt;b&gt;&amp;&quot;&#39;");
	/* Outside a loop, loop is an ordinary missing name. */
	STR_EQ(run("[{{ loop.index }}]", NULL), "[]");
}

static void
test_include(void)
{
	STR_EQ(run("<{% include \"_p.html\" %}>", "_p.html",
	    "{{ site.title }}", NULL), "<Site &amp; co>");
	/* An included partial sees the loop variables. */
	STR_EQ(run("{% for item in items %}{% include \"_item.html\" %}"
	    "{% end %}", "_item.html",
	    "[{{ item.name }}:{{ loop.index }}{% if loop.last %}!{% end %}]",
	    NULL), "[a:1][b:2][c:3!]");
	/* Nested includes. */
	STR_EQ(run("{% include \"_a.html\" %}", "_a.html",
	    "a{% include \"_b.html\" %}", "_b.html", "b", NULL), "ab");
	{
		struct tmpl_set	*set = tmpl_set_new();
		struct buf	 b = BUF_INIT;
		const char	*err;
		int		 rc;

		/* Recursion stops at a depth limit, with an error. */
		OK(tmpl_set_add(set, "_r.html", "_r.html",
		    S("x{% include \"_r.html\" %}")) == 0);
		OK(tmpl_set_add(set, "t.html", "t.html",
		    S("{% include \"_r.html\" %}")) == 0);
		cap_start();
		rc = tmpl_render(&b, set, "t.html", ctx);
		err = cap_end();
		INT_EQ(rc, -1);
		OK(strstr(err, "includes nested deeper than 16") != NULL);
		OK(b.len <= 17);
		/* Mutual recursion too. */
		OK(tmpl_set_add(set, "_m1.html", "_m1.html",
		    S("{% include \"_m2.html\" %}")) == 0);
		OK(tmpl_set_add(set, "_m2.html", "_m2.html",
		    S("{% include \"_m1.html\" %}")) == 0);
		cap_start();
		rc = tmpl_render(&b, set, "_m1.html", ctx);
		err = cap_end();
		INT_EQ(rc, -1);
		OK(strstr(err, "includes nested deeper than 16") != NULL);
		/* A missing partial. */
		OK(tmpl_set_add(set, "u.html", "u.html",
		    S("a{% include \"_missing.html\" %}")) == 0);
		cap_start();
		rc = tmpl_render(&b, set, "u.html", ctx);
		err = cap_end();
		INT_EQ(rc, -1);
		OK(strstr(err, "include \"_missing.html\": no such template") !=
		    NULL);
		/* A missing template. */
		cap_start();
		rc = tmpl_render(&b, set, "nope.html", ctx);
		err = cap_end();
		INT_EQ(rc, -1);
		OK(strstr(err, "nope.html") != NULL);
		OK(tmpl_set_has(set, "t.html"));
		OK(!tmpl_set_has(set, "nope.html"));
		buf_free(&b);
		tmpl_set_free(set);
		tmpl_set_free(NULL);
	}
}

static void
test_lines(void)
{
	/* A block tag alone on its line takes the line with it. */
	STR_EQ(run("a\n{% if n %}\nb\n{% end %}\nc\n", NULL), "a\nb\nc\n");
	STR_EQ(run("a\n  \t{% if n %}  \nb\n\t{% end %}\nc\n", NULL),
	    "a\nb\nc\n");
	STR_EQ(run("{% if n %}\nfirst\n{% end %}", NULL), "first\n");
	STR_EQ(run("<ul>\n{% for i in items %}\n<li>{{ i.name }}</li>\n"
	    "{% end %}\n</ul>\n", NULL),
	    "<ul>\n<li>a</li>\n<li>b</li>\n<li>c</li>\n</ul>\n");
	STR_EQ(run("a\r\n{% if n %}\r\nb\r\n{% end %}\r\nc\r\n", NULL),
	    "a\r\nb\r\nc\r\n");
	/* Inline block tags keep the line. */
	STR_EQ(run("a {% if n %}b{% end %} c\n", NULL), "a b c\n");
	STR_EQ(run("x{% if n %}\ny\n{% end %}z\n", NULL), "x\ny\nz\n");
	/* Comments. */
	STR_EQ(run("a\n{# a comment #}\nb\n", NULL), "a\nb\n");
	STR_EQ(run("a{# {{ title }} {% if %} #}b", NULL), "ab");
	STR_EQ(run("a\n{# multi\nline #}\nb", NULL), "a\nb");
	STR_EQ(run("a\n{# last #}", NULL), "a\n");
	/* Variable tags alone on a line keep it. */
	STR_EQ(run("a\n{{ n }}\nb\n", NULL), "a\n42\nb\n");
	STR_EQ(run("a\n{{ nope }}\nb\n", NULL), "a\n\nb\n");
}

static void
test_errors(void)
{
	BAD("a\n{{ title\n", "t.html:2: tag is not closed\n");
	BAD("a\nb {% if n }}\n", "t.html:2: tag is not closed\n");
	BAD("{# never closed", "t.html:1: tag is not closed\n");
	BAD("a\n\n{% while n %}{% end %}",
	    "t.html:3: unknown tag \"while\"\n"
	    "t.html:3: {% end %} without a matching {% if %} or {% for %}\n");
	BAD("a\n\nx {% set n = 1 %}\n", "t.html:3: unknown tag \"set\"\n");
	BAD("a {% else %} b\n", "t.html:1: {% else %} without a matching "
	    "{% if %} or {% for %}\n");
	BAD("a\nb {% end %}\n", "t.html:2: {% end %} without a matching "
	    "{% if %} or {% for %}\n");
	BAD("x {% elif n %} y", "t.html:1: {% elif %} without a matching "
	    "{% if %} or {% for %}\n");
	/* Alone on a line: the line of the tag, not the next one. */
	BAD("a\n{% else %}\nb\n", "t.html:2: {% else %} without a matching "
	    "{% if %} or {% for %}\n");
	BAD("a\n{% end %}\n", "t.html:2: {% end %} without a matching "
	    "{% if %} or {% for %}\n");
	BAD("x\n{% if n %}\nb\n", "t.html:2: {% if %} is not closed by "
	    "{% end %}\n");
	BAD("x\n{% if n %}a{% else %}b\n", "t.html:2: {% if %} is not "
	    "closed by {% end %}\n");
	BAD("x\n\n{% for i in items %}\nb\n", "t.html:3: {% for %} is not "
	    "closed by {% end %}\n");
	BAD("\n{{ title | upper }}", "t.html:2: unknown filter (only \"url\" "
	    "exists)\nt.html:2: unexpected \"upper \"\n");
	BAD("{{ title | }}", "t.html:1: unknown filter (only \"url\" "
	    "exists)\n");
	BAD("\n\n{% include \"_p.html %}", "t.html:3: unterminated string\n");
	/* A bad opening tag stops the compile there. */
	BAD("{% if kind == \"x %}y{% end %}",
	    "t.html:1: unterminated string\n");
	BAD("{% include _p.html %}", "t.html:1: expected a \"string\"\n");
	BAD("a\n{% for i of items %}x{% end %}",
	    "t.html:2: expected \"in\"\n");
	BAD("{% for in items %}", "t.html:1: expected \"in\"\n");
	BAD("{% for %}", "t.html:1: expected a loop variable\n");
	BAD("{% for i in %}{% end %}", "t.html:1: expected a name\n");
	BAD("{{ }}", "t.html:1: expected a name\n");
	BAD("{{ a b }}", "t.html:1: unexpected \"b \"\n");
	BAD("{{ a. }}", "t.html:1: expected a name\n");
	BAD("{{ a.b.c.d.e.f.g.h.i }}", "t.html:1: name has more than 8 "
	    "parts\n");
	BAD("{% if %}{% end %}", "t.html:1: expected a name\n");
	BAD("{% if a == b %}{% end %}", "t.html:1: expected a \"string\"\n");
	BAD("{% end extra %}", "t.html:1: unexpected \"extra \"\n"
	    "t.html:1: {% end %} without a matching {% if %} or {% for %}\n");
	BAD("{% for i in items %}{% elif n %}{% end %}",
	    "t.html:1: {% elif %} inside {% for %}\n"
	    "t.html:1: {% end %} without a matching {% if %} or {% for %}\n");
	BAD("{% if n %}a{% else %}b{% else %}c{% end %}",
	    "t.html:1: expected {% end %} after {% else %}\n"
	    "t.html:1: {% end %} without a matching {% if %} or {% for %}\n");
	/* An elif after the else (its condition must not leak). */
	BAD("{% if n %}a{% else %}b{% elif zero %}c{% end %}",
	    "t.html:1: expected {% end %} after {% else %}\n"
	    "t.html:1: {% end %} without a matching {% if %} or {% for %}\n");
	/* Over the size cap. */
	{
		struct tmpl_set	*set = tmpl_set_new();
		char		*big;
		const char	*err;
		size_t		 n = 1024 * 1024 + 1;

		big = malloc(n);
		memset(big, 'x', n);
		cap_start();
		INT_EQ(tmpl_set_add(set, "big.html", "big.html", big, n), -1);
		err = cap_end();
		STR_EQ(err, "big.html: template larger than 1048576 bytes\n");
		free(big);
		tmpl_set_free(set);
	}
}

static void
test_arena(void)
{
	struct arena	*a = arena_new();
	struct tmpl_set	*set;
	struct tval	*root, *list, *m;
	struct buf	 b = BUF_INIT, want = BUF_INIT;
	char		*s, *t, *big;
	size_t		 i;
	int		 misaligned = 0;

	s = arena_printf(a, "%d-%s-%c", 7, "x", 'y');
	STR_EQ(s, "7-x-y");
	t = arena_strdup(a, "copy");
	STR_EQ(t, "copy");
	STR_EQ(s, "7-x-y");
	STR_EQ(arena_printf(a, "%s", ""), "");
	STR_EQ(arena_strdup(a, ""), "");
	for (i = 0; i < 1000; i++)
		if ((uintptr_t)arena_alloc(a, i % 37 + 1) % 16 != 0)
			misaligned++;
	INT_EQ(misaligned, 0);
	/* Larger than a chunk. */
	big = arena_alloc(a, 200000);
	memset(big, 'b', 200000);
	OK(big[199999] == 'b');
	STR_EQ(arena_printf(a, "%.*s", 70000, big) + 69999, "b");
	arena_reset(a);
	s = arena_printf(a, "after %s", "reset");
	STR_EQ(s, "after reset");
	arena_reset(a);
	arena_reset(a);

	/* 10,000 values in one list, rendered. */
	root = tv_map(a);
	list = tv_list(a);
	for (i = 0; i < 10000; i++) {
		m = tv_map(a);
		tv_set_str(a, m, "s", arena_printf(a, "v%zu", i));
		tv_set_int(a, m, "i", (long)i);
		tv_push(a, list, m);
		buf_printf(&want, "v%zu=%zu;", i, i);
	}
	tv_set(a, root, "list", list);
	for (i = 0; i < 100; i++)
		tv_set_int(a, root, arena_printf(a, "k%zu", i), (long)i);
	set = tmpl_set_new();
	OK(tmpl_set_add(set, "t.html", "t.html",
	    S("{% for m in list %}{{ m.s }}={{ m.i }};{% end %}")) == 0);
	INT_EQ(tmpl_render(&b, set, "t.html", root), 0);
	INT_EQ(b.len, want.len);
	STR_EQ(b.data, want.data);
	buf_reset(&b);
	OK(tmpl_set_add(set, "k.html", "k.html",
	    S("{{ k0 }},{{ k99 }},{{ list.x }}")) == 0);
	INT_EQ(tmpl_render(&b, set, "k.html", root), 0);
	STR_EQ(b.data, "0,99,");
	tmpl_set_free(set);
	buf_free(&b);
	buf_free(&want);
	arena_free(a);
	arena_free(NULL);
}

static void
test_load(void)
{
	struct tmpl_set	*set;
	struct buf	 b = BUF_INIT;
	char		 dir[256], path[512];
	const char	*err;

	snprintf(dir, sizeof(dir), "/tmp/test_tmpl.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		OK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/page.html", dir);
	OK(file_write(path, S("<{% include \"_p.html\" %}>"), 0644, 0) == 0);
	snprintf(path, sizeof(path), "%s/_p.html", dir);
	OK(file_write(path, S("{{ n }}"), 0644, 0) == 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	OK(file_write(path, S("{% broken"), 0644, 0) == 0);
	snprintf(path, sizeof(path), "%s/.hidden.html", dir);
	OK(file_write(path, S("{% broken"), 0644, 0) == 0);
	set = tmpl_set_new();
	cap_start();
	INT_EQ(tmpl_set_load(set, dir), 0);
	err = cap_end();
	STR_EQ(err, "");
	OK(tmpl_set_has(set, "page.html"));
	OK(tmpl_set_has(set, "_p.html"));
	OK(!tmpl_set_has(set, "notes.txt"));
	OK(!tmpl_set_has(set, ".hidden.html"));
	INT_EQ(tmpl_render(&b, set, "page.html", ctx), 0);
	STR_EQ(b.data, "<42>");
	tmpl_set_free(set);
	/* A template with an error: the path and line, and -1. */
	snprintf(path, sizeof(path), "%s/bad.html", dir);
	OK(file_write(path, S("ok\n{% nope %}\n"), 0644, 0) == 0);
	set = tmpl_set_new();
	cap_start();
	INT_EQ(tmpl_set_load(set, dir), -1);
	err = cap_end();
	snprintf(path, sizeof(path), "%s/bad.html:2: unknown tag \"nope\"\n",
	    dir);
	STR_EQ(err, path);
	OK(tmpl_set_has(set, "page.html"));
	tmpl_set_free(set);
	/* A missing folder. */
	set = tmpl_set_new();
	cap_start();
	INT_EQ(tmpl_set_load(set, "/nonexistent/theme"), -1);
	cap_end();
	tmpl_set_free(set);
	file_remove_tree(dir);
	buf_free(&b);
}

int
main(void)
{
	int	rc;

	make_ctx();
	test_escaping();
	test_if();
	test_for();
	test_include();
	test_lines();
	test_errors();
	test_arena();
	test_load();
	arena_free(ar);
	rc = DONE("test_tmpl");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
