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
 * nearmiss-intake's configuration file: the table of every section and
 * key (type, range, default), the INI reader, and the rule "the command
 * line beats the file", in one place for every sub-command.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "buf.h"
#include "conf.h"
#include "file.h"
#include "log.h"
#include "nm.h"

#define CONF_FILE_MAX	(64 * 1024)
#define CONF_LINE_MAX	1024
#define CONF_NAME_MAX	255	/* host, user, mailbox */

enum conf_type {
	T_STR,		/* lo..hi bytes, no control characters */
	T_PATH,		/* non-empty, shorter than PATH_MAX */
	T_BOOL,		/* on or off */
	T_INT,		/* lo..hi */
	T_ADDR,		/* ADDR:PORT */
	T_ORIGIN,	/* http(s)://host[:port] */
	T_PIN,		/* sha256:HEX ..., may repeat */
	T_TLS,		/* "tls = implicit", and nothing else */
	T_MAX
};

struct conf_key {
	const char	*section;
	unsigned int	 sec;		/* CONF_S_* */
	const char	*name;
	enum conf_id	 id;
	enum conf_type	 type;
	long		 lo, hi;
	const char	*def;		/* default, or NULL */
};

static const struct conf_key	*key_of(enum conf_id);
static int	 value_check(const struct conf_key *, const char *, char *,
		    size_t);
static void	 value_set(struct conf_val *, const struct conf_key *,
		    const char *);
static char	*trim(char *);
static int	 line_do(struct conf *, unsigned int, unsigned long, char *,
		    const char **, unsigned long *);
static int	 opts(struct conf *, int, char *[], const char **,
		    const char **, int *);

/*
 * Every key.  An id may appear in several sections (inbox in [intake]
 * and [serve]); the first row of an id gives its default.  [imap]
 * starttls and ssl exist only to be refused with a reason.
 */
static const struct conf_key keys[] = {
	{ "intake", CONF_S_INTAKE, "inbox", CONF_INBOX, T_PATH, 0, 0,
	    NULL },
	{ "intake", CONF_S_INTAKE, "recipients", CONF_RECIPIENTS, T_PATH,
	    0, 0, NULL },
	{ "intake", CONF_S_INTAKE, "taxonomy", CONF_TAXONOMY, T_PATH, 0, 0,
	    NULL },
	{ "intake", CONF_S_INTAKE, "user", CONF_USER, T_STR, 1, 32, NULL },
	{ "serve", CONF_S_SERVE, "listen", CONF_LISTEN, T_ADDR, 0, 0,
	    "127.0.0.1:8025" },
	{ "serve", CONF_S_SERVE, "inbox", CONF_INBOX, T_PATH, 0, 0, NULL },
	{ "serve", CONF_S_SERVE, "recipients", CONF_RECIPIENTS, T_PATH, 0,
	    0, NULL },
	{ "serve", CONF_S_SERVE, "taxonomy", CONF_TAXONOMY, T_PATH, 0, 0,
	    NULL },
	{ "serve", CONF_S_SERVE, "user", CONF_USER, T_STR, 1, 32, NULL },
	{ "serve", CONF_S_SERVE, "origin", CONF_ORIGIN, T_ORIGIN, 0, 0,
	    "http://127.0.0.1:8025" },
	{ "serve", CONF_S_SERVE, "rate", CONF_RATE, T_INT, 1, 1000000,
	    "30" },
	{ "serve", CONF_S_SERVE, "rate_window", CONF_RATE_WINDOW, T_INT, 1,
	    86400, "600" },
	{ "serve", CONF_S_SERVE, "rate_burst", CONF_RATE_BURST, T_INT, 1,
	    1000000, "10" },
	{ "serve", CONF_S_SERVE, "rate_limit", CONF_RATE_LIMIT, T_BOOL, 0,
	    1, "on" },
	{ "serve", CONF_S_SERVE, "bucket_rate", CONF_BUCKET_RATE, T_INT, 1,
	    1000000, "10" },
	{ "serve", CONF_S_SERVE, "bucket_burst", CONF_BUCKET_BURST, T_INT, 1,
	    1000000, "5" },
	{ "serve", CONF_S_SERVE, "bucket_limit", CONF_BUCKET_LIMIT, T_BOOL,
	    0, 1, "on" },
	/* As intake/serve.c has them while this is written. */
	{ "serve", CONF_S_SERVE, "page_rate", CONF_PAGE_RATE, T_INT, 1,
	    100000000, "60000" },
	{ "serve", CONF_S_SERVE, "page_burst", CONF_PAGE_BURST, T_INT, 1,
	    1000000, "2000" },
	{ "serve", CONF_S_SERVE, "page_bucket_rate", CONF_PAGE_BUCKET_RATE,
	    T_INT, 1, 100000000, "6000" },
	{ "serve", CONF_S_SERVE, "page_bucket_burst", CONF_PAGE_BUCKET_BURST,
	    T_INT, 1, 1000000, "300" },
	{ "serve", CONF_S_SERVE, "conn_per_source", CONF_CONN_PER_SOURCE,
	    T_INT, 0, 65535, "64" },
	{ "serve", CONF_S_SERVE, "max_connections", CONF_MAX_CONNECTIONS,
	    T_INT, 64, 1000000, "10000" },
	{ "serve", CONF_S_SERVE, "spent_tokens", CONF_SPENT_TOKENS, T_INT, 1,
	    1048576, "16384" },
	{ "serve", CONF_S_SERVE, "theme", CONF_THEME, T_PATH, 0, 0, NULL },
	{ "mail", CONF_S_MAIL, "reply", CONF_REPLY, T_BOOL, 0, 1, "off" },
	{ "mail", CONF_S_MAIL, "sendmail", CONF_SENDMAIL, T_PATH, 0, 0,
	    "/usr/sbin/sendmail" },
	{ "mail", CONF_S_MAIL, "reply_from", CONF_REPLY_FROM, T_STR, 3, 254,
	    NULL },
	{ "imap", CONF_S_IMAP, "host", CONF_IMAP_HOST, T_STR, 1,
	    CONF_NAME_MAX, NULL },
	{ "imap", CONF_S_IMAP, "port", CONF_IMAP_PORT, T_INT, 1, 65535,
	    "993" },
	{ "imap", CONF_S_IMAP, "user", CONF_IMAP_USER, T_STR, 1,
	    CONF_NAME_MAX, NULL },
	{ "imap", CONF_S_IMAP, "password_file", CONF_IMAP_PASSWORD_FILE,
	    T_PATH, 0, 0, NULL },
	{ "imap", CONF_S_IMAP, "pin", CONF_IMAP_PIN, T_PIN, 0, 0, NULL },
	{ "imap", CONF_S_IMAP, "mailbox", CONF_IMAP_MAILBOX, T_STR, 1,
	    CONF_NAME_MAX, "INBOX" },
	{ "imap", CONF_S_IMAP, "poll", CONF_IMAP_POLL, T_INT, 5, 86400,
	    "60" },
	{ "imap", CONF_S_IMAP, "tls", CONF_IMAP_TLS, T_TLS, 0, 0,
	    "implicit" },
	{ "imap", CONF_S_IMAP, "starttls", CONF_IMAP_TLS, T_TLS, 0, 0, NULL },
	{ "imap", CONF_S_IMAP, "ssl", CONF_IMAP_TLS, T_TLS, 0, 0, NULL },
};

static const struct conf_key *
key_of(enum conf_id id)
{
	size_t	 i;

	for (i = 0; i < NM_NELEM(keys); i++)
		if (keys[i].id == id)
			return &keys[i];
	abort();
}

const char *
conf_key(enum conf_id id)
{
	return key_of(id)->name;
}

const char *
conf_section(enum conf_id id)
{
	return key_of(id)->section;
}

int
conf_pins(unsigned char (*out)[CONF_PIN_BYTES], size_t *nout,
    const char *v, char *err, size_t errsz)
{
	unsigned char	 bin[CONF_PIN_BYTES];
	const char	*p = v, *end;
	char		 hex[160];
	size_t		 len, binlen, n = 0;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t,");
		if (len < 7 || strncasecmp(p, "sha256:", 7) != 0) {
			snprintf(err, errsz, "expected sha256:HEX (the "
			    "SHA-256 of the server's certificate)");
			return -1;
		}
		if (len - 7 >= sizeof(hex)) {
			snprintf(err, errsz, "sha256: takes 64 hex digits");
			return -1;
		}
		memcpy(hex, p + 7, len - 7);
		hex[len - 7] = '\0';
		if (sodium_hex2bin(bin, sizeof(bin), hex, len - 7, ":",
		    &binlen, &end) != 0 || *end != '\0' ||
		    binlen != sizeof(bin)) {
			snprintf(err, errsz, "sha256: takes 64 hex digits");
			return -1;
		}
		if (n == CONF_PINS_MAX) {
			snprintf(err, errsz, "at most %d pins",
			    CONF_PINS_MAX);
			return -1;
		}
		if (out != NULL)
			memcpy(out[n], bin, sizeof(bin));
		n++;
		p += len;
	}
	if (n == 0) {
		snprintf(err, errsz, "expected sha256:HEX");
		return -1;
	}
	if (nout != NULL)
		*nout = n;
	return 0;
}

int
conf_origin_ok(const char *s)
{
	const char	*p, *h;
	size_t		 n;

	if (strncmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return 0;
	if (*h == '[') {
		if ((p = strchr(h, ']')) == NULL || p == h + 1)
			return 0;
		for (h++; h < p; h++)
			if (!isxdigit((unsigned char)*h) && *h != ':' &&
			    *h != '.')
				return 0;
		p++;
	} else {
		n = strspn(h, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		if (n == 0 || n > 253 || h[0] == '.' || h[0] == '-')
			return 0;
		p = h + n;
	}
	if (*p == ':') {
		n = strspn(++p, "0123456789");
		if (n == 0 || n > 5 || atol(p) < 1 || atol(p) > 65535)
			return 0;
		p += n;
	}
	return *p == '\0';
}

int
conf_addr_ok(const char *spec)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	size_t		 n;

	if (strlen(spec) >= sizeof(host))
		return 0;
	memcpy(host, spec, strlen(spec) + 1);
	if ((port = strrchr(host, ':')) == NULL)
		return 0;
	*port++ = '\0';
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	if (*port == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    atol(port) > 65535)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return 0;
	freeaddrinfo(res);
	return 1;
}

/*
 * Whether v is a good value for k.  1 if so, else 0 with err set to
 * what is wrong, without the key's name.
 */
static int
value_check(const struct conf_key *k, const char *v, char *err,
    size_t errsz)
{
	const char	*p;
	char		*end;
	long		 l;

	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, errsz, "control character");
			return 0;
		}
	switch (k->type) {
	case T_STR:
		if (strlen(v) < (size_t)k->lo || strlen(v) > (size_t)k->hi) {
			snprintf(err, errsz, "expected %ld to %ld bytes",
			    k->lo, k->hi);
			return 0;
		}
		return 1;
	case T_PATH:
		if (*v == '\0' || strlen(v) >= PATH_MAX) {
			snprintf(err, errsz, "expected a path");
			return 0;
		}
		return 1;
	case T_BOOL:
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
			snprintf(err, errsz, "expected on or off");
			return 0;
		}
		return 1;
	case T_INT:
		errno = 0;
		l = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || l < k->lo ||
		    l > k->hi) {
			snprintf(err, errsz, "expected a number from %ld "
			    "to %ld", k->lo, k->hi);
			return 0;
		}
		return 1;
	case T_ADDR:
		if (!conf_addr_ok(v)) {
			snprintf(err, errsz, "expected ADDR:PORT, a numeric "
			    "address such as 127.0.0.1:8025 or [::1]:8025");
			return 0;
		}
		return 1;
	case T_ORIGIN:
		if (!conf_origin_ok(v)) {
			snprintf(err, errsz, "expected an origin, "
			    "http://HOST[:PORT] or https://HOST[:PORT], "
			    "without a path or a trailing slash");
			return 0;
		}
		return 1;
	case T_PIN:
		return conf_pins(NULL, NULL, v, err, errsz) == 0;
	case T_TLS:
		if (strcmp(k->name, "tls") == 0 && strcmp(v, "implicit") == 0)
			return 1;
		snprintf(err, errsz, "only implicit TLS (tls = implicit, "
		    "port 993) is supported; plain IMAP and STARTTLS are "
		    "refused");
		return 0;
	default:
		abort();
	}
}

/* Stores v (checked) in val; a pin adds to the pins before it. */
static void
value_set(struct conf_val *val, const struct conf_key *k, const char *v)
{
	struct buf	 b = BUF_INIT;

	if (k->type == T_PIN && val->s != NULL && val->from == CONF_FILE) {
		buf_addstr(&b, val->s);
		buf_addstr(&b, " ");
		buf_addstr(&b, v);
		free(val->s);
		val->s = buf_detach(&b, NULL);
	} else {
		free(val->s);
		val->s = xstrdup(v);
	}
	if (k->type == T_INT)
		val->n = strtol(v, NULL, 10);
	else if (k->type == T_BOOL)
		val->n = strcmp(v, "on") == 0;
}

void
conf_init(struct conf *c)
{
	size_t	 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NM_NELEM(keys); i++) {
		if (keys[i].def == NULL || c->v[keys[i].id].s != NULL)
			continue;
		value_set(&c->v[keys[i].id], &keys[i], keys[i].def);
		c->v[keys[i].id].from = CONF_DEFAULT;
	}
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	for (i = 0; i < CONF_ID_MAX; i++) {
		free(c->v[i].s);
		c->v[i].s = NULL;
	}
}

int
conf_arg(struct conf *c, enum conf_id id, const char *v, const char *opt)
{
	const struct conf_key	*k = key_of(id);
	char			 err[256];

	if (!value_check(k, v, err, sizeof(err))) {
		log_warnx("%s %s: %s", opt, v, err);
		return -1;
	}
	value_set(&c->v[id], k, v);
	c->v[id].from = CONF_ARG;
	c->v[id].opt = opt;
	return 0;
}

/* s without leading and trailing blanks (in place). */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

/*
 * One line (NUL-terminated, no newline) of the file; *sect is the
 * current section (NULL before the first), seen[] the line each key
 * was first given on.  0, or -1 (logged).
 */
static int
line_do(struct conf *c, unsigned int use, unsigned long ln, char *s,
    const char **sect, unsigned long *seen)
{
	const struct conf_key	*k = NULL;
	struct conf_val		*val;
	char			*eq, *name, *v, *semi, err[256];
	size_t			 i;
	int			 rank;

	s = trim(s);
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	/* An inline comment: ';' after a blank. */
	for (semi = s + 1; (semi = strchr(semi, ';')) != NULL; semi++)
		if (semi[-1] == ' ' || semi[-1] == '\t') {
			*semi = '\0';
			s = trim(s);
			break;
		}
	if (*s == '[') {
		if ((eq = strchr(s, ']')) == NULL || eq[1] != '\0') {
			log_at(c->path, ln, "expected [section]");
			*sect = NULL;
			return -1;
		}
		*eq = '\0';
		name = trim(s + 1);
		for (i = 0; i < NM_NELEM(keys); i++)
			if (strcmp(keys[i].section, name) == 0) {
				*sect = keys[i].section;
				return 0;
			}
		log_at(c->path, ln, "unknown section [%.64s]; the sections "
		    "are [intake], [serve], [mail] and [imap]", name);
		*sect = "";	/* its keys are not reported again */
		return -1;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		log_at(c->path, ln, "expected key = value");
		return -1;
	}
	*eq = '\0';
	name = trim(s);
	v = trim(eq + 1);
	if (*sect == NULL) {
		log_at(c->path, ln, "%.48s: a key before any [section]",
		    name);
		return -1;
	}
	if (**sect == '\0')
		return 0;
	for (i = 0; i < NM_NELEM(keys); i++)
		if (strcmp(keys[i].section, *sect) == 0 &&
		    strcmp(keys[i].name, name) == 0) {
			k = &keys[i];
			break;
		}
	if (k == NULL) {
		log_at(c->path, ln, "unknown key %.48s in [%.16s]; see "
		    "CONFIGURATION FILE in nearmiss-intake(8)", name, *sect);
		return -1;
	}
	if (!value_check(k, v, err, sizeof(err))) {
		log_at(c->path, ln, "%s: %s", k->name, err);
		return -1;
	}
	if (seen[i] != 0 && k->type != T_PIN) {
		log_at(c->path, ln, "duplicate key %s in [%s] (first on "
		    "line %lu)", k->name, k->section, seen[i]);
		return -1;
	}
	if (seen[i] == 0)
		seen[i] = ln;
	if ((use & k->sec) == 0)
		return 0;
	val = &c->v[k->id];
	rank = k->sec == CONF_S_INTAKE ? 1 : 2;
	if (val->from == CONF_ARG ||
	    (val->from == CONF_FILE && val->rank > rank))
		return 0;
	value_set(val, k, v);
	val->from = CONF_FILE;
	val->line = ln;
	val->rank = rank;
	return 0;
}

int
conf_read(struct conf *c, const char *path, unsigned int use)
{
	struct buf	 text = BUF_INIT;
	unsigned long	 seen[NM_NELEM(keys)], ln = 0;
	const char	*sect = NULL;
	char		*p, *nl;
	int		 e, rc = -1;

	c->path = path;
	memset(seen, 0, sizeof(seen));
	if ((e = file_read(&text, path, CONF_FILE_MAX)) != 0) {
		if (e == NM_ENOTFOUND)
			log_warnx("%s: no such file", path);
		goto out;
	}
	if (memchr(text.data, '\0', text.len) != NULL) {
		log_warnx("%s: a NUL byte: not a text file", path);
		goto out;
	}
	rc = 0;
	p = text.data;
	/* A UTF-8 byte order mark, as some editors write. */
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (*p != '\0') {
		ln++;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (strlen(p) > CONF_LINE_MAX) {
			log_at(path, ln, "line longer than %d bytes",
			    CONF_LINE_MAX);
			rc = -1;
		} else if (line_do(c, use, ln, p, &sect, seen) != 0)
			rc = -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
out:
	buf_free(&text);
	return rc;
}

const char *
conf_str(const struct conf *c, enum conf_id id)
{
	assert(id < CONF_ID_MAX);
	return c->v[id].s;
}

long
conf_num(const struct conf *c, enum conf_id id)
{
	assert(id < CONF_ID_MAX);
	return c->v[id].n;
}

enum conf_from
conf_from(const struct conf *c, enum conf_id id)
{
	assert(id < CONF_ID_MAX);
	return c->v[id].from;
}

void
conf_warn(const struct conf *c, enum conf_id id, const char *fmt, ...)
{
	const struct conf_val	*val = &c->v[id];
	va_list			 ap;
	char			 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (val->from == CONF_FILE)
		log_at(c->path, val->line, "%s = %s: %s", conf_key(id),
		    val->s, msg);
	else if (val->from == CONF_ARG)
		log_warnx("%s %s: %s", val->opt, val->s, msg);
	else
		log_warnx("%s%s%s: %s", conf_key(id),
		    val->s != NULL ? " " : "", val->s != NULL ? val->s : "",
		    msg);
}

/*
 * conf_serve_opts() and conf_check_opts(): repo is NULL for serve, which
 * refuses --repo.
 */
static int
opts(struct conf *c, int argc, char *argv[], const char **config,
    const char **repo, int *flags)
{
	enum { O_RATE = 256, O_WINDOW, O_BURST, O_NORATE, O_BRATE, O_BBURST,
	    O_NOBUCKET, O_PRATE, O_PBURST, O_PBRATE, O_PBBURST, O_CONNSRC,
	    O_CONNMAX, O_SPENT, O_STDERR, O_REPO };
	/* Options that set a value: the long name is the option. */
	static const struct {
		int		 ch;
		enum conf_id	 id;
		const char	*opt;
	} vals[] = {
		{ O_RATE, CONF_RATE, "--rate" },
		{ O_WINDOW, CONF_RATE_WINDOW, "--rate-window" },
		{ O_BURST, CONF_RATE_BURST, "--rate-burst" },
		{ O_BRATE, CONF_BUCKET_RATE, "--bucket-rate" },
		{ O_BBURST, CONF_BUCKET_BURST, "--bucket-burst" },
		{ O_PRATE, CONF_PAGE_RATE, "--page-rate" },
		{ O_PBURST, CONF_PAGE_BURST, "--page-burst" },
		{ O_PBRATE, CONF_PAGE_BUCKET_RATE, "--page-bucket-rate" },
		{ O_PBBURST, CONF_PAGE_BUCKET_BURST, "--page-bucket-burst" },
		{ O_CONNSRC, CONF_CONN_PER_SOURCE, "--conn-per-source" },
		{ O_CONNMAX, CONF_MAX_CONNECTIONS, "--max-connections" },
		{ O_SPENT, CONF_SPENT_TOKENS, "--spent-tokens" },
		{ 'i', CONF_INBOX, "-i" },
		{ 'k', CONF_RECIPIENTS, "-k" },
		{ 'l', CONF_LISTEN, "-l" },
		{ 'o', CONF_ORIGIN, "-o" },
		{ 't', CONF_TAXONOMY, "-t" },
		{ 'T', CONF_THEME, "-T" },
		{ 'u', CONF_USER, "-u" },
	};
	static const struct option longopts[] = {
		{ "rate", required_argument, NULL, O_RATE },
		{ "rate-window", required_argument, NULL, O_WINDOW },
		{ "rate-burst", required_argument, NULL, O_BURST },
		{ "no-rate-limit", no_argument, NULL, O_NORATE },
		{ "bucket-rate", required_argument, NULL, O_BRATE },
		{ "bucket-burst", required_argument, NULL, O_BBURST },
		{ "no-bucket-limit", no_argument, NULL, O_NOBUCKET },
		{ "page-rate", required_argument, NULL, O_PRATE },
		{ "page-burst", required_argument, NULL, O_PBURST },
		{ "page-bucket-rate", required_argument, NULL, O_PBRATE },
		{ "page-bucket-burst", required_argument, NULL, O_PBBURST },
		{ "conn-per-source", required_argument, NULL, O_CONNSRC },
		{ "max-connections", required_argument, NULL, O_CONNMAX },
		{ "spent-tokens", required_argument, NULL, O_SPENT },
		{ "theme", required_argument, NULL, 'T' },
		{ "log-stderr", no_argument, NULL, O_STDERR },
		{ "repo", required_argument, NULL, O_REPO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t	 i;
	int	 ch, e;

	*config = NULL;
	if (repo != NULL)
		*repo = NULL;
	*flags = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:hi:k:l:o:t:T:u:", longopts,
	    NULL)) != -1) {
		for (i = 0; i < NM_NELEM(vals) && vals[i].ch != ch; i++)
			continue;
		if (i < NM_NELEM(vals))
			e = conf_arg(c, vals[i].id, optarg, vals[i].opt);
		else if (ch == 'c') {
			*config = optarg;
			e = 0;
		} else if (ch == 'h') {
			*flags |= CONF_F_HELP;
			return 0;
		} else if (ch == O_NORATE)
			e = conf_arg(c, CONF_RATE_LIMIT, "off",
			    "--no-rate-limit");
		else if (ch == O_NOBUCKET)
			e = conf_arg(c, CONF_BUCKET_LIMIT, "off",
			    "--no-bucket-limit");
		else if (ch == O_STDERR) {
			*flags |= CONF_F_LOG_STDERR;
			e = 0;
		} else if (ch == O_REPO && repo != NULL) {
			*repo = optarg;
			e = 0;
		} else if (ch == O_REPO) {
			log_warnx("--repo: only check takes it");
			return -1;
		} else
			return -1;
		if (e != 0)
			return -1;
	}
	return 0;
}

int
conf_serve_opts(struct conf *c, int argc, char *argv[], const char **config,
    int *flags)
{
	return opts(c, argc, argv, config, NULL, flags);
}

int
conf_check_opts(struct conf *c, int argc, char *argv[], const char **config,
    const char **repo, int *flags)
{
	return opts(c, argc, argv, config, repo, flags);
}
