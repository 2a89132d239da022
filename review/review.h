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
 * The internal interface of nearmiss-review: one entry point per
 * sub-command, each in its own file (review/keygen.c ...), called by
 * main() with the arguments that follow the command's name.
 */

#ifndef NM_REVIEW_H
#define NM_REVIEW_H

/*
 * argv[0] is the command's name and argv[argc] is NULL, as for main().
 * Each returns the exit status of the program: 0 on success, 1 on
 * failure (already logged), 2 on a usage error (logged, or the usage
 * printed).
 */
int	review_keygen(int argc, char *argv[]);
int	review_list(int argc, char *argv[]);
int	review_show(int argc, char *argv[]);
int	review_reject(int argc, char *argv[]);
int	review_receive(int argc, char *argv[]);
int	review_status(int argc, char *argv[]);
int	review_purge(int argc, char *argv[]);
int	review_approve(int argc, char *argv[]);
int	review_lint(int argc, char *argv[]);
int	review_draft(int argc, char *argv[]);
int	review_init(int argc, char *argv[]);
int	review_merge_receipts(int argc, char *argv[]);
int	review_decided(int argc, char *argv[]);
int	review_diff(int argc, char *argv[]);
int	review_withdraw(int argc, char *argv[]);
int	review_fetch(int argc, char *argv[]);

struct buf;
struct queue;
struct queue_item;
struct record;

/*
 * What nearmiss-gen publishes of the report of qi, from its approvals
 * file and its file in the work tree of q (status.c): returns a
 * lib/approval.h enum pick_state (PICK_NONE also when either cannot be
 * read), with *rev the revision published or withdrawn and *differs 1
 * when the work tree's file is not the published version.
 */
int	review_published(unsigned long *rev, int *differs,
	    const struct queue *q, const struct queue_item *qi);

/*
 * The report file that draft writes for record r under report id id,
 * with the taxonomy of q's nearmiss.ini, appended to out (decrypted
 * text: the caller wipes it).  Used by diff.  0 or -1 (logged).
 */
int	draft_text(struct buf *out, const struct record *r,
	    const struct queue *q, const char *id);

#endif /* NM_REVIEW_H */
