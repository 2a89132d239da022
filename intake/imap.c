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
 * nearmiss-intake imap: pulls a mailbox over implicit TLS (libetpan) into
 * the inbox.  The IMAP session runs in a child with rlimits and only a
 * socket to the parent; the parent seals each message (mail_deliver) and
 * answers, and only then does the child flag it \Deleted and expunge it.
 * The server certificate is pinned: checked before a single IMAP byte.
 */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>
#include <sodium.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "file.h"
#include "intake.h"
#include "log.h"
#include "mime.h"

#define IMAP_PORT		993
/* Plain IMAP and STARTTLS: refused. */
#define IMAP_PLAIN_PORT		143
/* Seconds for the connect, the TLS handshake and each read. */
#define IMAP_TIMEOUT		60
/* RFC 2177: a client re-IDLEs before the server's 29-minute limit. */
#define IMAP_IDLE_MAX		(25 * 60)
#define IMAP_BACKOFF_MAX	300
/* A session that lasted this long (or stored a message) resets backoff. */
#define IMAP_SESSION_GOOD	300
/* Seconds the child gets to log out once asked to stop. */
#define IMAP_QUIT_WAIT		30
#define IMAP_PASS_MAX		1024
#define IMAP_NOFILE		32
/* The keyword that marks a message left on the server for good. */
#define IMAP_KW_REJECTED	"$NearmissRejected"

/*
 * RLIMIT_AS for the IMAP child: a 10 MiB message passes through
 * libetpan's stream buffer, its literal parser and the fetch result.
 * ASan reserves terabytes of address space, so the sanitizer build skips
 * the limit.
 */
#if defined(__SANITIZE_ADDRESS__)
#define IMAP_CHILD_AS		0
#else
#define IMAP_CHILD_AS		(256UL * 1024 * 1024)
#endif

/* Child exit status. */
#define IMAP_EXIT_OK		0
#define IMAP_EXIT_PERM		1	/* pin, login, mailbox refused */
#define IMAP_EXIT_TEMP		75	/* EX_TEMPFAIL */

/*
 * The parent-child protocol on a socketpair.  Child to parent: 'L' once
 * logged in and the mailbox selected; 'M' UID(4, BE) LEN(4, BE) and LEN
 * bytes of message.  Parent to child, one byte: the answer to an 'M'
 * ('0' stored, 'R' rejected for good, 'T' temporary failure), or 'Q':
 * log out now and touch nothing more (also the answer to an 'M').
 */
#define CTL_LOGGEDIN		'L'
#define CTL_MESSAGE		'M'
#define CTL_STORED		'0'
#define CTL_REJECTED		'R'
#define CTL_TEMP		'T'
#define CTL_QUIT		'Q'

/*
 * What a drain or a pull tells its caller, besides a count: an IMAP
 * error or a delivery's temporary failure; the parent said stop or went
 * away; the pin, the password file, the login or the mailbox refused.
 */
#define PULL_TEMP		(-1)
#define PULL_QUIT		(-2)
#define PULL_PERM		(-3)

/* Flags of one message in the mailbox listing. */
#define MSG_DELETED		0x1
#define MSG_REJECTED		0x2

struct imap_conf {
	const char	*path;		/* the -c file, or NULL */
	char		*host;
	char		*user;
	char		*password_file;
	char		*mailbox;
	long		 port;
	long		 poll;
	unsigned char	 pin[CONF_PINS_MAX][CONF_PIN_BYTES];
	size_t		 npin;
	char		 err[256];	/* the file's first problem */
};

/* One message of the listing (UID FETCH 1:* (UID RFC822.SIZE FLAGS)). */
struct imap_msg {
	uint32_t	 uid;
	uint32_t	 size;
	int		 flags;
};

/* The child's session. */
struct sess {
	const struct imap_conf *cf;
	int		 ctl;		/* socket to the parent */
	int		 watch;
	mailimap	*imap;
	int		 uidplus;
	int		 idle;
	int		 keywords;	/* PERMANENTFLAGS has \* */
	uint32_t	 uidvalidity;
	uint32_t	 done;		/* highest UID handled */
	size_t		 nstored;
	size_t		 nrejected;
	size_t		 nbig;
	size_t		 nleft;
};

static int	 cf_fill(struct imap_conf *, const struct conf *);
static int	 cf_check(struct imap_conf *);
static void	 cf_free(struct imap_conf *);
static char	*password_read(const char *);
static int	 tcp_connect(const char *, long);
static void	 tls_sni(struct mailstream_ssl_context *, void *);
static int	 pin_check(const struct imap_conf *, mailstream *);
static void	 server_text(const mailimap *, char *, size_t);
static void	 imap_fail(struct sess *, const char *, int);
static int	 ctl_quit(struct sess *);
static int	 flag_add(struct sess *, uint32_t, int);
static int	 expunge(struct sess *, const uint32_t *, size_t);
static int	 mark_rejected(struct sess *, uint32_t);
static void	 att_scan(struct mailimap_msg_att *, struct imap_msg *,
		    const char **, size_t *);
static int	 msg_cmp(const void *, const void *);
static int	 list_fetch(struct sess *, struct imap_msg **, size_t *);
static int	 pull(struct sess *, uint32_t);
static int	 drain(struct sess *);
static void	 counts(struct sess *, int);
static int	 wait_idle(struct sess *);
static int	 wait_poll(struct sess *);
static int	 session_open(struct sess *);
static void	 child_limits(void);
static int	 child_main(const struct imap_conf *, int, int);
static int	 read_full(int, void *, size_t, int);
static int	 parent_session(const struct imap_conf *, struct mail_ctx *,
		    int, int *);
static void	 on_signal(int);
static int	 signals_init(void);
static int	 sleep_ms(long);

/* Set by SIGTERM or SIGINT; the self-pipe wakes the parent's poll(). */
static volatile sig_atomic_t	 imap_stop;
static int			 imap_sigpipe[2] = { -1, -1 };

/*
 * The [imap] values that conf_read() kept (checked there: lengths,
 * ranges, the pin's form, tls) into cf.  0, or -1 (logged).
 */
static int
cf_fill(struct imap_conf *cf, const struct conf *c)
{
	const char	*v;

	cf->path = c->path;
	if ((v = conf_str(c, CONF_IMAP_HOST)) != NULL)
		cf->host = xstrdup(v);
	if ((v = conf_str(c, CONF_IMAP_USER)) != NULL)
		cf->user = xstrdup(v);
	if ((v = conf_str(c, CONF_IMAP_PASSWORD_FILE)) != NULL)
		cf->password_file = xstrdup(v);
	cf->mailbox = xstrdup(conf_str(c, CONF_IMAP_MAILBOX));
	cf->port = conf_num(c, CONF_IMAP_PORT);
	cf->poll = conf_num(c, CONF_IMAP_POLL);
	if ((v = conf_str(c, CONF_IMAP_PIN)) != NULL &&
	    conf_pins(cf->pin, &cf->npin, v, cf->err,
	    sizeof(cf->err)) != 0) {
		conf_warn(c, CONF_IMAP_PIN, "%s", cf->err);
		return -1;
	}
	return 0;
}

/* The settings a session cannot go without.  0 or -1 (logged). */
static int
cf_check(struct imap_conf *cf)
{
	const char	*p, *what = cf->path != NULL ? cf->path : "imap";
	const char	*miss = NULL;

	if (cf->host == NULL)
		miss = "host";
	else if (cf->user == NULL)
		miss = "user";
	else if (cf->password_file == NULL)
		miss = "password_file";
	if (miss != NULL) {
		log_warnx("%s: [imap] %s is not set", what, miss);
		return -1;
	}
	if (cf->npin == 0) {
		log_warnx("%s: [imap] pin is not set: refusing to connect "
		    "without the server certificate's SHA-256 (see "
		    "nearmiss-intake(8) for how to get it)", what);
		return -1;
	}
	if (cf->port == IMAP_PLAIN_PORT) {
		log_warnx("%s: [imap] port %d is plain IMAP or STARTTLS; "
		    "only implicit TLS (port %d) is supported", what,
		    IMAP_PLAIN_PORT, IMAP_PORT);
		return -1;
	}
	/* The mailbox goes out as a quoted string: plain ASCII only. */
	for (p = cf->mailbox; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e ||
		    *p == '"' || *p == '\\') {
			log_warnx("%s: [imap] mailbox: printable ASCII only, "
			    "without \" and \\", what);
			return -1;
		}
	for (p = cf->user; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			log_warnx("%s: [imap] user: control character", what);
			return -1;
		}
	return 0;
}

static void
cf_free(struct imap_conf *cf)
{
	free(cf->host);
	free(cf->user);
	free(cf->password_file);
	free(cf->mailbox);
	sodium_memzero(cf, sizeof(*cf));
}

/*
 * The password, from a file only its owner may read (mode 0600 or 0400);
 * one trailing newline is dropped.  Returns it in guarded memory the
 * caller releases with sodium_free() (which wipes it), or NULL (logged).
 */
static char *
password_read(const char *path)
{
	struct stat	 st;
	char		*pw = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, ok = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warn("%s", path);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("%s: open to group or others (mode %03o); the "
		    "password file must be mode 0600 or 0400", path,
		    (unsigned)(st.st_mode & 0777));
		goto out;
	}
	if ((pw = sodium_malloc(IMAP_PASS_MAX + 2)) == NULL) {
		log_warn("sodium_malloc");
		goto out;
	}
	while (len < IMAP_PASS_MAX + 1) {
		n = read(fd, pw + len, IMAP_PASS_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("%s", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > 0 && pw[len - 1] == '\n')
		len--;
	if (len > 0 && pw[len - 1] == '\r')
		len--;
	if (len == 0 || len > IMAP_PASS_MAX) {
		log_warnx("%s: the password is empty or longer than %d bytes",
		    path, IMAP_PASS_MAX);
		goto out;
	}
	pw[len] = '\0';
	if (strlen(pw) != len || strpbrk(pw, "\r\n") != NULL) {
		log_warnx("%s: one line, without NUL bytes", path);
		goto out;
	}
	ok = 1;
out:
	close(fd);
	if (!ok && pw != NULL) {
		sodium_free(pw);
		pw = NULL;
	}
	return pw;
}

/*
 * A TCP connection to host:port, tried address by address, each within
 * IMAP_TIMEOUT.  Returns a blocking socket (libetpan's handshake wants
 * one) or -1 (logged).
 */
static int
tcp_connect(const char *host, long port)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct pollfd	 pfd;
	socklen_t	 sl;
	char		 serv[16];
	int		 fd = -1, e, err = ECONNREFUSED, on = 1, fl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof(serv), "%ld", port);
	if ((e = getaddrinfo(host, serv, &hints, &res)) != 0) {
		log_warnx("imap: %s: %s", host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			if (errno != EINPROGRESS) {
				err = errno;
				goto next;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				e = poll(&pfd, 1, IMAP_TIMEOUT * 1000);
			while (e == -1 && errno == EINTR);
			if (e == 0) {
				err = ETIMEDOUT;
				goto next;
			}
			sl = sizeof(e);
			if (e == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
			    &sl) == -1) {
				err = errno;
				goto next;
			}
			if (e != 0) {
				err = e;
				goto next;
			}
		}
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
			err = errno;
			goto next;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on,
		    sizeof(on));
		break;
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		log_warnx("imap: cannot connect to %s port %ld: %s", host,
		    port, strerror(err));
	return fd;
}

/* libetpan's TLS callback: the host name goes out as SNI. */
static void
tls_sni(struct mailstream_ssl_context *ctx, void *arg)
{
	if (ctx != NULL)
		(void)mailstream_ssl_set_server_name(ctx, arg);
}

/*
 * The certificate pin.  Debian's libetpan (GnuTLS) verifies nothing, so
 * this is the whole of server authentication: the SHA-256 of the peer's
 * certificate (DER) must equal a configured pin.  Runs right after the
 * handshake, before the greeting is read and before any byte is sent.
 * Returns 0 on a match, -1 (logged) if not.
 */
static int
pin_check(const struct imap_conf *cf, mailstream *s)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	unsigned char	*der = NULL;
	char		 hex[sizeof(h) * 2 + 1];
	ssize_t		 n;
	size_t		 i;
	int		 rc = -1;

	if ((n = mailstream_ssl_get_certificate(s, &der)) <= 0) {
		log_warnx("imap: %s: the server sent no certificate",
		    cf->host);
		goto out;
	}
	crypto_hash_sha256(h, der, (unsigned long long)n);
	for (i = 0; i < cf->npin; i++)
		if (sodium_memcmp(h, cf->pin[i], sizeof(h)) == 0)
			rc = 0;
	if (rc == -1) {
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		log_warnx("imap: %s: the server's certificate is sha256:%s, "
		    "which does not match the pin; nothing was sent "
		    "(if the provider really changed its certificate, check "
		    "it out of band and update the pin)", cf->host, hex);
	}
out:
	free(der);
	return rc;
}

/* The server's last response text, printable ASCII, for a log line. */
static void
server_text(const mailimap *imap, char *out, size_t outsz)
{
	const char	*p = imap->imap_response;
	size_t		 i = 0;

	if (p != NULL)
		for (; *p != '\0' && i + 1 < outsz && i < 120; p++)
			out[i++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	out[i] = '\0';
}

/* Logs a failed IMAP command in words. */
static void
imap_fail(struct sess *s, const char *what, int r)
{
	char	 text[128];

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		log_warnx("imap: %s: %s: connection lost", s->cf->host, what);
		break;
	case MAILIMAP_ERROR_PARSE:
		log_warnx("imap: %s: %s: reply not understood",
		    s->cf->host, what);
		break;
	case MAILIMAP_ERROR_MEMORY:
		log_warnx("imap: %s: %s: out of memory", s->cf->host, what);
		break;
	default:
		server_text(s->imap, text, sizeof(text));
		log_warnx("imap: %s: %s refused (%d): %s", s->cf->host, what,
		    r, text[0] != '\0' ? text : "no reason given");
		break;
	}
}

/*
 * 1 if the parent asked us to stop (or is gone), else 0.  Does not
 * block.
 */
static int
ctl_quit(struct sess *s)
{
	struct pollfd	 pfd;
	char		 c;

	pfd.fd = s->ctl;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	/* 'Q', EOF or anything else from the parent: stop. */
	if (read(s->ctl, &c, 1) == -1) {
		/* An error is as good as a 'Q'. */
	}
	return 1;
}

/*
 * UID STORE uid +FLAGS.SILENT (\Deleted) if deleted, else
 * ($NearmissRejected).  0 or a MAILIMAP_ERROR code.
 */
static int
flag_add(struct sess *s, uint32_t uid, int deleted)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_flag		*f = NULL;
	struct mailimap_store_att_flags	*sa;
	struct mailimap_set		*set;
	char				*kw;
	int				 r;

	if ((fl = mailimap_flag_list_new_empty()) == NULL)
		return MAILIMAP_ERROR_MEMORY;
	if (deleted)
		f = mailimap_flag_new_deleted();
	else if ((kw = strdup(IMAP_KW_REJECTED)) != NULL &&
	    (f = mailimap_flag_new_flag_keyword(kw)) == NULL)
		free(kw);
	if (f == NULL || mailimap_flag_list_add(fl, f) != MAILIMAP_NO_ERROR) {
		if (f != NULL)
			mailimap_flag_free(f);
		mailimap_flag_list_free(fl);
		return MAILIMAP_ERROR_MEMORY;
	}
	if ((sa = mailimap_store_att_flags_new_add_flags_silent(fl)) ==
	    NULL) {
		mailimap_flag_list_free(fl);
		return MAILIMAP_ERROR_MEMORY;
	}
	if ((set = mailimap_set_new_single(uid)) == NULL) {
		mailimap_store_att_flags_free(sa);
		return MAILIMAP_ERROR_MEMORY;
	}
	r = mailimap_uid_store(s->imap, set, sa);
	mailimap_set_free(set);
	mailimap_store_att_flags_free(sa);
	return r;
}

/*
 * Removes the given \Deleted messages: UID EXPUNGE where the server has
 * UIDPLUS, else EXPUNGE (which also removes anything else flagged
 * \Deleted in the mailbox).  0 or -1 (logged).
 */
static int
expunge(struct sess *s, const uint32_t *uid, size_t n)
{
	struct mailimap_set	*set;
	size_t			 i;
	int			 r;

	if (!s->uidplus)
		r = mailimap_expunge(s->imap);
	else {
		if ((set = mailimap_set_new_empty()) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			if (mailimap_set_add_single(set, uid[i]) !=
			    MAILIMAP_NO_ERROR) {
				mailimap_set_free(set);
				return -1;
			}
		r = mailimap_uid_expunge(s->imap, set);
		mailimap_set_free(set);
	}
	if (r != MAILIMAP_NO_ERROR) {
		imap_fail(s, "EXPUNGE", r);
		return -1;
	}
	return 0;
}

/*
 * Leaves uid on the server for good: flagged $NearmissRejected where the
 * mailbox takes new keywords, so that later runs skip it; else only this
 * session skips it (it is below s->done), and the next one warns again.
 * 0 or -1.
 */
static int
mark_rejected(struct sess *s, uint32_t uid)
{
	int	 r;

	if (!s->keywords)
		return 0;
	r = flag_add(s, uid, 0);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	imap_fail(s, "STORE " IMAP_KW_REJECTED, r);
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ? -1 :
	    0;
}

/* Pulls UID, size, flags and BODY[] out of one FETCH response. */
static void
att_scan(struct mailimap_msg_att *ma, struct imap_msg *m, const char **body,
    size_t *len)
{
	struct mailimap_msg_att_item	*it;
	struct mailimap_msg_att_static	*st;
	struct mailimap_flag_fetch	*ff;
	clistiter			*c, *d;

	memset(m, 0, sizeof(*m));
	if (body != NULL) {
		*body = NULL;
		*len = 0;
	}
	for (c = clist_begin(ma->att_list); c != NULL; c = clist_next(c)) {
		it = clist_content(c);
		if (it->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			if (it->att_data.att_dyn == NULL ||
			    it->att_data.att_dyn->att_list == NULL)
				continue;
			for (d = clist_begin(it->att_data.att_dyn->att_list);
			    d != NULL; d = clist_next(d)) {
				ff = clist_content(d);
				if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER ||
				    ff->fl_flag == NULL)
					continue;
				if (ff->fl_flag->fl_type ==
				    MAILIMAP_FLAG_DELETED)
					m->flags |= MSG_DELETED;
				else if (ff->fl_flag->fl_type ==
				    MAILIMAP_FLAG_KEYWORD &&
				    ff->fl_flag->fl_data.fl_keyword != NULL &&
				    strcasecmp(ff->fl_flag->fl_data.fl_keyword,
				    IMAP_KW_REJECTED) == 0)
					m->flags |= MSG_REJECTED;
			}
			continue;
		}
		if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = it->att_data.att_static) == NULL)
			continue;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			m->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			m->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (body != NULL && st->att_data.att_body_section !=
			    NULL && st->att_data.att_body_section->
			    sec_body_part != NULL) {
				*body = st->att_data.att_body_section->
				    sec_body_part;
				*len = st->att_data.att_body_section->
				    sec_length;
			}
			break;
		default:
			break;
		}
	}
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct imap_msg	*x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * The mailbox listing, sorted by UID: UID FETCH 1:* (UID RFC822.SIZE
 * FLAGS).  *out is the caller's to free.  0 or PULL_TEMP (logged).
 */
static int
list_fetch(struct sess *s, struct imap_msg **out, size_t *nout)
{
	struct mailimap_fetch_type	*ft = NULL;
	struct mailimap_set		*set = NULL;
	struct imap_msg			*m = NULL, one;
	clist				*res = NULL;
	clistiter			*c;
	size_t				 n = 0;
	int				 r, rc = PULL_TEMP;

	*out = NULL;
	*nout = 0;
	if ((set = mailimap_set_new_interval(1, 0)) == NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags()) != MAILIMAP_NO_ERROR) {
		log_warnx("imap: out of memory");
		goto out;
	}
	if ((r = mailimap_uid_fetch(s->imap, set, ft, &res)) !=
	    MAILIMAP_NO_ERROR) {
		imap_fail(s, "UID FETCH", r);
		goto out;
	}
	m = xreallocarray(NULL, (size_t)clist_count(res) + 1, sizeof(*m));
	for (c = clist_begin(res); c != NULL; c = clist_next(c)) {
		att_scan(clist_content(c), &one, NULL, NULL);
		if (one.uid != 0)
			m[n++] = one;
	}
	qsort(m, n, sizeof(*m), msg_cmp);
	*out = m;
	*nout = n;
	m = NULL;
	rc = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (ft != NULL)
		mailimap_fetch_type_free(ft);
	if (set != NULL)
		mailimap_set_free(set);
	free(m);
	return rc;
}

/*
 * One message: UID FETCH uid (UID BODY.PEEK[]), handed to the parent;
 * \Deleted and expunged only once the parent says it is stored.
 * Returns 0, PULL_TEMP or PULL_QUIT.
 */
static int
pull(struct sess *s, uint32_t uid)
{
	struct mailimap_fetch_type	*ft = NULL;
	struct mailimap_set		*set = NULL;
	struct mailimap_section		*sec;
	struct mailimap_fetch_att	*fa;
	struct imap_msg			 m;
	unsigned char			 hdr[9];
	const char			*body = NULL;
	clist				*res = NULL;
	clistiter			*c;
	size_t				 len = 0;
	char				 a;
	ssize_t				 n;
	int				 r, rc = PULL_TEMP;

	if ((set = mailimap_set_new_single(uid)) == NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    (sec = mailimap_section_new(NULL)) == NULL) {
		log_warnx("imap: out of memory");
		goto out;
	}
	if ((fa = mailimap_fetch_att_new_body_peek_section(sec)) == NULL) {
		mailimap_section_free(sec);
		log_warnx("imap: out of memory");
		goto out;
	}
	if (mailimap_fetch_type_new_fetch_att_list_add(ft, fa) !=
	    MAILIMAP_NO_ERROR) {
		mailimap_fetch_att_free(fa);
		log_warnx("imap: out of memory");
		goto out;
	}
	if ((r = mailimap_uid_fetch(s->imap, set, ft, &res)) !=
	    MAILIMAP_NO_ERROR) {
		imap_fail(s, "UID FETCH BODY.PEEK[]", r);
		goto out;
	}
	for (c = clist_begin(res); c != NULL; c = clist_next(c)) {
		att_scan(clist_content(c), &m, &body, &len);
		if (m.uid == uid && body != NULL)
			break;
		body = NULL;
	}
	if (body == NULL) {
		/* Gone meanwhile (another client expunged it)? */
		log_warnx("imap: message UID %u: no content in the reply; "
		    "skipped", uid);
		rc = 0;
		goto out;
	}
	if (len > MAIL_MAX) {
		log_warnx("imap: message UID %u is %zu bytes, over the %d "
		    "MiB limit; left on the server", uid, len,
		    MAIL_MAX / (1024 * 1024));
		s->nbig++;
		rc = mark_rejected(s, uid) == 0 ? 0 : PULL_TEMP;
		goto out;
	}
	hdr[0] = CTL_MESSAGE;
	hdr[1] = uid >> 24;
	hdr[2] = uid >> 16;
	hdr[3] = uid >> 8;
	hdr[4] = uid;
	hdr[5] = len >> 24;
	hdr[6] = len >> 16;
	hdr[7] = len >> 8;
	hdr[8] = len;
	if (file_write_all(s->ctl, hdr, sizeof(hdr)) == -1 ||
	    file_write_all(s->ctl, body, len) == -1) {
		rc = PULL_QUIT;
		goto out;
	}
	do
		n = read(s->ctl, &a, 1);
	while (n == -1 && errno == EINTR);
	if (n != 1 || a == CTL_QUIT) {
		rc = PULL_QUIT;
		goto out;
	}
	switch (a) {
	case CTL_STORED:
		/* Durable in the inbox: now, and only now, remove it. */
		if ((r = flag_add(s, uid, 1)) != MAILIMAP_NO_ERROR) {
			imap_fail(s, "STORE \\Deleted", r);
			goto out;
		}
		if (expunge(s, &uid, 1) == -1)
			goto out;
		s->nstored++;
		rc = 0;
		break;
	case CTL_REJECTED:
		s->nrejected++;
		rc = mark_rejected(s, uid) == 0 ? 0 : PULL_TEMP;
		break;
	default:
		/* A temporary failure: stop, delete nothing, retry later. */
		rc = PULL_TEMP;
		break;
	}
out:
	if (body != NULL)
		sodium_memzero((void *)body, len);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (ft != NULL)
		mailimap_fetch_type_free(ft);
	if (set != NULL)
		mailimap_set_free(set);
	return rc;
}

/*
 * One pass over the mailbox: expunges what an earlier run flagged
 * \Deleted (stored already), then pulls every message not left on the
 * server for good, oldest first.  Returns the number of messages handled
 * (0: nothing new), PULL_TEMP or PULL_QUIT.
 */
static int
drain(struct sess *s)
{
	struct imap_msg	*m = NULL;
	uint32_t	*del = NULL;
	size_t		 n = 0, i, ndel = 0;
	int		 r, rc = PULL_TEMP, handled = 0;

	s->nleft = 0;
	/* NOOP brings the server's news (EXISTS) in first. */
	if ((r = mailimap_noop(s->imap)) != MAILIMAP_NO_ERROR) {
		imap_fail(s, "NOOP", r);
		return PULL_TEMP;
	}
	if (s->imap->imap_selection_info == NULL)
		return PULL_TEMP;
	/* New UIDs: what we know of this mailbox no longer holds. */
	if (s->imap->imap_selection_info->sel_uidvalidity != s->uidvalidity) {
		log_warnx("imap: %s: UIDVALIDITY changed; starting over",
		    s->cf->mailbox);
		return PULL_TEMP;
	}
	if (s->imap->imap_selection_info->sel_exists == 0)
		return 0;
	if (list_fetch(s, &m, &n) != 0)
		return PULL_TEMP;
	del = xreallocarray(NULL, n + 1, sizeof(*del));
	for (i = 0; i < n; i++)
		if (m[i].flags & MSG_DELETED)
			del[ndel++] = m[i].uid;
	/* \Deleted by us after a durable store, or by the owner: gone. */
	if (ndel > 0 && expunge(s, del, ndel) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (m[i].flags & MSG_DELETED)
			continue;
		/*
		 * Left for good, or handled already in this session: UIDs
		 * only grow, so a message at or below s->done is one we
		 * rejected, or stored and the server failed to remove.
		 * Skipping it keeps a misbehaving server from looping us.
		 */
		if ((m[i].flags & MSG_REJECTED) || m[i].uid <= s->done) {
			s->nleft++;
			continue;
		}
		if (ctl_quit(s)) {
			rc = PULL_QUIT;
			goto out;
		}
		handled++;
		s->done = m[i].uid;
		if (m[i].size > MAIL_MAX) {
			log_warnx("imap: message UID %u is %u bytes, over the "
			    "%d MiB limit; left on the server", m[i].uid,
			    m[i].size, MAIL_MAX / (1024 * 1024));
			s->nbig++;
			if (mark_rejected(s, m[i].uid) == -1)
				goto out;
			continue;
		}
		if ((r = pull(s, m[i].uid)) != 0) {
			rc = r;
			goto out;
		}
	}
	rc = handled;
out:
	free(del);
	free(m);
	return rc;
}

/*
 * One log line with the counts of the passes since the last one: after
 * every pass of a single run, after passes that did something in
 * --watch.  Never a word about the messages themselves.
 */
static void
counts(struct sess *s, int r)
{
	if (s->nstored + s->nrejected + s->nbig > 0 || !s->watch)
		log_info("imap: %zu stored, %zu rejected, %zu over the size "
		    "limit%s; %zu left on the server from before",
		    s->nstored, s->nrejected, s->nbig,
		    r < 0 ? " (stopped early)" : "", s->nleft);
	s->nstored = s->nrejected = s->nbig = 0;
}

/*
 * IDLE until the server has news, the parent says stop, or
 * IMAP_IDLE_MAX passes.  0, PULL_TEMP or PULL_QUIT.
 */
static int
wait_idle(struct sess *s)
{
	struct pollfd	 pfd[2];
	int		 r, n = 0, quit = 0;

	if ((r = mailimap_idle(s->imap)) != MAILIMAP_NO_ERROR) {
		imap_fail(s, "IDLE", r);
		return PULL_TEMP;
	}
	/* News that came with the continuation is already buffered. */
	if (s->imap->imap_stream->read_buffer_len == 0) {
		pfd[0].fd = mailimap_idle_get_fd(s->imap);
		pfd[0].events = POLLIN;
		pfd[1].fd = s->ctl;
		pfd[1].events = POLLIN;
		do
			n = poll(pfd, 2, IMAP_IDLE_MAX * 1000);
		while (n == -1 && errno == EINTR);
		if (n > 0 && pfd[1].revents != 0)
			quit = ctl_quit(s);
	}
	if ((r = mailimap_idle_done(s->imap)) != MAILIMAP_NO_ERROR) {
		imap_fail(s, "IDLE DONE", r);
		return quit ? PULL_QUIT : PULL_TEMP;
	}
	return quit ? PULL_QUIT : 0;
}

/* Sleeps poll seconds, or until the parent says stop.  0 or PULL_QUIT. */
static int
wait_poll(struct sess *s)
{
	struct pollfd	 pfd;
	int		 n;

	pfd.fd = s->ctl;
	pfd.events = POLLIN;
	do
		n = poll(&pfd, 1, (int)s->cf->poll * 1000);
	while (n == -1 && errno == EINTR);
	if (n > 0 && ctl_quit(s))
		return PULL_QUIT;
	return 0;
}

/*
 * Connects, checks the pin, reads the greeting, logs in and selects the
 * mailbox.  0, PULL_TEMP or PULL_PERM (logged).
 */
static int
session_open(struct sess *s)
{
	const struct imap_conf		*cf = s->cf;
	struct mailimap_capability_data	*cap = NULL;
	struct mailimap_flag_perm	*fp;
	mailstream			*st;
	clistiter			*c;
	char				*pw;
	int				 fd, r;

	if ((fd = tcp_connect(cf->host, cf->port)) == -1)
		return PULL_TEMP;
	st = mailstream_ssl_open_with_callback_timeout(fd, IMAP_TIMEOUT,
	    tls_sni, cf->host);
	if (st == NULL) {
		log_warnx("imap: %s port %ld: TLS handshake failed (the port "
		    "must speak implicit TLS)", cf->host, cf->port);
		close(fd);
		return PULL_TEMP;
	}
	if (pin_check(cf, st) == -1) {
		mailstream_close(st);
		return PULL_PERM;
	}
	/* From here on the session owns the stream. */
	r = mailimap_connect(s->imap, st);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		imap_fail(s, "greeting", r);
		return PULL_TEMP;
	}
	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		if ((pw = password_read(cf->password_file)) == NULL)
			return PULL_PERM;
		/*
		 * XXX libetpan copies the command into its stream buffer,
		 * which we cannot wipe; the child exits when the session
		 * ends, and it never dumps core.
		 */
		r = mailimap_login(s->imap, cf->user, pw);
		sodium_free(pw);
		if (r != MAILIMAP_NO_ERROR) {
			imap_fail(s, "LOGIN", r);
			return r == MAILIMAP_ERROR_LOGIN ? PULL_PERM :
			    PULL_TEMP;
		}
	}
	if ((r = mailimap_capability(s->imap, &cap)) != MAILIMAP_NO_ERROR) {
		imap_fail(s, "CAPABILITY", r);
		return PULL_TEMP;
	}
	mailimap_capability_data_free(cap);
	s->uidplus = mailimap_has_uidplus(s->imap);
	s->idle = mailimap_has_idle(s->imap);
	if ((r = mailimap_select(s->imap, cf->mailbox)) != MAILIMAP_NO_ERROR) {
		imap_fail(s, "SELECT", r);
		return r == MAILIMAP_ERROR_SELECT ? PULL_PERM : PULL_TEMP;
	}
	s->keywords = 0;
	if (s->imap->imap_selection_info != NULL)
		s->uidvalidity = s->imap->imap_selection_info->sel_uidvalidity;
	if (s->imap->imap_selection_info != NULL &&
	    s->imap->imap_selection_info->sel_perm_flags != NULL)
		for (c = clist_begin(s->imap->imap_selection_info->
		    sel_perm_flags); c != NULL; c = clist_next(c)) {
			fp = clist_content(c);
			if (fp->fl_type == MAILIMAP_FLAG_PERM_ALL)
				s->keywords = 1;
		}
	return 0;
}

/*
 * The child's limits: no core (the password passed through), bounded
 * memory (libetpan 1.9.4's literal parser trusts the server's sizes),
 * few files, no new privileges.
 */
static void
child_limits(void)
{
	struct rlimit	 rl;

	nm_no_core_dumps();
	if (IMAP_CHILD_AS != 0) {
		rl.rlim_cur = rl.rlim_max = IMAP_CHILD_AS;
		if (setrlimit(RLIMIT_AS, &rl) == -1)
			fatal("setrlimit RLIMIT_AS");
	}
	rl.rlim_cur = rl.rlim_max = IMAP_NOFILE;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit RLIMIT_NOFILE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
}

/*
 * The IMAP session, in the child: connect, drain, and with --watch IDLE
 * (or poll) and drain again until the parent says stop.  Returns the
 * child's exit status.
 */
static int
child_main(const struct imap_conf *cf, int ctl, int watch)
{
	struct sess	 s;
	int		 r, rc = IMAP_EXIT_TEMP;
	char		 c = CTL_LOGGEDIN;

	memset(&s, 0, sizeof(s));
	s.cf = cf;
	s.ctl = ctl;
	s.watch = watch;
	mailstream_debug = 0;	/* never a traffic log */
	if ((s.imap = mailimap_new(0, NULL)) == NULL) {
		log_warnx("imap: out of memory");
		return IMAP_EXIT_TEMP;
	}
	mailimap_set_timeout(s.imap, IMAP_TIMEOUT);
	if ((r = session_open(&s)) != 0) {
		rc = r == PULL_PERM ? IMAP_EXIT_PERM : IMAP_EXIT_TEMP;
		goto out;
	}
	if (file_write_all(ctl, &c, 1) == -1)
		goto out;
	if (watch && !s.idle)
		log_info("imap: %s offers no IDLE; polling every %ld s",
		    cf->host, cf->poll);
	for (;;) {
		/* Until a pass finds nothing new: mail may come meanwhile. */
		while ((r = drain(&s)) > 0)
			continue;
		counts(&s, r);
		if (r < 0)
			break;
		if (!watch) {
			r = 0;
			break;
		}
		r = s.idle ? wait_idle(&s) : wait_poll(&s);
		if (r < 0)
			break;
	}
	if (r == 0 || r == PULL_QUIT) {
		(void)mailimap_logout(s.imap);
		rc = IMAP_EXIT_OK;
	}
out:
	/*
	 * After a failure, hang up rather than let mailimap_free() send
	 * LOGOUT and wait for a server that misbehaved.
	 */
	if (s.imap->imap_stream != NULL) {
		mailstream_close(s.imap->imap_stream);
		s.imap->imap_stream = NULL;
	}
	mailimap_free(s.imap);
	return rc;
}

/*
 * Reads exactly len bytes from fd, waiting at most timeout seconds for
 * each part.  0, or -1 on EOF, error or timeout.
 */
static int
read_full(int fd, void *p, size_t len, int timeout)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 e;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len > 0) {
		e = poll(&pfd, 1, timeout * 1000);
		if (e == -1 && errno == EINTR)
			continue;
		if (e <= 0)
			return -1;
		n = read(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One IMAP session: forks the child and serves its messages with
 * mail_deliver() until it exits.  Sets *good if the session stored a
 * message or lasted IMAP_SESSION_GOOD seconds (the backoff restarts).
 * Returns 0 (done), IMAP_EXIT_PERM or IMAP_EXIT_TEMP (a child that died,
 * or a delivery that failed for now).
 */
static int
parent_session(const struct imap_conf *cf, struct mail_ctx *ctx, int watch,
    int *good)
{
	struct pollfd	 pfd[2];
	unsigned char	 hdr[8];
	char		 name[33], why[256], c, a;
	char		*msg = NULL;
	time_t		 start = time(NULL), deadline = 0;
	uint32_t	 uid, len;
	pid_t		 pid, ppid;
	int		 sv[2], st, n, r, quit = 0, temp = 0, dead = 0;
	int		 rc = IMAP_EXIT_TEMP, loggedin = 0;

	*good = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("socketpair");
		return IMAP_EXIT_TEMP;
	}
	ppid = getpid();
	if ((pid = fork()) == -1) {
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		return IMAP_EXIT_TEMP;
	}
	if (pid == 0) {
		/* The child: only the socket and stdio stay open. */
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
		    getppid() != ppid)
			_exit(IMAP_EXIT_TEMP);
		if (sv[1] != 3 && dup2(sv[1], 3) == -1)
			_exit(IMAP_EXIT_TEMP);
		closefrom(4);
		child_limits();
		_exit(child_main(cf, 3, watch));
	}
	close(sv[1]);
	for (;;) {
		if (imap_stop && !quit) {
			/* Stop once the message in hand is done. */
			c = CTL_QUIT;
			(void)file_write_all(sv[0], &c, 1);
			quit = 1;
			deadline = time(NULL) + IMAP_QUIT_WAIT;
		}
		pfd[0].fd = sv[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = imap_sigpipe[0];
		pfd[1].events = POLLIN;
		n = poll(pfd, 2, quit ? 1000 : -1);
		if (n == -1 && errno != EINTR) {
			log_warn("poll");
			break;
		}
		if (quit && time(NULL) >= deadline) {
			log_warnx("imap: the session did not end; killed");
			break;
		}
		if (n <= 0)
			continue;
		if (pfd[1].revents != 0)
			while (read(imap_sigpipe[0], &c, 1) == 1)
				continue;
		if (pfd[0].revents == 0)
			continue;
		if (read(sv[0], &c, 1) != 1) {
			dead = 1;	/* EOF: the child is done */
			break;
		}
		if (c == CTL_LOGGEDIN && !loggedin) {
			loggedin = 1;
			continue;
		}
		if (c != CTL_MESSAGE ||
		    read_full(sv[0], hdr, sizeof(hdr), IMAP_TIMEOUT) == -1) {
			log_warnx("imap: the session child broke protocol");
			break;
		}
		uid = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		    (uint32_t)hdr[2] << 8 | hdr[3];
		len = (uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 |
		    (uint32_t)hdr[6] << 8 | hdr[7];
		if (!loggedin || len > MAIL_MAX) {
			log_warnx("imap: the session child broke protocol");
			break;
		}
		msg = xmalloc((size_t)len + 1);
		if (read_full(sv[0], msg, len, IMAP_TIMEOUT) == -1) {
			log_warnx("imap: the session child broke protocol");
			break;
		}
		msg[len] = '\0';
		if (quit) {
			/* It reads our 'Q' as the answer and leaves it. */
			sodium_memzero(msg, len);
			free(msg);
			msg = NULL;
			continue;
		}
		r = mail_deliver(ctx, msg, len, name, why, sizeof(why));
		sodium_memzero(msg, len);
		free(msg);
		msg = NULL;
		if (r == 0) {
			a = CTL_STORED;
			*good = 1;
		} else if (r == 65) {
			a = CTL_REJECTED;
			log_warnx("imap: message UID %u rejected for good, "
			    "left on the server (flagged %s): %s", uid,
			    IMAP_KW_REJECTED, why);
		} else {
			a = CTL_TEMP;
			temp = 1;
			log_warnx("imap: message UID %u not stored for now, "
			    "left on the server: %s", uid, why);
		}
		if (file_write_all(sv[0], &a, 1) == -1)
			continue;	/* it died; EOF comes next */
	}
	if (msg != NULL) {
		sodium_memzero(msg, len);
		free(msg);
	}
	close(sv[0]);
	if (!dead)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return IMAP_EXIT_TEMP;
		}
	if (time(NULL) - start >= IMAP_SESSION_GOOD)
		*good = 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == IMAP_EXIT_OK && dead)
		rc = temp ? IMAP_EXIT_TEMP : IMAP_EXIT_OK;
	else if (WIFEXITED(st) && WEXITSTATUS(st) == IMAP_EXIT_PERM)
		rc = IMAP_EXIT_PERM;
	else if (WIFSIGNALED(st) && !(quit && WTERMSIG(st) == SIGKILL))
		log_warnx("imap: the session child died (signal %d); nothing "
		    "was expunged after the last stored message",
		    WTERMSIG(st));
	return rc;
}

static void
on_signal(int sig)
{
	int	 saved = errno;
	char	 c = (char)sig;

	imap_stop = 1;
	if (write(imap_sigpipe[1], &c, 1) == -1) {
		/* Full: a wake-up is pending anyway. */
	}
	errno = saved;
}

/* SIGTERM and SIGINT end the run after the current message. */
static int
signals_init(void)
{
	struct sigaction	 sa;
	int			 i, fl;

	if (pipe(imap_sigpipe) == -1) {
		log_warn("pipe");
		return -1;
	}
	for (i = 0; i < 2; i++)
		if ((fl = fcntl(imap_sigpipe[i], F_GETFL)) == -1 ||
		    fcntl(imap_sigpipe[i], F_SETFL, fl | O_NONBLOCK) == -1 ||
		    fcntl(imap_sigpipe[i], F_SETFD, FD_CLOEXEC) == -1) {
			log_warn("fcntl");
			return -1;
		}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Sleeps ms milliseconds unless a stop signal comes.  0, or -1 if one did. */
static int
sleep_ms(long ms)
{
	struct pollfd	 pfd;
	struct timespec	 t0, t1;
	long		 left = ms;
	char		 c;

	pfd.fd = imap_sigpipe[0];
	pfd.events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!imap_stop && left > 0) {
		if (poll(&pfd, 1, (int)left) > 0)
			while (read(imap_sigpipe[0], &c, 1) == 1)
				continue;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - ((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return imap_stop ? -1 : 0;
}

int
cmd_imap(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct imap_conf	 cf;
	struct conf		 c;
	struct mail_ctx		*ctx = NULL;
	long			 backoff = 1, ms;
	int			 ch, e = 0, watch = 0, good, rc = 1;

	memset(&cf, 0, sizeof(cf));
	conf_init(&c);
	optind = 1;
	while (e == 0 && (ch = getopt_long(argc, argv, "c:hi:k:t:u:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c.path = optarg;
			break;
		case 'h':
			intake_help("imap");
			rc = 0;
			goto out;
		case 'i':
			e = conf_arg(&c, CONF_INBOX, optarg, "-i");
			break;
		case 'k':
			e = conf_arg(&c, CONF_RECIPIENTS, optarg, "-k");
			break;
		case 't':
			e = conf_arg(&c, CONF_TAXONOMY, optarg, "-t");
			break;
		case 'u':
			e = conf_arg(&c, CONF_USER, optarg, "-u");
			break;
		case 'w':
			watch = 1;
			break;
		default:
			e = -1;
			break;
		}
	}
	if (e != 0 || optind != argc) {
		intake_usage_of("imap");
		rc = 2;
		goto out;
	}
	if (c.path == NULL) {
		log_warnx("imap: the [imap] settings come from a -c file");
		intake_usage_of("imap");
		rc = 2;
		goto out;
	}
	/* The auto-reply is for mail and maildir only. */
	(void)conf_arg(&c, CONF_REPLY, "off", "imap");
	if (conf_read(&c, c.path, CONF_S_INTAKE | CONF_S_MAIL |
	    CONF_S_IMAP) != 0)
		goto out;
	if (geteuid() == 0 && conf_str(&c, CONF_USER) == NULL) {
		log_warnx("imap: refusing to run as root; give -u USER or run "
		    "it as the intake user");
		goto out;
	}
	if (cf_fill(&cf, &c) == -1 || cf_check(&cf) == -1)
		goto out;
	/*
	 * As the user from here on (the session child reads the password
	 * file as the user too).  An inbox the user cannot write is a
	 * set-up to fix, and mail waits on the server meanwhile: 75.
	 */
	if (intake_start(conf_str(&c, CONF_USER), conf_str(&c, CONF_INBOX),
	    conf_str(&c, CONF_RECIPIENTS), conf_str(&c, CONF_TAXONOMY)) != 0) {
		log_warnx("imap: the intake is not set up right; the mail "
		    "stays on the server");
		rc = IMAP_EXIT_TEMP;
		goto out;
	}
	if (mail_ctx_open(&ctx, &c) == -1)
		goto out;
	if (signals_init() == -1)
		goto out;
	for (;;) {
		rc = parent_session(&cf, ctx, watch, &good);
		if (!watch || imap_stop)
			break;
		if (good)
			backoff = 1;
		/* Jitter: between half and all of the backoff. */
		ms = backoff * 500 + (long)randombytes_uniform(
		    (uint32_t)backoff * 500 + 1);
		log_warnx("imap: session ended; reconnecting in %ld.%ld s",
		    ms / 1000, ms % 1000 / 100);
		if (sleep_ms(ms) == -1)
			break;
		backoff = backoff * 2 > IMAP_BACKOFF_MAX ? IMAP_BACKOFF_MAX :
		    backoff * 2;
	}
	if (watch)
		rc = 0;
	else if (rc == IMAP_EXIT_PERM)
		rc = 1;
out:
	mail_ctx_close(ctx);
	cf_free(&cf);
	conf_free(&c);
	if (imap_sigpipe[0] != -1) {
		close(imap_sigpipe[0]);
		close(imap_sigpipe[1]);
	}
	return rc;
}
