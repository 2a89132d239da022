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
 * nm-mailx: runs the e-mail parser on one file, for the shell suites and
 * by hand.
 *   nm-mailx precheck FILE      the pre-check's verdict
 *   nm-mailx text FILE          the body text, before the template split
 *   nm-mailx parse [-t INI] FILE  mail_parse() and the record, readable
 *   nm-mailx quarantine FILE    the quarantine record, readable
 * Exit status: 0, 65 (rejected), 66 (parser child failed), 75 (fork
 * failed), 1 (other errors), 2 (usage).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "inbox.h"
#include "log.h"
#include "mime.h"
#include "mimeint.h"
#include "record.h"

static void	usage(void) __attribute__((noreturn));
static void	show(const struct record *);

static void
usage(void)
{
	fprintf(stderr, "usage: nm-mailx precheck|text|quarantine FILE\n"
	    "       nm-mailx parse [-t taxonomy.ini] FILE\n");
	exit(2);
}

/* Prints a record, one "key: value" block per field. */
static void
show(const struct record *r)
{
	size_t	 i;
	int	 k;

	printf("quarantined: %d\nconsent: %d\n", r->quarantined, r->consent);
	for (k = 0; k < RECORD_KEY_MAX; k++)
		if (r->field[k] != NULL)
			printf("%s: %s\n", record_key_name(k), r->field[k]);
	printf("narrative:\n%s\n", r->narrative);
	if (r->lessons != NULL)
		printf("lessons:\n%s\n", r->lessons);
	if (r->contact != NULL)
		printf("contact:\n%s\n", r->contact);
	if (r->signature != NULL)
		printf("signature:\n%s\n", r->signature);
	for (i = 0; i < r->nattach; i++)
		printf("attachment: \"%s\" %s %zu bytes\n", r->attach[i].name,
		    r->attach[i].type, r->attach[i].len);
}

int
main(int argc, char *argv[])
{
	struct config	 cfg, *tax = NULL;
	struct record	 r;
	struct buf	 msg = BUF_INIT, out = BUF_INIT, ini = BUF_INIT;
	const char	*cmd, *taxpath = NULL;
	char		 why[256];
	int		 rc, c;

	log_init("nm-mailx", LOG_TO_STDERR);
	if (sodium_init() == -1)
		return 1;
	if (argc < 3)
		usage();
	cmd = argv[1];
	argc--;
	argv++;
	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			usage();
		taxpath = optarg;
	}
	if (optind != argc - 1)
		usage();
	if (file_read(&msg, argv[optind], 64 * 1024 * 1024) != 0)
		return 1;
	if (taxpath != NULL) {
		if (file_read(&ini, taxpath, 1024 * 1024) != 0 ||
		    config_parse(&cfg, taxpath, ini.data, ini.len) != 0)
			return 1;
		tax = &cfg;
	}
	if (strcmp(cmd, "precheck") == 0) {
		if (mail_precheck(msg.data, msg.len, why, sizeof(why)) == -1) {
			printf("reject: %s\n", why);
			return 65;
		}
		printf("ok\n");
		return 0;
	}
	if (strcmp(cmd, "text") == 0) {
		if (mail_body_text(&out, msg.data, msg.len) == -1)
			return 1;
		fwrite(out.data, 1, out.len, stdout);
		return 0;
	}
	if (strcmp(cmd, "quarantine") == 0) {
		if (mail_quarantine(&out, msg.data, msg.len) == -1 ||
		    record_decode(&r, NULL, out.data, out.len) == -1)
			return 1;
		show(&r);
		fwrite(r.attach[0].data, 1, r.attach[0].len, stdout);
		record_free(&r);
		return 0;
	}
	if (strcmp(cmd, "parse") != 0)
		usage();
	rc = mail_parse(&r, msg.data, msg.len, tax, why, sizeof(why));
	if (rc == MAIL_EREJECT) {
		printf("reject: %s\n", why);
		return 65;
	}
	if (rc == MAIL_ECHILD) {
		printf("child failed\n");
		return 66;
	}
	if (rc == INBOX_ETEMP)
		return 75;
	show(&r);
	record_free(&r);
	if (tax != NULL)
		config_free(tax);
	buf_free(&msg);
	buf_free(&ini);
	return 0;
}
