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
 * The one growable byte buffer of the project, and the allocation
 * wrappers.  Invariants (as git's strbuf): data is never NULL, always
 * NUL-terminated, len is the truth (NULs allowed inside).  Running out
 * of memory is fatal, so appends return void.
 */

#ifndef NM_BUF_H
#define NM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;	/* 0 while data points at the static empty string */
};

#define BUF_INIT	{ buf_empty, 0, 0 }
extern char buf_empty[];

/* Allocation that never returns NULL: failure exits via err(1). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

void	 buf_init(struct buf *);
/* Frees the storage and leaves b as BUF_INIT. */
void	 buf_free(struct buf *);
/* Empties b, keeping its storage. */
void	 buf_reset(struct buf *);
/* Makes room for at least extra more bytes (plus the NUL). */
void	 buf_grow(struct buf *, size_t extra);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * Appends one byte.  Inline: the index writers and the HTML escaper call
 * it for most bytes they write, and the room is nearly always there.
 */
static inline void
buf_addch(struct buf *b, int c)
{
	if (b->cap < b->len + 2)
		buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}
/* Shortens b to len bytes (len <= b->len). */
void	 buf_truncate(struct buf *, size_t len);
/* Hands the string over: caller frees; b is left as BUF_INIT. */
char	*buf_detach(struct buf *, size_t *lenp);
/* Appends s with the characters \, TAB and newline escaped as \\ \t \n. */
void	 buf_addesc(struct buf *, const char *);

#endif /* NM_BUF_H */
