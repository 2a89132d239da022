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
 * The table of report fields and the checks of their values (see
 * field.h).  Nothing here logs: callers know where the value came from.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "field.h"
#include "record.h"
#include "utf8.h"

#define SLUG_MAX	48	/* as slug_valid() */
#define TERMS_BYTES	(FIELD_TERMS_MAX * (SLUG_MAX + 1))

static const struct field fields[RECORD_KEY_MAX] = {
	[RECORD_TITLE] = { "title", "Title", FIELD_LINE, -1, 1, 200 },
	[RECORD_EVENT_DATE] = { "event_date", "Month of the event",
	    FIELD_MONTH, -1, 1, 7 },
	[RECORD_INCIDENT_TYPE] = { "incident_type", "Type of incident",
	    FIELD_TERM, TAX_INCIDENT_TYPE, 1, SLUG_MAX },
	[RECORD_CONTRIBUTING_FACTORS] = { "contributing_factors",
	    "Contributing factors", FIELD_TERMS, TAX_FACTORS, 1,
	    TERMS_BYTES },
	[RECORD_LOSS_POTENTIAL] = { "loss_potential", "Loss potential",
	    FIELD_TERM, TAX_LOSS, 1, SLUG_MAX },
	[RECORD_OFFICERS_ON_SCENE] = { "officers_on_scene",
	    "Officers on scene", FIELD_COUNT, -1, 0, 3 },
	[RECORD_TIME_OF_DAY] = { "time_of_day", "Time of day", FIELD_TERM,
	    TAX_TIME_OF_DAY, 0, SLUG_MAX },
	[RECORD_LIGHTING] = { "lighting", "Lighting", FIELD_TERM,
	    TAX_LIGHTING, 0, SLUG_MAX },
	[RECORD_WEATHER] = { "weather", "Weather", FIELD_TERM, TAX_WEATHER,
	    0, SLUG_MAX },
	[RECORD_AGENCY_TYPE] = { "agency_type", "Agency type", FIELD_TERM,
	    TAX_AGENCY, 0, SLUG_MAX },
	[RECORD_REGION] = { "region", "Region", FIELD_TERM, TAX_REGION, 0,
	    SLUG_MAX },
	[RECORD_SUMMARY] = { "summary", "Summary", FIELD_PARA, -1, 1,
	    1024 },
};

const struct field *
field_get(enum record_key k)
{
	assert((unsigned int)k < RECORD_KEY_MAX);
	return &fields[k];
}

int
field_lookup(const char *key)
{
	int	 k;

	for (k = 0; k < RECORD_KEY_MAX; k++)
		if (strcmp(fields[k].key, key) == 0)
			return k;
	return -1;
}

int
field_text(const char *v, size_t len, size_t max, int para)
{
	uint32_t	 cp;
	size_t		 i, chars = 0;
	int		 n, bidi = 0;

	if (len == 0)
		return FIELD_EEMPTY;
	for (i = 0; i < len; i += (size_t)n, chars++) {
		if ((n = utf8_decode(&cp, v + i, len - i)) < 0 || cp == 0)
			return FIELD_EUTF8;
		if (cp == '\n' || cp == '\t') {
			if (!para)
				return FIELD_ECTRL;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return FIELD_ECTRL;
		else if (utf8_is_bidi(cp))
			bidi = 1;
	}
	if (bidi)
		return FIELD_EBIDI;
	return chars > max ? FIELD_ELONG : 0;
}

static int
digits(const char *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return 1;
}

int
field_month(const char *v, size_t len, int *year, int *month)
{
	int	 y, m;

	if (len == 10 && v[4] == '-' && v[7] == '-' && digits(v, 4) &&
	    digits(v + 5, 2) && digits(v + 8, 2))
		return FIELD_EDAY;
	if (len != 7 || v[4] != '-' || !digits(v, 4) || !digits(v + 5, 2))
		return FIELD_EMONTH;
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
	m = (v[5] - '0') * 10 + (v[6] - '0');
	if (y < FIELD_YEAR_MIN || m < 1 || m > 12)
		return FIELD_EMONTH;
	if (year != NULL)
		*year = y;
	if (month != NULL)
		*month = m;
	return 0;
}

int
field_count(const char *v, size_t len, int *out)
{
	int	 n = 0;
	size_t	 i;

	if (len == 0 || len > 3 || !digits(v, len))
		return FIELD_ECOUNT;
	for (i = 0; i < len; i++)
		n = n * 10 + (v[i] - '0');
	if (n < 1 || n > FIELD_COUNT_MAX)
		return FIELD_ECOUNT;
	if (out != NULL)
		*out = n;
	return 0;
}

int
field_term(const struct config *cfg, enum tax_id tax, const char *v,
    size_t len)
{
	char	 s[SLUG_MAX + 1];
	int	 i;

	if (len == 0 || len > SLUG_MAX)
		return FIELD_ETERM;
	memcpy(s, v, len);
	s[len] = '\0';
	if (!slug_valid(s))
		return FIELD_ETERM;
	if (cfg == NULL)
		return 0;
	return (i = config_term(cfg, tax, s)) < 0 ? FIELD_ETERM : i;
}

int
field_terms(const struct config *cfg, enum tax_id tax,
    const char *const *v, size_t n, size_t *bad)
{
	size_t	 i, j;

	if (n == 0)
		return FIELD_EEMPTY;
	for (i = 0; i < n; i++) {
		if (bad != NULL)
			*bad = i;
		if (field_term(cfg, tax, v[i], strlen(v[i])) < 0)
			return FIELD_ETERM;
		for (j = 0; j < i; j++)
			if (strcmp(v[i], v[j]) == 0)
				return FIELD_EDUP;
		if (i == FIELD_TERMS_MAX)
			return FIELD_EMANY;
	}
	return 0;
}

/* A comma-separated list of terms, as a record holds it. */
static int
terms_csv(const struct config *cfg, enum tax_id tax, const char *v,
    size_t len)
{
	char		 copy[TERMS_BYTES + 2];
	const char	*term[FIELD_TERMS_MAX + 1];
	size_t		 n = 0, i, start = 0;

	if (len == 0)
		return FIELD_EEMPTY;
	if (len > TERMS_BYTES)
		return FIELD_EMANY;
	memcpy(copy, v, len);
	copy[len] = '\0';
	for (i = 0; i <= len; i++) {
		if (copy[i] != ',' && copy[i] != '\0')
			continue;
		if (n == FIELD_TERMS_MAX + 1)
			return FIELD_EMANY;
		copy[i] = '\0';
		term[n++] = copy + start;
		start = i + 1;
	}
	return field_terms(cfg, tax, term, n, NULL);
}

int
field_check(enum record_key k, const struct config *cfg, const char *v,
    size_t len)
{
	const struct field	*f = field_get(k);
	int			 e;

	switch (f->kind) {
	case FIELD_LINE:
	case FIELD_PARA:
		return field_text(v, len, f->max, f->kind == FIELD_PARA);
	case FIELD_MONTH:
		return len == 0 ? FIELD_EEMPTY :
		    field_month(v, len, NULL, NULL);
	case FIELD_COUNT:
		return len == 0 ? FIELD_EEMPTY : field_count(v, len, NULL);
	case FIELD_TERM:
		if (len == 0)
			return FIELD_EEMPTY;
		e = field_term(cfg, f->tax, v, len);
		return e < 0 ? e : 0;
	case FIELD_TERMS:
		return terms_csv(cfg, f->tax, v, len);
	default:
		abort();
	}
}

const char *
field_strerror(int e)
{
	switch (e) {
	case 0:
		return "is valid";
	case FIELD_EEMPTY:
		return "is empty";
	case FIELD_ELONG:
		return "is longer than allowed";
	case FIELD_EUTF8:
		return "is not valid UTF-8 text";
	case FIELD_ECTRL:
		return "holds a control character or a line break";
	case FIELD_EBIDI:
		return "holds a bidirectional control character (U+202A to "
		    "U+202E or U+2066 to U+2069), which can make text read "
		    "differently from what it is";
	case FIELD_EDAY:
		return "gives a day; give the year and month only (YYYY-MM)";
	case FIELD_EMONTH:
		return "is not a month (YYYY-MM)";
	case FIELD_ECOUNT:
		return "is not a whole number from 1 to 999";
	case FIELD_ETERM:
		return "is not one of the listed values";
	case FIELD_EDUP:
		return "gives the same value twice";
	case FIELD_EMANY:
		return "gives more than five values";
	default:
		return "is not valid";
	}
}

const char *
field_bidi_name(uint32_t cp)
{
	static const char *const embed[] = {
		"LEFT-TO-RIGHT EMBEDDING", "RIGHT-TO-LEFT EMBEDDING",
		"POP DIRECTIONAL FORMATTING", "LEFT-TO-RIGHT OVERRIDE",
		"RIGHT-TO-LEFT OVERRIDE",
	};
	static const char *const isolate[] = {
		"LEFT-TO-RIGHT ISOLATE", "RIGHT-TO-LEFT ISOLATE",
		"FIRST STRONG ISOLATE", "POP DIRECTIONAL ISOLATE",
	};

	if (cp >= 0x202a && cp <= 0x202e)
		return embed[cp - 0x202a];
	if (cp >= 0x2066 && cp <= 0x2069)
		return isolate[cp - 0x2066];
	return NULL;
}
