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
 * The build state, STATE_FILE in the output folder: what the site was
 * built from (content tree, config blob, theme hash, options; not the
 * commit, so that the same content gives the same bytes)
 * and, for incremental builds, the metadata of every published report (with
 * its rule_revised() day, for the open data) and
 * page and the receipts of the withdrawn reports ("W" lines, by receipt
 * hash: never a report id the site does not show), so that a rebuild
 * after one change does not reread the archive.
 * A line-oriented text file with tab-separated, backslash-escaped fields;
 * it is written last, atomically, so it never describes a half build.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "log.h"
#include "nm.h"
#include "receipts.h"

#define STATE_MAGIC	"nearmiss-state 1"
#define STATE_MAX	((size_t)1 << 30)
#define FIELDS_MAX	20

/* Splits line (modified) at tabs and unescapes; returns field count. */
static int
split(char *line, char **f, int max)
{
	char	*p, *w;
	int	 n = 0;

	f[n++] = line;
	for (p = w = line; *p != '\0'; p++) {
		if (*p == '\t') {
			*w++ = '\0';
			if (n == max)
				return -1;
			f[n++] = w;
		} else if (*p == '\\' && p[1] != '\0') {
			p++;
			*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
		} else
			*w++ = *p;
	}
	*w = '\0';
	return n;
}

static int
slug_index(const struct config *c, enum tax_id t, const char *s)
{
	return *s == '\0' ? -1 : config_term(c, t, s);
}

/* "YYYY-MM", or with d "YYYY-MM-DD", as state_write() puts them. */
static int
get_date(const char *s, int *y, int *m, int *d)
{
	int	 v[3] = { 0, 0, 0 }, k = 0, nd = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9' && nd < 6) {
			v[k] = v[k] * 10 + (*s - '0');
			nd++;
		} else if (*s == '-' && nd > 0 && k < (d != NULL ? 2 : 1)) {
			k++;
			nd = 0;
		} else if (*s == '\0' && nd > 0 && k == (d != NULL ? 2 : 1))
			break;
		else
			return -1;
	}
	*y = v[0];
	*m = v[1];
	if (d != NULL)
		*d = v[2];
	return 0;
}

static int
parse_report(struct report *r, git_oid *oid, char **revised, char **f,
    int n, const struct config *c)
{
	char	*fac, *next;
	int	 y, m, d;

	memset(r, 0, sizeof(*r));
	*revised = NULL;
	if (n != 18 || strcmp(f[0], "R") != 0 ||
	    git_oid_fromstr(oid, f[2]) != 0)
		return -1;
	/* The day rule_revised() gave, as rule_set_revised() takes it. */
	if (*f[17] != '\0') {
		if (strlen(f[17]) != 10 || get_date(f[17], &y, &m, &d) != 0)
			return -1;
		*revised = xstrdup(f[17]);
	}
	r->path = xstrdup(f[1]);
	r->id = xstrdup(f[3]);
	r->title = xstrdup(f[4]);
	r->summary = xstrdup(f[5]);
	if (get_date(f[6], &r->event_year, &r->event_month, NULL) != 0 ||
	    get_date(f[7], &r->pub_year, &r->pub_month, &r->pub_day) != 0)
		return -1;
	r->incident_type = slug_index(c, TAX_INCIDENT_TYPE, f[8]);
	for (fac = f[9]; fac != NULL && *fac != '\0'; fac = next) {
		if ((next = strchr(fac, ',')) != NULL)
			*next++ = '\0';
		if (r->nfactors == REPORT_FACTORS_MAX)
			return -1;
		if ((r->factors[r->nfactors++] = slug_index(c, TAX_FACTORS,
		    fac)) == -1)
			return -1;
	}
	r->loss = slug_index(c, TAX_LOSS, f[10]);
	r->officers = atoi(f[11]);
	r->time_of_day = slug_index(c, TAX_TIME_OF_DAY, f[12]);
	r->lighting = slug_index(c, TAX_LIGHTING, f[13]);
	r->weather = slug_index(c, TAX_WEATHER, f[14]);
	r->agency = slug_index(c, TAX_AGENCY, f[15]);
	r->region = slug_index(c, TAX_REGION, f[16]);
	if (r->incident_type == -1 || r->loss == -1 || r->nfactors == 0)
		return -1;
	return 0;
}

/*
 * The first STATE_HEAD bytes of path into b, when the header ends in
 * them: a check of the header need not read 50,000 reports' lines.
 * 0 if so, 1 if not (read the whole file), NM_ENOTFOUND if missing.
 */
#define STATE_HEAD	8192
static int
read_head(struct buf *b, const char *path)
{
	ssize_t	 r;
	size_t	 got = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? NM_ENOTFOUND : 1;
	buf_grow(b, STATE_HEAD + 1);
	while (got < STATE_HEAD && (r = read(fd, b->data + got,
	    STATE_HEAD - got)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	b->len = got;
	b->data[got] = '\0';
	if (strstr(b->data, "\nend-header\n") != NULL)
		return 0;
	buf_reset(b);
	return 1;
}

int
state_read(struct state *st, const char *outdir, const struct config *cfg,
    int full)
{
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX], *line, *next, *f[FIELDS_MAX];
	size_t		 nlines = 0, cap = 0, pcap = 0;
	int		 n, rc, w, header = 1;

	memset(st, 0, sizeof(*st));
	w = snprintf(path, sizeof(path), "%s/%s", outdir, STATE_FILE);
	if (w < 0 || (size_t)w >= sizeof(path))
		return NM_ENOTFOUND;
	if ((full || (rc = read_head(&b, path)) == 1) &&
	    (rc = file_read(&b, path, STATE_MAX)) != 0) {
		buf_free(&b);
		return rc;
	}
	if (rc == NM_ENOTFOUND) {
		buf_free(&b);
		return rc;
	}
	rc = -1;
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		nlines++;
		if (nlines == 1) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto bad;
			continue;
		}
		if ((n = split(line, f, FIELDS_MAX)) < 1)
			goto bad;
		if (header && strcmp(f[0], "gen") == 0 && n == 2)
			snprintf(st->version, sizeof(st->version), "%s", f[1]);
		else if (header && strcmp(f[0], "tree") == 0 && n == 2) {
			if (git_oid_fromstr(&st->tree, f[1]) != 0)
				goto bad;
		} else if (header && strcmp(f[0], "config") == 0 && n == 2) {
			if (git_oid_fromstr(&st->config, f[1]) != 0)
				goto bad;
		} else if (header && strcmp(f[0], "theme") == 0 && n == 2) {
			if (git_oid_fromstr(&st->theme, f[1]) != 0)
				goto bad;
		} else if (header && strcmp(f[0], "options") == 0 && n == 2)
			st->opts = (unsigned int)strtoul(f[1], NULL, 16);
		else if (strcmp(f[0], "end-header") == 0) {
			header = 0;
			if (!full)
				break;
		} else if (!header && strcmp(f[0], "R") == 0) {
			if (st->nreports == cap) {
				cap = cap ? cap * 2 : 1024;
				st->reports = xreallocarray(st->reports, cap,
				    sizeof(*st->reports));
				st->report_oids = xreallocarray(
				    st->report_oids, cap, sizeof(git_oid));
				st->revised = xreallocarray(st->revised, cap,
				    sizeof(*st->revised));
			}
			if (parse_report(&st->reports[st->nreports],
			    &st->report_oids[st->nreports],
			    &st->revised[st->nreports], f, n, cfg) == -1) {
				report_free(&st->reports[st->nreports]);
				free(st->revised[st->nreports]);
				goto bad;
			}
			st->nreports++;
		} else if (!header && strcmp(f[0], "P") == 0 && n == 5) {
			if (st->npages == pcap) {
				pcap = pcap ? pcap * 2 : 16;
				st->pages = xreallocarray(st->pages, pcap,
				    sizeof(*st->pages));
			}
			memset(&st->pages[st->npages], 0,
			    sizeof(*st->pages));
			st->pages[st->npages].slug = xstrdup(f[2]);
			st->pages[st->npages].title = xstrdup(f[4]);
			if (git_oid_fromstr(&st->pages[st->npages].oid,
			    f[3]) != 0) {
				st->npages++;
				goto bad;
			}
			st->npages++;
		} else if (!header && strcmp(f[0], "W") == 0 && n == 2) {
			if (strlen(f[1]) != 64 ||
			    strspn(f[1], "0123456789abcdef") != 64)
				goto bad;
			ids_add(&st->withdrawn, &st->nwithdrawn, f[1]);
		} else if (!header && strcmp(f[0], "end") == 0) {
			rc = 0;
			break;
		} else
			goto bad;
	}
	if (!full && !header)
		rc = 0;
	if (rc == 0) {
		/* Written sorted; sorted again, whatever the file says. */
		ids_sort(st->withdrawn, st->nwithdrawn);
		goto out;
	}
bad:
	log_info("%s: unreadable build state, rebuilding everything", path);
	state_free(st);
	rc = NM_ENOTFOUND;
out:
	buf_free(&b);
	return rc;
}

/* A number of at least width digits, as printf's %0*d does. */
static void
put_num(struct buf *b, int v, int width)
{
	char	 tmp[16];
	int	 nd;

	if (v >= 0 && v < 10000 && width <= 4) {
		tmp[0] = (char)('0' + v / 1000);
		tmp[1] = (char)('0' + v / 100 % 10);
		tmp[2] = (char)('0' + v / 10 % 10);
		tmp[3] = (char)('0' + v % 10);
		/* The digits v needs, zeros before them up to width. */
		nd = v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
		if (nd > width)
			width = nd;
		buf_add(b, tmp + 4 - width, (size_t)width);
		return;
	}
	buf_printf(b, "%0*d", width, v);
}

static void
term_field(struct buf *b, const struct config *c, enum tax_id t, int i)
{
	buf_addch(b, '\t');
	if (i >= 0)
		buf_addesc(b, c->tax[t].terms[i].slug);
}

int
state_write(const struct site *s, const git_oid *oids,
    const struct gitsrc *src, const git_oid *theme, unsigned int opts,
    const char *dir, int sync)
{
	const struct config *c = &s->cfg;
	const struct report *r;
	const struct receipt_entry *e;
	struct buf	 b = BUF_INIT;
	const char	*rev;
	char		 hex[GIT_OID_HEXSZ + 1], path[PATH_MAX];
	size_t		 i;
	int		 k, rc, w;

	buf_addstr(&b, STATE_MAGIC "\n");
	buf_printf(&b, "gen\t%s\n", NM_VERSION);
	buf_printf(&b, "tree\t%s\n", git_oid_tostr(hex, sizeof(hex),
	    &src->tree));
	buf_printf(&b, "config\t%s\n", git_oid_tostr(hex, sizeof(hex),
	    &src->config));
	buf_printf(&b, "theme\t%s\n", git_oid_tostr(hex, sizeof(hex), theme));
	buf_printf(&b, "options\t%x\n", opts);
	buf_addstr(&b, "end-header\n");
	/* Room for all of it at once: a big archive's state is megabytes. */
	buf_grow(&b, s->nreports * 512);
	for (i = 0; i < s->nreports; i++) {
		r = &s->reports[i];
		buf_addstr(&b, "R\t");
		buf_addesc(&b, r->path);
		buf_addch(&b, '\t');
		git_oid_fmt(hex, &oids[i]);
		buf_add(&b, hex, GIT_OID_HEXSZ);
		buf_addch(&b, '\t');
		buf_addesc(&b, r->id);
		buf_addch(&b, '\t');
		buf_addesc(&b, r->title);
		buf_addch(&b, '\t');
		buf_addesc(&b, r->summary);
		buf_addch(&b, '\t');
		put_num(&b, r->event_year, 4);
		buf_addch(&b, '-');
		put_num(&b, r->event_month, 2);
		buf_addch(&b, '\t');
		put_num(&b, r->pub_year, 4);
		buf_addch(&b, '-');
		put_num(&b, r->pub_month, 2);
		buf_addch(&b, '-');
		put_num(&b, r->pub_day, 2);
		term_field(&b, c, TAX_INCIDENT_TYPE, r->incident_type);
		buf_addch(&b, '\t');
		for (k = 0; k < r->nfactors; k++) {
			if (k > 0)
				buf_addch(&b, ',');
			buf_addesc(&b, c->tax[TAX_FACTORS].terms[
			    r->factors[k]].slug);
		}
		term_field(&b, c, TAX_LOSS, r->loss);
		buf_printf(&b, "\t%d", r->officers);
		term_field(&b, c, TAX_TIME_OF_DAY, r->time_of_day);
		term_field(&b, c, TAX_LIGHTING, r->lighting);
		term_field(&b, c, TAX_WEATHER, r->weather);
		term_field(&b, c, TAX_AGENCY, r->agency);
		term_field(&b, c, TAX_REGION, r->region);
		buf_addch(&b, '\t');
		if ((rev = rule_revised(s->rule, r->id)) != NULL)
			buf_addesc(&b, rev);
		buf_addch(&b, '\n');
	}
	for (i = 0; i < s->npages; i++) {
		buf_addstr(&b, "P\t");
		buf_addesc(&b, s->pages[i].slug);
		buf_addch(&b, '\t');
		buf_addesc(&b, s->pages[i].slug);
		buf_printf(&b, "\t%s\t", git_oid_tostr(hex, sizeof(hex),
		    &s->pages[i].oid));
		buf_addesc(&b, s->pages[i].title);
		buf_addch(&b, '\n');
	}
	/* The receipts of withdrawn reports, sorted by hash. */
	for (i = 0; s->nwithdrawn > 0 && s->receipts != NULL &&
	    i < receipts_count(s->receipts); i++) {
		e = receipts_at(s->receipts, i);
		if (e->state != RECEIPT_DRAFT ||
		    !ids_has(s->withdrawn, s->nwithdrawn, e->arg))
			continue;
		buf_addstr(&b, "W\t");
		for (k = 0; k < 32; k++)
			buf_printf(&b, "%02x", e->hash[k]);
		buf_addch(&b, '\n');
	}
	buf_addstr(&b, "end\n");
	w = snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	if (w < 0 || (size_t)w >= sizeof(path)) {
		log_warnx("%s: path too long", dir);
		buf_free(&b);
		return -1;
	}
	rc = file_write(path, b.data, b.len, 0644, FILE_ATOMIC |
	    (sync ? FILE_SYNC : 0));
	buf_free(&b);
	return rc;
}

void
state_free(struct state *st)
{
	size_t	 i;

	for (i = 0; i < st->nreports; i++) {
		if (st->lent == NULL || !st->lent[i])
			report_free(&st->reports[i]);
		free(st->revised[i]);
	}
	free(st->lent);
	free(st->reports);
	free(st->revised);
	free(st->report_oids);
	for (i = 0; i < st->npages; i++) {
		free(st->pages[i].slug);
		free(st->pages[i].title);
	}
	free(st->pages);
	ids_free(st->withdrawn, st->nwithdrawn);
	memset(st, 0, sizeof(*st));
}
