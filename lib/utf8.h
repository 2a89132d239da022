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
 * Strict UTF-8 (RFC 3629): the one decoder of a code point that the
 * checks of records, receipts, JSON strings and mail text share.  Each
 * caller keeps its own extra rules (NUL bytes, control characters).
 */

#ifndef NM_UTF8_H
#define NM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the code point that starts at s, of which len bytes (len > 0)
 * may be read.  No overlong forms, no surrogates (U+D800 to U+DFFF),
 * nothing above U+10FFFF; a NUL byte is U+0000.  Returns the length of
 * the sequence (1 to 4) with the code point in *out (if out is not
 * NULL), or -1 if s does not start a valid sequence within len bytes
 * (*out is then untouched).
 */
int	utf8_decode(uint32_t *out, const char *s, size_t len);

/*
 * 1 if cp is a bidirectional embedding, override or isolate control
 * (U+202A to U+202E, U+2066 to U+2069), which can make text read
 * differently from what it is ("Trojan Source"); else 0.
 */
int	utf8_is_bidi(uint32_t cp);
/*
 * The offset of the first bidirectional control (see utf8_is_bidi()) in
 * the len bytes at s, or -1 if there is none.  Invalid sequences are
 * stepped over a byte at a time, never reported.
 */
long	utf8_find_bidi(const char *s, size_t len);
/*
 * Removes every bidirectional control from the len bytes at s, in place,
 * and returns the new length; NUL-terminates if it removed anything and
 * the new length is below len.  Other bytes, valid or not, are kept.
 */
size_t	utf8_strip_bidi(char *s, size_t len);
/*
 * The number of code points in the len bytes at s, an invalid byte
 * counting as one: the "characters" of every length limit shown to
 * people.
 */
size_t	utf8_chars(const char *s, size_t len);
/*
 * The number of bytes of the first max code points of the len bytes at
 * s (all len if there are fewer), counted as utf8_chars() counts: the
 * place to cut a text to a limit in characters.
 */
size_t	utf8_prefix(const char *s, size_t len, size_t max);

#endif /* NM_UTF8_H */
