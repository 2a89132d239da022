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
 * The receipts file (see receipts.h and nearmiss-content(5)): a sorted
 * array of entries, a strict parser for a file anyone with commit access
 * can edit, and the atomic writer nearmiss-review uses.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "nm.h"
#include "receipts.h"
#include "report.h"
#include "utf8.h"

struct receipts {
	struct receipt_entry	*e;
	size_t			 n, cap;
};

static const char *const state_names[] = {
	"received", "draft", "rejected"
};

static int	hexval(int);
static int	hash_parse(unsigned char[32], const char *);
static size_t	find_pos(const struct receipts *, const unsigned char[32],
		    int *);
static const char *reason_check(const char *, size_t);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 64 lowercase hex digits at s into h; 0, or -1 if not. */
static int
hash_parse(unsigned char h[32], const char *s)
{
	int	 hi, lo;
	size_t	 i;

	for (i = 0; i < 32; i++) {
		if ((hi = hexval((unsigned char)s[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)s[2 * i + 1])) < 0)
			return -1;
		h[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * The index of the entry for h, or where it would go; *found says which.
 */
static size_t
find_pos(const struct receipts *r, const unsigned char h[32], int *found)
{
	size_t	 lo = 0, hi = r->n, mid;
	int	 c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(r->e[mid].hash, h, 32);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * NULL if s (len bytes) is an acceptable rejection reason, else what is
 * wrong with it.  The reason is published: one line of strict UTF-8
 * (RFC 3629) without control characters (C0, DEL, C1, U+2028, U+2029),
 * not starting or ending with a space, at most RECEIPTS_REASON_MAX bytes.
 */
static const char *
reason_check(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 cp;
	size_t			 i = 0;
	int			 n;

	if (len == 0)
		return "empty reason";
	if (len > RECEIPTS_REASON_MAX)
		return "reason longer than 500 bytes";
	if (s[0] == ' ' || s[len - 1] == ' ')
		return "reason starts or ends with a space";
	while (i < len) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return "control character in the reason";
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(&cp, str + i, len - i)) == -1)
			return "reason is not valid UTF-8";
		if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029)
			return "control character in the reason";
		i += (size_t)n;
	}
	return NULL;
}

struct receipts *
receipts_new(void)
{
	return xcalloc(1, sizeof(struct receipts));
}

void
receipts_free(struct receipts *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->e[i].arg);
	free(r->e);
	free(r);
}

const char *
receipts_state_name(enum receipt_state st)
{
	if ((size_t)st >= NM_NELEM(state_names))
		return "?";
	return state_names[st];
}

int
receipts_parse(struct receipts **out, const char *name, const char *data,
    size_t len)
{
	struct receipts	*r;
	unsigned char	 h[32];
	const char	*p, *end, *nl, *st, *arg, *why;
	char		*a;
	size_t		 stlen, arglen;
	unsigned long	 line = 0;
	int		 state, rc = -1;

	*out = NULL;
	r = receipts_new();
	for (p = data, end = data + len; p < end; p = nl + 1) {
		line++;
		a = NULL;
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			log_at(name, line, "no newline at the end of the line");
			goto out;
		}
		if (nl > p && nl[-1] == '\r') {
			log_at(name, line, "carriage return at the end of "
			    "the line (the file must use LF only)");
			goto out;
		}
		if (memchr(p, '\0', nl - p) != NULL) {
			log_at(name, line, "NUL byte in the line");
			goto out;
		}
		if (nl - p < 65 || hash_parse(h, p) == -1 || p[64] != ' ') {
			log_at(name, line, "expected 64 lowercase hex digits "
			    "(the SHA-256 of a receipt code), a space and a "
			    "state");
			goto out;
		}
		st = p + 65;
		arg = memchr(st, ' ', nl - st);
		stlen = (arg != NULL ? arg : nl) - st;
		if (arg != NULL) {
			arg++;
			arglen = nl - arg;
		} else
			arglen = 0;
		for (state = 0; state < (int)NM_NELEM(state_names); state++)
			if (strlen(state_names[state]) == stlen &&
			    memcmp(state_names[state], st, stlen) == 0)
				break;
		switch (state) {
		case RECEIPT_RECEIVED:
			if (arg != NULL) {
				log_at(name, line, "received takes nothing "
				    "after it");
				goto out;
			}
			break;
		case RECEIPT_DRAFT:
			if (arg == NULL) {
				log_at(name, line, "draft needs a report id");
				goto out;
			}
			a = xstrndup(arg, arglen);
			if (!report_id_valid(a)) {
				log_at(name, line, "draft: \"%.40s\" is not a "
				    "valid report id", a);
				free(a);
				goto out;
			}
			break;
		case RECEIPT_REJECTED:
			if (arg == NULL)
				break;
			if ((why = reason_check(arg, arglen)) != NULL) {
				log_at(name, line, "rejected: %s", why);
				goto out;
			}
			a = xstrndup(arg, arglen);
			break;
		default:
			log_at(name, line, "unknown state \"%.*s\" (expected "
			    "received, draft or rejected)",
			    (int)(stlen > 20 ? 20 : stlen), st);
			goto out;
		}
		if (r->n > 0 && memcmp(r->e[r->n - 1].hash, h, 32) >= 0) {
			log_at(name, line, "%s", memcmp(r->e[r->n - 1].hash, h,
			    32) == 0 ? "the same hash again" :
			    "hash out of order (the lines must be sorted by "
			    "hash)");
			free(a);
			goto out;
		}
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->e = xreallocarray(r->e, r->cap, sizeof(*r->e));
		}
		memcpy(r->e[r->n].hash, h, 32);
		r->e[r->n].state = state;
		r->e[r->n].arg = a;
		r->n++;
	}
	*out = r;
	r = NULL;
	rc = 0;
out:
	receipts_free(r);
	return rc;
}

int
receipts_load(struct receipts **out, const char *path)
{
	struct buf	 b = BUF_INIT;
	int		 rc = -1, e;

	*out = NULL;
	if ((e = file_read(&b, path, RECEIPTS_MAX)) == NM_ENOTFOUND) {
		*out = receipts_new();
		rc = 0;
		goto out;
	}
	if (e != 0)
		goto out;
	rc = receipts_parse(out, path, b.data, b.len);
out:
	buf_free(&b);
	return rc;
}

const struct receipt_entry *
receipts_find(const struct receipts *r, const unsigned char h[32])
{
	size_t	 i;
	int	 found;

	i = find_pos(r, h, &found);
	return found ? &r->e[i] : NULL;
}

const struct receipt_entry *
receipts_by_report(const struct receipts *r, const char *id)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].state == RECEIPT_DRAFT &&
		    strcmp(r->e[i].arg, id) == 0)
			return &r->e[i];
	return NULL;
}

int
receipts_set(struct receipts *r, const unsigned char h[32],
    enum receipt_state st, const char *arg)
{
	const char	*why;
	char		*a = NULL;
	size_t		 i;
	int		 found;

	if (arg != NULL && *arg == '\0')
		arg = NULL;
	switch (st) {
	case RECEIPT_RECEIVED:
		if (arg != NULL) {
			log_warnx("receipts: received takes no argument");
			return -1;
		}
		break;
	case RECEIPT_DRAFT:
		if (arg == NULL || !report_id_valid(arg)) {
			log_warnx("receipts: \"%.40s\" is not a valid report "
			    "id", arg ? arg : "");
			return -1;
		}
		a = xstrdup(arg);
		break;
	case RECEIPT_REJECTED:
		if (arg == NULL)
			break;
		if ((why = reason_check(arg, strlen(arg))) != NULL) {
			log_warnx("receipts: %s", why);
			return -1;
		}
		a = xstrdup(arg);
		break;
	default:
		log_warnx("receipts: unknown state %d", (int)st);
		return -1;
	}
	i = find_pos(r, h, &found);
	if (found) {
		free(r->e[i].arg);
	} else {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->e = xreallocarray(r->e, r->cap, sizeof(*r->e));
		}
		memmove(&r->e[i + 1], &r->e[i], (r->n - i) * sizeof(*r->e));
		r->n++;
		memcpy(r->e[i].hash, h, 32);
	}
	r->e[i].state = st;
	r->e[i].arg = a;
	return 0;
}

size_t
receipts_count(const struct receipts *r)
{
	return r->n;
}

const struct receipt_entry *
receipts_at(const struct receipts *r, size_t i)
{
	return i < r->n ? &r->e[i] : NULL;
}

int
receipts_write(const struct receipts *r, const char *path)
{
	static const char hex[] = "0123456789abcdef";
	struct buf	 b = BUF_INIT;
	size_t		 i, j;
	int		 rc;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < 32; j++) {
			buf_addch(&b, hex[r->e[i].hash[j] >> 4]);
			buf_addch(&b, hex[r->e[i].hash[j] & 0xf]);
		}
		buf_addch(&b, ' ');
		buf_addstr(&b, state_names[r->e[i].state]);
		if (r->e[i].arg != NULL) {
			buf_addch(&b, ' ');
			buf_addstr(&b, r->e[i].arg);
		}
		buf_addch(&b, '\n');
	}
	rc = file_write(path, b.data, b.len, 0644, FILE_ATOMIC | FILE_SYNC);
	buf_free(&b);
	return rc;
}
