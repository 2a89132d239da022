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
 * The recipients file (and the content repository's reviewer list): a
 * strict line parser that checks every name and public key and reports
 * each fault with its line, and the writer of the canonical line.  Public
 * keys only: the intake host links this file.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"

#define RECIPIENTS_LINE_MAX	512
/* Standard base64 of 32 bytes, with its padding: 44 characters. */
#define KEY_B64_LEN \
	(sodium_base64_ENCODED_LEN(RECIPIENT_KEY_BYTES, \
	    sodium_base64_VARIANT_ORIGINAL) - 1)

#define NAME_RULE	"1 to 64 letters, digits, '.', '_' or '-', " \
			"starting with a letter or digit"

struct field {
	const char	*p;
	size_t		 len;
};

static int	 is_blank(char);
static int	 line_ok(const char *, unsigned long, const char *, size_t);
static int	 is_skipped(const char *, size_t);
static int	 key_decode(unsigned char *, const struct field *);
static size_t	 split(struct field *, size_t, const char *, size_t);
static int	 parse_line(struct recipient *, const char *,
		    unsigned long, const char *, size_t);
static int	 check_dups(const struct recipient *, const unsigned long *,
		    size_t, const struct recipient *, const char *,
		    unsigned long);

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Checks what every line must be, comments included: no NUL byte, at
 * most RECIPIENTS_LINE_MAX bytes, no carriage return.  Returns 0 or -1
 * (logged).
 */
static int
line_ok(const char *path, unsigned long line, const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL) {
		log_at(path, line, "contains a NUL byte");
		return -1;
	}
	if (len > RECIPIENTS_LINE_MAX) {
		log_at(path, line, "line longer than %d bytes",
		    RECIPIENTS_LINE_MAX);
		return -1;
	}
	if (memchr(s, '\r', len) != NULL) {
		log_at(path, line, "carriage return: the file must have Unix "
		    "line endings");
		return -1;
	}
	return 0;
}

/* Is the line blank, or a comment (# after optional blanks)? */
static int
is_skipped(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && is_blank(s[i]); i++)
		continue;
	return i == len || s[i] == '#';
}

int
recipients_none(const char *text, size_t len)
{
	const char	*p = text, *e = text + len, *nl;

	while (p < e) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (!is_skipped(p, (size_t)(nl - p)))
			return 0;
		p = nl + 1;
	}
	return 1;
}

int
recipient_name_ok(const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	if (len == 0 || len > RECIPIENT_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/*
 * Decodes one key: exactly 44 characters of standard base64 with its
 * padding, giving exactly 32 bytes.  libsodium refuses the URL-safe
 * alphabet, missing padding and non-zero bits left over in the last
 * character, so every key has one spelling.  Returns 0 or -1.
 */
static int
key_decode(unsigned char *out, const struct field *f)
{
	const char	*end;
	size_t		 len;

	if (f->len != KEY_B64_LEN)
		return -1;
	if (sodium_base642bin(out, RECIPIENT_KEY_BYTES, f->p, f->len, NULL,
	    &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (end != f->p + f->len || len != RECIPIENT_KEY_BYTES)
		return -1;
	return 0;
}

/*
 * Splits s (len bytes) at runs of blanks into at most max fields.
 * Returns the number of fields found, which may be more than max (the
 * extra ones are not stored).
 */
static size_t
split(struct field *f, size_t max, const char *s, size_t len)
{
	size_t	 i = 0, n = 0, start;

	for (;;) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_blank(s[i]))
			i++;
		if (n < max) {
			f[n].p = s + start;
			f[n].len = i - start;
		}
		n++;
	}
	return n;
}

/*
 * Parses one line that is neither blank nor a comment into r.  Logs the
 * first fault found and returns -1, or returns 0.
 */
static int
parse_line(struct recipient *r, const char *path, unsigned long line,
    const char *s, size_t len)
{
	struct field	 f[3];
	unsigned char	 q[crypto_scalarmult_BYTES];
	/*
	 * Any scalar will do: X25519 clamps it to a multiple of 8, so the
	 * product is zero (and crypto_scalarmult() fails) exactly for the
	 * points of small order.
	 */
	static const unsigned char scalar[crypto_scalarmult_SCALARBYTES] = {
		0x48, 0x2a
	};
	size_t		 n;

	n = split(f, NM_NELEM(f), s, len);
	if (n < 3) {
		log_at(path, line, "expected NAME BOX_KEY SIGN_KEY");
		return -1;
	}
	if (n > 3) {
		log_at(path, line, "unexpected text after the signing key");
		return -1;
	}
	if (!recipient_name_ok(f[0].p, f[0].len)) {
		log_at(path, line, "bad name: use %s", NAME_RULE);
		return -1;
	}
	memcpy(r->name, f[0].p, f[0].len);
	r->name[f[0].len] = '\0';
	if (key_decode(r->box_pk, &f[1]) == -1) {
		log_at(path, line, "box key: expected %d characters of "
		    "standard base64 with padding (32 bytes)",
		    (int)KEY_B64_LEN);
		return -1;
	}
	if (sodium_is_zero(r->box_pk, sizeof(r->box_pk))) {
		log_at(path, line, "box key: all zeros");
		return -1;
	}
	/*
	 * crypto_box_seal() would fail on a point of small order, so that
	 * every submission would be refused: refuse the file instead.
	 */
	if (crypto_scalarmult(q, scalar, r->box_pk) != 0) {
		log_at(path, line, "box key: a point of small order, not a "
		    "public key");
		return -1;
	}
	if (key_decode(r->sign_pk, &f[2]) == -1) {
		log_at(path, line, "signing key: expected %d characters of "
		    "standard base64 with padding (32 bytes)",
		    (int)KEY_B64_LEN);
		return -1;
	}
	if (!crypto_core_ed25519_is_valid_point(r->sign_pk)) {
		log_at(path, line, "signing key: not a valid Ed25519 public "
		    "key");
		return -1;
	}
	return 0;
}

/*
 * Checks r against the n entries already accepted (lines[i] is where
 * each one was).  Logs and returns -1 on a duplicate name or key.
 */
static int
check_dups(const struct recipient *all, const unsigned long *lines,
    size_t n, const struct recipient *r, const char *path,
    unsigned long line)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(all[i].name, r->name) == 0) {
			log_at(path, line, "duplicate name \"%s\" (also on "
			    "line %lu)", r->name, lines[i]);
			return -1;
		}
		if (memcmp(all[i].box_pk, r->box_pk,
		    RECIPIENT_KEY_BYTES) == 0) {
			log_at(path, line, "duplicate box key (also on line "
			    "%lu)", lines[i]);
			return -1;
		}
		if (memcmp(all[i].sign_pk, r->sign_pk,
		    RECIPIENT_KEY_BYTES) == 0) {
			log_at(path, line, "duplicate signing key (also on "
			    "line %lu)", lines[i]);
			return -1;
		}
	}
	return 0;
}

int
recipients_parse(struct recipient **out, size_t *nout, const char *path,
    const char *text, size_t len)
{
	struct recipient	*all = NULL, r;
	unsigned long		*lines = NULL, line = 0;
	const char		*p = text, *end = text + len, *nl, *next;
	size_t			 n = 0, linelen;
	int			 errors = 0, rc = -1;

	*out = NULL;
	*nout = 0;
	all = xcalloc(RECIPIENTS_MAX, sizeof(*all));
	lines = xcalloc(RECIPIENTS_MAX, sizeof(*lines));
	for (; p < end; p = next) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			linelen = (size_t)(nl - p);
			next = nl + 1;
		} else {
			linelen = (size_t)(end - p);
			next = end;
		}
		if (line_ok(path, line, p, linelen) == -1) {
			errors++;
			continue;
		}
		if (is_skipped(p, linelen))
			continue;
		if (n == RECIPIENTS_MAX) {
			log_at(path, line, "more than %d recipients",
			    RECIPIENTS_MAX);
			errors++;
			break;
		}
		memset(&r, 0, sizeof(r));
		if (parse_line(&r, path, line, p, linelen) == -1 ||
		    check_dups(all, lines, n, &r, path, line) == -1) {
			errors++;
			continue;
		}
		all[n] = r;
		lines[n] = line;
		n++;
	}
	if (errors)
		goto out;
	if (n == 0) {
		log_at(path, 0, "no recipients");
		goto out;
	}
	*out = xreallocarray(all, n, sizeof(*all));
	*nout = n;
	all = NULL;
	rc = 0;
out:
	free(all);
	free(lines);
	return rc;
}

int
recipients_load(struct recipient **out, size_t *nout, const char *path)
{
	struct buf	 b = BUF_INIT;
	int		 rc = -1, r;

	*out = NULL;
	*nout = 0;
	if ((r = file_read(&b, path, RECIPIENTS_FILE_MAX)) != 0) {
		/* file_read() logs every failure but this one. */
		if (r == NM_ENOTFOUND)
			log_warnx("%s: %s", path, strerror(ENOENT));
		goto out;
	}
	rc = recipients_parse(out, nout, path, b.data, b.len);
out:
	buf_free(&b);
	return rc;
}

void
recipient_line(struct buf *out, const struct recipient *r)
{
	char	 box[KEY_B64_LEN + 1], sign[KEY_B64_LEN + 1];

	sodium_bin2base64(box, sizeof(box), r->box_pk, sizeof(r->box_pk),
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(sign, sizeof(sign), r->sign_pk, sizeof(r->sign_pk),
	    sodium_base64_VARIANT_ORIGINAL);
	buf_printf(out, "%s %s %s\n", r->name, box, sign);
}
