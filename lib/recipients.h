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
 * The reviewers' public keys: the recipients file of the intake host and
 * the content repository's "reviewers" list share one format, one
 * reviewer per line:
 *
 *	NAME BOX_PK SIGN_PK
 *
 * NAME is 1 to 64 bytes of [A-Za-z0-9._-], starting with a letter or a
 * digit; BOX_PK is the X25519 key
 * that submissions are sealed to and SIGN_PK the Ed25519 key that
 * approvals are checked with, both in standard base64 with padding.
 * Blank lines and lines starting with '#' are ignored.  This module
 * holds public keys only; intake links it.
 */

#ifndef NM_RECIPIENTS_H
#define NM_RECIPIENTS_H

#include <stddef.h>

#define RECIPIENT_NAME_MAX	64
#define RECIPIENT_KEY_BYTES	32	/* both X25519 and Ed25519 */
#define RECIPIENTS_MAX		255

struct buf;

struct recipient {
	char		 name[RECIPIENT_NAME_MAX + 1];
	unsigned char	 box_pk[RECIPIENT_KEY_BYTES];
	unsigned char	 sign_pk[RECIPIENT_KEY_BYTES];
};

/*
 * Parses text (len bytes) into a new array (caller frees with free()).
 * Errors are logged as "path:line: what"; duplicate names or keys and
 * more than RECIPIENTS_MAX lines are errors; an empty list is an error.
 * Returns 0 or -1.
 */
int	recipients_parse(struct recipient **out, size_t *nout,
	    const char *path, const char *text, size_t len);
#define RECIPIENTS_FILE_MAX	(64 * 1024)	/* bytes of a file */

/*
 * 1 if text (len bytes) lists nobody: every line blank or a comment (a
 * content repository's reviewers file before its first reviewer).
 */
int	recipients_none(const char *text, size_t len);
/* Reads and parses the file at path (at most 64 KiB). */
int	recipients_load(struct recipient **out, size_t *nout,
	    const char *path);
/*
 * 1 if the len bytes at s make a valid name: 1 to RECIPIENT_NAME_MAX of
 * [A-Za-z0-9._-], the first a letter or digit (never "." or "..", never
 * taken for an option).
 */
int	recipient_name_ok(const char *s, size_t len);
/* Appends the line that describes r, with its newline. */
void	recipient_line(struct buf *out, const struct recipient *r);

#endif /* NM_RECIPIENTS_H */
