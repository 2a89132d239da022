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
 * intake/conf.c: the defaults, the command line that beats the file
 * whatever the order, [serve] over [intake] for serve, sections in use
 * kept and the others only checked, duplicate keys, repeated pins,
 * comments, CRLF and a byte order mark, and the origin and address
 * checks.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "harness.h"
#include "log.h"

static char	 path[64];

/* Writes text to the scratch file and reads it with use; its result. */
static int
rd(struct conf *c, unsigned int use, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF)
		abort();
	return conf_read(c, path, use);
}

static void
test_defaults(void)
{
	struct conf	 c;

	conf_init(&c);
	STR_EQ(conf_str(&c, CONF_LISTEN), "127.0.0.1:8025");
	STR_EQ(conf_str(&c, CONF_ORIGIN), "http://127.0.0.1:8025");
	INT_EQ(conf_num(&c, CONF_RATE), 30);
	INT_EQ(conf_num(&c, CONF_RATE_WINDOW), 600);
	INT_EQ(conf_num(&c, CONF_RATE_LIMIT), 1);
	INT_EQ(conf_num(&c, CONF_REPLY), 0);
	INT_EQ(conf_num(&c, CONF_IMAP_PORT), 993);
	STR_EQ(conf_str(&c, CONF_IMAP_MAILBOX), "INBOX");
	INT_EQ(conf_from(&c, CONF_LISTEN), CONF_DEFAULT);
	OK(conf_str(&c, CONF_INBOX) == NULL);
	INT_EQ(conf_from(&c, CONF_INBOX), CONF_UNSET);
	conf_free(&c);
}

static void
test_args(void)
{
	struct conf	 c;
	const char	*err;

	conf_init(&c);
	INT_EQ(conf_arg(&c, CONF_RATE, "5", "--rate"), 0);
	INT_EQ(conf_num(&c, CONF_RATE), 5);
	INT_EQ(conf_from(&c, CONF_RATE), CONF_ARG);
	INT_EQ(conf_arg(&c, CONF_RATE_LIMIT, "off", "--no-rate-limit"), 0);
	INT_EQ(conf_num(&c, CONF_RATE_LIMIT), 0);
	cap_start();
	INT_EQ(conf_arg(&c, CONF_RATE, "0", "--rate"), -1);
	INT_EQ(conf_arg(&c, CONF_LISTEN, "localhost:80", "-l"), -1);
	INT_EQ(conf_arg(&c, CONF_ORIGIN, "http://x.org/", "-o"), -1);
	err = cap_end();
	OK(strstr(err, "--rate 0: expected a number from 1 to 1000000") !=
	    NULL);
	OK(strstr(err, "-l localhost:80: expected ADDR:PORT") != NULL);
	OK(strstr(err, "-o http://x.org/: expected an origin") != NULL);
	/* A refused value leaves the one before. */
	INT_EQ(conf_num(&c, CONF_RATE), 5);
	conf_free(&c);
}

static void
test_read(void)
{
	struct conf	 c;
	const char	*err;

	/* The command line wins, though the file comes after. */
	conf_init(&c);
	INT_EQ(conf_arg(&c, CONF_INBOX, "/arg", "-i"), 0);
	INT_EQ(rd(&c, CONF_S_ALL, "[intake]\ninbox = /file\n"
	    "recipients = /r\n"), 0);
	STR_EQ(conf_str(&c, CONF_INBOX), "/arg");
	STR_EQ(conf_str(&c, CONF_RECIPIENTS), "/r");
	INT_EQ(conf_from(&c, CONF_RECIPIENTS), CONF_FILE);
	conf_free(&c);

	/* [serve] beats [intake] for serve, before it or after it. */
	conf_init(&c);
	INT_EQ(rd(&c, CONF_S_INTAKE | CONF_S_SERVE, "[serve]\ninbox = /s\n"
	    "[intake]\ninbox = /i\n"), 0);
	STR_EQ(conf_str(&c, CONF_INBOX), "/s");
	conf_free(&c);
	conf_init(&c);
	INT_EQ(rd(&c, CONF_S_INTAKE | CONF_S_SERVE, "[intake]\ninbox = /i\n"
	    "[serve]\ninbox = /s\n"), 0);
	STR_EQ(conf_str(&c, CONF_INBOX), "/s");
	conf_free(&c);
	/* For mail, [serve] is only checked. */
	conf_init(&c);
	INT_EQ(rd(&c, CONF_S_INTAKE | CONF_S_MAIL, "[intake]\ninbox = /i\n"
	    "[serve]\ninbox = /s\nrate = 7\n"), 0);
	STR_EQ(conf_str(&c, CONF_INBOX), "/i");
	INT_EQ(conf_num(&c, CONF_RATE), 30);
	conf_free(&c);
	conf_init(&c);
	cap_start();
	INT_EQ(rd(&c, CONF_S_INTAKE | CONF_S_MAIL, "[serve]\nrate = 0\n"
	    "[imap]\nport = x\n"), -1);
	err = cap_end();
	OK(strstr(err, ":2: rate: expected a number from 1 to 1000000") !=
	    NULL);
	OK(strstr(err, ":4: port: expected a number from 1 to 65535") !=
	    NULL);
	conf_free(&c);

	/* Duplicates, unknown names, bad lines: all of them reported. */
	conf_init(&c);
	cap_start();
	INT_EQ(rd(&c, CONF_S_ALL, "[intake]\ninbox = /a\ninbox = /b\n"
	    "[mail]\nfrob = 1\n[frob]\nx = 1\ny\n[intake\n"), -1);
	err = cap_end();
	OK(strstr(err, ":3: duplicate key inbox in [intake] (first on "
	    "line 2)") != NULL);
	OK(strstr(err, ":5: unknown key frob in [mail]") != NULL);
	OK(strstr(err, ":6: unknown section [frob]") != NULL);
	/* The keys of an unknown section are not reported again. */
	OK(strstr(err, ":7:") == NULL);
	OK(strstr(err, ":9: expected [section]") != NULL);
	STR_EQ(conf_str(&c, CONF_INBOX), "/a");
	conf_free(&c);

	/* Pins add up; comments, CRLF and a BOM are fine. */
	conf_init(&c);
	INT_EQ(rd(&c, CONF_S_ALL, "\xef\xbb\xbf; comment\r\n# another\r\n"
	    "[imap]\r\npin = sha256:" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef ; the old one\r\n"
	    "pin = sha256:" "fedcba9876543210fedcba9876543210"
	    "fedcba9876543210fedcba9876543210\r\n"
	    "host = imap.example.org\r\n"), 0);
	STR_EQ(conf_str(&c, CONF_IMAP_PIN), "sha256:"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    " sha256:"
	    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
	STR_EQ(conf_str(&c, CONF_IMAP_HOST), "imap.example.org");
	conf_free(&c);
	conf_init(&c);
	cap_start();
	INT_EQ(rd(&c, CONF_S_ALL, "[imap]\ntls = starttls\nssl = on\n"), -1);
	err = cap_end();
	OK(strstr(err, ":2: tls: only implicit TLS") != NULL);
	OK(strstr(err, ":3: ssl: only implicit TLS") != NULL);
	conf_free(&c);
	/* No such file. */
	conf_init(&c);
	cap_start();
	INT_EQ(conf_read(&c, "/nonexistent/x.ini", CONF_S_ALL), -1);
	err = cap_end();
	OK(strstr(err, "/nonexistent/x.ini: no such file") != NULL);
	conf_free(&c);
}

static void
test_checks(void)
{
	OK(conf_origin_ok("http://127.0.0.1:8025"));
	OK(conf_origin_ok("https://reports.example.org"));
	OK(conf_origin_ok("http://abcdefghij234567.onion"));
	OK(conf_origin_ok("http://[::1]:8025"));
	OK(!conf_origin_ok("http://example.org/"));
	OK(!conf_origin_ok("http://example.org/form"));
	OK(!conf_origin_ok("ftp://example.org"));
	OK(!conf_origin_ok("http://"));
	OK(!conf_origin_ok("http://ex ample.org"));
	OK(!conf_origin_ok("http://example.org:0"));
	OK(!conf_origin_ok("http://example.org:99999"));
	OK(!conf_origin_ok("http://user@example.org"));
	OK(conf_addr_ok("127.0.0.1:8025"));
	OK(conf_addr_ok("[::1]:8025"));
	OK(conf_addr_ok("0.0.0.0:80"));
	OK(!conf_addr_ok("localhost:8025"));
	OK(!conf_addr_ok("127.0.0.1"));
	OK(!conf_addr_ok("127.0.0.1:"));
	OK(!conf_addr_ok("127.0.0.1:http"));
	OK(!conf_addr_ok("127.0.0.1:70000"));
}

int
main(void)
{
	int	 fd;

	log_init("test_conf", LOG_TO_STDERR);
	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	test_defaults();
	test_args();
	test_read();
	test_checks();
	unlink(path);
	return DONE("test_conf");
}
