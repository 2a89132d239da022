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
 * A reviewer's secret key pair: generation, and the secret key file
 * (written once with O_EXCL, read back only if nobody else may read it).
 * Every byte of secret material, including the file's text, lives in
 * sodium_malloc()ed memory and is wiped before it is freed.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "file.h"
#include "keys.h"
#include "log.h"
#include "nm.h"

#define KEYFILE_HEAD	"nearmiss-secret-key 1"
#define KEYFILE_MAGIC	"nearmiss-secret-key "
#define KEYFILE_MAX	4096
#define B64_VARIANT	sodium_base64_VARIANT_ORIGINAL

#define NAME_RULE	"1 to 64 letters, digits, '.', '_' or '-', " \
			"starting with a letter or digit"

/* A bounded text buffer in guarded memory. */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/*
 * The lines of a key file after the first, in order: the name, then each
 * key at its offset in struct keypair (len 0 marks the name).
 */
struct kfield {
	const char	*label;
	size_t		 off;
	size_t		 len;
};

static void	*galloc(size_t);
static void	 sb_add(struct sbuf *, const char *, size_t);
static void	 sb_addb64(struct sbuf *, const unsigned char *, size_t);
static int	 dir_of(char *, size_t, const char *);
static int	 b64_decode(unsigned char *, size_t, const char *, size_t);
static int	 parse(struct keypair *, const char *, const char *, size_t);
static int	 check(const struct keypair *, const char *);

static const struct kfield kfields[] = {
	{ "name", offsetof(struct keypair, name), 0 },
	{ "box-public", offsetof(struct keypair, box_pk), RECIPIENT_KEY_BYTES },
	{ "box-secret", offsetof(struct keypair, box_sk),
	    KEY_SECRET_BOX_BYTES },
	{ "sign-public", offsetof(struct keypair, sign_pk),
	    RECIPIENT_KEY_BYTES },
	{ "sign-secret", offsetof(struct keypair, sign_sk),
	    KEY_SECRET_SIGN_BYTES },
};

/*
 * sodium_malloc(), which puts guard pages around the block, locks it in
 * memory (as far as RLIMIT_MEMLOCK allows) and wipes it in sodium_free().
 * It needs sodium_init(): main() calls it, and calling it again is cheap
 * and harmless.  The block is aligned to nothing in particular; struct
 * keypair holds only bytes.
 */
static void *
galloc(size_t n)
{
	void	*p;

	if (sodium_init() == -1)
		fatalx("libsodium cannot be initialised");
	if ((p = sodium_malloc(n)) == NULL)
		fatal("sodium_malloc");
	return p;
}

static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	assert(n <= sb->cap - sb->len);
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
}

static void
sb_addb64(struct sbuf *sb, const unsigned char *bin, size_t n)
{
	size_t	 need = sodium_base64_ENCODED_LEN(n, B64_VARIANT);

	assert(need <= sb->cap - sb->len);
	sodium_bin2base64(sb->p + sb->len, need, bin, n, B64_VARIANT);
	sb->len += need - 1;
}

/* The folder that holds path, for fsync.  Returns 0 or -1 (too long). */
static int
dir_of(char *out, size_t outsz, const char *path)
{
	const char	*slash;
	size_t		 n;

	if ((slash = strrchr(path, '/')) == NULL)
		return file_path(out, outsz, ".");
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= outsz) {
		log_warnx("%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

/*
 * Decodes exactly n bytes from s (len characters of standard base64 with
 * padding, and nothing else).  Returns 0 or -1.
 */
static int
b64_decode(unsigned char *out, size_t n, const char *s, size_t len)
{
	const char	*end;
	size_t		 got;

	if (len != sodium_base64_ENCODED_LEN(n, B64_VARIANT) - 1)
		return -1;
	if (sodium_base642bin(out, n, s, len, NULL, &got, &end,
	    B64_VARIANT) != 0)
		return -1;
	return end == s + len && got == n ? 0 : -1;
}

/*
 * Parses the text of a key file into kp.  The format is strict: the
 * first line, then the lines of kfields in that order, each "label
 * value" with one space and ending with a newline, and nothing after.
 * Messages never quote the file, which holds secrets.
 */
static int
parse(struct keypair *kp, const char *path, const char *text, size_t len)
{
	const struct kfield	*f;
	const char		*p = text, *end = text + len, *nl, *v;
	unsigned long		 line;
	size_t			 i, n, lablen, vlen;

	for (i = 0; i <= NM_NELEM(kfields); i++) {
		line = i + 1;
		if (p == end) {
			log_at(path, line, "unexpected end of file "
			    "(truncated?)");
			return -1;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			log_at(path, line, "no newline at the end of the "
			    "line (truncated?)");
			return -1;
		}
		n = (size_t)(nl - p);
		if (i == 0) {
			if (n == strlen(KEYFILE_HEAD) &&
			    memcmp(p, KEYFILE_HEAD, n) == 0) {
				p = nl + 1;
				continue;
			}
			if (n > strlen(KEYFILE_MAGIC) && memcmp(p,
			    KEYFILE_MAGIC, strlen(KEYFILE_MAGIC)) == 0)
				log_at(path, line, "unsupported version of "
				    "the key file format (this program "
				    "reads version 1)");
			else
				log_at(path, line, "not a nearmiss secret "
				    "key file");
			return -1;
		}
		f = &kfields[i - 1];
		lablen = strlen(f->label);
		if (n <= lablen || memcmp(p, f->label, lablen) != 0 ||
		    p[lablen] != ' ') {
			log_at(path, line, "expected \"%s\" and one space",
			    f->label);
			return -1;
		}
		v = p + lablen + 1;
		vlen = n - lablen - 1;
		if (f->len == 0) {
			if (!recipient_name_ok(v, vlen)) {
				log_at(path, line, "bad name: use %s",
				    NAME_RULE);
				return -1;
			}
			memcpy(kp->name, v, vlen);
			kp->name[vlen] = '\0';
		} else if (b64_decode((unsigned char *)kp + f->off, f->len,
		    v, vlen) == -1) {
			log_at(path, line, "%s: expected %zu characters of "
			    "standard base64 with padding (%zu bytes)",
			    f->label,
			    sodium_base64_ENCODED_LEN(f->len, B64_VARIANT) - 1,
			    f->len);
			return -1;
		}
		p = nl + 1;
	}
	if (p != end) {
		log_at(path, NM_NELEM(kfields) + 2, "unexpected text after "
		    "the last key");
		return -1;
	}
	return 0;
}

/*
 * Checks that the public keys of kp are those of its secret keys: the
 * X25519 public key from the secret scalar, and the whole Ed25519 key
 * pair (which carries its public key) from the seed.
 */
static int
check(const struct keypair *kp, const char *path)
{
	struct {
		unsigned char	 pk[RECIPIENT_KEY_BYTES];
		unsigned char	 sk[KEY_SECRET_SIGN_BYTES];
		unsigned char	 seed[crypto_sign_SEEDBYTES];
	}	*s;
	int	 rc = -1;

	s = galloc(sizeof(*s));
	if (crypto_scalarmult_base(s->pk, kp->box_sk) != 0 ||
	    sodium_memcmp(s->pk, kp->box_pk, sizeof(s->pk)) != 0) {
		log_at(path, 0, "box-public does not match box-secret");
		goto out;
	}
	crypto_sign_ed25519_sk_to_seed(s->seed, kp->sign_sk);
	if (crypto_sign_seed_keypair(s->pk, s->sk, s->seed) != 0 ||
	    sodium_memcmp(s->pk, kp->sign_pk, sizeof(s->pk)) != 0 ||
	    sodium_memcmp(s->sk, kp->sign_sk, sizeof(s->sk)) != 0) {
		log_at(path, 0, "sign-public does not match sign-secret");
		goto out;
	}
	rc = 0;
out:
	sodium_free(s);
	return rc;
}

struct keypair *
keypair_new(const char *name)
{
	struct keypair	*kp;
	size_t		 len;

	len = strlen(name);
	if (!recipient_name_ok(name, len)) {
		log_warnx("\"%s\": bad reviewer name: use %s", name,
		    NAME_RULE);
		return NULL;
	}
	kp = galloc(sizeof(*kp));
	memset(kp, 0, sizeof(*kp));
	memcpy(kp->name, name, len);
	if (crypto_box_keypair(kp->box_pk, kp->box_sk) != 0 ||
	    crypto_sign_keypair(kp->sign_pk, kp->sign_sk) != 0)
		fatalx("libsodium cannot generate a key pair");
	/* Nothing writes to it from here on; a stray write faults. */
	sodium_mprotect_readonly(kp);
	return kp;
}

void
keypair_free(struct keypair *kp)
{
	/* Makes the block writable again, wipes it and unmaps it. */
	sodium_free(kp);
}

int
keypair_write(const struct keypair *kp, const char *path)
{
	const struct kfield	*f;
	struct sbuf		 sb;
	char			 dir[PATH_MAX];
	size_t			 i;
	int			 fd = -1, rc = -1, created = 0;

	sb.len = 0;
	sb.cap = KEYFILE_MAX;
	sb.p = galloc(sb.cap);
	sb_add(&sb, KEYFILE_HEAD "\n", strlen(KEYFILE_HEAD) + 1);
	for (i = 0; i < NM_NELEM(kfields); i++) {
		f = &kfields[i];
		sb_add(&sb, f->label, strlen(f->label));
		sb_add(&sb, " ", 1);
		if (f->len == 0)
			sb_add(&sb, kp->name, strlen(kp->name));
		else
			sb_addb64(&sb, (const unsigned char *)kp + f->off,
			    f->len);
		sb_add(&sb, "\n", 1);
	}
	if (dir_of(dir, sizeof(dir), path) == -1)
		goto out;
	/* O_EXCL also refuses a symbolic link, even a dangling one. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			log_warnx("%s: already exists; not overwriting it",
			    path);
		else
			log_warn("%s", path);
		goto out;
	}
	created = 1;
	/* Exactly 0600, whatever the umask. */
	if (fchmod(fd, 0600) == -1) {
		log_warn("chmod %s", path);
		goto out;
	}
	if (file_write_all(fd, sb.p, sb.len) == -1) {
		log_warn("write %s", path);
		goto out;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", path);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_warn("close %s", path);
		goto out;
	}
	fd = -1;
	/*
	 * The name must survive a crash too: once the public line is
	 * published, a lost key file means submissions nobody can read.
	 */
	if (file_sync_dir(dir) == -1)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	/* Nothing was published yet, so a failed file goes entirely. */
	if (rc == -1 && created && unlink(path) == -1)
		log_warn("unlink %s", path);
	sodium_memzero(sb.p, sb.cap);
	sodium_free(sb.p);
	return rc;
}

int
keypair_load(struct keypair **out, const char *path)
{
	struct stat	 st;
	struct keypair	*kp = NULL;
	char		*text;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	*out = NULL;
	/* One byte more than the cap, to see a file that grew past it. */
	text = galloc(KEYFILE_MAX + 1);
	/* O_NONBLOCK: a FIFO must not hang us before fstat() refuses it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			log_warnx("%s: a symbolic link; give the path of the "
			    "key file itself", path);
		else
			log_warn("%s", path);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 044) {
		log_warnx("%s: readable by others; chmod 600 it", path);
		goto out;
	}
	if (st.st_mode & 077) {
		log_warnx("%s: open to others (mode %03o); chmod 600 it",
		    path, (unsigned int)(st.st_mode & 0777));
		goto out;
	}
	while (len <= KEYFILE_MAX) {
		n = read(fd, text + len, KEYFILE_MAX + 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > KEYFILE_MAX) {
		log_warnx("%s: larger than %d bytes: not a key file", path,
		    KEYFILE_MAX);
		goto out;
	}
	kp = galloc(sizeof(*kp));
	memset(kp, 0, sizeof(*kp));
	if (parse(kp, path, text, len) == -1 || check(kp, path) == -1)
		goto out;
	sodium_mprotect_readonly(kp);
	*out = kp;
	kp = NULL;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	sodium_memzero(text, KEYFILE_MAX + 1);
	sodium_free(text);
	keypair_free(kp);
	return rc;
}

void
keypair_public(struct recipient *out, const struct keypair *kp)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, kp->name, sizeof(out->name));
	memcpy(out->box_pk, kp->box_pk, sizeof(out->box_pk));
	memcpy(out->sign_pk, kp->sign_pk, sizeof(out->sign_pk));
}
