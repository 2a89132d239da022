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
 * (written once with O_EXCL, read back only if nobody else may read it),
 * plain (format 1) or with the secret keys sealed under a passphrase
 * (format 2: Argon2id, then XChaCha20-Poly1305 over the whole file).
 * Every byte of secret material, including the file's text and the
 * passphrase, lives in sodium_malloc()ed memory and is wiped before it
 * is freed.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "file.h"
#include "keys.h"
#include "log.h"
#include "nm.h"

#define KEYFILE_HEAD	"nearmiss-secret-key 1"
#define KEYFILE_HEAD2	"nearmiss-secret-key 2"
#define KDF_ALG		"argon2id13"
#define SALT_BYTES	crypto_pwhash_SALTBYTES
#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEALED_BYTES	(KEY_SECRET_BOX_BYTES + KEY_SECRET_SIGN_BYTES + \
			crypto_aead_xchacha20poly1305_ietf_ABYTES)
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

/* What a key file holds, in guarded memory while it is read or written. */
struct kfile {
	struct keypair		 kp;
	unsigned long long	 ops;		/* format 2: Argon2id passes */
	size_t			 mem;		/* and memory in bytes */
	unsigned char		 salt[SALT_BYTES];
	unsigned char		 nonce[NONCE_BYTES];
	unsigned char		 sealed[SEALED_BYTES];
	unsigned char		 key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char		 plain[KEY_SECRET_BOX_BYTES +
				    KEY_SECRET_SIGN_BYTES];
};

enum kkind {
	KF_NAME,	/* the reviewer's name */
	KF_B64,		/* len bytes at off, base64 */
	KF_KDF,		/* "argon2id13 OPSLIMIT MEMLIMIT" */
	KF_SEALED	/* the sealed secret keys: the last line */
};

/*
 * The lines of a key file after the first, in order, each "label value";
 * off and len place a KF_B64 value in struct kfile.
 */
struct kfield {
	const char	*label;
	enum kkind	 kind;
	size_t		 off;
	size_t		 len;
};

static void	*galloc(size_t);
static void	 sb_add(struct sbuf *, const char *, size_t);
static void	 sb_addb64(struct sbuf *, const unsigned char *, size_t);
static int	 dir_of(char *, size_t, const char *);
static int	 b64_decode(unsigned char *, size_t, const char *, size_t);
static int	 parse_u64(unsigned long long *, const char **, const char *);
static int	 parse_kdf(struct kfile *, const char *, size_t);
static int	 parse(struct kfile *, int *, size_t *, const char *,
		    const char *, size_t);
static int	 unseal(struct kfile *, const char *, const char *, size_t,
		    keypair_pass_fn, void *);
static int	 check(const struct keypair *, const char *);
static int	 limits_ok(unsigned long long, size_t);
static int	 write_text(const char *, const struct sbuf *);
static int	 write_file(const struct keypair *, const char *, const char *,
		    size_t, unsigned long long, size_t);

/* Format 1: everything in the clear (the file's mode protects it). */
static const struct kfield kfields1[] = {
	{ "name", KF_NAME, 0, 0 },
	{ "box-public", KF_B64, offsetof(struct kfile, kp.box_pk),
	    RECIPIENT_KEY_BYTES },
	{ "box-secret", KF_B64, offsetof(struct kfile, kp.box_sk),
	    KEY_SECRET_BOX_BYTES },
	{ "sign-public", KF_B64, offsetof(struct kfile, kp.sign_pk),
	    RECIPIENT_KEY_BYTES },
	{ "sign-secret", KF_B64, offsetof(struct kfile, kp.sign_sk),
	    KEY_SECRET_SIGN_BYTES },
};

/*
 * Format 2: the public part in the clear, so that a reviewer can see
 * whose key it is without the passphrase; the secret keys sealed with
 * XChaCha20-Poly1305 under the Argon2id hash of the passphrase, with
 * every line before the last as associated data.
 */
static const struct kfield kfields2[] = {
	{ "name", KF_NAME, 0, 0 },
	{ "box-public", KF_B64, offsetof(struct kfile, kp.box_pk),
	    RECIPIENT_KEY_BYTES },
	{ "sign-public", KF_B64, offsetof(struct kfile, kp.sign_pk),
	    RECIPIENT_KEY_BYTES },
	{ "kdf", KF_KDF, 0, 0 },
	{ "salt", KF_B64, offsetof(struct kfile, salt), SALT_BYTES },
	{ "nonce", KF_B64, offsetof(struct kfile, nonce), NONCE_BYTES },
	{ "secret", KF_SEALED, offsetof(struct kfile, sealed), SEALED_BYTES },
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
 * Reads a decimal number without sign or leading zeros at *p, up to a
 * space or end, and moves *p past it.  Returns 0 or -1.
 */
static int
parse_u64(unsigned long long *out, const char **p, const char *end)
{
	const char	*s = *p;
	unsigned long long v = 0;

	if (s == end || *s < '0' || *s > '9' || (*s == '0' && s + 1 != end &&
	    s[1] != ' '))
		return -1;
	for (; s != end && *s >= '0' && *s <= '9'; s++) {
		if (v > (ULLONG_MAX - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	*p = s;
	return 0;
}

/* Parses the value of the kdf line into kf.  Returns 0 or -1. */
static int
parse_kdf(struct kfile *kf, const char *v, size_t vlen)
{
	const char		*p = v, *end = v + vlen;
	unsigned long long	 ops, mem;

	if (vlen <= strlen(KDF_ALG) || memcmp(v, KDF_ALG " ",
	    strlen(KDF_ALG) + 1) != 0)
		return -1;
	p += strlen(KDF_ALG) + 1;
	if (parse_u64(&ops, &p, end) == -1 || p == end || *p++ != ' ' ||
	    parse_u64(&mem, &p, end) == -1 || p != end)
		return -1;
	if (mem > SIZE_MAX)
		return -1;
	kf->ops = ops;
	kf->mem = (size_t)mem;
	return 0;
}

/*
 * Parses the text of a key file into kf and sets *version; for format 2,
 * *adlen is the length of the text before the last line.  The format is
 * strict: the first line, then the lines of the version's table in that
 * order, each "label value" with one space and ending with a newline,
 * and nothing after.  Messages never quote the file, which holds
 * secrets.
 */
static int
parse(struct kfile *kf, int *version, size_t *adlen, const char *path,
    const char *text, size_t len)
{
	const struct kfield	*f, *fields = kfields1;
	const char		*p = text, *end = text + len, *nl, *v;
	unsigned long		 line;
	size_t			 i, n, nf = NM_NELEM(kfields1), lablen, vlen;

	for (i = 0; i <= nf; i++) {
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
				*version = 1;
				p = nl + 1;
				continue;
			}
			if (n == strlen(KEYFILE_HEAD2) &&
			    memcmp(p, KEYFILE_HEAD2, n) == 0) {
				*version = 2;
				fields = kfields2;
				nf = NM_NELEM(kfields2);
				p = nl + 1;
				continue;
			}
			if (n > strlen(KEYFILE_MAGIC) && memcmp(p,
			    KEYFILE_MAGIC, strlen(KEYFILE_MAGIC)) == 0)
				log_at(path, line, "unsupported version of "
				    "the key file format (this program "
				    "reads versions 1 and 2)");
			else
				log_at(path, line, "not a nearmiss secret "
				    "key file");
			return -1;
		}
		f = &fields[i - 1];
		lablen = strlen(f->label);
		if (n <= lablen || memcmp(p, f->label, lablen) != 0 ||
		    p[lablen] != ' ') {
			log_at(path, line, "expected \"%s\" and one space",
			    f->label);
			return -1;
		}
		v = p + lablen + 1;
		vlen = n - lablen - 1;
		switch (f->kind) {
		case KF_NAME:
			if (!recipient_name_ok(v, vlen)) {
				log_at(path, line, "bad name: use %s",
				    NAME_RULE);
				return -1;
			}
			memcpy(kf->kp.name, v, vlen);
			kf->kp.name[vlen] = '\0';
			break;
		case KF_KDF:
			if (parse_kdf(kf, v, vlen) == -1) {
				log_at(path, line, "kdf: expected \"%s "
				    "OPSLIMIT MEMLIMIT\" in decimal", KDF_ALG);
				return -1;
			}
			if (!limits_ok(kf->ops, kf->mem)) {
				log_at(path, line, "kdf: work factors out of "
				    "range (OPSLIMIT %llu to %llu, MEMLIMIT "
				    "%zu to %zu)",
				    (unsigned long long)
				    crypto_pwhash_OPSLIMIT_MIN,
				    KEY_OPSLIMIT_MAX,
				    (size_t)crypto_pwhash_MEMLIMIT_MIN,
				    KEY_MEMLIMIT_MAX);
				return -1;
			}
			break;
		case KF_SEALED:
			*adlen = (size_t)(p - text);
			/* FALLTHROUGH */
		case KF_B64:
			if (b64_decode((unsigned char *)kf + f->off, f->len,
			    v, vlen) == -1) {
				log_at(path, line, "%s: expected %zu "
				    "characters of standard base64 with "
				    "padding (%zu bytes)", f->label,
				    sodium_base64_ENCODED_LEN(f->len,
				    B64_VARIANT) - 1, f->len);
				return -1;
			}
			break;
		}
		p = nl + 1;
	}
	if (p != end) {
		log_at(path, nf + 2, "unexpected text after the last key");
		return -1;
	}
	return 0;
}

static int
limits_ok(unsigned long long ops, size_t mem)
{
	return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= KEY_OPSLIMIT_MAX &&
	    mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= KEY_MEMLIMIT_MAX;
}

/*
 * Asks fn for the passphrase of a format 2 file, derives the key and
 * opens the sealed secret keys into kf->kp, with the first adlen bytes of
 * text as associated data.  Returns 0 or -1 (logged).
 */
static int
unseal(struct kfile *kf, const char *path, const char *text, size_t adlen,
    keypair_pass_fn fn, void *arg)
{
	char	*pass;
	size_t	 passlen = 0;
	int	 rc = -1;

	if (fn == NULL) {
		log_warnx("%s: protected by a passphrase, which this program "
		    "cannot ask for", path);
		return -1;
	}
	pass = galloc(KEY_PASS_MAX + 1);
	if (fn(pass, KEY_PASS_MAX + 1, &passlen, arg) == -1)
		goto out;
	if (passlen == 0 || passlen > KEY_PASS_MAX) {
		log_warnx("%s: a passphrase of 1 to %d bytes is needed", path,
		    KEY_PASS_MAX);
		goto out;
	}
	if (crypto_pwhash(kf->key, sizeof(kf->key), pass, passlen, kf->salt,
	    kf->ops, kf->mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_warnx("%s: cannot hash the passphrase: %zu MiB of memory "
		    "are needed", path, kf->mem >> 20);
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(kf->plain, NULL, NULL,
	    kf->sealed, sizeof(kf->sealed), (const unsigned char *)text,
	    adlen, kf->nonce, kf->key) != 0) {
		log_warnx("%s: wrong passphrase (or the file was changed)",
		    path);
		goto out;
	}
	memcpy(kf->kp.box_sk, kf->plain, KEY_SECRET_BOX_BYTES);
	memcpy(kf->kp.sign_sk, kf->plain + KEY_SECRET_BOX_BYTES,
	    KEY_SECRET_SIGN_BYTES);
	rc = 0;
out:
	sodium_memzero(pass, KEY_PASS_MAX + 1);
	sodium_free(pass);
	return rc;
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

/*
 * Writes the text of sb to path: created with O_EXCL and mode 0600,
 * written, fsynced with its folder, or removed.  Returns 0 or -1 (logged).
 */
static int
write_text(const char *path, const struct sbuf *sb)
{
	char	 dir[PATH_MAX];
	int	 fd = -1, rc = -1, created = 0;

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
	if (file_write_all(fd, sb->p, sb->len) == -1) {
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
	return rc;
}

/*
 * Writes the key file of kp at path: format 1 if pass is NULL, else
 * format 2 with the given work factors.  Returns 0 or -1 (logged).
 */
static int
write_file(const struct keypair *kp, const char *path, const char *pass,
    size_t passlen, unsigned long long ops, size_t mem)
{
	const struct kfield	*f, *fields = kfields1;
	struct kfile		*kf;
	struct sbuf		 sb;
	char			 kdf[128];
	size_t			 i, nf = NM_NELEM(kfields1);
	int			 rc = -1;

	kf = galloc(sizeof(*kf));
	memset(kf, 0, sizeof(*kf));
	memcpy(&kf->kp, kp, sizeof(kf->kp));
	sb.len = 0;
	sb.cap = KEYFILE_MAX;
	sb.p = galloc(sb.cap);
	if (pass == NULL)
		sb_add(&sb, KEYFILE_HEAD "\n", strlen(KEYFILE_HEAD) + 1);
	else {
		if (passlen == 0 || passlen > KEY_PASS_MAX) {
			log_warnx("%s: a passphrase of 1 to %d bytes is "
			    "needed", path, KEY_PASS_MAX);
			goto out;
		}
		if (!limits_ok(ops, mem)) {
			log_warnx("%s: Argon2id work factors out of range",
			    path);
			goto out;
		}
		fields = kfields2;
		nf = NM_NELEM(kfields2);
		kf->ops = ops;
		kf->mem = mem;
		randombytes_buf(kf->salt, sizeof(kf->salt));
		randombytes_buf(kf->nonce, sizeof(kf->nonce));
		if (crypto_pwhash(kf->key, sizeof(kf->key), pass, passlen,
		    kf->salt, kf->ops, kf->mem,
		    crypto_pwhash_ALG_ARGON2ID13) != 0) {
			log_warnx("%s: cannot hash the passphrase: %zu MiB of "
			    "memory are needed", path, mem >> 20);
			goto out;
		}
		sb_add(&sb, KEYFILE_HEAD2 "\n", strlen(KEYFILE_HEAD2) + 1);
	}
	for (i = 0; i < nf; i++) {
		f = &fields[i];
		if (f->kind == KF_SEALED) {
			/* Everything written so far is authenticated. */
			memcpy(kf->plain, kp->box_sk, KEY_SECRET_BOX_BYTES);
			memcpy(kf->plain + KEY_SECRET_BOX_BYTES, kp->sign_sk,
			    KEY_SECRET_SIGN_BYTES);
			crypto_aead_xchacha20poly1305_ietf_encrypt(kf->sealed,
			    NULL, kf->plain, sizeof(kf->plain),
			    (const unsigned char *)sb.p, sb.len, NULL,
			    kf->nonce, kf->key);
		}
		sb_add(&sb, f->label, strlen(f->label));
		sb_add(&sb, " ", 1);
		switch (f->kind) {
		case KF_NAME:
			sb_add(&sb, kp->name, strlen(kp->name));
			break;
		case KF_KDF:
			snprintf(kdf, sizeof(kdf), "%s %llu %zu", KDF_ALG,
			    kf->ops, kf->mem);
			sb_add(&sb, kdf, strlen(kdf));
			break;
		case KF_B64:
		case KF_SEALED:
			sb_addb64(&sb, (const unsigned char *)kf + f->off,
			    f->len);
			break;
		}
		sb_add(&sb, "\n", 1);
	}
	rc = write_text(path, &sb);
out:
	sodium_memzero(sb.p, sb.cap);
	sodium_free(sb.p);
	sodium_free(kf);
	return rc;
}

int
keypair_write(const struct keypair *kp, const char *path)
{
	return write_file(kp, path, NULL, 0, 0, 0);
}

int
keypair_write_pass(const struct keypair *kp, const char *path,
    const char *pass, size_t passlen, unsigned long long opslimit,
    size_t memlimit)
{
	assert(pass != NULL);
	return write_file(kp, path, pass, passlen, opslimit, memlimit);
}

int
keypair_load_pass(struct keypair **out, const char *path,
    keypair_pass_fn fn, void *arg)
{
	struct stat	 st;
	struct kfile	*kf = NULL;
	struct keypair	*kp;
	char		*text;
	size_t		 len = 0, adlen = 0;
	ssize_t		 n;
	int		 fd = -1, rc = -1, version = 0;

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
	kf = galloc(sizeof(*kf));
	memset(kf, 0, sizeof(*kf));
	if (parse(kf, &version, &adlen, path, text, len) == -1)
		goto out;
	if (version == 2 && unseal(kf, path, text, adlen, fn, arg) == -1)
		goto out;
	if (check(&kf->kp, path) == -1)
		goto out;
	kp = galloc(sizeof(*kp));
	memcpy(kp, &kf->kp, sizeof(*kp));
	sodium_mprotect_readonly(kp);
	*out = kp;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	sodium_memzero(text, KEYFILE_MAX + 1);
	sodium_free(text);
	sodium_free(kf);
	return rc;
}

int
keypair_load(struct keypair **out, const char *path)
{
	return keypair_load_pass(out, path, NULL, NULL);
}

void
keypair_public(struct recipient *out, const struct keypair *kp)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, kp->name, sizeof(out->name));
	memcpy(out->box_pk, kp->box_pk, sizeof(out->box_pk));
	memcpy(out->sign_pk, kp->sign_pk, sizeof(out->sign_pk));
}
