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
 * Approvals: a reviewer's Ed25519 signature over the git blob id of a
 * report file.  The approvals of content/reports/YYYY/ID.md live in
 * content/approvals/YYYY/ID, one line per approval, sorted:
 *
 *	REVIEWER BLOBHEX SIG
 *
 * REVIEWER is a name of the reviewers file (lib/recipients.h rules),
 * BLOBHEX the 40 lowercase hex digits of the blob the reviewer approved,
 * SIG the 64-byte detached signature in standard base64 with padding
 * (88 characters) over the message
 *
 *	"nearmiss-approval-v1\n" ID "\n" BLOBHEX "\n"
 *
 * A version 2 approval adds the revision number REV (a positive decimal
 * integer without leading zeros) and the day DATE (YYYY-MM-DD, UTC) it
 * was made, both signed:
 *
 *	REVIEWER BLOBHEX SIG REV DATE
 *	"nearmiss-approval-v2\n" ID "\n" REV "\n" DATE "\n" BLOBHEX "\n"
 *
 * A version 1 line counts as revision 0.  A withdrawal takes the
 * report off the site up to revision REV (REASON: the rest of the line,
 * 1 to APPROVAL_REASON_MAX bytes of UTF-8 without control characters):
 *
 *	REVIEWER withdraw SIG REV REASON
 *	"nearmiss-withdrawal-v1\n" ID "\n" REV "\n" REASON "\n"
 *
 * Fields are separated by one space; every line ends with "\n".  The
 * file is hostile input to gen: the parser is strict and capped, and
 * reports "path:line: what".  approvals_pick() says which version, if
 * any, is published.
 */

#ifndef NM_APPROVAL_H
#define NM_APPROVAL_H

#include <stddef.h>

#include "recipients.h"

#define APPROVAL_CONTEXT	"nearmiss-approval-v1"
#define APPROVAL_CONTEXT2	"nearmiss-approval-v2"
#define WITHDRAWAL_CONTEXT	"nearmiss-withdrawal-v1"
#define APPROVAL_REV_MAX	999999999UL
#define APPROVAL_DATE_LEN	10	/* YYYY-MM-DD */
#define APPROVAL_REASON_MAX	300	/* bytes of a withdrawal reason */
#define APPROVAL_BLOB_HEX	40	/* SHA-1 object id in hex */
#define APPROVAL_SIG_BYTES	64	/* crypto_sign_BYTES */
#define APPROVAL_SIG_B64	88	/* its standard base64, padded */
#define APPROVALS_MAX		256	/* lines of one file */
#define APPROVALS_FILE_MAX	(64 * 1024)

struct buf;
struct keypair;

enum approval_kind { APPROVAL_V1, APPROVAL_V2, APPROVAL_WITHDRAW,
	APPROVAL_KIND_MAX };

struct approval {
	enum approval_kind kind;
	char		 name[RECIPIENT_NAME_MAX + 1];
	/* hex; "" for a withdrawal */
	char		 blob[APPROVAL_BLOB_HEX + 1];
	unsigned char	 sig[APPROVAL_SIG_BYTES];
	unsigned long	 rev;		/* 0 for v1 */
	char		 date[APPROVAL_DATE_LEN + 1];	/* v2, else "" */
	/* A withdrawal's reason, else "" */
	char		 reason[APPROVAL_REASON_MAX + 1];
	unsigned long	 line;		/* in its file; 0 if made */
};

struct approvals {
	struct approval	*v;
	size_t		 n;
};

/* What approvals_pick() decided for a report. */
enum pick_state { PICK_NONE, PICK_PUBLISH, PICK_WITHDRAWN, PICK_MAX };
struct approval_pick {
	enum pick_state	 state;
	/*
	 * The approved version with the highest revision ("" if none):
	 * published unless PICK_WITHDRAWN.
	 */
	char		 blob[APPROVAL_BLOB_HEX + 1];
	unsigned long	 rev;
	/*
	 * The day that revision got its min_approvals-th approval ("" for
	 * version 1 lines), and whether an earlier revision had been
	 * approved too (the page then says "Revised on DATE").
	 */
	char		 date[APPROVAL_DATE_LEN + 1];
	int		 revised;
	/* PICK_WITHDRAWN: the revision withdrawn (the highest). */
	unsigned long	 wrev;
	/* The highest revision of any valid line; 0 if none. */
	unsigned long	 maxrev;
	/* The revision of valid approvals of the blob cur; -1 if none. */
	long		 currev;
};

/* What approvals_count() found, line by line. */
struct approval_count {
	size_t	 valid;		/* distinct reviewers, this blob */
	size_t	 dup;		/* again by one already counted */
	size_t	 void_;		/* valid over another blob */
	size_t	 unknown;	/* by a name not in the reviewers list */
	size_t	 bad;		/* does not verify (forged) */
};

/* 1 if s is 40 lowercase hex digits (a blob id as approvals use it). */
int	approval_blob_ok(const char *s);
/* Appends the signed message for report id and blob (see above). */
void	approval_message(struct buf *out, const char *id, const char *blob);
/*
 * Signs report id at blob with kp (its name and Ed25519 key) into out.
 * Returns 0, or -1 (logged) if id or blob is malformed.
 */
int	approval_sign(struct approval *out, const struct keypair *kp,
	    const char *id, const char *blob);
/*
 * As approval_sign(), a version 2 approval at revision rev (1 to
 * APPROVAL_REV_MAX) made on date (YYYY-MM-DD).
 */
int	approval_sign_rev(struct approval *out, const struct keypair *kp,
	    const char *id, const char *blob, unsigned long rev,
	    const char *date);
/*
 * Signs the withdrawal of report id up to revision rev, for reason (one
 * line of UTF-8 without control characters, 1 to APPROVAL_REASON_MAX
 * bytes).  0, or -1 (logged) if an argument is malformed.
 */
int	withdrawal_sign(struct approval *out, const struct keypair *kp,
	    const char *id, unsigned long rev, const char *reason);
/* 1 if a's signature (over its kind's message) verifies, else 0. */
int	approval_verify(const struct approval *a,
	    const unsigned char *sign_pk, const char *id);
/*
 * Parses an approvals file (text, len bytes, need not be NUL-terminated)
 * into out (free with approvals_free(), also on failure).  Strict: the
 * format above and nothing else (no blank lines, comments, CR, NUL, or
 * missing final newline), at most APPROVALS_MAX lines and
 * APPROVALS_FILE_MAX bytes.  Lines need not be sorted and may repeat a
 * reviewer (counting takes care of that).  Errors are logged as
 * "path:line: what"; returns 0 or -1.
 */
int	approvals_parse(struct approvals *out, const char *path,
	    const char *text, size_t len);
/*
 * Reads and parses the file at path.  A missing file is an empty list
 * (returns 0); otherwise as approvals_parse().
 */
int	approvals_load(struct approvals *out, const char *path);
/*
 * Records a: drops every earlier line by a->name (whatever blob it
 * was for) and adds a copy of a.
 */
void	approvals_set(struct approvals *, const struct approval *a);
/*
 * Records a beside the other lines: drops only an earlier line of the
 * same kind by a->name over the same blob (approvals) or revision
 * (withdrawals).  The lines of earlier versions stay: they keep the
 * published version published until a newer one is approved.
 */
void	approvals_add(struct approvals *, const struct approval *a);
/*
 * Decides what gen publishes of report id from its lines as, checked
 * against the nrv reviewers rv: the blob with the highest revision
 * that holds min valid approvals by distinct reviewers (ties: the blob
 * cur, then the later date, then the greater blob id), unless a valid
 * withdrawal has a revision at least as high (PICK_WITHDRAWN).  cur is
 * the blob in the tree (or NULL).
 */
void	approvals_pick(struct approval_pick *out, const struct approvals *as,
	    const struct recipient *rv, size_t nrv, const char *id,
	    const char *cur, int min);
/*
 * The revision nearmiss-review approve gives a new approval of blob:
 * that of the valid version 2 approvals of blob if there are any, no
 * valid withdrawal reaches it and no newer revision holds min
 * approvals; else 1 + the highest revision of a valid line.
 */
unsigned long approvals_next_rev(const struct approvals *as,
	    const struct recipient *rv, size_t nrv, const char *id,
	    const char *blob, int min);
/*
 * Appends the file's text: one line per approval, sorted by name, then
 * blob, then signature, exact duplicates once.  Deterministic.
 */
void	approvals_format(struct buf *out, const struct approvals *);
void	approvals_free(struct approvals *);
/*
 * Sorts every line of as into *out for report id at blob (the current
 * blob id), checking signatures against the Ed25519 keys of the nrv
 * reviewers rv.  out->valid is the number that counts towards
 * min_approvals.
 */
void	approvals_count(struct approval_count *out,
	    const struct approvals *as, const struct recipient *rv,
	    size_t nrv, const char *id, const char *blob);
/*
 * Appends what c lacks or holds beyond the valid count, for messages:
 * "1 void: signed an earlier version; 1 by a key not in reviewers"
 * (nothing when every line counted).
 */
void	approval_count_details(struct buf *out,
	    const struct approval_count *c);

#endif /* NM_APPROVAL_H */
