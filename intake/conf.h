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
 * The one reader of nearmiss-intake's configuration file (-c): a table
 * of (section, key, type, range) and one struct conf of values, filled
 * from the command line first and then from the file, whose keys never
 * override an option.  Every sub-command reads the whole file, checks
 * every section and key, and keeps the sections it uses.
 */

#ifndef NM_CONF_H
#define NM_CONF_H

/* The sections; a command passes those it uses to conf_read(). */
#define CONF_S_INTAKE	0x01	/* shared: inbox, recipients, ... */
#define CONF_S_SERVE	0x02
#define CONF_S_MAIL	0x04
#define CONF_S_IMAP	0x08
#define CONF_S_ALL	0x0f

/*
 * Every value a command can be given.  inbox, recipients, taxonomy
 * and user come from [intake], or for serve from [serve], which wins.
 */
enum conf_id {
	CONF_INBOX,
	CONF_RECIPIENTS,
	CONF_TAXONOMY,
	CONF_USER,
	CONF_LISTEN,		/* [serve] */
	CONF_ORIGIN,
	CONF_RATE,
	CONF_RATE_WINDOW,
	CONF_RATE_BURST,
	CONF_RATE_LIMIT,
	CONF_BUCKET_RATE,
	CONF_BUCKET_BURST,
	CONF_BUCKET_LIMIT,
	CONF_PAGE_RATE,
	CONF_PAGE_BURST,
	CONF_PAGE_BUCKET_RATE,
	CONF_PAGE_BUCKET_BURST,
	CONF_CONN_PER_SOURCE,
	CONF_MAX_CONNECTIONS,
	CONF_SPENT_TOKENS,
	CONF_THEME,
	CONF_REPLY,		/* [mail] */
	CONF_SENDMAIL,
	CONF_REPLY_FROM,
	CONF_IMAP_HOST,		/* [imap] */
	CONF_IMAP_PORT,
	CONF_IMAP_USER,
	CONF_IMAP_PASSWORD_FILE,
	CONF_IMAP_PIN,
	CONF_IMAP_MAILBOX,
	CONF_IMAP_POLL,
	CONF_IMAP_TLS,
	CONF_ID_MAX
};

/* Where a value came from. */
enum conf_from {
	CONF_UNSET,		/* no value and no default */
	CONF_DEFAULT,
	CONF_FILE,
	CONF_ARG,		/* the command line */
	CONF_FROM_MAX
};

struct conf_val {
	char		*s;	/* the text, NULL when unset */
	long		 n;	/* integers; on/off as 1/0 */
	enum conf_from	 from;
	unsigned long	 line;	/* CONF_FILE: its line */
	int		 rank;	/* CONF_FILE: 2 own section, 1 [intake] */
	const char	*opt;	/* CONF_ARG: the option, for messages */
};

struct conf {
	const char	*path;	/* the -c file, or NULL */
	struct conf_val	 v[CONF_ID_MAX];
};

/* Sets the defaults (listen, origin, rates, ports...).  No failure. */
void	conf_init(struct conf *);
/* Frees the strings.  The struct may be conf_init()ed again. */
void	conf_free(struct conf *);

/*
 * A value from the command line: opt is the option as given ("-i",
 * "--rate"), for the message.  Checked as the file's key would be
 * (on/off for the switches: "--no-rate-limit" is
 * conf_arg(c, CONF_RATE_LIMIT, "off", ...)).  Returns 0, or -1 (logged
 * as "OPT: what"): a usage error.
 */
int	conf_arg(struct conf *, enum conf_id, const char *v,
	    const char *opt);

/*
 * Reads the INI file path (at most 64 KiB, lines of at most 1024
 * bytes): "[section]", "key = value", comments from ';' or '#' at the
 * start of a line or ';' after a blank.  Every problem is logged as
 * "path:line: what" (unknown section, unknown key, bad value,
 * duplicate key; "pin" alone may repeat, its values add up), and the
 * whole file is read so that all of them are.  Values of the sections
 * in use (CONF_S_*) are kept unless the command line gave them; the
 * others are only checked.  Returns 0, or -1 if there was a problem.
 */
int	conf_read(struct conf *, const char *path, unsigned int use);

/* The text of a value, or NULL if unset.  Borrowed from c. */
const char *conf_str(const struct conf *, enum conf_id);
/* The number of an integer or on/off value (0 if unset). */
long	conf_num(const struct conf *, enum conf_id);
/* Where a value came from. */
enum conf_from conf_from(const struct conf *, enum conf_id);
/* The key's name ("inbox", "rate_window") and section ("serve"). */
const char *conf_key(enum conf_id);
const char *conf_section(enum conf_id);

/*
 * Logs a problem with a value, prefixed with where it came from:
 * "path:line: key = value: " for the file, "OPT value: " or "key: "
 * otherwise.  fmt is what is wrong (and the fix).
 */
void	conf_warn(const struct conf *, enum conf_id, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* What conf_serve_opts() found besides values. */
#define CONF_F_HELP		0x01	/* -h, --help */
#define CONF_F_LOG_STDERR	0x02	/* --log-stderr */

/*
 * The options of serve, which check takes too: -c CONFIG, -l, -i, -k,
 * -t, -T, -u, -o, --rate, --rate-window, --rate-burst, --no-rate-limit,
 * --bucket-rate, --bucket-burst, --no-bucket-limit, --page-rate,
 * --page-burst, --page-bucket-rate, --page-bucket-burst,
 * --conn-per-source, --max-connections, --spent-tokens, --theme,
 * --log-stderr, -h.
 * argv[0] is the command's name.  Sets *config (NULL without -c) and
 * *flags; stops at -h.  Returns 0, or -1 on a usage error (logged).
 * A new option of serve is one more row here and in its synopsis
 * (intake/main.c).
 */
int	conf_serve_opts(struct conf *, int argc, char *argv[],
	    const char **config, int *flags);
/*
 * The options of check: those of serve, and --repo DIR (the content
 * repository's clone, or its nearmiss.ini, to compare the taxonomy
 * with), set in *repo (NULL without it).  serve refuses --repo.
 */
int	conf_check_opts(struct conf *, int argc, char *argv[],
	    const char **config, const char **repo, int *flags);

#define CONF_PINS_MAX	8
#define CONF_PIN_BYTES	32	/* SHA-256 */

/*
 * Parses the "pin" value v: one or more "sha256:HEX" (64 hex digits,
 * colons allowed as openssl -fingerprint prints them), separated by
 * blanks or commas, at most CONF_PINS_MAX.  The pins go to out and
 * their number to *nout (either may be NULL: a check only).  Returns 0,
 * or -1 with what is wrong in err (not logged).
 */
int	conf_pins(unsigned char (*out)[CONF_PIN_BYTES], size_t *nout,
	    const char *v, char *err, size_t errsz);

/*
 * An origin as browsers send it: http or https, a host name or address
 * literal, an optional port, nothing after.  1 if so, else 0.
 */
int	conf_origin_ok(const char *);
/* ADDR:PORT ([v6]:PORT) with a numeric address.  1 if so, else 0. */
int	conf_addr_ok(const char *);

#endif /* NM_CONF_H */
