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
 * it into the inbox and shows a receipt code.  The peer address is never
 * read; nothing about a request is ever logged, only counters.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>
#include <microhttpd.h>
#include <sodium.h>

#include "buf.h"
#include "config.h"
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

#define SERVE_LISTEN		"127.0.0.1:8025"
#define SERVE_ORIGIN		"http://127.0.0.1:8025"
#define SERVE_TIMEOUT		15	/* seconds of connection idleness */
#define SERVE_CONN_MAX		2048
/*
 * Per connection: the request line and headers must fit (431 beyond);
 * the body is gathered in our own capped buffer, not in this pool.
 */
#define SERVE_CONN_MEM		(32 * 1024)
#define SERVE_THREADS		2
#define SERVE_DRAIN		30	/* seconds to finish requests at exit */
#define SERVE_STATS		3600	/* seconds between counter lines */
#define RATE_COUNT		30	/* submissions per RATE_WINDOW */
#define RATE_WINDOW		600
#define RATE_BURST		10
/*
 * Per source: the peer address, read for nothing else, is hashed with a
 * random key that lives only in locked memory and is replaced every
 * hour, and cut to 16 bits: each bucket stands for ~65,000 IPv4
 * addresses even to someone who has the key.  Behind a proxy or an onion
 * service every peer is the same loopback address and shares one bucket.
 */
#define BUCKET_BITS		16
#define BUCKET_COUNT		10	/* submissions per RATE_WINDOW */
#define BUCKET_BURST		5
#define TOKEN_HOUR		3600
#define FACTORS_MAX		5

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
	ST_MAX
};

/* The form's own fields besides the record's keys. */
enum ffield {
	F_NARRATIVE = RECORD_KEY_MAX,
	F_LESSONS,
	F_CONTACT,
	F_CONSENT,
	F_MAX
};

struct serve {
	struct config		 cfg;		/* the taxonomy */
	struct inbox		*ib;
	struct recipient	*rcpt;
	size_t			 nrcpt;
	const char		*origin;
	pthread_mutex_t		 mu;
	/* Form token keys: of hour key_hour and the hour before. */
	unsigned char		 key[2][crypto_auth_KEYBYTES];
	long long		 key_hour;
	/* The global token bucket. */
	int			 rate_on;
	double			 rate;		/* tokens per second */
	double			 burst;
	double			 tokens;
	struct timespec		 rate_last;
	/* The per-source buckets (see BUCKET_BITS) and their key. */
	int			 bucket_on;
	double			 brate;
	double			 bburst;
	struct bucket {
		float		 tokens;
		float		 last;	/* seconds since start */
	}			*buckets;
	unsigned char		*bkey;	/* sodium_malloc: locked */
	long long		 bkey_hour;
	struct timespec		 start;
	unsigned long		 stat[ST_MAX];
	unsigned long		 inflight;
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
	char		*own[8];	/* strings of the -c file */
	size_t		 nown;
};

static void	 stat_add(struct serve *, enum stat_id);
static void	 stats_log(struct serve *);
static void	 keys_update(struct serve *, long long);
static void	 token_make(struct serve *, char *, size_t);
static int	 token_check(struct serve *, const char *);
static int	 rate_take(struct serve *);
static int	 bucket_take(struct serve *, struct MHD_Connection *);
static void	 page_head(struct buf *, const char *);
static void	 page_tail(struct buf *);
static void	 field_error(struct buf *, const char *, const char *);
static const char *value(const struct form *, const char *);
static int	 has_value(const struct form *, const char *, const char *);
static void	 label(struct buf *, const char *, const char *, int);
static void	 help(struct buf *, const char *, const char *);
static void	 described(struct buf *, const char *, int, const char *);
static void	 text_input(struct buf *, const struct form *, const char *,
		    size_t, int, const char *);
static const char *single(const struct form *, const char *,
		    const char **);
static int	 receipt_page(struct serve *, struct MHD_Connection *,
		    const char *);
static void	 form_render(struct buf *, struct serve *, const struct form *,
		    const char *const *);
static int	 respond(struct MHD_Connection *, unsigned int, const char *,
		    struct buf *, int);
static int	 respond_page(struct MHD_Connection *, unsigned int,
		    const char *, const char *);
static int	 validate(struct serve *, const struct form *, struct record *,
		    struct buf *, const char **);
static enum MHD_Result submit(struct serve *, struct MHD_Connection *,
		    struct req *);
static size_t	 unescape(void *, struct MHD_Connection *, char *);
static enum MHD_Result handler(void *, struct MHD_Connection *, const char *,
		    const char *, const char *, const char *, size_t *,
		    void **);
static void	 completed(void *, struct MHD_Connection *, void **,
		    enum MHD_RequestTerminationCode);
static void	 free_wipe(void *);
static int	 listen_on(const char *);
static int	 opt_num(const char *, const char *, long, long, long *);
static int	 serve(struct opts *, int, char *[]);
static int	 ini_opt(void *, const char *, const char *, const char *);
static const char *own(struct opts *, const char *);

static const char *const stat_names[ST_MAX] = {
	"accepted", "invalid", "malformed", "bad-token", "bad-origin",
	"too-big", "rate-limited", "honeypot", "tempfail", "error",
};

static const char *const key_label[RECORD_KEY_MAX] = {
	"Title", "Month of the event", "Type of incident",
	"Contributing factors", "Loss potential", "Officers on scene",
	"Time of day", "Lighting", "Weather", "Agency type", "Region",
	"Summary",
};

static const char *const key_help[RECORD_KEY_MAX] = {
	"One line, at most 200 bytes. Leave out names and places.",
	"Year and month only (YYYY-MM), never the day.",
	NULL,
	"Tick one to five.",
	"The worst realistic outcome had the lucky break not happened.",
	"A number from 1 to 999 (optional).",
	"Optional.", "Optional.", "Optional.", "Optional.", "Optional.",
	"One or two sentences, at most 1024 bytes.",
};

static const int key_required[RECORD_KEY_MAX] = {
	[RECORD_TITLE] = 1, [RECORD_EVENT_DATE] = 1,
	[RECORD_INCIDENT_TYPE] = 1, [RECORD_CONTRIBUTING_FACTORS] = 1,
	[RECORD_LOSS_POTENTIAL] = 1, [RECORD_SUMMARY] = 1,
};

static const char css[] =
    "body{font-family:sans-serif;max-width:44em;margin:1em auto;"
    "padding:0 1em;line-height:1.5;color:#111;background:#fff}\n"
    "label{display:block;font-weight:bold;margin-top:1em}\n"
    "fieldset{margin-top:1em}\n"
    "fieldset label{display:inline;font-weight:normal;margin:0}\n"
    "input[type=text],select,textarea{width:100%;box-sizing:border-box;"
    "font:inherit;padding:.3em}\n"
    "textarea{min-height:12em}\n"
    ".help{color:#444;font-size:.9em;margin:.2em 0}\n"
    ".error{color:#a00;font-weight:bold}\n"
    ".notice{border:2px solid #a60;padding:.5em 1em;background:#fff8e8}\n"
    ".receipt{font-family:monospace;font-size:1.6em;letter-spacing:.1em}\n"
    ".hp{position:absolute;left:-10000px;width:1px;height:1px;"
    "overflow:hidden}\n"
    "button{margin-top:1.5em;font:inherit;padding:.4em 1.2em}\n"
    ":root{color-scheme:light dark}\n"
    "@media (prefers-color-scheme:dark){"
    "body{color:#eee;background:#121212}"
    ".help{color:#bbb}"
    ".error{color:#ff8a80}"
    ".notice{border-color:#d98c1a;background:#2a2113}}\n";

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
	struct buf	 b = BUF_INIT;
	size_t		 i;

	pthread_mutex_lock(&s->mu);
	for (i = 0; i < ST_MAX; i++)
		buf_printf(&b, "%s%s %lu", i ? ", " : "", stat_names[i],
		    s->stat[i]);
	pthread_mutex_unlock(&s->mu);
	log_warnx("submissions: %s", b.data);
	buf_free(&b);
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

/* The token: the hour of issue in hex, ".", the HMAC of it in hex. */
static void
token_make(struct serve *s, char *out, size_t outsz)
{
	unsigned char	 mac[crypto_auth_BYTES];
	char		 hour[32];
	long long	 h = (long long)time(NULL) / TOKEN_HOUR;

	snprintf(hour, sizeof(hour), "%llx", h);
	pthread_mutex_lock(&s->mu);
	keys_update(s, h);
	crypto_auth(mac, (const unsigned char *)hour, strlen(hour),
	    s->key[0]);
	pthread_mutex_unlock(&s->mu);
	snprintf(out, outsz, "%s.", hour);
	sodium_bin2hex(out + strlen(out), outsz - strlen(out), mac,
	    sizeof(mac));
}

/* 1 if tok was issued this hour or the hour before. */
static int
token_check(struct serve *s, const char *tok)
{
	unsigned char	 mac[crypto_auth_BYTES];
	const char	*dot;
	char		 hour[32];
	long long	 h, now = (long long)time(NULL) / TOKEN_HOUR;
	size_t		 n, maclen;
	int		 ok = 0;

	if (tok == NULL || (dot = strchr(tok, '.')) == NULL)
		return 0;
	n = (size_t)(dot - tok);
	if (n == 0 || n >= 17 || strspn(tok, "0123456789abcdef") != n)
		return 0;
	memcpy(hour, tok, n);
	hour[n] = '\0';
	h = strtoll(hour, NULL, 16);
	if (strlen(dot + 1) != 2 * sizeof(mac) ||
	    sodium_hex2bin(mac, sizeof(mac), dot + 1, strlen(dot + 1), NULL,
	    &maclen, NULL) != 0 || maclen != sizeof(mac))
		return 0;
	pthread_mutex_lock(&s->mu);
	keys_update(s, now);
	if (h == now)
		ok = crypto_auth_verify(mac, (const unsigned char *)hour, n,
		    s->key[0]) == 0;
	else if (h == now - 1)
		ok = crypto_auth_verify(mac, (const unsigned char *)hour, n,
		    s->key[1]) == 0;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/* Takes a token from the global bucket: 1 if there was one. */
static int
rate_take(struct serve *s)
{
	struct timespec	 now;
	double		 dt;
	int		 ok;

	if (!s->rate_on)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->mu);
	dt = (double)(now.tv_sec - s->rate_last.tv_sec) +
	    (double)(now.tv_nsec - s->rate_last.tv_nsec) / 1e9;
	s->rate_last = now;
	s->tokens += dt * s->rate;
	if (s->tokens > s->burst)
		s->tokens = s->burst;
	if ((ok = s->tokens >= 1.0))
		s->tokens -= 1.0;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/*
 * The bucket of the connection's peer: keyed BLAKE2b of the IPv4
 * address or the IPv6 /64, cut to BUCKET_BITS.  The key and the table
 * are replaced together every hour.  Called with s->mu held.
 */
static size_t
bucket_of(struct serve *s, struct MHD_Connection *c, long long hour)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr	*sa;
	unsigned char		 in[16], out[16];
	size_t			 n = 0, b;

	if (hour != s->bkey_hour) {
		randombytes_buf(s->bkey, crypto_generichash_KEYBYTES);
		memset(s->buckets, 0, sizeof(*s->buckets) <<
		    BUCKET_BITS);
		s->bkey_hour = hour;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci != NULL ? ci->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET) {
		memcpy(in, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
		n = 4;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		memcpy(in, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, 8);
		n = 8;
	}
	crypto_generichash(out, sizeof(out), in, n, s->bkey,
	    crypto_generichash_KEYBYTES);
	b = ((size_t)out[0] << 8 | out[1]) & (((size_t)1 << BUCKET_BITS) - 1);
	sodium_memzero(in, sizeof(in));
	sodium_memzero(out, sizeof(out));
	return b;
}

/* Takes a token from the peer's bucket; 0 if it is empty. */
static int
bucket_take(struct serve *s, struct MHD_Connection *c)
{
	struct timespec	 now;
	struct bucket	*bk;
	float		 t;
	int		 ok;

	if (!s->rate_on || !s->bucket_on)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (float)(now.tv_sec - s->start.tv_sec) +
	    (float)(now.tv_nsec - s->start.tv_nsec) / 1e9f;
	pthread_mutex_lock(&s->mu);
	bk = &s->buckets[bucket_of(s, c, (long long)time(NULL) / 3600)];
	if (bk->last == 0.0f && bk->tokens == 0.0f)
		bk->tokens = (float)s->bburst;	/* new this hour */
	else
		bk->tokens += (t - bk->last) * (float)s->brate;
	bk->last = t;
	if (bk->tokens > (float)s->bburst)
		bk->tokens = (float)s->bburst;
	if ((ok = bk->tokens >= 1.0f))
		bk->tokens -= 1.0f;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static void
page_head(struct buf *b, const char *title)
{
	buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	html_text(b, title, strlen(title));
	buf_addstr(b, "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">"
	    "\n</head>\n<body>\n<main>\n<h1>");
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
	if (msg == NULL)
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

/*
 * The report form; f (may be NULL) gives the values to keep, errs (may
 * be NULL) a message per field (F_MAX entries).
 */
static void
form_render(struct buf *b, struct serve *s, const struct form *f,
    const char *const *errs)
{
	const struct taxonomy	*t;
	const char		*name, *v, *err;
	char			 tok[128];
	size_t			 k, i;

	page_head(b, "Report a near miss");
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
	buf_addstr(b, "<form method=\"post\" action=\"/submit\" "
	    "accept-charset=\"UTF-8\" autocomplete=\"off\">\n");
	token_make(s, tok, sizeof(tok));
	buf_printf(b, "<input type=\"hidden\" name=\"token\" "
	    "value=\"%s\">\n", tok);
	/* Hidden from sight and from screen readers alike. */
	buf_addstr(b, "<div class=\"hp\" aria-hidden=\"true\">\n"
	    "<label for=\"website\">Leave this field empty (it is a trap "
	    "for robots)</label>\n"
	    "<input type=\"text\" id=\"website\" name=\"website\" "
	    "tabindex=\"-1\" value=\"\">\n</div>\n");

	for (k = 0; k < RECORD_KEY_MAX; k++) {
		name = record_key_name(k);
		if (k == RECORD_CONTRIBUTING_FACTORS) {
			t = &s->cfg.tax[TAX_FACTORS];
			buf_addstr(b, "<fieldset>\n<legend>");
			html_text(b, key_label[k], strlen(key_label[k]));
			buf_addstr(b, " (required)</legend>\n");
			help(b, name, key_help[k]);
			if (errs != NULL)
				field_error(b, name, errs[k]);
			for (i = 0; i < t->nterms; i++) {
				buf_printf(b, "<input type=\"checkbox\" "
				    "id=\"%s_%zu\" name=\"%s\" value=\"",
				    name, i, name);
				html_attr(b, t->terms[i].slug,
				    strlen(t->terms[i].slug));
				buf_addstr(b, "\"");
				if (has_value(f, name, t->terms[i].slug))
					buf_addstr(b, " checked");
				buf_printf(b, "> <label for=\"%s_%zu\">",
				    name, i);
				html_text(b, t->terms[i].label,
				    strlen(t->terms[i].label));
				buf_addstr(b, "</label><br>\n");
			}
			buf_addstr(b, "</fieldset>\n");
			continue;
		}
		label(b, name, key_label[k], key_required[k]);
		help(b, name, key_help[k]);
		err = errs != NULL ? errs[k] : NULL;
		field_error(b, name, err);
		if (record_key_tax(k) >= 0) {
			t = &s->cfg.tax[record_key_tax(k)];
			v = value(f, name);
			buf_printf(b, "<select id=\"%s\" name=\"%s\"", name,
			    name);
			described(b, name, key_help[k] != NULL, err);
			buf_printf(b, ">\n<option value=\"\">%s</option>\n",
			    key_required[k] ? "Choose one" : "Not given");
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
		} else if (k == RECORD_SUMMARY) {
			v = value(f, name);
			buf_printf(b, "<textarea id=\"%s\" name=\"%s\" "
			    "rows=\"3\" maxlength=\"%d\"", name, name,
			    RECORD_SUMMARY_MAX);
			described(b, name, key_help[k] != NULL, err);
			buf_addch(b, '>');
			html_text(b, v, strlen(v));
			buf_addstr(b, "</textarea>\n");
		} else
			text_input(b, f, name, record_key_max(k),
			    key_help[k] != NULL, err);
	}

	label(b, "narrative", "What happened", 0);
	help(b, "narrative", "Tell the story: what you saw, what you did, "
	    "what nearly went wrong and what would have prevented it.");
	err = errs != NULL ? errs[F_NARRATIVE] : NULL;
	field_error(b, "narrative", err);
	v = value(f, "narrative");
	buf_printf(b, "<textarea id=\"narrative\" name=\"narrative\" "
	    "rows=\"14\" maxlength=\"%d\"", RECORD_TEXT_MAX);
	described(b, "narrative", 1, err);
	buf_addch(b, '>');
	html_text(b, v, strlen(v));
	buf_addstr(b, "</textarea>\n");

	label(b, "lessons", "Lessons learned (optional)", 0);
	help(b, "lessons", "What you or others could do differently next "
	    "time.");
	err = errs != NULL ? errs[F_LESSONS] : NULL;
	field_error(b, "lessons", err);
	v = value(f, "lessons");
	buf_printf(b, "<textarea id=\"lessons\" name=\"lessons\" "
	    "rows=\"5\" maxlength=\"%d\"", RECORD_LESSONS_MAX);
	described(b, "lessons", 1, err);
	buf_addch(b, '>');
	html_text(b, v, strlen(v));
	buf_addstr(b, "</textarea>\n");

	buf_addstr(b, "<fieldset>\n<legend>Contact (optional)</legend>\n"
	    "<p class=\"help\"><strong>Warning:</strong> anything you put "
	    "here can identify you. Leave it empty to stay anonymous. "
	    "Only the reviewers can read it, and only to ask you about "
	    "your report.</p>\n");
	label(b, "contact", "How to reach you", 0);
	err = errs != NULL ? errs[F_CONTACT] : NULL;
	field_error(b, "contact", err);
	text_input(b, f, "contact", RECORD_CONTACT_MAX, 0, err);
	buf_addstr(b, "</fieldset>\n");

	buf_addstr(b, "<fieldset>\n<legend>Publication</legend>\n");
	if (errs != NULL)
		field_error(b, "consent", errs[F_CONSENT]);
	buf_printf(b, "<input type=\"checkbox\" id=\"consent\" "
	    "name=\"consent\" value=\"yes\"%s> <label for=\"consent\">"
	    "I agree that a de-identified version of this report may be "
	    "published.</label>\n</fieldset>\n",
	    has_value(f, "consent", "yes") ? " checked" : "");
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
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
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
respond_page(struct MHD_Connection *c, unsigned int status,
    const char *title, const char *text)
{
	struct buf	 b = BUF_INIT;

	page_head(&b, title);
	buf_addstr(&b, "<p>");
	html_text(&b, text, strlen(text));
	buf_addstr(&b, "</p>\n<p><a href=\"/\">Back to the form</a></p>\n");
	page_tail(&b);
	return respond(c, status, "text/html; charset=utf-8", &b, 0);
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
 * Checks the form and fills r; factors receives the comma-separated
 * contributing factors that r->field points into.  errs gets a message
 * per bad field.  Returns the number of bad fields.
 */
static int
validate(struct serve *s, const struct form *f, struct record *r,
    struct buf *factors, const char **errs)
{
	const struct form_field	*fl, *seen[FACTORS_MAX];
	const char		*v;
	char			*end;
	size_t			 k, n, i, len;
	long			 l;
	int			 bad = 0;

	for (k = 0; k < RECORD_KEY_MAX; k++) {
		const char	*name = record_key_name(k);

		if (k == RECORD_CONTRIBUTING_FACTORS)
			continue;
		v = single(f, name, &errs[k]);
		if (errs[k] != NULL) {
			bad++;
			continue;
		}
		if (v == NULL) {
			if (key_required[k]) {
				errs[k] = "This field is required.";
				bad++;
			}
			continue;
		}
		len = strlen(v);
		if (len > record_key_max(k)) {
			errs[k] = k == RECORD_TITLE ?
			    "At most 200 bytes, please." :
			    k == RECORD_SUMMARY ?
			    "At most 1024 bytes, please." : "Too long.";
			bad++;
			continue;
		}
		if (record_key_tax(k) >= 0) {
			if (config_term(&s->cfg, record_key_tax(k), v) < 0) {
				errs[k] = "Choose one of the listed values.";
				bad++;
				continue;
			}
		} else if (k == RECORD_TITLE) {
			if (strpbrk(v, "\n\t") != NULL) {
				errs[k] = "The title must be one line.";
				bad++;
				continue;
			}
		} else if (k == RECORD_EVENT_DATE) {
			if (len == 10 && v[4] == '-' && v[7] == '-') {
				errs[k] = "Give the year and month only "
				    "(YYYY-MM), never the day.";
				bad++;
				continue;
			}
			if (len != 7 || v[4] != '-' ||
			    strspn(v, "0123456789") != 4 ||
			    strspn(v + 5, "0123456789") != 2 ||
			    strncmp(v, "1900", 4) < 0 ||
			    strcmp(v + 5, "01") < 0 ||
			    strcmp(v + 5, "12") > 0) {
				errs[k] = "Give a month as YYYY-MM, for "
				    "example 2024-03.";
				bad++;
				continue;
			}
		} else if (k == RECORD_OFFICERS_ON_SCENE) {
			errno = 0;
			l = strtol(v, &end, 10);
			if (*end != '\0' || errno != 0 || l < 1 || l > 999 ||
			    v[0] < '0' || v[0] > '9') {
				errs[k] = "Give a number from 1 to 999.";
				bad++;
				continue;
			}
		}
		r->field[k] = v;
	}

	/* Contributing factors: 1 to 5 distinct terms. */
	k = RECORD_CONTRIBUTING_FACTORS;
	n = 0;
	for (fl = NULL; (fl = form_next(f, fl, record_key_name(k))) != NULL;) {
		if (config_term(&s->cfg, TAX_FACTORS, fl->value) < 0) {
			errs[k] = "Choose among the listed factors.";
			break;
		}
		for (i = 0; i < n && i < FACTORS_MAX; i++)
			if (strcmp(seen[i]->value, fl->value) == 0)
				break;
		if (i < n) {
			errs[k] = "Each factor may be ticked once.";
			break;
		}
		if (n >= FACTORS_MAX) {
			errs[k] = "Tick at most five factors.";
			break;
		}
		seen[n++] = fl;
		buf_printf(factors, "%s%s", factors->len ? "," : "",
		    fl->value);
	}
	if (errs[k] == NULL && n == 0)
		errs[k] = "Tick at least one factor.";
	if (errs[k] != NULL)
		bad++;
	else
		r->field[k] = factors->data;

	v = single(f, "narrative", &errs[F_NARRATIVE]);
	if (errs[F_NARRATIVE] != NULL)
		bad++;
	else if (v != NULL && strlen(v) > RECORD_TEXT_MAX) {
		errs[F_NARRATIVE] = "At most 64 KiB, please.";
		bad++;
	} else
		r->narrative = v == NULL ? "" : v;

	v = single(f, "lessons", &errs[F_LESSONS]);
	if (errs[F_LESSONS] != NULL)
		bad++;
	else if (v != NULL && strlen(v) > RECORD_LESSONS_MAX) {
		errs[F_LESSONS] = "At most 16 KiB, please.";
		bad++;
	} else
		r->lessons = v;

	v = single(f, "contact", &errs[F_CONTACT]);
	if (errs[F_CONTACT] != NULL)
		bad++;
	else if (v != NULL && strlen(v) > RECORD_CONTACT_MAX) {
		errs[F_CONTACT] = "At most 2048 bytes, please.";
		bad++;
	} else
		r->contact = v;

	v = single(f, "consent", &errs[F_CONSENT]);
	if (errs[F_CONSENT] != NULL)
		bad++;
	else if (v != NULL && strcmp(v, "yes") != 0) {
		errs[F_CONSENT] = "Tick the box or leave it empty.";
		bad++;
	} else
		r->consent = v != NULL;
	return bad;
}

static int
receipt_page(struct serve *s, struct MHD_Connection *c, const char *code)
{
	struct buf	 b = BUF_INIT;

	page_head(&b, "Thank you: your report was received");
	buf_addstr(&b, "<p>Your report is stored, encrypted for the "
	    "reviewers. This is your receipt code. Write it down now: it "
	    "is shown only once and we cannot recover it.</p>\n"
	    "<p class=\"receipt\">");
	html_text(&b, code, strlen(code));
	buf_addstr(&b, "</p>\n<p>With it you can check the status of your "
	    "report on the public site");
	if (s->cfg.base_url != NULL) {
		buf_addstr(&b, ", ");
		html_text(&b, s->cfg.base_url, strlen(s->cfg.base_url));
	}
	buf_addstr(&b, ". Nobody else can link the code to you.</p>\n");
	page_tail(&b);
	return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, 1);
}

static enum MHD_Result
submit(struct serve *s, struct MHD_Connection *c, struct req *rq)
{
	struct form	 f;
	struct record	 r;
	struct buf	 factors = BUF_INIT, enc = BUF_INIT, page = BUF_INIT;
	const char	*errs[F_MAX];
	unsigned char	 hash[RECORD_RECEIPT_BYTES];
	char		 code[RECEIPT_BUFSZ], name[INBOX_NAME_LEN + 1];
	const char	*hp;
	int		 rc, ret;

	if (rq->toobig) {
		stat_add(s, ST_TOOBIG);
		return respond_page(c, MHD_HTTP_CONTENT_TOO_LARGE,
		    "Report too long", "The report is longer than 64 KiB. "
		    "Please shorten it and send it again.");
	}
	form_init(&f, FORM_BODY_MAX);
	rc = form_parse(&f, rq->body.data, rq->body.len);
	sodium_memzero(rq->body.data, rq->body.len);
	if (rc == FORM_ETOOBIG) {
		form_free(&f);
		stat_add(s, ST_TOOBIG);
		return respond_page(c, MHD_HTTP_CONTENT_TOO_LARGE,
		    "Report too long", "The report is longer than 64 KiB. "
		    "Please shorten it and send it again.");
	}
	if (rc != 0) {
		form_free(&f);
		stat_add(s, ST_MALFORMED);
		return respond_page(c, MHD_HTTP_BAD_REQUEST,
		    "The report could not be read", form_strerror(rc));
	}
	if (!token_check(s, form_get(&f, "token"))) {
		form_free(&f);
		stat_add(s, ST_TOKEN);
		return respond_page(c, MHD_HTTP_FORBIDDEN, "Form expired",
		    "This form is too old or did not come from this site. "
		    "Nothing was stored. Please load the form again.");
	}
	/* A robot filled the trap: pretend success, store nothing. */
	if ((hp = form_get(&f, "website")) != NULL && *hp != '\0') {
		form_free(&f);
		stat_add(s, ST_HONEYPOT);
		receipt_make(code, hash);
		return receipt_page(s, c, code);
	}

	memset(&r, 0, sizeof(r));
	memset(errs, 0, sizeof(errs));
	if (validate(s, &f, &r, &factors, errs) > 0) {
		form_render(&page, s, &f, errs);
		sodium_memzero(factors.data, factors.len);
		buf_free(&factors);
		form_free(&f);
		stat_add(s, ST_INVALID);
		return respond(c, MHD_HTTP_BAD_REQUEST,
		    "text/html; charset=utf-8", &page, 1);
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
	sodium_memzero(factors.data, factors.len);
	buf_free(&factors);
	form_free(&f);
	sodium_memzero(&r, sizeof(r));
	if (rc == INBOX_ETEMP) {
		stat_add(s, ST_TEMPFAIL);
		return respond_page(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "Not stored: please try again",
		    "Your report could not be stored just now, and nothing "
		    "of it was kept. Please go back, keep your text, and "
		    "send it again in a few minutes.");
	}
	if (rc != 0) {
		stat_add(s, ST_ERROR);
		return respond_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
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
		    strcmp(url, "/submit") != 0)
			return MHD_YES;
		/* POST /submit, headers complete: the early checks. */
		if (!bucket_take(s, c) || !rate_take(s)) {
			stat_add(s, ST_RATE);
			return respond_page(c, MHD_HTTP_TOO_MANY_REQUESTS,
			    "Too many reports right now", "The server is "
			    "receiving too many reports. Nothing was stored. "
			    "Please go back, keep your text, and try again "
			    "in a few minutes.");
		}
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Origin");
		/*
		 * Our own no-referrer policy makes browsers send "Origin:
		 * null" with the form's POST, so null passes; any real
		 * origin but ours is refused.  The token does the rest.
		 */
		if (v != NULL && strcmp(v, s->origin) != 0 &&
		    strcmp(v, "null") != 0) {
			stat_add(s, ST_ORIGIN);
			return respond_page(c, MHD_HTTP_FORBIDDEN,
			    "Form expired", "This form is too old or did not "
			    "come from this site. Nothing was stored. Please "
			    "load the form again.");
		}
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Transfer-Encoding");
		if (v != NULL && strcasecmp(v, "chunked") != 0) {
			stat_add(s, ST_MALFORMED);
			return respond_page(c, MHD_HTTP_NOT_IMPLEMENTED,
			    "Not implemented", "This server does not accept "
			    "that transfer encoding. Nothing was stored.");
		}
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
		return respond_page(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method not allowed", "This address does not accept "
		    "that method.");
	if (strcmp(url, "/") == 0 || strcmp(url, "/submit") == 0) {
		form_render(&b, s, NULL, NULL);
		return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b,
		    0);
	}
	if (strcmp(url, "/style.css") == 0) {
		buf_addstr(&b, css);
		return respond(c, MHD_HTTP_OK, "text/css; charset=utf-8", &b,
		    0);
	}
	/* Browsers ask for it unbidden; "no content" is not an error. */
	if (strcmp(url, "/favicon.ico") == 0)
		return respond(c, MHD_HTTP_NO_CONTENT, "image/x-icon", &b, 0);
	return respond_page(c, MHD_HTTP_NOT_FOUND, "Not found",
	    "There is no page at this address.");
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode how)
{
	struct serve	*s = cls;
	struct req	*rq = *con_cls;

	(void)c;
	(void)how;
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

/* A listening TCP socket on ADDR:PORT ([v6]:PORT too), or -1 (logged). */
static int
listen_on(const char *spec)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	size_t		 n;
	int		 fd, on = 1, e;

	if (strlen(spec) >= sizeof(host)) {
		log_warnx("-l %s: too long", spec);
		return -1;
	}
	strcpy(host, spec);
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
		log_warnx("-u %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("-u %s: refusing to run as root", user);
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

static int
opt_num(const char *opt, const char *v, long lo, long hi, long *out)
{
	char	*end;
	long	 l;

	errno = 0;
	l = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || l < lo || l > hi) {
		log_warnx("%s: expected a number from %ld to %ld", opt, lo,
		    hi);
		return -1;
	}
	*out = l;
	return 0;
}

/* A copy of v that lives as long as o (a key given twice: the last). */
static const char *
own(struct opts *o, const char *v)
{
	if (o->nown == NM_NELEM(o->own))
		fatalx("config: too many keys");
	return o->own[o->nown++] = xstrdup(v);
}

/* The keys of a -c file: [serve] listen = ..., and so on. */
static int
ini_opt(void *user, const char *section, const char *name,
    const char *v)
{
	struct opts	*o = user;

	if (strcmp(section, "serve") != 0) {
		log_warnx("config: unknown section [%s]", section);
		return 0;
	}
	if (strcmp(name, "listen") == 0)
		o->listen = own(o, v);
	else if (strcmp(name, "inbox") == 0)
		o->inbox = own(o, v);
	else if (strcmp(name, "recipients") == 0)
		o->recipients = own(o, v);
	else if (strcmp(name, "taxonomy") == 0)
		o->taxonomy = own(o, v);
	else if (strcmp(name, "user") == 0)
		o->user = own(o, v);
	else if (strcmp(name, "origin") == 0)
		o->origin = own(o, v);
	else if (strcmp(name, "rate_limit") == 0) {
		if (strcmp(v, "on") == 0)
			o->rate_on = 1;
		else if (strcmp(v, "off") == 0)
			o->rate_on = 0;
		else {
			log_warnx("config: rate_limit: on or off");
			return 0;
		}
	} else if (strcmp(name, "rate") == 0) {
		if (opt_num("rate", v, 1, 1000000, &o->rate_count) == -1)
			return 0;
	} else if (strcmp(name, "rate_window") == 0) {
		if (opt_num("rate_window", v, 1, 86400, &o->rate_window) == -1)
			return 0;
	} else if (strcmp(name, "bucket_rate") == 0) {
		if (opt_num("bucket_rate", v, 1, 1000000,
		    &o->bucket_count) == -1)
			return 0;
	} else if (strcmp(name, "bucket_burst") == 0) {
		if (opt_num("bucket_burst", v, 1, 1000000,
		    &o->bucket_burst) == -1)
			return 0;
	} else if (strcmp(name, "rate_burst") == 0) {
		if (opt_num("rate_burst", v, 1, 1000000, &o->rate_burst) == -1)
			return 0;
	} else {
		log_warnx("config: unknown key %s", name);
		return 0;
	}
	return 1;
}

static int
serve(struct opts *op, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "rate", required_argument, NULL, 'R' },
		{ "rate-window", required_argument, NULL, 'W' },
		{ "rate-burst", required_argument, NULL, 'B' },
		{ "no-rate-limit", no_argument, NULL, 'N' },
		{ "bucket-rate", required_argument, NULL, 'K' },
		{ "bucket-burst", required_argument, NULL, 'b' },
		{ "no-bucket-limit", no_argument, NULL, 'M' },
		{ "log-stderr", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct serve	 s;
	struct buf	 text = BUF_INIT;
	struct MHD_Daemon *d = NULL;
	const char	*conf = NULL;
	sigset_t	 sigs;
	struct timespec	 ts;
	siginfo_t	 si;
	time_t		 deadline;
	unsigned long	 inflight;
	int		 ch, e, fd = -1, rc = 1, sig, to_stderr = 0;

	op->listen = SERVE_LISTEN;
	op->origin = SERVE_ORIGIN;
	op->rate_count = RATE_COUNT;
	op->rate_window = RATE_WINDOW;
	op->rate_burst = RATE_BURST;
	op->rate_on = 1;
	op->bucket_count = BUCKET_COUNT;
	op->bucket_burst = BUCKET_BURST;
	op->bucket_on = 1;
	optind = 1;
	/* -c first, so that options given after it win. */
	while ((ch = getopt_long(argc, argv, "c:l:i:k:t:u:o:", longopts,
	    NULL)) != -1)
		if (ch == 'c')
			conf = optarg;
	if (conf != NULL && (e = ini_parse(conf, ini_opt, op)) != 0) {
		if (e < 0)
			log_warn("%s", conf);
		else
			log_warnx("%s:%d: bad line", conf, e);
		return 1;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:l:i:k:t:u:o:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			break;
		case 'l':
			op->listen = optarg;
			break;
		case 'i':
			op->inbox = optarg;
			break;
		case 'k':
			op->recipients = optarg;
			break;
		case 't':
			op->taxonomy = optarg;
			break;
		case 'u':
			op->user = optarg;
			break;
		case 'o':
			op->origin = optarg;
			break;
		case 'R':
			if (opt_num("--rate", optarg, 1, 1000000,
			    &op->rate_count) == -1)
				return 2;
			break;
		case 'W':
			if (opt_num("--rate-window", optarg, 1, 86400,
			    &op->rate_window) == -1)
				return 2;
			break;
		case 'B':
			if (opt_num("--rate-burst", optarg, 1, 1000000,
			    &op->rate_burst) == -1)
				return 2;
			break;
		case 'N':
			op->rate_on = 0;
			break;
		case 'K':
			if (opt_num("--bucket-rate", optarg, 1, 1000000,
			    &op->bucket_count) == -1)
				return 2;
			break;
		case 'b':
			if (opt_num("--bucket-burst", optarg, 1, 1000000,
			    &op->bucket_burst) == -1)
				return 2;
			break;
		case 'M':
			op->bucket_on = 0;
			break;
		case 'E':
			to_stderr = 1;
			break;
		default:
			intake_usage();
			return 2;
		}
	}
	if (optind != argc || op->inbox == NULL || op->recipients == NULL ||
	    op->taxonomy == NULL) {
		intake_usage();
		return 2;
	}
	if (geteuid() == 0 && op->user == NULL) {
		log_warnx("refusing to run as root; give -u USER");
		return 1;
	}

	if (!to_stderr)
		log_init("nearmiss-intake", LOG_TO_SYSLOG);

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	s.origin = op->origin;
	s.rate_on = op->rate_on;
	s.rate = (double)op->rate_count / (double)op->rate_window;
	s.burst = s.tokens = (double)op->rate_burst;
	s.bucket_on = op->bucket_on;
	s.brate = (double)op->bucket_count / (double)op->rate_window;
	s.bburst = (double)op->bucket_burst;
	s.buckets = xcalloc((size_t)1 << BUCKET_BITS, sizeof(*s.buckets));
	if ((s.bkey = sodium_malloc(crypto_generichash_KEYBYTES)) == NULL)
		fatalx("sodium_malloc: out of memory");
	s.bkey_hour = -1;
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	clock_gettime(CLOCK_MONOTONIC, &s.rate_last);
	s.key_hour = -2;
	keys_update(&s, (long long)time(NULL) / TOKEN_HOUR);
	if (file_read(&text, op->taxonomy, 1024 * 1024) != 0 ||
	    config_parse(&s.cfg, op->taxonomy, text.data, text.len) != 0)
		goto out;
	if (recipients_load(&s.rcpt, &s.nrcpt, op->recipients) != 0)
		goto out;
	if (inbox_open(&s.ib, op->inbox) != 0)
		goto out;
	if ((fd = listen_on(op->listen)) == -1)
		goto out;
	if (op->user != NULL && intake_drop(op->user) != 0)
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
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_CONN_MAX,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEM,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)0,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
	    MHD_OPTION_END);
	if (d == NULL) {
		log_warnx("could not start the HTTP server");
		goto out;
	}
	fd = -1;	/* MHD owns it now */
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
	stats_log(&s);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	inbox_close(s.ib);
	free(s.rcpt);
	free(s.buckets);
	sodium_free(s.bkey);
	config_free(&s.cfg);
	buf_free(&text);
	sodium_memzero(s.key, sizeof(s.key));
	pthread_mutex_destroy(&s.mu);
	return rc;
}

int
cmd_serve(int argc, char *argv[])
{
	struct opts	 o;
	int		 rc;

	memset(&o, 0, sizeof(o));
	rc = serve(&o, argc, argv);
	while (o.nown > 0)
		free(o.own[--o.nown]);
	return rc;
}
