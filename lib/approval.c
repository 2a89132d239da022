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
 * Approvals: signing a report's blob id, the approvals file (strict
 * parser, sorted writer) and the count of valid approvals that gen and
 * nearmiss-review approve both use.  See approval.h for the format.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "approval.h"
#include "buf.h"
#include "file.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"
#include "report.h"
#include "utf8.h"

#define B64_VARIANT	sodium_base64_VARIANT_ORIGINAL
#define REV_DIGITS	9
#define WITHDRAW_WORD	"withdraw"
/* NAME SP BLOB SP SIG */
#define LINE_MAX_V1	(RECIPIENT_NAME_MAX + 1 + APPROVAL_BLOB_HEX + 1 + \
			    APPROVAL_SIG_B64)
/* ... SP REV SP DATE */
#define LINE_MAX_V2	(LINE_MAX_V1 + 1 + REV_DIGITS + 1 + APPROVAL_DATE_LEN)
/* NAME SP withdraw SP SIG SP REV SP REASON */
#define LINE_MAX_W	(RECIPIENT_NAME_MAX + 1 + 8 + 1 + APPROVAL_SIG_B64 + \
			    1 + REV_DIGITS + 1 + APPROVAL_REASON_MAX)

static int	 parse_line(struct approval *, const char *, unsigned long,
		    const char *, size_t);
static int	 parse_sig(struct approval *, const char *, unsigned long,
		    const char *, size_t);
static int	 parse_rev(unsigned long *, const char *, size_t);
static int	 date_ok(const char *, size_t);
static int	 reason_ok(const char *, size_t);
static void	 message(struct buf *, const struct approval *,
		    const char *);
static int	 cmp_approval(const void *, const void *);
static size_t	 reviewer_of(const struct recipient *, size_t,
		    const char *);

int
approval_blob_ok(const char *s)
{
	size_t	 i;

	for (i = 0; i < APPROVAL_BLOB_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

void
approval_message(struct buf *out, const char *id, const char *blob)
{
	buf_addstr(out, APPROVAL_CONTEXT "\n");
	buf_addstr(out, id);
	buf_addch(out, '\n');
	buf_addstr(out, blob);
	buf_addch(out, '\n');
}

/* The signed message of line a for report id (see approval.h). */
static void
message(struct buf *out, const struct approval *a, const char *id)
{
	switch (a->kind) {
	case APPROVAL_V2:
		buf_printf(out, APPROVAL_CONTEXT2 "\n%s\n%lu\n%s\n%s\n", id,
		    a->rev, a->date, a->blob);
		break;
	case APPROVAL_WITHDRAW:
		buf_printf(out, WITHDRAWAL_CONTEXT "\n%s\n%lu\n%s\n", id,
		    a->rev, a->reason);
		break;
	default:
		approval_message(out, id, a->blob);
		break;
	}
}

/* 1 if s (len bytes) is a day YYYY-MM-DD. */
static int
date_ok(const char *s, size_t len)
{
	int	 m, d;

	if (len != APPROVAL_DATE_LEN || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") < 2)
		return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/*
 * 1 if s (len bytes) is a withdrawal reason: 1 to APPROVAL_REASON_MAX
 * bytes of strict UTF-8 without control characters (C0, DEL, C1,
 * U+2028, U+2029), not starting or ending with a space.
 */
static int
reason_ok(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 cp;
	size_t			 i = 0;
	int			 n;

	if (len == 0 || len > APPROVAL_REASON_MAX || s[0] == ' ' ||
	    s[len - 1] == ' ')
		return 0;
	while (i < len) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(&cp, str + i, len - i)) == -1 ||
		    cp <= 0x9f || cp == 0x2028 || cp == 0x2029)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* A revision: decimal, no leading zero, at most REV_DIGITS digits. */
static int
parse_rev(unsigned long *out, const char *s, size_t len)
{
	size_t	 i;

	*out = 0;
	if (len == 0 || len > REV_DIGITS || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (unsigned long)(s[i] - '0');
	}
	return 0;
}

int
approval_sign_rev(struct approval *out, const struct keypair *kp,
    const char *id, const char *blob, unsigned long rev, const char *date)
{
	struct buf	 msg = BUF_INIT;

	if (approval_sign(out, kp, id, blob) != 0)
		return -1;
	if (rev < 1 || rev > APPROVAL_REV_MAX ||
	    !date_ok(date, strlen(date))) {
		log_warnx("bad revision %lu or date \"%s\"", rev, date);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->kind = APPROVAL_V2;
	out->rev = rev;
	memcpy(out->date, date, APPROVAL_DATE_LEN + 1);
	message(&msg, out, id);
	crypto_sign_detached(out->sig, NULL, (const unsigned char *)msg.data,
	    msg.len, kp->sign_sk);
	buf_free(&msg);
	return 0;
}

int
withdrawal_sign(struct approval *out, const struct keypair *kp,
    const char *id, unsigned long rev, const char *reason)
{
	struct buf	 msg = BUF_INIT;

	memset(out, 0, sizeof(*out));
	if (!report_id_valid(id)) {
		log_warnx("\"%s\": not a report id", id);
		return -1;
	}
	if (rev > APPROVAL_REV_MAX) {
		log_warnx("%lu: revision too high", rev);
		return -1;
	}
	if (!reason_ok(reason, strlen(reason))) {
		log_warnx("bad reason: 1 to %d bytes on one line, UTF-8 "
		    "without control characters, not starting or ending with "
		    "a space", APPROVAL_REASON_MAX);
		return -1;
	}
	if (!recipient_name_ok(kp->name, strlen(kp->name))) {
		log_warnx("the key's name is not a valid reviewer name");
		return -1;
	}
	out->kind = APPROVAL_WITHDRAW;
	out->rev = rev;
	memcpy(out->reason, reason, strlen(reason) + 1);
	memcpy(out->name, kp->name, strlen(kp->name) + 1);
	message(&msg, out, id);
	crypto_sign_detached(out->sig, NULL, (const unsigned char *)msg.data,
	    msg.len, kp->sign_sk);
	buf_free(&msg);
	return 0;
}

int
approval_sign(struct approval *out, const struct keypair *kp,
    const char *id, const char *blob)
{
	struct buf	 msg = BUF_INIT;

	memset(out, 0, sizeof(*out));
	if (!report_id_valid(id)) {
		log_warnx("\"%s\": not a report id", id);
		return -1;
	}
	if (!approval_blob_ok(blob)) {
		log_warnx("\"%s\": not a blob id (40 lowercase hex digits)",
		    blob);
		return -1;
	}
	if (!recipient_name_ok(kp->name, strlen(kp->name))) {
		log_warnx("the key's name is not a valid reviewer name");
		return -1;
	}
	approval_message(&msg, id, blob);
	crypto_sign_detached(out->sig, NULL, (const unsigned char *)msg.data,
	    msg.len, kp->sign_sk);
	buf_free(&msg);
	memcpy(out->name, kp->name, strlen(kp->name) + 1);
	memcpy(out->blob, blob, APPROVAL_BLOB_HEX + 1);
	return 0;
}

int
approval_verify(const struct approval *a, const unsigned char *sign_pk,
    const char *id)
{
	struct buf	 msg = BUF_INIT;
	int		 ok;

	if (!report_id_valid(id))
		return 0;
	if (a->kind != APPROVAL_WITHDRAW && !approval_blob_ok(a->blob))
		return 0;
	message(&msg, a, id);
	ok = crypto_sign_verify_detached(a->sig,
	    (const unsigned char *)msg.data, msg.len, sign_pk) == 0;
	buf_free(&msg);
	return ok;
}

/*
 * The signature field at s (len bytes, up to the next space or the end):
 * exactly 88 characters of standard padded base64 for 64 bytes, in its
 * one canonical spelling (re-encoding gives it back).  0 or -1 (logged).
 */
static int
parse_sig(struct approval *a, const char *path, unsigned long line,
    const char *s, size_t len)
{
	const char	*end;
	char		 enc[APPROVAL_SIG_B64 + 1];
	size_t		 got;

	if (len != APPROVAL_SIG_B64 || sodium_base642bin(a->sig,
	    sizeof(a->sig), s, len, NULL, &got, &end, B64_VARIANT) != 0 ||
	    end != s + len || got != sizeof(a->sig)) {
		log_at(path, line, "bad signature (expected %d characters "
		    "of standard base64 with padding: %d bytes)",
		    APPROVAL_SIG_B64, APPROVAL_SIG_BYTES);
		return -1;
	}
	sodium_bin2base64(enc, sizeof(enc), a->sig, sizeof(a->sig),
	    B64_VARIANT);
	if (memcmp(enc, s, APPROVAL_SIG_B64) != 0) {
		log_at(path, line, "bad signature (not canonical base64)");
		return -1;
	}
	return 0;
}

/*
 * One line, without its newline: "NAME BLOB SIG", "NAME BLOB SIG REV
 * DATE" or "NAME withdraw SIG REV REASON", single spaces.  Messages
 * quote nothing but the line number, the file is hostile.  Returns 0 or
 * -1 (logged).
 */
static int
parse_line(struct approval *a, const char *path, unsigned long line,
    const char *s, size_t len)
{
	const char	*end = s + len, *f2, *f3, *f4, *f5, *sp;
	size_t		 nlen, max;

	memset(a, 0, sizeof(*a));
	a->line = line;
	if (len == 0) {
		log_at(path, line, "empty line (expected \"REVIEWER BLOBID "
		    "SIGNATURE\")");
		return -1;
	}
	if (memchr(s, '\0', len) != NULL) {
		log_at(path, line, "contains a NUL byte");
		return -1;
	}
	if (memchr(s, '\r', len) != NULL) {
		log_at(path, line, "contains a carriage return");
		return -1;
	}
	/* NAME SP F2 SP SIG [SP F4 SP F5]; F5 may hold spaces (reason). */
	f2 = f3 = f4 = f5 = NULL;
	if ((sp = memchr(s, ' ', len)) != NULL) {
		f2 = sp + 1;
		if ((sp = memchr(f2, ' ', (size_t)(end - f2))) != NULL) {
			f3 = sp + 1;
			if ((sp = memchr(f3, ' ', (size_t)(end - f3))) !=
			    NULL) {
				f4 = sp + 1;
				if ((sp = memchr(f4, ' ',
				    (size_t)(end - f4))) != NULL)
					f5 = sp + 1;
			}
		}
	}
	/* The cap of the line's kind, by its shape. */
	if (f3 != NULL && f4 == NULL)
		max = LINE_MAX_V1;
	else if (f3 != NULL && (size_t)(f3 - 1 - f2) == strlen(WITHDRAW_WORD) &&
	    memcmp(f2, WITHDRAW_WORD, strlen(WITHDRAW_WORD)) == 0)
		max = LINE_MAX_W;
	else
		max = LINE_MAX_V2;
	if (len > max) {
		log_at(path, line, "line longer than %zu bytes", max);
		return -1;
	}
	if (f3 == NULL || (f4 != NULL && f5 == NULL)) {
		/* The version 1 words: what most files hold. */
		log_at(path, line, "expected three fields \"REVIEWER BLOBID "
		    "SIGNATURE\" separated by single spaces");
		return -1;
	}
	nlen = (size_t)(f2 - 1 - s);
	if (!recipient_name_ok(s, nlen)) {
		log_at(path, line, "bad reviewer name (1 to %d letters, "
		    "digits, '.', '_' or '-', starting with a letter or "
		    "digit)", RECIPIENT_NAME_MAX);
		return -1;
	}
	memcpy(a->name, s, nlen);
	a->name[nlen] = '\0';
	if ((size_t)(f3 - 1 - f2) == strlen(WITHDRAW_WORD) &&
	    memcmp(f2, WITHDRAW_WORD, strlen(WITHDRAW_WORD)) == 0) {
		a->kind = APPROVAL_WITHDRAW;
		if (f5 == NULL) {
			log_at(path, line, "withdraw: expected \"REVIEWER "
			    "withdraw SIGNATURE REV REASON\"");
			return -1;
		}
		if (parse_sig(a, path, line, f3, (size_t)(f4 - 1 - f3)) != 0)
			return -1;
		if (parse_rev(&a->rev, f4, (size_t)(f5 - 1 - f4)) != 0) {
			log_at(path, line, "bad revision (0 to %lu, no leading "
			    "zeros)", APPROVAL_REV_MAX);
			return -1;
		}
		if (!reason_ok(f5, (size_t)(end - f5))) {
			log_at(path, line, "bad reason (1 to %d bytes of UTF-8 "
			    "without control characters, not starting or "
			    "ending with a space)", APPROVAL_REASON_MAX);
			return -1;
		}
		memcpy(a->reason, f5, (size_t)(end - f5));
		a->reason[end - f5] = '\0';
		return 0;
	}
	if ((size_t)(f3 - 1 - f2) != APPROVAL_BLOB_HEX) {
		log_at(path, line, "bad blob id (expected %d lowercase hex "
		    "digits)", APPROVAL_BLOB_HEX);
		return -1;
	}
	memcpy(a->blob, f2, APPROVAL_BLOB_HEX);
	a->blob[APPROVAL_BLOB_HEX] = '\0';
	if (!approval_blob_ok(a->blob)) {
		log_at(path, line, "bad blob id (expected %d lowercase hex "
		    "digits)", APPROVAL_BLOB_HEX);
		return -1;
	}
	if (parse_sig(a, path, line, f3, (size_t)((f4 != NULL ? f4 - 1 :
	    end) - f3)) != 0)
		return -1;
	if (f4 == NULL) {
		a->kind = APPROVAL_V1;
		return 0;
	}
	a->kind = APPROVAL_V2;
	if (parse_rev(&a->rev, f4, (size_t)(f5 - 1 - f4)) != 0 ||
	    a->rev == 0) {
		log_at(path, line, "bad revision (1 to %lu, no leading "
		    "zeros)", APPROVAL_REV_MAX);
		return -1;
	}
	if (!date_ok(f5, (size_t)(end - f5))) {
		log_at(path, line, "bad date (expected YYYY-MM-DD)");
		return -1;
	}
	memcpy(a->date, f5, APPROVAL_DATE_LEN);
	a->date[APPROVAL_DATE_LEN] = '\0';
	return 0;
}

int
approvals_parse(struct approvals *out, const char *path, const char *text,
    size_t len)
{
	const char	*p = text, *end = text + len, *nl;
	unsigned long	 line = 0;
	int		 errors = 0;

	memset(out, 0, sizeof(*out));
	if (len > APPROVALS_FILE_MAX) {
		log_at(path, 0, "larger than %d bytes", APPROVALS_FILE_MAX);
		return -1;
	}
	while (p < end) {
		line++;
		if (line > APPROVALS_MAX) {
			log_at(path, line, "more than %d approvals",
			    APPROVALS_MAX);
			errors++;
			break;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			log_at(path, line, "no newline at the end of the "
			    "line (truncated?)");
			errors++;
			break;
		}
		if (out->n % 16 == 0)
			out->v = xreallocarray(out->v, out->n + 16,
			    sizeof(*out->v));
		if (parse_line(&out->v[out->n], path, line, p,
		    (size_t)(nl - p)) == 0)
			out->n++;
		else
			errors++;
		p = nl + 1;
	}
	return errors ? -1 : 0;
}

int
approvals_load(struct approvals *out, const char *path)
{
	struct buf	 b = BUF_INIT;
	int		 rc;

	memset(out, 0, sizeof(*out));
	rc = file_read(&b, path, APPROVALS_FILE_MAX);
	if (rc == NM_ENOTFOUND)
		rc = 0;
	else if (rc == 0)
		rc = approvals_parse(out, path, b.data, b.len);
	else
		rc = -1;
	buf_free(&b);
	return rc;
}

void
approvals_set(struct approvals *as, const struct approval *a)
{
	size_t	 i, k;

	for (i = 0, k = 0; i < as->n; i++)
		if (strcmp(as->v[i].name, a->name) != 0)
			as->v[k++] = as->v[i];
	as->n = k;
	as->v = xreallocarray(as->v, as->n + 1, sizeof(*as->v));
	as->v[as->n] = *a;
	as->v[as->n].line = 0;
	as->n++;
}

void
approvals_add(struct approvals *as, const struct approval *a)
{
	size_t	 i, k;

	for (i = 0, k = 0; i < as->n; i++)
		if (strcmp(as->v[i].name, a->name) != 0 ||
		    (as->v[i].kind == APPROVAL_WITHDRAW) !=
		    (a->kind == APPROVAL_WITHDRAW) ||
		    (a->kind == APPROVAL_WITHDRAW ?
		    as->v[i].rev != a->rev :
		    strcmp(as->v[i].blob, a->blob) != 0))
			as->v[k++] = as->v[i];
	as->n = k;
	as->v = xreallocarray(as->v, as->n + 1, sizeof(*as->v));
	as->v[as->n] = *a;
	as->v[as->n].line = 0;
	as->n++;
}

static int
cmp_approval(const void *pa, const void *pb)
{
	const struct approval *a = pa, *b = pb;
	int	 c;

	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->blob, b->blob)) != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->rev != b->rev)
		return a->rev < b->rev ? -1 : 1;
	if ((c = strcmp(a->date, b->date)) != 0)
		return c;
	if ((c = strcmp(a->reason, b->reason)) != 0)
		return c;
	return memcmp(a->sig, b->sig, sizeof(a->sig));
}

void
approvals_format(struct buf *out, const struct approvals *as)
{
	struct approval	*v;
	char		 enc[APPROVAL_SIG_B64 + 1];
	size_t		 i;

	if (as->n == 0)
		return;
	v = xreallocarray(NULL, as->n, sizeof(*v));
	memcpy(v, as->v, as->n * sizeof(*v));
	qsort(v, as->n, sizeof(*v), cmp_approval);
	for (i = 0; i < as->n; i++) {
		if (i > 0 && cmp_approval(&v[i - 1], &v[i]) == 0)
			continue;
		sodium_bin2base64(enc, sizeof(enc), v[i].sig,
		    sizeof(v[i].sig), B64_VARIANT);
		switch (v[i].kind) {
		case APPROVAL_V2:
			buf_printf(out, "%s %s %s %lu %s\n", v[i].name,
			    v[i].blob, enc, v[i].rev, v[i].date);
			break;
		case APPROVAL_WITHDRAW:
			buf_printf(out, "%s " WITHDRAW_WORD " %s %lu %s\n",
			    v[i].name, enc, v[i].rev, v[i].reason);
			break;
		default:
			buf_printf(out, "%s %s %s\n", v[i].name, v[i].blob,
			    enc);
			break;
		}
	}
	free(v);
}

void
approvals_free(struct approvals *as)
{
	if (as == NULL)
		return;
	free(as->v);
	memset(as, 0, sizeof(*as));
}

void
approvals_count(struct approval_count *out, const struct approvals *as,
    const struct recipient *rv, size_t nrv, const char *id,
    const char *blob)
{
	unsigned char	*counted;
	size_t		 i, k;

	memset(out, 0, sizeof(*out));
	counted = xcalloc(nrv ? nrv : 1, 1);
	for (i = 0; i < as->n; i++) {
		for (k = 0; k < nrv; k++)
			if (strcmp(rv[k].name, as->v[i].name) == 0)
				break;
		if (k == nrv) {
			out->unknown++;
			continue;
		}
		/* Checked over the blob it names, so a void line is real. */
		if (!approval_verify(&as->v[i], rv[k].sign_pk, id)) {
			out->bad++;
			continue;
		}
		if (as->v[i].kind == APPROVAL_WITHDRAW ||
		    strcmp(as->v[i].blob, blob) != 0) {
			out->void_++;
			continue;
		}
		if (counted[k]) {
			out->dup++;
			continue;
		}
		counted[k] = 1;
		out->valid++;
	}
	free(counted);
}

void
approval_count_details(struct buf *out, const struct approval_count *c)
{
	const char	*sep = "";

	if (c->void_ > 0) {
		buf_printf(out, "%s%zu void: signed an earlier version", sep,
		    c->void_);
		sep = "; ";
	}
	if (c->unknown > 0) {
		buf_printf(out, "%s%zu by a key not in reviewers", sep,
		    c->unknown);
		sep = "; ";
	}
	if (c->bad > 0) {
		buf_printf(out, "%s%zu with a bad signature", sep, c->bad);
		sep = "; ";
	}
	if (c->dup > 0)
		buf_printf(out, "%s%zu more by a reviewer already counted",
		    sep, c->dup);
}

/* The index of reviewer name in rv, or nrv. */
static size_t
reviewer_of(const struct recipient *rv, size_t nrv, const char *name)
{
	size_t	 k;

	for (k = 0; k < nrv; k++)
		if (strcmp(rv[k].name, name) == 0)
			break;
	return k;
}

/*
 * One blob and revision of the approvals, with the distinct reviewers
 * that signed it, for approvals_pick().
 */
struct group {
	const char	*blob;
	unsigned long	 rev;
	size_t		 n;		/* distinct valid reviewers */
	unsigned char	*who;		/* nrv flags */
	char		 dates[APPROVALS_MAX][APPROVAL_DATE_LEN + 1];
};

static int
cmp_date(const void *a, const void *b)
{
	return strcmp(a, b);
}

void
approvals_pick(struct approval_pick *out, const struct approvals *as,
    const struct recipient *rv, size_t nrv, const char *id, const char *cur,
    int min)
{
	struct group	*g = NULL, *best = NULL;
	size_t		 i, k, ng = 0, m;
	int		 havew = 0, better;

	memset(out, 0, sizeof(*out));
	out->currev = -1;
	if (as->n == 0)
		return;
	for (i = 0; i < as->n; i++) {
		if ((k = reviewer_of(rv, nrv, as->v[i].name)) == nrv ||
		    !approval_verify(&as->v[i], rv[k].sign_pk, id))
			continue;
		if (as->v[i].rev > out->maxrev)
			out->maxrev = as->v[i].rev;
		if (as->v[i].kind == APPROVAL_WITHDRAW) {
			if (!havew || as->v[i].rev > out->wrev)
				out->wrev = as->v[i].rev;
			havew = 1;
			continue;
		}
		/* Its group: the same blob at the same revision. */
		for (m = 0; m < ng; m++)
			if (g[m].rev == as->v[i].rev &&
			    strcmp(g[m].blob, as->v[i].blob) == 0)
				break;
		if (m == ng) {
			g = xreallocarray(g, ng + 1, sizeof(*g));
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].blob = as->v[i].blob;
			g[ng].rev = as->v[i].rev;
			g[ng].who = xcalloc(nrv ? nrv : 1, 1);
			ng++;
		}
		if (g[m].who[k])
			continue;
		g[m].who[k] = 1;
		memcpy(g[m].dates[g[m].n++], as->v[i].date,
		    APPROVAL_DATE_LEN + 1);
		if (cur != NULL && strcmp(as->v[i].blob, cur) == 0 &&
		    (long)as->v[i].rev > out->currev)
			out->currev = (long)as->v[i].rev;
	}
	/* The approved groups, and the day each got its min-th approval. */
	for (m = 0; m < ng; m++) {
		if (min < 1 || g[m].n < (size_t)min) {
			g[m].n = 0;
			continue;
		}
		qsort(g[m].dates, g[m].n, sizeof(g[m].dates[0]), cmp_date);
		memcpy(g[m].dates[0], g[m].dates[min - 1],
		    APPROVAL_DATE_LEN + 1);
		if (best == NULL || g[m].rev > best->rev)
			better = 1;
		else if (g[m].rev < best->rev)
			better = 0;
		else if (cur != NULL && (strcmp(g[m].blob, cur) == 0) !=
		    (strcmp(best->blob, cur) == 0))
			better = strcmp(g[m].blob, cur) == 0;
		else if (strcmp(g[m].dates[0], best->dates[0]) != 0)
			better = strcmp(g[m].dates[0], best->dates[0]) > 0;
		else
			better = strcmp(g[m].blob, best->blob) > 0;
		if (better)
			best = &g[m];
	}
	if (best != NULL) {
		memcpy(out->blob, best->blob, APPROVAL_BLOB_HEX + 1);
		out->rev = best->rev;
		memcpy(out->date, best->dates[0], sizeof(out->date));
		for (m = 0; m < ng; m++)
			if (g[m].n > 0 && g[m].rev < best->rev)
				out->revised = 1;
		out->state = havew && out->wrev >= best->rev ?
		    PICK_WITHDRAWN : PICK_PUBLISH;
	} else if (havew)
		out->state = PICK_WITHDRAWN;
	for (m = 0; m < ng; m++)
		free(g[m].who);
	free(g);
}

unsigned long
approvals_next_rev(const struct approvals *as, const struct recipient *rv,
    size_t nrv, const char *id, const char *blob, int min)
{
	struct approval_pick pk;
	unsigned long	 r = 0;
	size_t		 i, k;

	approvals_pick(&pk, as, rv, nrv, id, blob, min);
	for (i = 0; i < as->n; i++)
		if (as->v[i].kind == APPROVAL_V2 &&
		    strcmp(as->v[i].blob, blob) == 0 && as->v[i].rev > r &&
		    (k = reviewer_of(rv, nrv, as->v[i].name)) < nrv &&
		    approval_verify(&as->v[i], rv[k].sign_pk, id))
			r = as->v[i].rev;
	/*
	 * Join the approvals of this version, unless it was withdrawn since
	 * or a newer version was approved since (approving it again then
	 * means bringing it back: a new revision).
	 */
	if (r > 0 && !(pk.state == PICK_WITHDRAWN && pk.wrev >= r) &&
	    !(pk.blob[0] != '\0' && pk.rev > r))
		return r;
	return pk.maxrev + 1;
}
