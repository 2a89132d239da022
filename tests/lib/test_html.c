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
 * Unit tests of lib/html.c: HTML text and attribute escaping, the URL
 * scheme allowlist, XML character filtering and the JSON string encoder,
 * with a property check that json_str() always gives a valid JSON string
 * that decodes back to the input (invalid UTF-8 replaced by U+FFFD).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "html.h"

/* Escapes s (len bytes) with fn and returns the result in a static. */
static const char *
esc(void (*fn)(struct buf *, const char *, size_t), const char *s,
    size_t len)
{
	static char	 out[4096];
	struct buf	 b = BUF_INIT;

	fn(&b, s, len);
	snprintf(out, sizeof(out), "%s", b.data);
	if (strlen(b.data) != b.len)
		snprintf(out, sizeof(out), "(embedded NUL)");
	buf_free(&b);
	return out;
}

#define TEXT(s)	esc(html_text, (s), sizeof(s) - 1)
#define ATTR(s)	esc(html_attr, (s), sizeof(s) - 1)
#define XML(s)	esc(xml_text, (s), sizeof(s) - 1)
#define JSON(s)	esc(json_str, (s), sizeof(s) - 1)

static const char *
url(const char *s, int *rc)
{
	static char	 out[1024];
	struct buf	 b = BUF_INIT;

	*rc = html_url(&b, s, strlen(s));
	snprintf(out, sizeof(out), "%s", b.data);
	buf_free(&b);
	return out;
}

static void
test_html_text(void)
{
	struct buf	 b = BUF_INIT;

	STR_EQ(TEXT(""), "");
	STR_EQ(TEXT("plain text"), "plain text");
	STR_EQ(TEXT("&"), "&amp;");
	STR_EQ(TEXT("<"), "&lt;");
	STR_EQ(TEXT(">"), "&gt;");
	STR_EQ(TEXT("\""), "&quot;");
	STR_EQ(TEXT("'"), "&#39;");
	STR_EQ(TEXT("<script>alert('x&y')</script>"),
	    "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;");
	STR_EQ(TEXT("a\"b'c"), "a&quot;b&#39;c");
	/* Already-escaped text is escaped again, not trusted. */
	STR_EQ(TEXT("&amp;"), "&amp;amp;");
	/* UTF-8 and other bytes pass through. */
	STR_EQ(TEXT("caf\xc3\xa9 \xe2\x80\x94 ok"),
	    "caf\xc3\xa9 \xe2\x80\x94 ok");
	/* NUL never reaches a page. */
	STR_EQ(TEXT("a\0b"), "ab");
	STR_EQ(TEXT("\0<\0"), "&lt;");
	STR_EQ(ATTR("\" onmouseover=\"x"),
	    "&quot; onmouseover=&quot;x");
	STR_EQ(ATTR("a\0'"), "a&#39;");
	/* Appends, and len counts the bytes. */
	buf_addstr(&b, "x=");
	html_text(&b, "<&>", 3);
	STR_EQ(b.data, "x=&lt;&amp;&gt;");
	INT_EQ(b.len, strlen("x=&lt;&amp;&gt;"));
	/* Only len bytes are read. */
	buf_reset(&b);
	html_text(&b, "ab<cd", 2);
	STR_EQ(b.data, "ab");
	buf_free(&b);
}

static void
test_html_url(void)
{
	static const char *const keep[] = {
		"", "page.html", "../x/", "/abs/path", "reports/2025-0001/",
		"#frag", "?q=1", "http://example.org/", "https://example.org/",
		"HTTPS://EXAMPLE.ORG/", "HtTp://x", "mailto:a@example.org",
		"//example.org/x", "a/b:c", "a?b:c", "a#b:c", "caf\xc3\xa9",
	};
	static const char *const refuse[] = {
		"javascript:alert(1)", "JaVaScRiPt:alert(1)",
		"JAVASCRIPT:alert(1)", "data:text/html,<script>",
		"DATA:image/png;base64,AAAA", "vbscript:msgbox(1)",
		"VBScript:x", "java\tscript:alert(1)", "java\nscript:alert(1)",
		"java\rscript:x", " javascript:alert(1)", " http://x",
		"\thttp://x", "http://x y", "http://x\x01", "a\x7f",
		"file:///etc/passwd", "ftp://x", "about:blank",
		"x:y", "javascript:", ":nothing", "\x0bjavascript:x",
	};
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!html_url_ok(keep[i], strlen(keep[i]))) {
			fprintf(stderr, "refused: %s\n", keep[i]);
			bad++;
		}
		url(keep[i], &rc);
		if (rc != 0)
			bad++;
	}
	INT_EQ(bad, 0);
	for (i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++) {
		if (html_url_ok(refuse[i], strlen(refuse[i]))) {
			fprintf(stderr, "kept: %s\n", refuse[i]);
			bad++;
		}
		if (strcmp(url(refuse[i], &rc), "#") != 0 || rc != -1)
			bad++;
	}
	INT_EQ(bad, 0);
	/* An entity is not decoded: it stays escaped text, not a scheme. */
	STR_EQ(url("jav&#x09;ascript:alert(1)", &rc),
	    "jav&amp;#x09;ascript:alert(1)");
	/* The NUL inside the length is seen (not a C string cut). */
	OK(!html_url_ok("http:\0javascript:x", 18));
	OK(!html_url_ok("ok\0", 3));
	/* Kept URLs are attribute-escaped. */
	STR_EQ(url("a?b=1&c=\"2\"'", &rc), "a?b=1&amp;c=&quot;2&quot;&#39;");
	INT_EQ(rc, 0);
	STR_EQ(url("https://x/<y>", &rc), "https://x/&lt;y&gt;");
	STR_EQ(url("javascript:alert(1)", &rc), "#");
	INT_EQ(rc, -1);
	STR_EQ(url("JaVaScRiPt:alert(1)", &rc), "#");
	STR_EQ(url("data:text/html;base64,PHNjcmlwdD4=", &rc), "#");
	STR_EQ(url("vbscript:x", &rc), "#");
	STR_EQ(url("java\tscript:alert(1)", &rc), "#");
	STR_EQ(url(" https://x/", &rc), "#");
}

static void
test_xml_text(void)
{
	char	 all[128];
	int	 i, bad = 0;
	const char *o;

	STR_EQ(XML(""), "");
	STR_EQ(XML("a & b < c > d \" e ' f"),
	    "a &amp; b &lt; c &gt; d &quot; e &#39; f");
	/* TAB, LF and CR are allowed in XML 1.0, other C0 controls not. */
	STR_EQ(XML("a\tb\nc\rd"), "a\tb\nc\rd");
	STR_EQ(XML("a\x01\x02\x08\x0b\x0c\x0e\x1f" "b"), "ab");
	STR_EQ(XML("\0x\0"), "x");
	STR_EQ(XML("\x1b[31mred"), "[31mred");
	STR_EQ(XML("caf\xc3\xa9"), "caf\xc3\xa9");
	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	o = esc(xml_text, all, sizeof(all));
	for (i = 0; o[i] != '\0'; i++)
		if ((unsigned char)o[i] < 0x20 && o[i] != '\t' &&
		    o[i] != '\n' && o[i] != '\r')
			bad++;
	INT_EQ(bad, 0);
	/*
	 * U+FFFE and U+FFFF are not XML characters either (XML 1.0,
	 * production [2] Char); a feed containing them is not well-formed.
	 */
	STR_EQ(XML("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"), "abc");
	/* U+FFFD and the last BMP characters before it stay. */
	STR_EQ(XML("\xef\xbf\xbd\xef\xbf\xbc"), "\xef\xbf\xbd\xef\xbf\xbc");
	/* An element: the text escaped, a newline after it. */
	{
		struct buf	 b = BUF_INIT;

		xml_elem(&b, "title", "<b>&\x01");
		buf_addch(&b, '\0');
		STR_EQ(b.data, "<title>&lt;b&gt;&amp;</title>\n");
		buf_free(&b);
	}
}

static void
test_json_str(void)
{
	STR_EQ(JSON(""), "\"\"");
	STR_EQ(JSON("abc"), "\"abc\"");
	STR_EQ(JSON("\""), "\"\\\"\"");
	STR_EQ(JSON("\\"), "\"\\\\\"");
	STR_EQ(JSON("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\"");
	STR_EQ(JSON("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	STR_EQ(JSON("\b\f"), "\"\\u0008\\u000c\"");
	STR_EQ(JSON("\0"), "\"\\u0000\"");
	STR_EQ(JSON("</script><!--&"), "\"\\u003c/script\\u003e\\u003c!--"
	    "\\u0026\"");
	STR_EQ(JSON("'/"), "\"'/\"");
	/* Valid multi-byte UTF-8 is kept as is. */
	STR_EQ(JSON("\xc3\xa9"), "\"\xc3\xa9\"");
	STR_EQ(JSON("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
	STR_EQ(JSON("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	STR_EQ(JSON("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");
	STR_EQ(JSON("\xed\x9f\xbf"), "\"\xed\x9f\xbf\"");	/* U+D7FF */
	STR_EQ(JSON("\xee\x80\x80"), "\"\xee\x80\x80\"");	/* U+E000 */
	/* Overlong encodings. */
	STR_EQ(JSON("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xc1\xbf"), "\"\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xf0\x80\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* Surrogates. */
	STR_EQ(JSON("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xed\xbf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	/* Beyond U+10FFFF, and bytes that never start a sequence. */
	STR_EQ(JSON("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xf5\x80"), "\"\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xff\xfe"), "\"\\ufffd\\ufffd\"");
	/* Truncated sequences, at the end and followed by ASCII. */
	STR_EQ(JSON("\xc3"), "\"\\ufffd\"");
	STR_EQ(JSON("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xf0\x9f\x98"), "\"\\ufffd\\ufffd\\ufffd\"");
	STR_EQ(JSON("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");
	/* A lone continuation byte. */
	STR_EQ(JSON("a\x80z"), "\"a\\ufffdz\"");
}

/* A tiny JSON string decoder */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80)
		buf_addch(b, (int)cp);
	else if (cp < 0x800) {
		buf_addch(b, 0xc0 | (int)(cp >> 6));
		buf_addch(b, 0x80 | (int)(cp & 0x3f));
	} else if (cp < 0x10000) {
		buf_addch(b, 0xe0 | (int)(cp >> 12));
		buf_addch(b, 0x80 | (int)((cp >> 6) & 0x3f));
		buf_addch(b, 0x80 | (int)(cp & 0x3f));
	} else {
		buf_addch(b, 0xf0 | (int)(cp >> 18));
		buf_addch(b, 0x80 | (int)((cp >> 12) & 0x3f));
		buf_addch(b, 0x80 | (int)((cp >> 6) & 0x3f));
		buf_addch(b, 0x80 | (int)(cp & 0x3f));
	}
}

/*
 * Strict RFC 8259 string decoding of s (len bytes): a quote, characters
 * (no raw control characters, valid UTF-8 only) and escapes, a closing
 * quote and nothing after it.  Returns 0 and the decoded bytes in out,
 * or -1.
 */
static int
json_decode(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 1, n, k;
	unsigned long	 cp, lo;
	int		 h;

	if (len < 2 || p[0] != '"' || p[len - 1] != '"')
		return -1;
	while (i < len - 1) {
		if (p[i] < 0x20 || p[i] == '"')
			return -1;
		if (p[i] == '\\') {
			if (i + 1 >= len - 1)
				return -1;
			switch (p[i + 1]) {
			case '"': case '\\': case '/':
				buf_addch(out, p[i + 1]);
				i += 2;
				continue;
			case 'b':
				buf_addch(out, '\b');
				i += 2;
				continue;
			case 'f':
				buf_addch(out, '\f');
				i += 2;
				continue;
			case 'n':
				buf_addch(out, '\n');
				i += 2;
				continue;
			case 'r':
				buf_addch(out, '\r');
				i += 2;
				continue;
			case 't':
				buf_addch(out, '\t');
				i += 2;
				continue;
			case 'u':
				break;
			default:
				return -1;
			}
			if (i + 6 > len - 1)
				return -1;
			for (cp = 0, k = 2; k < 6; k++) {
				if ((h = hexval(p[i + k])) < 0)
					return -1;
				cp = cp << 4 | (unsigned long)h;
			}
			i += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 6 > len - 1 || p[i] != '\\' ||
				    p[i + 1] != 'u')
					return -1;
				for (lo = 0, k = 2; k < 6; k++) {
					if ((h = hexval(p[i + k])) < 0)
						return -1;
					lo = lo << 4 | (unsigned long)h;
				}
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 6;
			}
			put_utf8(out, cp);
			continue;
		}
		/* A raw character: must be valid UTF-8. */
		if (p[i] < 0x80)
			n = 1, cp = p[i];
		else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 2, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 3, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 4, cp = p[i] & 0x07;
		else
			return -1;
		if (i + n > len - 1)
			return -1;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		buf_add(out, p + i, n);
		i += n;
	}
	return 0;
}

/*
 * The expected decoding of json_str(s): s with every byte that does not
 * start a valid UTF-8 sequence replaced by U+FFFD.
 */
static void
expect_decoded(struct buf *out, const unsigned char *s, size_t len)
{
	struct buf	 one = BUF_INIT, dec = BUF_INIT;
	size_t		 i = 0, n, best;

	while (i < len) {
		/* The longest prefix (1-4) that is valid on its own. */
		best = 0;
		for (n = 1; n <= 4 && i + n <= len; n++) {
			buf_reset(&one);
			buf_reset(&dec);
			buf_addch(&one, '"');
			buf_add(&one, s + i, n);
			buf_addch(&one, '"');
			if (json_decode(&dec, one.data, one.len) == 0 &&
			    s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
				best = n;
			if (s[i] < 0x80)
				break;
		}
		if (s[i] < 0x80) {
			buf_addch(out, s[i]);
			i++;
		} else if (best > 0) {
			buf_add(out, s + i, best);
			i += best;
		} else {
			buf_add(out, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	buf_free(&one);
	buf_free(&dec);
}

static void
test_json_roundtrip(void)
{
	static const unsigned char alpha[] = "\"\\/<>&'\n\r\t\b\x01\x1f\x7f"
	    "az09 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80\xc0\x80"
	    "\xff\xf5\x80\xbf";
	struct buf	 in = BUF_INIT, enc = BUF_INIT, dec = BUF_INIT;
	struct buf	 want = BUF_INIT;
	unsigned long	 seed = 12345;
	size_t		 len, i;
	int		 iter, invalid = 0, wrong = 0, unsafe = 0;

	for (iter = 0; iter < 20000; iter++) {
		buf_reset(&in);
		buf_reset(&enc);
		buf_reset(&dec);
		buf_reset(&want);
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = (seed >> 33) % 40;
		for (i = 0; i < len; i++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			/* Half fully random bytes, half from the tricky set. */
			if ((seed >> 62) & 1)
				buf_addch(&in, (int)((seed >> 33) & 0xff));
			else
				buf_addch(&in, alpha[(seed >> 33) %
				    (sizeof(alpha) - 1)]);
		}
		json_str(&enc, in.data, in.len);
		if (json_decode(&dec, enc.data, enc.len) != 0) {
			if (invalid++ == 0)
				fprintf(stderr, "invalid JSON: %s\n",
				    enc.data);
			continue;
		}
		/* Never a raw < > & (the string may sit in a <script>). */
		if (strpbrk(enc.data, "<>&") != NULL)
			unsafe++;
		expect_decoded(&want, (const unsigned char *)in.data, in.len);
		if (dec.len != want.len ||
		    memcmp(dec.data, want.data, dec.len) != 0)
			wrong++;
	}
	INT_EQ(invalid, 0);
	INT_EQ(wrong, 0);
	INT_EQ(unsafe, 0);
	/* The decoder itself rejects what is not a JSON string. */
	OK(json_decode(&dec, "\"a", 2) == -1);
	OK(json_decode(&dec, "\"\x01\"", 3) == -1);
	OK(json_decode(&dec, "\"\\x\"", 4) == -1);
	OK(json_decode(&dec, "\"\xc3\"", 3) == -1);
	OK(json_decode(&dec, "\"\\ud800\"", 8) == -1);
	buf_free(&in);
	buf_free(&enc);
	buf_free(&dec);
	buf_free(&want);
}

int
main(void)
{
	int	rc;

	test_html_text();
	test_html_url();
	test_xml_text();
	test_json_str();
	test_json_roundtrip();
	rc = DONE("test_html");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
