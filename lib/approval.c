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

#define B64_VARIANT	sodium_base64_VARIANT_ORIGINAL
/* NAME SP BLOB SP SIG */
#define LINE_MAX_LEN	(RECIPIENT_NAME_MAX + 1 + APPROVAL_BLOB_HEX + 1 + \
			    APPROVAL_SIG_B64)

static int	 parse_line(struct approval *, const char *, unsigned long,
		    const char *, size_t);
static int	 cmp_approval(const void *, const void *);

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

	if (!report_id_valid(id) || !approval_blob_ok(a->blob))
		return 0;
	approval_message(&msg, id, a->blob);
	ok = crypto_sign_verify_detached(a->sig,
	    (const unsigned char *)msg.data, msg.len, sign_pk) == 0;
	buf_free(&msg);
	return ok;
}

/*
 * One line, without its newline: exactly "NAME BLOB SIG", single
 * spaces.  Messages quote nothing but the line number, the file is
 * hostile.  Returns 0 or -1 (logged).
 */
static int
parse_line(struct approval *a, const char *path, unsigned long line,
    const char *s, size_t len)
{
	const char	*sp1, *sp2, *end;
	char		 enc[APPROVAL_SIG_B64 + 1];
	size_t		 nlen, got;

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
	if (len > LINE_MAX_LEN) {
		log_at(path, line, "line longer than %d bytes",
		    LINE_MAX_LEN);
		return -1;
	}
	if ((sp1 = memchr(s, ' ', len)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - s))) ==
	    NULL || memchr(sp2 + 1, ' ', len - (size_t)(sp2 + 1 - s)) !=
	    NULL) {
		log_at(path, line, "expected three fields \"REVIEWER BLOBID "
		    "SIGNATURE\" separated by single spaces");
		return -1;
	}
	nlen = (size_t)(sp1 - s);
	if (!recipient_name_ok(s, nlen)) {
		log_at(path, line, "bad reviewer name (1 to %d letters, "
		    "digits, '.', '_' or '-', starting with a letter or "
		    "digit)", RECIPIENT_NAME_MAX);
		return -1;
	}
	memcpy(a->name, s, nlen);
	a->name[nlen] = '\0';
	if ((size_t)(sp2 - sp1 - 1) != APPROVAL_BLOB_HEX) {
		log_at(path, line, "bad blob id (expected %d lowercase hex "
		    "digits)", APPROVAL_BLOB_HEX);
		return -1;
	}
	memcpy(a->blob, sp1 + 1, APPROVAL_BLOB_HEX);
	a->blob[APPROVAL_BLOB_HEX] = '\0';
	if (!approval_blob_ok(a->blob)) {
		log_at(path, line, "bad blob id (expected %d lowercase hex "
		    "digits)", APPROVAL_BLOB_HEX);
		return -1;
	}
	/*
	 * Exactly 88 characters of standard padded base64 for 64 bytes,
	 * in its one canonical spelling (re-encoding gives it back).
	 */
	nlen = len - (size_t)(sp2 + 1 - s);
	if (nlen != APPROVAL_SIG_B64 || sodium_base642bin(a->sig,
	    sizeof(a->sig), sp2 + 1, nlen, NULL, &got, &end,
	    B64_VARIANT) != 0 || end != s + len || got != sizeof(a->sig)) {
		log_at(path, line, "bad signature (expected %d characters "
		    "of standard base64 with padding: %d bytes)",
		    APPROVAL_SIG_B64, APPROVAL_SIG_BYTES);
		return -1;
	}
	sodium_bin2base64(enc, sizeof(enc), a->sig, sizeof(a->sig),
	    B64_VARIANT);
	if (memcmp(enc, sp2 + 1, APPROVAL_SIG_B64) != 0) {
		log_at(path, line, "bad signature (not canonical base64)");
		return -1;
	}
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

static int
cmp_approval(const void *pa, const void *pb)
{
	const struct approval *a = pa, *b = pb;
	int	 c;

	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->blob, b->blob)) != 0)
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
		buf_printf(out, "%s %s %s\n", v[i].name, v[i].blob, enc);
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
		if (strcmp(as->v[i].blob, blob) != 0) {
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
