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
 * nearmiss-intake mail and maildir: e-mail into the encrypted inbox.
 * mail_deliver() takes one message through the pre-check, the sandboxed
 * parser (intake/sandbox.c) or the quarantine record, a receipt code
 * and the durable inbox_put(), then the optional auto-reply; the imap
 * puller (intake/imap.c) shares it.  maildir prepares messages the same
 * way but stores them in batches with inbox_put_many().  Neither the
 * envelope nor the sender nor any of the message is ever logged.
 */

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "conf.h"
#include "config.h"
#include "file.h"
#include "inbox.h"
#include "intake.h"
#include "log.h"
#include "mime.h"
#include "nm.h"
#include "receipt.h"
#include "recipients.h"
#include "record.h"

/* sysexits(3), the statuses an MTA understands. */
#define EX_OK_		0
#define EX_DATAERR_	65
#define EX_TEMPFAIL_	75

#define TAXONOMY_MAX	(1024 * 1024)
/* Standard input read past MAIL_MAX is thrown away up to this. */
#define DRAIN_MAX	((size_t)1024 * 1024 * 1024)
#define WHY_MAX		256
/*
 * A maildir batch: at most BATCH_MAX messages, and no more once the
 * encoded reports it holds reach BATCH_BYTES, so it holds less than
 * BATCH_BYTES + INBOX_PLAIN_MAX of plaintext.
 */
#define BATCH_MAX	64
#define BATCH_BYTES	((size_t)16 * 1024 * 1024)
/* The guarded bytes of one batch entry: its receipt code and address. */
#define SLOT_BYTES	(RECEIPT_BUFSZ + REPLY_ADDR_MAX + 1)
#define STORE_TEMP	"temporary failure: the report could not be " \
			"stored; try again later"

_Static_assert(RECEIPT_HASH_BYTES == RECORD_RECEIPT_BYTES,
    "a receipt hash is what a record holds");

struct mail_ctx {
	struct inbox		*ib;
	struct recipient	*rcpt;
	size_t			 nrcpt;
	struct config		 tax;
	int			 have_tax;
	int			 reply;
	struct reply_cfg	 rc;
	char			*own[2];	/* the strings of rc */
};

/* One file of a Maildir being drained. */
struct mdir {
	int		 dfd;		/* new/ or cur/ */
	int		 curfd;
	const char	*dir;		/* the Maildir, for messages */
	const char	*sub;		/* "new" or "cur" */
	int		 dirty;		/* removals or renames not synced */
	size_t		 stored, rejected, skipped;
};

/*
 * Messages of one Maildir directory prepared and waiting for one
 * inbox_put_many().  enc[i] is the plaintext report of file[i] (a name
 * that drain() owns); secret holds, for each, the receipt code and the
 * address to answer ("" if none), SLOT_BYTES apiece, in guarded memory.
 */
struct batch {
	struct inbox_msg	 msgs[BATCH_MAX];
	struct buf		 enc[BATCH_MAX];
	const char		*file[BATCH_MAX];
	char			*secret;
	size_t			 n, bytes;
};

static int		 prepare(struct buf *, char *, struct mail_ctx *,
			    const char *, size_t, char *, size_t);
static int		 deliver(struct mail_ctx *, const char *, size_t,
			    char [INBOX_NAME_LEN + 1], char *, char *,
			    size_t);
static void		 answer(struct mail_ctx *, const char *,
			    const char *);
static void		 enc_wipe(struct buf *);
static void		 ignore_signals(void);
static char		*msgbuf_new(void);
static void		 msgbuf_free(char *, size_t);
static int		 read_stdin(char *, size_t *);
static int		 trashed(const char *);
static int		 trash_name(char *, size_t, const char *);
static int		 name_cmp(const void *, const void *);
static struct batch	*batch_new(void);
static void		 batch_free(struct batch *);
static int		 flush(struct mail_ctx *, struct mdir *,
			    struct batch *);
static int		 drain_one(struct mail_ctx *, struct mdir *,
			    struct batch *, const char *, char *);
static int		 drain(struct mail_ctx *, struct mdir *,
			    struct batch *, char *);
static int		 parse_opts(int, char *[], struct conf *, int *);
static int		 setup(struct conf *, int, char *[], int, int *);

int
mail_ctx_open(struct mail_ctx **out, const struct conf *cf)
{
	struct mail_ctx		*c;
	struct buf		 text = BUF_INIT;
	const char		*inbox, *rcpt, *tax, *v;
	int			 e, rc = -1;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	inbox = conf_str(cf, CONF_INBOX);
	rcpt = conf_str(cf, CONF_RECIPIENTS);
	tax = conf_str(cf, CONF_TAXONOMY);
	c->reply = conf_num(cf, CONF_REPLY) != 0;
	c->rc.sendmail = c->own[0] = xstrdup(conf_str(cf, CONF_SENDMAIL));
	if ((v = conf_str(cf, CONF_REPLY_FROM)) != NULL)
		c->rc.from = c->own[1] = xstrdup(v);
	if (inbox == NULL || rcpt == NULL) {
		log_warnx("no %s: give %s or set it in the [intake] section "
		    "of a -c file", inbox == NULL ? "inbox" : "recipients",
		    inbox == NULL ? "-i" : "-k");
		goto out;
	}
	if (c->reply && c->rc.sendmail[0] != '/') {
		conf_warn(cf, CONF_SENDMAIL, "expected an absolute path");
		goto out;
	}
	if (c->reply && c->rc.from != NULL && !reply_addr_ok(c->rc.from)) {
		conf_warn(cf, CONF_REPLY_FROM, "expected a plain address "
		    "such as intake@example.org");
		goto out;
	}
	if (tax != NULL) {
		if ((e = file_read(&text, tax, TAXONOMY_MAX)) != 0) {
			if (e == NM_ENOTFOUND)
				log_warnx("%s: no such file", tax);
			goto out;
		}
		if (config_parse(&c->tax, tax, text.data, text.len) != 0)
			goto out;
		c->have_tax = 1;
		c->rc.base_url = c->tax.base_url;
	}
	if (recipients_load(&c->rcpt, &c->nrcpt, rcpt) != 0)
		goto out;
	if (inbox_open(&c->ib, inbox) != 0)
		goto out;
	/* A reader that goes away must not kill us mid-delivery. */
	signal(SIGPIPE, SIG_IGN);
	*out = c;
	c = NULL;
	rc = 0;
out:
	buf_free(&text);
	mail_ctx_close(c);
	return rc;
}

void
mail_ctx_close(struct mail_ctx *c)
{
	if (c == NULL)
		return;
	inbox_close(c->ib);
	free(c->rcpt);
	if (c->have_tax)
		config_free(&c->tax);
	free(c->own[0]);
	free(c->own[1]);
	free(c);
}

/* Wipes and frees the plaintext report of enc. */
static void
enc_wipe(struct buf *enc)
{
	sodium_memzero(enc->data, enc->len);
	buf_free(enc);
}

/*
 * Everything of a delivery up to the store: the pre-check, the parse or
 * the quarantine record, a new receipt code written to code
 * (RECEIPT_BUFSZ bytes) and the encoded report appended to enc (empty on
 * entry).  Returns 0 (enc to be stored, then wiped by the caller with
 * enc_wipe()), 65 or 75 (why set, enc wiped).
 */
static int
prepare(struct buf *enc, char *code, struct mail_ctx *c, const char *msg,
    size_t len, char *why, size_t whysz)
{
	struct record	 r;
	struct buf	 q = BUF_INIT;
	int		 prc, rc = EX_TEMPFAIL_;

	memset(&r, 0, sizeof(r));
	if (len > MAIL_MAX) {
		snprintf(why, whysz, "the message is larger than %d bytes",
		    MAIL_MAX);
		return EX_DATAERR_;
	}
	prc = mail_parse(&r, msg, len, c->have_tax ? &c->tax : NULL, why,
	    whysz);
	if (prc == MAIL_EREJECT) {
		rc = EX_DATAERR_;
		goto out;
	}
	if (prc == MAIL_ECHILD) {
		/*
		 * The parser died or went over a limit on a message that
		 * passed the pre-check: keep it, opaque, for the reviewers
		 * rather than lose or bounce it.
		 */
		record_free(&r);
		if (mail_quarantine(&q, msg, len) != 0 ||
		    record_decode(&r, NULL, q.data, q.len) != 0) {
			snprintf(why, whysz, "temporary failure: the message "
			    "could not be parsed nor quarantined");
			goto out;
		}
		log_warnx("the parser failed on a message; it is stored "
		    "quarantined for the reviewers");
	} else if (prc != 0) {
		snprintf(why, whysz, "temporary failure: the message parser "
		    "could not be started; try again later");
		goto out;
	}
	r.channel = RECORD_EMAIL;
	receipt_make(code, r.receipt);
	if (record_day(r.received, time(NULL)) != 0 ||
	    record_encode(enc, &r) != 0) {
		snprintf(why, whysz, "temporary failure: the report could "
		    "not be encoded");
		goto out;
	}
	if (enc->len > INBOX_PLAIN_MAX) {
		snprintf(why, whysz, "the message holds more than the inbox "
		    "takes in one report");
		rc = EX_DATAERR_;
		goto out;
	}
	rc = EX_OK_;
out:
	if (rc != EX_OK_)
		enc_wipe(enc);
	sodium_memzero(q.data, q.len);
	buf_free(&q);
	record_free(&r);
	return rc;
}

/*
 * mail_deliver() without the auto-reply; code (RECEIPT_BUFSZ bytes)
 * gets the receipt code.
 */
static int
deliver(struct mail_ctx *c, const char *msg, size_t len,
    char name[INBOX_NAME_LEN + 1], char *code, char *why, size_t whysz)
{
	struct buf	 enc = BUF_INIT;
	int		 rc;

	rc = prepare(&enc, code, c, msg, len, why, whysz);
	if (rc == EX_OK_ && inbox_put(c->ib, c->rcpt, c->nrcpt, enc.data,
	    enc.len, time(NULL), name) != 0) {
		snprintf(why, whysz, "%s", STORE_TEMP);
		rc = EX_TEMPFAIL_;
	}
	enc_wipe(&enc);
	return rc;
}

/*
 * The auto-reply of a stored message: code to addr, the address that
 * reply_address() found, or "" if it found none.
 */
static void
answer(struct mail_ctx *c, const char *addr, const char *code)
{
	if (addr[0] == '\0')
		log_warnx("auto-reply: the message gives no address "
		    "to answer; no reply sent");
	else
		(void)reply_send(&c->rc, addr, code);
}

int
mail_deliver(struct mail_ctx *c, const char *msg, size_t len,
    char name[33], char *why, size_t whysz)
{
	char	*space, addr[REPLY_ADDR_MAX + 1];
	int	 rc;

	/* The code and the reason share one guarded allocation. */
	if ((space = sodium_malloc(RECEIPT_BUFSZ + WHY_MAX)) == NULL)
		fatalx("sodium_malloc: out of memory");
	memset(space, 0, RECEIPT_BUFSZ + WHY_MAX);
	rc = deliver(c, msg, len, name, space, space + RECEIPT_BUFSZ,
	    WHY_MAX);
	snprintf(why, whysz, "%s", space + RECEIPT_BUFSZ);
	if (rc == EX_OK_ && c->reply) {
		if (reply_address(addr, sizeof(addr), msg, len) != 0)
			addr[0] = '\0';
		answer(c, addr, space);
		sodium_memzero(addr, sizeof(addr));
	}
	sodium_free(space);
	return rc;
}

/*
 * The buffer of one raw message, MAIL_MAX + 1 bytes: anonymous pages
 * that only the bytes read touch (sodium_malloc() would fill all ten
 * MiB at every delivery, which costs more than the delivery), kept out
 * of core dumps like everything else here.  XXX Not locked: mlock()
 * would touch every page, and RLIMIT_MEMLOCK is 8 MiB by default.
 */
static char *
msgbuf_new(void)
{
	void	*p;

	p = mmap(NULL, MAIL_MAX + 1, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatal("mmap");
	(void)madvise(p, MAIL_MAX + 1, MADV_DONTDUMP);
	return p;
}

/* Wipes the used bytes of a msgbuf_new() buffer and unmaps it. */
static void
msgbuf_free(char *p, size_t used)
{
	if (p == NULL)
		return;
	sodium_memzero(p, used);
	munmap(p, MAIL_MAX + 1);
}

/*
 * Nothing in the input may kill this process: a closed pipe or a file
 * size limit become errors, not signals.
 */
static void
ignore_signals(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

/*
 * Reads standard input into msg (MAIL_MAX + 1 bytes of room).  Sets
 * *len; more than MAIL_MAX is read on and thrown away (up to DRAIN_MAX,
 * so that the MTA never meets a closed pipe) and gives *len =
 * MAIL_MAX + 1.  Returns 0, or -1 on a read error (logged).
 */
static int
read_stdin(char *msg, size_t *len)
{
	char	 scratch[65536];
	size_t	 n = 0, drained = 0;
	ssize_t	 r;

	for (;;) {
		if (n <= MAIL_MAX)
			r = read(0, msg + n, MAIL_MAX + 1 - n);
		else if (drained < DRAIN_MAX)
			r = read(0, scratch, sizeof(scratch));
		else
			break;
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_warn("reading the message");
			return -1;
		}
		if (r == 0)
			break;
		if (n <= MAIL_MAX)
			n += (size_t)r;
		else
			drained += (size_t)r;
	}
	*len = n;
	return 0;
}

/*
 * -c -i -k -t -u and -h, shared by mail and maildir, into cf; the -c
 * file is read by setup().  0, or -1 (usage).
 */
static int
parse_opts(int argc, char *argv[], struct conf *cf, int *help)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, e;

	*help = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:i:k:t:u:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cf->path = optarg;
			e = 0;
			break;
		case 'i':
			e = conf_arg(cf, CONF_INBOX, optarg, "-i");
			break;
		case 'k':
			e = conf_arg(cf, CONF_RECIPIENTS, optarg, "-k");
			break;
		case 't':
			e = conf_arg(cf, CONF_TAXONOMY, optarg, "-t");
			break;
		case 'u':
			e = conf_arg(cf, CONF_USER, optarg, "-u");
			break;
		case 'h':
			*help = 1;
			return 0;
		default:
			return -1;
		}
		if (e != 0)
			return -1;
	}
	return 0;
}

/*
 * The start of mail and maildir: the options (nargs operands), the -c
 * file, the user, intake_start().  Returns 0 to go on, else sets *rc
 * to the exit status: 0 after -h, 2 on a usage error (tempfail for
 * mail), 1 or 75 (failrc) for a set-up that will not work.
 */
static int
setup(struct conf *cf, int argc, char *argv[], int nargs, int *rc)
{
	int	 help, mail = strcmp(argv[0], "mail") == 0;
	int	 failrc = mail ? EX_TEMPFAIL_ : 1;

	if (parse_opts(argc, argv, cf, &help) != 0 ||
	    (!help && optind != argc - nargs)) {
		intake_usage_of(argv[0]);
		if (mail)
			log_warnx("temporary failure: bad command line");
		*rc = mail ? EX_TEMPFAIL_ : 2;
		return -1;
	}
	if (help) {
		intake_help(argv[0]);
		*rc = 0;
		return -1;
	}
	*rc = failrc;
	if (cf->path != NULL &&
	    conf_read(cf, cf->path, CONF_S_INTAKE | CONF_S_MAIL) != 0) {
		if (mail)
			log_warnx("temporary failure: the intake is not set "
			    "up right; the message is kept for a later try");
		return -1;
	}
	if (geteuid() == 0 && conf_str(cf, CONF_USER) == NULL) {
		log_warnx("%srefusing to run as root; give -u USER%s",
		    mail ? "temporary failure: " : "", mail ? " or run the "
		    "transport as another user" : "");
		return -1;
	}
	/* As the user from here on: what it creates is its own. */
	if (intake_start(conf_str(cf, CONF_USER), conf_str(cf, CONF_INBOX),
	    conf_str(cf, CONF_RECIPIENTS), conf_str(cf, CONF_TAXONOMY)) != 0)
		goto bad;
	return 0;
bad:
	/* maildir keeps every message too: a later run takes them. */
	log_warnx("temporary failure: the intake is not set up right; "
	    "%s", mail ? "the message is kept for a later try" :
	    "the messages stay where they are");
	*rc = EX_TEMPFAIL_;
	return -1;
}

int
cmd_mail(int argc, char *argv[])
{
	struct conf		 cf;
	struct mail_ctx		*c = NULL;
	char			*msg = NULL, name[INBOX_NAME_LEN + 1];
	char			 why[WHY_MAX];
	size_t			 len = 0;
	int			 rc = EX_TEMPFAIL_;

	ignore_signals();
	conf_init(&cf);
	/*
	 * Every failure that is not the message's fault, a usage error
	 * included, is temporary: the MTA keeps the mail until the
	 * operator has fixed it, rather than bounce it.  setup() says
	 * so on standard error, which the MTA logs.
	 */
	if (setup(&cf, argc, argv, 0, &rc) != 0)
		goto out;
	rc = EX_TEMPFAIL_;
	if (mail_ctx_open(&c, &cf) != 0) {
		log_warnx("temporary failure: the intake is not set up "
		    "right; the message is kept for a later try");
		goto out;
	}
	msg = msgbuf_new();
	if (read_stdin(msg, &len) != 0) {
		log_warnx("temporary failure: the message could not be "
		    "read");
		goto out;
	}
	if (len == 0) {
		log_warnx("message rejected: the message is empty");
		rc = EX_DATAERR_;
		goto out;
	}
	why[0] = '\0';
	rc = mail_deliver(c, msg, len, name, why, sizeof(why));
	if (rc == EX_DATAERR_)
		log_warnx("message rejected: %s", why);
	else if (rc != EX_OK_)
		log_warnx("%s", why);
out:
	msgbuf_free(msg, len);
	mail_ctx_close(c);
	conf_free(&cf);
	return rc;
}

/* 1 if a Maildir file name carries the T (trashed) flag. */
static int
trashed(const char *name)
{
	const char	*info = strstr(name, ":2,");

	return info != NULL && strchr(info + 3, 'T') != NULL;
}

/*
 * The name of a rejected message in cur/: its unique part, ":2," and
 * its flags with T added, in ASCII order as maildir(5) wants them.
 */
static int
trash_name(char *out, size_t outsz, const char *name)
{
	const char	*info = strstr(name, ":2,"), *colon, *p;
	char		 flags[64];
	size_t		 base, n = 0, i, j;
	int		 ch;

	colon = info != NULL ? info : strchr(name, ':');
	base = colon != NULL ? (size_t)(colon - name) : strlen(name);
	flags[n++] = 'T';
	for (p = info != NULL ? info + 3 : ""; *p != '\0'; p++) {
		ch = (unsigned char)*p;
		if (ch <= ' ' || ch >= 0x7f || ch == '/' ||
		    memchr(flags, ch, n) != NULL || n == sizeof(flags) - 1)
			continue;
		/* Insertion in ASCII order. */
		for (i = 0; i < n && flags[i] < ch; i++)
			;
		for (j = n; j > i; j--)
			flags[j] = flags[j - 1];
		flags[i] = (char)ch;
		n++;
	}
	flags[n] = '\0';
	if ((size_t)snprintf(out, outsz, "%.*s:2,%s", (int)base, name,
	    flags) >= outsz || strlen(out) > NAME_MAX)
		return -1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct batch *
batch_new(void)
{
	struct batch	*b;
	size_t		 i;

	b = xcalloc(1, sizeof(*b));
	for (i = 0; i < BATCH_MAX; i++)
		buf_init(&b->enc[i]);
	if ((b->secret = sodium_malloc(BATCH_MAX * SLOT_BYTES)) == NULL)
		fatalx("sodium_malloc: out of memory");
	return b;
}

/* Wipes what b still holds.  NULL is a no-op. */
static void
batch_free(struct batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < BATCH_MAX; i++)
		enc_wipe(&b->enc[i]);
	sodium_free(b->secret);	/* wipes it */
	free(b);
}

/*
 * Stores the messages of b with one inbox_put_many(), removes from
 * m->dfd those whose items are durable, syncs m's directories if a
 * message was removed or renamed since the last sync, then sends the
 * auto-replies.  b is emptied and wiped.  Returns 0, or 75 if a message
 * could not be stored (it stays where it is) or a removal or a sync
 * failed.
 */
static int
flush(struct mail_ctx *c, struct mdir *m, struct batch *b)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < b->n; i++) {
		b->msgs[i].plain = b->enc[i].data;
		b->msgs[i].len = b->enc[i].len;
	}
	if (b->n > 0)
		(void)inbox_put_many(c->ib, c->rcpt, c->nrcpt, b->msgs, b->n,
		    time(NULL));
	for (i = 0; i < b->n; i++) {
		enc_wipe(&b->enc[i]);
		if (b->msgs[i].rc != 0) {
			/* inbox_put_many() logged why; once is enough. */
			if (rc == 0)
				log_warnx("%s/%s: %s", m->sub, b->file[i],
				    STORE_TEMP);
			rc = EX_TEMPFAIL_;
			continue;
		}
		/* The item is durable: only now may the message go. */
		if (unlinkat(m->dfd, b->file[i], 0) == -1 && errno != ENOENT) {
			log_warn("%s/%s: stored, but not removed", m->sub,
			    b->file[i]);
			rc = EX_TEMPFAIL_;
			continue;
		}
		m->stored++;
		m->dirty = 1;
	}
	/* Make the removals and renames durable (else: duplicates). */
	if (m->dirty) {
		if (fsync(m->dfd) == -1) {
			log_warn("%s/%s", m->dir, m->sub);
			rc = EX_TEMPFAIL_;
		}
		if (m->curfd != m->dfd && fsync(m->curfd) == -1) {
			log_warn("%s/cur", m->dir);
			rc = EX_TEMPFAIL_;
		}
		m->dirty = 0;
	}
	for (i = 0; i < b->n; i++)
		if (c->reply && b->msgs[i].rc == 0)
			answer(c, b->secret + i * SLOT_BYTES + RECEIPT_BUFSZ,
			    b->secret + i * SLOT_BYTES);
	sodium_memzero(b->secret, b->n * SLOT_BYTES);
	b->n = b->bytes = 0;
	return rc;
}

/*
 * One file of new/ or cur/ (msg: MAIL_MAX + 1 bytes of room), added to
 * b if it is to be stored (b must have room).  Returns 0 (added,
 * rejected and trashed, or skipped) or 75 (stop).
 */
static int
drain_one(struct mail_ctx *c, struct mdir *m, struct batch *b,
    const char *name, char *msg)
{
	struct stat	 sb;
	char		 why[WHY_MAX], to[NAME_MAX + 1], *code;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, rc = EX_TEMPFAIL_, drc;

	assert(b->n < BATCH_MAX);
	/* Device nodes and the like are not even opened. */
	if (fstatat(m->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(sb.st_mode)) {
		log_warnx("%s/%s: not a regular file, skipped", m->sub, name);
		m->skipped++;
		return 0;
	}
	fd = openat(m->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENXIO || errno == ENOENT) {
			/* A symbolic link, a socket, or gone: not ours. */
			if (errno != ENOENT) {
				log_warnx("%s/%s: not a regular file, "
				    "skipped", m->sub, name);
				m->skipped++;
			}
			return 0;
		}
		log_warn("%s/%s", m->sub, name);
		return EX_TEMPFAIL_;
	}
	if (fstat(fd, &sb) == -1) {
		log_warn("%s/%s", m->sub, name);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warnx("%s/%s: not a regular file, skipped", m->sub, name);
		m->skipped++;
		rc = 0;
		goto out;
	}
	why[0] = '\0';
	if (sb.st_size > MAIL_MAX) {
		snprintf(why, sizeof(why), "the message is larger than %d "
		    "bytes", MAIL_MAX);
		drc = EX_DATAERR_;
	} else {
		for (;;) {
			r = read(fd, msg + len, MAIL_MAX + 1 - len);
			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1) {
				log_warn("%s/%s", m->sub, name);
				sodium_memzero(msg, len);
				goto out;
			}
			if (r == 0 || (len += (size_t)r) > MAIL_MAX)
				break;
		}
		code = b->secret + b->n * SLOT_BYTES;
		drc = prepare(&b->enc[b->n], code, c, msg, len, why,
		    sizeof(why));
		/* The address to answer, found while the message is here. */
		if (drc == EX_OK_ && c->reply &&
		    reply_address(code + RECEIPT_BUFSZ, REPLY_ADDR_MAX + 1,
		    msg, len) != 0)
			code[RECEIPT_BUFSZ] = '\0';
		sodium_memzero(msg, len);
	}
	if (drc == EX_OK_) {
		b->file[b->n] = name;
		b->bytes += b->enc[b->n].len;
		b->n++;
		rc = 0;
	} else if (drc == EX_DATAERR_) {
		log_warnx("%s/%s: rejected: %s", m->sub, name, why);
		if (trash_name(to, sizeof(to), name) != 0) {
			log_warnx("%s/%s: name too long to flag", m->sub,
			    name);
			goto out;
		}
		if (renameat(m->dfd, name, m->curfd, to) == -1) {
			log_warn("%s/%s: rejected, but not flagged", m->sub,
			    name);
			goto out;
		}
		m->rejected++;
		m->dirty = 1;
		rc = 0;
	} else
		log_warnx("%s/%s: %s", m->sub, name, why);
out:
	close(fd);
	return rc;
}

/*
 * Every message of m->dfd in name order, in batches (b is empty on entry
 * and on return).  Returns 0 or 75.
 */
static int
drain(struct mail_ctx *c, struct mdir *m, struct batch *b, char *msg)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i;
	int		 fd, rc = EX_TEMPFAIL_;

	if ((fd = dup(m->dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		log_warn("%s", m->sub);
		if (fd != -1)
			close(fd);
		return EX_TEMPFAIL_;
	}
	rewinddir(d);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || trashed(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
		errno = 0;
	}
	if (errno != 0) {
		log_warn("%s", m->sub);
		goto out;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (drain_one(c, m, b, names[i], msg) != 0)
			goto out;
		if ((b->n == BATCH_MAX || b->bytes >= BATCH_BYTES) &&
		    flush(c, m, b) != 0)
			goto out;
	}
	rc = 0;
out:
	/*
	 * What is prepared is stored even after a failure: the messages
	 * were good, and the names still exist.
	 */
	if (flush(c, m, b) != 0)
		rc = EX_TEMPFAIL_;
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
cmd_maildir(int argc, char *argv[])
{
	static const char *const subs[] = { "new", "cur" };
	struct conf		 cf;
	struct mail_ctx		*c = NULL;
	struct mdir		 m[2];
	struct batch		*b = NULL;
	const char		*dir;
	char			*msg = NULL;
	size_t			 i, stored = 0, rejected = 0, skipped = 0;
	int			 top = -1, rc = 1, drc = 0;

	ignore_signals();
	conf_init(&cf);
	memset(m, 0, sizeof(m));
	for (i = 0; i < NM_NELEM(m); i++)
		m[i].dfd = m[i].curfd = -1;
	/* The Maildir is opened as the user, who must own it. */
	if (setup(&cf, argc, argv, 1, &rc) != 0)
		goto out;
	rc = 1;
	dir = argv[optind];
	if (mail_ctx_open(&c, &cf) != 0)
		goto out;
	if ((top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		goto out;
	}
	for (i = 0; i < NM_NELEM(subs); i++) {
		m[i].dir = dir;
		m[i].sub = subs[i];
		if ((m[i].dfd = openat(top, subs[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1) {
			log_warn("%s/%s", dir, subs[i]);
			goto out;
		}
	}
	m[0].curfd = m[1].curfd = m[1].dfd;
	msg = msgbuf_new();
	b = batch_new();
	for (i = 0; i < NM_NELEM(m) && drc == 0; i++)
		drc = drain(c, &m[i], b, msg);
	for (i = 0; i < NM_NELEM(m); i++) {
		stored += m[i].stored;
		rejected += m[i].rejected;
		skipped += m[i].skipped;
	}
	log_info("%s: %zu stored, %zu rejected, %zu skipped", dir, stored,
	    rejected, skipped);
	rc = drc != 0 ? EX_TEMPFAIL_ : rejected > 0 ? EX_DATAERR_ : EX_OK_;
out:
	msgbuf_free(msg, 0);	/* drain_one() wipes each message */
	batch_free(b);
	for (i = 0; i < NM_NELEM(m); i++)
		if (m[i].dfd != -1)
			close(m[i].dfd);
	if (top != -1)
		close(top);
	mail_ctx_close(c);
	conf_free(&cf);
	return rc;
}
