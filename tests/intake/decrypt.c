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
 * nm-decrypt: a test tool for the intake test scripts.  Opens inbox
 * items with a reviewer's key file and prints each record's fields, one
 * per line as key=value (a newline in a value as \n, a backslash as
 * \\), with a blank line after each item.  Lessons, signature and
 * quarantined appear when set; each attachment gives the lines
 * attachment=NAME, attachment_type=TYPE, attachment_len=N and
 * attachment_data=BYTES (in NAME and BYTES, printable ASCII as it is,
 * newline and backslash as above, any other byte as \xHH).  Exit 0, 3 if an
 * item is not for this key, 1 on any other error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "inbox.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "open.h"
#include "record.h"

static void	put(const char *key, const char *value);
static void	put_bytes(const char *key, const unsigned char *p, size_t n);
static int	show(const char *path, const struct keypair *kp);

static void
put(const char *key, const char *value)
{
	const char	*p;

	printf("%s=", key);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

static void
put_bytes(const char *key, const unsigned char *p, size_t n)
{
	size_t	 i;

	printf("%s=", key);
	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			fputs("\\n", stdout);
		else if (p[i] == '\\')
			fputs("\\\\", stdout);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('\n');
}

/* Prints the record of the item at path.  Returns 0, 3 or 1. */
static int
show(const char *path, const struct keypair *kp)
{
	struct buf	 item = BUF_INIT;
	struct record	 r;
	unsigned char	*plain = NULL;
	size_t		 len = 0;
	char		 hex[RECORD_RECEIPT_BYTES * 2 + 1];
	size_t		 i;
	int		 k, orc, rc = 1;

	memset(&r, 0, sizeof(r));
	if (file_read(&item, path, INBOX_ITEM_MAX) != 0) {
		log_warnx("%s: cannot read", path);
		goto out;
	}
	orc = item_open(&plain, &len, path, (unsigned char *)item.data,
	    item.len, kp);
	if (orc == NM_ENOTFOUND) {
		rc = 3;
		goto out;
	}
	if (orc != 0)
		goto out;
	if (record_decode(&r, path, plain, len) != 0)
		goto out;
	for (k = 0; k < RECORD_KEY_MAX; k++)
		if (r.field[k] != NULL)
			put(record_key_name(k), r.field[k]);
	put("narrative", r.narrative);
	if (r.lessons != NULL)
		put("lessons", r.lessons);
	if (r.signature != NULL)
		put("signature", r.signature);
	if (r.contact != NULL)
		put("contact", r.contact);
	if (r.quarantined)
		printf("quarantined=1\n");
	for (i = 0; i < r.nattach; i++) {
		put_bytes("attachment", (const unsigned char *)r.attach[i].name,
		    strlen(r.attach[i].name));
		printf("attachment_type=%s\nattachment_len=%zu\n",
		    r.attach[i].type, r.attach[i].len);
		put_bytes("attachment_data", r.attach[i].data,
		    r.attach[i].len);
	}
	printf("consent=%d\n", r.consent);
	printf("channel=%s\n", r.channel == RECORD_FORM ? "form" : "email");
	printf("received=%s\n", r.received);
	sodium_bin2hex(hex, sizeof(hex), r.receipt, sizeof(r.receipt));
	printf("receipt=%s\n\n", hex);
	rc = 0;
out:
	record_free(&r);
	if (plain != NULL) {
		sodium_memzero(plain, len);
		sodium_free(plain);
	}
	buf_free(&item);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct keypair	*kp = NULL;
	int		 i, r, rc = 0;

	log_init("nm-decrypt", LOG_TO_STDERR);
	if (argc < 3) {
		fprintf(stderr, "usage: nm-decrypt keyfile item ...\n");
		return 1;
	}
	if (sodium_init() == -1 || keypair_load(&kp, argv[1]) != 0)
		return 1;
	for (i = 2; i < argc; i++) {
		r = show(argv[i], kp);
		if (r == 1 || (r == 3 && rc == 0))
			rc = r;
	}
	keypair_free(kp);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = 1;
	return rc;
}
