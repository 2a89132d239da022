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
 * The decoder of application/x-www-form-urlencoded bodies, the POST of
 * the intake's report form.  Every cap (body, fields, name and value
 * length) is checked before anything grows.  Names are [a-z0-9_]{1,64};
 * values come out as NUL-terminated copies of valid UTF-8 with LF line
 * ends and no control character but TAB and LF.  Nothing is logged: the
 * intake logs nothing about requests, so a fault is returned as a code
 * with a fixed message that quotes no submitted byte.
 */

#ifndef NM_FORM_H
#define NM_FORM_H

#include <stddef.h>

#include "buf.h"
#include "nm.h"

/*
 * Bytes of the encoded body: the intake form's texts at their limits in
 * characters (16,384 + 4,096 + 512), URL-encoded at up to 9 bytes a
 * character, fit.
 */
#define FORM_BODY_MAX	(256 * 1024)
#define FORM_FIELDS_MAX	64		/* name=value pairs */
#define FORM_NAME_MAX	64		/* bytes of a name */

/*
 * What form_parse() returns besides 0: expected failures, each with its
 * own message (form_strerror()).  They lie below the codes of nm.h,
 * except that an oversized body is the project-wide NM_ETOOBIG.
 */
#define FORM_ETOOBIG	NM_ETOOBIG	/* body over FORM_BODY_MAX */
#define FORM_EFIELDS	(-20)	/* more than FORM_FIELDS_MAX fields */
#define FORM_ENONAME	(-21)	/* "=value": a field with an empty name */
#define FORM_ENAME	(-22)	/* a name byte outside [a-z0-9_] */
#define FORM_ENAMELEN	(-23)	/* a name over FORM_NAME_MAX bytes */
#define FORM_EVALUELEN	(-24)	/* a decoded value over the cap */
#define FORM_EESCAPE	(-25)	/* "%" without two hex digits after it */
#define FORM_ENUL	(-26)	/* a NUL byte ("%00") in a value */
#define FORM_EUTF8	(-27)	/* a value that is not valid UTF-8 */
#define FORM_ECONTROL	(-28)	/* a C0 control other than TAB, LF, CR */

struct form_field {
	const char	*name;		/* [a-z0-9_]{1,FORM_NAME_MAX} */
	const char	*value;		/* NUL-terminated, no NUL inside */
	size_t		 value_len;	/* bytes before the NUL */
};

/*
 * A decoded body.  Fields are in body order, and a name given twice
 * (repeated checkboxes) is kept twice.  Names and values live in data,
 * which one parse sizes once and the next parse reuses; the pointers in
 * fields[] are borrowed and valid until the next form_parse(),
 * form_reset() or form_free().  After a failure nfields is 0 and err,
 * err_off and err_name say what and where (for a bad UTF-8 sequence,
 * err_off is that of its first byte).
 */
struct form {
	struct form_field fields[FORM_FIELDS_MAX];
	size_t		 nfields;
	size_t		 value_max;	/* cap of one decoded value */
	struct buf	 data;		/* storage of names and values */
	int		 err;		/* 0 or the FORM_E* code */
	size_t		 err_off;	/* body offset of the fault */
	/* The field whose value is at fault; "" if a name is at fault. */
	char		 err_name[FORM_NAME_MAX + 1];
};

/*
 * Sets up an empty form.  value_max caps the decoded length of each
 * value in bytes (after CRLF became LF); 0 means FORM_BODY_MAX, which
 * the body cap implies anyway.  value_max may be changed between parses.
 */
void	form_init(struct form *, size_t value_max);
/*
 * Empties the form, keeping its storage and value_max; the bytes of the
 * previous body are wiped first (they are an unsealed report).
 */
void	form_reset(struct form *);
/* Wipes and frees the storage; the form stays usable.  NULL is a no-op. */
void	form_free(struct form *);

/*
 * Decodes body (len bytes, not NUL-terminated, may hold any byte) into
 * out, which form_init() has set up; what out held before is dropped.
 * Pairs are split on "&" (empty ones are skipped) and at the first "=";
 * "name" alone is a field with an empty value.  A name is taken as is
 * ("+" and "%" in it are errors).  In a value, "+" is a space and "%XX"
 * (either case) the byte XX; the decoded value must be UTF-8 without
 * overlongs, surrogates or code points over U+10FFFF, and without NUL or
 * other C0 controls than TAB, LF and CR; CRLF and a lone CR become LF.
 * Returns 0, or the FORM_E* code of the first fault in body order, with
 * out emptied and its decoded bytes wiped.  Linear in len; out of
 * memory is fatal.
 */
int	form_parse(struct form *out, const char *body, size_t len);

/* The value of the first field called name, or NULL if there is none. */
const char *form_get(const struct form *, const char *name);
/*
 * The first field after prev (NULL: from the start) called name, or any
 * field if name is NULL; NULL at the end.  Walks repeated names:
 *	for (fl = NULL; (fl = form_next(f, fl, "x")) != NULL; )
 */
const struct form_field *form_next(const struct form *,
	    const struct form_field *prev, const char *name);
/* The number of fields called name, or of all fields if name is NULL. */
size_t	form_count(const struct form *, const char *name);
/*
 * A fixed English sentence for a form_parse() result, fit to show the
 * submitter: never NULL, never quoting the body.
 */
const char *form_strerror(int);

/* The value of the hexadecimal digit c, or -1. */
int	form_hexdig(int c);

#endif /* NM_FORM_H */
