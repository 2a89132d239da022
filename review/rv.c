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
 * The helpers of review/rv.h: the options and start-up the commands
 * share, the reviewer's key and its passphrase (asked on /dev/tty with
 * echo off, as readpassphrase(3) does), inbox items read without
 * following links and with every size checked before a byte is read,
 * the walk over the inbox, the content-folder paths and the duplicate
 * digest of a record.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "html.h"
#include "inbox.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "open.h"
#include "queue.h"
#include "record.h"
#include "rv.h"

#define SAFE_MAX	64	/* characters of a hostile name in a message */

/* One item of the walk: its id and the day its record says. */
struct rv_entry {
	char	 id[INBOX_NAME_LEN + 1];
	char	 day[RECORD_DAY_LEN + 1];
};

static void	 safe_name(char *, size_t, const char *);
static int	 askpass(char *, size_t, size_t *, void *);
static void	 onsig(int);
static int	 tty_read(int, const char *, char *, size_t, size_t *);
static int	 load(struct record *, const char *, const char *,
		    const struct keypair *, int);
static int	 entry_cmp(const void *, const void *);
static int	 id_cmp(const void *, const void *);
static const char *rel_why(const char *, size_t);
static int	 no_links(const char *, size_t);
static void	 dg_len(crypto_generichash_state *, uint64_t);
static void	 dg_text(crypto_generichash_state *, unsigned int,
		    const char *);
static void	 dg_bytes(crypto_generichash_state *, unsigned int,
		    const void *, size_t);

/* The signal that interrupted tty_read(), 0 if none. */
static volatile sig_atomic_t	 caught;

/*
 * Copies a name that may come from a hostile inbox into out for a
 * message: bytes other than printable ASCII become '?', and a long name
 * is cut with "...", so no escape sequence reaches the terminal.
 */
static void
safe_name(char *out, size_t outsz, const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < SAFE_MAX && i + 4 < outsz; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0' && i + 4 <= outsz) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* keypair_pass_fn for rv_key_load(): arg is the key file's path. */
static int
askpass(char *buf, size_t bufsz, size_t *len, void *arg)
{
	char	 prompt[PATH_MAX + 64];

	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ",
	    (const char *)arg);
	return rv_passphrase(buf, bufsz, len, prompt, 0);
}

static void
onsig(int sig)
{
	caught = sig;
}

/*
 * Reads one line from the terminal fd after writing prompt, with echo
 * off, into buf (without its newline).  A signal (^C, ^Z, a hangup)
 * restores the terminal first and is then delivered again.  0 or -1
 * (logged).
 */
static int
tty_read(int fd, const char *prompt, char *buf, size_t bufsz, size_t *len)
{
	static const int sigs[] = { SIGALRM, SIGHUP, SIGINT, SIGPIPE,
	    SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction old[NM_NELEM(sigs)], sa;
	struct termios	 term, saved;
	size_t		 i, n = 0;
	ssize_t		 r;
	char		 c;
	int		 rc = -1, restore = 0, toolong = 0;

	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = onsig;
	/* No SA_RESTART: read() must return on a signal. */
	for (i = 0; i < NM_NELEM(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (tcgetattr(fd, &saved) == -1) {
		log_warn("/dev/tty");
		goto out;
	}
	term = saved;
	term.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &term) == -1) {
		log_warn("/dev/tty");
		goto out;
	}
	restore = 1;
	if (file_write_all(fd, prompt, strlen(prompt)) == -1) {
		log_warn("/dev/tty");
		goto out;
	}
	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR && caught == 0)
			continue;
		if (r == -1) {
			if (caught == 0)
				log_warn("/dev/tty");
			goto out;
		}
		if (r == 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < bufsz)
			buf[n++] = c;
		else
			toolong = 1;
	}
	if (toolong) {
		log_warnx("the passphrase is longer than %zu bytes",
		    bufsz - 1);
		goto out;
	}
	*len = n;
	rc = 0;
out:
	sodium_memzero(&c, sizeof(c));
	if (restore) {
		/* The newline the user typed was not echoed. */
		(void)file_write_all(fd, "\n", 1);
		while (tcsetattr(fd, TCSAFLUSH, &saved) == -1 &&
		    errno == EINTR)
			continue;
	}
	for (i = 0; i < NM_NELEM(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (caught != 0) {
		log_warnx("interrupted");
		raise(caught);
		rc = -1;
	}
	if (rc == -1)
		sodium_memzero(buf, bufsz);
	return rc;
}

int
rv_passphrase(char *buf, size_t bufsz, size_t *len, const char *prompt,
    int confirm)
{
	const char	*env;
	char		*again = NULL;
	size_t		 n, alen = 0;
	int		 fd = -1, rc = -1;

	*len = 0;
	if ((env = getenv("NEARMISS_PASSPHRASE")) != NULL) {
		n = strlen(env);
		if (n == 0) {
			log_warnx("NEARMISS_PASSPHRASE is empty");
			return -1;
		}
		if (n >= bufsz) {
			log_warnx("NEARMISS_PASSPHRASE is longer than %zu "
			    "bytes", bufsz - 1);
			return -1;
		}
		memcpy(buf, env, n);
		*len = n;
		return 0;
	}
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		log_warnx("no terminal to ask for the passphrase on: set "
		    "NEARMISS_PASSPHRASE");
		return -1;
	}
	if (tty_read(fd, prompt, buf, bufsz, len) == -1)
		goto out;
	if (*len == 0) {
		log_warnx("empty passphrase");
		goto out;
	}
	if (confirm) {
		if ((again = sodium_malloc(bufsz)) == NULL)
			fatal("sodium_malloc");
		if (tty_read(fd, "Again, to confirm: ", again, bufsz,
		    &alen) == -1)
			goto out;
		if (alen != *len || sodium_memcmp(again, buf, alen) != 0) {
			log_warnx("the two passphrases differ");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc == -1) {
		sodium_memzero(buf, bufsz);
		*len = 0;
	}
	sodium_free(again);
	close(fd);
	return rc;
}

int
rv_key_load(struct keypair **out, const char *path)
{
	*out = NULL;
	if (path == NULL || *path == '\0')
		path = getenv("NEARMISS_KEY");
	if (path == NULL || *path == '\0') {
		log_warnx("no key: give -K KEYFILE or set NEARMISS_KEY");
		return -1;
	}
	return keypair_load_pass(out, path, askpass, (void *)path);
}

int
rv_args_opt(struct rv_args *out, int ch, const char *arg)
{
	switch (ch) {
	case 'K':
		out->keyfile = arg;
		return 1;
	case 'i':
		out->inbox = arg;
		return 1;
	case 'r':
		out->repo = arg;
		out->repo_given = 1;
		return 1;
	case 'p':
		out->cpath = arg;
		return 1;
	default:
		return 0;
	}
}

int
rv_start(struct keypair **kp, struct record *r, struct queue *q,
    const struct rv_args *args, const char *id, int required)
{
	if (rv_key_load(kp, args->keyfile) != 0)
		return -1;
	if (id != NULL && rv_item_load(r, args->inbox, id, *kp) != 0)
		return -1;
	if (queue_open(q, args->repo, args->cpath, required) != 0)
		return -1;
	return 0;
}

int
rv_id_ok(const char *id)
{
	size_t	 i;

	for (i = 0; i < INBOX_NAME_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return id[i] == '\0';
}

int
rv_id_arg(const char *id)
{
	if (rv_id_ok(id))
		return 0;
	log_warnx("%s: not an item id (32 lowercase hexadecimal characters, "
	    "as list shows them)", id);
	return -1;
}

/*
 * rv_item_load(), and quiet: not a word about an item sealed to other
 * keys (the walk over the inbox meets many).
 */
static int
load(struct record *out, const char *inbox, const char *id,
    const struct keypair *kp, int quiet)
{
	struct stat	 st;
	struct buf	 item = BUF_INIT;
	unsigned char	*plain = NULL;
	char		 path[PATH_MAX], safe[SAFE_MAX + 4];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd = -1, orc, rc = -1;

	memset(out, 0, sizeof(*out));
	if (!rv_id_ok(id)) {
		safe_name(safe, sizeof(safe), id);
		log_warnx("%s: not an item id (32 lowercase hexadecimal "
		    "characters)", safe);
		return -1;
	}
	if (file_path(path, sizeof(path), "%s/new/%s", inbox, id) == -1)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT) {
			log_warnx("item %s: no such item in %s/new", id,
			    inbox);
			rc = NM_ENOTFOUND;
		} else if (errno == ELOOP)
			log_warnx("item %s: a symbolic link; refused", id);
		else
			log_warn("item %s: %s", id, path);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("item %s: %s", id, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("item %s: not a regular file", id);
		goto out;
	}
	/* Checked before reading: a sparse file may claim terabytes. */
	if (st.st_size < 0 || (uintmax_t)st.st_size > INBOX_ITEM_MAX) {
		log_warnx("item %s: %jd bytes, more than %d: not an item", id,
		    (intmax_t)st.st_size, INBOX_ITEM_MAX);
		goto out;
	}
	/* One byte more than the size, to see a file that grew. */
	buf_grow(&item, (size_t)st.st_size + 1);
	for (;;) {
		n = read(fd, item.data + item.len, (size_t)st.st_size + 1 -
		    item.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("item %s: read %s", id, path);
			goto out;
		}
		if (n == 0)
			break;
		item.len += (size_t)n;
		if (item.len > (size_t)st.st_size) {
			log_warnx("item %s: grew while it was read", id);
			goto out;
		}
	}
	orc = item_open(&plain, &len, id, (unsigned char *)item.data,
	    item.len, kp);
	if (orc == NM_ENOTFOUND) {
		if (!quiet)
			log_warnx("item %s: not sealed to this key (%s)", id,
			    kp->name);
		rc = NM_ENOTFOUND;
		goto out;
	}
	if (orc != 0)
		goto out;
	if (record_decode(out, id, plain, len) != 0)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (plain != NULL) {
		sodium_memzero(plain, len);
		sodium_free(plain);
	}
	buf_free(&item);
	return rc;
}

int
rv_item_load(struct record *out, const char *inbox, const char *id,
    const struct keypair *kp)
{
	return load(out, inbox, id, kp, 0);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct rv_entry	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->day, y->day)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

static int
id_cmp(const void *a, const void *b)
{
	const struct rv_entry	*x = a, *y = b;

	return strcmp(x->id, y->id);
}

int
rv_items(const char *inbox, const struct keypair *kp,
    int (*fn)(const char *, struct record *, void *), void *arg)
{
	struct rv_entry	*e = NULL;
	struct record	 r;
	struct dirent	*de;
	DIR		*d = NULL;
	char		 dir[PATH_MAX], safe[SAFE_MAX + 4];
	size_t		 n = 0, cap = 0, good = 0, i;
	int		 lrc, rc = -1;

	memset(&r, 0, sizeof(r));
	if (file_path(dir, sizeof(dir), "%s/new", inbox) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				log_warn("%s", dir);
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (!rv_id_ok(de->d_name)) {
			safe_name(safe, sizeof(safe), de->d_name);
			log_warnx("%s/%s: not an item name; skipped", dir,
			    safe);
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			e = xreallocarray(e, cap, sizeof(*e));
		}
		memcpy(e[n].id, de->d_name, sizeof(e[n].id));
		e[n].day[0] = '\0';
		n++;
	}
	closedir(d);
	d = NULL;
	/*
	 * The day is inside the sealed record: a first pass opens every
	 * item for it, keeping nothing decrypted, and a second pass, in
	 * order, hands each record to fn.  Opening twice costs little
	 * next to holding the whole inbox in locked memory.
	 */
	if (n == 0) {
		rc = 0;
		goto out;
	}
	qsort(e, n, sizeof(*e), id_cmp);
	for (i = 0; i < n; i++) {
		if (load(&r, inbox, e[i].id, kp, 1) == 0) {
			memcpy(e[good].day, r.received, sizeof(e[good].day));
			memmove(e[good].id, e[i].id, sizeof(e[good].id));
			good++;
		}
		record_free(&r);
	}
	if (good > 0)
		qsort(e, good, sizeof(*e), entry_cmp);
	for (i = 0; i < good; i++) {
		lrc = load(&r, inbox, e[i].id, kp, 0);
		if (lrc != 0) {
			record_free(&r);
			continue;
		}
		lrc = fn(e[i].id, &r, arg);
		record_free(&r);
		if (lrc != 0) {
			rc = lrc;
			goto out;
		}
	}
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	free(e);
	return rc;
}

/*
 * Why the len bytes at rel are not an acceptable relative path in the
 * content folder, or NULL if they are.
 */
static const char *
rel_why(const char *rel, size_t len)
{
	const char	*c, *end = rel + len, *slash;
	size_t		 n, i, m;
	unsigned char	 ch;

	if (len == 0)
		return "an empty path";
	if (memchr(rel, '\0', len) != NULL)
		return "a NUL byte in the path";
	if (rel[0] == '/')
		return "an absolute path";
	for (i = 0; i < len; i++) {
		ch = (unsigned char)rel[i];
		if (ch < 0x20 || ch == 0x7f)
			return "a control character in the path";
		if (ch == '\\')
			return "a backslash in the path";
	}
	for (c = rel; c <= end; c = slash + 1) {
		if ((slash = memchr(c, '/', (size_t)(end - c))) == NULL)
			slash = end;
		n = (size_t)(slash - c);
		if (n == 0)
			return "an empty component (\"//\" or a \"/\" at "
			    "the end)";
		if (n == 1 && c[0] == '.')
			return "a \".\" component";
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return "a \"..\" component";
		/*
		 * ".git" in any case, and the names that some file systems
		 * take for it: trailing dots and spaces (Windows, NTFS) and
		 * the short name "git~1".
		 */
		for (m = n; m > 0 && (c[m - 1] == '.' || c[m - 1] == ' ');
		    m--)
			continue;
		if ((m == 4 && strncasecmp(c, ".git", 4) == 0) ||
		    (n == 5 && strncasecmp(c, "git~1", 5) == 0))
			return "a \".git\" component";
		if (m == 0)
			return "a component of only dots and spaces";
		if (slash == end)
			break;
	}
	return NULL;
}

int
rv_rel_ok(const char *rel, size_t len)
{
	return rel_why(rel, len) == NULL;
}

/*
 * Refuses a symbolic link among the components of path that exist, from
 * character skip on (the repository's own path is the user's choice).
 * 0 or -1 (logged).
 * XXX A link made between this check and the use of the path is not
 * seen; the repository is the reviewer's own.
 */
static int
no_links(const char *path, size_t skip)
{
	struct stat	 st;
	char		 p[PATH_MAX];
	size_t		 i, len = strlen(path);

	if (len >= sizeof(p))
		return 0;
	for (i = skip; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		memcpy(p, path, i);
		p[i] = '\0';
		if (lstat(p, &st) == -1) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			log_warn("%s", p);
			return -1;
		}
		if (S_ISLNK(st.st_mode)) {
			log_warnx("%s: a symbolic link; refused (it could "
			    "lead out of the content folder)", p);
			return -1;
		}
	}
	return 0;
}

int
rv_content_path(char *out, size_t outsz, const char *repo,
    const char *path, const char *rel)
{
	const char	*why;
	char		 safe[SAFE_MAX + 4];
	size_t		 skip;

	if (outsz > 0)
		out[0] = '\0';
	if (repo == NULL || *repo == '\0') {
		log_warnx("no repository: give -r REPO");
		return -1;
	}
	if (path == NULL)
		path = "content";
	/* "." is the repository's top: the content folder may be it. */
	if (strcmp(path, ".") != 0 &&
	    (why = rel_why(path, strlen(path))) != NULL) {
		safe_name(safe, sizeof(safe), path);
		log_warnx("content folder \"%s\": %s; refused", safe, why);
		return -1;
	}
	if (rel != NULL && (why = rel_why(rel, strlen(rel))) != NULL) {
		safe_name(safe, sizeof(safe), rel);
		log_warnx("\"%s\": %s; refused", safe, why);
		return -1;
	}
	if (strcmp(path, ".") == 0) {
		if (file_path(out, outsz, "%s/%s", repo, rel == NULL ? "." :
		    rel) == -1)
			return -1;
	} else if (rel == NULL) {
		if (file_path(out, outsz, "%s/%s", repo, path) == -1)
			return -1;
	} else if (file_path(out, outsz, "%s/%s/%s", repo, path, rel) == -1)
		return -1;
	skip = strlen(repo) + 1;
	if (no_links(out, skip) == -1) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static void
dg_len(crypto_generichash_state *st, uint64_t v)
{
	unsigned char	 b[8];
	int		 i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_generichash_update(st, b, sizeof(b));
}

/* A tag, then 0 for an absent text, or 1, its length and its bytes. */
static void
dg_text(crypto_generichash_state *st, unsigned int tag, const char *s)
{
	if (s == NULL) {
		unsigned char	 b[2] = { (unsigned char)tag, 0 };

		crypto_generichash_update(st, b, sizeof(b));
		return;
	}
	dg_bytes(st, tag, s, strlen(s));
}

static void
dg_bytes(crypto_generichash_state *st, unsigned int tag, const void *p,
    size_t len)
{
	unsigned char	 b[2] = { (unsigned char)tag, 1 };

	crypto_generichash_update(st, b, sizeof(b));
	dg_len(st, len);
	crypto_generichash_update(st, p, len);
}

void
rv_record_digest(unsigned char out[32], const struct record *r)
{
	static const char	 domain[] = "nearmiss-record-digest-v1";
	crypto_generichash_state st;
	size_t			 i;
	int			 k;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)domain,
	    sizeof(domain));
	for (k = 0; k < RECORD_KEY_MAX; k++)
		dg_text(&st, (unsigned int)k, r->field[k]);
	dg_text(&st, 0x80, r->narrative);
	dg_text(&st, 0x81, r->lessons);
	dg_text(&st, 0x82, r->contact);
	dg_len(&st, r->nattach);
	for (i = 0; i < r->nattach; i++) {
		dg_text(&st, 0x90, r->attach[i].name);
		dg_text(&st, 0x91, r->attach[i].type);
		dg_bytes(&st, 0x92, r->attach[i].data, r->attach[i].len);
	}
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof(st));
}

void
rv_puttext(FILE *f, const char *s, int oneline)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\n' && !oneline) {
			putc('\n', f);
			continue;
		}
		if (*p == '\t') {
			putc(oneline ? ' ' : '\t', f);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			putc(oneline && (*p == '\n' || *p == '\r') ? ' ' : '?',
			    f);
			continue;
		}
		/* C1 controls, U+0080 to U+009F: C2 80 to C2 9F. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putc('?', f);
			p++;
			continue;
		}
		/*
		 * The bidirectional overrides and isolates, U+202A to
		 * U+202E and U+2066 to U+2069, which can make text read
		 * otherwise than it is stored.
		 */
		if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9))) {
			putc('?', f);
			p += 2;
			continue;
		}
		putc(*p, f);
	}
}

void
rv_json(FILE *f, const char *s)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	len = strlen(s);
	/* Room for the worst case at once: no copy left by a realloc. */
	buf_grow(&b, len * 6 + 2);
	json_str(&b, s, len);
	fwrite(b.data, 1, b.len, f);
	sodium_memzero(b.data, b.cap);
	buf_free(&b);
}

long
rv_age(const char *day, time_t now)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(day) != RECORD_DAY_LEN ||
	    sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	if (now < t)
		return 0;
	return (long)((now - t) / 86400);
}
