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
 * The character scanners of the de-identification check, shaped like
 * cmark's: each looks at the text from one offset and returns the
 * length of what it recognises there (a host name, an IP address, a
 * date in digits, a phone number), or 0.  lint_scan_chars() runs them
 * over the mask and adds the findings.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint.h"
#include "lint_int.h"
#include "nm.h"
#include "utf8.h"

static int	 word_before(const char *, size_t);
static size_t	 trim_punct(const char *, size_t, size_t);
static size_t	 host_at(const char *, size_t, size_t,
		    const struct lint_data *);
static size_t	 url_end(const char *, size_t, size_t);
static size_t	 ipv4_at(const char *, size_t, size_t);
static size_t	 ipv6_at(const char *, size_t, size_t);
static int	 valid_day(int, int);
static size_t	 numdate_at(const char *, size_t, size_t);
static size_t	 phone_at(const char *, size_t, size_t);
static size_t	 clock_word(const char *, size_t, size_t, int);
static size_t	 clock_at(const char *, size_t, size_t);
static size_t	 mark_at(const char *, size_t, size_t, int);
static size_t	 coord_at(const char *, size_t, size_t, int *, int *,
		    int *);
static size_t	 gps_at(const char *, size_t, size_t);

int
lint_utf8_get(const char *s, size_t n, size_t i, unsigned int *cp)
{
	uint32_t	 c;
	int		 len;

	if ((len = utf8_decode(&c, s + i, n - i)) == -1) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = c;
	return len;
}

int
lint_is_letter(unsigned int c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if (c >= 0x2000 && c <= 0x2bff)	/* punctuation, symbols, arrows */
		return 0;
	if (c >= 0x3000 && c <= 0x303f)
		return 0;
	if (c == 0xfeff || c == 0xfffd || c >= 0x1f000)
		return 0;
	return 1;
}

int
lint_is_upper(unsigned int c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return 1;
	/* Latin Extended-A: capitals and small letters alternate. */
	if (c >= 0x100 && c <= 0x137)
		return c % 2 == 0;
	if (c >= 0x139 && c <= 0x148)
		return c % 2 == 1;
	if (c >= 0x14a && c <= 0x177)
		return c % 2 == 0;
	if (c == 0x178)
		return 1;
	if (c >= 0x179 && c <= 0x17e)
		return c % 2 == 1;
	return 0;
}

int
lint_is_lower(unsigned int c)
{
	return lint_is_letter(c) && !lint_is_upper(c);
}

size_t
lint_digits_at(const char *m, size_t len, size_t i)
{
	size_t	 n = 0;

	while (i + n < len && isdigit((unsigned char)m[i + n]))
		n++;
	return n;
}

int
lint_word_char(const char *m, size_t len, size_t i)
{
	unsigned int	 cp;

	if (i >= len)
		return 0;
	lint_utf8_get(m, len, i, &cp);
	return lint_is_letter(cp) || (cp >= '0' && cp <= '9');
}

/* The byte before i is a word character (start of text: no). */
static int
word_before(const char *m, size_t i)
{
	unsigned char	 c;

	if (i == 0)
		return 0;
	c = (unsigned char)m[i - 1];
	if (c < 0x80)
		return isalnum(c);
	return c >= 0x80;	/* inside a multibyte letter */
}

/* Trailing sentence punctuation is not part of a URL or host. */
static size_t
trim_punct(const char *m, size_t off, size_t end)
{
	while (end > off && strchr(".,;:!?)'\"", m[end - 1]) != NULL)
		end--;
	return end;
}

/*
 * A host name at m[i]: labels of letters, digits and '-' joined by
 * dots, at least two; returns its length (0 if none).  With tld (not
 * NULL), the last label must be one of its top-level domains (all small
 * letters, or all capitals).
 */
static size_t
host_at(const char *m, size_t len, size_t i, const struct lint_data *tld)
{
	size_t	 p = i, lab = i, labels = 0, last = i;
	int	 lo = 0, up = 0;

	for (;;) {
		lab = p;
		while (p < len && (isalnum((unsigned char)m[p]) ||
		    m[p] == '-'))
			p++;
		if (p == lab)
			break;
		labels++;
		last = lab;
		if (p < len && m[p] == '.' && p + 1 < len &&
		    isalnum((unsigned char)m[p + 1]))
			p++;
		else
			break;
	}
	if (labels < 2)
		return 0;
	if (tld != NULL) {
		size_t	 k;

		for (k = last; k < p; k++) {
			if (islower((unsigned char)m[k]))
				lo = 1;
			else if (isupper((unsigned char)m[k]))
				up = 1;
			else
				return 0;
		}
		if ((lo && up) || p - last < 2 || !lint_fixed_is(tld, m + last,
		    p - last, FX_TLD))
			return 0;
	}
	return p - i;
}

/* The end of a URL or path that starts at i. */
static size_t
url_end(const char *m, size_t len, size_t i)
{
	while (i < len && !isspace((unsigned char)m[i]) && m[i] != '<' &&
	    m[i] != '>' && m[i] != '"' && m[i] != '`' && m[i] != ']' &&
	    m[i] != '[' && m[i] != BOUNDARY)
		i++;
	return i;
}

/* Dotted quad at i, each part 0-255: its length, or 0. */
static size_t
ipv4_at(const char *m, size_t len, size_t i)
{
	size_t	 p = i, n;
	int	 part, v;

	for (part = 0; part < 4; part++) {
		if ((n = lint_digits_at(m, len, p)) == 0 || n > 3)
			return 0;
		v = atoi(m + p);
		if (v > 255 || (n > 1 && m[p] == '0'))
			return 0;
		p += n;
		if (part < 3) {
			if (p >= len || m[p] != '.')
				return 0;
			p++;
		}
	}
	/* Not part of a longer dotted number (a version, a date). */
	if (p < len && (isalnum((unsigned char)m[p]) || (m[p] == '.' &&
	    p + 1 < len && isdigit((unsigned char)m[p + 1]))))
		return 0;
	return p - i;
}

/* An IPv6 address at i (inet_pton accepts it): its length, or 0. */
static size_t
ipv6_at(const char *m, size_t len, size_t i)
{
	struct in6_addr	 a;
	char		 s[64];
	size_t		 p = i, colons = 0, hex = 0;

	/* Never past sizeof(s): linear time over a long run of hex digits. */
	while (p < len && p - i < sizeof(s) && (isxdigit((unsigned char)m[p]) ||
	    m[p] == ':' || (m[p] == '.' && p + 1 < len &&
	    isdigit((unsigned char)m[p + 1])))) {
		if (m[p] == ':')
			colons++;
		else if (isxdigit((unsigned char)m[p]))
			hex++;
		p++;
	}
	while (p > i && m[p - 1] == ':' && !(p - i >= 2 && m[p - 2] == ':'))
		p--, colons--;
	if (colons < 2 || hex == 0 || p - i >= sizeof(s) ||
	    (p < len && isalnum((unsigned char)m[p])))
		return 0;
	memcpy(s, m + i, p - i);
	s[p - i] = '\0';
	if (inet_pton(AF_INET6, s, &a) != 1)
		return 0;
	return p - i;
}

static int
valid_day(int mo, int d)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/*
 * A date in digits at i: YYYY-MM-DD (or / .), M/D/YYYY, M-D-YY,
 * D.M.YYYY (the same separator twice).  Its length, or 0.
 */
static size_t
numdate_at(const char *m, size_t len, size_t i)
{
	size_t	 a, b, c, p = i;
	int	 va, vb, vc;
	char	 sep;

	if ((a = lint_digits_at(m, len, p)) == 0 || a > 4)
		return 0;
	va = atoi(m + p);
	p += a;
	if (p >= len || strchr("-/.", m[p]) == NULL)
		return 0;
	sep = m[p++];
	if ((b = lint_digits_at(m, len, p)) == 0 || b > 2)
		return 0;
	vb = atoi(m + p);
	p += b;
	if (p >= len || m[p] != sep)
		return 0;
	p++;
	if ((c = lint_digits_at(m, len, p)) == 0 || c > 4)
		return 0;
	vc = atoi(m + p);
	p += c;
	/* 2025-05-19T14:10 */
	if (a == 4 && p + 1 < len && m[p] == 'T' &&
	    isdigit((unsigned char)m[p + 1]) && valid_day(vb, vc))
		return p - i;
	if (p < len && (isalnum((unsigned char)m[p]) || ((m[p] == sep ||
	    m[p] == '.' || m[p] == '-') && p + 1 < len &&
	    isdigit((unsigned char)m[p + 1]))))
		return 0;
	if (a == 4 && c <= 2 && va >= 1900 && va <= 2099 &&
	    valid_day(vb, vc))
		return p - i;
	if (a <= 2 && (c == 4 || c == 2) && (valid_day(va, vb) ||
	    valid_day(vb, va)) && (c == 2 || (vc >= 1900 && vc <= 2099)))
		return p - i;
	return 0;
}

/*
 * A phone number at i (after an optional '+' at i): US forms
 * ((555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567,
 * 1-800-555-1212, 555-1234) and international ones (+44 20 7946 0958,
 * 0044 ..., 020 7946 0958).  Its length, or 0.
 */
static size_t
phone_at(const char *m, size_t len, size_t i)
{
	size_t	 p = i, g[8], ng = 0, total = 0, n;
	int	 plus = 0, paren = 0, mixed = 0;
	char	 sep = 0;

	if (m[p] == '+') {
		plus = 1;
		p++;
	}
	for (;;) {
		if (p < len && m[p] == '(' && !paren) {
			/* (312) 555-0199; +44 (0)20 7946 0958 */
			paren = 1;
			if ((n = lint_digits_at(m, len, p + 1)) == 0 || n > 4 ||
			    p + 1 + n >= len || m[p + 1 + n] != ')' ||
			    ng == NM_NELEM(g))
				return 0;
			g[ng++] = n;
			total += n;
			p += n + 2;
			if (p + 1 < len && (m[p] == ' ' || m[p] == '-') &&
			    isdigit((unsigned char)m[p + 1]))
				p++;
			if (p < len && isdigit((unsigned char)m[p]))
				continue;
			return 0;
		}
		if ((n = lint_digits_at(m, len, p)) == 0 || ng == NM_NELEM(g))
			break;
		g[ng++] = n;
		total += n;
		p += n;
		if (p + 1 < len && strchr(" -.", m[p]) != NULL &&
		    (isdigit((unsigned char)m[p + 1]) || (m[p + 1] == '(' &&
		    !paren))) {
			if (sep != 0 && m[p] != sep)
				mixed = 1;
			sep = m[p];
			p++;
			continue;
		}
		break;
	}
	if (ng == 0 || (p < len && isalnum((unsigned char)m[p])))
		return 0;
	/* International: + (or 00) and 8 to 15 digits, any separators. */
	if (plus || (g[0] == 2 && m[i] == '0' && m[i + 1] == '0')) {
		if (total >= 8 && total <= 15 && (ng >= 2 || plus))
			return p - i;
		return 0;
	}
	if (paren && ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4)
		return p - i;
	if (sep == 0 || mixed || paren)
		return 0;
	if (ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4)
		return p - i;
	if (ng == 4 && g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == 4)
		return p - i;
	if (ng == 2 && g[0] == 3 && g[1] == 4 && sep != ' ')
		return p - i;
	/* National numbers abroad: a leading 0, 10 or 11 digits. */
	if (m[i] == '0' && ng >= 2 && ng <= 4 && (total == 10 ||
	    total == 11) && sep == ' ')
		return p - i;
	return 0;
}

/*
 * The word after a clock time at i ("a.m.", "pm", "hours", "hrs"; with
 * four digits, "hours", "hrs", "hr" and "h" only): its length, or 0.
 */
static size_t
clock_word(const char *m, size_t len, size_t i, int four)
{
	static const char *const words[] = {
		"hours", "hrs", "hr", "h", "a.m.", "p.m.", "a.m", "p.m", "am",
		"pm",
	};
	size_t	 k, n;

	for (k = 0; k < NM_NELEM(words); k++) {
		if (four && k > 3)
			break;
		n = strlen(words[k]);
		if (i + n <= len && strncasecmp(m + i, words[k], n) == 0 &&
		    (words[k][n - 1] == '.' || !lint_word_char(m, len, i + n)))
			return n;
	}
	return 0;
}

/*
 * A clock time at i: "0215 hours", "0215hrs", "02:15", "2:15 a.m.",
 * "14:10:05".  Four digits alone ("0215") are no time.  Its length, or
 * 0.
 */
static size_t
clock_at(const char *m, size_t len, size_t i)
{
	size_t	 p = i, n, q, w;
	int	 h, mi;

	n = lint_digits_at(m, len, p);
	if (n == 4) {
		h = (m[p] - '0') * 10 + m[p + 1] - '0';
		mi = (m[p + 2] - '0') * 10 + m[p + 3] - '0';
		if (h > 24 || mi > 59)
			return 0;
		q = p + 4;
		if (q < len && m[q] == ' ')
			q++;
		if ((w = clock_word(m, len, q, 1)) > 0)
			return q + w - i;
		return 0;
	}
	if (n != 1 && n != 2)
		return 0;
	h = atoi(m + p);
	p += n;
	if (h > 24 || p >= len || m[p] != ':' ||
	    lint_digits_at(m, len, p + 1) != 2)
		return 0;
	mi = atoi(m + p + 1);
	p += 3;
	if (mi > 59)
		return 0;
	if (p < len && m[p] == ':' && lint_digits_at(m, len, p + 1) == 2)
		p += 3;
	if (p < len && (isdigit((unsigned char)m[p]) || (m[p] == ':' &&
	    p + 1 < len && isdigit((unsigned char)m[p + 1]))))
		return 0;
	q = p;
	if (q < len && m[q] == ' ')
		q++;
	if ((w = clock_word(m, len, q, 0)) > 0)
		return q + w - i;
	return p - i;
}

/*
 * The mark of degrees (what = 0: U+00B0 or U+00BA), minutes (1: ' or
 * U+2032) or seconds (2: " or U+2033 or '') at i: its length, or 0.
 */
static size_t
mark_at(const char *m, size_t len, size_t i, int what)
{
	static const char *const marks[3][3] = {
		{ "\xc2\xb0", "\xc2\xba", NULL },
		{ "\xe2\x80\xb2", "'", NULL },
		{ "\xe2\x80\xb3", "''", "\"" },
	};
	size_t	 k, n;

	for (k = 0; k < 3 && marks[what][k] != NULL; k++) {
		n = strlen(marks[what][k]);
		if (i + n <= len && memcmp(m + i, marks[what][k], n) == 0)
			return n;
	}
	return 0;
}

/*
 * One coordinate at i: "38.8977", "-77.0365", "38°53'51.6\"N",
 * "N 38°53.86'".  *deg its degrees, *dec the digits of their decimals,
 * *marked whether it has a mark of degrees or a hemisphere.  Its
 * length, or 0.
 */
static size_t
coord_at(const char *m, size_t len, size_t i, int *deg, int *dec,
    int *marked)
{
	size_t	 p = i, n, q, k;
	int	 what;

	*dec = *marked = 0;
	if (p + 1 < len && strchr("NSEW", m[p]) != NULL && (m[p + 1] == ' ' ||
	    isdigit((unsigned char)m[p + 1]))) {
		*marked = 1;
		p += m[p + 1] == ' ' ? 2 : 1;
	}
	if (p < len && (m[p] == '-' || m[p] == '+'))
		p++;
	if ((n = lint_digits_at(m, len, p)) == 0 || n > 3)
		return 0;
	*deg = atoi(m + p);
	p += n;
	if (p + 1 < len && m[p] == '.' && isdigit((unsigned char)m[p + 1])) {
		*dec = (int)lint_digits_at(m, len, p + 1);
		p += 1 + (size_t)*dec;
	}
	if ((k = mark_at(m, len, p, 0)) > 0) {
		*marked = 1;
		p += k;
		/* Minutes, then seconds. */
		for (what = 1; what <= 2; what++) {
			q = p;
			if (q < len && m[q] == ' ')
				q++;
			if ((n = lint_digits_at(m, len, q)) == 0 || n > 2)
				break;
			q += n;
			if (q + 1 < len && m[q] == '.' &&
			    isdigit((unsigned char)m[q + 1]))
				q += 1 + lint_digits_at(m, len, q + 1);
			if ((k = mark_at(m, len, q, what)) == 0)
				break;
			p = q + k;
		}
	}
	q = p;
	if (q < len && m[q] == ' ')
		q++;
	if (q < len && strchr("NSEW", m[q]) != NULL &&
	    !lint_word_char(m, len, q + 1)) {
		*marked = 1;
		p = q + 1;
	}
	return p - i;
}

/*
 * GPS coordinates at i, a latitude and a longitude: in decimal degrees
 * with three decimals at least ("38.8977, -77.0365"), or with marks of
 * degrees or hemispheres ("38°53'51.6\"N 77°02'11.6\"W").  Their
 * length, or 0.
 */
static size_t
gps_at(const char *m, size_t len, size_t i)
{
	size_t	 a, b, p;
	int	 d1, d2, dec1, dec2, mk1, mk2;

	if ((a = coord_at(m, len, i, &d1, &dec1, &mk1)) == 0)
		return 0;
	p = i + a;
	if (p < len && (m[p] == ',' || m[p] == '/'))
		p++;
	if (p < len && m[p] == ' ')
		p++;
	if (p == i + a || (b = coord_at(m, len, p, &d2, &dec2, &mk2)) == 0)
		return 0;
	if (d1 > 90 || d2 > 180 || lint_word_char(m, len, p + b))
		return 0;
	if ((dec1 >= 3 && dec2 >= 3) || (mk1 && mk2))
		return p + b - i;
	return 0;
}

void
lint_scan_chars(struct lint *L)
{
	const char	*m = L->m;
	size_t		 len = L->len, i, a, b, n;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)m[i];

		if (c == '@') {
			/* local@host */
			for (a = i; a > 0 && (isalnum((unsigned char)m[a - 1])
			    || strchr("._%+-", m[a - 1]) != NULL); a--)
				;
			while (a < i && m[a] == '.')
				a++;
			if (a < i && (n = host_at(m, len, i + 1, NULL)) > 0) {
				b = i + 1 + n;
				if (isalpha((unsigned char)m[b - 1])) {
					lint_add(L, K_EMAIL, a, b);
					i = b - 1;
					continue;
				}
			}
		}
		if (c == ':' && i + 2 < len && m[i + 1] == '/' &&
		    m[i + 2] == '/') {
			for (a = i; a > 0 && (isalnum((unsigned char)m[a - 1])
			    || strchr("+.-", m[a - 1]) != NULL); a--)
				;
			if (a < i && isalpha((unsigned char)m[a]) &&
			    (n = host_at(m, len, i + 3, NULL)) > 0) {
				b = trim_punct(m, a, url_end(m, len, i + 3));
				lint_add(L, K_URL, a, b);
				i = b > i ? b - 1 : i;
				continue;
			}
			if (a < i && isalpha((unsigned char)m[a]) &&
			    i + 3 < len && m[i + 3] == '[') {
				b = trim_punct(m, a, url_end(m, len, i + 4));
				lint_add(L, K_URL, a, b);
				continue;
			}
		}
		if (word_before(m, i) || m[i] == '.')
			continue;
		if ((isdigit(c) || c == '-' || c == '+' || strchr("NSEW", c) !=
		    NULL) && (n = gps_at(m, len, i)) > 0) {
			lint_add(L, K_ADDRESS, i, i + n);
			i += n - 1;
			continue;
		}
		if (i > 0 && (m[i - 1] == '@' || m[i - 1] == '.' ||
		    m[i - 1] == '/'))
			continue;
		if (isalnum(c) && (n = host_at(m, len, i, L->d)) > 0) {
			b = i + n;
			if (b < len && (m[b] == '/' || m[b] == ':'))
				b = url_end(m, len, b);
			b = trim_punct(m, i, b);
			lint_add(L, K_URL, i, b);
			i = b - 1;
			continue;
		}
		if (isxdigit(c) || c == ':') {
			if ((n = ipv6_at(m, len, i)) > 0) {
				lint_add(L, K_IP, i, i + n);
				i += n - 1;
				continue;
			}
		}
		if (c == '#' && i + 1 < len) {
			size_t	 d = 0;

			for (b = i + 1; b < len && (isalnum((unsigned char)
			    m[b]) || (m[b] == '-' && b + 1 < len &&
			    isalnum((unsigned char)m[b + 1]))); b++)
				if (isdigit((unsigned char)m[b]))
					d++;
			if (d >= 2) {
				lint_add(L, K_NUMBER, i, b);
				i = b - 1;
			}
			continue;
		}
		if (!isdigit(c) && !(c == '+' && i + 1 < len &&
		    isdigit((unsigned char)m[i + 1])) && !(c == '(' &&
		    i + 1 < len && isdigit((unsigned char)m[i + 1])))
			continue;
		if (isdigit(c) && (n = clock_at(m, len, i)) > 0) {
			lint_add(L, K_DATE, i, i + n);
			i += n - 1;
			continue;
		}
		if (isdigit(c) && (n = ipv4_at(m, len, i)) > 0) {
			lint_add(L, K_IP, i, i + n);
			i += n - 1;
			continue;
		}
		if (isdigit(c) && (n = numdate_at(m, len, i)) > 0) {
			lint_add(L, K_DATE, i, i + n);
			i += n - 1;
			continue;
		}
		if ((n = phone_at(m, len, i)) > 0) {
			lint_add(L, K_PHONE, i, i + n);
			i += n - 1;
			continue;
		}
		if (!isdigit(c))
			continue;
		/* ddd-dd-dddd (a social security number) */
		if (lint_digits_at(m, len, i) == 3 && i + 11 <= len &&
		    m[i + 3] == '-' && lint_digits_at(m, len, i + 4) == 2 &&
		    m[i + 6] == '-' && lint_digits_at(m, len, i + 7) == 4 &&
		    !lint_word_char(m, len, i + 11)) {
			lint_add(L, K_NUMBER, i, i + 11);
			i += 10;
			continue;
		}
		/* Six or more digits, alone or joined by hyphens. */
		{
			size_t	 d = 0, p = i, groups = 0, g2 = 0;
			int	 year = (m[i] == '1' && m[i + 1] == '9') ||
				    (m[i] == '2' && m[i + 1] == '0');

			for (;;) {
				n = lint_digits_at(m, len, p);
				d += n;
				if (groups++ == 1)
					g2 = n;
				p += n;
				if (p + 1 < len && m[p] == '-' &&
				    isdigit((unsigned char)m[p + 1]))
					p++;
				else
					break;
			}
			/*
			 * 2019-2024 is a span of years, 2024-11 a month,
			 * 2024-0042 an id of this archive (a report number
			 * needs a context word, "case 2024-0042", to be
			 * flagged).
			 */
			/* 66604-1234: a ZIP+4 code. */
			if (groups == 2 && g2 == 4 &&
			    lint_digits_at(m, len, i) == 5 &&
			    !lint_word_char(m, len, p)) {
				lint_add(L, K_ADDRESS, i, p);
				i = p - 1;
				continue;
			}
			if (d >= 6 && !lint_word_char(m, len, p) &&
			    !(groups == 2 && year && (g2 == 4 || (g2 == 2 &&
			    valid_day(atoi(m + i + 5), 1))) &&
			    lint_digits_at(m, len, i) == 4)) {
				lint_add(L, K_NUMBER, i, p);
			}
			i = p - 1;
		}
	}
}
