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
 * nearmiss.ini reader.  libinih does the INI syntax; we feed it lines
 * through our own reader so that every message carries a line number,
 * and reject unknown sections and keys, bad slugs and duplicates, and
 * malformed synonym groups.
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "utf8.h"

#define CONFIG_MAX	(256 * 1024)
#define LABEL_MAX	200

struct ini_state {
	const char	*path;
	const char	*p, *end;
	unsigned long	 line;
	int		 errors;
	struct config	*cfg;
	unsigned int	 seen;	/* bitmask of [site] keys already set */
	int		 badsect;	/* in an unknown section */
};

/* A phrase of [synonyms] in its syn_fold() form, and its group. */
struct syn_ent {
	char	*key;
	size_t	 group;
};

static const char *const tax_names[TAX_MAX] = {
	"incident_type", "contributing_factors", "loss_potential",
	"agency_type", "region", "time_of_day", "lighting", "weather",
};

static char	*ini_read(char *, int, void *);
static void	 ini_check_line(struct ini_state *, const char *);
static int	 ini_handle(void *, const char *, const char *, const char *);
static int	 site_key(struct ini_state *, const char *, const char *);
static int	 syn_key(struct ini_state *, const char *, const char *);
static int	 pin_key(struct ini_state *, const char *, const char *);
static void	 syn_fold(char *, const char *);
static int	 syn_dups(struct config *, const char *);

const char *
config_tax_name(enum tax_id t)
{
	return tax_names[t];
}

int
slug_valid(const char *s)
{
	size_t	 n = 0;
	int	 prev_dash = 1;

	for (; *s != '\0'; s++, n++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			prev_dash = 0;
		else if (*s == '-' && !prev_dash)
			prev_dash = 1;
		else
			return 0;
	}
	return n > 0 && n <= 48 && !prev_dash;
}

/* An fgets() over the in-memory text that counts lines. */
static char *
ini_read(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	size_t	 n = 0;

	if (st->p >= st->end)
		return NULL;
	st->line++;
	while (st->p < st->end && n + 1 < (size_t)num) {
		str[n++] = *st->p;
		if (*st->p++ == '\n')
			break;
	}
	str[n] = '\0';
	if (memchr(str, '\0', n) != NULL) {
		log_at(st->path, st->line, "contains a NUL byte");
		st->errors++;
		str[0] = ';';
		str[1] = '\0';
		return str;
	}
	if (n + 1 == (size_t)num && str[n - 1] != '\n') {
		log_at(st->path, st->line, "line longer than %d bytes",
		    num - 3);
		st->errors++;
		/* Skip the rest of the overlong line. */
		while (st->p < st->end && *st->p++ != '\n')
			;
		str[0] = ';';
		str[1] = '\0';
		return str;
	}
	ini_check_line(st, str);
	return str;
}

/*
 * Checks the shape of one line before libinih sees it, so that every
 * syntax error and unknown section is reported on its own line.
 */
static void
ini_check_line(struct ini_state *st, const char *line)
{
	const char	*p = line, *e;
	size_t		 n;
	int		 t;

	/* libinih skips a UTF-8 byte order mark at the start. */
	if (st->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\r\n");
	if (n == 0 || *p == ';' || *p == '#')
		return;
	if (*p == '[') {
		if ((e = memchr(p, ']', n)) == NULL) {
			log_at(st->path, st->line, "syntax error: a section "
			    "header needs a closing ]");
			st->errors++;
			return;
		}
		st->badsect = 0;
		if ((size_t)(e - p - 1) == 4 && strncmp(p + 1, "site", 4) == 0)
			return;
		if ((size_t)(e - p - 1) == 8 &&
		    strncmp(p + 1, "synonyms", 8) == 0)
			return;
		if ((size_t)(e - p - 1) == 18 &&
		    strncmp(p + 1, "report_of_the_week", 18) == 0)
			return;
		for (t = 0; t < TAX_MAX; t++)
			if (strlen(tax_names[t]) == (size_t)(e - p - 1) &&
			    strncmp(p + 1, tax_names[t], (size_t)(e - p - 1)) ==
			    0)
				return;
		log_at(st->path, st->line, "unknown section [%.*s]",
		    (int)(e - p - 1 > 64 ? 64 : e - p - 1), p + 1);
		st->errors++;
		st->badsect = 1;
		return;
	}
	if (memchr(p, '=', n) == NULL && memchr(p, ':', n) == NULL) {
		log_at(st->path, st->line, "syntax error: expected [section] "
		    "or key = value");
		st->errors++;
	}
}

static int
parse_int(struct ini_state *st, const char *key, const char *v, int lo,
    int hi, int *out)
{
	char	*end;
	long	 l;

	errno = 0;
	l = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || l < lo || l > hi) {
		log_at(st->path, st->line, "%s: expected a number from %d "
		    "to %d, got \"%s\"", key, lo, hi, v);
		st->errors++;
		return -1;
	}
	*out = (int)l;
	return 0;
}

/* 1 if s has only characters a URL may hold unescaped (RFC 3986). */
static int
url_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("\"'<>\\^`{|}", *s) != NULL)
			return 0;
	return 1;
}

static int
site_key(struct ini_state *st, const char *key, const char *v)
{
	static const char *const keys[] = {
		"title", "description", "base_url", "intake_url",
		"intake_email", "language", "per_page", "feed_items",
		"home_items", "min_approvals", "min_count", "data_licence",
		"data_licence_url",
	};
	struct config	*c = st->cfg;
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		log_at(st->path, st->line, "[site]: unknown key \"%s\"", key);
		st->errors++;
		return 0;
	}
	if (st->seen & (1u << i)) {
		log_at(st->path, st->line, "[site]: \"%s\" set twice", key);
		st->errors++;
		return 0;
	}
	st->seen |= 1u << i;
	if (strlen(v) > LABEL_MAX) {
		log_at(st->path, st->line, "[site]: %s longer than %d bytes",
		    key, LABEL_MAX);
		st->errors++;
		return 0;
	}
	switch (i) {
	case 0:
		c->title = xstrdup(v);
		break;
	case 1:
		c->description = xstrdup(v);
		break;
	case 2:
		if ((strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0) || !url_chars(v)) {
			log_at(st->path, st->line, "[site]: base_url must be "
			    "an absolute http or https URL (no spaces, quotes "
			    "or angle brackets)");
			st->errors++;
			break;
		}
		buf_addstr(&b, v);
		if (b.len == 0 || b.data[b.len - 1] != '/')
			buf_addch(&b, '/');
		c->base_url = buf_detach(&b, NULL);
		break;
	case 3:
		if (!url_chars(v)) {
			log_at(st->path, st->line, "[site]: intake_url: not "
			    "a URL (no spaces, quotes or angle brackets)");
			st->errors++;
			break;
		}
		c->intake_url = xstrdup(v);
		break;
	case 4:
		c->intake_email = xstrdup(v);
		break;
	case 5:
		c->language = xstrdup(v);
		break;
	case 6:
		parse_int(st, key, v, 1, 1000, &c->per_page);
		break;
	case 7:
		parse_int(st, key, v, 1, 1000, &c->feed_items);
		break;
	case 8:
		parse_int(st, key, v, 1, 1000, &c->home_items);
		break;
	case 9:
		/* Never below 1: gen publishes approved reports only. */
		parse_int(st, key, v, 1, APPROVALS_MIN_MAX,
		    &c->min_approvals);
		break;
	case 10:
		parse_int(st, key, v, 1, 1000, &c->min_count);
		break;
	case 11:
		c->data_licence = xstrdup(v);
		break;
	case 12:
		if ((strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0) || !url_chars(v)) {
			log_at(st->path, st->line, "[site]: data_licence_url "
			    "must be an absolute http or https URL (no spaces, "
			    "quotes or angle brackets)");
			st->errors++;
			break;
		}
		c->data_licence_url = xstrdup(v);
		break;
	}
	return 1;
}

/*
 * One [synonyms] line: name = phrase, phrase, ...  Every problem of the
 * line is logged; a line with any is dropped.
 */
static int
syn_key(struct ini_state *st, const char *name, const char *v)
{
	struct config	*c = st->cfg;
	struct syn_group g;
	const char	*p, *e, *q, *end;
	size_t		 i, n, words;
	uint32_t	 cp;
	int		 l, errors = 0, inword;

	memset(&g, 0, sizeof(g));
	if (!slug_valid(name)) {
		log_at(st->path, st->line, "[synonyms]: \"%.64s\" is not a "
		    "valid group name (lowercase letters, digits and single "
		    "hyphens, at most 48)", name);
		st->errors++;
		return 1;
	}
	for (i = 0; i < c->nsyn; i++)
		if (strcmp(c->syn[i].name, name) == 0) {
			log_at(st->path, st->line, "[synonyms]: \"%s\" "
			    "defined twice", name);
			st->errors++;
			return 1;
		}
	if (c->nsyn >= SYN_GROUPS_MAX) {
		log_at(st->path, st->line, "[synonyms]: more than %d groups",
		    SYN_GROUPS_MAX);
		st->errors++;
		return 1;
	}
	end = v + strlen(v);
	for (q = v; q < end; q += l)
		if ((l = utf8_decode(&cp, q, (size_t)(end - q))) == -1 ||
		    cp < 0x20 || cp == 0x7f) {
			log_at(st->path, st->line, "[synonyms]: %s: invalid "
			    "UTF-8 or a control character", name);
			st->errors++;
			return 1;
		}
	g.name = xstrdup(name);
	g.line = st->line;
	for (p = v;; p = e + 1) {
		if ((e = strchr(p, ',')) == NULL)
			e = end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		words = 0;
		inword = 0;
		for (i = 0; i < n; i++) {
			if (p[i] == ' ' || p[i] == '\t' || p[i] == '-')
				inword = 0;
			else if (!inword) {
				inword = 1;
				words++;
			}
		}
		if (words == 0) {
			log_at(st->path, st->line, "[synonyms]: %s: empty "
			    "phrase", name);
			errors++;
		} else if (n > SYN_PHRASE_MAX || words > SYN_WORDS_MAX) {
			log_at(st->path, st->line, "[synonyms]: %s: phrase "
			    "\"%.*s\" longer than %d words or %d bytes", name,
			    (int)(n > 64 ? 64 : n), p, SYN_WORDS_MAX,
			    SYN_PHRASE_MAX);
			errors++;
		} else if (g.nphrases == SYN_PHRASES_MAX) {
			log_at(st->path, st->line, "[synonyms]: %s: more "
			    "than %d phrases", name, SYN_PHRASES_MAX);
			errors++;
			break;
		} else {
			g.phrases = xreallocarray(g.phrases, g.nphrases + 1,
			    sizeof(*g.phrases));
			g.phrases[g.nphrases++] = xstrndup(p, n);
		}
		if (e == end)
			break;
	}
	if (errors > 0) {
		st->errors += errors;
		for (i = 0; i < g.nphrases; i++)
			free(g.phrases[i]);
		free(g.phrases);
		free(g.name);
		return 1;
	}
	c->syn = xreallocarray(c->syn, c->nsyn + 1, sizeof(*c->syn));
	c->syn[c->nsyn++] = g;
	return 1;
}

/*
 * The form of a phrase that duplicates are found by: ASCII lowercase,
 * each run of spaces, tabs and hyphens one space.  out has room for
 * strlen(s) + 1 bytes.
 */
static void
syn_fold(char *out, const char *s)
{
	int	 sep = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '-') {
			sep = 1;
			continue;
		}
		if (sep)
			*out++ = ' ';
		sep = 0;
		*out++ = (*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s;
	}
	*out = '\0';
}

static int
syn_ent_cmp(const void *a, const void *b)
{
	const struct syn_ent *x = a, *y = b;
	int	 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->group < y->group ? -1 : x->group > y->group;
}

/*
 * Logs each phrase that is in two groups, or twice in one, at the line
 * of the later group; returns the number of such errors.  Sorted, so
 * that 16,000 phrases cost no quadratic time.
 */
static int
syn_dups(struct config *c, const char *path)
{
	struct syn_ent	*v;
	size_t		 i, j, n = 0;
	int		 errors = 0;

	for (i = 0; i < c->nsyn; i++)
		n += c->syn[i].nphrases;
	if (n == 0)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	n = 0;
	for (i = 0; i < c->nsyn; i++)
		for (j = 0; j < c->syn[i].nphrases; j++) {
			v[n].key = xmalloc(strlen(c->syn[i].phrases[j]) + 1);
			syn_fold(v[n].key, c->syn[i].phrases[j]);
			v[n++].group = i;
		}
	qsort(v, n, sizeof(*v), syn_ent_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(v[i - 1].key, v[i].key) == 0) {
			log_at(path, c->syn[v[i].group].line, "[synonyms]: "
			    "\"%s\" is %s group \"%s\"", v[i].key,
			    v[i - 1].group == v[i].group ? "twice in" :
			    "also in", c->syn[v[i - 1].group].name);
			errors++;
		}
	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
	return errors;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long
days_from_civil(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* y-m-d of day z since 1970-01-01. */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long	 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day number of the Monday of ISO week 1 of year y. */
static long
week1_monday(int y)
{
	long	 jan4 = days_from_civil(y, 1, 4);
	long	 wd = ((jan4 + 3) % 7 + 7) % 7;	/* 0 = Monday */

	return jan4 - wd;
}

int
iso_week(int y, int m, int d)
{
	long	 z = days_from_civil(y, m, d);
	int	 wy = y;

	if (z < week1_monday(y))
		wy = y - 1;
	else if (z >= week1_monday(y + 1))
		wy = y + 1;
	return wy * 100 + (int)((z - week1_monday(wy)) / 7) + 1;
}

int
iso_monday(int w, int *y, int *m, int *d)
{
	int	 wy = w / 100, ww = w % 100;
	long	 z;

	if (ww < 1 || ww > 53)
		return -1;
	z = week1_monday(wy) + (long)(ww - 1) * 7;
	if (z >= week1_monday(wy + 1))
		return -1;
	civil_from_days(z, y, m, d);
	return 0;
}

/*
 * 1 if s is a valid report id, the rule of report_id_valid() (report.h),
 * which config.o cannot call without pulling libyaml into intake.
 */
static int
pin_id_ok(const char *s)
{
	size_t	 n = strlen(s), i;
	int	 digit = 0;

	if (n < 3 || n > 32 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = 1;
		else if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	}
	return digit;
}

/*
 * One [report_of_the_week] line: YYYY-Www = report-id.  A bad line is
 * logged and dropped.
 */
static int
pin_key(struct ini_state *st, const char *week, const char *id)
{
	struct config	*c = st->cfg;
	size_t		 i;
	int		 w, y, m, d;

	if (strlen(week) != 8 || week[4] != '-' || week[5] != 'W' ||
	    strspn(week, "0123456789") != 4 ||
	    strspn(week + 6, "0123456789") != 2 || (w = atoi(week) * 100 +
	    atoi(week + 6)) / 100 < 1900 ||
	    iso_monday(w, &y, &m, &d) != 0) {
		log_at(st->path, st->line, "[report_of_the_week]: \"%.32s\" "
		    "is not an ISO 8601 week (YYYY-Www, e.g. 2026-W49; week "
		    "53 only in the years that have one)", week);
		st->errors++;
		return 1;
	}
	if (!pin_id_ok(id)) {
		log_at(st->path, st->line, "[report_of_the_week]: %s: "
		    "\"%.64s\" is not a report id (e.g. 2026-0042)", week, id);
		st->errors++;
		return 1;
	}
	for (i = 0; i < c->npins; i++)
		if (c->pins[i].week == w) {
			log_at(st->path, st->line, "[report_of_the_week]: %s "
			    "pinned twice (first on line %lu)", week,
			    c->pins[i].line);
			st->errors++;
			return 1;
		}
	if (c->npins >= PINS_MAX) {
		log_at(st->path, st->line, "[report_of_the_week]: more than "
		    "%d weeks", PINS_MAX);
		st->errors++;
		return 1;
	}
	c->pins = xreallocarray(c->pins, c->npins + 1, sizeof(*c->pins));
	c->pins[c->npins].week = w;
	c->pins[c->npins].id = xstrdup(id);
	c->pins[c->npins].line = st->line;
	c->npins++;
	return 1;
}

static int
pin_cmp(const void *a, const void *b)
{
	const struct pin *x = a, *y = b;

	return x->week < y->week ? -1 : x->week > y->week;
}

static int
ini_handle(void *user, const char *section, const char *name,
    const char *value)
{
	struct ini_state *st = user;
	struct taxonomy	*t;
	size_t		 i;
	int		 ti;

	if (strcmp(section, "site") == 0)
		return site_key(st, name, value);
	if (strcmp(section, "synonyms") == 0)
		return syn_key(st, name, value);
	if (strcmp(section, "report_of_the_week") == 0)
		return pin_key(st, name, value);
	for (ti = 0; ti < TAX_MAX; ti++)
		if (strcmp(section, tax_names[ti]) == 0)
			break;
	if (ti == TAX_MAX) {
		/* Reported on the section's line by ini_check_line(). */
		if (!st->badsect) {
			log_at(st->path, st->line, "key outside a known "
			    "section");
			st->errors++;
		}
		return 1;
	}
	t = &st->cfg->tax[ti];
	if (!slug_valid(name)) {
		log_at(st->path, st->line, "[%s]: \"%s\" is not a valid slug "
		    "(lowercase letters, digits and single hyphens, at most "
		    "48)", section, name);
		st->errors++;
		return 1;
	}
	if (*value == '\0' || strlen(value) > LABEL_MAX) {
		log_at(st->path, st->line, "[%s]: %s: the label must be 1 to "
		    "%d bytes", section, name, LABEL_MAX);
		st->errors++;
		return 1;
	}
	for (i = 0; i < t->nterms; i++)
		if (strcmp(t->terms[i].slug, name) == 0) {
			log_at(st->path, st->line, "[%s]: \"%s\" defined "
			    "twice", section, name);
			st->errors++;
			return 1;
		}
	t->terms = xreallocarray(t->terms, t->nterms + 1, sizeof(*t->terms));
	t->terms[t->nterms].slug = xstrdup(name);
	t->terms[t->nterms].label = xstrdup(value);
	t->nterms++;
	return 1;
}

int
config_parse(struct config *out, const char *path, const char *text,
    size_t len)
{
	struct ini_state st;
	int		 rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.path = path;
	st.p = text;
	st.end = text + len;
	st.cfg = out;
	if (len > CONFIG_MAX) {
		log_at(path, 0, "larger than %d bytes", CONFIG_MAX);
		return -1;
	}
	rc = ini_parse_stream(ini_read, &st, ini_handle, &st);
	if (rc > 0 && st.errors == 0) {
		/* A syntax error inih found that ini_check_line() did not. */
		log_at(path, (unsigned long)rc, "syntax error");
		st.errors++;
	} else if (rc < 0) {
		log_at(path, 0, "out of memory while parsing");
		st.errors++;
	}
	/* A key given with a bad value was reported on its line already. */
	if (out->title == NULL && !(st.seen & 1u << 0)) {
		log_at(path, 0, "[site]: title is required");
		st.errors++;
	}
	if (out->base_url == NULL && !(st.seen & 1u << 2)) {
		log_at(path, 0, "[site]: base_url is required");
		st.errors++;
	}
	for (rc = 0; rc < TAX_LOSS + 1; rc++)
		if (out->tax[rc].nterms == 0) {
			log_at(path, 0, "[%s]: at least one value is required",
			    tax_names[rc]);
			st.errors++;
		}
	st.errors += syn_dups(out, path);
	if (out->npins > 1)
		qsort(out->pins, out->npins, sizeof(*out->pins), pin_cmp);
	if (out->description == NULL)
		out->description = xstrdup("");
	if (out->intake_url == NULL)
		out->intake_url = xstrdup("");
	if (out->intake_email == NULL)
		out->intake_email = xstrdup("");
	if (out->language == NULL)
		out->language = xstrdup("en");
	if (out->per_page == 0)
		out->per_page = 25;
	if (out->feed_items == 0)
		out->feed_items = 50;
	if (out->home_items == 0)
		out->home_items = 12;
	if (out->min_approvals == 0)
		out->min_approvals = 2;
	if (out->min_count == 0)
		out->min_count = 3;
	if (out->data_licence == NULL && out->data_licence_url == NULL) {
		out->data_licence = xstrdup("CC BY 4.0");
		out->data_licence_url = xstrdup(
		    "https://creativecommons.org/licenses/by/4.0/");
	}
	if (out->data_licence == NULL)
		out->data_licence = xstrdup("");
	if (out->data_licence_url == NULL)
		out->data_licence_url = xstrdup("");
	if (st.errors > 0) {
		config_free(out);
		return -1;
	}
	return 0;
}

void
config_free(struct config *c)
{
	size_t	 i;
	int	 t;

	if (c == NULL)
		return;
	free(c->title);
	free(c->description);
	free(c->base_url);
	free(c->intake_url);
	free(c->intake_email);
	free(c->data_licence);
	free(c->data_licence_url);
	free(c->language);
	for (t = 0; t < TAX_MAX; t++) {
		for (i = 0; i < c->tax[t].nterms; i++) {
			free(c->tax[t].terms[i].slug);
			free(c->tax[t].terms[i].label);
		}
		free(c->tax[t].terms);
	}
	for (i = 0; i < c->nsyn; i++) {
		for (t = 0; (size_t)t < c->syn[i].nphrases; t++)
			free(c->syn[i].phrases[t]);
		free(c->syn[i].phrases);
		free(c->syn[i].name);
	}
	free(c->syn);
	for (i = 0; i < c->npins; i++)
		free(c->pins[i].id);
	free(c->pins);
	memset(c, 0, sizeof(*c));
}

int
config_term(const struct config *c, enum tax_id t, const char *slug)
{
	size_t	 i;

	for (i = 0; i < c->tax[t].nterms; i++)
		if (strcmp(c->tax[t].terms[i].slug, slug) == 0)
			return (int)i;
	return -1;
}
