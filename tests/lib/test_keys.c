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
 * Unit tests of lib/keys.c: generation, the key file round trip and its
 * mode, refusal to overwrite, every reason to refuse a file on load
 * (permissions, symbolic links, truncation, bad base64, mismatched public
 * keys, size), and that the keys work with crypto_box_seal and Ed25519.
 * The passphrase-protected format (2) with the cheapest Argon2id work
 * factors, so the tests stay fast: round trip, wrong passphrase, any
 * changed byte, no way to ask, bad kdf lines.
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "harness.h"
#include "keys.h"
#include "nm.h"
#include "recipients.h"

#define NLINES	6

static char	 top[1024];

static const char *p(const char *);
static const char *tfmt(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 slurp(struct buf *, const char *);
static void	 spit(const char *, const char *, size_t, mode_t);
static mode_t	 mode_of(const char *);
static int	 exists(const char *);
static int	 load(const char *, const char **);
static void	 refused(int, const char *, const char *, size_t, mode_t,
		    const char *);
static void	 test_new(void);
static void	 test_crypto(void);
static void	 test_roundtrip(void);
static void	 test_write_refuses(void);
static void	 test_load_modes(void);
static void	 test_load_files(void);
static void	 test_load_format(void);
static int	 givepass(char *, size_t, size_t *, void *);
static int	 loadpass(const char *, const char *, const char **);
static void	 test_protected(void);

/* Helpers */

static const char *
p(const char *rel)
{
	static char	 path[4][sizeof(top) + 256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", top, rel);
	return path[i];
}

static void
slurp(struct buf *b, const char *path)
{
	char	 chunk[4096];
	ssize_t	 n;
	int	 fd;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY)) == -1)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
}

/* Writes a fresh file with exactly the given mode. */
static void
spit(const char *path, const char *data, size_t len, mode_t mode)
{
	int	 fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) == -1 ||
	    close(fd) == -1) {
		perror(path);
		exit(1);
	}
}

static mode_t
mode_of(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static int
exists(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0;
}

/* Loads path; returns the rc and sets *errp to what was logged. */
static int
load(const char *path, const char **errp)
{
	struct keypair	*kp = (struct keypair *)&kp;
	int		 rc;

	cap_start();
	rc = keypair_load(&kp, path);
	*errp = cap_end();
	if (rc == -1 && kp != NULL)
		fprintf(stderr, "keypair_load: out not emptied\n");
	keypair_free(kp);
	return rc;
}

/*
 * Writes text to "bad" with mode and checks that loading it fails with
 * exactly want (in which "@" stands for the path).
 */
static void
refused(int line, const char *secret, const char *text, size_t len,
    mode_t mode, const char *want)
{
	struct buf	 w = BUF_INIT;
	const char	*path = p("bad"), *err, *at;
	int		 rc;

	spit(path, text, len, mode);
	for (at = want; *at != '\0'; at++)
		if (*at == '@')
			buf_addstr(&w, path);
		else
			buf_addch(&w, *at);
	rc = load(path, &err);
	if (rc == -1 && strcmp(err, w.data) == 0 &&
	    (secret == NULL || strstr(err, secret) == NULL))
		harness_pass++;
	else {
		harness_fail++;
		fprintf(stderr, "%s:%d: FAIL: rc %d, logged \"%s\", want "
		    "\"%s\"\n", __FILE__, line, rc, err, w.data);
	}
	buf_free(&w);
	unlink(path);
}

#define REFUSED(text, want) \
	refused(__LINE__, secret, (text), strlen(text), 0600, (want))

/* keypair_pass_fn: arg is the passphrase, or NULL to fail. */
static int
givepass(char *buf, size_t bufsz, size_t *len, void *arg)
{
	const char	*pass = arg;

	if (pass == NULL)
		return -1;
	*len = strlen(pass);
	if (*len >= bufsz)
		*len = bufsz;
	memcpy(buf, pass, *len);
	return 0;
}

/* Loads the protected file at path with pass; as load(). */
static int
loadpass(const char *path, const char *pass, const char **errp)
{
	struct keypair	*kp = (struct keypair *)&kp;
	int		 rc;

	cap_start();
	rc = keypair_load_pass(&kp, path, givepass, (void *)pass);
	*errp = cap_end();
	if (rc == -1 && kp != NULL)
		fprintf(stderr, "keypair_load_pass: out not emptied\n");
	keypair_free(kp);
	return rc;
}

/* Tests */

static void
test_new(void)
{
	struct keypair		*a, *b;
	struct recipient	 r;
	const char		*err;
	char			 name64[65], name65[66];
	static const char *const badnames[] = {
		"", ".", "..", ".alice", "-o", "_x", "a b", "a/b", "a\tb",
		"\xc3\xa9mile", "a\nb",
	};
	size_t			 i;

	a = keypair_new("alice");
	b = keypair_new("bob");
	OK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	STR_EQ(a->name, "alice");
	STR_EQ(b->name, "bob");
	/* Two key pairs share nothing. */
	OK(memcmp(a->box_pk, b->box_pk, sizeof(a->box_pk)) != 0);
	OK(memcmp(a->box_sk, b->box_sk, sizeof(a->box_sk)) != 0);
	OK(memcmp(a->sign_pk, b->sign_pk, sizeof(a->sign_pk)) != 0);
	OK(memcmp(a->sign_sk, b->sign_sk, sizeof(a->sign_sk)) != 0);
	OK(!sodium_is_zero(a->box_sk, sizeof(a->box_sk)));
	OK(!sodium_is_zero(a->sign_sk, sizeof(a->sign_sk)));
	/* The public half. */
	memset(&r, 0xaa, sizeof(r));
	keypair_public(&r, a);
	STR_EQ(r.name, "alice");
	OK(memcmp(r.box_pk, a->box_pk, sizeof(r.box_pk)) == 0);
	OK(memcmp(r.sign_pk, a->sign_pk, sizeof(r.sign_pk)) == 0);
	keypair_free(a);
	keypair_free(b);
	keypair_free(NULL);

	memset(name64, 'a', 64);
	name64[64] = '\0';
	a = keypair_new(name64);
	OK(a != NULL);
	if (a != NULL)
		STR_EQ(a->name, name64);
	keypair_free(a);
	a = keypair_new("A.b_c-9");
	OK(a != NULL);
	keypair_free(a);

	memset(name65, 'a', 65);
	name65[65] = '\0';
	cap_start();
	OK(keypair_new(name65) == NULL);
	err = cap_end();
	OK(strstr(err, "bad reviewer name: use 1 to 64 letters, digits, "
	    "'.', '_' or '-', starting with a letter or digit\n") != NULL);
	for (i = 0; i < NM_NELEM(badnames); i++) {
		cap_start();
		a = keypair_new(badnames[i]);
		err = cap_end();
		OK(a == NULL);
		OK(strstr(err, "bad reviewer name") != NULL);
		keypair_free(a);
	}
}

/* The keys do what they are for. */
static void
test_crypto(void)
{
	static const unsigned char msg[] = "a near miss at the crossroads";
	unsigned char	 sealed[sizeof(msg) + crypto_box_SEALBYTES];
	unsigned char	 opened[sizeof(msg)];
	unsigned char	 sig[crypto_sign_BYTES];
	struct keypair	*a, *b;

	a = keypair_new("alice");
	b = keypair_new("bob");
	if (a == NULL || b == NULL) {
		OK(0);
		return;
	}
	INT_EQ(crypto_box_seal(sealed, msg, sizeof(msg), a->box_pk), 0);
	INT_EQ(crypto_box_seal_open(opened, sealed, sizeof(sealed),
	    a->box_pk, a->box_sk), 0);
	OK(memcmp(opened, msg, sizeof(msg)) == 0);
	/* Not with somebody else's key. */
	INT_EQ(crypto_box_seal_open(opened, sealed, sizeof(sealed),
	    b->box_pk, b->box_sk), -1);
	INT_EQ(crypto_sign_detached(sig, NULL, msg, sizeof(msg), a->sign_sk),
	    0);
	INT_EQ(crypto_sign_verify_detached(sig, msg, sizeof(msg),
	    a->sign_pk), 0);
	INT_EQ(crypto_sign_verify_detached(sig, msg, sizeof(msg),
	    b->sign_pk), -1);
	sig[0] ^= 1;
	INT_EQ(crypto_sign_verify_detached(sig, msg, sizeof(msg),
	    a->sign_pk), -1);
	keypair_free(a);
	keypair_free(b);
}

static void
test_roundtrip(void)
{
	static const mode_t	 umasks[] = { 022, 0, 077, 0277 };
	static const unsigned char msg[] = "lessons learned";
	unsigned char		 sealed[sizeof(msg) + crypto_box_SEALBYTES];
	unsigned char		 opened[sizeof(msg)];
	unsigned char		 sig[crypto_sign_BYTES];
	struct keypair		*a, *l = NULL;
	struct recipient	 ra, rl;
	struct buf		 b = BUF_INIT;
	const char		*err, *path;
	size_t			 i;

	a = keypair_new("alice");
	if (a == NULL) {
		OK(0);
		return;
	}
	for (i = 0; i < NM_NELEM(umasks); i++) {
		path = p(tfmt("key%zu", i));
		umask(umasks[i]);
		cap_start();
		INT_EQ(keypair_write(a, path), 0);
		err = cap_end();
		umask(022);
		STR_EQ(err, "");
		/* Exactly 0600, whatever the umask. */
		INT_EQ(mode_of(path), 0600);
		unlink(path);
	}
	path = p("key");
	INT_EQ(keypair_write(a, path), 0);
	slurp(&b, path);
	/* The documented format, line by line. */
	OK(strncmp(b.data, "nearmiss-secret-key 1\nname alice\n"
	    "box-public ", 44) == 0);
	/* 22 + 11 for the first two lines, then 11 + 44 + 1 twice, ... */
	INT_EQ(b.len, 22 + 11 + 2 * (11 + 44 + 1) + (12 + 44 + 1) +
	    (12 + 88 + 1));
	cap_start();
	INT_EQ(keypair_load(&l, path), 0);
	err = cap_end();
	STR_EQ(err, "");
	OK(l != NULL);
	if (l != NULL) {
		STR_EQ(l->name, "alice");
		OK(memcmp(l->box_pk, a->box_pk, sizeof(a->box_pk)) == 0);
		OK(memcmp(l->box_sk, a->box_sk, sizeof(a->box_sk)) == 0);
		OK(memcmp(l->sign_pk, a->sign_pk, sizeof(a->sign_pk)) == 0);
		OK(memcmp(l->sign_sk, a->sign_sk, sizeof(a->sign_sk)) == 0);
		keypair_public(&ra, a);
		keypair_public(&rl, l);
		OK(memcmp(&ra, &rl, sizeof(ra)) == 0);
		/* Sealed to the generated key, opened with the loaded one. */
		crypto_box_seal(sealed, msg, sizeof(msg), a->box_pk);
		INT_EQ(crypto_box_seal_open(opened, sealed, sizeof(sealed),
		    l->box_pk, l->box_sk), 0);
		OK(memcmp(opened, msg, sizeof(msg)) == 0);
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), l->sign_sk);
		INT_EQ(crypto_sign_verify_detached(sig, msg, sizeof(msg),
		    a->sign_pk), 0);
	}
	keypair_free(l);
	/* A mode of 0400 is fine too. */
	chmod(path, 0400);
	INT_EQ(load(path, &err), 0);
	STR_EQ(err, "");
	unlink(path);
	/* In the current folder (no slash in the path). */
	if (chdir(top) == 0) {
		INT_EQ(keypair_write(a, "here"), 0);
		INT_EQ(load("here", &err), 0);
		unlink("here");
		if (chdir("/") == -1)
			exit(1);
	}
	keypair_free(a);
	buf_free(&b);
}

static void
test_write_refuses(void)
{
	struct keypair	*a;
	struct buf	 b = BUF_INIT;
	const char	*err;

	if ((a = keypair_new("alice")) == NULL) {
		OK(0);
		return;
	}
	/* An existing file: refused, and left exactly as it was. */
	spit(p("old"), "precious\n", 9, 0644);
	cap_start();
	INT_EQ(keypair_write(a, p("old")), -1);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: %s: already exists; not overwriting it\n",
	    p("old")));
	slurp(&b, p("old"));
	STR_EQ(b.data, "precious\n");
	INT_EQ(mode_of(p("old")), 0644);
	/* An existing key file. */
	INT_EQ(keypair_write(a, p("k")), 0);
	slurp(&b, p("k"));
	{
		struct buf	 c = BUF_INIT;
		struct keypair	*o = keypair_new("alice");

		cap_start();
		INT_EQ(keypair_write(o, p("k")), -1);
		err = cap_end();
		STR_EQ(err, tfmt("nearmiss: %s: already exists; not "
		    "overwriting it\n", p("k")));
		slurp(&c, p("k"));
		OK(c.len == b.len && memcmp(c.data, b.data, b.len) == 0);
		buf_free(&c);
		keypair_free(o);
	}
	/* A dangling symbolic link: refused, and nothing is created. */
	OK(symlink(p("target"), p("link")) == 0);
	cap_start();
	INT_EQ(keypair_write(a, p("link")), -1);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: %s: already exists; not overwriting it\n",
	    p("link")));
	OK(!exists(p("target")));
	/* A link to an existing file. */
	unlink(p("link"));
	OK(symlink(p("old"), p("link")) == 0);
	cap_start();
	INT_EQ(keypair_write(a, p("link")), -1);
	err = cap_end();
	OK(strstr(err, "already exists") != NULL);
	slurp(&b, p("old"));
	STR_EQ(b.data, "precious\n");
	/* A folder that does not exist, and a folder. */
	cap_start();
	INT_EQ(keypair_write(a, p("nodir/key")), -1);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: %s: No such file or directory\n",
	    p("nodir/key")));
	OK(!exists(p("nodir")));
	OK(mkdir(p("dir"), 0700) == 0);
	cap_start();
	INT_EQ(keypair_write(a, p("dir")), -1);
	err = cap_end();
	OK(strstr(err, "already exists") != NULL);
	rmdir(p("dir"));
	/* A write that fails half-way leaves nothing behind. */
	{
		struct rlimit	 old, rl;

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &old);
		rl = old;
		rl.rlim_cur = 100;
		setrlimit(RLIMIT_FSIZE, &rl);
		cap_start();
		INT_EQ(keypair_write(a, p("short")), -1);
		err = cap_end();
		setrlimit(RLIMIT_FSIZE, &old);
		STR_EQ(err, tfmt("nearmiss: write %s: File too large\n",
		    p("short")));
		OK(!exists(p("short")));
	}
	unlink(p("link"));
	unlink(p("old"));
	unlink(p("k"));
	keypair_free(a);
	buf_free(&b);
}

static void
test_load_modes(void)
{
	static const struct {
		mode_t		 mode;
		const char	*why;
	} modes[] = {
		{ 0644, "readable by others; chmod 600 it" },
		{ 0660, "readable by others; chmod 600 it" },
		{ 0640, "readable by others; chmod 600 it" },
		{ 0604, "readable by others; chmod 600 it" },
		{ 0666, "readable by others; chmod 600 it" },
		{ 0620, "open to others (mode 620); chmod 600 it" },
		{ 0602, "open to others (mode 602); chmod 600 it" },
		{ 0610, "open to others (mode 610); chmod 600 it" },
		{ 0700 | 01, "open to others (mode 701); chmod 600 it" },
	};
	struct keypair	*a;
	const char	*err, *path = p("key");
	size_t		 i;

	if ((a = keypair_new("alice")) == NULL) {
		OK(0);
		return;
	}
	INT_EQ(keypair_write(a, path), 0);
	for (i = 0; i < NM_NELEM(modes); i++) {
		chmod(path, modes[i].mode);
		INT_EQ(load(path, &err), -1);
		STR_EQ(err, tfmt("nearmiss: %s: %s\n", path, modes[i].why));
	}
	chmod(path, 0600);
	INT_EQ(load(path, &err), 0);
	unlink(path);
	keypair_free(a);
}

static void
test_load_files(void)
{
	struct keypair	*a;
	const char	*err;

	if ((a = keypair_new("alice")) == NULL) {
		OK(0);
		return;
	}
	INT_EQ(keypair_write(a, p("key")), 0);
	/* A symbolic link to a good key file. */
	OK(symlink(p("key"), p("link")) == 0);
	INT_EQ(load(p("link"), &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: a symbolic link; give the path of the "
	    "key file itself\n", p("link")));
	/* Missing. */
	INT_EQ(load(p("none"), &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: No such file or directory\n",
	    p("none")));
	/* A folder and a FIFO (which must not block). */
	OK(mkdir(p("dir"), 0700) == 0);
	INT_EQ(load(p("dir"), &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: not a regular file\n", p("dir")));
	OK(mkfifo(p("fifo"), 0600) == 0);
	INT_EQ(load(p("fifo"), &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: not a regular file\n", p("fifo")));
	unlink(p("fifo"));
	rmdir(p("dir"));
	unlink(p("link"));
	unlink(p("key"));
	keypair_free(a);
}

static void
test_load_format(void)
{
	struct keypair	*a, *b;
	struct buf	 ta = BUF_INIT, tb = BUF_INIT, t = BUF_INIT;
	const char	*la[NLINES + 1], *lb[NLINES + 1], *nl, *secret;
	char		 big[5000], sec[200];
	size_t		 i, j, len[NLINES];

	a = keypair_new("alice");
	b = keypair_new("bob");
	if (a == NULL || b == NULL) {
		OK(0);
		return;
	}
	INT_EQ(keypair_write(a, p("a")), 0);
	INT_EQ(keypair_write(b, p("b")), 0);
	slurp(&ta, p("a"));
	slurp(&tb, p("b"));
	/* The lines of each file, with their newlines. */
	la[0] = ta.data;
	lb[0] = tb.data;
	for (i = 0; i < NLINES; i++) {
		nl = strchr(la[i], '\n');
		len[i] = (size_t)(nl + 1 - la[i]);
		la[i + 1] = nl + 1;
		lb[i + 1] = strchr(lb[i], '\n') + 1;
	}
	OK(*la[NLINES] == '\0');
	/* box-secret's base64; no message may quote it. */
	snprintf(sec, sizeof(sec), "%.*s", (int)(len[3] - 12), la[3] + 11);
	secret = sec;
	INT_EQ(strlen(secret), 44);

	/* The whole file is fine. */
	spit(p("good"), ta.data, ta.len, 0600);
	{
		const char	*err;

		INT_EQ(load(p("good"), &err), 0);
		STR_EQ(err, "");
	}

	/* Truncated: at each line end, and inside a line. */
	REFUSED("", "@:1: unexpected end of file (truncated?)\n");
	for (i = 1; i < NLINES; i++) {
		buf_reset(&t);
		buf_add(&t, ta.data, (size_t)(la[i] - ta.data));
		refused(__LINE__, secret, t.data, t.len, 0600,
		    tfmt("@:%zu: unexpected end of file (truncated?)\n", i + 1));
		buf_add(&t, la[i], len[i] / 2);
		refused(__LINE__, secret, t.data, t.len, 0600,
		    tfmt("@:%zu: no newline at the end of the line "
		    "(truncated?)\n", i + 1));
	}
	/* The last newline missing. */
	refused(__LINE__, secret, ta.data, ta.len - 1, 0600,
	    "@:6: no newline at the end of the line (truncated?)\n");
	/* Anything after the last line, even a blank line. */
	REFUSED(tfmt("%s\n", ta.data),
	    "@:7: unexpected text after the last key\n");
	REFUSED(tfmt("%s# comment\n", ta.data),
	    "@:7: unexpected text after the last key\n");

	/* The first line. */
	REFUSED(tfmt("nearmiss-secret-key 3\n%s", la[1]),
	    "@:1: unsupported version of the key file format (this program "
	    "reads versions 1 and 2)\n");
	REFUSED(tfmt("-----BEGIN PRIVATE KEY-----\n%s", la[1]),
	    "@:1: not a nearmiss secret key file\n");
	REFUSED(tfmt("nearmiss-secret-key\n%s", la[1]),
	    "@:1: not a nearmiss secret key file\n");
	REFUSED(tfmt("nearmiss-secret-key 1 \n%s", la[1]),
	    "@:1: unsupported version of the key file format (this program "
	    "reads versions 1 and 2)\n");

	/* Each line replaced by the next one: out of order. */
	{
		static const char *const labels[] = { "name", "box-public",
		    "box-secret", "sign-public", "sign-secret" };

		for (i = 1; i < NLINES; i++) {
			buf_reset(&t);
			for (j = 0; j < NLINES; j++)
				buf_add(&t, la[j == i ? (j + 1) % NLINES : j],
				    len[j == i ? (j + 1) % NLINES : j]);
			refused(__LINE__, secret, t.data, t.len, 0600,
			    tfmt("@:%zu: expected \"%s\" and one space\n", i + 1,
			    labels[i - 1]));
		}
	}
	/* Two spaces, a tab, a label alone. */
	REFUSED(tfmt("%.*sbox-public  %s", (int)(la[2] - ta.data), ta.data,
	    la[2] + 11), "@:3: box-public: expected 44 characters of "
	    "standard base64 with padding (32 bytes)\n");
	REFUSED(tfmt("%.*sbox-public\t%s", (int)(la[2] - ta.data), ta.data,
	    la[2] + 11), "@:3: expected \"box-public\" and one space\n");
	REFUSED(tfmt("%.*sbox-public\n%s", (int)(la[2] - ta.data), ta.data,
	    la[3]), "@:3: expected \"box-public\" and one space\n");
	/* A bad name. */
	REFUSED(tfmt("nearmiss-secret-key 1\nname .alice\n%s", la[2]),
	    "@:2: bad name: use 1 to 64 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit\n");
	REFUSED(tfmt("nearmiss-secret-key 1\nname \n%s", la[2]),
	    "@:2: bad name: use 1 to 64 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit\n");

	/* Bad base64 in each key: the URL-safe '-', and no padding. */
	{
		static const char *const what[] = {
			"box-public: expected 44 characters of standard "
			    "base64 with padding (32 bytes)",
			"box-secret: expected 44 characters of standard "
			    "base64 with padding (32 bytes)",
			"sign-public: expected 44 characters of standard "
			    "base64 with padding (32 bytes)",
			"sign-secret: expected 88 characters of standard "
			    "base64 with padding (64 bytes)",
		};

		for (i = 2; i < NLINES; i++) {
			buf_reset(&t);
			buf_add(&t, ta.data, ta.len);
			t.data[la[i] - ta.data + len[i] - 5] = '-';
			refused(__LINE__, secret, t.data, t.len, 0600,
			    tfmt("@:%zu: %s\n", i + 1, what[i - 2]));
			buf_reset(&t);
			buf_add(&t, ta.data, (size_t)(la[i] - ta.data) +
			    len[i] - 2);
			buf_addch(&t, '\n');
			buf_addstr(&t, la[i + 1]);
			refused(__LINE__, secret, t.data, t.len, 0600,
			    tfmt("@:%zu: %s\n", i + 1, what[i - 2]));
		}
	}

	/* Public keys that are not those of the secret keys. */
	for (i = 2; i < NLINES; i++) {
		buf_reset(&t);
		for (j = 0; j < NLINES; j++)
			buf_add(&t, j == i ? lb[j] : la[j], len[j]);
		refused(__LINE__, secret, t.data, t.len, 0600,
		    i < 4 ? "@: box-public does not match box-secret\n" :
		    "@: sign-public does not match sign-secret\n");
	}
	/* The Ed25519 secret key carries its public key: check both. */
	buf_reset(&t);
	buf_add(&t, ta.data, (size_t)(la[5] - ta.data));
	{
		unsigned char	 sk[64];
		char		 b64[100];

		memcpy(sk, a->sign_sk, 64);
		memcpy(sk + 32, b->sign_pk, 32);
		sodium_bin2base64(b64, sizeof(b64), sk, 64,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&t, "sign-secret %s\n", b64);
		sodium_memzero(sk, sizeof(sk));
	}
	refused(__LINE__, secret, t.data, t.len, 0600,
	    "@: sign-public does not match sign-secret\n");

	/* NUL bytes and carriage returns. */
	buf_reset(&t);
	buf_add(&t, ta.data, ta.len);
	t.data[la[3] - ta.data + 20] = '\0';
	refused(__LINE__, secret, t.data, t.len, 0600,
	    "@:4: box-secret: expected 44 characters of standard base64 "
	    "with padding (32 bytes)\n");
	buf_reset(&t);
	buf_add(&t, ta.data, (size_t)(la[2] - ta.data) - 1);
	buf_addstr(&t, "\r\n");
	buf_addstr(&t, la[2]);
	refused(__LINE__, secret, t.data, t.len, 0600,
	    "@:2: bad name: use 1 to 64 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit\n");

	/* Oversized: the cap is 4096 bytes, whatever the content. */
	memset(big, '#', sizeof(big));
	memcpy(big, ta.data, ta.len);
	refused(__LINE__, secret, big, sizeof(big), 0600,
	    "nearmiss: @: larger than 4096 bytes: not a key file\n");
	refused(__LINE__, secret, big, 4097, 0600,
	    "nearmiss: @: larger than 4096 bytes: not a key file\n");
	refused(__LINE__, secret, big, 4096, 0600,
	    "@:7: unexpected text after the last key\n");
	/* The mode is checked before anything is read. */
	refused(__LINE__, secret, ta.data, ta.len, 0644,
	    "nearmiss: @: readable by others; chmod 600 it\n");

	unlink(p("a"));
	unlink(p("b"));
	unlink(p("good"));
	keypair_free(a);
	keypair_free(b);
	buf_free(&ta);
	buf_free(&tb);
	buf_free(&t);
}

static void
test_protected(void)
{
	static const char *const labels[] = { "name", "box-public",
	    "sign-public", "kdf", "salt", "nonce", "secret" };
	struct keypair	*a, *l = NULL;
	struct buf	 t = BUF_INIT, u = BUF_INIT;
	const char	*err, *nl, *q;
	char		 longpass[KEY_PASS_MAX + 2], sec[200];
	char		 path[sizeof(top) + 16], bad[sizeof(top) + 16];
	size_t		 i, off;
	unsigned long long ops = crypto_pwhash_OPSLIMIT_MIN;
	size_t		 mem = crypto_pwhash_MEMLIMIT_MIN;

	/* p() rotates four buffers: keep these two. */
	snprintf(path, sizeof(path), "%s", p("prot"));
	snprintf(bad, sizeof(bad), "%s", p("prot-bad"));
	a = keypair_new("alice");
	if (a == NULL) {
		OK(0);
		return;
	}
	umask(0);
	cap_start();
	INT_EQ(keypair_write_pass(a, path, "correct horse", 13, ops, mem), 0);
	err = cap_end();
	umask(022);
	STR_EQ(err, "");
	INT_EQ(mode_of(path), 0600);
	slurp(&t, path);
	/* The layout: seven labelled lines after the first. */
	OK(strncmp(t.data, "nearmiss-secret-key 2\nname alice\n"
	    "box-public ", 44) == 0);
	q = strchr(t.data, '\n') + 1;
	for (i = 0; i < NM_NELEM(labels); i++) {
		OK(strncmp(q, labels[i], strlen(labels[i])) == 0 &&
		    q[strlen(labels[i])] == ' ');
		nl = strchr(q, '\n');
		OK(nl != NULL);
		if (nl == NULL)
			break;
		q = nl + 1;
	}
	OK(*q == '\0');
	OK(strstr(t.data, tfmt("\nkdf argon2id13 %llu %zu\n", ops, mem)) !=
	    NULL);
	/* No secret in the clear. */
	sodium_bin2base64(sec, sizeof(sec), a->box_sk, 32,
	    sodium_base64_VARIANT_ORIGINAL);
	OK(strstr(t.data, sec) == NULL);
	sodium_bin2base64(sec, sizeof(sec), a->sign_sk, 64,
	    sodium_base64_VARIANT_ORIGINAL);
	OK(strstr(t.data, sec) == NULL);
	/* Written twice: a fresh salt and nonce. */
	INT_EQ(keypair_write_pass(a, p("prot2"), "correct horse", 13, ops,
	    mem), 0);
	slurp(&u, p("prot2"));
	OK(t.len == u.len && memcmp(t.data, u.data, t.len) != 0);
	unlink(p("prot2"));

	/* The right passphrase gives the same keys. */
	cap_start();
	INT_EQ(keypair_load_pass(&l, path, givepass, "correct horse"), 0);
	err = cap_end();
	STR_EQ(err, "");
	if (l != NULL) {
		STR_EQ(l->name, "alice");
		OK(memcmp(l->box_pk, a->box_pk, 32) == 0);
		OK(memcmp(l->box_sk, a->box_sk, 32) == 0);
		OK(memcmp(l->sign_pk, a->sign_pk, 32) == 0);
		OK(memcmp(l->sign_sk, a->sign_sk, 64) == 0);
	}
	keypair_free(l);
	l = NULL;

	/* A wrong one, or none. */
	INT_EQ(loadpass(path, "correct horsE", &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: wrong passphrase (or the file was "
	    "changed)\n", path));
	INT_EQ(loadpass(path, "correct horse ", &err), -1);
	OK(strstr(err, "wrong passphrase") != NULL);
	INT_EQ(loadpass(path, "", &err), -1);
	STR_EQ(err, tfmt("nearmiss: %s: a passphrase of 1 to %d bytes is "
	    "needed\n", path, KEY_PASS_MAX));
	INT_EQ(loadpass(path, NULL, &err), -1);
	STR_EQ(err, "");
	cap_start();
	INT_EQ(keypair_load(&l, path), -1);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: %s: protected by a passphrase, which "
	    "this program cannot ask for\n", path));
	OK(l == NULL);
	memset(longpass, 'x', sizeof(longpass) - 1);
	longpass[sizeof(longpass) - 1] = '\0';
	INT_EQ(loadpass(path, longpass, &err), -1);
	OK(strstr(err, "a passphrase of 1 to") != NULL);
	cap_start();
	INT_EQ(keypair_write_pass(a, bad, "", 0, ops, mem), -1);
	INT_EQ(keypair_write_pass(a, bad, longpass, KEY_PASS_MAX + 1, ops,
	    mem), -1);
	INT_EQ(keypair_write_pass(a, bad, "x", 1, 0, mem), -1);
	INT_EQ(keypair_write_pass(a, bad, "x", 1, ops, 1024), -1);
	err = cap_end();
	OK(strstr(err, "work factors out of range") != NULL);
	OK(!exists(bad));

	/*
	 * Every line is authenticated: change one character of each value
	 * (the first after the label) and the passphrase no longer opens
	 * it, or the parser refuses the line.
	 */
	q = strchr(t.data, '\n') + 1;
	for (i = 0; i < NM_NELEM(labels); i++) {
		off = (size_t)(q - t.data) + strlen(labels[i]) + 1;
		buf_reset(&u);
		buf_add(&u, t.data, t.len);
		if (i == 0)
			u.data[off] = 'A';	/* alice -> Alice */
		else if (i == 3)
			u.data[off + strlen("argon2id13 ")] = '2';
		else
			u.data[off + 1] = u.data[off + 1] == 'A' ? 'B' : 'A';
		spit(bad, u.data, u.len, 0600);
		OK(loadpass(bad, "correct horse", &err) == -1);
		OK(strstr(err, "wrong passphrase") != NULL);
		q = strchr(q, '\n') + 1;
	}
	/* The kdf line. */
	{
		static const char *const kdfs[] = {
			"argon2i13 1 8192", "argon2id13 1", "argon2id13 01 8192",
			"argon2id13 1 8192 ", "argon2id13  1 8192",
			"argon2id13 -1 8192", "argon2id13 1 99999999999999999999",
			"argon2id13 1 0x2000",
		};
		static const char *const ranges[] = {
			"argon2id13 0 8192", "argon2id13 17 8192",
			"argon2id13 1 8191", "argon2id13 1 4294967297",
			"argon2id13 1 18446744073709551615",
		};
		const char	*k0, *k1;

		k0 = strstr(t.data, "\nkdf ") + 5;
		k1 = strchr(k0, '\n');
		for (i = 0; i < NM_NELEM(kdfs) + NM_NELEM(ranges); i++) {
			buf_reset(&u);
			buf_add(&u, t.data, (size_t)(k0 - t.data));
			buf_addstr(&u, i < NM_NELEM(kdfs) ? kdfs[i] :
			    ranges[i - NM_NELEM(kdfs)]);
			buf_addstr(&u, k1);
			spit(bad, u.data, u.len, 0600);
			OK(loadpass(bad, "correct horse", &err) == -1);
			OK(strstr(err, i < NM_NELEM(kdfs) ?
			    ":5: kdf: expected \"argon2id13 OPSLIMIT "
			    "MEMLIMIT\" in decimal\n" :
			    ":5: kdf: work factors out of range") != NULL);
		}
	}
	/* Truncated, and the format-1 labels in a format-2 file. */
	spit(bad, t.data, t.len - 10, 0600);
	INT_EQ(loadpass(bad, "correct horse", &err), -1);
	OK(strstr(err, ":8: no newline at the end of the line") != NULL);
	buf_reset(&u);
	buf_addstr(&u, "nearmiss-secret-key 2\nname alice\n");
	buf_addstr(&u, strstr(t.data, "box-public"));
	q = strstr(u.data, "sign-public");
	memcpy((char *)q, "box-secret ", 11);
	spit(bad, u.data, u.len, 0600);
	INT_EQ(loadpass(bad, "correct horse", &err), -1);
	OK(strstr(err, ":4: expected \"sign-public\" and one space") !=
	    NULL);
	/* Mode checks as for format 1, before any passphrase is asked. */
	spit(bad, t.data, t.len, 0640);
	INT_EQ(loadpass(bad, NULL, &err), -1);
	OK(strstr(err, "readable by others") != NULL);

	unlink(bad);
	unlink(path);
	buf_free(&t);
	buf_free(&u);
	keypair_free(a);
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
	umask(022);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(top, sizeof(top), "%s/test_keys.XXXXXX", tmp);
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_new();
	test_crypto();
	test_roundtrip();
	test_write_refuses();
	test_load_modes();
	test_load_files();
	test_load_format();
	test_protected();
	OK(rmdir(top) == 0);
	rc = DONE("test_keys");
	fflush(stdout);
	return rc;
}
