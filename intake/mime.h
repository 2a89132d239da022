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
 * The e-mail parser of nearmiss-intake: a pre-check of the raw message
 * before libetpan sees a byte, the extraction of a report from it with
 * libetpan, the sandboxed child that runs the extraction, and the
 * quarantine record for a message the child could not parse.  Only
 * nearmiss-intake (and its tests and fuzzer) link it.
 */

#ifndef NM_MIME_H
#define NM_MIME_H

#include <stddef.h>

#define MAIL_MAX	(10 * 1024 * 1024)	/* bytes of one message */
#define MAIL_DEPTH_MAX	16			/* multipart nesting */

/* mail_extract() and mail_parse(): refuse this message for good (65). */
#define MAIL_EREJECT	(-65)
/* mail_parse(): the parser child died, hit a limit or sent garbage. */
#define MAIL_ECHILD	(-66)
/* mail_extract(): nothing to report in the message (quarantine it). */
#define MAIL_EEMPTY	(-67)

struct buf;
struct config;	/* lib/config.h taxonomy, for the Key: value template */
struct record;

/*
 * Pre-check before libetpan sees a byte: size, header/line caps, NUL in
 * headers, MIME boundary grammar (RFC 2046 bchars, 1-70, our own
 * unquoting), multipart nesting depth <= MAIL_DEPTH_MAX, part count cap.
 * It checks the lines libetpan will be given: a lone CR is a line end
 * (mail_eol() in mimeint.h).  Returns 0, or -1 with a one-line reason
 * (English, suitable for an MTA bounce, no message content) in why.
 */
int	mail_precheck(const char *msg, size_t len, char *why, size_t whysz);

/*
 * In-process extraction (used by the sandboxed child and by fuzz_mail):
 * line ends made LF or CR LF (mail_eol()), libetpan parse, text/plain
 * preferred else HTML->text, decodings, charsets->UTF-8, RFC 2047
 * subject->title, signature split, template lines (Incident type:,
 * Event date:, Lessons learned:, ..., Contact: and Consent:) ->
 * fields/lessons/contact/consent, attachments (<= 5 MiB each, <= 10 MiB
 * total; file names cut to their last path component).  A text part
 * that did not decode in full is attached as it came too ("part-N.txt"
 * and the like), with a note in the narrative.  Header allowlist:
 * nothing identifying survives.  tax may be NULL (no taxonomy: list
 * fields are then never filled).  Appends the encoded record
 * (record_encode; channel RECORD_EMAIL, received is today's UTC day,
 * receipt all zero bytes: the caller sets both in the decoded record
 * and encodes it again) to enc.  Returns 0; MAIL_EREJECT (why set) for
 * a message to refuse for good; MAIL_EEMPTY (enc untouched) if the
 * message holds nothing to report: no narrative, lessons, contact nor
 * field, no subject either, and no file the sender attached
 * (mail_parse() then quarantines it); -1 if
 * libetpan cannot parse it.  It does not run mail_precheck(); call that
 * first.
 */
int	mail_extract(struct buf *enc, const char *msg, size_t len,
	    const struct config *tax, char *why, size_t whysz);

/*
 * mail_precheck(), then mail_extract() in a child process (fork;
 * RLIMIT_AS 256 MiB, RLIMIT_CPU 5 s, RLIMIT_FSIZE 0, RLIMIT_CORE 0,
 * RLIMIT_NOFILE small, no new privileges, the network unshared when
 * permitted; result sent over a pipe), decoded in the parent with
 * record_decode() into *out (free with record_free()).  A message with
 * nothing to report (MAIL_EEMPTY from the child) gives the quarantine
 * record of mail_quarantine() in *out, and 0.  Returns 0; MAIL_EREJECT
 * (why set); MAIL_ECHILD if the child died, was killed, went over a
 * limit or sent garbage (the caller quarantines); INBOX_ETEMP if fork
 * or pipe failed (the caller tempfails).
 */
int	mail_parse(struct record *out, const char *msg, size_t len,
	    const struct config *tax, char *why, size_t whysz);

/*
 * The quarantine record for a message the child could not parse, or
 * that holds nothing to report: channel e-mail, quarantined = 1, empty
 * narrative, one attachment "message.eml" (message/rfc822): the
 * top-level header reduced to the allowlist (Subject, MIME-Version,
 * Content-Type, Content-Transfer-Encoding, Content-Disposition...;
 * never From, Received, Date, Message-ID, X-*) and the body as it is,
 * line ends and all.  As for mail_extract(), received is today and the
 * receipt is zero: decode, set both, encode again.  Appends the
 * encoding to enc.  Returns 0 or -1 (logged; a message over MAIL_MAX).
 */
int	mail_quarantine(struct buf *enc, const char *msg, size_t len);

#endif /* NM_MIME_H */
