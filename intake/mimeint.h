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
 * Helpers shared by the e-mail parser's files (precheck.c, extract.c,
 * html2text.c, sandbox.c) and their tests; nothing else includes this.
 */

#ifndef NM_MIMEINT_H
#define NM_MIMEINT_H

#include <stddef.h>

struct buf;

/*
 * Line ends as both parsers read them: if msg (len bytes) holds a lone
 * CR (one not followed by LF, as in old Macintosh mail and from some
 * gateways), appends msg to out with every lone CR made LF and returns
 * 1; else returns 0 and leaves out alone.  CR LF and LF are kept as
 * they are (mail_precheck() and libetpan read both as a line end), so
 * a part sent as binary keeps its CR LF pairs.  The length does not
 * change: every cap holds as it did.  mail_precheck() and
 * mail_extract() call it themselves.
 */
int	mail_eol(struct buf *out, const char *msg, size_t len);

/*
 * Appends to out the message's own header section reduced to the
 * allowlist (Subject, MIME-Version, Content-Type,
 * Content-Transfer-Encoding, Content-Disposition, with their folded
 * lines, as they are), an empty line, and the body as it is.  The
 * section ends at the first empty line; lines in it that are not header
 * fields are dropped, as mail_precheck() skips them.
 */
void	mail_header_reduce(struct buf *out, const char *msg, size_t len);

/*
 * Appends the text of an HTML document (UTF-8, len bytes) to out:
 * script, style and title dropped, images and every other embedded or
 * remote resource dropped (nothing is fetched), link text kept without
 * the address, paragraphs and line breaks as newlines, list items as
 * "- ", character references decoded, white space collapsed outside
 * <pre>.  Invalid UTF-8 and control characters never reach out.
 */
void	html_to_text(struct buf *out, const char *html, size_t len);

/*
 * Appends s (len bytes) to out as valid UTF-8: each maximal subpart of
 * an invalid sequence (Unicode 15, 3.9, U+FFFD substitution) becomes
 * one U+FFFD; NUL, the C0 controls but TAB and LF, DEL and the C1
 * controls are dropped; CR LF becomes LF and a lone CR LF too.  Returns
 * 1 if anything was replaced or dropped (line ends aside), else 0.
 */
int	utf8_append(struct buf *out, const char *s, size_t len);

/* 1 if s (len bytes) is valid UTF-8 (NUL and controls allowed), else 0. */
int	utf8_valid(const char *s, size_t len);

/*
 * For tests and tools: the body text mail_extract() finds (text parts
 * in order, HTML converted, decoded to UTF-8) before the signature and
 * template lines are taken out.  Appends it to out.  Returns 0, or -1
 * if libetpan cannot parse the message.
 */
int	mail_body_text(struct buf *out, const char *msg, size_t len);

/*
 * For tests only: fn is called in mail_parse()'s child once its limits
 * are set, with the descriptor of the answer pipe, so that a test can
 * make the child crash, spin, or answer garbage.  NULL removes it.
 */
void	mail_set_test_hook(void (*fn)(int));

#endif /* NM_MIMEINT_H */
