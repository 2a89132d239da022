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
 * The open data under data/: every published report with every published
 * field of its front matter as JSON (reports.json, described by the JSON
 * Schema reports.schema.json) and as CSV (reports.csv, described by the
 * W3C "CSV on the Web" metadata reports.csv-metadata.json), and what the
 * data dictionary page (the theme's data.html) shows.  One table of
 * fields drives them all, so the files and the dictionary cannot differ.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "html.h"
#include "log.h"
#include "md.h"
#include "nm.h"
#include "record.h"
#include "tmpl.h"

/* What a field holds, and so how each writer writes it. */
enum dkind {
	DK_ID, DK_URL, DK_TITLE, DK_SUMMARY, DK_EVENT, DK_PUB, DK_REVISED,
	DK_TERM, DK_TERMS, DK_OFFICERS, DK_NARRATIVE, DK_LESSONS, DK_MAX
};

struct dfield {
	const char	*name;		/* JSON key and CSV column */
	enum dkind	 kind;
	enum tax_id	 tax;		/* DK_TERM, DK_TERMS */
	int		 required;
	const char	*type;		/* as the dictionary says it */
	const char	*desc;
};

/*
 * The fields of a report, in the order of the CSV columns and of the keys
 * of a JSON record: the front matter's keys (the environment's three
 * flattened), then what gen adds (url, revised), then the body's two
 * published sections.
 */
static const struct dfield dfields[] = {
	{ "id", DK_ID, TAX_MAX, 1, "text",
	    "The report's identifier; its page is reports/ID/." },
	{ "url", DK_URL, TAX_MAX, 1, "URL",
	    "The absolute address of the report's page." },
	{ "title", DK_TITLE, TAX_MAX, 1, "text",
	    "The title: one line of at most 200 characters." },
	{ "summary", DK_SUMMARY, TAX_MAX, 1, "text",
	    "A short account of what happened, at most 1,024 characters; "
	    "it may hold line breaks and tabs." },
	{ "event_date", DK_EVENT, TAX_MAX, 1, "year and month (YYYY-MM)",
	    "The month of the event, never the day (to protect those "
	    "involved)." },
	{ "published", DK_PUB, TAX_MAX, 1, "date (YYYY-MM-DD)",
	    "The day the report was published." },
	{ "revised", DK_REVISED, TAX_MAX, 0, "date (YYYY-MM-DD)",
	    "The day the published text was approved, when it corrects an "
	    "earlier published version; absent otherwise." },
	{ "incident_type", DK_TERM, TAX_INCIDENT_TYPE, 1, "one value",
	    "What the officer was doing when the near miss happened (the "
	    "call type)." },
	{ "contributing_factors", DK_TERMS, TAX_FACTORS, 1,
	    "one to five values",
	    "Why it happened. In the CSV file the values are joined with "
	    "\"; \" (semicolon and space)." },
	{ "loss_potential", DK_TERM, TAX_LOSS, 1, "one value",
	    "The worst realistic outcome had the lucky break not happened." },
	{ "officers_on_scene", DK_OFFICERS, TAX_MAX, 0,
	    "whole number, 1 to 999",
	    "How many officers were there; absent when not given." },
	{ "time_of_day", DK_TERM, TAX_TIME_OF_DAY, 0, "one value",
	    "When in the day it happened; absent when not given." },
	{ "lighting", DK_TERM, TAX_LIGHTING, 0, "one value",
	    "The light at the scene; absent when not given." },
	{ "weather", DK_TERM, TAX_WEATHER, 0, "one value",
	    "The weather at the scene; absent when not given." },
	{ "agency_type", DK_TERM, TAX_AGENCY, 0, "one value",
	    "The kind of agency, never the agency itself; absent when not "
	    "given." },
	{ "region", DK_TERM, TAX_REGION, 0, "one value",
	    "A broad region, never a place; absent when not given." },
	{ "narrative", DK_NARRATIVE, TAX_MAX, 1, "Markdown text",
	    "The account of the event: the report's text before its "
	    "\"Lessons learned\" heading, as the reviewers approved it "
	    "(CommonMark source, never HTML; render it with raw HTML "
	    "turned off). It holds line breaks." },
	{ "lessons", DK_LESSONS, TAX_MAX, 1, "Markdown text",
	    "The lessons learned: the text of the report's \"Lessons "
	    "learned\" section, in the same form as narrative." },
};
#define NFIELDS	(sizeof(dfields) / sizeof(dfields[0]))

static const char *const data_paths[DATA_FILE_MAX] = {
	"data/reports.json", "data/reports.schema.json", "data/reports.csv",
	"data/reports.csv-metadata.json", "data/index.html",
};

/*
 * The bytes a CSV cell may not begin with: OWASP's CSV injection list,
 * and the ' itself, so that "remove a leading '" always gives the text.
 */
static const char csv_formula[] = "=+-@\t\r'";
#define CSV_SEP	"; "

/* A report's narrative and lessons learned (Markdown, no NUL at the end). */
struct rtext {
	const char	*nar, *les;
	size_t		 narlen, leslen;
};

const char *
data_path(enum data_file d)
{
	return data_paths[d];
}

int
data_depends(enum data_file d)
{
	/* The schema and the CSV metadata say only what nearmiss.ini says. */
	return d != DATA_SCHEMA && d != DATA_CSVW;
}

/* Appends v (not negative) in at least width digits, without printf. */
static void
add_num(struct buf *b, int v, int width)
{
	char	 d[16];
	size_t	 i = sizeof(d);

	if (v < 0)
		v = 0;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v != 0 || (width > 0 && i > 0));
	buf_add(b, d + i, sizeof(d) - i);
}

static void
add_month(struct buf *b, int y, int m)
{
	add_num(b, y, 4);
	buf_addch(b, '-');
	add_num(b, m, 2);
}

static void
add_day(struct buf *b, int y, int m, int d)
{
	add_month(b, y, m);
	buf_addch(b, '-');
	add_num(b, d, 2);
}

static void
json_cstr(struct buf *b, const char *s)
{
	json_str(b, s, strlen(s));
}

/* The term index report r has for taxonomy t, or -1 if none. */
static int
term_of(const struct site *s, const struct report *r, enum tax_id t)
{
	int	 v;

	switch (t) {
	case TAX_INCIDENT_TYPE:
		v = r->incident_type;
		break;
	case TAX_LOSS:
		v = r->loss;
		break;
	case TAX_AGENCY:
		v = r->agency;
		break;
	case TAX_REGION:
		v = r->region;
		break;
	case TAX_TIME_OF_DAY:
		v = r->time_of_day;
		break;
	case TAX_LIGHTING:
		v = r->lighting;
		break;
	case TAX_WEATHER:
		v = r->weather;
		break;
	default:
		return -1;
	}
	if (v < 0 || (size_t)v >= s->cfg.tax[t].nterms)
		return -1;
	return v;
}

/* Slug i of taxonomy t (slug_valid(): nothing to escape anywhere). */
static const char *
slug(const struct site *s, enum tax_id t, int i)
{
	return s->cfg.tax[t].terms[i].slug;
}

/* 1 if r has factor i in range (the state may name an old one). */
static int
factor_ok(const struct site *s, const struct report *r, int i)
{
	return r->factors[i] >= 0 &&
	    (size_t)r->factors[i] < s->cfg.tax[TAX_FACTORS].nterms;
}

/* The newest publication date of s, in *y, *m, *d; 0 if s has none. */
static int
newest(const struct site *s, int *y, int *m, int *d)
{
	const struct report *r, *best = NULL;
	size_t	 i;

	for (i = 0; i < s->nreports; i++) {
		r = &s->reports[i];
		if (best == NULL || report_cmp_newest(r, best) < 0)
			best = r;
	}
	if (best == NULL)
		return 0;
	*y = best->pub_year;
	*m = best->pub_month;
	*d = best->pub_day;
	return 1;
}

/*
 * A report and the first bytes of its id, NUL-padded: sorting these
 * compares within the array, not through 50,000 pointers to cold ids.
 */
struct idkey {
	char			 k[16];
	const struct report	*r;
};

static int
cmp_idkey(const void *pa, const void *pb)
{
	const struct idkey *a = pa, *b = pb;
	int	 c;

	if ((c = memcmp(a->k, b->k, sizeof(a->k))) != 0 ||
	    a->k[sizeof(a->k) - 1] == '\0')
		return c;
	return strcmp(a->r->id + sizeof(a->k), b->r->id + sizeof(b->k));
}

/* The reports of s ordered by id (caller frees). */
static const struct report **
by_id(const struct site *s)
{
	const struct report **v;
	struct idkey	*k;
	size_t		 i, n;

	k = xreallocarray(NULL, s->nreports ? s->nreports : 1, sizeof(*k));
	for (i = 0; i < s->nreports; i++) {
		memset(k[i].k, 0, sizeof(k[i].k));
		n = strlen(s->reports[i].id);
		memcpy(k[i].k, s->reports[i].id, n < sizeof(k[i].k) ? n :
		    sizeof(k[i].k));
		k[i].r = &s->reports[i];
	}
	qsort(k, s->nreports, sizeof(*k), cmp_idkey);
	v = xreallocarray(NULL, s->nreports ? s->nreports : 1, sizeof(*v));
	for (i = 0; i < s->nreports; i++)
		v[i] = k[i].r;
	free(k);
	return v;
}

/* A count under the small-count rule: a number, or the string "< k". */
static void
json_count(struct buf *b, struct arena *a, const struct site *s, size_t n)
{
	const char	*t = count_text(a, s, n);

	if (*t == '<')
		json_cstr(b, t);
	else
		buf_addstr(b, t);
}

/*
 * Appends the JSON object of report r, on one line: every field of the
 * table that r has (optional ones it lacks are left out), in table
 * order, t its texts.
 */
static void
json_record(struct buf *b, const struct site *s, const struct report *r,
    const struct rtext *t)
{
	const struct dfield *f;
	const char	*str;
	size_t		 i;
	int		 k, n, x, first = 1;

	buf_addch(b, '{');
	for (i = 0; i < NFIELDS; i++) {
		f = &dfields[i];
		/* The text of a string field; NULL leaves the field out. */
		str = "";
		switch (f->kind) {
		case DK_ID:
			str = r->id;
			break;
		case DK_TITLE:
			str = r->title;
			break;
		case DK_SUMMARY:
			str = r->summary;
			break;
		case DK_REVISED:
			str = rule_revised(s->rule, r->id);
			break;
		case DK_TERM:
			if (term_of(s, r, f->tax) == -1)
				str = NULL;
			break;
		case DK_OFFICERS:
			if (r->officers <= 0)
				str = NULL;
			break;
		default:
			break;
		}
		if (str == NULL)
			continue;
		if (!first)
			buf_addstr(b, ", ");
		first = 0;
		buf_addch(b, '"');
		buf_addstr(b, f->name);
		buf_addstr(b, "\": ");
		switch (f->kind) {
		case DK_URL:
			/* base_url may need escapes; the id does not. */
			json_cstr(b, s->cfg.base_url);
			buf_truncate(b, b->len - 1);
			buf_addstr(b, "reports/");
			buf_addstr(b, r->id);
			buf_addstr(b, "/\"");
			break;
		case DK_EVENT:
			buf_addch(b, '"');
			add_month(b, r->event_year, r->event_month);
			buf_addch(b, '"');
			break;
		case DK_PUB:
			buf_addch(b, '"');
			add_day(b, r->pub_year, r->pub_month, r->pub_day);
			buf_addch(b, '"');
			break;
		case DK_TERM:
			x = term_of(s, r, f->tax);
			buf_addch(b, '"');
			buf_addstr(b, slug(s, f->tax, x));
			buf_addch(b, '"');
			break;
		case DK_NARRATIVE:
			json_str(b, t->nar, t->narlen);
			break;
		case DK_LESSONS:
			json_str(b, t->les, t->leslen);
			break;
		case DK_TERMS:
			buf_addch(b, '[');
			for (k = n = 0; k < r->nfactors; k++) {
				if (!factor_ok(s, r, k))
					continue;
				if (n++ > 0)
					buf_addstr(b, ", ");
				buf_addch(b, '"');
				buf_addstr(b, slug(s, f->tax, r->factors[k]));
				buf_addch(b, '"');
			}
			buf_addch(b, ']');
			break;
		case DK_OFFICERS:
			add_num(b, r->officers, 1);
			break;
		default:
			json_cstr(b, str);
			break;
		}
	}
	buf_addch(b, '}');
}

/* The labels of every taxonomy a field uses, once, by field name. */
static void
json_taxonomies(struct buf *b, const struct site *s)
{
	const struct taxonomy *tx;
	size_t	 i, k;
	int	 first = 1;

	buf_addstr(b, "\"taxonomies\": {");
	for (i = 0; i < NFIELDS; i++) {
		if (dfields[i].kind != DK_TERM && dfields[i].kind != DK_TERMS)
			continue;
		tx = &s->cfg.tax[dfields[i].tax];
		buf_addstr(b, first ? "\n\"" : ",\n\"");
		first = 0;
		buf_addstr(b, dfields[i].name);
		buf_addstr(b, "\": {");
		for (k = 0; k < tx->nterms; k++) {
			if (k > 0)
				buf_addstr(b, ", ");
			buf_addch(b, '"');
			buf_addstr(b, tx->terms[k].slug);
			buf_addstr(b, "\": ");
			json_cstr(b, tx->terms[k].label);
		}
		buf_addch(b, '}');
	}
	buf_addstr(b, "\n}");
}

/* The URL of data file d: base_url and its path, as a JSON string. */
static void
json_url(struct buf *b, const struct site *s, const char *rel)
{
	json_cstr(b, s->cfg.base_url);
	buf_truncate(b, b->len - 1);
	buf_addstr(b, rel);
	buf_addch(b, '"');
}

static void
json_licence(struct buf *b, const struct site *s)
{
	buf_addstr(b, "\"licence\": {\"name\": ");
	json_cstr(b, s->cfg.data_licence);
	buf_addstr(b, ", \"url\": ");
	json_cstr(b, s->cfg.data_licence_url);
	buf_addch(b, '}');
}

/*
 * The head of reports.json: its metadata and the taxonomies' labels, up
 * to the opening of the reports' array.  Then come the records, ordered
 * by id, one a line, each after "\n" (the first) or ",\n", and JSON_TAIL.
 * No string holds a raw line break, so the lines split the records.
 */
#define JSON_TAIL	"\n]\n}\n"
#define JSON_START	"\"reports\": ["

static void
json_head(struct buf *b, const struct site *s, struct arena *a)
{
	int	 y, m, d;

	buf_addstr(b, "{\n\"title\": ");
	json_cstr(b, s->cfg.title);
	buf_addstr(b, ",\n\"description\": ");
	json_cstr(b, s->cfg.description);
	buf_addstr(b, ",\n\"url\": ");
	json_url(b, s, data_paths[DATA_JSON]);
	buf_addstr(b, ",\n\"schema\": ");
	json_url(b, s, data_paths[DATA_SCHEMA]);
	buf_addstr(b, ",\n");
	json_licence(b, s);
	if (newest(s, &y, &m, &d)) {
		buf_addstr(b, ",\n\"updated\": \"");
		add_day(b, y, m, d);
		buf_addch(b, '"');
	}
	buf_addstr(b, ",\n\"count\": ");
	json_count(b, a, s, s->nreports);
	buf_addstr(b, ",\n");
	json_taxonomies(b, s);
	buf_addstr(b, ",\n" JSON_START);
}

/* The JSON Schema of one field of a record. */
static void
schema_field(struct buf *b, const struct site *s, const struct dfield *f)
{
	const struct taxonomy *tx;
	size_t	 k;

	buf_addstr(b, "{");
	switch (f->kind) {
	case DK_ID:
		buf_addstr(b, "\"type\": \"string\", \"pattern\": "
		    "\"^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$\"");
		break;
	case DK_URL:
		buf_addstr(b, "\"type\": \"string\", \"format\": \"uri\"");
		break;
	case DK_TITLE:
		buf_printf(b, "\"type\": \"string\", \"minLength\": 1, "
		    "\"maxLength\": %d, \"pattern\": \"^[^\\\\n\\\\r]*$\"",
		    RECORD_TITLE_MAX);
		break;
	case DK_SUMMARY:
		buf_printf(b, "\"type\": \"string\", \"minLength\": 1, "
		    "\"maxLength\": %d", RECORD_SUMMARY_MAX);
		break;
	case DK_EVENT:
		buf_addstr(b, "\"type\": \"string\", \"pattern\": "
		    "\"^[0-9]{4}-(0[1-9]|1[0-2])$\"");
		break;
	case DK_PUB:
	case DK_REVISED:
		buf_addstr(b, "\"type\": \"string\", \"format\": \"date\", "
		    "\"pattern\": \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"");
		break;
	case DK_TERM:
	case DK_TERMS:
		tx = &s->cfg.tax[f->tax];
		if (f->kind == DK_TERMS)
			buf_printf(b, "\"type\": \"array\", \"minItems\": 1, "
			    "\"maxItems\": %d, \"uniqueItems\": true, "
			    "\"items\": {", REPORT_FACTORS_MAX);
		buf_addstr(b, "\"enum\": [");
		for (k = 0; k < tx->nterms; k++) {
			if (k > 0)
				buf_addstr(b, ", ");
			json_cstr(b, tx->terms[k].slug);
		}
		buf_addch(b, ']');
		if (f->kind == DK_TERMS)
			buf_addch(b, '}');
		break;
	case DK_OFFICERS:
		buf_addstr(b, "\"type\": \"integer\", \"minimum\": 1, "
		    "\"maximum\": 999");
		break;
	default:
		buf_addstr(b, "\"type\": \"string\"");
		break;
	}
	buf_addstr(b, ", \"description\": ");
	json_cstr(b, f->desc);
	buf_addch(b, '}');
}

/* reports.schema.json: the JSON Schema (draft 2020-12) of reports.json. */
static void
schema_file(struct buf *b, const struct site *s, struct arena *a)
{
	size_t	 i;
	int	 first;

	buf_addstr(b, "{\n\"$schema\": "
	    "\"https://json-schema.org/draft/2020-12/schema\",\n\"$id\": ");
	json_url(b, s, data_paths[DATA_SCHEMA]);
	buf_addstr(b, ",\n\"title\": ");
	json_cstr(b, arena_printf(a, "%s: published reports",
	    s->cfg.title));
	buf_addstr(b, ",\n\"description\": \"Every published near-miss "
	    "report with every published field of its front matter. "
	    "Taxonomy fields hold slugs; their labels are in taxonomies. "
	    "Counts below the site's small-count threshold are given as the "
	    "string '< k'.\",\n"
	    "\"type\": \"object\",\n"
	    "\"required\": [\"title\", \"description\", \"url\", \"schema\", "
	    "\"licence\", \"count\", \"taxonomies\", \"reports\"],\n"
	    "\"additionalProperties\": false,\n"
	    "\"properties\": {\n"
	    "\"title\": {\"type\": \"string\", \"description\": "
	    "\"The archive's title.\"},\n"
	    "\"description\": {\"type\": \"string\", \"description\": "
	    "\"What the archive holds.\"},\n"
	    "\"url\": {\"type\": \"string\", \"format\": \"uri\", "
	    "\"description\": \"Where this file is published.\"},\n"
	    "\"schema\": {\"type\": \"string\", \"format\": \"uri\", "
	    "\"description\": \"This schema's URL.\"},\n"
	    "\"licence\": {\"type\": \"object\", \"required\": [\"name\", "
	    "\"url\"], \"additionalProperties\": false, \"properties\": "
	    "{\"name\": {\"type\": \"string\"}, \"url\": {\"type\": "
	    "\"string\", \"format\": \"uri\"}}, \"description\": "
	    "\"The licence of the data.\"},\n"
	    "\"updated\": {\"type\": \"string\", \"format\": \"date\", "
	    "\"description\": \"The newest publication date; absent when "
	    "there is no report.\"},\n");
	buf_printf(b, "\"count\": {\"oneOf\": [{\"type\": \"integer\", "
	    "\"minimum\": %d}, {\"const\": ", s->cfg.min_count);
	json_cstr(b, count_text(a, s, 0));
	buf_addstr(b, "}], \"description\": \"The number of reports, under "
	    "the small-count rule.\"},\n"
	    "\"taxonomies\": {\"type\": \"object\", "
	    "\"additionalProperties\": false, \"description\": \"The label "
	    "of every slug of every taxonomy field.\", \"required\": [");
	for (i = 0, first = 1; i < NFIELDS; i++)
		if (dfields[i].kind == DK_TERM || dfields[i].kind == DK_TERMS) {
			buf_addstr(b, first ? "\"" : ", \"");
			first = 0;
			buf_addstr(b, dfields[i].name);
			buf_addch(b, '"');
		}
	buf_addstr(b, "], \"properties\": {");
	for (i = 0, first = 1; i < NFIELDS; i++) {
		if (dfields[i].kind != DK_TERM && dfields[i].kind != DK_TERMS)
			continue;
		buf_addstr(b, first ? "\n\"" : ",\n\"");
		first = 0;
		buf_addstr(b, dfields[i].name);
		buf_addstr(b, "\": {\"type\": \"object\", "
		    "\"additionalProperties\": {\"type\": \"string\"}, "
		    "\"propertyNames\": ");
		/* The enum of the field, without its description. */
		{
			struct dfield	 f = dfields[i];

			f.kind = DK_TERM;
			f.desc = "A slug.";
			schema_field(b, s, &f);
		}
		buf_addch(b, '}');
	}
	buf_addstr(b, "\n}},\n"
	    "\"reports\": {\"type\": \"array\", \"description\": \"The "
	    "reports, ordered by id.\", \"items\": "
	    "{\"$ref\": \"#/$defs/report\"}}\n},\n"
	    "\"$defs\": {\"report\": {\"type\": \"object\", "
	    "\"additionalProperties\": false,\n\"required\": [");
	for (i = 0, first = 1; i < NFIELDS; i++)
		if (dfields[i].required) {
			buf_addstr(b, first ? "\"" : ", \"");
			first = 0;
			buf_addstr(b, dfields[i].name);
			buf_addch(b, '"');
		}
	buf_addstr(b, "],\n\"properties\": {");
	for (i = 0, first = 1; i < NFIELDS; i++) {
		buf_addstr(b, first ? "\n\"" : ",\n\"");
		first = 0;
		buf_addstr(b, dfields[i].name);
		buf_addstr(b, "\": ");
		schema_field(b, s, &dfields[i]);
	}
	buf_addstr(b, "\n}}}\n}\n");
}

/*
 * Appends one CSV cell (RFC 4180): a cell that begins with a character
 * a spreadsheet takes for a formula, or with ', gets a ' before it; a
 * cell with a comma, quote, CR or LF is quoted, its quotes doubled.
 */
static void
csv_cell(struct buf *b, const char *v, size_t len)
{
	size_t	 i, from;
	int	 quote = 0, neut;

	neut = len > 0 && strchr(csv_formula, v[0]) != NULL;
	for (i = 0; i < len && !quote; i++)
		quote = v[i] == ',' || v[i] == '"' || v[i] == '\r' ||
		    v[i] == '\n';
	if (!quote) {
		if (neut)
			buf_addch(b, '\'');
		buf_add(b, v, len);
		return;
	}
	buf_grow(b, len + 8);
	buf_addch(b, '"');
	if (neut)
		buf_addch(b, '\'');
	for (i = from = 0; i < len; i++)
		if (v[i] == '"') {
			buf_add(b, v + from, i + 1 - from);
			buf_addch(b, '"');
			from = i + 1;
		}
	buf_add(b, v + from, len - from);
	buf_addch(b, '"');
}

static void
csv_cstr(struct buf *b, const char *v)
{
	csv_cell(b, v, strlen(v));
}

/*
 * Appends the CSV row of report r, CRLF included; v is scratch, t its
 * texts.  Absent optional fields are empty cells.
 */
static void
csv_record(struct buf *b, struct buf *v, const struct site *s,
    const struct report *r, const struct rtext *tx)
{
	const struct dfield *f;
	const char	*rev;
	size_t		 i;
	int		 k, t, n;

	for (i = 0; i < NFIELDS; i++) {
		f = &dfields[i];
		if (i > 0)
			buf_addch(b, ',');
		switch (f->kind) {
		case DK_ID:
			csv_cstr(b, r->id);
			break;
		case DK_URL:
			buf_reset(v);
			buf_addstr(v, s->cfg.base_url);
			buf_addstr(v, "reports/");
			buf_addstr(v, r->id);
			buf_addch(v, '/');
			csv_cell(b, v->data, v->len);
			break;
		case DK_TITLE:
			csv_cstr(b, r->title);
			break;
		case DK_SUMMARY:
			csv_cstr(b, r->summary);
			break;
		case DK_EVENT:
			add_month(b, r->event_year, r->event_month);
			break;
		case DK_PUB:
			add_day(b, r->pub_year, r->pub_month, r->pub_day);
			break;
		case DK_REVISED:
			if ((rev = rule_revised(s->rule, r->id)) != NULL)
				csv_cstr(b, rev);
			break;
		case DK_TERM:
			if ((t = term_of(s, r, f->tax)) != -1)
				buf_addstr(b, slug(s, f->tax, t));
			break;
		case DK_TERMS:
			for (k = n = 0; k < r->nfactors; k++)
				if (factor_ok(s, r, k)) {
					if (n++ > 0)
						buf_addstr(b, CSV_SEP);
					buf_addstr(b, slug(s, f->tax,
					    r->factors[k]));
				}
			break;
		case DK_OFFICERS:
			if (r->officers > 0)
				add_num(b, r->officers, 1);
			break;
		case DK_NARRATIVE:
			csv_cell(b, tx->nar, tx->narlen);
			break;
		case DK_LESSONS:
			csv_cell(b, tx->les, tx->leslen);
			break;
		default:
			break;
		}
	}
	buf_addstr(b, "\r\n");
}

/* The header row of reports.csv; a row a report follows, by id. */
static void
csv_head(struct buf *b)
{
	size_t	 i;

	for (i = 0; i < NFIELDS; i++) {
		if (i > 0)
			buf_addch(b, ',');
		buf_addstr(b, dfields[i].name);
	}
	buf_addstr(b, "\r\n");
}

/* The CSVW datatype of field f. */
static void
csvw_datatype(struct buf *b, const struct site *s, const struct dfield *f)
{
	const struct taxonomy *tx;
	size_t	 k;

	switch (f->kind) {
	case DK_URL:
		buf_addstr(b, "\"anyURI\"");
		break;
	case DK_EVENT:
		buf_addstr(b, "\"gYearMonth\"");
		break;
	case DK_PUB:
	case DK_REVISED:
		buf_addstr(b, "\"date\"");
		break;
	case DK_OFFICERS:
		buf_addstr(b, "{\"base\": \"integer\", \"minimum\": 1, "
		    "\"maximum\": 999}");
		break;
	case DK_TERM:
	case DK_TERMS:
		/* Slugs hold no character a regular expression escapes. */
		tx = &s->cfg.tax[f->tax];
		buf_addstr(b, "{\"base\": \"string\", \"format\": \"^(");
		for (k = 0; k < tx->nterms; k++) {
			if (k > 0)
				buf_addch(b, '|');
			buf_addstr(b, tx->terms[k].slug);
		}
		buf_addstr(b, ")$\"}");
		break;
	default:
		buf_addstr(b, "\"string\"");
		break;
	}
}

/* reports.csv-metadata.json: the CSV's W3C "CSV on the Web" metadata. */
static void
csvw_file(struct buf *b, const struct site *s, struct arena *a)
{
	const struct dfield *f;
	size_t	 i;
	int	 first = 1;

	buf_addstr(b, "{\n\"@context\": [\"http://www.w3.org/ns/csvw\", "
	    "{\"@language\": ");
	json_cstr(b, s->cfg.language);
	buf_addstr(b, "}],\n\"url\": \"reports.csv\",\n\"dc:title\": ");
	json_cstr(b, arena_printf(a, "%s: published reports",
	    s->cfg.title));
	buf_addstr(b, ",\n\"dc:description\": ");
	json_cstr(b, s->cfg.description);
	buf_addstr(b, ",\n\"dc:publisher\": ");
	json_cstr(b, s->cfg.title);
	buf_addstr(b, ",\n\"dc:license\": {\"@id\": ");
	json_cstr(b, s->cfg.data_licence_url);
	buf_addstr(b, "},\n\"dc:rights\": ");
	json_cstr(b, s->cfg.data_licence);
	buf_addstr(b, ",\n\"rdfs:comment\": \"A cell that begins with =, +, "
	    "-, @, a tab, a carriage return or ' has a ' put before it, so "
	    "that no spreadsheet runs it as a formula; remove it to get the "
	    "text.\",\n"
	    "\"dialect\": {\"encoding\": \"utf-8\", \"lineTerminators\": "
	    "[\"\\r\\n\"], \"quoteChar\": \"\\\"\", \"doubleQuote\": true, "
	    "\"delimiter\": \",\", \"header\": true},\n"
	    "\"tableSchema\": {\n\"primaryKey\": \"id\",\n\"columns\": [");
	for (i = 0; i < NFIELDS; i++) {
		f = &dfields[i];
		buf_addstr(b, first ? "\n{\"name\": \"" : ",\n{\"name\": \"");
		first = 0;
		buf_addstr(b, f->name);
		buf_addstr(b, "\", \"titles\": \"");
		buf_addstr(b, f->name);
		buf_addstr(b, "\", \"datatype\": ");
		csvw_datatype(b, s, f);
		if (f->kind == DK_TERMS)
			buf_addstr(b, ", \"separator\": \"" CSV_SEP "\"");
		buf_addstr(b, f->required ? ", \"required\": true" :
		    ", \"required\": false");
		buf_addstr(b, ", \"dc:description\": ");
		json_cstr(b, f->desc);
		buf_addch(b, '}');
	}
	buf_addstr(b, "\n]}\n}\n");
}

int
data_render(struct buf *out, const struct site *s, struct arena *a,
    enum data_file d)
{
	switch (d) {
	case DATA_SCHEMA:
		schema_file(out, s, a);
		return 0;
	case DATA_CSVW:
		csvw_file(out, s, a);
		return 0;
	default:
		return -1;
	}
}

int
data_streamed(enum data_file d)
{
	return d == DATA_JSON || d == DATA_CSV;
}

/*
 * The text spool: the narrative and lessons learned of each report
 * read, appended by the report workers in batches (ODBATCH_MAX bytes)
 * to an unlinked temporary file, or kept in memory, and found by id
 * when the records are written.  A 50,000-report archive has some 200
 * MB of text: on disk it stays in the page cache, not in the heap.
 */
#define ODBATCH_MAX	(1 << 20)
#define DOUT_MAX	(1 << 20)	/* written out in blocks this big */
#define ORD_BLOCK	(4 << 20)	/* old files read in blocks */
/* Longer than any head or record written (a report's text is capped). */
#define ORD_HEADMAX	(1 << 20)
#define ORD_RECMAX	(4 << 20)

struct odent {
	char		*id;
	uint64_t	 off;	/* of the narrative; lessons follow */
	size_t		 narlen, leslen;
};

struct odtext {
	pthread_mutex_t	 lock;
	int		 fd;		/* -1: in memory */
	struct buf	 mem;
	uint64_t	 end;
	struct odent	*e;
	size_t		 n;
	int		 sorted;
};

struct odbatch {
	struct buf	 text;
	struct odent	*e;		/* offsets in text */
	size_t		 n;
};

struct odtext *
odtext_new(const char *dir)
{
	struct odtext	*t;
	char		 path[PATH_MAX];

	t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	buf_init(&t->mem);
	t->fd = -1;
	if (dir == NULL)
		return t;
	if (file_path(path, sizeof(path), "%s/.nearmiss-text-XXXXXX",
	    dir) != 0)
		goto fail;
	if ((t->fd = mkstemp(path)) == -1) {
		log_warn("%s", path);
		goto fail;
	}
	/* Nobody else needs its name, and a crash leaves nothing. */
	if (unlink(path) == -1) {
		log_warn("%s", path);
		goto fail;
	}
	return t;
fail:
	odtext_free(t);
	return NULL;
}

void
odtext_free(struct odtext *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	if (t->fd != -1)
		close(t->fd);
	for (i = 0; i < t->n; i++)
		free(t->e[i].id);
	free(t->e);
	buf_free(&t->mem);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

struct odbatch *
odbatch_new(void)
{
	struct odbatch	*b = xcalloc(1, sizeof(*b));

	buf_init(&b->text);
	return b;
}

void
odbatch_free(struct odbatch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free(b->e[i].id);
	free(b->e);
	buf_free(&b->text);
	free(b);
}

int
odtext_flush(struct odtext *t, struct odbatch *b)
{
	uint64_t	 base;
	size_t		 i, done;
	ssize_t		 w;

	if (b->n == 0)
		return 0;
	pthread_mutex_lock(&t->lock);
	base = t->end;
	t->end += b->text.len;
	if (t->fd == -1)
		buf_add(&t->mem, b->text.data, b->text.len);
	t->e = xreallocarray(t->e, t->n + b->n, sizeof(*t->e));
	for (i = 0; i < b->n; i++) {
		t->e[t->n] = b->e[i];
		t->e[t->n++].off += base;
	}
	t->sorted = 0;
	pthread_mutex_unlock(&t->lock);
	b->n = 0;
	/* Each batch has its own bytes of the file: no lock needed. */
	for (done = 0; t->fd != -1 && done < b->text.len; done += (size_t)w)
		if ((w = pwrite(t->fd, b->text.data + done,
		    b->text.len - done, (off_t)(base + done))) <= 0) {
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			log_warn("the text of the open data (a temporary "
			    "file)");
			buf_reset(&b->text);
			return -1;
		}
	buf_reset(&b->text);
	return 0;
}

int
odtext_add(struct odtext *t, struct odbatch *b, const char *id,
    const struct md_report *md)
{
	struct odent	*e;

	b->e = xreallocarray(b->e, b->n + 1, sizeof(*b->e));
	e = &b->e[b->n++];
	e->id = xstrdup(id);
	e->off = b->text.len;
	e->narlen = md->srclen[0];
	e->leslen = md->srclen[1];
	buf_add(&b->text, md->src[0], md->srclen[0]);
	buf_add(&b->text, md->src[1], md->srclen[1]);
	if (b->text.len < ODBATCH_MAX && t->fd != -1)
		return 0;
	return odtext_flush(t, b);
}

static int
cmp_odent(const void *a, const void *b)
{
	return strcmp(((const struct odent *)a)->id,
	    ((const struct odent *)b)->id);
}

/*
 * The entry of id, or NULL.  After the adds; the first call sorts, so
 * threads may share the spool only after one.
 */
static const struct odent *
odtext_find(struct odtext *t, const char *id)
{
	struct odent	 key;

	if (t == NULL || t->n == 0)
		return NULL;
	if (!t->sorted) {
		qsort(t->e, t->n, sizeof(*t->e), cmp_odent);
		t->sorted = 1;
	}
	key.id = (char *)(uintptr_t)id;
	return bsearch(&key, t->e, t->n, sizeof(*t->e), cmp_odent);
}

/*
 * The texts of entry e into *out, valid until the next call (read into
 * rd, one per thread).  0, or -1 (logged).
 */
static int
odtext_get(struct rtext *out, struct odtext *t, const struct odent *e,
    struct buf *rd)
{
	const char	*p;
	size_t		 n = e->narlen + e->leslen, done;
	ssize_t		 r;

	if (t->fd == -1)
		p = t->mem.data + e->off;
	else {
		buf_reset(rd);
		buf_grow(rd, n + 1);
		for (done = 0; done < n; done += (size_t)r)
			if ((r = pread(t->fd, rd->data + done, n - done,
			    (off_t)(e->off + done))) <= 0) {
				if (r == -1 && errno == EINTR) {
					r = 0;
					continue;
				}
				log_warn("the text of the open data (a "
				    "temporary file)");
				return -1;
			}
		p = rd->data;
	}
	out->nar = p;
	out->narlen = e->narlen;
	out->les = p + e->narlen;
	out->leslen = e->leslen;
	return 0;
}

/* A data file being written: in blocks of DOUT_MAX bytes from b. */
struct dout {
	int		 fd;
	char		 path[PATH_MAX];
	struct buf	 b;
	uint64_t	 size;
};

static int
dout_open(struct dout *d, const char *dir, const char *rel)
{
	char	*slash;

	d->size = 0;
	d->fd = -1;
	if (file_path(d->path, sizeof(d->path), "%s/%s", dir, rel) != 0)
		return -1;
	slash = strrchr(d->path, '/');
	*slash = '\0';
	if (file_mkdirs(d->path, 0755) != 0)
		return -1;
	*slash = '/';
	if ((d->fd = open(d->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", d->path);
		return -1;
	}
	buf_grow(&d->b, DOUT_MAX + 65536);
	return 0;
}

static int
dout_flush(struct dout *d)
{
	if (d->b.len == 0)
		return 0;
	if (file_write_all(d->fd, d->b.data, d->b.len) != 0) {
		log_warn("%s", d->path);
		return -1;
	}
	d->size += d->b.len;
	buf_reset(&d->b);
	return 0;
}

/* Writes out what b holds once it is a block. */
static int
dout_some(struct dout *d)
{
	return d->b.len >= DOUT_MAX ? dout_flush(d) : 0;
}

/* Ends a data file: the JSON file's tail, the rest written, its size. */
static int
dout_end(struct dout *d, struct site *s, int json)
{
	if (json)
		buf_addstr(&d->b, JSON_TAIL);
	if (dout_flush(d) != 0)
		return -1;
	s->datasize[!json] = (size_t)d->size;
	return 0;
}

/*
 * Flushes and closes d; keep 0 (or a failure) removes the file.  0, or
 * -1 (logged).
 */
static int
dout_close(struct dout *d, int keep)
{
	int	 rc = 0;

	if (d->fd == -1)
		return 0;
	if (keep && dout_flush(d) != 0)
		rc = -1;
	if (close(d->fd) == -1 && rc == 0) {
		log_warn("%s", d->path);
		rc = -1;
	}
	d->fd = -1;
	if ((!keep || rc != 0) && unlink(d->path) == -1)
		log_warn("%s", d->path);
	return rc;
}

/*
 * Appends the record of r (json 1 or 0: CSV row, CRLF included); tmp
 * and rd are scratch.
 */
static int
data_record(struct buf *b, struct buf *tmp, struct buf *rd, struct site *s,
    const struct report *r, int json)
{
	const struct odent *e;
	struct rtext	 t;

	if ((e = odtext_find(s->odtext, r->id)) == NULL) {
		log_warnx("%s: its text was not read for the open data",
		    r->id);
		return -1;
	}
	if (odtext_get(&t, s->odtext, e, rd) != 0)
		return -1;
	if (json)
		json_record(b, s, r, &t);
	else
		csv_record(b, tmp, s, r, &t);
	return 0;
}

/* Writes reports.json (json 1) or reports.csv into the new tree dir. */
static int
write_one(struct site *s, const struct report **v, const char *dir,
    int json)
{
	struct arena	*a = arena_new();
	struct dout	 d;
	struct buf	 tmp = BUF_INIT, rd = BUF_INIT;
	size_t		 i;
	int		 rc = -1;

	d.fd = -1;
	buf_init(&d.b);
	if (dout_open(&d, dir, data_paths[json ? DATA_JSON : DATA_CSV]) != 0)
		goto out;
	if (json)
		json_head(&d.b, s, a);
	else
		csv_head(&d.b);
	for (i = 0; i < s->nreports; i++) {
		if (json)
			buf_addstr(&d.b, i > 0 ? ",\n" : "\n");
		if (data_record(&d.b, &tmp, &rd, s, v[i], json) != 0 ||
		    dout_some(&d) != 0)
			goto out;
	}
	if (dout_end(&d, s, json) != 0)
		goto out;
	if (dout_close(&d, 1) != 0 || out_stamp(d.path) != 0)
		goto out;
	rc = 0;
out:
	(void)dout_close(&d, 0);
	buf_free(&d.b);
	buf_free(&tmp);
	buf_free(&rd);
	arena_free(a);
	return rc;
}

static int	patch_one(struct site *, struct publish *,
		    const struct report **, int, int *);

/* One of the two files, on a thread of its own. */
struct dwork {
	struct site		*s;
	const struct report	**v;
	const char		*dir;	/* data_write() */
	struct publish		*pub;	/* data_patch() */
	int			 json, rc, changed;
};

static void *
data_thread(void *arg)
{
	struct dwork	*w = arg;

	if (w->pub == NULL)
		w->rc = write_one(w->s, w->v, w->dir, w->json);
	else
		w->rc = patch_one(w->s, w->pub, w->v, w->json, &w->changed);
	return NULL;
}

/*
 * Writes or patches both files: reports.json on a thread of its own
 * while this one does reports.csv, when the build has two threads.  0,
 * NM_ENOTFOUND (either patch) or -1.
 */
static int
data_both(struct site *s, const char *dir, struct publish *pub,
    int *written)
{
	struct dwork	 w[2];
	struct bgtask	 bg;
	int		 k;

	/* The spool is sorted before the threads share it. */
	(void)odtext_find(s->odtext, "");
	for (k = 0; k < 2; k++) {
		memset(&w[k], 0, sizeof(w[k]));
		w[k].s = s;
		w[k].v = by_id(s);
		w[k].dir = dir;
		w[k].pub = pub;
		w[k].json = k == 0;
	}
	bg_start(&bg, s->opts->jobs, data_thread, &w[0]);
	data_thread(&w[1]);
	bg_join(&bg);
	*written = w[0].changed + w[1].changed;
	free(w[0].v);
	free(w[1].v);
	for (k = 0; k < 2; k++)
		if (w[k].rc == -1)
			return -1;
	return w[0].rc != 0 ? w[0].rc : w[1].rc;
}

int
data_write(struct site *s, const char *dir)
{
	int	 n;

	return data_both(s, dir, NULL, &n);
}

/*
 * The old file of an incremental build, read in blocks: w holds its
 * bytes from offset woff, pos where reading is.
 */
struct ord {
	int		 fd;
	char		 path[PATH_MAX];
	struct buf	 w;
	uint64_t	 woff;
	size_t		 pos;
	size_t		 block;		/* the size of each read */
	int		 eof;
	int		 json;
	size_t		 nrec;		/* records read */
	char		 id[REPORT_ID_MAX + 1]; /* the last record's */
	/* The record read: its bytes in w, and where it is in the file. */
	const char	*rec;
	size_t		 len;
	uint64_t	 off;
};

/*
 * Makes at least need bytes from pos available in w, unless the file
 * ends first.  0, or -1 (logged).
 */
static int
ord_need(struct ord *o, size_t need)
{
	ssize_t	 r;

	if (o->w.len - o->pos >= need || o->eof)
		return 0;
	/* What was read before pos goes; w keeps its storage. */
	memmove(o->w.data, o->w.data + o->pos, o->w.len - o->pos);
	o->woff += o->pos;
	o->w.len -= o->pos;
	o->pos = 0;
	while (o->w.len < need && !o->eof) {
		buf_grow(&o->w, o->block);
		if ((r = read(o->fd, o->w.data + o->w.len, o->block)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", o->path);
			return -1;
		}
		if (r == 0)
			o->eof = 1;
		o->w.len += (size_t)r;
	}
	o->w.data[o->w.len] = '\0';
	return 0;
}

/*
 * The length of the record that starts at pos, in *end: a JSON record
 * ends before its line's end, a CSV record after its CRLF outside
 * quotes.  NM_ENOTFOUND if the file ends first.
 */
static int
ord_scan(struct ord *o, size_t *end)
{
	const char	*base, *p, *q, *nl, *qt;
	size_t		 at = 0;
	int		 quoted = 0, nlok, qtok;

	for (;;) {
		base = o->w.data + o->pos;
		p = base + at;
		q = o->w.data + o->w.len;
		/*
		 * The next line feed and the next quote at or after p: each
		 * is looked for again only once p has passed it (NULL: none
		 * before q), so that every byte is looked at about once.
		 */
		nl = qt = NULL;
		nlok = qtok = 0;
		while (p < q) {
			if (!nlok || (nl != NULL && nl < p)) {
				nl = memchr(p, '\n', (size_t)(q - p));
				nlok = 1;
			}
			if (o->json) {
				if (nl == NULL)
					break;
				*end = (size_t)(nl - base);
				return 0;
			}
			if (!qtok || (qt != NULL && qt < p)) {
				qt = memchr(p, '"', (size_t)(q - p));
				qtok = 1;
			}
			if (quoted) {
				if (qt == NULL)
					break;
				p = qt + 1;
				quoted = 0;
			} else if (qt != NULL && (nl == NULL || qt < nl)) {
				p = qt + 1;
				quoted = 1;
			} else if (nl == NULL)
				break;
			else if (nl > base && nl[-1] == '\r') {
				*end = (size_t)(nl + 1 - base);
				return 0;
			} else
				p = nl + 1;
		}
		/* Scanned up to q (a quote's state kept): read on. */
		at = (size_t)(q - base);
		if (o->eof || at > ORD_RECMAX)
			return NM_ENOTFOUND;
		if (ord_need(o, at + o->block) != 0)
			return -1;
	}
}

/* 1 if the file continues at pos with exactly str, then skipped. */
static int
ord_take(struct ord *o, const char *str)
{
	size_t	 n = strlen(str);

	if (ord_need(o, n) != 0 || o->w.len - o->pos < n ||
	    memcmp(o->w.data + o->pos, str, n) != 0)
		return 0;
	o->pos += n;
	return 1;
}

/* 1 if the file ends at pos (or -1). */
static int
ord_end(struct ord *o)
{
	if (ord_need(o, 1) != 0)
		return -1;
	return o->pos == o->w.len && o->eof;
}

/*
 * Reads the next record into o->rec: 1, 0 at the end of the file (the
 * tail read too), NM_ENOTFOUND if the file is not as data_write()
 * writes it, or -1 (logged).
 */
static int
ord_next(struct ord *o)
{
	const char	*id;
	size_t		 end, n;
	int		 rc;

	if (o->json) {
		if (ord_take(o, JSON_TAIL)) {
			/* Nothing may follow the tail. */
			if ((rc = ord_end(o)) == -1)
				return -1;
			return rc ? 0 : NM_ENOTFOUND;
		}
		if (!ord_take(o, o->nrec > 0 ? ",\n" : "\n"))
			return NM_ENOTFOUND;
	} else if ((rc = ord_end(o)) != 0)
		return rc == 1 ? 0 : -1;
	if ((rc = ord_scan(o, &end)) != 0)
		return rc;
	o->rec = o->w.data + o->pos;
	o->off = o->woff + o->pos;
	/* A JSON record ends with "}" or "},", whose "," the next takes. */
	if (o->json && end > 0 && o->rec[end - 1] == ',')
		end--;
	o->len = end;
	o->pos += end;
	/* None has a NUL (a block of a damaged disk reads as zeros). */
	if (memchr(o->rec, '\0', end) != NULL)
		return NM_ENOTFOUND;
	/* Its id comes first: '{"id": "ID"' or 'ID,' (nothing escaped). */
	id = o->rec;
	if (o->json) {
		if (end < 9 || strncmp(id, "{\"id\": \"", 8) != 0 ||
		    id[end - 1] != '}')
			return NM_ENOTFOUND;
		id += 8;
	}
	for (n = 0; n <= REPORT_ID_MAX && id + n < o->rec + end &&
	    (id[n] == '-' || (id[n] >= 'a' && id[n] <= 'z') ||
	    (id[n] >= '0' && id[n] <= '9')); n++)
		;
	if (n == 0 || n > REPORT_ID_MAX || id + n == o->rec + end ||
	    id[n] != (o->json ? '"' : ','))
		return NM_ENOTFOUND;
	/*
	 * Ordered by id, each once: the last id is before this one, so
	 * neither equal to its first n bytes nor longer with them.
	 */
	if (o->nrec > 0 && strncmp(o->id, id, n) >= 0)
		return NM_ENOTFOUND;
	memcpy(o->id, id, n);
	o->id[n] = '\0';
	o->nrec++;
	return 1;
}

/*
 * Reads the old file's head: what comes before its first record.  1 if
 * it is the bytes of head, 0 if not (a JSON head that changed),
 * NM_ENOTFOUND (a CSV head that changed, or no head), or -1.
 */
static int
ord_head(struct ord *o, const struct buf *head)
{
	const char	*nl;
	size_t		 end = 0, n = strlen(JSON_START);
	int		 rc;

	if (!o->json)
		return ord_take(o, head->data) ? 1 : NM_ENOTFOUND;
	/* Lines up to the one that opens the array (no string has one). */
	for (;;) {
		if (end > ORD_HEADMAX)
			return NM_ENOTFOUND;
		if ((rc = ord_need(o, end + 1)) != 0)
			return rc;
		nl = memchr(o->w.data + o->pos + end, '\n', o->w.len -
		    o->pos - end);
		if (nl == NULL) {
			if (o->eof || o->w.len - o->pos > ORD_HEADMAX)
				return NM_ENOTFOUND;
			if ((rc = ord_need(o, o->w.len - o->pos + 65536)) != 0)
				return rc;
			continue;
		}
		end = (size_t)(nl - (o->w.data + o->pos));
		if (end > n && memcmp(nl - n, JSON_START, n) == 0 &&
		    nl[-1 - (ptrdiff_t)n] == '\n')
			break;
		end++;
	}
	rc = end == head->len && memcmp(o->w.data + o->pos, head->data,
	    end) == 0;
	o->pos += end;
	return rc;
}

/* Copies the run of old records [*run, end) to d; none left after. */
static int
run_copy(struct dout *d, struct ord *o, uint64_t *run, uint64_t end,
    int *inrun)
{
	if (!*inrun)
		return 0;
	*inrun = 0;
	if (dout_flush(d) != 0 || out_copy(d->fd, d->path, o->fd, o->path,
	    (off_t)*run, (size_t)(end - *run)) != 0)
		return -1;
	d->size += end - *run;
	return 0;
}

/*
 * Patches one data file (json: reports.json, else reports.csv): the old
 * file's records of reports not read again copied as bytes, in runs, the
 * others written afresh, in id order, into the staging folder of pub.
 * *changed says if the bytes differ (the new file is then staged).
 */
static int
patch_one(struct site *s, struct publish *pub, const struct report **v,
    int json, int *changed)
{
	struct arena	*a = arena_new();
	struct ord	 o;
	struct dout	 d;
	struct buf	 head = BUF_INIT, rec = BUF_INIT, tmp = BUF_INIT;
	struct buf	 rd = BUF_INIT;
	const char	*rel = data_paths[json ? DATA_JSON : DATA_CSV];
	uint64_t	 run = 0, runend = 0;
	size_t		 i, sep = json ? 2 : 0;
	int		 rc = -1, have, same, dirty = 0, inrun = 0, fresh;

	memset(&o, 0, sizeof(o));
	o.fd = -1;
	o.block = ORD_BLOCK;
	o.json = json;
	buf_init(&o.w);
	buf_init(&d.b);
	d.fd = -1;
	*changed = 0;
	if (file_path(o.path, sizeof(o.path), "%s/%s", s->opts->outdir,
	    rel) != 0)
		goto out;
	if ((o.fd = open(o.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			rc = NM_ENOTFOUND;
		else
			log_warn("%s", o.path);
		goto out;
	}
	if (json)
		json_head(&head, s, a);
	else
		csv_head(&head);
	if ((have = ord_head(&o, &head)) < 0) {
		rc = have;
		goto out;
	}
	dirty = !have;
	if (dout_open(&d, pub->tmpdir, json ? "reports.json" :
	    "reports.csv") != 0)
		goto out;
	buf_add(&d.b, head.data, head.len);
	have = ord_next(&o);
	for (i = 0; i < s->nreports && have >= 0; i++) {
		/* Old records before this one are of reports gone. */
		while (have == 1 && strcmp(o.id, v[i]->id) < 0) {
			dirty = 1;
			have = ord_next(&o);
		}
		if (have < 0)
			break;
		same = have == 1 && strcmp(o.id, v[i]->id) == 0;
		fresh = odtext_find(s->odtext, v[i]->id) != NULL;
		if (!fresh && !same) {
			/* A report kept whose record is not there. */
			have = NM_ENOTFOUND;
			break;
		}
		if (fresh) {
			buf_reset(&rec);
			if (data_record(&rec, &tmp, &rd, s, v[i], json) != 0)
				goto out;
			/* Read again, the same bytes: as if kept. */
			if (same && rec.len == o.len &&
			    memcmp(rec.data, o.rec, o.len) == 0)
				fresh = 0;
			else
				dirty = 1;
		}
		if (!fresh && inrun && o.off == runend + sep)
			runend = o.off + o.len;
		else {
			/* The run so far, then this record or a new run. */
			if (run_copy(&d, &o, &run, runend, &inrun) != 0)
				goto out;
			if (json)
				buf_addstr(&d.b, i > 0 ? ",\n" : "\n");
			if (fresh)
				buf_add(&d.b, rec.data, rec.len);
			else {
				inrun = 1;
				run = o.off;
				runend = o.off + o.len;
			}
		}
		if (dout_some(&d) != 0)
			goto out;
		if (same)
			have = ord_next(&o);
	}
	/* What is left of the old file is of reports gone. */
	while (have == 1) {
		dirty = 1;
		have = ord_next(&o);
	}
	if (have < 0) {
		rc = have;
		goto out;
	}
	if (run_copy(&d, &o, &run, runend, &inrun) != 0)
		goto out;
	if (dout_end(&d, s, json) != 0)
		goto out;
	if (dout_close(&d, dirty) != 0 ||
	    (dirty && publish_file(pub, d.path, o.path) != 0))
		goto out;
	*changed = dirty;
	rc = 0;
out:
	(void)dout_close(&d, 0);
	buf_free(&d.b);
	if (o.fd != -1)
		close(o.fd);
	buf_free(&o.w);
	buf_free(&head);
	buf_free(&rec);
	buf_free(&tmp);
	buf_free(&rd);
	arena_free(a);
	return rc;
}

int
data_split(int fd, const char *path, int json, const struct buf *head,
    size_t block, size_t *headlen, int (*fn)(void *, const char *,
    uint64_t, size_t), void *arg)
{
	struct ord	 o;
	struct buf	 csv = BUF_INIT;
	int		 rc, have;

	memset(&o, 0, sizeof(o));
	o.fd = fd;
	o.block = block > 0 ? block : ORD_BLOCK;
	o.json = json;
	buf_init(&o.w);
	*headlen = 0;
	if (file_path(o.path, sizeof(o.path), "%s", path) != 0) {
		rc = -1;
		goto out;
	}
	if (!json) {
		csv_head(&csv);
		head = &csv;
	}
	if ((rc = ord_head(&o, head)) < 0)
		goto out;
	*headlen = (size_t)(o.woff + o.pos);
	while ((have = ord_next(&o)) == 1)
		if (fn(arg, o.id, o.off, o.len) != 0) {
			rc = -1;
			goto out;
		}
	if (have < 0)
		rc = have;
out:
	buf_free(&o.w);
	buf_free(&csv);
	return rc;
}

int
data_patch(struct site *s, struct publish *pub, int changed,
    size_t *written)
{
	struct arena	*a = arena_new();
	struct buf	 sc = BUF_INIT, old = BUF_INIT;
	char		 path[PATH_MAX];
	struct stat	 sb;
	struct timespec	 t0;
	int		 rc = -1, json, w;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*written = 0;
	/*
	 * The old files have the fields their schema names: with others
	 * (made by an older gen), every record must be written anew.
	 */
	schema_file(&sc, s, a);
	if (file_path(path, sizeof(path), "%s/%s", s->opts->outdir,
	    data_paths[DATA_SCHEMA]) != 0)
		goto out;
	rc = file_read(&old, path, sc.len * 2 + 4096);
	if (rc == -1)
		goto out;
	if (rc != 0 || old.len != sc.len ||
	    memcmp(old.data, sc.data, sc.len) != 0) {
		rc = NM_ENOTFOUND;
		goto out;
	}
	if (changed) {
		if ((rc = data_both(s, NULL, pub, &w)) != 0)
			goto out;
		*written = (size_t)w;
		log_debug("open data: patched, %zu file%s changed, in %ld ms",
		    *written, *written == 1 ? "" : "s", lap(&t0));
		goto out;
	}
	/* The same bytes: only their sizes, for the data page. */
	for (json = 1; json >= 0; json--) {
		if (file_path(path, sizeof(path), "%s/%s", s->opts->outdir,
		    data_paths[json ? DATA_JSON : DATA_CSV]) != 0) {
			rc = -1;
			goto out;
		}
		if (stat(path, &sb) == -1) {
			rc = errno == ENOENT ? NM_ENOTFOUND : -1;
			if (rc == -1)
				log_warn("%s", path);
			goto out;
		}
		s->datasize[!json] = (size_t)sb.st_size;
	}
	rc = 0;
out:
	if (rc == NM_ENOTFOUND)
		log_debug("open data: the last build's files are not as "
		    "this one writes them: a full build");
	buf_free(&sc);
	buf_free(&old);
	arena_free(a);
	return rc;
}

/* About how big a file of n bytes is, for people (powers of 1,000). */
static const char *
size_text(struct arena *a, size_t n)
{
	if (n < 1000)
		return "less than 1 kB";
	if (n < 1000 * 1000)
		return arena_printf(a, "about %zu kB", (n + 500) / 1000);
	return arena_printf(a, "about %zu.%zu MB", n / 1000000,
	    n / 100000 % 10);
}

static void
file_val(struct arena *a, struct tval *l, enum data_file d,
    const char *format, const char *size, const char *about)
{
	struct tval	*m = tv_map(a);

	tv_set_str(a, m, "name", data_paths[d] + 5);
	tv_set_str(a, m, "url", data_paths[d]);
	tv_set_str(a, m, "format", format);
	tv_set_str(a, m, "size", size);
	tv_set_str(a, m, "about", about);
	tv_push(a, l, m);
}

struct tval *
data_page_val(struct arena *a, const struct site *s)
{
	struct tval	*v = tv_map(a), *files = tv_list(a), *fields;
	struct tval	*m, *vals, *t;
	const struct taxonomy *tx;
	size_t		 i, k;
	int		 y, mo, d;

	tv_set_str(a, v, "licence", s->cfg.data_licence);
	tv_set_str(a, v, "licence_url", s->cfg.data_licence_url);
	tv_set_str(a, v, "count", count_text(a, s, s->nreports));
	if (newest(s, &y, &mo, &d))
		tv_set_str(a, v, "updated", arena_printf(a,
		    "%04d-%02d-%02d", y, mo, d));
	else
		tv_set_str(a, v, "updated", "");
	tv_set_str(a, v, "separator", CSV_SEP);
	tv_set_str(a, v, "url", arena_printf(a, "%sdata/",
	    s->cfg.base_url));
	/* Their sizes as data_write() or data_patch() wrote them. */
	file_val(a, files, DATA_JSON, "JSON", size_text(a,
	    s->datasize[0]),
	    "Every report with every published field, its narrative and "
	    "lessons learned too, ordered by id, and the label of every "
	    "taxonomy value.");
	file_val(a, files, DATA_SCHEMA, "JSON Schema (draft 2020-12)", "",
	    "Describes and checks reports.json.");
	file_val(a, files, DATA_CSV, "CSV (RFC 4180, UTF-8)",
	    size_text(a, s->datasize[1]),
	    "The same reports and fields, one row a report, with a header "
	    "row.");
	file_val(a, files, DATA_CSVW, "CSV on the Web metadata (W3C)", "",
	    "Describes the columns of reports.csv and states its licence.");
	tv_set(a, v, "files", files);
	fields = tv_list(a);
	for (i = 0; i < NFIELDS; i++) {
		m = tv_map(a);
		tv_set_str(a, m, "name", dfields[i].name);
		tv_set_str(a, m, "type", dfields[i].type);
		tv_set_int(a, m, "required", dfields[i].required);
		tv_set_str(a, m, "about", dfields[i].desc);
		vals = tv_list(a);
		if (dfields[i].kind == DK_TERM || dfields[i].kind == DK_TERMS) {
			tx = &s->cfg.tax[dfields[i].tax];
			for (k = 0; k < tx->nterms; k++) {
				t = tv_map(a);
				tv_set_str(a, t, "slug", tx->terms[k].slug);
				tv_set_str(a, t, "label", tx->terms[k].label);
				tv_push(a, vals, t);
			}
		}
		tv_set(a, m, "values", vals);
		tv_push(a, fields, m);
	}
	tv_set(a, v, "fields", fields);
	return v;
}

/*
 * OUTDIR.data: the reports whose records in data/reports.json and .csv
 * wait for the next run (an incremental build past REL_LAZY_MIN reports
 * leaves the two big files as they are).  "NMDATA1\n", then one report
 * id a line, sorted, unique.  Written atomically; gone when none wait.
 */
#define DATA_PEND_MAGIC	"NMDATA1\n"
#define DATA_PEND_MAX	(1u << 24)

static int
pend_path(char *out, size_t sz, const char *outdir)
{
	return side_path(out, sz, outdir, ".data");
}

int
data_pending_read(const char *outdir, char ***ids, size_t *n)
{
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX], *p, *e, *nl;
	size_t		 line = 1;
	int		 rc;

	*ids = NULL;
	*n = 0;
	if (pend_path(path, sizeof(path), outdir) != 0)
		return -1;
	if ((rc = file_read(&b, path, DATA_PEND_MAX)) != 0) {
		buf_free(&b);
		if (rc == NM_ENOTFOUND)
			return 0;
		return rc == NM_ETOOBIG ? NM_ENOTFOUND : -1;
	}
	rc = NM_ENOTFOUND;
	if (b.len < sizeof(DATA_PEND_MAGIC) - 1 || memcmp(b.data,
	    DATA_PEND_MAGIC, sizeof(DATA_PEND_MAGIC) - 1) != 0) {
		log_at(path, 1, "not a list of pending open data records "
		    "(expected NMDATA1): a full build");
		goto out;
	}
	p = b.data + sizeof(DATA_PEND_MAGIC) - 1;
	e = b.data + b.len;
	while (p < e) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL) {
			log_at(path, line, "the last line does not end: a "
			    "full build");
			goto out;
		}
		*nl = '\0';
		/* A NUL would end the id early: the line is more than it. */
		if (strlen(p) != (size_t)(nl - p) || !report_id_valid(p) ||
		    (*n > 0 && strcmp((*ids)[*n - 1], p) >= 0)) {
			log_at(path, line, "not a report id, or not after the "
			    "one before: a full build");
			goto out;
		}
		ids_add(ids, n, p);
		p = nl + 1;
	}
	rc = 0;
out:
	if (rc != 0) {
		ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
	}
	buf_free(&b);
	return rc;
}

int
data_pending_write(const char *outdir, char *const *ids, size_t n, int sync)
{
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX];
	size_t		 i;
	int		 rc;

	if (pend_path(path, sizeof(path), outdir) != 0)
		return -1;
	if (n == 0) {
		if (unlink(path) == -1 && errno != ENOENT) {
			log_warn("%s", path);
			return -1;
		}
		return 0;
	}
	buf_addstr(&b, DATA_PEND_MAGIC);
	for (i = 0; i < n; i++) {
		buf_addstr(&b, ids[i]);
		buf_addch(&b, '\n');
	}
	rc = file_write(path, b.data, b.len, 0644, FILE_ATOMIC |
	    (sync ? FILE_SYNC : 0));
	buf_free(&b);
	return rc;
}

int
data_pending(const char *outdir)
{
	char	 path[PATH_MAX];

	return pend_path(path, sizeof(path), outdir) == 0 &&
	    access(path, F_OK) == 0;
}
