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
 * Helpers shared by the sub-commands of nearmiss-review: the reviewer's
 * key, the items of the inbox (hostile input: the intake host that wrote
 * them may be compromised), and paths inside the content folder of the
 * repository, checked before anything (libgit2 included) sees them.
 */

#ifndef NM_RV_H
#define NM_RV_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define RV_TARGET_DAYS	10	/* the promise: published within 10 days */

struct keypair;
struct queue;
struct record;

/*
 * The options that the commands reading the inbox share: -K keyfile,
 * -i inbox, -r repo, -p path.  Each command keeps its own option
 * string, long options and usage; RV_ARGS_INIT sets the defaults.
 */
struct rv_args {
	const char	*keyfile;	/* -K; NULL: $NEARMISS_KEY */
	const char	*inbox;		/* -i; NULL if not given */
	const char	*repo;		/* -r; "." if not given */
	const char	*cpath;		/* -p; "content" if not given */
	int		 repo_given;	/* 1 if -r was given */
};

#define RV_ARGS_INIT	{ NULL, NULL, ".", "content", 0 }

/*
 * Loads the secret key: path, else $NEARMISS_KEY; passphrase from
 * $NEARMISS_PASSPHRASE or asked on the terminal (no echo) if the file is
 * protected.  Caller frees *out with keypair_free().  0 or -1 (logged).
 */
int	rv_key_load(struct keypair **out, const char *path);
/*
 * Takes ch, a value getopt_long() returned, with its argument arg, into
 * out if it is one of the shared options 'K', 'i', 'r' or 'p'.  1 if it
 * was, else 0 (the command handles ch itself).
 */
int	rv_args_opt(struct rv_args *out, int ch, const char *arg);
/*
 * The start of a command that reads the inbox: loads the key
 * (args->keyfile, see rv_key_load()) into *kp; if id is not NULL, loads
 * item id of args->inbox into r (see rv_item_load()); then opens the
 * queue of args->repo and args->cpath, which must be a repository if
 * required is set (see queue_open()).  0 or -1 (logged).  In both cases
 * the caller frees *kp with keypair_free(), r (if id was given) with
 * record_free() and q with queue_close().
 */
int	rv_start(struct keypair **kp, struct record *r, struct queue *q,
	    const struct rv_args *args, const char *id, int required);
/* 1 if id is a well-formed inbox item id (32 lowercase hex), else 0 */
int	rv_id_ok(const char *id);
/*
 * rv_id_ok() for an id given on the command line: 0, or -1 with a
 * message that says what an id looks like.
 */
int	rv_id_arg(const char *id);
/*
 * Opens item id of inbox dir (the item INBOX/new/ID) with kp and decodes
 * its record (caller record_free()s, also on failure).  The day received
 * is the record's (out->received).  0, NM_ENOTFOUND (not for this key /
 * no such item, logged), -1 (logged: a bad id, a file that is not a
 * regular file, a damaged item or record).
 */
int	rv_item_load(struct record *out, const char *inbox, const char *id,
	    const struct keypair *kp);
/*
 * Calls fn for every item in dir/new this key opens, sorted by received
 * day then id; items that fail to open or decode, and names that are not
 * item names, are reported (one line each) and skipped; items sealed to
 * other keys are skipped quietly.  fn returns 0 to go on; the record is
 * freed after fn returns.  Returns 0; fn's non-zero value if it stopped
 * the walk; -1 (logged) if the folder cannot be read.  A caller that must
 * know whether anything was skipped compares log_nwarnings() before and
 * after.
 */
int	rv_items(const char *inbox, const struct keypair *kp,
	    int (*fn)(const char *id, struct record *r, void *arg), void *arg);
/*
 * Content-folder paths: joins repo, path (default "content" if NULL) and
 * rel (the folder itself if NULL), refusing rel or path that is absolute,
 * empty, has an empty, "." or ".." component (or one of only dots and
 * spaces), a ".git" component in any case (also ".git." and "git~1"), a
 * control character or backslash, or that leaves the folder through a
 * symbolic link that exists already.  path may also be "." (the
 * repository's top).  0 or -1 (logged).
 */
int	rv_content_path(char *out, size_t outsz, const char *repo,
	    const char *path, const char *rel);
/*
 * 1 if the len bytes at rel make a relative path that rv_content_path()
 * accepts (a NUL byte among them is refused), else 0 (not logged).
 */
int	rv_rel_ok(const char *rel, size_t len);
/*
 * Duplicate key: BLAKE2b-256 over the record's content (fields,
 * narrative, lessons, contact, attachments; not receipt/received/channel)
 * for the duplicate check in list.
 */
void	rv_record_digest(unsigned char out[32], const struct record *r);
/*
 * Reads a passphrase: $NEARMISS_PASSPHRASE if set, else from the
 * terminal (/dev/tty, echo off) after prompt, twice if confirm is set
 * (the two must match).  The passphrase (at most bufsz - 1 bytes, without
 * its newline, never empty) goes to buf, which the caller should have
 * from sodium_malloc() and wipes; *len is set.  0 or -1 (logged: no
 * terminal, a mismatch, an empty or too long passphrase).
 */
int	rv_passphrase(char *buf, size_t bufsz, size_t *len,
	    const char *prompt, int confirm);

/*
 * Writes text from a record (hostile) to f so that it cannot drive the
 * terminal: control characters, C1 controls and bidirectional overrides
 * become '?'; newlines and tabs stay unless oneline, which turns them
 * into spaces.
 */
void	rv_puttext(FILE *f, const char *s, int oneline);
/* Writes s as a JSON string (or null if s is NULL); wipes its copy. */
void	rv_json(FILE *f, const char *s);
/*
 * Whole days from day (YYYY-MM-DD, UTC) to now; 0 if day is in the
 * future, -1 if it is malformed.
 */
long	rv_age(const char *day, time_t now);

#endif /* NM_RV_H */
