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
 * The template language of themes (see nearmiss-theme(5)): {{ value }}
 * with HTML escaping on by default, {{ value | url }}, {% if %},
 * {% for %}, {% include %} and {# comments #}.  Values live in an arena
 * that is reset after each page.
 */

#ifndef NM_TMPL_H
#define NM_TMPL_H

#include <stddef.h>

struct buf;
struct arena;
struct tmpl_set;

enum tv_type {
	TV_NULL,
	TV_STR,		/* escaped on output */
	TV_HTML,	/* trusted markup made by the engine: printed as is */
	TV_INT,
	TV_LIST,
	TV_MAP,
	TV_MAX
};

struct tval;

/* An arena: many small allocations, freed all at once. */
struct arena	*arena_new(void);
void		 arena_free(struct arena *);
/* Frees everything allocated since arena_new(), keeping one chunk. */
void		 arena_reset(struct arena *);
void		*arena_alloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* New empty map or list, allocated in the arena. */
struct tval	*tv_map(struct arena *);
struct tval	*tv_list(struct arena *);
/*
 * Map setters.  key and s are borrowed: they must outlive the render
 * (string literals, data of the build, or arena strings).  Setting a key
 * twice keeps the later value.
 */
void		 tv_set_str(struct arena *, struct tval *map, const char *key,
		    const char *s);
void		 tv_set_html(struct arena *, struct tval *map,
		    const char *key, const char *s, size_t len);
void		 tv_set_int(struct arena *, struct tval *map, const char *key,
		    long);
void		 tv_set(struct arena *, struct tval *map, const char *key,
		    struct tval *v);
/* Appends v (a map, list or string value) to list. */
void		 tv_push(struct arena *, struct tval *list, struct tval *v);
/* A string value, for lists of strings. */
struct tval	*tv_str(struct arena *, const char *s);

/* An empty set of templates. */
struct tmpl_set	*tmpl_set_new(void);
void		 tmpl_set_free(struct tmpl_set *);
/*
 * Compiles text (len bytes) as template name and adds it to the set.
 * path is used in messages.  Returns 0, or -1 after logging
 * "path:line: what is wrong".
 */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *path, const char *text, size_t len);
/* Loads every *.html file of dir.  Returns 0 or -1 (logged). */
int		 tmpl_set_load(struct tmpl_set *, const char *dir);
/* 1 if the set has a template of that name. */
int		 tmpl_set_has(const struct tmpl_set *, const char *name);
/*
 * Renders template name with ctx (a map) as its root scope, appending to
 * out.  Returns 0, or -1 (logged) for a missing template or include
 * recursion deeper than 16.
 */
int		 tmpl_render(struct buf *out, const struct tmpl_set *,
		    const char *name, const struct tval *ctx);

#endif /* NM_TMPL_H */
