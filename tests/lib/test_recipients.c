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
 * Unit tests of lib/recipients.c: a valid file with comments, blanks and
 * tabs; every error, checking the exact "path:line: message"; base64 edge
 * cases; the caps; the round trip through recipient_line(); loading.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "harness.h"
#include "nm.h"
#include "recipients.h"

#define NKEYS	(RECIPIENTS_MAX + 1)
#define B64LEN	45	/* 44 characters and the NUL */

/* Valid keys: BOX[i], SIGN[i] and their binary forms. */
static unsigned char	 boxpk[NKEYS][32], signpk[NKEYS][32];
static char		 BOX[NKEYS][B64LEN], SIGN[NKEYS][B64LEN];
static char		 top[1024];

static void	 keys_init(void);
static void	 b64(char *, const unsigned char *);
static const char *tfmt(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static int	 parse(const char *, size_t, size_t *, const char **);
static void	 bad(int, const char *, size_t, const char *);
static void	 test_valid(void);
static void	 test_errors(void);
static void	 test_base64(void);
static void	 test_keys(void);
static void	 test_dups(void);
static void	 test_caps(void);
static void	 test_many_errors(void);
static void	 test_roundtrip(void);
static void	 test_load(void);

static void
b64(char *out, const unsigned char *bin)
{
	sodium_bin2base64(out, B64LEN, bin, 32,
	    sodium_base64_VARIANT_ORIGINAL);
}

static void
keys_init(void)
{
	unsigned char	 sk[64];
	size_t		 i;

	for (i = 0; i < NKEYS; i++) {
		/*
		 * About half of all X25519 public keys also decode as an
		 * Ed25519 point; the "keys swapped" case needs box keys
		 * that do not, or it fails one run in two.
		 */
		do
			crypto_box_keypair(boxpk[i], sk);
		while (crypto_core_ed25519_is_valid_point(boxpk[i]));
		crypto_sign_keypair(signpk[i], sk);
		b64(BOX[i], boxpk[i]);
		b64(SIGN[i], signpk[i]);
	}
	sodium_memzero(sk, sizeof(sk));
}

/* Parses text as "t"; returns the rc, sets *np and *errp (stderr). */
static int
parse(const char *text, size_t len, size_t *np, const char **errp)
{
	struct recipient	*r = NULL;
	size_t			 n = 99;
	int			 rc;

	cap_start();
	rc = recipients_parse(&r, &n, "t", text, len);
	*errp = cap_end();
	if (rc == -1 && (r != NULL || n != 0))
		fprintf(stderr, "recipients_parse: out not emptied\n");
	free(r);
	if (np != NULL)
		*np = n;
	return rc;
}

/* Checks that text fails with exactly the message want. */
static void
bad(int line, const char *text, size_t len, const char *want)
{
	const char	*err;
	int		 rc;

	rc = parse(text, len, NULL, &err);
	if (rc == -1 && strcmp(err, want) == 0)
		harness_pass++;
	else {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged \"%s\", want "
		    "\"%s\"\n", __FILE__, line, rc, err, want);
	}
}

#define BAD(text, want)	bad(__LINE__, (text), strlen(text), (want))

/* Two comment lines, so that the line under test is line 3. */
#define HEAD	"# reviewers\n\n"

static void
test_valid(void)
{
	struct recipient	*r = NULL;
	const char		*text, *err;
	size_t			 n = 0;
	char			 name64[65];

	memset(name64, 'x', 64);
	name64[64] = '\0';
	name64[0] = '7';
	text = tfmt("# The reviewers of the demo repository\n"
	    "\n"
	    "alice %s %s\n"
	    "   \t\n"
	    "  # an indented comment: \xc3\xa9t\xc3\xa9 # #\n"
	    "#\n"
	    "bob\t%s\t\t%s  \n"
	    "\t carol.x_y-Z9 %s %s \t\n"
	    "%s %s %s",
	    BOX[0], SIGN[0], BOX[1], SIGN[1], BOX[2], SIGN[2],
	    name64, BOX[3], SIGN[3]);
	cap_start();
	INT_EQ(recipients_parse(&r, &n, "t", text, strlen(text)), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(n, 4);
	if (r == NULL || n != 4)
		return;
	STR_EQ(r[0].name, "alice");
	STR_EQ(r[1].name, "bob");
	STR_EQ(r[2].name, "carol.x_y-Z9");
	STR_EQ(r[3].name, name64);
	OK(memcmp(r[0].box_pk, boxpk[0], 32) == 0);
	OK(memcmp(r[0].sign_pk, signpk[0], 32) == 0);
	OK(memcmp(r[1].box_pk, boxpk[1], 32) == 0);
	OK(memcmp(r[1].sign_pk, signpk[1], 32) == 0);
	OK(memcmp(r[2].box_pk, boxpk[2], 32) == 0);
	OK(memcmp(r[3].sign_pk, signpk[3], 32) == 0);
	free(r);

	/* One entry, with its newline; a name of one character. */
	text = tfmt("z %s %s\n", BOX[4], SIGN[4]);
	INT_EQ(parse(text, strlen(text), &n, &err), 0);
	INT_EQ(n, 1);
	STR_EQ(err, "");
}

static void
test_errors(void)
{
	char	 name65[66];

	BAD(tfmt(HEAD "alice %s\n", BOX[0]),
	    "t:3: expected NAME BOX_KEY SIGN_KEY\n");
	BAD(tfmt(HEAD "alice\n"), "t:3: expected NAME BOX_KEY SIGN_KEY\n");
	BAD(tfmt(HEAD "alice %s %s extra\n", BOX[0], SIGN[0]),
	    "t:3: unexpected text after the signing key\n");
	BAD(tfmt(HEAD "alice %s %s # laptop\n", BOX[0], SIGN[0]),
	    "t:3: unexpected text after the signing key\n");
	/* Names. */
#define BADNAME "t:3: bad name: use 1 to 64 letters, digits, '.', '_' or " \
	    "'-', starting with a letter or digit\n"
	BAD(tfmt(HEAD ".alice %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD ".. %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "-alice %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "_alice %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "a/b %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "al:ce %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "\xc3\xa9mile %s %s\n", BOX[0], SIGN[0]), BADNAME);
	BAD(tfmt(HEAD "a\x01 %s %s\n", BOX[0], SIGN[0]), BADNAME);
	memset(name65, 'n', 65);
	name65[65] = '\0';
	BAD(tfmt(HEAD "%s %s %s\n", name65, BOX[0], SIGN[0]), BADNAME);
	/* A key where the name should be. */
	BAD(tfmt(HEAD "%s %s %s\n", BOX[1], BOX[0], SIGN[0]), BADNAME);
	/* The keys swapped: a signing key is a box key, not the reverse. */
	BAD(tfmt(HEAD "alice %s %s\n", BOX[0], BOX[1]),
	    "t:3: signing key: not a valid Ed25519 public key\n");
	/* Errors on later lines carry their own line number. */
	BAD(tfmt("alice %s %s\n\n# x\n\nbob %s\n", BOX[0], SIGN[0], BOX[1]),
	    "t:5: expected NAME BOX_KEY SIGN_KEY\n");
	/* The last line, without a newline. */
	BAD(tfmt("alice %s %s\nbob", BOX[0], SIGN[0]),
	    "t:2: expected NAME BOX_KEY SIGN_KEY\n");
	/* Windows line endings. */
	BAD(tfmt(HEAD "alice %s %s\r\n", BOX[0], SIGN[0]),
	    "t:3: carriage return: the file must have Unix line endings\n");
	BAD(tfmt("# a comment\r\nalice %s %s\n", BOX[0], SIGN[0]),
	    "t:1: carriage return: the file must have Unix line endings\n");
	/* Nothing at all, and nothing but comments. */
	BAD("", "t: no recipients\n");
	BAD("\n\n", "t: no recipients\n");
	BAD("# alice\n  # bob\n\t\n", "t: no recipients\n");
#undef BADNAME
}

static void
test_base64(void)
{
#define BADBOX "t:3: box key: expected 44 characters of standard base64 " \
	    "with padding (32 bytes)\n"
#define BADSIGN "t:3: signing key: expected 44 characters of standard " \
	    "base64 with padding (32 bytes)\n"
	char		 k[80], url[B64LEN];
	unsigned char	 bin[33];
	size_t		 i, j;
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	/* Missing padding. */
	snprintf(k, sizeof(k), "%.43s", BOX[0]);
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	snprintf(k, sizeof(k), "%.43s", SIGN[0]);
	BAD(tfmt(HEAD "alice %s %s\n", BOX[0], k), BADSIGN);
	/* Too long: padding doubled, one character more, 33 bytes. */
	BAD(tfmt(HEAD "alice %s= %s\n", BOX[0], SIGN[0]), BADBOX);
	BAD(tfmt(HEAD "alice %s %sA\n", BOX[0], SIGN[0]), BADSIGN);
	memset(bin, 0x42, sizeof(bin));
	sodium_bin2base64(k, sizeof(k), bin, 33,
	    sodium_base64_VARIANT_ORIGINAL);
	INT_EQ(strlen(k), 44);
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	/* Too short: 31 bytes. */
	sodium_bin2base64(k, sizeof(k), bin, 31,
	    sodium_base64_VARIANT_ORIGINAL);
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	/* Padding in the middle, and a character outside the alphabet. */
	snprintf(k, sizeof(k), "%s", BOX[0]);
	k[20] = '=';
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	k[20] = '*';
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	/* Non-zero bits left over in the last character: not canonical. */
	snprintf(k, sizeof(k), "%s", BOX[0]);
	k[42] = alpha[(strchr(alpha, k[42]) - alpha) | 1];
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), BADBOX);
	/* The URL-safe alphabet: a key that has a '+' or a '/'. */
	for (i = 0; i < NKEYS; i++)
		if (strpbrk(BOX[i], "+/") != NULL)
			break;
	OK(i < NKEYS);
	if (i < NKEYS) {
		sodium_bin2base64(url, sizeof(url), boxpk[i], 32,
		    sodium_base64_VARIANT_URLSAFE);
		OK(strcmp(url, BOX[i]) != 0);
		BAD(tfmt(HEAD "alice %s %s\n", url, SIGN[0]), BADBOX);
		/* The same without padding, as URL-safe keys often are. */
		url[43] = '\0';
		BAD(tfmt(HEAD "alice %s %s\n", url, SIGN[0]), BADBOX);
	}
	for (i = 0; i < NKEYS; i++)
		if (strpbrk(SIGN[i], "+/") != NULL)
			break;
	if (i < NKEYS) {
		sodium_bin2base64(url, sizeof(url), signpk[i], 32,
		    sodium_base64_VARIANT_URLSAFE);
		BAD(tfmt(HEAD "alice %s %s\n", BOX[0], url), BADSIGN);
	}
	/* Every single-character corruption of a key is caught. */
	for (j = 0; j < 44; j += 7) {
		snprintf(k, sizeof(k), "%s", SIGN[0]);
		k[j] = k[j] == '-' ? '_' : '-';
		BAD(tfmt(HEAD "alice %s %s\n", BOX[0], k), BADSIGN);
	}
#undef BADBOX
#undef BADSIGN
}

/* Keys that decode but are not usable. */
static void
test_keys(void)
{
	unsigned char	 bin[32];
	char		 k[B64LEN];

	memset(bin, 0, sizeof(bin));
	b64(k, bin);
	STR_EQ(k, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]), "t:3: box key: all zeros\n");
	BAD(tfmt(HEAD "alice %s %s\n", BOX[0], k),
	    "t:3: signing key: not a valid Ed25519 public key\n");
	/* u = 1, a point of order 4. */
	bin[0] = 1;
	b64(k, bin);
	BAD(tfmt(HEAD "alice %s %s\n", k, SIGN[0]),
	    "t:3: box key: a point of small order, not a public key\n");
	/* The Ed25519 identity (y = 1): small order. */
	BAD(tfmt(HEAD "alice %s %s\n", BOX[0], k),
	    "t:3: signing key: not a valid Ed25519 public key\n");
	/* y = 2^255 - 1: not canonical. */
	memset(bin, 0xff, sizeof(bin));
	bin[31] = 0x7f;
	b64(k, bin);
	BAD(tfmt(HEAD "alice %s %s\n", BOX[0], k),
	    "t:3: signing key: not a valid Ed25519 public key\n");
}

static void
test_dups(void)
{
	BAD(tfmt("alice %s %s\n# x\nalice %s %s\n", BOX[0], SIGN[0], BOX[1],
	    SIGN[1]), "t:3: duplicate name \"alice\" (also on line 1)\n");
	BAD(tfmt("alice %s %s\nbob %s %s\n", BOX[0], SIGN[0], BOX[0],
	    SIGN[1]), "t:2: duplicate box key (also on line 1)\n");
	BAD(tfmt("alice %s %s\nbob %s %s\n", BOX[0], SIGN[0], BOX[1],
	    SIGN[0]), "t:2: duplicate signing key (also on line 1)\n");
	/* Names differ by case only: two names. */
	{
		const char	*text, *err;
		size_t		 n;

		text = tfmt("alice %s %s\nAlice %s %s\n", BOX[0], SIGN[0],
		    BOX[1], SIGN[1]);
		INT_EQ(parse(text, strlen(text), &n, &err), 0);
		INT_EQ(n, 2);
	}
}

static void
test_caps(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	char		 line[600];
	size_t		 i, n;

	/* 512 bytes on a line are fine, 513 are not. */
	memset(line, '#', sizeof(line));
	line[512] = '\0';
	buf_printf(&b, "%s\nalice %s %s\n", line, BOX[0], SIGN[0]);
	INT_EQ(parse(b.data, b.len, &n, &err), 0);
	STR_EQ(err, "");
	buf_reset(&b);
	line[512] = '#';
	line[513] = '\0';
	buf_printf(&b, "alice %s %s\n%s\n", BOX[0], SIGN[0], line);
	bad(__LINE__, b.data, b.len, "t:2: line longer than 512 bytes\n");
	/* Even without a newline at the end. */
	buf_reset(&b);
	buf_printf(&b, "alice %s %s\n%s", BOX[0], SIGN[0], line);
	bad(__LINE__, b.data, b.len, "t:2: line longer than 512 bytes\n");
	/* A long entry: blanks between the fields. */
	buf_reset(&b);
	memset(line, ' ', 500);
	line[500] = '\0';
	buf_printf(&b, "alice%s%s %s\n", line, BOX[0], SIGN[0]);
	bad(__LINE__, b.data, b.len, "t:1: line longer than 512 bytes\n");

	/* NUL bytes, in a comment and in an entry. */
	{
		static const char t1[] = "# a\0b\nalice";
		static const char t2[] = "\n\nali\0ce";

		bad(__LINE__, t1, sizeof(t1) - 1,
		    "t:1: contains a NUL byte\nt:2: expected NAME BOX_KEY "
		    "SIGN_KEY\n");
		bad(__LINE__, t2, sizeof(t2) - 1,
		    "t:3: contains a NUL byte\n");
	}

	/* RECIPIENTS_MAX entries are fine, one more is not. */
	buf_reset(&b);
	for (i = 0; i < RECIPIENTS_MAX; i++)
		buf_printf(&b, "r%zu %s %s\n", i, BOX[i], SIGN[i]);
	INT_EQ(parse(b.data, b.len, &n, &err), 0);
	INT_EQ(n, RECIPIENTS_MAX);
	STR_EQ(err, "");
	buf_printf(&b, "# comment\nr%d %s %s\nmore garbage\n",
	    RECIPIENTS_MAX, BOX[RECIPIENTS_MAX], SIGN[RECIPIENTS_MAX]);
	bad(__LINE__, b.data, b.len, tfmt("t:%d: more than %d recipients\n",
	    RECIPIENTS_MAX + 2, RECIPIENTS_MAX));
	buf_free(&b);
}

/* Every faulty line is reported, each once, and nothing is returned. */
static void
test_many_errors(void)
{
	BAD(tfmt("alice %s %s\n"
	    "bob %s\n"
	    "# fine\n"
	    ".x %s %s\n"
	    "alice %s %s\n"
	    "carol %s %s\n"
	    "dave %s %s z\n",
	    BOX[0], SIGN[0], BOX[1], BOX[2], SIGN[2], BOX[3], SIGN[3],
	    BOX[0], SIGN[4], BOX[5], SIGN[5]),
	    "t:2: expected NAME BOX_KEY SIGN_KEY\n"
	    "t:4: bad name: use 1 to 64 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit\n"
	    "t:5: duplicate name \"alice\" (also on line 1)\n"
	    "t:6: duplicate box key (also on line 1)\n"
	    "t:7: unexpected text after the signing key\n");
}

static void
test_roundtrip(void)
{
	struct recipient	 in[20], *out = NULL;
	struct buf		 b = BUF_INIT, one = BUF_INIT;
	const char		*err;
	size_t			 i, n = 0;

	for (i = 0; i < NM_NELEM(in); i++) {
		memset(&in[i], 0, sizeof(in[i]));
		snprintf(in[i].name, sizeof(in[i].name), "rev-%zu.x_y", i);
		memcpy(in[i].box_pk, boxpk[i], 32);
		memcpy(in[i].sign_pk, signpk[i], 32);
		recipient_line(&b, &in[i]);
	}
	/* The canonical line: one space between the fields. */
	recipient_line(&one, &in[0]);
	STR_EQ(one.data, tfmt("rev-0.x_y %s %s\n", BOX[0], SIGN[0]));
	INT_EQ(one.len, strlen("rev-0.x_y") + 1 + 44 + 1 + 44 + 1);
	cap_start();
	INT_EQ(recipients_parse(&out, &n, "t", b.data, b.len), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(n, NM_NELEM(in));
	for (i = 0; out != NULL && i < n && i < NM_NELEM(in); i++) {
		STR_EQ(out[i].name, in[i].name);
		OK(memcmp(out[i].box_pk, in[i].box_pk, 32) == 0);
		OK(memcmp(out[i].sign_pk, in[i].sign_pk, 32) == 0);
	}
	/* And back again: the same bytes. */
	buf_reset(&one);
	for (i = 0; out != NULL && i < n; i++)
		recipient_line(&one, &out[i]);
	OK(one.len == b.len && memcmp(one.data, b.data, b.len) == 0);
	free(out);
	buf_free(&b);
	buf_free(&one);
}

static void
test_load(void)
{
	struct recipient	*r = NULL;
	char			 path[1100], big[1100], dir[1100];
	const char		*err, *text;
	size_t			 n = 0, i;
	FILE			*f;

	snprintf(path, sizeof(path), "%s/recipients", top);
	snprintf(big, sizeof(big), "%s/big", top);
	snprintf(dir, sizeof(dir), "%s/dir", top);
	text = tfmt("# intake\nalice %s %s\nbob %s %s\n", BOX[0], SIGN[0],
	    BOX[1], SIGN[1]);
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	fputs(text, f);
	fclose(f);
	cap_start();
	INT_EQ(recipients_load(&r, &n, path), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(n, 2);
	if (r != NULL && n == 2)
		STR_EQ(r[1].name, "bob");
	free(r);

	/* Missing. */
	cap_start();
	INT_EQ(recipients_load(&r, &n, tfmt("%s/none", top)), -1);
	err = cap_end();
	OK(strstr(err, "/none: No such file or directory\n") != NULL);
	OK(r == NULL && n == 0);

	/* Larger than 64 KiB, though every line is fine. */
	if ((f = fopen(big, "w")) == NULL)
		exit(1);
	fputs(text, f);
	for (i = 0; i < 70000 / 64; i++)
		fprintf(f, "#%062zu\n", i);
	fclose(f);
	cap_start();
	INT_EQ(recipients_load(&r, &n, big), -1);
	err = cap_end();
	OK(strstr(err, "/big: larger than 65536 bytes\n") != NULL);
	OK(r == NULL && n == 0);

	/* A folder. */
	mkdir(dir, 0700);
	cap_start();
	INT_EQ(recipients_load(&r, &n, dir), -1);
	err = cap_end();
	OK(strstr(err, "/dir: not a regular file\n") != NULL);

	/* A parse error carries the path given. */
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	fputs("\nalice\n", f);
	fclose(f);
	cap_start();
	INT_EQ(recipients_load(&r, &n, path), -1);
	err = cap_end();
	STR_EQ(err, tfmt("%s:2: expected NAME BOX_KEY SIGN_KEY\n", path));

	unlink(path);
	unlink(big);
	rmdir(dir);
}

int
main(void)
{
	const char	*tmp;
	int		 rc;

	if (sodium_init() == -1) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(top, sizeof(top), "%s/test_recipients.XXXXXX", tmp);
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	keys_init();
	test_valid();
	test_errors();
	test_base64();
	test_keys();
	test_dups();
	test_caps();
	test_many_errors();
	test_roundtrip();
	test_load();
	OK(rmdir(top) == 0);
	rc = DONE("test_recipients");
	fflush(stdout);
	return rc;
}
