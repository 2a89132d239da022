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
 * Template compiler and renderer.  A template is parsed once into a tree
 * of nodes; rendering walks the tree against a tree of values.  Strings
 * are always escaped (html_text or html_url): only TV_HTML values, which
 * the engine makes from rendered Markdown, are printed as they are.
 */

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "html.h"
#include "log.h"
#include "nm.h"
#include "tmpl.h"

#define ARENA_CHUNK	(64 * 1024)
#define PATH_SEGS	8
#define INCLUDE_DEPTH	16
#define SCOPE_MAX	16
#define TMPL_MAX	(1024 * 1024)

struct chunk {
	struct chunk	*next;
	size_t		 size, used;
	/* data follows, max_align_t aligned */
};

struct arena {
	struct chunk	*head;
};

struct tentry {
	const char	*key;
	struct tval	*v;
};

struct tval {
	enum tv_type	 type;
	union {
		struct {
			const char	*s;
			size_t		 len;
		} str;
		long		 i;
		struct {
			struct tval	**v;
			size_t		  n, cap;
		} list;
		struct {
			struct tentry	*e;
			size_t		 n, cap;
		} map;
	} u;
};

enum tn_type { TN_TEXT, TN_VAR, TN_IF, TN_FOR, TN_INCLUDE };
enum cond_op { C_TRUE, C_NOT, C_EQ, C_NE };

struct tpath {
	char	*seg[PATH_SEGS];
	int	 nseg;
};

struct tcond {
	enum cond_op	 op;
	struct tpath	 path;
	char		*lit;
};

struct tnode {
	enum tn_type	 type;
	struct tnode	*next;
	const char	*text;		/* TN_TEXT: points into tmpl->src */
	size_t		 len;
	struct tpath	 path;		/* TN_VAR, TN_FOR */
	int		 url;		/* TN_VAR: | url */
	char		*var;		/* TN_FOR: loop variable */
	char		*name;		/* TN_INCLUDE */
	/* TN_IF: branch list (cond + body); else in elsebody */
	struct tbranch {
		struct tcond	 cond;
		struct tnode	*body;
		struct tbranch	*next;
	}		*branches;
	struct tnode	*body;		/* TN_FOR */
	struct tnode	*elsebody;	/* TN_IF, TN_FOR */
};

struct tmpl {
	char		*name;
	char		*src;
	struct tnode	*root;
	struct tmpl	*next;
};

struct tmpl_set {
	struct tmpl	*list;
};

/* Parser state. */
struct tparse {
	const char	*path;
	const char	*src, *p, *end;
	const char	*tagpos;	/* the last elif/else/end tag read */
	int		 errors;
};

enum tag_kind { TAG_NONE, TAG_ELIF, TAG_ELSE, TAG_END, TAG_EOF };

struct scope {
	const char		*name;
	const struct tval	*v;
	const struct tval	*loop;
};

struct trender {
	struct buf		*out;
	const struct tmpl_set	*set;
	const struct tval	*root;
	struct scope		 scope[SCOPE_MAX];
	int			 nscope;
	int			 depth;
};

static struct tnode	*parse_nodes(struct tparse *, enum tag_kind *,
			    struct tcond *);
static int		 render_nodes(struct trender *, const struct tnode *);
static void		 node_free(struct tnode *);

static const struct tval tv_null = { TV_NULL, { .i = 0 } };

/* Arena */

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct chunk	*c, *next;

	if (a->head == NULL)
		return;
	for (c = a->head->next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head->next = NULL;
	a->head->used = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t	 hdr = (sizeof(struct chunk) + 15) & ~(size_t)15;
	struct chunk	*c;
	void		*p;

	n = (n + 15) & ~(size_t)15;
	if (a->head == NULL || a->head->size - a->head->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = xmalloc(hdr + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)a->head + hdr + a->head->used;
	a->head->used += n;
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t	 n = strlen(s) + 1;

	return memcpy(arena_alloc(a, n), s, n);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Values */

static struct tval *
tv_new(struct arena *a, enum tv_type t)
{
	struct tval	*v = arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

struct tval *
tv_map(struct arena *a)
{
	return tv_new(a, TV_MAP);
}

struct tval *
tv_list(struct arena *a)
{
	return tv_new(a, TV_LIST);
}

struct tval *
tv_str(struct arena *a, const char *s)
{
	struct tval	*v = tv_new(a, TV_STR);

	v->u.str.s = s;
	v->u.str.len = strlen(s);
	return v;
}

/*
 * Names of maps and scopes: most differ in their first byte, which is
 * looked at before a call to strcmp(); every item of every list and
 * every report page looks names up in maps of a few dozen.
 */
static inline int
key_eq(const char *a, const char *b)
{
	return a == b || (a[0] == b[0] && strcmp(a, b) == 0);
}

void
tv_set(struct arena *a, struct tval *m, const char *key, struct tval *v)
{
	struct tentry	*e;
	size_t		 i;

	if (m->type != TV_MAP)
		fatalx("tv_set: not a map");
	for (i = 0; i < m->u.map.n; i++)
		if (key_eq(m->u.map.e[i].key, key)) {
			m->u.map.e[i].v = v;
			return;
		}
	if (m->u.map.n == m->u.map.cap) {
		size_t ncap = m->u.map.cap ? m->u.map.cap * 2 : 8;

		e = arena_alloc(a, ncap * sizeof(*e));
		if (m->u.map.n)
			memcpy(e, m->u.map.e, m->u.map.n * sizeof(*e));
		m->u.map.e = e;
		m->u.map.cap = ncap;
	}
	m->u.map.e[m->u.map.n].key = key;
	m->u.map.e[m->u.map.n].v = v;
	m->u.map.n++;
}

void
tv_set_str(struct arena *a, struct tval *m, const char *key, const char *s)
{
	tv_set(a, m, key, tv_str(a, s != NULL ? s : ""));
}

void
tv_set_html(struct arena *a, struct tval *m, const char *key, const char *s,
    size_t len)
{
	struct tval	*v = tv_new(a, TV_HTML);

	v->u.str.s = s;
	v->u.str.len = len;
	tv_set(a, m, key, v);
}

void
tv_set_int(struct arena *a, struct tval *m, const char *key, long i)
{
	struct tval	*v = tv_new(a, TV_INT);

	v->u.i = i;
	tv_set(a, m, key, v);
}

void
tv_push(struct arena *a, struct tval *l, struct tval *v)
{
	struct tval	**nv;

	if (l->type != TV_LIST)
		fatalx("tv_push: not a list");
	if (l->u.list.n == l->u.list.cap) {
		size_t ncap = l->u.list.cap ? l->u.list.cap * 2 : 8;

		nv = arena_alloc(a, ncap * sizeof(*nv));
		if (l->u.list.n)
			memcpy(nv, l->u.list.v, l->u.list.n * sizeof(*nv));
		l->u.list.v = nv;
		l->u.list.cap = ncap;
	}
	l->u.list.v[l->u.list.n++] = v;
}

static const struct tval *
map_get(const struct tval *m, const char *key)
{
	size_t	 i;

	if (m == NULL || m->type != TV_MAP)
		return NULL;
	for (i = 0; i < m->u.map.n; i++)
		if (key_eq(m->u.map.e[i].key, key))
			return m->u.map.e[i].v;
	return NULL;
}

static int
truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case TV_STR:
	case TV_HTML:
		return v->u.str.len > 0;
	case TV_INT:
		return v->u.i != 0;
	case TV_LIST:
		return v->u.list.n > 0;
	case TV_MAP:
		return 1;
	default:
		return 0;
	}
}

/* Parser */

static void
perr(struct tparse *tp, const char *at, const char *fmt, ...)
{
	char		 msg[512];
	unsigned long	 line = 1;
	const char	*p;
	va_list		 ap;

	for (p = tp->src; p < at && p < tp->end; p++)
		if (*p == '\n')
			line++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_at(tp->path, line, "%s", msg);
	tp->errors++;
}

static int
is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Tokenizer over one tag's inside [p, end). */
struct tok {
	const char	*p, *end;
};

static void
tok_ws(struct tok *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' ||
	    *t->p == '\n' || *t->p == '\r'))
		t->p++;
}

/* Reads an identifier; returns its length (0 if none). */
static size_t
tok_word(struct tok *t, const char **start)
{
	tok_ws(t);
	*start = t->p;
	while (t->p < t->end && is_ident((unsigned char)*t->p))
		t->p++;
	return (size_t)(t->p - *start);
}

static int
tok_kw(struct tok *t, const char *kw)
{
	struct tok	 save = *t;
	const char	*w;
	size_t		 n = tok_word(t, &w);

	if (n == strlen(kw) && memcmp(w, kw, n) == 0)
		return 1;
	*t = save;
	return 0;
}

static int
tok_path(struct tparse *tp, struct tok *t, struct tpath *out)
{
	const char	*w;
	size_t		 n;

	memset(out, 0, sizeof(*out));
	for (;;) {
		if ((n = tok_word(t, &w)) == 0) {
			perr(tp, t->p, "expected a name");
			return -1;
		}
		if (out->nseg == PATH_SEGS) {
			perr(tp, w, "name has more than %d parts", PATH_SEGS);
			return -1;
		}
		out->seg[out->nseg++] = xstrndup(w, n);
		if (t->p < t->end && *t->p == '.') {
			t->p++;
			continue;
		}
		return 0;
	}
}

static void
path_free(struct tpath *p)
{
	int	 i;

	for (i = 0; i < p->nseg; i++)
		free(p->seg[i]);
	p->nseg = 0;
}

static int
tok_string(struct tparse *tp, struct tok *t, char **out)
{
	const char	*s;

	tok_ws(t);
	if (t->p >= t->end || *t->p != '"') {
		perr(tp, t->p, "expected a \"string\"");
		return -1;
	}
	s = ++t->p;
	while (t->p < t->end && *t->p != '"')
		t->p++;
	if (t->p >= t->end) {
		perr(tp, s, "unterminated string");
		return -1;
	}
	*out = xstrndup(s, (size_t)(t->p - s));
	t->p++;
	return 0;
}

static int
tok_done(struct tparse *tp, struct tok *t)
{
	tok_ws(t);
	if (t->p < t->end) {
		perr(tp, t->p, "unexpected \"%.*s\"",
		    (int)(t->end - t->p > 20 ? 20 : t->end - t->p), t->p);
		return -1;
	}
	return 0;
}

static int
parse_cond(struct tparse *tp, struct tok *t, struct tcond *c)
{
	memset(c, 0, sizeof(*c));
	c->op = tok_kw(t, "not") ? C_NOT : C_TRUE;
	if (tok_path(tp, t, &c->path) == -1)
		return -1;
	tok_ws(t);
	if (c->op == C_TRUE && t->end - t->p >= 2 &&
	    (memcmp(t->p, "==", 2) == 0 || memcmp(t->p, "!=", 2) == 0)) {
		c->op = t->p[0] == '=' ? C_EQ : C_NE;
		t->p += 2;
		if (tok_string(tp, t, &c->lit) == -1)
			return -1;
	}
	return tok_done(tp, t);
}

static void
cond_free(struct tcond *c)
{
	path_free(&c->path);
	free(c->lit);
}

static struct tnode *
node_new(enum tn_type type)
{
	struct tnode	*n = xcalloc(1, sizeof(*n));

	n->type = type;
	return n;
}

/*
 * Finds the end of the tag that starts at p ("{{", "{%" or "{#").
 * Returns a pointer to its closing delimiter or NULL.
 */
static const char *
tag_close(const char *p, const char *end, char kind)
{
	const char	 close = kind == '{' ? '}' : kind;

	for (p += 2; p + 1 < end; p++)
		if (p[0] == close && p[1] == '}')
			return p;
	return NULL;
}

/*
 * Parses nodes until EOF or a {% elif/else/end %} tag, which is returned
 * in *term (with the elif's condition in *cond).
 */
static struct tnode *
parse_nodes(struct tparse *tp, enum tag_kind *term, struct tcond *cond)
{
	struct tnode	*head = NULL, **tail = &head, *n;
	const char	*tag, *close, *text, *ls, *after, *lead, *q;
	struct tok	 t;
	enum tag_kind	 sub;
	struct tbranch	*br, **btail;
	struct tcond	 c;
	const char	*w;
	size_t		 wn;
	char		 kind;

	*term = TAG_EOF;
	while (tp->p < tp->end) {
		text = tp->p;
		tag = text;
		while ((tag = memchr(tag, '{', (size_t)(tp->end - tag))) !=
		    NULL && (tag + 1 >= tp->end || (tag[1] != '{' &&
		    tag[1] != '%' && tag[1] != '#')))
			tag++;
		if (tag == NULL)
			tag = tp->end;
		kind = tag < tp->end ? tag[1] : 0;
		close = tag < tp->end ? tag_close(tag, tp->end, kind) : NULL;
		if (tag < tp->end && close == NULL) {
			perr(tp, tag, "tag is not closed");
			tp->p = tp->end;
			break;
		}
		after = close != NULL ? close + 2 : tp->end;
		lead = tag;
		/* A block tag alone on its line takes the line with it. */
		if (kind == '%' || kind == '#') {
			for (ls = tag; ls > text && (ls[-1] == ' ' ||
			    ls[-1] == '\t'); ls--)
				;
			q = after;
			while (q < tp->end && (*q == ' ' || *q == '\t'))
				q++;
			if ((ls == tp->src || ls[-1] == '\n') &&
			    (q == tp->end || *q == '\n' || (*q == '\r' &&
			    q + 1 < tp->end && q[1] == '\n'))) {
				lead = ls;
				after = q == tp->end ? q :
				    (*q == '\r' ? q + 2 : q + 1);
			}
		}
		if (lead > text) {
			n = node_new(TN_TEXT);
			n->text = text;
			n->len = (size_t)(lead - text);
			*tail = n;
			tail = &n->next;
		}
		if (close == NULL) {
			tp->p = tp->end;
			break;
		}
		tp->p = after;
		t.p = tag + 2;
		t.end = close;
		if (kind == '#')
			continue;
		if (kind == '{') {
			n = node_new(TN_VAR);
			if (tok_path(tp, &t, &n->path) == 0) {
				tok_ws(&t);
				if (t.p < t.end && *t.p == '|') {
					t.p++;
					if (tok_kw(&t, "url"))
						n->url = 1;
					else
						perr(tp, t.p, "unknown filter "
						    "(only \"url\" exists)");
				}
				tok_done(tp, &t);
			}
			*tail = n;
			tail = &n->next;
			continue;
		}
		wn = tok_word(&t, &w);
		if (wn == 2 && memcmp(w, "if", 2) == 0) {
			n = node_new(TN_IF);
			*tail = n;
			tail = &n->next;
			btail = &n->branches;
			if (parse_cond(tp, &t, &c) == -1) {
				cond_free(&c);
				return head;
			}
			for (;;) {
				br = xcalloc(1, sizeof(*br));
				br->cond = c;
				*btail = br;
				btail = &br->next;
				br->body = parse_nodes(tp, &sub, &c);
				if (sub == TAG_ELIF)
					continue;
				if (sub == TAG_ELSE) {
					n->elsebody = parse_nodes(tp, &sub,
					    &c);
					if (sub == TAG_ELIF)
						cond_free(&c);
					if (sub != TAG_END && sub != TAG_EOF)
						perr(tp, tp->tagpos, "expected "
						    "{%% end %%} after "
						    "{%% else %%}");
				}
				if (sub == TAG_EOF)
					perr(tp, tag, "{%% if %%} is not "
					    "closed by {%% end %%}");
				break;
			}
		} else if (wn == 3 && memcmp(w, "for", 3) == 0) {
			n = node_new(TN_FOR);
			*tail = n;
			tail = &n->next;
			if ((wn = tok_word(&t, &w)) == 0) {
				perr(tp, t.p, "expected a loop variable");
				return head;
			}
			n->var = xstrndup(w, wn);
			if (!tok_kw(&t, "in")) {
				perr(tp, t.p, "expected \"in\"");
				return head;
			}
			if (tok_path(tp, &t, &n->path) == -1 ||
			    tok_done(tp, &t) == -1)
				return head;
			n->body = parse_nodes(tp, &sub, &c);
			if (sub == TAG_ELSE) {
				n->elsebody = parse_nodes(tp, &sub, &c);
				if (sub == TAG_ELSE)
					perr(tp, tp->tagpos, "expected "
					    "{%% end %%} after {%% else %%}");
			}
			if (sub == TAG_ELIF) {
				perr(tp, tp->tagpos, "{%% elif %%} inside "
				    "{%% for %%}");
				cond_free(&c);
			}
			if (sub == TAG_EOF)
				perr(tp, tag, "{%% for %%} is not closed by "
				    "{%% end %%}");
		} else if (wn == 7 && memcmp(w, "include", 7) == 0) {
			n = node_new(TN_INCLUDE);
			*tail = n;
			tail = &n->next;
			if (tok_string(tp, &t, &n->name) == 0)
				tok_done(tp, &t);
		} else if (wn == 4 && memcmp(w, "elif", 4) == 0) {
			tp->tagpos = tag;
			*term = TAG_ELIF;
			if (parse_cond(tp, &t, cond) == -1) {
				cond_free(cond);
				*term = TAG_END;
			}
			return head;
		} else if (wn == 4 && memcmp(w, "else", 4) == 0) {
			tp->tagpos = tag;
			tok_done(tp, &t);
			*term = TAG_ELSE;
			return head;
		} else if (wn == 3 && memcmp(w, "end", 3) == 0) {
			tp->tagpos = tag;
			tok_done(tp, &t);
			*term = TAG_END;
			return head;
		} else
			perr(tp, tag, "unknown tag \"%.*s\"", (int)(wn > 20 ?
			    20 : wn), w);
	}
	return head;
}

static void
node_free(struct tnode *n)
{
	struct tnode	*next;
	struct tbranch	*b, *bn;

	for (; n != NULL; n = next) {
		next = n->next;
		path_free(&n->path);
		free(n->var);
		free(n->name);
		for (b = n->branches; b != NULL; b = bn) {
			bn = b->next;
			cond_free(&b->cond);
			node_free(b->body);
			free(b);
		}
		node_free(n->body);
		node_free(n->elsebody);
		free(n);
	}
}

struct tmpl_set *
tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void
tmpl_set_free(struct tmpl_set *s)
{
	struct tmpl	*t, *next;

	if (s == NULL)
		return;
	for (t = s->list; t != NULL; t = next) {
		next = t->next;
		node_free(t->root);
		free(t->name);
		free(t->src);
		free(t);
	}
	free(s);
}

static const struct tmpl *
set_find(const struct tmpl_set *s, const char *name)
{
	const struct tmpl *t;

	for (t = s->list; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

int
tmpl_set_has(const struct tmpl_set *s, const char *name)
{
	return set_find(s, name) != NULL;
}

int
tmpl_set_add(struct tmpl_set *s, const char *name, const char *path,
    const char *text, size_t len)
{
	struct tparse	 tp;
	struct tmpl	*t;
	struct tcond	 c;
	enum tag_kind	 term;

	if (len > TMPL_MAX) {
		log_at(path, 0, "template larger than %d bytes", TMPL_MAX);
		return -1;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->src = xmalloc(len + 1);
	memcpy(t->src, text, len);
	t->src[len] = '\0';
	memset(&tp, 0, sizeof(tp));
	tp.path = path;
	tp.src = tp.p = t->src;
	tp.end = t->src + len;
	t->root = parse_nodes(&tp, &term, &c);
	if (term == TAG_ELIF)
		cond_free(&c);
	if (term != TAG_EOF)
		perr(&tp, tp.tagpos, "{%% %s %%} without a matching {%% if %%} or "
		    "{%% for %%}", term == TAG_ELSE ? "else" : term ==
		    TAG_ELIF ? "elif" : "end");
	if (tp.errors) {
		node_free(t->root);
		free(t->name);
		free(t->src);
		free(t);
		return -1;
	}
	t->next = s->list;
	s->list = t;
	return 0;
}

int
tmpl_set_load(struct tmpl_set *s, const char *dir)
{
	struct dirent	**names = NULL;
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX];
	size_t		 len;
	int		 n, i, rc = 0, w;

	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		log_warn("theme %s", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		len = strlen(names[i]->d_name);
		if (len < 6 || strcmp(names[i]->d_name + len - 5, ".html") ||
		    names[i]->d_name[0] == '.')
			continue;
		w = snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name);
		if (w < 0 || (size_t)w >= sizeof(path)) {
			log_warnx("%s/%s: path too long", dir,
			    names[i]->d_name);
			rc = -1;
			continue;
		}
		buf_reset(&b);
		if (file_read(&b, path, TMPL_MAX) != 0) {
			rc = -1;
			continue;
		}
		if (tmpl_set_add(s, names[i]->d_name, path, b.data,
		    b.len) == -1)
			rc = -1;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&b);
	return rc;
}

/* Renderer */

static const struct tval *
lookup(const struct trender *r, const struct tpath *p)
{
	const struct tval	*v = NULL;
	int			 i;

	for (i = r->nscope - 1; i >= 0; i--) {
		if (key_eq(r->scope[i].name, p->seg[0])) {
			v = r->scope[i].v;
			break;
		}
		if (strcmp(p->seg[0], "loop") == 0 && r->scope[i].loop) {
			v = r->scope[i].loop;
			break;
		}
	}
	if (i < 0)
		v = map_get(r->root, p->seg[0]);
	for (i = 1; i < p->nseg && v != NULL; i++)
		v = map_get(v, p->seg[i]);
	return v;
}

static void
print_val(struct buf *out, const struct tval *v, int url)
{
	char	 num[32];
	int	 n;

	if (v == NULL)
		return;
	switch (v->type) {
	case TV_STR:
		if (url)
			html_url(out, v->u.str.s, v->u.str.len);
		else
			html_text(out, v->u.str.s, v->u.str.len);
		break;
	case TV_HTML:
		if (url)
			html_url(out, v->u.str.s, v->u.str.len);
		else
			buf_add(out, v->u.str.s, v->u.str.len);
		break;
	case TV_INT:
		n = snprintf(num, sizeof(num), "%ld", v->u.i);
		buf_add(out, num, (size_t)n);
		break;
	default:
		break;
	}
}

static int
cond_eval(const struct trender *r, const struct tcond *c)
{
	const struct tval	*v = lookup(r, &c->path);
	int			 eq;

	switch (c->op) {
	case C_TRUE:
		return truthy(v);
	case C_NOT:
		return !truthy(v);
	default:
		eq = v != NULL && (v->type == TV_STR || v->type == TV_HTML) &&
		    v->u.str.len == strlen(c->lit) &&
		    memcmp(v->u.str.s, c->lit, v->u.str.len) == 0;
		if (v != NULL && v->type == TV_INT) {
			char num[32];

			snprintf(num, sizeof(num), "%ld", v->u.i);
			eq = strcmp(num, c->lit) == 0;
		}
		return c->op == C_EQ ? eq : !eq;
	}
}

static int
render_for(struct trender *r, const struct tnode *n)
{
	const struct tval	*l = lookup(r, &n->path);
	struct tval		 loop, idx, first, last, length;
	struct tentry		 e[4];
	size_t			 i;

	if (l == NULL || l->type != TV_LIST || l->u.list.n == 0)
		return render_nodes(r, n->elsebody);
	if (r->nscope == SCOPE_MAX) {
		log_warnx("template: loops nested deeper than %d", SCOPE_MAX);
		return -1;
	}
	memset(&loop, 0, sizeof(loop));
	loop.type = TV_MAP;
	loop.u.map.e = e;
	loop.u.map.n = loop.u.map.cap = 4;
	e[0].key = "index";
	e[0].v = &idx;
	e[1].key = "first";
	e[1].v = &first;
	e[2].key = "last";
	e[2].v = &last;
	e[3].key = "length";
	e[3].v = &length;
	idx = first = last = length = tv_null;
	idx.type = first.type = last.type = length.type = TV_INT;
	length.u.i = (long)l->u.list.n;
	r->scope[r->nscope].name = n->var;
	r->scope[r->nscope].loop = &loop;
	r->nscope++;
	for (i = 0; i < l->u.list.n; i++) {
		r->scope[r->nscope - 1].v = l->u.list.v[i];
		idx.u.i = (long)i + 1;
		first.u.i = i == 0;
		last.u.i = i + 1 == l->u.list.n;
		if (render_nodes(r, n->body) == -1) {
			r->nscope--;
			return -1;
		}
	}
	r->nscope--;
	return 0;
}

static int
render_nodes(struct trender *r, const struct tnode *n)
{
	const struct tbranch	*b;
	const struct tmpl	*t;
	int			 rc;

	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case TN_TEXT:
			buf_add(r->out, n->text, n->len);
			break;
		case TN_VAR:
			print_val(r->out, lookup(r, &n->path), n->url);
			break;
		case TN_IF:
			for (b = n->branches; b != NULL; b = b->next)
				if (cond_eval(r, &b->cond))
					break;
			if (render_nodes(r, b != NULL ? b->body :
			    n->elsebody) == -1)
				return -1;
			break;
		case TN_FOR:
			if (render_for(r, n) == -1)
				return -1;
			break;
		case TN_INCLUDE:
			if ((t = set_find(r->set, n->name)) == NULL) {
				log_warnx("template: include \"%s\": no such "
				    "template", n->name);
				return -1;
			}
			if (r->depth >= INCLUDE_DEPTH) {
				log_warnx("template: includes nested deeper "
				    "than %d (\"%s\")", INCLUDE_DEPTH,
				    n->name);
				return -1;
			}
			r->depth++;
			rc = render_nodes(r, t->root);
			r->depth--;
			if (rc == -1)
				return -1;
			break;
		}
	}
	return 0;
}

int
tmpl_render(struct buf *out, const struct tmpl_set *s, const char *name,
    const struct tval *ctx)
{
	struct trender	 r;
	const struct tmpl *t;

	if ((t = set_find(s, name)) == NULL) {
		log_warnx("template %s: not found in the theme", name);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.set = s;
	r.root = ctx;
	return render_nodes(&r, t->root);
}
