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
 * nearmiss-intake serve: the anonymous report form over HTTP
 * (libmicrohttpd).  GET / shows the form, POST /submit checks it, seals
 * it into the inbox and shows a receipt code.  Budgets, single-use form
 * tokens and per-connection deadlines keep it up; the peer address is
 * read only, hashed, for those; only counters are ever logged.
 */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "buf.h"
#include "conf.h"
#include "config.h"
#include "field.h"
#include "file.h"
#include "form.h"
#include "html.h"
#include "inbox.h"
#include "intake.h"
#include "log.h"
#include "nm.h"
#include "receipt.h"
#include "recipients.h"
#include "record.h"
#include "utf8.h"

#define SERVE_TIMEOUT		15	/* seconds of connection idleness */
/*
 * Connections: MHD's limit (--max-connections), and the descriptors
 * kept beside it (inbox, listening socket, epoll, logs).  RLIMIT_NOFILE
 * is raised to fit.
 */
#define SERVE_CONN_MAX		10000
#define SERVE_FD_SPARE		256
/*
 * Absolute deadlines, in seconds, that no trickle of bytes extends:
 * for the request line and headers (from the connection's start or the
 * end of the previous request on it), for the body, and for sending
 * the response.  MHD's idle timeout alone restarts at every byte.
 */
#define SERVE_HEAD_DEADLINE	10
#define SERVE_BODY_DEADLINE	30
#define SERVE_SEND_DEADLINE	60
/*
 * Past this many connections still sending their headers (of
 * SERVE_CONN_MAX; scaled to --max-connections), the oldest is closed
 * for each new one: a real client sends its headers within
 * milliseconds, so under pressure only slow ones are old.
 */
#define SERVE_HEAD_HIGH		7000
#define SERVE_REAP_MS		250	/* how often deadlines are checked */
/*
 * Per connection: the request line and headers must fit (431 beyond);
 * the body is gathered in our own capped buffer, not in this pool.
 */
#define SERVE_CONN_MEM		(32 * 1024)
#define SERVE_THREADS		2
#define SERVE_DRAIN		30	/* seconds to finish requests at exit */
#define SERVE_STATS		3600	/* seconds between counter lines */
/*
 * Per source: the peer address, read for nothing else, is hashed with a
 * random key that lives only in locked memory and is replaced every
 * hour, and cut to 16 bits: each bucket stands for ~65,000 IPv4
 * addresses even to someone who has the key.  Behind a proxy or an onion
 * service every peer is the same loopback address and shares one bucket.
 */
#define BUCKET_BITS		16
/*
 * The settings and their defaults (listen, origin, the budgets, the
 * connection caps) are intake/conf.c's table.  Pages (GET, HEAD, and
 * every POST refused before a submission is accepted) have a budget of
 * their own, global and per source, so that neither a flood of them nor
 * of invalid posts can use up the submissions' budget; open connections
 * per source are capped (see source_of()), except from 127.0.0.1 or ::1
 * where a proxy or onion service on the same host connects from.
 */
#define TOKEN_HOUR		3600
#define TOKEN_NONCE		16	/* random bytes in each form token */
/*
 * Spent form tokens: at most spent_tokens per hour of issue.  Tokens
 * live two hours, so two generations (this hour's and the last) hold
 * every token that could still be replayed.  When one is full,
 * submissions with its tokens are refused rather than any spent token
 * forgotten.
 */
#define VMSG_MAX		128	/* one field's message */
/*
 * The free texts' limits in characters, as the form states them: a
 * quarter of the record's caps in bytes, so that any UTF-8 fits.  With
 * URL encoding the largest form stays well under FORM_BODY_MAX.
 */
#define NARRATIVE_CHARS		(RECORD_TEXT_MAX / 4)
#define LESSONS_CHARS		(RECORD_LESSONS_MAX / 4)
#define CONTACT_CHARS		(RECORD_CONTACT_MAX / 4)

/* Counters, logged at exit and every SERVE_STATS seconds. */
enum stat_id {
	ST_ACCEPTED,
	ST_INVALID,
	ST_MALFORMED,
	ST_TOKEN,
	ST_ORIGIN,
	ST_TOOBIG,
	ST_RATE,
	ST_HONEYPOT,
	ST_TEMPFAIL,
	ST_ERROR,
	ST_REPLAY,
	ST_SPENT_FULL,
	ST_PAGE_RATE,
	ST_MAX
};

/* Connection counters, kept under cmu and logged with the others. */
enum cstat_id {
	CS_DEADLINE,
	CS_EVICTED,
	CS_SOURCE,
	CS_MAX
};

/*
 * The phase a connection is in, each with its deadline; a connection
 * closed by us is CP_DEAD until MHD tells us it is gone.
 */
enum cphase {
	CP_HEAD,
	CP_BODY,
	CP_SEND,
	CP_MAX
};
#define CP_DEAD	CP_MAX

/* The form's own fields besides the record's keys. */
enum ffield {
	F_NARRATIVE = RECORD_KEY_MAX,
	F_LESSONS,
	F_CONTACT,
	F_CONSENT,
	F_MAX
};

/* A global token bucket. */
struct gbucket {
	int		 on;
	double		 rate;		/* tokens per second */
	double		 burst;
	double		 tokens;
	struct timespec	 last;
};

/* One of the per-source buckets (see BUCKET_BITS). */
struct bucket {
	float		 tokens;
	float		 last;		/* seconds since start */
};

/* The per-source buckets of one budget. */
struct sbuckets {
	int		 on;
	double		 rate;		/* tokens per second */
	double		 burst;
	struct bucket	*b;		/* 1 << BUCKET_BITS of them */
};

/*
 * The spent tokens of one hour of issue: an open-addressing table of
 * the first 16 bytes of their MACs (random to anyone without the key),
 * 2 * max slots, linear probing.
 */
struct spent {
	long long	 hour;
	size_t		 n;
	size_t		 mask;		/* slots - 1 */
	unsigned char	(*key)[16];
	unsigned char	*used;
};

/* A connection (MHD's socket_context), in the list of its phase. */
struct conn {
	struct conn	*prev, *next;
	int		 fd;
	int		 phase;		/* enum cphase or CP_DEAD */
	double		 since;		/* when the phase began (mono()) */
	long		 src;		/* slot in csrc, -1 if not capped */
};

struct clist {
	struct conn	*head, *tail;	/* oldest first */
	size_t		 n;
};

struct serve {
	struct config		 cfg;		/* the taxonomy */
	struct inbox		*ib;
	struct recipient	*rcpt;
	size_t			 nrcpt;
	const char		*origin;
	struct buf		 css;		/* the theme's and ours */
	pthread_mutex_t		 mu;
	/* Form token keys: of hour key_hour and the hour before. */
	unsigned char		 key[2][crypto_auth_KEYBYTES];
	long long		 key_hour;
	struct spent		 spent[2];	/* by hour & 1 */
	size_t			 spent_max;
	/* Submissions' budget and pages' budget. */
	struct gbucket		 sub, page;
	struct sbuckets		 sub_src, page_src;
	unsigned char		*bkey;	/* sodium_malloc: locked */
	long long		 bkey_hour;
	struct timespec		 start;
	unsigned long		 stat[ST_MAX];
	unsigned long		 inflight;
	/* Connections, under cmu (taken before mu, never after). */
	pthread_mutex_t		 cmu;
	pthread_cond_t		 ccv;
	struct clist		 cl[CP_MAX];
	unsigned short		*csrc;	/* open connections per slot */
	unsigned char		*ckey;	/* sodium_malloc: locked */
	long			 conn_source;
	size_t			 head_high;
	int			 reap_stop;
	unsigned long		 cstat[CS_MAX];
};

/* What validate() fills besides the record: values and messages. */
struct vbufs {
	struct buf	 factors;	/* comma-separated terms */
	char		 count[8];	/* officers on scene, as "%d" */
	char		 msg[F_MAX][VMSG_MAX];
};

/* One request's state (MHD's con_cls). */
struct req {
	struct buf	 body;
	int		 toobig;
	int		 done;		/* counted in inflight */
};

struct opts {
	const char	*listen;
	const char	*inbox;
	const char	*recipients;
	const char	*taxonomy;
	const char	*user;
	const char	*origin;
	long		 rate_count;
	long		 rate_window;
	long		 rate_burst;
	int		 rate_on;
	long		 bucket_count;
	long		 bucket_burst;
	int		 bucket_on;
	long		 page_count;
	long		 page_burst;
	long		 page_bucket_count;
	long		 page_bucket_burst;
	long		 conn_source;
	long		 conn_max;
	long		 spent_max;
	const char	*theme;
};

static void	 stat_add(struct serve *, enum stat_id);
static void	 stats_log(struct serve *);
static void	 keys_update(struct serve *, long long);
static void	 token_make(struct serve *, char *, size_t);
static int	 token_check(struct serve *, const char *, long long *,
		    unsigned char *);
static struct spent *spent_of(struct serve *, long long);
static size_t	 spent_find(const struct spent *, const unsigned char *);
static int	 spent_add(struct serve *, long long, const unsigned char *);
static void	 spent_del(struct serve *, long long, const unsigned char *);
static int	 spent_has(struct serve *, long long, const unsigned char *);
static double	 mono(void);
static int	 gbucket_take(struct serve *, struct gbucket *);
static size_t	 source_of(const struct sockaddr *, unsigned char *, int *);
static size_t	 bucket_of(struct serve *, struct MHD_Connection *,
		    long long);
static int	 sbucket_take(struct serve *, struct sbuckets *,
		    struct MHD_Connection *);
static int	 sub_take(struct serve *, struct MHD_Connection *);
static int	 page_take(struct serve *, struct MHD_Connection *);
static void	 clist_add(struct clist *, struct conn *);
static void	 clist_del(struct clist *, struct conn *);
static void	 conn_phase(struct serve *, struct conn *, int);
static void	 conn_kill(struct serve *, struct conn *, enum cstat_id);
static void	 conn_set(struct serve *, struct MHD_Connection *, int);
static void	 conn_notify(void *, struct MHD_Connection *, void **,
		    enum MHD_ConnectionNotificationCode);
static void	*reaper(void *);
static long	 fd_room(long);
static void	 page_head(struct buf *, struct serve *, const char *);
static void	 page_tail(struct buf *);
static void	 field_error(struct buf *, const char *, const char *);
static const char *value(const struct form *, const char *);
static int	 has_value(const struct form *, const char *, const char *);
static void	 label(struct buf *, const char *, const char *, int);
static void	 help(struct buf *, const char *, const char *);
static void	 described(struct buf *, const char *, int, const char *);
static void	 text_input(struct buf *, const struct form *, const char *,
		    size_t, int, const char *);
static void	 text_area(struct buf *, const struct form *, const char *,
		    int, size_t, int, const char *);
static void	 form_key(struct buf *, struct serve *, const struct form *,
		    size_t, const char *);
static const char *single(const struct form *, const char *,
		    const char **);
static int	 receipt_page(struct serve *, struct MHD_Connection *,
		    const char *);
static void	 form_render(struct buf *, struct serve *, const struct form *,
		    const char *const *);
static int	 respond(struct MHD_Connection *, unsigned int, const char *,
		    struct buf *, int);
static int	 respond_page(struct serve *, struct MHD_Connection *,
		    unsigned int, const char *, const char *);
static int	 respond_busy(struct serve *, struct MHD_Connection *);
static const char *field_msg(char *, const struct field *, int);
static const char *strip_bidi(const char *);
static int	 validate(struct serve *, const struct form *, struct record *,
		    struct vbufs *, const char **);
static int	 refuse(struct serve *, struct MHD_Connection *, enum stat_id,
		    unsigned int, const char *, const char *);
static int	 foreign(struct serve *, struct MHD_Connection *);
static enum MHD_Result submit(struct serve *, struct MHD_Connection *,
		    struct req *);
static size_t	 unescape(void *, struct MHD_Connection *, char *);
static enum MHD_Result handler(void *, struct MHD_Connection *, const char *,
		    const char *, const char *, const char *, size_t *,
		    void **);
static void	 completed(void *, struct MHD_Connection *, void **,
		    enum MHD_RequestTerminationCode);
static void	 free_wipe(void *);
static void	 gbucket_init(struct gbucket *, int, long, long, long);
static int	 css_load(struct buf *, const char *);
static int	 listen_on(const char *);
static void	 opts_get(struct opts *, const struct conf *);
static int	 serve(const struct opts *, int);

static const char *const stat_names[ST_MAX] = {
	"accepted", "invalid", "malformed", "bad-token", "bad-origin",
	"too-big", "rate-limited", "honeypot", "tempfail", "error",
	"replayed", "token-set-full", "pages-rate-limited",
};

static const char *const cstat_names[CS_MAX] = {
	"closed-at-deadline", "evicted", "over-source-cap",
};

/* Seconds each phase may last, from its start. */
static const double phase_deadline[CP_MAX] = {
	SERVE_HEAD_DEADLINE, SERVE_BODY_DEADLINE, SERVE_SEND_DEADLINE,
};

/*
 * The hint under each field; every one is optional to the submitter
 * (reviewers complete what is missing), so the form says so once.
 */
static const char *const key_help[RECORD_KEY_MAX] = {
	"One line, at most 200 characters. Leave out names and places.",
	"Year and month only (YYYY-MM), never the day.",
	NULL,
	"Tick up to five.",
	"The worst realistic outcome had the lucky break not happened.",
	"A number from 1 to 999.",
	NULL, NULL, NULL, NULL, NULL,
	"One or two sentences, at most 1024 characters.",
};

/*
 * The page's rules when no theme stylesheet could be read: enough to
 * read the form in either colour scheme.
 */
static const char css_base[] =
    ":root{color-scheme:light dark;--text:#0b0c0c;--bg:#fff;"
    "--muted:#505a5f;--border:#b1b4b6;--panel:#f3f2f1;--accent:#1d70b8;"
    "--button:#00703c;--button-shadow:#002d18}\n"
    "@media (prefers-color-scheme:dark){:root{--text:#f3f2f1;"
    "--bg:#121314;--muted:#b1b4b6;--border:#6f777b;--panel:#1d1f21;"
    "--accent:#8ab4f8;--button-shadow:#000}}\n"
    "body{font-family:sans-serif;margin:0;line-height:1.5;"
    "color:var(--text);background:var(--bg)}\n"
    ".wrap{max-width:44em;margin:0 auto;padding:0 1em}\n"
    ".site-header{border-bottom:4px solid var(--accent)}\n"
    ".skip-link{position:absolute;left:-10000px}\n";

/* The form's own rules, after the theme's; colours from its variables. */
static const char css_form[] =
    "\n/* nearmiss-intake serve: the report form. */\n"
    ".nm-form label{display:block;font-weight:700;margin-top:1.25em}\n"
    ".nm-form fieldset{margin:1.25em 0 0;border:1px solid var(--border);"
    "padding:.5em 1em 1em;min-width:0}\n"
    ".nm-form legend{font-weight:700;padding:0 .25em}\n"
    ".nm-form fieldset label{display:inline;font-weight:400;margin:0}\n"
    ".nm-form fieldset p label{display:block;font-weight:700;"
    "margin-top:1em}\n"
    ".nm-form input[type=text],.nm-form select,.nm-form textarea{"
    "display:block;width:100%;max-width:100%;box-sizing:border-box;"
    "font:inherit;padding:.4em;color:var(--text);background:var(--bg);"
    "border:2px solid var(--text);border-radius:0}\n"
    ".nm-form textarea{min-height:12em}\n"
    ".nm-form .choice{margin:.35em 0}\n"
    ".nm-form .choice input{margin-right:.5em}\n"
    ".help{color:var(--muted);margin:.2em 0}\n"
    ".error{color:#b10e1e;font-weight:700}\n"
    ".notice{border-left:.4rem solid var(--accent);padding:.5em 1em;"
    "background:var(--panel)}\n"
    ".receipt{font-family:monospace;font-size:1.6em;letter-spacing:.1em;"
    "overflow-wrap:anywhere}\n"
    ".hp{position:absolute;left:-10000px;width:1px;height:1px;"
    "overflow:hidden}\n"
    ".nm-form button{margin-top:1.5em;font:inherit;padding:.5em 1.2em;"
    "color:#fff;background:var(--button);border:0;"
    "box-shadow:0 2px 0 var(--button-shadow)}\n"
    "@media (prefers-color-scheme:dark){.error{color:#ff8a80}}\n";

static void
stat_add(struct serve *s, enum stat_id id)
{
	pthread_mutex_lock(&s->mu);
	s->stat[id]++;
	pthread_mutex_unlock(&s->mu);
}

/* One line of counters: never anything about a request. */
static void
stats_log(struct serve *s)
{
	struct buf	 b = BUF_INIT, cb = BUF_INIT;
	size_t		 i;

	pthread_mutex_lock(&s->cmu);
	for (i = 0; i < CS_MAX; i++)
		buf_printf(&cb, "%s%s %lu", i ? ", " : "", cstat_names[i],
		    s->cstat[i]);
	pthread_mutex_unlock(&s->cmu);
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < ST_MAX; i++)
		buf_printf(&b, "%s%s %lu", i ? ", " : "", stat_names[i],
		    s->stat[i]);
	pthread_mutex_unlock(&s->mu);
	log_warnx("submissions: %s; connections: %s", b.data, cb.data);
	buf_free(&b);
	buf_free(&cb);
}

/*
 * Makes key[0] the key of hour h and key[1] that of the hour before,
 * drawing new random keys as hours pass.  Caller holds mu.
 */
static void
keys_update(struct serve *s, long long h)
{
	if (h == s->key_hour)
		return;
	if (h == s->key_hour + 1)
		memcpy(s->key[1], s->key[0], sizeof(s->key[0]));
	else
		crypto_auth_keygen(s->key[1]);
	crypto_auth_keygen(s->key[0]);
	s->key_hour = h;
}

/*
 * The token: the hour of issue in hex, ".", a random nonce in hex (so
 * that each form's token is its own and can be spent once), ".", the
 * HMAC of what comes before in hex.
 */
static void
token_make(struct serve *s, char *out, size_t outsz)
{
	unsigned char	 mac[crypto_auth_BYTES], nonce[TOKEN_NONCE];
	char		 head[32 + 2 * TOKEN_NONCE + 1];
	long long	 h = (long long)time(NULL) / TOKEN_HOUR;
	int		 n;

	randombytes_buf(nonce, sizeof(nonce));
	n = snprintf(head, sizeof(head), "%llx.", h);
	sodium_bin2hex(head + n, sizeof(head) - (size_t)n, nonce,
	    sizeof(nonce));
	pthread_mutex_lock(&s->mu);
	keys_update(s, h);
	crypto_auth(mac, (const unsigned char *)head, strlen(head),
	    s->key[0]);
	pthread_mutex_unlock(&s->mu);
	snprintf(out, outsz, "%s.", head);
	sodium_bin2hex(out + strlen(out), outsz - strlen(out), mac,
	    sizeof(mac));
}

/*
 * 1 if tok was issued this hour or the hour before; its hour goes to
 * *hour and its MAC (crypto_auth_BYTES) to mac.
 */
static int
token_check(struct serve *s, const char *tok, long long *hour,
    unsigned char *mac)
{
	const char	*dot, *dot2;
	char		 hx[32];
	long long	 h, now = (long long)time(NULL) / TOKEN_HOUR;
	size_t		 n, maclen;
	int		 ok = 0;

	if (tok == NULL || (dot = strchr(tok, '.')) == NULL ||
	    (dot2 = strchr(dot + 1, '.')) == NULL)
		return 0;
	n = (size_t)(dot - tok);
	if (n == 0 || n >= 17 || strspn(tok, "0123456789abcdef") != n ||
	    (size_t)(dot2 - dot - 1) != 2 * TOKEN_NONCE ||
	    strspn(dot + 1, "0123456789abcdef") != 2 * TOKEN_NONCE)
		return 0;
	memcpy(hx, tok, n);
	hx[n] = '\0';
	h = strtoll(hx, NULL, 16);
	n = (size_t)(dot2 - tok);
	if (strlen(dot2 + 1) != 2 * crypto_auth_BYTES ||
	    sodium_hex2bin(mac, crypto_auth_BYTES, dot2 + 1,
	    strlen(dot2 + 1), NULL, &maclen, NULL) != 0 ||
	    maclen != crypto_auth_BYTES)
		return 0;
	pthread_mutex_lock(&s->mu);
	keys_update(s, now);
	if (h == now)
		ok = crypto_auth_verify(mac, (const unsigned char *)tok, n,
		    s->key[0]) == 0;
	else if (h == now - 1)
		ok = crypto_auth_verify(mac, (const unsigned char *)tok, n,
		    s->key[1]) == 0;
	pthread_mutex_unlock(&s->mu);
	*hour = h;
	return ok;
}

/*
 * The spent set of hour h, emptied first if it held an older hour.
 * Caller holds mu.
 */
static struct spent *
spent_of(struct serve *s, long long h)
{
	struct spent	*sp = &s->spent[h & 1];

	if (sp->hour != h) {
		memset(sp->used, 0, sp->mask + 1);
		sp->n = 0;
		sp->hour = h;
	}
	return sp;
}

/* The slot of mac in sp, or of the empty slot where it would go. */
static size_t
spent_find(const struct spent *sp, const unsigned char *mac)
{
	size_t	 i;

	memcpy(&i, mac, sizeof(i));
	for (i &= sp->mask; sp->used[i]; i = (i + 1) & sp->mask)
		if (memcmp(sp->key[i], mac, 16) == 0)
			break;
	return i;
}

/*
 * Marks the token of hour h with mac spent: 0, or -1 if it already
 * was, or -2 if the hour's set is full.
 */
static int
spent_add(struct serve *s, long long h, const unsigned char *mac)
{
	struct spent	*sp;
	size_t		 i;
	int		 rc = 0;

	pthread_mutex_lock(&s->mu);
	sp = spent_of(s, h);
	i = spent_find(sp, mac);
	if (sp->used[i])
		rc = -1;
	else if (sp->n >= s->spent_max)
		rc = -2;
	else {
		memcpy(sp->key[i], mac, 16);
		sp->used[i] = 1;
		sp->n++;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/*
 * Un-marks a token (its report could not be stored), closing the gap
 * by moving back the entries after it that probed past its slot.
 */
static void
spent_del(struct serve *s, long long h, const unsigned char *mac)
{
	struct spent	*sp;
	size_t		 i, j, home;

	pthread_mutex_lock(&s->mu);
	sp = spent_of(s, h);
	i = spent_find(sp, mac);
	if (!sp->used[i])
		goto out;
	for (j = (i + 1) & sp->mask; sp->used[j]; j = (j + 1) & sp->mask) {
		memcpy(&home, sp->key[j], sizeof(home));
		home &= sp->mask;
		/* Can the entry at j move to i: is i on its probe path? */
		if (((j - home) & sp->mask) >= ((j - i) & sp->mask)) {
			memcpy(sp->key[i], sp->key[j], 16);
			i = j;
		}
	}
	sp->used[i] = 0;
	sodium_memzero(sp->key[i], 16);
	sp->n--;
out:
	pthread_mutex_unlock(&s->mu);
}

/* 1 if the token of hour h with mac was spent. */
static int
spent_has(struct serve *s, long long h, const unsigned char *mac)
{
	struct spent	*sp;
	int		 has;

	pthread_mutex_lock(&s->mu);
	sp = spent_of(s, h);
	has = sp->used[spent_find(sp, mac)];
	pthread_mutex_unlock(&s->mu);
	return has;
}

/* Seconds on the monotonic clock. */
static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes a token from a global bucket: 1 if there was one. */
static int
gbucket_take(struct serve *s, struct gbucket *g)
{
	struct timespec	 now;
	double		 dt;
	int		 ok;

	if (!g->on)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->mu);
	dt = (double)(now.tv_sec - g->last.tv_sec) +
	    (double)(now.tv_nsec - g->last.tv_nsec) / 1e9;
	g->last = now;
	g->tokens += dt * g->rate;
	if (g->tokens > g->burst)
		g->tokens = g->burst;
	if ((ok = g->tokens >= 1.0))
		g->tokens -= 1.0;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/*
 * What identifies the source of a peer: the IPv4 address (also when it
 * comes IPv4-mapped to an IPv6 socket, ::ffff:a.b.c.d) or the IPv6 /64,
 * copied to in (16 bytes); returns its length, 0 if unknown.  *proxy is
 * set if the peer is 127.0.0.1 or ::1, where a proxy or an onion service
 * on the same host connects from.
 */
static size_t
source_of(const struct sockaddr *sa, unsigned char *in, int *proxy)
{
	const struct in6_addr	*a6;
	static const unsigned char lo4[4] = { 127, 0, 0, 1 };

	*proxy = 0;
	if (sa != NULL && sa->sa_family == AF_INET) {
		memcpy(in, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
		*proxy = memcmp(in, lo4, 4) == 0;
		return 4;
	}
	if (sa != NULL && sa->sa_family == AF_INET6) {
		a6 = &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			memcpy(in, a6->s6_addr + 12, 4);
			*proxy = memcmp(in, lo4, 4) == 0;
			return 4;
		}
		*proxy = IN6_IS_ADDR_LOOPBACK(a6);
		memcpy(in, a6->s6_addr, 8);
		return 8;
	}
	return 0;
}

/*
 * The bucket of the connection's peer: keyed BLAKE2b of its source
 * (see source_of()), cut to BUCKET_BITS.  The key and the tables are
 * replaced together every hour.  Called with s->mu held.
 */
static size_t
bucket_of(struct serve *s, struct MHD_Connection *c, long long hour)
{
	const union MHD_ConnectionInfo *ci;
	unsigned char		 in[16], out[16];
	size_t			 n, b;
	int			 proxy;

	if (hour != s->bkey_hour) {
		randombytes_buf(s->bkey, crypto_generichash_KEYBYTES);
		memset(s->sub_src.b, 0, sizeof(*s->sub_src.b) << BUCKET_BITS);
		memset(s->page_src.b, 0,
		    sizeof(*s->page_src.b) << BUCKET_BITS);
		s->bkey_hour = hour;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	n = source_of(ci != NULL ? ci->client_addr : NULL, in, &proxy);
	crypto_generichash(out, sizeof(out), in, n, s->bkey,
	    crypto_generichash_KEYBYTES);
	b = ((size_t)out[0] << 8 | out[1]) & (((size_t)1 << BUCKET_BITS) - 1);
	sodium_memzero(in, sizeof(in));
	sodium_memzero(out, sizeof(out));
	return b;
}

/* Takes a token from the peer's bucket in sb; 0 if it is empty. */
static int
sbucket_take(struct serve *s, struct sbuckets *sb, struct MHD_Connection *c)
{
	struct timespec	 now;
	struct bucket	*bk;
	float		 t;
	int		 ok;

	if (!sb->on)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (float)(now.tv_sec - s->start.tv_sec) +
	    (float)(now.tv_nsec - s->start.tv_nsec) / 1e9f;
	pthread_mutex_lock(&s->mu);
	bk = &sb->b[bucket_of(s, c, (long long)time(NULL) / 3600)];
	if (bk->last == 0.0f && bk->tokens == 0.0f)
		bk->tokens = (float)sb->burst;	/* new this hour */
	else
		bk->tokens += (t - bk->last) * (float)sb->rate;
	bk->last = t;
	if (bk->tokens > (float)sb->burst)
		bk->tokens = (float)sb->burst;
	if ((ok = bk->tokens >= 1.0f))
		bk->tokens -= 1.0f;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/*
 * Charges an accepted submission: a token from the source's bucket and
 * one from the global bucket.  0 if either is empty.
 */
static int
sub_take(struct serve *s, struct MHD_Connection *c)
{
	return sbucket_take(s, &s->sub_src, c) && gbucket_take(s, &s->sub);
}

/* Charges a page or a refused post to the pages' budget. */
static int
page_take(struct serve *s, struct MHD_Connection *c)
{
	if (sbucket_take(s, &s->page_src, c) && gbucket_take(s, &s->page))
		return 1;
	stat_add(s, ST_PAGE_RATE);
	return 0;
}

static void
clist_add(struct clist *l, struct conn *cn)
{
	cn->next = NULL;
	cn->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = cn;
	else
		l->head = cn;
	l->tail = cn;
	l->n++;
}

static void
clist_del(struct clist *l, struct conn *cn)
{
	if (cn->prev != NULL)
		cn->prev->next = cn->next;
	else
		l->head = cn->next;
	if (cn->next != NULL)
		cn->next->prev = cn->prev;
	else
		l->tail = cn->prev;
	cn->prev = cn->next = NULL;
	l->n--;
}

/*
 * Moves cn to phase p (or CP_DEAD), its deadline counted from now; the
 * lists stay ordered by the start of the phase.  Caller holds cmu.
 */
static void
conn_phase(struct serve *s, struct conn *cn, int p)
{
	if (cn->phase == CP_DEAD)
		return;
	clist_del(&s->cl[cn->phase], cn);
	cn->phase = p;
	if (p == CP_DEAD)
		return;
	cn->since = mono();
	clist_add(&s->cl[p], cn);
}

/*
 * Closes a connection under MHD's feet: shutdown() makes its socket
 * readable at EOF, and MHD closes it.  MHD notifies
 * MHD_CONNECTION_NOTIFY_CLOSED (which takes cmu) before it calls
 * close(), so under cmu cn->fd is still this connection's socket and
 * never one reused for another.  Caller holds cmu.
 */
static void
conn_kill(struct serve *s, struct conn *cn, enum cstat_id why)
{
	if (cn->phase == CP_DEAD)
		return;
	if (cn->fd != -1)
		shutdown(cn->fd, SHUT_RDWR);
	conn_phase(s, cn, CP_DEAD);
	s->cstat[why]++;
}

/* Moves the connection c to phase p. */
static void
conn_set(struct serve *s, struct MHD_Connection *c, int p)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || ci->socket_context == NULL)
		return;
	pthread_mutex_lock(&s->cmu);
	conn_phase(s, ci->socket_context, p);
	pthread_mutex_unlock(&s->cmu);
}

/*
 * MHD_OPTION_NOTIFY_CONNECTION: tracks each connection from its start
 * to its close.  A new connection over its source's cap is closed at
 * once; past SERVE_HEAD_HIGH connections still in their headers, the
 * oldest of them is closed.
 */
static void
conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct serve	*s = cls;
	struct conn	*cn;
	const union MHD_ConnectionInfo *ci;
	unsigned char	 in[16], out[16];
	size_t		 n;
	int		 proxy;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if ((cn = *ctx) == NULL)
			return;
		pthread_mutex_lock(&s->cmu);
		conn_phase(s, cn, CP_DEAD);
		if (cn->src >= 0)
			s->csrc[cn->src]--;
		pthread_mutex_unlock(&s->cmu);
		free(cn);
		*ctx = NULL;
		return;
	}
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	cn = xcalloc(1, sizeof(*cn));
	cn->src = -1;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	cn->fd = ci != NULL ? ci->connect_fd : -1;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	n = source_of(ci != NULL ? ci->client_addr : NULL, in, &proxy);
	pthread_mutex_lock(&s->cmu);
	cn->phase = CP_HEAD;
	cn->since = mono();
	clist_add(&s->cl[CP_HEAD], cn);
	if (s->conn_source > 0 && n > 0 && !proxy) {
		crypto_generichash(out, sizeof(out), in, n, s->ckey,
		    crypto_generichash_KEYBYTES);
		cn->src = (long)(((size_t)out[0] << 8 | out[1]) &
		    (((size_t)1 << BUCKET_BITS) - 1));
		s->csrc[cn->src]++;
		if (s->csrc[cn->src] > s->conn_source)
			conn_kill(s, cn, CS_SOURCE);
	}
	while (s->cl[CP_HEAD].n > s->head_high)
		conn_kill(s, s->cl[CP_HEAD].head, CS_EVICTED);
	pthread_mutex_unlock(&s->cmu);
	sodium_memzero(in, sizeof(in));
	sodium_memzero(out, sizeof(out));
	*ctx = cn;
}

/* The thread that closes connections past their phase's deadline. */
static void *
reaper(void *arg)
{
	struct serve	*s = arg;
	struct timespec	 ts;
	double		 now;
	size_t		 p;

	pthread_mutex_lock(&s->cmu);
	while (!s->reap_stop) {
		now = mono();
		for (p = 0; p < CP_MAX; p++)
			while (s->cl[p].head != NULL &&
			    now - s->cl[p].head->since >= phase_deadline[p])
				conn_kill(s, s->cl[p].head, CS_DEADLINE);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += SERVE_REAP_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->ccv, &s->cmu, &ts);
	}
	pthread_mutex_unlock(&s->cmu);
	return NULL;
}

/*
 * Raises RLIMIT_NOFILE's soft limit to fit want connections and
 * SERVE_FD_SPARE more descriptors, as far as the hard limit allows.
 * Returns the number of connections that fit (logged if below want).
 */
static long
fd_room(long want)
{
	struct rlimit	 rl;
	rlim_t		 need = (rlim_t)want + SERVE_FD_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit");
		return want;
	}
	if (rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max != RLIM_INFINITY &&
		    rl.rlim_max < need ? rl.rlim_max : need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return want;
	}
	if (rl.rlim_cur < need) {
		want = rl.rlim_cur > 2 * SERVE_FD_SPARE ?
		    (long)rl.rlim_cur - SERVE_FD_SPARE : SERVE_FD_SPARE;
		log_warnx("open files limited to %llu: at most %ld "
		    "connections", (unsigned long long)rl.rlim_cur, want);
	}
	return want;
}

/*
 * The start of every page: the theme's site header, with the site's
 * title linking back to the archive (base_url), then <main>.
 */
static void
page_head(struct buf *b, struct serve *s, const char *title)
{
	const char	*site, *base = s->cfg.base_url;

	site = s->cfg.title != NULL ? s->cfg.title : "nearmiss";
	buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"same-origin\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	html_text(b, title, strlen(title));
	buf_addstr(b, " \xe2\x80\x93 ");
	html_text(b, site, strlen(site));
	buf_addstr(b, "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">"
	    "\n</head>\n<body>\n"
	    "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n"
	    "<header class=\"site-header\">\n"
	    "<div class=\"wrap site-header-inner\">\n<p class=\"site-title\">");
	if (base != NULL && html_url_ok(base, strlen(base))) {
		buf_addstr(b, "<a href=\"");
		html_url(b, base, strlen(base));
		buf_addstr(b, "\">");
		html_text(b, site, strlen(site));
		buf_addstr(b, "</a>");
	} else
		html_text(b, site, strlen(site));
	buf_addstr(b, "</p>\n</div>\n</header>\n"
	    "<main id=\"main\" class=\"wrap\">\n<h1>");
	html_text(b, title, strlen(title));
	buf_addstr(b, "</h1>\n");
}

static void
page_tail(struct buf *b)
{
	buf_addstr(b, "</main>\n</body>\n</html>\n");
}

static void
field_error(struct buf *b, const char *id, const char *msg)
{
	if (msg == NULL || *msg == '\0')
		return;
	buf_printf(b, "<p class=\"error\" id=\"%s-error\">", id);
	html_text(b, msg, strlen(msg));
	buf_addstr(b, "</p>\n");
}

/* The value f holds for name, or "" (f may be NULL). */
static const char *
value(const struct form *f, const char *name)
{
	const char	*v;

	if (f == NULL || (v = form_get(f, name)) == NULL)
		return "";
	return v;
}

/* 1 if f holds name=v among its (repeated) fields. */
static int
has_value(const struct form *f, const char *name, const char *v)
{
	const struct form_field	*fl;

	if (f == NULL)
		return 0;
	for (fl = NULL; (fl = form_next(f, fl, name)) != NULL; )
		if (strcmp(fl->value, v) == 0)
			return 1;
	return 0;
}

static void
label(struct buf *b, const char *id, const char *text, int required)
{
	buf_printf(b, "<label for=\"%s\">", id);
	html_text(b, text, strlen(text));
	if (required)
		buf_addstr(b, " (required)");
	buf_addstr(b, "</label>\n");
}

static void
help(struct buf *b, const char *id, const char *text)
{
	if (text == NULL)
		return;
	buf_printf(b, "<p class=\"help\" id=\"%s-help\">", id);
	html_text(b, text, strlen(text));
	buf_addstr(b, "</p>\n");
}

/*
 * Ties a control to its hint and its error message, so that screen
 * readers announce them: aria-describedby, and aria-invalid on error.
 */
static void
described(struct buf *b, const char *id, int has_help, const char *err)
{
	if (err != NULL && *err == '\0')
		err = NULL;
	if (!has_help && err == NULL)
		return;
	buf_addstr(b, " aria-describedby=\"");
	if (has_help)
		buf_printf(b, "%s-help", id);
	if (err != NULL)
		buf_printf(b, "%s%s-error", has_help ? " " : "", id);
	buf_addch(b, '"');
	if (err != NULL)
		buf_addstr(b, " aria-invalid=\"true\"");
}

/* maxlength counts characters, as the server does. */
static void
text_input(struct buf *b, const struct form *f, const char *name,
    size_t max, int has_help, const char *err)
{
	const char	*v = value(f, name);

	buf_printf(b, "<input type=\"text\" id=\"%s\" name=\"%s\" "
	    "maxlength=\"%zu\"", name, name, max);
	described(b, name, has_help, err);
	buf_addstr(b, " value=\"");
	html_attr(b, v, strlen(v));
	buf_addstr(b, "\">\n");
}

/* A <textarea>; required ones say so to browsers and screen readers. */
static void
text_area(struct buf *b, const struct form *f, const char *name,
    int rows, size_t max, int required, const char *err)
{
	const char	*v = value(f, name);

	buf_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\" "
	    "maxlength=\"%zu\"", name, name, rows, max);
	if (required)
		buf_addstr(b, " required aria-required=\"true\"");
	described(b, name, 1, err);
	buf_addch(b, '>');
	html_text(b, v, strlen(v));
	buf_addstr(b, "</textarea>\n");
}

/* One of the report's own fields (k), all optional to the submitter. */
static void
form_key(struct buf *b, struct serve *s, const struct form *f, size_t k,
    const char *err)
{
	const struct field	*fd = field_get((enum record_key)k);
	const struct taxonomy	*t;
	const char		*name = fd->key, *v;
	size_t			 i;

	if (k == RECORD_CONTRIBUTING_FACTORS) {
		t = &s->cfg.tax[TAX_FACTORS];
		buf_addstr(b, "<fieldset>\n<legend>");
		html_text(b, fd->label, strlen(fd->label));
		buf_addstr(b, "</legend>\n");
		help(b, name, key_help[k]);
		field_error(b, name, err);
		for (i = 0; i < t->nterms; i++) {
			buf_printf(b, "<div class=\"choice\"><input "
			    "type=\"checkbox\" id=\"%s_%zu\" name=\"%s\" "
			    "value=\"", name, i, name);
			html_attr(b, t->terms[i].slug,
			    strlen(t->terms[i].slug));
			buf_addstr(b, "\"");
			if (has_value(f, name, t->terms[i].slug))
				buf_addstr(b, " checked");
			buf_printf(b, "><label for=\"%s_%zu\">", name, i);
			html_text(b, t->terms[i].label,
			    strlen(t->terms[i].label));
			buf_addstr(b, "</label></div>\n");
		}
		buf_addstr(b, "</fieldset>\n");
		return;
	}
	label(b, name, fd->label, 0);
	help(b, name, key_help[k]);
	field_error(b, name, err);
	if (fd->tax >= 0) {
		t = &s->cfg.tax[fd->tax];
		v = value(f, name);
		buf_printf(b, "<select id=\"%s\" name=\"%s\"", name, name);
		described(b, name, key_help[k] != NULL, err);
		buf_addstr(b, ">\n<option value=\"\">Not given</option>\n");
		for (i = 0; i < t->nterms; i++) {
			buf_addstr(b, "<option value=\"");
			html_attr(b, t->terms[i].slug,
			    strlen(t->terms[i].slug));
			buf_addstr(b, "\"");
			if (strcmp(v, t->terms[i].slug) == 0)
				buf_addstr(b, " selected");
			buf_addstr(b, ">");
			html_text(b, t->terms[i].label,
			    strlen(t->terms[i].label));
			buf_addstr(b, "</option>\n");
		}
		buf_addstr(b, "</select>\n");
	} else if (fd->kind == FIELD_PARA)
		text_area(b, f, name, 3, fd->max, 0, err);
	else
		text_input(b, f, name, fd->max, key_help[k] != NULL, err);
}

/*
 * The report form; f (may be NULL) gives the values to keep, errs (may
 * be NULL) a message per field (F_MAX entries, "" for none).  Only the
 * account and the publication choice are required.
 */
static void
form_render(struct buf *b, struct serve *s, const struct form *f,
    const char *const *errs)
{
	const char	*err;
	char		 tok[160];
	size_t		 k;

	page_head(b, s, "Report a near miss");
	buf_addstr(b, "<div class=\"notice\">\n<h2>Before you write</h2>\n"
	    "<ul>\n<li>This form does not record who you are: no account, "
	    "no cookies, no address is logged. Your report is encrypted "
	    "for the reviewers as soon as it arrives.</li>\n"
	    "<li><strong>Do not submit from an agency network or an agency "
	    "device</strong> (patrol car computer, work phone or desktop): "
	    "your agency can see which sites its devices and networks "
	    "visit. Use a personal device on a home or public network, "
	    "ideally with Tor Browser.</li>\n"
	    "<li>What you write can identify you. Leave out names, exact "
	    "dates, places and details only you would know; reviewers "
	    "remove what is left before anything is published.</li>\n"
	    "<li>E-mail to us is confidential, not anonymous: the mail "
	    "providers on the way know who wrote to us.</li>\n</ul>\n"
	    "</div>\n");
	if (errs != NULL) {
		buf_addstr(b, "<p class=\"error\">Some fields need another "
		    "look; the messages are next to them. Nothing was "
		    "stored yet.</p>\n");
	}
	buf_addstr(b, "<form class=\"nm-form\" method=\"post\" "
	    "action=\"/submit\" accept-charset=\"UTF-8\" "
	    "autocomplete=\"off\">\n");
	token_make(s, tok, sizeof(tok));
	buf_printf(b, "<input type=\"hidden\" name=\"token\" "
	    "value=\"%s\">\n", tok);
	/* Hidden from sight and from screen readers alike. */
	buf_addstr(b, "<div class=\"hp\" aria-hidden=\"true\">\n"
	    "<label for=\"website\">Leave this field empty (it is a trap "
	    "for robots)</label>\n"
	    "<input type=\"text\" id=\"website\" name=\"website\" "
	    "tabindex=\"-1\" value=\"\">\n</div>\n");

	label(b, "narrative", "What happened", 1);
	help(b, "narrative", "Tell the story: what you saw, what you did, "
	    "what nearly went wrong and what would have prevented it.");
	err = errs != NULL ? errs[F_NARRATIVE] : NULL;
	field_error(b, "narrative", err);
	text_area(b, f, "narrative", 14, NARRATIVE_CHARS, 1, err);

	buf_addstr(b, "<h2>Details (optional)</h2>\n<p class=\"help\">"
	    "Give what you can; the reviewers complete the rest.</p>\n");
	for (k = 0; k < RECORD_KEY_MAX; k++)
		form_key(b, s, f, k, errs != NULL ? errs[k] : NULL);

	label(b, "lessons", "Lessons learned (optional)", 0);
	help(b, "lessons", "What you or others could do differently next "
	    "time.");
	err = errs != NULL ? errs[F_LESSONS] : NULL;
	field_error(b, "lessons", err);
	text_area(b, f, "lessons", 5, LESSONS_CHARS, 0, err);

	buf_addstr(b, "<fieldset>\n<legend>Contact (optional)</legend>\n"
	    "<p class=\"help\"><strong>Warning:</strong> anything you put "
	    "here can identify you. Leave it empty to stay anonymous. "
	    "Only the reviewers can read it, and only to ask you about "
	    "your report.</p>\n<p>");
	label(b, "contact", "How to reach you", 0);
	buf_addstr(b, "</p>\n");
	err = errs != NULL ? errs[F_CONTACT] : NULL;
	field_error(b, "contact", err);
	text_input(b, f, "contact", CONTACT_CHARS, 0, err);
	buf_addstr(b, "</fieldset>\n");

	err = errs != NULL ? errs[F_CONSENT] : NULL;
	buf_addstr(b, "<fieldset role=\"radiogroup\" aria-required=\"true\"");
	described(b, "consent", 1, err);
	buf_addstr(b, ">\n<legend>Publication (required)</legend>\n");
	help(b, "consent", "Reviewers read every report. Published "
	    "reports help other officers; the reviewers remove names, "
	    "places and anything else that could identify you first.");
	field_error(b, "consent", err);
	buf_printf(b, "<div class=\"choice\"><input type=\"radio\" "
	    "id=\"consent_yes\" name=\"consent\" value=\"yes\" required%s>"
	    "<label for=\"consent_yes\">Publish a de-identified version of "
	    "this report</label></div>\n",
	    has_value(f, "consent", "yes") ? " checked" : "");
	buf_printf(b, "<div class=\"choice\"><input type=\"radio\" "
	    "id=\"consent_no\" name=\"consent\" value=\"no\" required%s>"
	    "<label for=\"consent_no\">Reviewers only: do not publish "
	    "it</label></div>\n</fieldset>\n",
	    has_value(f, "consent", "no") ? " checked" : "");
	buf_addstr(b, "<button type=\"submit\">Send the report</button>\n"
	    "</form>\n");
	page_tail(b);
}

static void
free_wipe(void *p)
{
	sodium_memzero(p, strlen(p));
	free(p);
}

/*
 * Sends b (emptied) with the security headers; wipe: b may hold
 * submitted text, so MHD's copy is wiped when it is freed.
 */
static int
respond(struct MHD_Connection *c, unsigned int status, const char *ctype,
    struct buf *b, int wipe)
{
	struct MHD_Response	*r;
	size_t			 len;
	char			*data;
	int			 ret;

	data = buf_detach(b, &len);
	if (data == NULL || len == 0) {
		free(data);
		data = xstrdup("\n");
		len = 1;
	}
	if (wipe)
		r = MHD_create_response_from_buffer_with_free_callback(len,
		    data, free_wipe);
	else
		r = MHD_create_response_from_buffer_with_free_callback(len,
		    data, free);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'self'; img-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	/*
	 * same-origin: the form's POST carries its real Origin (with
	 * no-referrer browsers send "Origin: null"), and no other site is
	 * ever told where a link was followed from.
	 */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy",
	    "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy",
	    "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
	    "accelerometer=(), camera=(), display-capture=(), "
	    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
	    "payment=(), usb=(), interest-cohort=()");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A constant page: title and one paragraph. */
static int
respond_page(struct serve *s, struct MHD_Connection *c, unsigned int status,
    const char *title, const char *text)
{
	struct buf	 b = BUF_INIT;

	page_head(&b, s, title);
	buf_addstr(&b, "<p>");
	html_text(&b, text, strlen(text));
	buf_addstr(&b, "</p>\n<p><a href=\"/\">Back to the form</a></p>\n");
	page_tail(&b);
	return respond(c, status, "text/html; charset=utf-8", &b, 0);
}

/* The page of a request refused because a budget is empty. */
static int
respond_busy(struct serve *s, struct MHD_Connection *c)
{
	return respond_page(s, c, MHD_HTTP_TOO_MANY_REQUESTS,
	    "Too many reports right now", "The server is receiving too many "
	    "reports. Nothing was stored. Please go back, keep your text, "
	    "and try again in a few minutes.");
}

/* A single-valued field: the one value, NULL if absent or empty. */
static const char *
single(const struct form *f, const char *name, const char **err)
{
	const char	*v;

	if (form_count(f, name) > 1) {
		*err = "Give this field once.";
		return NULL;
	}
	v = form_get(f, name);
	return v == NULL || *v == '\0' ? NULL : v;
}

/*
 * The message for a field_check() failure e of field fd, written to
 * msg (VMSG_MAX bytes).
 */
static const char *
field_msg(char *msg, const struct field *fd, int e)
{
	switch (e) {
	case FIELD_ELONG:
		snprintf(msg, VMSG_MAX, "At most %zu characters, please.",
		    fd->max);
		break;
	case FIELD_EDAY:
		snprintf(msg, VMSG_MAX, "Give the year and month only "
		    "(YYYY-MM), never the day.");
		break;
	case FIELD_EMONTH:
		snprintf(msg, VMSG_MAX, "Give a month as YYYY-MM, for "
		    "example 2024-03.");
		break;
	case FIELD_ECOUNT:
		snprintf(msg, VMSG_MAX, "Give a number from 1 to %d.",
		    FIELD_COUNT_MAX);
		break;
	case FIELD_ETERM:
		snprintf(msg, VMSG_MAX, "Choose one of the listed values.");
		break;
	case FIELD_EDUP:
		snprintf(msg, VMSG_MAX, "Each factor may be ticked once.");
		break;
	case FIELD_EMANY:
		snprintf(msg, VMSG_MAX, "Tick at most %d factors.",
		    FIELD_TERMS_MAX);
		break;
	case FIELD_ECTRL:
		snprintf(msg, VMSG_MAX, fd->kind == FIELD_LINE ?
		    "This must be one line, without control characters." :
		    "Remove the control characters from this text.");
		break;
	case FIELD_EBIDI:
		snprintf(msg, VMSG_MAX, "Remove the text direction controls "
		    "from this text.");
		break;
	default:
		snprintf(msg, VMSG_MAX, "This value %s.", field_strerror(e));
		break;
	}
	return msg;
}

/*
 * Removes bidirectional controls from a one-line value in place (its
 * storage is the form's own).
 */
static const char *
strip_bidi(const char *v)
{
	char	*w = (char *)(uintptr_t)v;

	utf8_strip_bidi(w, strlen(w));
	return *w == '\0' ? NULL : w;
}

/*
 * Checks the form and fills r, with the values in f and in vb.  errs
 * gets a message per bad field (into vb->msg).  Returns the number of
 * bad fields.  Only the narrative and the consent choice are required.
 */
static int
validate(struct serve *s, const struct form *f, struct record *r,
    struct vbufs *vb, const char **errs)
{
	const struct form_field	*fl;
	const struct field	*fd;
	const char		*v, *terms[FIELD_TERMS_MAX + 1];
	size_t			 k, n, len;
	int			 bad = 0, e, count;

	for (k = 0; k < RECORD_KEY_MAX; k++) {
		fd = field_get((enum record_key)k);
		if (k == RECORD_CONTRIBUTING_FACTORS)
			continue;
		v = single(f, fd->key, &errs[k]);
		if (errs[k] != NULL) {
			bad++;
			continue;
		}
		if (v != NULL && fd->kind == FIELD_LINE)
			v = strip_bidi(v);
		if (v == NULL)
			continue;
		len = strlen(v);
		switch (fd->kind) {
		case FIELD_LINE:
		case FIELD_PARA:
			e = field_text(v, len, fd->max, fd->kind == FIELD_PARA);
			break;
		case FIELD_MONTH:
			e = field_month(v, len, NULL, NULL);
			break;
		case FIELD_COUNT:
			if ((e = field_count(v, len, &count)) == 0) {
				snprintf(vb->count, sizeof(vb->count), "%d",
				    count);
				v = vb->count;
				len = strlen(v);
			}
			break;
		default:
			e = field_term(&s->cfg, (enum tax_id)fd->tax, v, len);
			if (e > 0)
				e = 0;
			break;
		}
		/*
		 * The record caps its fields in bytes, FIELD_BYTES() of
		 * the characters: a backstop that valid text never hits.
		 */
		if (e == 0 && len > record_key_max((enum record_key)k)) {
			snprintf(vb->msg[k], VMSG_MAX, "Too long: please "
			    "shorten it.");
			errs[k] = vb->msg[k];
			bad++;
			continue;
		}
		if (e != 0) {
			errs[k] = field_msg(vb->msg[k], fd, e);
			bad++;
			continue;
		}
		r->field[k] = v;
	}

	/* Contributing factors: none, or 1 to FIELD_TERMS_MAX terms. */
	k = RECORD_CONTRIBUTING_FACTORS;
	fd = field_get((enum record_key)k);
	n = 0;
	for (fl = NULL; (fl = form_next(f, fl, fd->key)) != NULL &&
	    n < NM_NELEM(terms); )
		terms[n++] = fl->value;
	if (n > FIELD_TERMS_MAX)
		e = FIELD_EMANY;
	else if (n > 0)
		e = field_terms(&s->cfg, TAX_FACTORS, terms, n, NULL);
	else
		e = 0;
	if (e != 0) {
		errs[k] = field_msg(vb->msg[k], fd, e);
		bad++;
	} else if (n > 0) {
		for (k = 0; k < n; k++)
			buf_printf(&vb->factors, "%s%s", k ? "," : "",
			    terms[k]);
		r->field[RECORD_CONTRIBUTING_FACTORS] = vb->factors.data;
	}

	v = single(f, "narrative", &errs[F_NARRATIVE]);
	if (errs[F_NARRATIVE] != NULL)
		bad++;
	else if (v == NULL) {
		errs[F_NARRATIVE] = "Tell what happened: this is the one "
		    "text the report needs.";
		bad++;
	} else if (utf8_chars(v, strlen(v)) > NARRATIVE_CHARS) {
		snprintf(vb->msg[F_NARRATIVE], VMSG_MAX, "At most %d "
		    "characters, please.", NARRATIVE_CHARS);
		errs[F_NARRATIVE] = vb->msg[F_NARRATIVE];
		bad++;
	} else
		r->narrative = v;

	v = single(f, "lessons", &errs[F_LESSONS]);
	if (errs[F_LESSONS] != NULL)
		bad++;
	else if (v != NULL && utf8_chars(v, strlen(v)) > LESSONS_CHARS) {
		snprintf(vb->msg[F_LESSONS], VMSG_MAX, "At most %d "
		    "characters, please.", LESSONS_CHARS);
		errs[F_LESSONS] = vb->msg[F_LESSONS];
		bad++;
	} else
		r->lessons = v;

	v = single(f, "contact", &errs[F_CONTACT]);
	if (v != NULL)
		v = strip_bidi(v);
	if (errs[F_CONTACT] != NULL)
		bad++;
	else if (v != NULL && utf8_chars(v, strlen(v)) > CONTACT_CHARS) {
		snprintf(vb->msg[F_CONTACT], VMSG_MAX, "At most %d "
		    "characters, please.", CONTACT_CHARS);
		errs[F_CONTACT] = vb->msg[F_CONTACT];
		bad++;
	} else
		r->contact = v;

	v = single(f, "consent", &errs[F_CONSENT]);
	if (errs[F_CONSENT] != NULL)
		bad++;
	else if (v == NULL) {
		errs[F_CONSENT] = "Choose whether a de-identified version "
		    "may be published.";
		bad++;
	} else if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		errs[F_CONSENT] = "Choose one of the two options.";
		bad++;
	} else
		r->consent = strcmp(v, "yes") == 0;
	return bad;
}

static int
receipt_page(struct serve *s, struct MHD_Connection *c, const char *code)
{
	struct buf	 b = BUF_INIT, st = BUF_INIT;
	int		 ret;

	page_head(&b, s, "Thank you: your report was received");
	buf_addstr(&b, "<p>Your report is stored, encrypted for the "
	    "reviewers. This is your receipt code. Write it down now: it "
	    "is shown only once and we cannot recover it.</p>\n"
	    "<p class=\"receipt\">");
	html_text(&b, code, strlen(code));
	buf_addstr(&b, "</p>\n<p>With it you can check the status of your "
	    "report on the public site");
	/* gen's status page; base_url always ends with '/'. */
	if (s->cfg.base_url != NULL) {
		buf_printf(&st, "%sstatus/", s->cfg.base_url);
		buf_addstr(&b, ", at ");
		if (html_url_ok(st.data, st.len)) {
			buf_addstr(&b, "<a href=\"");
			html_url(&b, st.data, st.len);
			buf_addstr(&b, "\">");
			html_text(&b, st.data, st.len);
			buf_addstr(&b, "</a>");
		} else
			html_text(&b, st.data, st.len);
	}
	buf_addstr(&b, ". Nobody else can link the code to you.</p>\n");
	page_tail(&b);
	ret = respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, 1);
	buf_free(&st);
	return ret;
}

/*
 * A refused post, charged to the pages' budget: its page, or the busy
 * page if the budget is empty.
 */
static int
refuse(struct serve *s, struct MHD_Connection *c, enum stat_id id,
    unsigned int status, const char *title, const char *text)
{
	if (!page_take(s, c))
		return respond_busy(s, c);
	stat_add(s, id);
	return respond_page(s, c, status, title, text);
}

/*
 * The body is complete.  Costs: every refusal before the report is
 * accepted comes from the pages' budget; only an accepted report takes
 * from the submissions' budget and spends its form token, which is
 * given back if storing it then fails.
 */
static enum MHD_Result
submit(struct serve *s, struct MHD_Connection *c, struct req *rq)
{
	struct form	 f;
	struct record	 r;
	struct vbufs	 vb;
	struct buf	 enc = BUF_INIT, page = BUF_INIT;
	const char	*errs[F_MAX];
	unsigned char	 hash[RECORD_RECEIPT_BYTES];
	unsigned char	 mac[crypto_auth_BYTES];
	char		 code[RECEIPT_BUFSZ], name[INBOX_NAME_LEN + 1];
	const char	*hp;
	long long	 hour;
	int		 rc, ret;

	conn_set(s, c, CP_SEND);
	if (rq->toobig)
		return refuse(s, c, ST_TOOBIG, MHD_HTTP_CONTENT_TOO_LARGE,
		    "Report too long", "The report is longer than this form "
		    "accepts. "
		    "Please shorten it and send it again.");
	form_init(&f, FORM_BODY_MAX);
	rc = form_parse(&f, rq->body.data, rq->body.len);
	sodium_memzero(rq->body.data, rq->body.len);
	if (rc == FORM_ETOOBIG) {
		form_free(&f);
		return refuse(s, c, ST_TOOBIG, MHD_HTTP_CONTENT_TOO_LARGE,
		    "Report too long", "The report is longer than this form "
		    "accepts. "
		    "Please shorten it and send it again.");
	}
	if (rc != 0) {
		form_free(&f);
		return refuse(s, c, ST_MALFORMED, MHD_HTTP_BAD_REQUEST,
		    "The report could not be read", form_strerror(rc));
	}
	if (!token_check(s, form_get(&f, "token"), &hour, mac)) {
		form_free(&f);
		return refuse(s, c, ST_TOKEN, MHD_HTTP_FORBIDDEN,
		    "Form expired", "This form is too old or did not come "
		    "from this site. Nothing was stored. Please load the "
		    "form again.");
	}
	if (spent_has(s, hour, mac)) {
		form_free(&f);
		return refuse(s, c, ST_REPLAY, MHD_HTTP_CONFLICT,
		    "Already sent", "This form was already sent; load the "
		    "form again to send another report.");
	}
	/* A robot filled the trap: pretend success, store nothing. */
	if ((hp = form_get(&f, "website")) != NULL && *hp != '\0') {
		form_free(&f);
		if (!page_take(s, c))
			return respond_busy(s, c);
		stat_add(s, ST_HONEYPOT);
		receipt_make(code, hash);
		return receipt_page(s, c, code);
	}

	memset(&r, 0, sizeof(r));
	memset(errs, 0, sizeof(errs));
	memset(&vb, 0, sizeof(vb));
	buf_init(&vb.factors);
	if (validate(s, &f, &r, &vb, errs) > 0) {
		sodium_memzero(vb.factors.data, vb.factors.len);
		buf_free(&vb.factors);
		if (!page_take(s, c)) {
			form_free(&f);
			return respond_busy(s, c);
		}
		form_render(&page, s, &f, errs);
		form_free(&f);
		stat_add(s, ST_INVALID);
		return respond(c, MHD_HTTP_BAD_REQUEST,
		    "text/html; charset=utf-8", &page, 1);
	}
	rc = 0;
	if (!sub_take(s, c)) {
		stat_add(s, ST_RATE);
		rc = -3;
	} else if ((rc = spent_add(s, hour, mac)) == -1)
		stat_add(s, ST_REPLAY);
	else if (rc == -2)
		stat_add(s, ST_SPENT_FULL);
	if (rc != 0) {
		sodium_memzero(vb.factors.data, vb.factors.len);
		buf_free(&vb.factors);
		form_free(&f);
		if (rc == -3)
			return respond_busy(s, c);
		if (rc == -1)
			return respond_page(s, c, MHD_HTTP_CONFLICT,
			    "Already sent", "This form was already sent; "
			    "load the form again to send another report.");
		return respond_page(s, c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "Too many reports this hour", "The server has taken as "
		    "many reports as it can this hour. Nothing was stored. "
		    "Please go back, keep your text, and send it again "
		    "within the next hour.");
	}
	r.channel = RECORD_FORM;
	receipt_make(code, r.receipt);
	if (record_day(r.received, time(NULL)) != 0 ||
	    record_encode(&enc, &r) != 0) {
		rc = -1;
	} else {
		rc = inbox_put(s->ib, s->rcpt, s->nrcpt, enc.data, enc.len,
		    time(NULL), name);
	}
	sodium_memzero(enc.data, enc.len);
	buf_free(&enc);
	sodium_memzero(vb.factors.data, vb.factors.len);
	buf_free(&vb.factors);
	sodium_memzero(vb.count, sizeof(vb.count));
	form_free(&f);
	sodium_memzero(&r, sizeof(r));
	if (rc != 0)
		spent_del(s, hour, mac);
	sodium_memzero(mac, sizeof(mac));
	if (rc == INBOX_ETEMP) {
		stat_add(s, ST_TEMPFAIL);
		return respond_page(s, c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "Not stored: please try again",
		    "Your report could not be stored just now, and nothing "
		    "of it was kept. Please go back, keep your text, and "
		    "send it again in a few minutes.");
	}
	if (rc != 0) {
		stat_add(s, ST_ERROR);
		return respond_page(s, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Not stored", "Your report could not be stored, and "
		    "nothing of it was kept.");
	}
	stat_add(s, ST_ACCEPTED);
	ret = receipt_page(s, c, code);
	sodium_memzero(code, sizeof(code));
	return ret;
}

/*
 * Decodes %XX in the request path like libmicrohttpd does, except %00
 * and malformed escapes, which stay as they are: no NUL ever cuts a
 * path short ("/style.css%00.html" is not "/style.css").
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char	*r = s, *w = s;
	int	 hi, lo;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = form_hexdig(r[1])) >= 0 &&
		    (lo = form_hexdig(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/*
 * 1 if the POST's headers say it came from another site: an Origin
 * other than ours ("null" included: our pages send their real origin)
 * or Sec-Fetch-Site cross-site or same-site.  A missing Origin passes:
 * some clients and privacy tools leave it out, and the single-use form
 * token is the real check.
 */
static int
foreign(struct serve *s, struct MHD_Connection *c)
{
	const char	*v;

	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (v != NULL && strcmp(v, s->origin) != 0)
		return 1;
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Sec-Fetch-Site");
	if (v != NULL && (strcasecmp(v, "cross-site") == 0 ||
	    strcasecmp(v, "same-site") == 0))
		return 1;
	return 0;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct serve	*s = cls;
	struct req	*rq = *con_cls;
	struct buf	 b = BUF_INIT;
	const char	*v;
	char		*end;
	unsigned long long cl;

	(void)version;
	if (rq == NULL) {
		rq = xcalloc(1, sizeof(*rq));
		buf_init(&rq->body);
		*con_cls = rq;
		pthread_mutex_lock(&s->mu);
		s->inflight++;
		rq->done = 1;
		pthread_mutex_unlock(&s->mu);
		if (strcmp(method, "POST") != 0 ||
		    strcmp(url, "/submit") != 0) {
			conn_set(s, c, CP_SEND);
			if (!page_take(s, c))
				return respond_busy(s, c);
			return MHD_YES;
		}
		/* POST /submit, headers complete: the early checks. */
		if (foreign(s, c))
			return refuse(s, c, ST_ORIGIN, MHD_HTTP_FORBIDDEN,
			    "Form expired", "This form is too old or did not "
			    "come from this site. Nothing was stored. Please "
			    "load the form again.");
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Transfer-Encoding");
		if (v != NULL && strcasecmp(v, "chunked") != 0)
			return refuse(s, c, ST_MALFORMED,
			    MHD_HTTP_NOT_IMPLEMENTED, "Not implemented",
			    "This server does not accept that transfer "
			    "encoding. Nothing was stored.");
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Length");
		if (v != NULL) {
			errno = 0;
			cl = strtoull(v, &end, 10);
			if (errno != 0 || *end != '\0' || cl > FORM_BODY_MAX)
				rq->toobig = 1;
		}
		if (rq->toobig)
			return submit(s, c, rq);
		conn_set(s, c, CP_BODY);
		return MHD_YES;
	}
	if (strcmp(method, "POST") == 0 && strcmp(url, "/submit") == 0) {
		if (*upload_size != 0) {
			if (rq->body.len + *upload_size > FORM_BODY_MAX) {
				/*
				 * A chunked body past the cap: close the
				 * connection rather than read it forever.
				 */
				stat_add(s, ST_TOOBIG);
				sodium_memzero(rq->body.data, rq->body.len);
				buf_reset(&rq->body);
				return MHD_NO;
			}
			buf_add(&rq->body, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		return submit(s, c, rq);
	}
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body we do not want */
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return respond_page(s, c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method not allowed", "This address does not accept "
		    "that method.");
	if (strcmp(url, "/") == 0 || strcmp(url, "/submit") == 0) {
		form_render(&b, s, NULL, NULL);
		return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b,
		    0);
	}
	if (strcmp(url, "/style.css") == 0) {
		buf_add(&b, s->css.data, s->css.len);
		return respond(c, MHD_HTTP_OK, "text/css; charset=utf-8", &b,
		    0);
	}
	/* Browsers ask for it unbidden; "no content" is not an error. */
	if (strcmp(url, "/favicon.ico") == 0)
		return respond(c, MHD_HTTP_NO_CONTENT, "image/x-icon", &b, 0);
	return respond_page(s, c, MHD_HTTP_NOT_FOUND, "Not found",
	    "There is no page at this address.");
}

/*
 * A request is over (its response sent, or its connection closing):
 * a kept-alive connection starts waiting for its next request's
 * headers, under their deadline.
 */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode how)
{
	struct serve	*s = cls;
	struct req	*rq = *con_cls;

	(void)how;
	conn_set(s, c, CP_HEAD);
	if (rq == NULL)
		return;
	sodium_memzero(rq->body.data, rq->body.len);
	buf_free(&rq->body);
	if (rq->done) {
		pthread_mutex_lock(&s->mu);
		s->inflight--;
		pthread_mutex_unlock(&s->mu);
	}
	free(rq);
	*con_cls = NULL;
}

static void
gbucket_init(struct gbucket *g, int on, long count, long window, long burst)
{
	g->on = on;
	g->rate = (double)count / (double)window;
	g->burst = g->tokens = (double)burst;
	clock_gettime(CLOCK_MONOTONIC, &g->last);
}

/*
 * The stylesheet served at /style.css: the theme's (THEMEDIR/static/
 * style.css; without -T, themes/default or NM_DATADIR's, as gen finds
 * it) and the form's own rules.  A theme given but unreadable is an
 * error; with none found, css_base stands in.
 */
static int
css_load(struct buf *out, const char *theme)
{
	char	 path[1024];
	int	 n, given = theme != NULL;

	buf_reset(out);
	if (!given)
		theme = access("themes/default/static/style.css", R_OK) == 0 ?
		    "themes/default" : NM_DATADIR "/themes/default";
	n = snprintf(path, sizeof(path), "%s/static/style.css", theme);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_warnx("%s: theme path too long", theme);
		return -1;
	}
	if (access(path, R_OK) == 0) {
		if (file_read(out, path, 256 * 1024) != 0)
			return -1;
	} else if (!given) {
		log_warnx("%s: no theme stylesheet; serving the form's own",
		    path);
		buf_addstr(out, css_base);
	} else {
		log_warn("%s", path);
		return -1;
	}
	buf_addstr(out, css_form);
	return 0;
}

/* A listening TCP socket on ADDR:PORT ([v6]:PORT too), or -1 (logged). */
static int
listen_on(const char *spec)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	size_t		 n;
	int		 fd, on = 1, e;

	if ((size_t)snprintf(host, sizeof(host), "%s", spec) >=
	    sizeof(host)) {
		log_warnx("-l %s: too long", spec);
		return -1;
	}
	if ((port = strrchr(host, ':')) == NULL) {
		log_warnx("-l %s: expected ADDR:PORT", spec);
		return -1;
	}
	*port++ = '\0';
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("-l %s: %s", spec, gai_strerror(e));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 1024) == -1) {
		log_warn("listen on %s", spec);
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
intake_drop(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("-u %s: no such user; run: useradd -r -M -s "
		    "/usr/sbin/nologin %s", user, user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("-u %s: refusing to run as root; give the intake "
		    "a user of its own", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		log_warn("dropping privileges to %s", user);
		return -1;
	}
	if (setuid(0) != -1) {
		log_warnx("could regain root after dropping privileges");
		return -1;
	}
	return 0;
}

/* The values of c (intake/conf.c) as serve uses them; borrowed from c. */
static void
opts_get(struct opts *op, const struct conf *c)
{
	op->listen = conf_str(c, CONF_LISTEN);
	op->inbox = conf_str(c, CONF_INBOX);
	op->recipients = conf_str(c, CONF_RECIPIENTS);
	op->taxonomy = conf_str(c, CONF_TAXONOMY);
	op->user = conf_str(c, CONF_USER);
	op->origin = conf_str(c, CONF_ORIGIN);
	op->theme = conf_str(c, CONF_THEME);
	op->rate_count = conf_num(c, CONF_RATE);
	op->rate_window = conf_num(c, CONF_RATE_WINDOW);
	op->rate_burst = conf_num(c, CONF_RATE_BURST);
	op->rate_on = conf_num(c, CONF_RATE_LIMIT) != 0;
	op->bucket_count = conf_num(c, CONF_BUCKET_RATE);
	op->bucket_burst = conf_num(c, CONF_BUCKET_BURST);
	op->bucket_on = conf_num(c, CONF_BUCKET_LIMIT) != 0;
	op->page_count = conf_num(c, CONF_PAGE_RATE);
	op->page_burst = conf_num(c, CONF_PAGE_BURST);
	op->page_bucket_count = conf_num(c, CONF_PAGE_BUCKET_RATE);
	op->page_bucket_burst = conf_num(c, CONF_PAGE_BUCKET_BURST);
	op->conn_source = conf_num(c, CONF_CONN_PER_SOURCE);
	op->conn_max = conf_num(c, CONF_MAX_CONNECTIONS);
	op->spent_max = conf_num(c, CONF_SPENT_TOKENS);
}

static int
serve(const struct opts *op, int to_stderr)
{
	struct serve	 s;
	struct buf	 text = BUF_INIT;
	struct MHD_Daemon *d = NULL;
	pthread_condattr_t ca;
	pthread_t	 reap;
	size_t		 i, n;
	long		 conn_max;
	int		 reaping = 0;
	sigset_t	 sigs;
	struct timespec	 ts;
	siginfo_t	 si;
	time_t		 deadline;
	unsigned long	 inflight;
	int		 e, fd = -1, rc = 1, sig;

	if (op->inbox == NULL || op->recipients == NULL ||
	    op->taxonomy == NULL) {
		log_warnx("serve: give the inbox, the recipients and the "
		    "taxonomy (-i, -k, -t, or in the -c file)");
		intake_usage_of("serve");
		return 2;
	}
	if (geteuid() == 0 && op->user == NULL) {
		log_warnx("refusing to run as root; give -u USER");
		return 1;
	}

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	pthread_mutex_init(&s.cmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.ccv, &ca);
	pthread_condattr_destroy(&ca);
	buf_init(&s.css);
	s.origin = op->origin;
	gbucket_init(&s.sub, op->rate_on, op->rate_count, op->rate_window,
	    op->rate_burst);
	gbucket_init(&s.page, op->rate_on, op->page_count, op->rate_window,
	    op->page_burst);
	s.sub_src.on = op->rate_on && op->bucket_on;
	s.sub_src.rate = (double)op->bucket_count / (double)op->rate_window;
	s.sub_src.burst = (double)op->bucket_burst;
	s.sub_src.b = xcalloc((size_t)1 << BUCKET_BITS, sizeof(struct bucket));
	s.page_src.on = op->rate_on && op->bucket_on;
	s.page_src.rate = (double)op->page_bucket_count /
	    (double)op->rate_window;
	s.page_src.burst = (double)op->page_bucket_burst;
	s.page_src.b = xcalloc((size_t)1 << BUCKET_BITS,
	    sizeof(struct bucket));
	if ((s.bkey = sodium_malloc(crypto_generichash_KEYBYTES)) == NULL ||
	    (s.ckey = sodium_malloc(crypto_generichash_KEYBYTES)) == NULL)
		fatalx("sodium_malloc: out of memory");
	randombytes_buf(s.ckey, crypto_generichash_KEYBYTES);
	s.csrc = xcalloc((size_t)1 << BUCKET_BITS, sizeof(*s.csrc));
	s.conn_source = op->conn_source;
	s.bkey_hour = -1;
	s.spent_max = (size_t)op->spent_max;
	for (i = 0; i < 2; i++) {
		for (n = 64; n < 2 * s.spent_max; n <<= 1)
			continue;
		s.spent[i].mask = n - 1;
		s.spent[i].key = xcalloc(n, sizeof(*s.spent[i].key));
		s.spent[i].used = xcalloc(n, 1);
		s.spent[i].hour = -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	s.key_hour = -2;
	keys_update(&s, (long long)time(NULL) / TOKEN_HOUR);
	/* Before the privileges are dropped: the theme, the open files. */
	if (css_load(&s.css, op->theme) != 0)
		goto out;
	conn_max = fd_room(op->conn_max);
	s.head_high = (size_t)conn_max * SERVE_HEAD_HIGH / SERVE_CONN_MAX;
	/*
	 * The socket first, as root if it must be (a port below 1024);
	 * then the user for good, and as that user what it needs: what it
	 * creates (tmp/, new/) is its own, and a set-up it cannot use is
	 * refused here, with the command that fixes it, rather than with
	 * a 503 for every submission.
	 */
	if ((fd = listen_on(op->listen)) == -1)
		goto out;
	if (intake_start(op->user, op->inbox, op->recipients,
	    op->taxonomy) != 0)
		goto out;
	if (file_read(&text, op->taxonomy, 1024 * 1024) != 0 ||
	    config_parse(&s.cfg, op->taxonomy, text.data, text.len) != 0)
		goto out;
	if (recipients_load(&s.rcpt, &s.nrcpt, op->recipients) != 0)
		goto out;
	if (inbox_open(&s.ib, op->inbox) != 0)
		goto out;

	/* Signals go to this thread only, which waits for them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL, NULL, handler, &s,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)SERVE_THREADS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conn_max,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEM,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)0,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, &s,
	    MHD_OPTION_END);
	if (d == NULL) {
		log_warnx("could not start the HTTP server");
		goto out;
	}
	if ((e = pthread_create(&reap, NULL, reaper, &s)) != 0) {
		errno = e;
		log_warn("pthread_create");
		goto out;
	}
	reaping = 1;
	fd = -1;	/* MHD owns it now */
	/*
	 * Start-up problems went to standard error, where the person
	 * starting the server sees them; from here on, syslog.
	 */
	if (!to_stderr)
		log_init("nearmiss-intake", LOG_TO_SYSLOG);
	log_warnx("serving on %s", op->listen);

	for (;;) {
		ts.tv_sec = SERVE_STATS;
		ts.tv_nsec = 0;
		sig = sigtimedwait(&sigs, &si, &ts);
		if (sig == -1 && errno == EAGAIN) {
			stats_log(&s);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	/* Stop accepting, then let the requests in flight finish. */
	MHD_quiesce_daemon(d);
	deadline = time(NULL) + SERVE_DRAIN;
	for (;;) {
		pthread_mutex_lock(&s.mu);
		inflight = s.inflight;
		pthread_mutex_unlock(&s.mu);
		if (inflight == 0 || time(NULL) >= deadline)
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = 50 * 1000 * 1000;
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	d = NULL;
	stats_log(&s);
	rc = 0;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	if (reaping) {
		pthread_mutex_lock(&s.cmu);
		s.reap_stop = 1;
		pthread_cond_signal(&s.ccv);
		pthread_mutex_unlock(&s.cmu);
		pthread_join(reap, NULL);
	}
	if (fd != -1)
		close(fd);
	inbox_close(s.ib);
	free(s.rcpt);
	free(s.sub_src.b);
	free(s.page_src.b);
	free(s.csrc);
	for (i = 0; i < 2; i++) {
		if (s.spent[i].key != NULL)
			sodium_memzero(s.spent[i].key,
			    (s.spent[i].mask + 1) * sizeof(*s.spent[i].key));
		free(s.spent[i].key);
		free(s.spent[i].used);
	}
	sodium_free(s.bkey);
	sodium_free(s.ckey);
	config_free(&s.cfg);
	buf_free(&text);
	buf_free(&s.css);
	sodium_memzero(s.key, sizeof(s.key));
	pthread_cond_destroy(&s.ccv);
	pthread_mutex_destroy(&s.cmu);
	pthread_mutex_destroy(&s.mu);
	return rc;
}

int
cmd_serve(int argc, char *argv[])
{
	struct conf	 c;
	struct opts	 o;
	const char	*config;
	int		 flags, rc;

	conf_init(&c);
	if (conf_serve_opts(&c, argc, argv, &config, &flags) != 0 ||
	    optind != argc) {
		intake_usage_of("serve");
		rc = 2;
	} else if (flags & CONF_F_HELP) {
		intake_help("serve");
		rc = 0;
	} else if (config != NULL &&
	    conf_read(&c, config, CONF_S_INTAKE | CONF_S_SERVE) != 0)
		rc = 1;
	else {
		memset(&o, 0, sizeof(o));
		opts_get(&o, &c);
		rc = serve(&o, (flags & CONF_F_LOG_STDERR) != 0);
	}
	conf_free(&c);
	return rc;
}
