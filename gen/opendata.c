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

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen.h"
#include "html.h"
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
 * flattened), then what gen adds (url, revised).  DK_NARRATIVE and
 * DK_LESSONS are written only when has_text() says so.
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
	{ "narrative", DK_NARRATIVE, TAX_MAX, 1, "text",
	    "The account of the event, as plain text." },
	{ "lessons", DK_LESSONS, TAX_MAX, 1, "text",
	    "The lessons learned, as plain text." },
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

/*
 * XXX unfinished: the narrative and the lessons come with the cache of
 * rendered report bodies (issue 11).  Then has_text() says 1 and
 * data_render() passes each report's plain texts to json_record() and
 * csv_record(); every other writer follows from the table.
 */
static int
has_text(const struct site *s)
{
	(void)s;
	return 0;
}

/* 1 if field f is written for site s. */
static int
field_on(const struct site *s, const struct dfield *f)
{
	return (f->kind != DK_NARRATIVE && f->kind != DK_LESSONS) ||
	    has_text(s);
}

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
 * Appends the JSON object of report r: every field of the table that r
 * has (optional ones it lacks are left out), in table order.  narrative
 * and lessons (plain text) are left out when NULL.
 */
static void
json_record(struct buf *b, const struct site *s, const struct report *r,
    const char *narrative, const char *lessons)
{
	const struct dfield *f;
	const char	*str;
	size_t		 i;
	int		 k, n, t, first = 1;

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
		case DK_NARRATIVE:
			str = narrative;
			break;
		case DK_LESSONS:
			str = lessons;
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
			t = term_of(s, r, f->tax);
			buf_addch(b, '"');
			buf_addstr(b, slug(s, f->tax, t));
			buf_addch(b, '"');
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
 * reports.json: the metadata, the taxonomies' labels, then one record a
 * line, ordered by id.  Nothing in it depends on when it was built.
 */
static void
json_file(struct buf *b, const struct site *s, struct arena *a)
{
	const struct report **v = by_id(s);
	size_t	 i;
	int	 y, m, d;

	buf_grow(b, 4096 + s->nreports * 768);
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
	buf_addstr(b, ",\n\"reports\": [");
	for (i = 0; i < s->nreports; i++) {
		buf_addstr(b, i > 0 ? ",\n" : "\n");
		json_record(b, s, v[i], NULL, NULL);
	}
	buf_addstr(b, "\n]\n}\n");
	free(v);
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
		if (dfields[i].required && field_on(s, &dfields[i])) {
			buf_addstr(b, first ? "\"" : ", \"");
			first = 0;
			buf_addstr(b, dfields[i].name);
			buf_addch(b, '"');
		}
	buf_addstr(b, "],\n\"properties\": {");
	for (i = 0, first = 1; i < NFIELDS; i++) {
		if (!field_on(s, &dfields[i]))
			continue;
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
 * Appends the CSV row of report r, CRLF included; v is scratch.  Absent
 * optional fields are empty cells; narrative and lessons (plain text)
 * are written when has_text() (empty when NULL).
 */
static void
csv_record(struct buf *b, struct buf *v, const struct site *s,
    const struct report *r, const char *narrative, const char *lessons)
{
	const struct dfield *f;
	const char	*rev;
	size_t		 i;
	int		 k, t, n;

	for (i = 0; i < NFIELDS; i++) {
		f = &dfields[i];
		if (!field_on(s, f))
			continue;
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
			if (narrative != NULL)
				csv_cstr(b, narrative);
			break;
		case DK_LESSONS:
			if (lessons != NULL)
				csv_cstr(b, lessons);
			break;
		default:
			break;
		}
	}
	buf_addstr(b, "\r\n");
}

/* reports.csv: a header row, then a row a report, ordered by id. */
static void
csv_file(struct buf *b, const struct site *s)
{
	const struct report **v = by_id(s);
	struct buf	 tmp = BUF_INIT;
	size_t		 i;

	buf_grow(b, 1024 + s->nreports * 640);
	for (i = 0; i < NFIELDS; i++)
		if (field_on(s, &dfields[i])) {
			if (i > 0)
				buf_addch(b, ',');
			buf_addstr(b, dfields[i].name);
		}
	buf_addstr(b, "\r\n");
	for (i = 0; i < s->nreports; i++)
		csv_record(b, &tmp, s, v[i], NULL, NULL);
	buf_free(&tmp);
	free(v);
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
		if (!field_on(s, f))
			continue;
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
	case DATA_JSON:
		json_file(out, s, a);
		return 0;
	case DATA_SCHEMA:
		schema_file(out, s, a);
		return 0;
	case DATA_CSV:
		csv_file(out, s);
		return 0;
	case DATA_CSVW:
		csvw_file(out, s, a);
		return 0;
	default:
		return -1;
	}
}

/*
 * About how many bytes reports.json (json 1) or reports.csv (json 0)
 * takes: the writers' output without their escapes, field by field.
 * The data page shows sizes from it rather than render 50,000 reports
 * twice more.
 */
static size_t
records_size(const struct site *s, int json)
{
	const struct report *r;
	const struct dfield *f;
	const char	*rev;
	size_t		 i, k, n = 0, v, keys = 0, cols = 0;
	int		 t;

	/* The header: the labels of the taxonomies, or the CSV's row. */
	for (k = 0; k < NFIELDS; k++) {
		f = &dfields[k];
		if (!field_on(s, f))
			continue;
		keys += strlen(f->name) + 6;		/* "name": , */
		cols++;
		n += json ? 0 : strlen(f->name) + 1;
		for (i = 0; json && (f->kind == DK_TERM ||
		    f->kind == DK_TERMS) && i < s->cfg.tax[f->tax].nterms; i++)
			n += strlen(s->cfg.tax[f->tax].terms[i].slug) +
			    strlen(s->cfg.tax[f->tax].terms[i].label) + 8;
	}
	n += json ? 1000 : 1;
	for (i = 0; i < s->nreports; i++) {
		r = &s->reports[i];
		/* Records and lines; JSON keys as if every field were there. */
		n += json ? keys + 4 : cols + 1;
		for (k = 0; k < NFIELDS; k++) {
			f = &dfields[k];
			if (!field_on(s, f))
				continue;
			v = 0;
			switch (f->kind) {
			case DK_ID:
				v = strlen(r->id) + 2;
				break;
			case DK_URL:
				v = strlen(s->cfg.base_url) +
				    strlen(r->id) + 11;
				break;
			case DK_TITLE:
				v = strlen(r->title) + 2;
				break;
			case DK_SUMMARY:
				v = strlen(r->summary) + 2;
				break;
			case DK_EVENT:
				v = 9;
				break;
			case DK_PUB:
				v = 12;
				break;
			case DK_REVISED:
				rev = rule_revised(s->rule, r->id);
				v = rev != NULL ? strlen(rev) + 2 : 0;
				break;
			case DK_TERM:
				t = term_of(s, r, f->tax);
				v = t == -1 ? 0 :
				    strlen(slug(s, f->tax, t)) + 2;
				break;
			case DK_TERMS:
				for (t = 0; t < r->nfactors; t++)
					if (factor_ok(s, r, t))
						v += strlen(slug(s, f->tax,
						    r->factors[t])) + 4;
				break;
			case DK_OFFICERS:
				v = r->officers > 0 ? 3 : 0;
				break;
			default:
				break;
			}
			if (v == 0 && json)
				n -= strlen(f->name) + 6;
			/* CSV: no quotes, but around text with a comma. */
			if (v >= 2 && !json && f->kind != DK_TITLE &&
			    f->kind != DK_SUMMARY)
				v -= 2;
			n += v;
		}
	}
	return n;
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
	/* About their sizes, without rendering them. */
	file_val(a, files, DATA_JSON, "JSON", size_text(a,
	    records_size(s, 1)),
	    "Every report with every published field, ordered by id, and "
	    "the label of every taxonomy value.");
	file_val(a, files, DATA_SCHEMA, "JSON Schema (draft 2020-12)", "",
	    "Describes and checks reports.json.");
	file_val(a, files, DATA_CSV, "CSV (RFC 4180, UTF-8)",
	    size_text(a, records_size(s, 0)),
	    "The same reports and fields, one row a report, with a header "
	    "row.");
	file_val(a, files, DATA_CSVW, "CSV on the Web metadata (W3C)", "",
	    "Describes the columns of reports.csv and states its licence.");
	tv_set(a, v, "files", files);
	fields = tv_list(a);
	for (i = 0; i < NFIELDS; i++) {
		if (!field_on(s, &dfields[i]))
			continue;
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
