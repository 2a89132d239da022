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
 * HTML mail to plain text, for a message that has no text/plain body,
 * and the UTF-8 repair that every decoded text goes through.  This is
 * not a browser: it keeps the words and the paragraph structure, drops
 * markup, scripts, styles and images, and never fetches anything.
 */

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mimeint.h"
#include "utf8.h"

#define NAME_MAX_	16	/* longest tag or entity name looked at */

/* The output being built: white space is collapsed lazily. */
struct out {
	struct buf	*b;
	size_t		 start;		/* where this text starts in b */
	int		 space;		/* a space is pending */
	int		 nl;		/* newlines at the end of b (0-2) */
	int		 pre;		/* inside <pre> */
	int		 skip;		/* inside script, style, title... */
	char		 skipname[NAME_MAX_ + 1];
};

static void	put_cp(struct buf *, uint32_t);
static size_t	bad_len(const unsigned char *, size_t);
static void	emit(struct out *, const char *, size_t);
static void	brk(struct out *, int);
static int	entity(const char *, size_t, uint32_t *, size_t *);
static void	tag(struct out *, const char *, size_t);

/* Named character references: the common ones and all of Latin-1. */
static const struct {
	const char	*name;
	uint32_t	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "ensp", ' ' }, { "emsp", ' ' },
	{ "thinsp", ' ' }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	{ "lrm", 0x200e }, { "rlm", 0x200f }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "bdquo", 0x201e }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "permil", 0x2030 },
	{ "prime", 0x2032 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
	{ "euro", 0x20ac }, { "trade", 0x2122 }, { "larr", 0x2190 },
	{ "rarr", 0x2192 }, { "minus", 0x2212 }, { "OElig", 0x152 },
	{ "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
	{ "Yuml", 0x178 }, { "fnof", 0x192 }, { "circ", 0x2c6 },
	{ "tilde", 0x2dc },
	{ "iexcl", 0xa1 }, { "cent", 0xa2 }, { "pound", 0xa3 },
	{ "curren", 0xa4 }, { "yen", 0xa5 }, { "brvbar", 0xa6 },
	{ "sect", 0xa7 }, { "uml", 0xa8 }, { "copy", 0xa9 }, { "ordf", 0xaa },
	{ "laquo", 0xab }, { "not", 0xac }, { "shy", 0xad }, { "reg", 0xae },
	{ "macr", 0xaf }, { "deg", 0xb0 }, { "plusmn", 0xb1 },
	{ "sup2", 0xb2 }, { "sup3", 0xb3 }, { "acute", 0xb4 },
	{ "micro", 0xb5 }, { "para", 0xb6 }, { "middot", 0xb7 },
	{ "cedil", 0xb8 }, { "sup1", 0xb9 }, { "ordm", 0xba },
	{ "raquo", 0xbb }, { "frac14", 0xbc }, { "frac12", 0xbd },
	{ "frac34", 0xbe }, { "iquest", 0xbf }, { "Agrave", 0xc0 },
	{ "Aacute", 0xc1 }, { "Acirc", 0xc2 }, { "Atilde", 0xc3 },
	{ "Auml", 0xc4 }, { "Aring", 0xc5 }, { "AElig", 0xc6 },
	{ "Ccedil", 0xc7 }, { "Egrave", 0xc8 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Euml", 0xcb }, { "Igrave", 0xcc },
	{ "Iacute", 0xcd }, { "Icirc", 0xce }, { "Iuml", 0xcf },
	{ "ETH", 0xd0 }, { "Ntilde", 0xd1 }, { "Ograve", 0xd2 },
	{ "Oacute", 0xd3 }, { "Ocirc", 0xd4 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "times", 0xd7 }, { "Oslash", 0xd8 },
	{ "Ugrave", 0xd9 }, { "Uacute", 0xda }, { "Ucirc", 0xdb },
	{ "Uuml", 0xdc }, { "Yacute", 0xdd }, { "THORN", 0xde },
	{ "szlig", 0xdf }, { "agrave", 0xe0 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "atilde", 0xe3 }, { "auml", 0xe4 },
	{ "aring", 0xe5 }, { "aelig", 0xe6 }, { "ccedil", 0xe7 },
	{ "egrave", 0xe8 }, { "eacute", 0xe9 }, { "ecirc", 0xea },
	{ "euml", 0xeb }, { "igrave", 0xec }, { "iacute", 0xed },
	{ "icirc", 0xee }, { "iuml", 0xef }, { "eth", 0xf0 },
	{ "ntilde", 0xf1 }, { "ograve", 0xf2 }, { "oacute", 0xf3 },
	{ "ocirc", 0xf4 }, { "otilde", 0xf5 }, { "ouml", 0xf6 },
	{ "divide", 0xf7 }, { "oslash", 0xf8 }, { "ugrave", 0xf9 },
	{ "uacute", 0xfa }, { "ucirc", 0xfb }, { "uuml", 0xfc },
	{ "yacute", 0xfd }, { "thorn", 0xfe }, { "yuml", 0xff },
};

/* Elements whose content is not text. */
static const char *const skipped[] = {
	"script", "style", "title", "template", "noscript", "object",
	"iframe", "svg", "math", "select", "textarea", "xml",
};

/* Elements that end a line, and those that end a paragraph. */
static const char *const lines[] = {
	"br", "div", "tr", "li", "dt", "dd", "caption", "option", "hr",
	"center", "address", "figcaption", "legend", "fieldset", "nav",
	"section", "article", "aside", "header", "footer", "main", "form",
	"details", "summary",
};
static const char *const paras[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table",
	"blockquote", "pre", "body",
};

/* Appends the code point cp as UTF-8. */
static void
put_cp(struct buf *b, uint32_t cp)
{
	char	 s[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		s[0] = (char)cp;
		buf_add(b, s, 1);
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | cp >> 18);
		s[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		s[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 4);
	}
}

int
utf8_valid(const char *s, size_t len)
{
	size_t	 i = 0;
	int	 n;

	while (i < len) {
		if ((n = utf8_decode(NULL, s + i, len - i)) == -1)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/*
 * The length of the maximal subpart of an ill-formed sequence at p
 * (len > 0 bytes, utf8_decode() refused it): the lead byte and as many
 * of the bytes after it as could still start a valid sequence, at
 * least 1 (Unicode 15, table 3-7).
 */
static size_t
bad_len(const unsigned char *p, size_t len)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 2;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 3;
	else
		return 1;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i <= need && i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

int
utf8_append(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i = 0, run;
	int			 n, lossy = 0;

	buf_grow(out, len);
	while (i < len) {
		/* Plain printable ASCII in one go. */
		for (run = i; run < len && p[run] >= 0x20 && p[run] < 0x7f;
		    run++)
			;
		if (run > i) {
			buf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		if (p[i] == '\r') {
			buf_addch(out, '\n');
			i += i + 1 < len && p[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		if (p[i] == '\n' || p[i] == '\t') {
			buf_addch(out, p[i]);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			lossy = 1;
			i++;
			continue;
		}
		if ((n = utf8_decode(&cp, s + i, len - i)) == -1) {
			put_cp(out, 0xfffd);
			lossy = 1;
			i += bad_len(p + i, len - i);
			continue;
		}
		/* C1 controls are dropped too. */
		if (cp >= 0x80 && cp < 0xa0) {
			lossy = 1;
			i += (size_t)n;
			continue;
		}
		buf_add(out, s + i, (size_t)n);
		i += (size_t)n;
	}
	return lossy;
}

/* Text: white space collapses to one pending space, except in <pre>. */
static void
emit(struct out *o, const char *s, size_t n)
{
	size_t	 i, j;

	if (o->skip)
		return;
	for (i = 0; i < n; i = j) {
		if (!o->pre && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f')) {
			o->space = 1;
			j = i + 1;
			continue;
		}
		if (o->pre && (s[i] == '\n' || s[i] == '\r')) {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			buf_addch(o->b, '\n');
			o->nl = o->nl < 2 ? o->nl + 1 : 2;
			o->space = 0;
			j = i + 1;
			continue;
		}
		for (j = i; j < n && (o->pre ? s[j] != '\n' && s[j] != '\r' :
		    s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
		    s[j] != '\r' && s[j] != '\f'); j++)
			;
		if (o->space && o->nl == 0 && o->b->len > o->start)
			buf_addch(o->b, ' ');
		o->space = 0;
		utf8_append(o->b, s + i, j - i);
		o->nl = 0;
	}
}

/* Ends the line (n 1) or the paragraph (n 2). */
static void
brk(struct out *o, int n)
{
	if (o->skip)
		return;
	o->space = 0;
	/* Trailing blanks of the line go. */
	while (o->b->len > o->start && o->b->data[o->b->len - 1] == ' ')
		buf_truncate(o->b, o->b->len - 1);
	if (o->b->len == o->start)
		return;
	while (o->nl < n) {
		buf_addch(o->b, '\n');
		o->nl++;
	}
}

/*
 * Decodes the character reference at s ("&...", n bytes available):
 * sets *cpp and *usedp and returns 1, or returns 0 if it is none (the
 * '&' is then text).
 */
static int
entity(const char *s, size_t n, uint32_t *cpp, size_t *usedp)
{
	char		 name[NAME_MAX_ + 1];
	uint32_t	 cp = 0;
	size_t		 i, k;
	int		 hex, digits = 0;

	if (n >= 3 && s[1] == '#') {
		hex = s[2] == 'x' || s[2] == 'X';
		for (i = hex ? 3 : 2; i < n; i++) {
			if (s[i] >= '0' && s[i] <= '9')
				k = (size_t)(s[i] - '0');
			else if (hex && s[i] >= 'a' && s[i] <= 'f')
				k = (size_t)(s[i] - 'a' + 10);
			else if (hex && s[i] >= 'A' && s[i] <= 'F')
				k = (size_t)(s[i] - 'A' + 10);
			else
				break;
			if (cp <= 0x10ffff)
				cp = cp * (hex ? 16 : 10) + (uint32_t)k;
			digits++;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		/* Windows-1252 numbers, as browsers read them. */
		if (cp >= 0x80 && cp < 0xa0)
			cp = 0xfffd;
		*cpp = cp == 0 || cp > 0x10ffff ? 0xfffd : cp;
		*usedp = i;
		return 1;
	}
	for (i = 1; i < n && i <= NAME_MAX_ &&
	    ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= '0' && s[i] <= '9')); i++)
		name[i - 1] = s[i];
	if (i == 1 || i > NAME_MAX_)
		return 0;
	name[i - 1] = '\0';
	for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
		if (strcmp(entities[k].name, name) == 0)
			break;
	if (k == sizeof(entities) / sizeof(entities[0]))
		return 0;
	if (i < n && s[i] == ';')
		i++;
	*cpp = entities[k].cp;
	*usedp = i;
	return 1;
}

/* A tag's text (between '<' and '>', n bytes): its effect on layout. */
static void
tag(struct out *o, const char *s, size_t n)
{
	char	 name[NAME_MAX_ + 1];
	size_t	 i = 0, k, len = 0;
	int	 end = 0;

	if (i < n && s[i] == '/') {
		end = 1;
		i++;
	}
	while (i < n && len < NAME_MAX_ && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		name[len++] = s[i++];
	name[len] = '\0';
	if (len == 0)
		return;
	if (o->skip) {
		if (end && strcasecmp(name, o->skipname) == 0)
			o->skip = 0;
		return;
	}
	for (k = 0; k < sizeof(skipped) / sizeof(skipped[0]); k++)
		if (strcasecmp(name, skipped[k]) == 0) {
			/* <script/> and the like have no content. */
			if (!end && !(n > 0 && s[n - 1] == '/')) {
				o->skip = 1;
				memcpy(o->skipname, name, len + 1);
			}
			return;
		}
	if (strcasecmp(name, "pre") == 0)
		o->pre = !end;
	if (strcasecmp(name, "li") == 0 && !end) {
		brk(o, 1);
		buf_addstr(o->b, "- ");
		o->nl = 0;
		return;
	}
	if ((strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0) &&
	    !end) {
		o->space = 1;
		return;
	}
	for (k = 0; k < sizeof(paras) / sizeof(paras[0]); k++)
		if (strcasecmp(name, paras[k]) == 0) {
			brk(o, 2);
			return;
		}
	for (k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		if (strcasecmp(name, lines[k]) == 0) {
			if (strcasecmp(name, "br") == 0) {
				/* <br><br> is a blank line. */
				if (o->nl < 2 && o->b->len > o->start) {
					while (o->b->len > o->start &&
					    o->b->data[o->b->len - 1] == ' ')
						buf_truncate(o->b,
						    o->b->len - 1);
					buf_addch(o->b, '\n');
					o->nl++;
				}
				o->space = 0;
			} else
				brk(o, 1);
			return;
		}
	/* Inline elements (a, span, b, img...) leave no trace. */
}

void
html_to_text(struct buf *out, const char *h, size_t len)
{
	struct out	 o;
	uint32_t	 cp;
	size_t		 i = 0, j, used;
	char		 q, c;

	memset(&o, 0, sizeof(o));
	o.b = out;
	o.start = out->len;
	o.nl = 2;
	while (i < len) {
		if (h[i] == '<') {
			if (len - i >= 4 && memcmp(h + i, "<!--", 4) == 0) {
				for (j = i + 4; j + 3 <= len &&
				    memcmp(h + j, "-->", 3) != 0; j++)
					;
				i = j + 3 <= len ? j + 3 : len;
				continue;
			}
			c = i + 1 < len ? h[i + 1] : '\0';
			if (c == '!' || c == '?' || c == '/' ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				/* A tag: up to '>' outside quotes. */
				for (j = i + 1, q = 0; j < len; j++) {
					if (q != 0) {
						if (h[j] == q)
							q = 0;
					} else if (h[j] == '"' || h[j] == '\'')
						q = h[j];
					else if (h[j] == '>')
						break;
				}
				if (h[i + 1] != '!' && h[i + 1] != '?')
					tag(&o, h + i + 1, j - i - 1);
				i = j < len ? j + 1 : len;
				continue;
			}
			emit(&o, "<", 1);
			i++;
			continue;
		}
		if (h[i] == '&') {
			if (!o.skip && entity(h + i, len - i, &cp, &used)) {
				if (cp == ' ' && !o.pre)
					o.space = 1;
				else {
					struct buf	 t = BUF_INIT;

					put_cp(&t, cp);
					emit(&o, t.data, t.len);
					buf_free(&t);
				}
				i += used;
				continue;
			}
			emit(&o, "&", 1);
			i++;
			continue;
		}
		for (j = i; j < len && h[j] != '<' && h[j] != '&'; j++)
			;
		emit(&o, h + i, j - i);
		i = j;
	}
	brk(&o, 1);
	/* One final newline, no blank lines at the end. */
	while (out->len > o.start + 1 && out->data[out->len - 1] == '\n' &&
	    out->data[out->len - 2] == '\n')
		buf_truncate(out, out->len - 1);
}
