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
 * Front-matter reader and report validation.  libyaml is driven through
 * its event API only (never yaml_parser_load), and every event passes the
 * same checks: no alias, no anchor, no explicit tag, depth and size caps.
 * The values of the report fields go through lib/field.c's checks, and
 * its table says which are required.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "field.h"
#include "log.h"
#include "report.h"
#include "utf8.h"

enum fm_key {
	K_ID, K_TITLE, K_EVENT_DATE, K_PUBLISHED, K_INCIDENT_TYPE,
	K_FACTORS, K_LOSS, K_OFFICERS, K_ENVIRONMENT, K_AGENCY, K_REGION,
	K_SUMMARY, K_DISCUSSION, K__MAX
};

/* The keys that are not report fields; the others are field_get()'s. */
static const char *const fm_keys[K__MAX] = {
	[K_ID] = "id", [K_PUBLISHED] = "published",
	[K_ENVIRONMENT] = "environment", [K_DISCUSSION] = "discussion",
};

/*
 * The report field (lib/field.h) of each key, or -1: id, published and
 * discussion are set by reviewers, environment holds three fields.
 */
static const int fm_field[K__MAX] = {
	[K_ID] = -1,
	[K_TITLE] = RECORD_TITLE,
	[K_EVENT_DATE] = RECORD_EVENT_DATE,
	[K_PUBLISHED] = -1,
	[K_INCIDENT_TYPE] = RECORD_INCIDENT_TYPE,
	[K_FACTORS] = RECORD_CONTRIBUTING_FACTORS,
	[K_LOSS] = RECORD_LOSS_POTENTIAL,
	[K_OFFICERS] = RECORD_OFFICERS_ON_SCENE,
	[K_ENVIRONMENT] = -1,
	[K_AGENCY] = RECORD_AGENCY_TYPE,
	[K_REGION] = RECORD_REGION,
	[K_SUMMARY] = RECORD_SUMMARY,
	[K_DISCUSSION] = -1,
};

struct fm {
	yaml_parser_t		 parser;
	const char		*text;	/* the front matter block */
	size_t			 len;
	const char		*path;
	unsigned long		 line0;	/* file line of the block's first line */
	const struct config	*cfg;
	struct report		*r;
	int			 depth;
	int			 errors;
	int			 fatal;	/* stop reading events */
	unsigned int		 seen;
	unsigned long		 line_of[K__MAX];
};

static int	fm_next(struct fm *, yaml_event_t *);
static void	fm_err(struct fm *, const yaml_event_t *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	fm_value(struct fm *, enum fm_key, const yaml_event_t *);
static void	fm_seq(struct fm *, enum fm_key, const yaml_event_t *);
static void	fm_map(struct fm *, enum fm_key, const yaml_event_t *);
static void	fm_skip(struct fm *, const yaml_event_t *);
static int	fm_parse(struct fm *);
static const char *fm_name(enum fm_key);
static int	fm_required(enum fm_key);
static int	find_bidi(const char *, const char *, size_t);

/* Newlines in the first n bytes of s. */
static unsigned long
count_lines(const char *s, size_t n)
{
	unsigned long	 lines = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines;
}

static unsigned long
ev_line(const struct fm *f, const yaml_event_t *ev)
{
	return f->line0 + (unsigned long)ev->start_mark.line;
}

static void
fm_err(struct fm *f, const yaml_event_t *ev, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_at(f->path, ev != NULL ? ev_line(f, ev) : f->line0, "%s", msg);
	f->errors++;
}

/* Fetches the next event and applies the checks every event must pass. */
static int
fm_next(struct fm *f, yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	if (!yaml_parser_parse(&f->parser, ev)) {
		unsigned long line = f->line0 +
		    (unsigned long)f->parser.problem_mark.line;

		/* Reader errors (encoding) give an offset, not a mark. */
		if (f->parser.error == YAML_READER_ERROR)
			line = f->line0 + count_lines(f->text,
			    f->parser.problem_offset);
		log_at(f->path, line,
		    "front matter: %s%s%s", f->parser.problem ?
		    f->parser.problem : "YAML syntax error",
		    f->parser.context ? " " : "",
		    f->parser.context ? f->parser.context : "");
		f->errors++;
		f->fatal = 1;
		return -1;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		fm_err(f, ev, "front matter: aliases are not allowed");
		goto bad;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		if (ev->data.scalar.length > REPORT_SCALAR_MAX) {
			fm_err(f, ev, "front matter: value longer than %d "
			    "bytes", REPORT_SCALAR_MAX);
			goto bad;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		f->depth++;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		f->depth++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f->depth--;
		break;
	default:
		break;
	}
	if (anchor != NULL) {
		fm_err(f, ev, "front matter: anchors are not allowed");
		goto bad;
	}
	if (tag != NULL) {
		fm_err(f, ev, "front matter: tags are not allowed");
		goto bad;
	}
	if (f->depth > REPORT_DEPTH_MAX) {
		fm_err(f, ev, "front matter: nested deeper than %d levels",
		    REPORT_DEPTH_MAX);
		goto bad;
	}
	return 0;
bad:
	yaml_event_delete(ev);
	f->fatal = 1;
	return -1;
}

static const char *
scalar(const yaml_event_t *ev)
{
	return (const char *)ev->data.scalar.value;
}

static const char *
fm_name(enum fm_key k)
{
	if (fm_field[k] < 0)
		return fm_keys[k];
	return field_get((enum record_key)fm_field[k])->key;
}

/* 1 if key k must be present: id, published and the table's required. */
static int
fm_required(enum fm_key k)
{
	if (k == K_ID || k == K_PUBLISHED)
		return 1;
	return fm_field[k] >= 0 &&
	    field_get((enum record_key)fm_field[k])->required;
}

static int
two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
year4(const char *s)
{
	int	 a, b;

	if ((a = two(s)) < 0 || (b = two(s + 2)) < 0)
		return -1;
	return a * 100 + b;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int
term(struct fm *f, const yaml_event_t *ev, enum tax_id t, const char *key)
{
	const char	*v = scalar(ev);
	int		 i;

	if ((i = field_term(f->cfg, t, v, ev->data.scalar.length)) < 0)
		fm_err(f, ev, "%s: unknown value \"%.64s\" (allowed values "
		    "are listed in [%s] of nearmiss.ini)", key, v,
		    config_tax_name(t));
	return i < 0 ? -1 : i;
}

/*
 * Logs what is wrong with the text of title or summary (e, a FIELD_E*
 * code of field_text()).
 */
static void
text_err(struct fm *f, const yaml_event_t *ev, enum fm_key k, int e)
{
	const struct field *fd = field_get((enum record_key)fm_field[k]);

	if (e == FIELD_EBIDI)
		fm_err(f, ev, "%s: %s; remove it", fm_name(k),
		    field_strerror(e));
	else if (fd->kind == FIELD_LINE)
		fm_err(f, ev, "%s: must be 1 to %zu characters on one line",
		    fm_name(k), fd->max);
	else
		fm_err(f, ev, "%s: must be non-empty text of at most %zu "
		    "characters", fm_name(k), fd->max);
}

static void
fm_value(struct fm *f, enum fm_key k, const yaml_event_t *ev)
{
	struct report	*r = f->r;
	const char	*v = scalar(ev);
	size_t		 len = ev->data.scalar.length;
	int		 e;

	if (strlen(v) != len) {
		fm_err(f, ev, "%s: contains a NUL byte", fm_name(k));
		return;
	}
	switch (k) {
	case K_ID:
		if (!report_id_valid(v)) {
			fm_err(f, ev, "id: \"%.64s\" is not a valid id "
			    "(lowercase letters, digits and hyphens, 3 to "
			    "%d characters, at least one digit, e.g. "
			    "2026-0042)", v,
			    REPORT_ID_MAX);
			return;
		}
		r->id = xstrdup(v);
		r->id_line = ev_line(f, ev);
		break;
	case K_TITLE:
	case K_SUMMARY:
		if ((e = field_check((enum record_key)fm_field[k], NULL, v,
		    len)) != 0) {
			text_err(f, ev, k, e);
			return;
		}
		if (k == K_TITLE)
			r->title = xstrdup(v);
		else
			r->summary = xstrdup(v);
		break;
	case K_EVENT_DATE:
		e = field_month(v, len, &r->event_year, &r->event_month);
		if (e == FIELD_EDAY) {
			fm_err(f, ev, "event_date: \"%s\" gives a day; give "
			    "the year and month only (YYYY-MM), never a day",
			    v);
			return;
		}
		if (e != 0) {
			fm_err(f, ev, "event_date: \"%.32s\" is not a month "
			    "(YYYY-MM)", v);
			return;
		}
		break;
	case K_PUBLISHED:
		if (len != 10 || v[4] != '-' || v[7] != '-' ||
		    year4(v) < 1900 || two(v + 5) < 1 || two(v + 5) > 12 ||
		    two(v + 8) < 1 ||
		    two(v + 8) > days_in(year4(v), two(v + 5))) {
			fm_err(f, ev, "published: \"%.32s\" is not a date "
			    "(YYYY-MM-DD)", v);
			return;
		}
		r->pub_year = year4(v);
		r->pub_month = two(v + 5);
		r->pub_day = two(v + 8);
		break;
	case K_INCIDENT_TYPE:
		r->incident_type = term(f, ev, TAX_INCIDENT_TYPE, fm_name(k));
		break;
	case K_LOSS:
		r->loss = term(f, ev, TAX_LOSS, fm_name(k));
		break;
	case K_AGENCY:
		r->agency = term(f, ev, TAX_AGENCY, fm_name(k));
		break;
	case K_REGION:
		r->region = term(f, ev, TAX_REGION, fm_name(k));
		break;
	case K_OFFICERS:
		if (field_count(v, len, &r->officers) != 0) {
			fm_err(f, ev, "officers_on_scene: expected a number "
			    "from 1 to %d, got \"%.32s\"", FIELD_COUNT_MAX, v);
			return;
		}
		break;
	case K_FACTORS:
		fm_err(f, ev, "contributing_factors: expected a list, e.g. "
		    "[communication, fatigue]");
		break;
	case K_ENVIRONMENT:
		fm_err(f, ev, "environment: expected a mapping with "
		    "time_of_day, lighting and weather");
		break;
	case K_DISCUSSION:
		fm_err(f, ev, "discussion: expected a list of %d or %d "
		    "questions", REPORT_QUESTIONS_MIN, REPORT_QUESTIONS_MAX);
		break;
	default:
		break;
	}
}

/* The list of discussion questions, after its start event. */
static void
fm_questions(struct fm *f, const yaml_event_t *start)
{
	struct report	*r = f->r;
	yaml_event_t	 ev;
	int		 n = 0, bad = 0, e;

	for (;;) {
		if (fm_next(f, &ev) == -1)
			return;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			fm_err(f, &ev, "discussion: expected a list of "
			    "questions");
			yaml_event_delete(&ev);
			f->fatal = 1;
			return;
		}
		n++;
		if (n > REPORT_QUESTIONS_MAX) {
			if (!bad)
				fm_err(f, &ev, "discussion: at most %d "
				    "questions", REPORT_QUESTIONS_MAX);
			bad = 1;
		} else if (strlen(scalar(&ev)) != ev.data.scalar.length) {
			fm_err(f, &ev, "discussion: contains a NUL byte");
			bad = 1;
		} else if ((e = field_text(scalar(&ev),
		    ev.data.scalar.length, REPORT_QUESTION_MAX, 0)) != 0) {
			if (e == FIELD_EBIDI)
				fm_err(f, &ev, "discussion: %s; remove it",
				    field_strerror(e));
			else
				fm_err(f, &ev, "discussion: question %d must "
				    "be 1 to %d characters on one line", n,
				    REPORT_QUESTION_MAX);
			bad = 1;
		} else
			r->discussion[r->ndiscussion++] =
			    xstrdup(scalar(&ev));
		yaml_event_delete(&ev);
	}
	if (!bad && n < REPORT_QUESTIONS_MIN)
		fm_err(f, start, "discussion: give %d or %d questions, not "
		    "%d", REPORT_QUESTIONS_MIN, REPORT_QUESTIONS_MAX, n);
}

static void
fm_seq(struct fm *f, enum fm_key k, const yaml_event_t *start)
{
	struct report	*r = f->r;
	yaml_event_t	 ev;
	int		 i, t, n = 0, bad = 0;

	if (k == K_DISCUSSION) {
		fm_questions(f, start);
		return;
	}
	if (k != K_FACTORS) {
		fm_err(f, start, "%s: expected a single value, not a list",
		    fm_name(k));
		bad = 1;
	}
	for (;;) {
		if (fm_next(f, &ev) == -1)
			return;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			fm_err(f, &ev, "%s: expected a list of values",
			    fm_name(k));
			yaml_event_delete(&ev);
			f->fatal = 1;
			return;
		}
		n++;
		if (!bad && n > FIELD_TERMS_MAX) {
			fm_err(f, &ev, "contributing_factors: at most %d "
			    "values", FIELD_TERMS_MAX);
			bad = 1;
		}
		if (!bad && (t = term(f, &ev, TAX_FACTORS,
		    fm_name(k))) != -1) {
			for (i = 0; i < r->nfactors; i++)
				if (r->factors[i] == t)
					break;
			if (i < r->nfactors)
				fm_err(f, &ev, "contributing_factors: "
				    "\"%s\" listed twice", scalar(&ev));
			else if (r->nfactors < REPORT_FACTORS_MAX)
				r->factors[r->nfactors++] = t;
		}
		yaml_event_delete(&ev);
	}
	if (!bad && n == 0)
		fm_err(f, start, "contributing_factors: at least one value "
		    "is required");
}

static void
fm_map(struct fm *f, enum fm_key k, const yaml_event_t *start)
{
	/* The three fields of the table from RECORD_TIME_OF_DAY on. */
	const struct field *sub[3];
	struct report	*r = f->r;
	yaml_event_t	 key, val;
	unsigned int	 seen = 0;
	size_t		 i;
	int		*slot[3];

	for (i = 0; i < 3; i++)
		sub[i] = field_get((enum record_key)(RECORD_TIME_OF_DAY + i));
	slot[0] = &r->time_of_day;
	slot[1] = &r->lighting;
	slot[2] = &r->weather;
	if (k != K_ENVIRONMENT) {
		fm_err(f, start, "%s: expected a single value, not a mapping",
		    fm_name(k));
		f->fatal = 1;
		return;
	}
	for (;;) {
		if (fm_next(f, &key) == -1)
			return;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			return;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			fm_err(f, &key, "environment: expected key: value "
			    "lines");
			yaml_event_delete(&key);
			f->fatal = 1;
			return;
		}
		for (i = 0; i < 3; i++)
			if (strcmp(scalar(&key), sub[i]->key) == 0)
				break;
		if (fm_next(f, &val) == -1) {
			yaml_event_delete(&key);
			return;
		}
		if (val.type != YAML_SCALAR_EVENT) {
			fm_err(f, &val, "environment: %s: expected a single "
			    "value", scalar(&key));
			f->fatal = 1;
		} else if (i == 3)
			fm_err(f, &key, "environment: unknown key \"%.64s\" "
			    "(expected time_of_day, lighting or weather)",
			    scalar(&key));
		else if (seen & (1u << i))
			fm_err(f, &key, "environment: %s given twice",
			    sub[i]->key);
		else {
			seen |= 1u << i;
			*slot[i] = term(f, &val, (enum tax_id)sub[i]->tax,
			    sub[i]->key);
		}
		yaml_event_delete(&key);
		yaml_event_delete(&val);
		if (f->fatal)
			return;
	}
}

/* Reads past the value that starts with ev (a collection's events). */
static void
fm_skip(struct fm *f, const yaml_event_t *start)
{
	yaml_event_t	 ev;
	int		 depth;

	if (start->type != YAML_SEQUENCE_START_EVENT &&
	    start->type != YAML_MAPPING_START_EVENT)
		return;
	for (depth = 1; depth > 0;) {
		if (fm_next(f, &ev) == -1)
			return;
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	}
}

static int
fm_parse(struct fm *f)
{
	yaml_event_t	 ev, val;
	size_t		 k;
	int		 state = 0;	/* 0 before the mapping, 1 in it */
	int		 skip;

	while (!f->fatal) {
		if (fm_next(f, &ev) == -1)
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			if (ev.type == YAML_DOCUMENT_START_EVENT &&
			    state != 0) {
				fm_err(f, &ev, "front matter: only one YAML "
				    "document is allowed");
				f->fatal = 1;
			}
			break;
		case YAML_MAPPING_START_EVENT:
			if (state != 0) {
				fm_err(f, &ev, "front matter: unexpected "
				    "mapping");
				f->fatal = 1;
				break;
			}
			state = 1;
			break;
		case YAML_MAPPING_END_EVENT:
			state = 2;
			break;
		case YAML_SCALAR_EVENT:
			if (state != 1) {
				fm_err(f, &ev, "front matter: expected "
				    "key: value lines");
				f->fatal = 1;
				break;
			}
			for (k = 0; k < K__MAX; k++)
				if (strcmp(scalar(&ev),
				    fm_name((enum fm_key)k)) == 0)
					break;
			if (fm_next(f, &val) == -1)
				break;
			skip = 1;
			if (k == K__MAX)
				fm_err(f, &ev, "unknown key \"%.64s\"",
				    scalar(&ev));
			else if (f->seen & (1u << k))
				fm_err(f, &ev, "%s: given twice (first on "
				    "line %lu)", fm_name((enum fm_key)k),
				    f->line_of[k]);
			else {
				f->seen |= 1u << k;
				f->line_of[k] = ev_line(f, &ev);
				skip = 0;
			}
			/* An unknown or repeated key's value is only read. */
			if (skip)
				fm_skip(f, &val);
			else if (val.type == YAML_SCALAR_EVENT)
				fm_value(f, (enum fm_key)k, &val);
			else if (val.type == YAML_SEQUENCE_START_EVENT)
				fm_seq(f, (enum fm_key)k, &val);
			else if (val.type == YAML_MAPPING_START_EVENT)
				fm_map(f, (enum fm_key)k, &val);
			yaml_event_delete(&val);
			break;
		default:
			fm_err(f, &ev, "front matter: expected key: value "
			    "lines");
			f->fatal = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	if (state == 0 && !f->fatal) {
		log_at(f->path, f->line0, "front matter: expected key: value "
		    "lines");
		f->errors++;
	}
	return f->errors ? -1 : 0;
}

int
report_id_valid(const char *s)
{
	size_t	 n = strlen(s), i;
	int	 digit = 0;

	if (n < 3 || n > REPORT_ID_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = 1;
		else if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	}
	/* A digit keeps ids apart from the site's own folder names. */
	return digit;
}

/* Finds the end of a "---" or "..." line at p; returns its length or 0. */
static size_t
fence(const char *p, const char *end, int closing)
{
	size_t	 n = (size_t)(end - p);

	if (n < 3 || !(memcmp(p, "---", 3) == 0 ||
	    (closing && memcmp(p, "...", 3) == 0)))
		return 0;
	if (n == 3)
		return 3;
	if (p[3] == '\n')
		return 4;
	if (p[3] == '\r' && n > 4 && p[4] == '\n')
		return 5;
	return 0;
}

/*
 * Logs the first bidirectional control in text (len bytes) at its line
 * and column (in characters), if there is one.  Returns -1 if there was,
 * else 0.
 */
static int
find_bidi(const char *path, const char *text, size_t len)
{
	const char	*bol;
	uint32_t	 cp = 0;
	long		 off;

	if ((off = utf8_find_bidi(text, len)) < 0)
		return 0;
	for (bol = text + off; bol > text && bol[-1] != '\n'; bol--)
		;
	utf8_decode(&cp, text + off, len - (size_t)off);
	log_at(path, 1 + count_lines(text, (size_t)off), "column %zu: U+%04X "
	    "%s: bidirectional controls are not allowed in a report (they "
	    "can make text read differently from what it is); remove it",
	    1 + utf8_chars(bol, (size_t)(text + off - bol)), (unsigned int)cp,
	    field_bidi_name(cp));
	return -1;
}

int
report_parse(struct report *out, const struct config *cfg, const char *path,
    const char *text, size_t len)
{
	struct fm	 f;
	const char	*end = text + len, *p, *fm_start, *fm_end = NULL;
	unsigned long	 line = 2;
	size_t		 n, k;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	out->incident_type = out->loss = -1;
	out->time_of_day = out->lighting = out->weather = -1;
	out->agency = out->region = -1;
	memset(&f, 0, sizeof(f));

	if (find_bidi(path, text, len) != 0)
		return -1;
	if ((n = fence(text, end, 0)) == 0) {
		log_at(path, 1, "expected front matter: the first line must "
		    "be \"---\"");
		return -1;
	}
	fm_start = p = text + n;
	/* Find the closing line, within the size cap. */
	while (p < end) {
		if ((size_t)(p - fm_start) > REPORT_FM_MAX) {
			log_at(path, 1, "front matter larger than %d bytes "
			    "(or its closing \"---\" is missing)",
			    REPORT_FM_MAX);
			return -1;
		}
		if ((n = fence(p, end, 1)) != 0) {
			fm_end = p;
			p += n;
			break;
		}
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p++;
		line++;
	}
	if (fm_end == NULL) {
		log_at(path, 1, "front matter is not closed by a \"---\" "
		    "line");
		return -1;
	}
	if ((p = memchr(fm_start, '\0', (size_t)(fm_end - fm_start))) !=
	    NULL) {
		log_at(path, 2 + count_lines(fm_start, (size_t)(p - fm_start)),
		    "front matter contains a NUL byte");
		return -1;
	}
	p = fm_end + fence(fm_end, end, 1);
	out->body = p;
	out->body_len = (size_t)(end - p);
	out->body_line = line + 1;

	f.path = path;
	f.text = fm_start;
	f.len = (size_t)(fm_end - fm_start);
	f.line0 = 2;
	f.cfg = cfg;
	f.r = out;
	if (!yaml_parser_initialize(&f.parser))
		fatalx("yaml_parser_initialize: out of memory");
	yaml_parser_set_input_string(&f.parser,
	    (const unsigned char *)fm_start, (size_t)(fm_end - fm_start));
	yaml_parser_set_encoding(&f.parser, YAML_UTF8_ENCODING);
	fm_parse(&f);
	yaml_parser_delete(&f.parser);
	if (!f.fatal)
		for (k = 0; k < K__MAX; k++)
			if (fm_required((enum fm_key)k) &&
			    !(f.seen & (1u << k))) {
				log_at(path, 1, "%s: required field is "
				    "missing", fm_name((enum fm_key)k));
				f.errors++;
			}
	if (f.errors == 0 && out->event_year > 0 && out->pub_year > 0 &&
	    (out->event_year * 12 + out->event_month >
	    out->pub_year * 12 + out->pub_month)) {
		log_at(path, f.line_of[K_EVENT_DATE], "event_date: %04d-%02d "
		    "is after the publication date", out->event_year,
		    out->event_month);
		f.errors++;
	}
	if (f.errors)
		goto out;
	rc = 0;
out:
	return rc;
}

void
report_free(struct report *r)
{
	int	 i;

	if (r == NULL)
		return;
	free(r->path);
	free(r->id);
	free(r->title);
	free(r->summary);
	for (i = 0; i < r->ndiscussion; i++)
		free(r->discussion[i]);
	memset(r, 0, sizeof(*r));
}

int
report_cmp_newest(const struct report *a, const struct report *b)
{
	int	 da = a->pub_year * 10000 + a->pub_month * 100 + a->pub_day;
	int	 db = b->pub_year * 10000 + b->pub_month * 100 + b->pub_day;

	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(b->id, a->id);
}
