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
 * The build's internal interfaces, shared by its files: the thread pool
 * (pool.c), the publish step and the output lock (publish.c), the full
 * build (full.c), the incremental build (incr.c) and the pieces both
 * builds use (build.c).
 */

#ifndef NM_BUILD_H
#define NM_BUILD_H

#include <sys/types.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <git2.h>

#define JOBS_MAX	16
#define PAGE_MAX	(512 * 1024)

struct buf;
struct ixwork;
struct gitsrc;
struct outfile;
struct render;
struct report;
struct site;
struct state;

/*
 * A pool of threads working through items 0..n-1: each takes the next
 * index from next and counts it in done when finished.  The thread that
 * called pool_init() shows progress on a terminal.
 */
struct pool {
	atomic_size_t	 next;
	atomic_size_t	 done;
	size_t		 n;
	const char	*what;
	int		 progress;
	int		 failed;	/* set under lock */
	pthread_mutex_t	 lock;
	pthread_t	 owner;		/* the thread that shows progress */
	struct timespec	 last;
};

/*
 * The files an incremental build changes.  Each is written in full to
 * OUTDIR/.nearmiss-tmp/ first; publish_commit() makes them durable with
 * one syncfs() and only then renames them into place, one atomic rename
 * each, so a crash leaves every file either old or new, never partial.
 */
struct publish {
	pthread_mutex_t	 lock;
	char		 tmpdir[PATH_MAX];
	char		**tmp, **dst;
	size_t		 n;
};

/* pool.c */
/* Milliseconds since *t0; sets *t0 to now (for -v phase timings). */
long	lap(struct timespec *t0);
/* Sets p up for n items; progress (when prog and n > 500) says what. */
void	pool_init(struct pool *p, size_t n, const char *what, int prog);
/* Runs fn(arg) on jobs threads, the caller being one of them. */
void	pool_run(int jobs, void *(*fn)(void *), void *arg);
/* One task run beside the caller's own work (bg_start()). */
struct bgtask {
	pthread_t	 thread;
	int		 running;
};
/*
 * Starts fn(arg) on a thread of its own when jobs > 1 and one can be
 * made; else runs it at once.  bg_join() waits for it either way.
 */
void	bg_start(struct bgtask *, int jobs, void *(*fn)(void *), void *arg);
/* Waits for the task, if it still runs; safe to call again. */
void	bg_join(struct bgtask *);
/* Marks the phase failed (a worker logged why). */
void	pool_fail(struct pool *);
/* Counts one item done and shows progress from the owning thread. */
void	pool_step(struct pool *);
/* Ends the phase: the last progress line, then frees the lock. */
void	pool_end(struct pool *);

/* publish.c */
/* Makes the empty OUTDIR/.nearmiss-tmp; p->lock is set up already. */
int	publish_init(struct publish *, const char *outdir);
/*
 * Syncs (when sync) and renames every staged file into place, giving
 * each folder that changed the build day's time.
 */
int	publish_commit(struct publish *, int sync);
/*
 * Stages the file tmp, written in full under p->tmpdir by the caller, to
 * be renamed to dst (an absolute path under outdir) by
 * publish_commit(); gives it the build day's time.
 */
int	publish_file(struct publish *, const char *tmp, const char *dst);
/* Removes what is staged and frees p, the lock too. */
void	publish_free(struct publish *);
/*
 * Writes data to dir/rel.  In a full build (pub NULL) the file is new in
 * the staging tree; otherwise it is staged for publish_commit(), and only
 * if its bytes differ from the file in place (*changed says which).
 */
int	write_out(struct publish *pub, const char *dir, const char *rel,
	    const struct buf *data, int *changed);
/*
 * Writes a file of the site (file_write() with mode 0644 and flags), then
 * gives it the build day's time, midnight UTC, as every file gen writes
 * into the site has: its time tells the day it last changed, not when.
 */
int	out_write(const char *path, const struct buf *data, int flags);
/* Gives the file at path the build day's time (see out_write()). */
int	out_stamp(const char *path);
/*
 * Appends n bytes of the file from (frompath), from offset off, to the
 * file to (topath): copy_file_range(2), else read and write.
 */
int	out_copy(int to, const char *topath, int from, const char *frompath,
	    off_t off, size_t n);
/*
 * In a full build's staging tree, which nobody serves yet: replaces the
 * cut bytes at off of the file at path with data, in place (one write),
 * and gives it the build day's time again.
 */
int	out_splice(const char *path, size_t off, size_t cut,
	    const struct buf *data);
/*
 * After a build: gives the state file and outdir the build day's time,
 * and with all (a full build) every folder under outdir too; otherwise
 * the search index's folders, the others an incremental build changes
 * being stamped by publish_commit() and remove_out() as they go.
 */
int	site_stamp(const char *outdir, int all);
/*
 * Removes dir/rel, then its parent folders that became empty, and gives
 * the folder that changed the build day's time.
 */
int	remove_out(const char *dir, const char *rel);
/* Exchanges the staging folder with outdir and removes the old site. */
int	swap_in(const char *staging, const char *outdir);
/* Refuses (-1, logged) to replace a folder that is not ours. */
int	outdir_ok(const char *outdir);
/* fsyncs the folder that holds path, making a rename in it durable. */
int	parent_sync(const char *path);
/* syncfs() of the file system that holds dir. */
int	sync_tree(const char *dir);
/*
 * The path of a file gen keeps beside the output folder: outdir without
 * trailing slashes, then suffix ("site/" and ".related": site.related).
 * 0, or -1 (logged) if it does not fit.
 */
int	side_path(char *out, size_t sz, const char *outdir,
	    const char *suffix);
/*
 * Takes OUTDIR.lock (one build at a time per output) and then removes
 * what a killed build left beside the output: OUTDIR.tmp-XXXXXX staging
 * folders.  Returns the lock's descriptor, or -1.
 */
int	lock_output(const char *outdir);

/* build.c */
/*
 * Reads, checks and renders one report into rc->page (the HTML of its
 * page), resetting rc first; with iw, also its search index document
 * into doc (index.h).  Returns 0, or -1 with the problems logged.
 */
int	render_one(struct render *rc, struct report *r, const struct site *,
	    git_repository *, const git_oid *, const char *relpath,
	    struct ixwork *iw, struct buf *doc);
/*
 * Renders files[i] of the n list, feed and other pages where todo[i]
 * (todo NULL: all) on the pool, writing each with write_out();
 * *written counts the files written or changed.
 */
int	run_outfiles(const struct site *, const struct outfile *files,
	    size_t n, const char *dir, struct publish *pub,
	    const unsigned char *todo, size_t *written);
/*
 * Finds ids used by more than one report of r[0..n) (those with ok[i]);
 * logs each and clears their ok flags.  Returns the number of reports
 * so excluded.
 */
size_t	find_duplicates(struct report *r, int *ok, size_t n,
	    const char *prefix);
/*
 * Reads report r of s again (blob oid, through repo) into rc and rr:
 * its front matter into rr (report_free() it, also on failure), its
 * body's parts as HTML into rc.  0, or -1 (logged).
 */
int	report_body(struct render *rc, struct report *rr, const struct site *,
	    git_repository *repo, const struct report *r, const git_oid *oid);
/*
 * The text of every report that the feeds among files[0..n) (those
 * with todo[i], or all when todo is NULL) show, read and rendered again
 * into s->body on the pool: its narrative and lessons learned as HTML.
 * 0, or -1 (logged).
 */
int	bodies_load(struct site *, const struct gitsrc *,
	    const struct outfile *files, size_t n, const unsigned char *todo);
void	bodies_free(struct site *);
/* Copies the files of the theme's static/ into dir (same structure). */
int	copy_static(const char *from, const char *to, struct publish *);

/*
 * opendata.c: the narrative and lessons learned of the reports read
 * (their Markdown, md_report's src), for data/reports.json and .csv.
 * odtext_new() keeps them in an unlinked temporary file in dir, or in
 * memory when dir is NULL; NULL on failure (logged).
 */
struct md_report;
struct odbatch;
struct odtext	*odtext_new(const char *dir);
void		 odtext_free(struct odtext *);
/* A worker's batch of texts, added to the spool a block at a time. */
struct odbatch	*odbatch_new(void);
void		 odbatch_free(struct odbatch *);
/* Adds the texts of report id from md to b (flushing).  0, or -1. */
int	odtext_add(struct odtext *, struct odbatch *b, const char *id,
	    const struct md_report *md);
/* Adds what b holds to the spool.  0, or -1 (logged). */
int	odtext_flush(struct odtext *, struct odbatch *b);
/*
 * Writes data/reports.json and data/reports.csv of every report of s
 * (whose texts are all in s->odtext) into the new tree dir, and sets
 * s->datasize.  0, or -1 (logged).
 */
int	data_write(struct site *, const char *dir);
/*
 * The same files of an incremental build, from the published ones: the
 * records of the reports whose texts s->odtext has are written afresh,
 * the others copied from the old files, those of reports gone dropped.
 * Files whose bytes change are staged in pub (*written counts them).
 * With changed 0 (no report read again, none gone) the files stay.
 * NM_ENOTFOUND when the old files are missing or not as data_write()
 * writes them (build in full); -1 on error (logged).
 */
int	data_patch(struct site *, struct publish *pub, int changed,
	    size_t *written);
/*
 * OUTDIR.data, the sorted ids of the reports whose open data records wait
 * for the next run.  data_pending_read(): none when it does not exist;
 * NM_ENOTFOUND when it is not as data_pending_write() writes it (logged:
 * build in full).  data_pending_write() with n 0 removes it.  0, or -1
 * (logged).  data_pending() is 1 when it exists.
 */
int	data_pending_read(const char *outdir, char ***ids, size_t *n);
int	data_pending_write(const char *outdir, char *const *ids, size_t n,
	    int sync);
int	data_pending(const char *outdir);

/*
 * Reads an old data file as data_patch() does, for tests (fuzz_datapatch):
 * the file open on fd (path for messages), reports.json with json 1 (its
 * head compared with head's bytes) or reports.csv (this build's header
 * row; head unused), in reads of block bytes (0: the build's size).  The
 * head's length in *headlen; fn(arg, id, offset, length) for each record
 * in order (nonzero stops: -1).  1 if the file reads, 0 if it does but
 * its JSON head is not head, NM_ENOTFOUND if data_patch() would build in
 * full, -1 on error (logged).
 */
int	data_split(int fd, const char *path, int json,
	    const struct buf *head, size_t block, size_t *headlen,
	    int (*fn)(void *, const char *, uint64_t, size_t), void *arg);

/* full.c: 0, 1 when done with reports left out, or -1. */
int	full_build(struct site *, const struct gitsrc *, const git_oid *theme);

/*
 * incr.c: 0 when done, 1 when done with reports left out, -1 on error,
 * and NM_ENOTFOUND when a full build is needed instead (s unchanged).
 * With refresh (the content is the last build's, whose related reports
 * are stale: relset_stale()), scores every report's related reports
 * again and rewrites the slots that change.
 */
int	incremental_build(struct site *, const struct gitsrc *,
	    struct state *, const git_oid *theme, int refresh);

#endif /* NM_BUILD_H */
