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
 * nearmiss-gen's internal interfaces: the git source (repo.c), the build
 * state kept beside the output for incremental builds (state.c), the
 * page and feed renderers (pages.c) and the build driver (build.c; its
 * own pieces are in build.h).
 */

#ifndef NM_GEN_H
#define NM_GEN_H

#include <stddef.h>

#include <git2.h>

#include "config.h"
#include "gitlog.h"
#include "md.h"
#include "report.h"

struct buf;
struct arena;
struct receipts;
struct recipient;
struct termstat;
struct tmpl_set;
struct tok_syn;
struct tval;
struct week;
struct relset;
struct odtext;

#define STATE_FILE	".nearmiss-state"
#define STATE_PARTIAL	0x1	/* state opts: reports were left out */
#define STATE_DRAFTS	0x2	/* a --drafts preview: never publish */
#define REPORT_FILE_MAX	(MD_BODY_MAX + REPORT_FM_MAX + 64)

struct gen_opts {
	const char	*repo;		/* NULL: discover from "." */
	const char	*path;		/* content path in the tree */
	const char	*ref;
	const char	*outdir;
	const char	*themedir;
	int		 keep_going;
	int		 full;		/* ignore the state: rebuild all */
	int		 jobs;
	int		 progress;	/* show progress on stderr */
	int		 sync;		/* make the output durable */
	int		 drafts;	/* --drafts: the work tree */
};

/* The committed content we build from. */
struct gitsrc {
	git_repository	*repo;
	char		*gitdir;	/* to reopen in worker threads */
	char		*path;		/* content path, no trailing '/' */
	git_oid		 commit;
	git_oid		 tree;		/* tree of path in commit */
	git_oid		 config;	/* blob of path/nearmiss.ini */
	git_odb		*odb;		/* --drafts: in memory */
};

/* A file of the content tree. */
struct srcfile {
	char		*path;		/* relative to the content path */
	git_oid		 oid;
};

/*
 * The ways to browse: by each list field of the schema (a taxonomy, or
 * the year of the event), and all reports.  The home page shows the
 * facets before FACET_HOME; browse/ shows all of them.
 */
enum facet_id { FACET_TYPE, FACET_FACTOR, FACET_LOSS, FACET_YEAR,
	FACET_AGENCY, FACET_REGION, FACET_TOD, FACET_LIGHTING, FACET_WEATHER,
	FACET_ALL, FACET_MAX };
#define FACET_HOME	FACET_AGENCY

/* The orders of a list: by publication (newest first) or by event. */
enum list_order { ORDER_PUB, ORDER_EVENT, ORDER_MAX };

/* A static page (pages/<slug>.md). */
struct page {
	char		*slug;
	char		*title;
	git_oid		 oid;
	struct buf	*html;		/* rendered body, or NULL */
};

/* Everything one build knows. */
struct site {
	struct config	 cfg;
	struct report	*reports;	/* newest first after site_sort() */
	git_oid		*oids;		/* blob of each report */
	size_t		 nreports;
	struct page	*pages;		/* sorted by slug */
	size_t		 npages;
	struct tmpl_set	*theme;
	const struct gen_opts *opts;
	struct rule	*rule;		/* two-person rule */
	int		 page_errors;	/* pages left out (--keep-going) */
	struct receipts	*receipts;	/* content/receipts (status.c) */
	/*
	 * The ids of the reports a reviewer withdrew (approvals.c), sorted:
	 * the status index says "withdrawn" for their receipts.
	 */
	char		**withdrawn;
	size_t		 nwithdrawn;
	/*
	 * The search index (index.c) is made when the theme has a search
	 * page.  Each report's text is analysed (its index document, with
	 * ix_doc()) when the index or the related reports and the terms of
	 * stats/ and the lessons pages (rel_wanted()) need it: analyze.
	 * syn is nearmiss.ini's [synonyms] compiled (token.h).
	 */
	int		 index;
	int		 analyze;
	struct tok_syn	*syn;
	/* The terms of each report (termstat.h), or NULL: not wanted. */
	struct termstat	*terms;
	/* Event years present, newest first. */
	int		*years;
	size_t		 nyears;
	/*
	 * Members of every collection, as indexes into reports: in idx
	 * newest published first, in ev newest event month first (ties:
	 * the higher id first).
	 */
	struct coll {
		size_t	*idx;
		size_t	*ev;
		size_t	 n;
	}		*coll[FACET_MAX];
	size_t		 ncoll[FACET_MAX];
	struct week	*week;		/* week_load(), or NULL */
	/*
	 * Every report's related reports' vector and lessons learned
	 * (related.h), sorted by id; NULL until the reports are known.
	 */
	const struct relset *rel;
	/*
	 * The narrative and lessons (HTML) of the reports the feeds being
	 * rendered show, by report index, else NULL (bodies_load()).
	 */
	char		**body;
	size_t		*bodylen;
	/*
	 * The narrative and lessons learned of the reports whose records
	 * data/ writes afresh (opendata.c), and the sizes of reports.json
	 * and reports.csv once written, which the data page gives.
	 */
	struct odtext	*odtext;
	size_t		 datasize[2];
};

/* repo.c */
int	repo_open(struct gitsrc *, const struct gen_opts *);
void	repo_close(struct gitsrc *);
/* Opens another handle on the same repository (one per thread). */
int	repo_reopen(git_repository **, const struct gitsrc *);
/* Lists the blobs under sub ("reports" or "pages") of the content tree. */
int	repo_list(struct srcfile **, size_t *, const struct gitsrc *,
	    const char *sub);
void	srcfiles_free(struct srcfile *, size_t);
/* Reads blob oid into out; NM_ETOOBIG if larger than max (logged). */
int	repo_read(struct buf *out, git_repository *, const git_oid *,
	    size_t max, const char *path);
/*
 * Paths (relative to the content path) that differ between the content
 * tree old and the current one.  Returns NM_ENOTFOUND if old is not in
 * the repository any more.
 */
struct change {
	char		*path;
	int		 deleted;	/* gone from the new tree */
	git_oid		 oid;		/* new blob unless deleted */
	unsigned int	 mode;		/* new file mode unless deleted */
};
int	repo_changes(struct change **, size_t *, const struct gitsrc *,
	    const git_oid *old);
void	changes_free(struct change *, size_t);
/* Checks a path of the content tree: reports/<yyyy>/<id>.md. */
int	report_path_ok(const char *path, char *id, size_t idsz);

/* state.c: what the last build in outdir was made from. */
struct state {
	char		 version[32];
	git_oid		 tree, config, theme;
	unsigned int	 opts;
	/* Reports and pages as built, when loaded in full. */
	struct report	*reports;
	git_oid		*report_oids;
	/* rule_revised() of each report when it was built, or NULL. */
	char		**revised;
	size_t		 nreports;
	/*
	 * lent[i]: the strings of reports[i] went to a site, which frees
	 * them (an incremental build's); NULL when none did.
	 */
	unsigned char	*lent;
	struct page	*pages;
	size_t		 npages;
	/*
	 * The receipt hashes (64 hex digits) of the withdrawn reports: the
	 * state names no report id that the site does not publish.
	 */
	char		**withdrawn;
	size_t		 nwithdrawn;
};
/* Reads the header, or all of it when full; NM_ENOTFOUND if none. */
int	state_read(struct state *, const char *outdir, const struct config *,
	    int full);
int	state_write(const struct site *, const git_oid *report_oids,
	    const struct gitsrc *, const git_oid *theme, unsigned int opts,
	    const char *dir, int sync);
void	state_free(struct state *);

/* pages.c: the context of each page and the XML writers. */
const char *month_name(int);
/*
 * A count as the site may show it, under the small-count rule: n, or
 * "< k" when n is below nearmiss.ini's min_count (k).  Every count gen
 * publishes (pages, charts, tables, files) goes through it.
 */
const char *count_text(struct arena *, const struct site *, size_t n);
/* Renders the page of report r (body already split into HTML parts). */
int	page_report(struct buf *, const struct site *, struct arena *,
	    const struct report *, const char *narrative, size_t,
	    const char *lessons, size_t, const char *comments, size_t);
/*
 * Renders the theme's _related.html for report i of s: its related
 * reports rel (REL_MAX of them, SIZE_MAX ends the list) and its previous
 * and next report of the same incident type (SIZE_MAX: none).
 */
int	page_related(struct buf *, const struct site *, struct arena *,
	    size_t i, const size_t *rel, size_t prev, size_t next);
/*
 * One output file of the site besides report pages: pages_plan() lists
 * them all, page_render() renders one.
 */
enum out_kind {
	OUT_HOME, OUT_LIST, OUT_TERMS, OUT_FEED, OUT_PAGE, OUT_SEARCH,
	OUT_404, OUT_SITEMAP, OUT_ROBOTS, OUT_STATUS, OUT_BROWSE, OUT_HEADERS,
	OUT_WEEK, OUT_WEEKS, OUT_WEEKFEED,	/* week.c */
	OUT_LESSONS,	/* lessons/index.html (term -1), or a term's page */
	OUT_DATA,	/* opendata.c */
	OUT_STATS,	/* stats.c */
	OUT_KIND_MAX
};
struct outfile {
	enum out_kind	 kind;
	enum facet_id	 facet;		/* OUT_LIST, OUT_TERMS, OUT_FEED */
	enum list_order	 order;		/* OUT_LIST */
	int		 term;		/* term index, year, week, or -1 */
	int		 pageno;	/* OUT_LIST: 1-based; OUT_DATA: file;
					   OUT_STATS: 1 for its feed */
	size_t		 page;		/* OUT_PAGE: index in site->pages */
	char		*path;		/* relative to outdir */
};
/* Lists every output file but report pages and static assets. */
int	pages_plan(struct outfile **, size_t *, const struct site *);
void	outfiles_free(struct outfile *, size_t);
int	page_render(struct buf *, const struct site *, struct arena *,
	    const struct outfile *);
/* 1 if outfile o shows or counts report r (for incremental builds). */
int	page_depends(const struct site *, const struct outfile *,
	    const struct report *);
/*
 * 1 if feed or lessons page o shows the text (not only the title and
 * facts) of report r of s: an incremental build renders it again when
 * r's text changed.
 */
int	page_shows(const struct site *, const struct outfile *,
	    const struct report *);
/*
 * 1 if list or feed o of s shows exactly what op showed in old: the same
 * count and reports in its window, none of them in dirty.
 */
int	page_window_same(const struct site *old, const struct outfile *op,
	    const struct site *s, const struct outfile *o,
	    const struct report *const *dirty, size_t ndirty);
/*
 * The template context every page starts from (rel: its output path),
 * the value of a report as lists show it, and the site-relative URL of
 * an output path ("x/index.html" is "x/"); all in arena a.
 */
struct tval *page_ctx(struct arena *a, const struct site *, const char *rel,
	    const char *kind, const char *title, const char *feed);
struct tval *page_item(struct arena *a, const struct site *,
	    const struct report *);
const char *page_url(struct arena *a, const char *rel);
/* The output folder of a facet ("incident-type", ..., "reports"). */
const char *facet_dir(enum facet_id);
/* Fills site->years and site->coll from site->reports (sorted). */
void	site_index(struct site *);
/* Frees site->years and site->coll. */
void	site_index_free(struct site *);

/*
 * opendata.c: the open data, data/ (see nearmiss-gen(1)).  pages_plan()
 * plans each file as an OUT_DATA whose pageno is the data_file.
 */
enum data_file { DATA_JSON, DATA_SCHEMA, DATA_CSV, DATA_CSVW, DATA_PAGE,
	DATA_FILE_MAX };
/* The path of file d, relative to outdir ("data/reports.json"). */
const char *data_path(enum data_file d);
/* 1 if file d shows or counts the reports (0: nearmiss.ini only). */
int	data_depends(enum data_file d);
/*
 * Renders data file d but DATA_PAGE into out: deterministic, the reports
 * ordered by id.  0, or -1 for DATA_PAGE.
 */
int	data_render(struct buf *out, const struct site *, struct arena *,
	    enum data_file d);
/*
 * 1 for reports.json and reports.csv, which are too big for a buffer:
 * both builds write them with data_write() or data_patch() (build.h)
 * before the other pages, and run_outfiles() leaves them alone.
 */
int	data_streamed(enum data_file d);
/* The context of the data dictionary page (the theme's data.html). */
struct tval *data_page_val(struct arena *, const struct site *);

/*
 * status.c: the receipt status index, status/index.json and the shards
 * status/<prefix>.json (see nearmiss-gen(1)).
 */
#define STATUS_SHARD_MAX	(10 * 1024)	/* bytes a shard aims at */
#define STATUS_DIGITS_MAX	3		/* hex digits of a shard name */
struct statusfile {
	char		*path;		/* relative to outdir */
	struct buf	*data;
};
/*
 * Reads content/receipts from tree (a content tree of src) into *out; a
 * tree without one gives an empty set.  0, or -1 after logging
 * "path:line: what".
 */
int	status_load(struct receipts **out, const struct gitsrc *src,
	    const git_oid *tree);
/* Every file of the status index of s (its receipts and reports). */
void	status_files(struct statusfile **out, size_t *nout,
	    const struct site *s);
/*
 * The status files that differ between site old and s: *out those to
 * write (new or changed bytes), *gone the paths of old files that s does
 * not have.  Nothing when both have the same receipts (pointer) and the
 * same published reports.  In a --drafts preview every file of s is in
 * *out (the old draft marks are not known): the caller writes those that
 * differ from the output.
 */
void	status_changes(struct statusfile **out, size_t *nout, char ***gone,
	    size_t *ngone, const struct site *old, const struct site *s);
void	statusfiles_free(struct statusfile *, size_t);

/*
 * approvals.c: the two-person rule.  A report is published when at least
 * min_approvals distinct reviewers of the tree's "reviewers" file signed
 * one of its versions (approvals/<yyyy>/<id>, lib/approval.h): the
 * newest approved revision, read by its blob id, unless withdrawn.
 */
struct draftmark {
	char		*id;		/* of the report */
	char		*why;		/* what it lacks */
};
struct apvfile {
	char		*path;		/* <yyyy>/<id> under approvals/ */
	git_oid		 oid;
	unsigned int	 mode;
};
struct rule {
	struct recipient *rv;		/* the reviewers */
	size_t		 nrv;
	int		 min;		/* min_approvals */
	int		 drafts;	/* mark short reports, keep them */
	int		 noreviewers;	/* no reviewers file */
	const char	*prefix;	/* content path, for messages */
	git_tree	*tree;		/* the content tree */
	struct apvfile	*apv;		/* approvals/, sorted by path */
	size_t		 napv;
	struct draftmark *marks;	/* drafts: sorted by id */
	size_t		 nmarks;
	size_t		 skipped;	/* reports left out */
	struct revised	*revised;	/* rule_revised(), own lock */
};
/*
 * Reads the reviewers of the content tree of src.  A missing file is
 * logged (no report can pass); a malformed one is an error.  0 or -1.
 * Free with rule_free(), also on failure.
 */
int	rule_load(struct rule *, const struct gitsrc *,
	    const struct config *, int drafts);
void	rule_free(struct rule *);
/*
 * Checks report file rel (relative to the content path) at blob, reading
 * its approvals through repo (one handle per thread).  *why is NULL if
 * a version may be published, and *blob is then that version: the
 * approved one with the highest revision (lib/approval.h), which may be
 * older than the tree's; else *why says what it lacks or that it was
 * withdrawn (caller frees).  In drafts mode *blob is never changed: a
 * tree version that is not the approved one gets a *why.  *withdrawn
 * (if not NULL) is 1 when it is left out because a reviewer withdrew it,
 * else 0.  Returns 0, or -1 on a repository error or a bad report path
 * (logged).
 */
int	rule_check(const struct rule *, git_repository *, const char *rel,
	    git_oid *blob, char **why, int *withdrawn);
/*
 * Leaves out of files (n of them) the reports short of approvals, each
 * logged as "PATH: not published: WHAT IT LACKS" and counted in
 * rule->skipped; in drafts mode keeps them and records a mark instead.
 * Checks on jobs threads.  0, or -1 (logged) on a repository error.
 * A full build calls it for --drafts only; otherwise its report workers
 * call rule_check() before rendering each report (full.c).
 */
int	rule_filter(struct rule *, struct srcfile *files, size_t *n,
	    const struct gitsrc *, int jobs);
/* Drafts mode: what report id lacks, or NULL (approved; rule NULL). */
const char *rule_draft(const struct rule *, const char *id);
/*
 * The day (YYYY-MM-DD) the published version of report id was approved,
 * when it is a revision above an earlier approved one, for the page's
 * "Revised on DATE"; else NULL (also when rule is NULL).  Known once
 * rule_check() passed the report (before its page is rendered, in both
 * builds); the string lives as long as the rule.  Thread-safe.
 */
const char *rule_revised(const struct rule *, const char *id);
/*
 * Records date (YYYY-MM-DD) as rule_revised() of report id: an incremental
 * build restores so the dates of the reports it does not check again,
 * which the open data shows.  Thread-safe.
 */
void	rule_set_revised(const struct rule *, const char *id,
	    const char *date);
/*
 * Incremental builds: adds to the changes the reports whose approvals
 * changed, turns a changed report short of approvals into a deletion,
 * and each changed report's new version into the one to publish (see
 * rule_check()).  Updates the sorted id set *wd (n *nwd, the last
 * build's) for the changed reports.  NM_ENOTFOUND if the reviewers
 * changed (build in full).
 */
int	rule_changes(struct change **, size_t *, const struct rule *,
	    const struct gitsrc *, char ***wd, size_t *nwd);
/*
 * Sorted sets of report ids (the withdrawn ones): ids_add() appends a
 * copy (ids_sort() afterwards), ids_del() removes, ids_has() is 1 if id
 * is in the sorted set.  ids_free() frees the ids and the array.
 */
void	ids_add(char ***, size_t *, const char *id);
void	ids_del(char **, size_t *, const char *id);
void	ids_sort(char **, size_t);
int	ids_has(char *const *, size_t, const char *id);
void	ids_free(char **, size_t);

/*
 * week.c: the report of the week.  The week a site shows is that of its
 * newest publication date (week_current(), YYYY * 100 + ww, 0 without
 * reports), so that the output depends on the content alone; a pin is
 * shown when its week is not after it and its report is published.
 */
struct wkpin {
	const struct pin *pin;		/* in site->cfg.pins */
	size_t		 r;		/* its report in site->reports */
};
int	week_current(const struct site *);
/*
 * The pins the site shows, newest week first, into *out (caller frees);
 * none when the theme has no week.html and weeks.html.
 */
size_t	week_pins(const struct site *, struct wkpin **out);
/* "week/YYYY-wWW/index.html" of week w, in arena a. */
const char *week_path(struct arena *a, int w);
/*
 * Logs the pins whose report is not published ("nearmiss.ini:LINE:
 * ..."), then reads and renders the reports of week_pins() again
 * through repo, for their questions and lessons, into s->week (freed
 * by site_free()).  Both builds call it before their lists.  0 or -1.
 */
int	week_load(struct site *, git_repository *repo);
void	week_free(struct week *);
/* 1 for the outputs an incremental build always renders again. */
int	week_always(const struct outfile *);
/* The home page's "week" value: the current pin, or "" if none. */
struct tval *week_home(struct arena *, const struct site *);
/* Renders OUT_WEEK, OUT_WEEKS and OUT_WEEKFEED. */
int	week_render(struct buf *, const struct site *, struct arena *,
	    const struct outfile *);
/*
 * digest.c: nearmiss-gen digest, the weekly e-mail on stdout.  argv
 * starts after "digest".  Returns the exit code: 0, 1 or 2 (usage).
 */
int	digest_main(int argc, char *argv[]);

/*
 * stats.c: stats/index.html (o->pageno 0) and stats/emerging.xml (1),
 * from the reports, their collections and site->terms.
 */
int	stats_render(struct buf *, const struct site *, struct arena *,
	    const struct outfile *);

/* build.c */
int	gen_build(const struct gen_opts *);
void	site_sort(struct site *);
void	site_free(struct site *);

#endif /* NM_GEN_H */
