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
 * The payload record: what one submission is reduced to before it is
 * sealed into the inbox (see nearmiss-inbox(5)).  Intake fills a struct
 * record and encodes it; review decodes the plaintext of an item, which
 * it must treat as hostile (a compromised intake host can write anything).
 *
 * Encoding: one version byte (RECORD_VERSION), then fields in strictly
 * ascending tag order, each a tag byte, a 4-byte big-endian length and
 * that many bytes.  Every text is UTF-8 without NUL bytes (newlines,
 * quotes and the rest are kept as they are).  There are no defaults: the
 * required fields are always present, an optional one is present exactly
 * when it was filled.  The one exception to "ascending" is the attachment
 * tag, which repeats, once per attachment, in the record's order; its
 * value is name-len (2 bytes, big-endian), name, type-len (1 byte), type
 * and the attachment's bytes (anything; only names and types are text).
 */

#ifndef NM_RECORD_H
#define NM_RECORD_H

#include <stddef.h>
#include <time.h>

struct buf;

#define RECORD_VERSION		1
#define RECORD_MAX		(11 * 1024 * 1024)	/* whole encoding */
#define RECORD_TEXT_MAX		(64 * 1024)	/* the narrative */
#define RECORD_LESSONS_MAX	(16 * 1024)
#define RECORD_SIGNATURE_MAX	(8 * 1024)
#define RECORD_ATTACH_COUNT	32
#define RECORD_ATTACH_MAX	(5 * 1024 * 1024)	/* one attachment */
/* All attachments; also the one attachment of a quarantined record. */
#define RECORD_ATTACH_TOTAL	(10 * 1024 * 1024)
#define RECORD_ATTACH_NAME_MAX	255
#define RECORD_ATTACH_TYPE_MAX	127
#define RECORD_CONTACT_MAX	2048
/*
 * Characters (code points), not bytes: the "max" of the title and
 * summary in lib/field.c's table, for intake's messages and caps.  The
 * bytes of a field's value are capped at record_key_max().
 */
#define RECORD_TITLE_MAX	200
#define RECORD_SUMMARY_MAX	1024
#define RECORD_RECEIPT_BYTES	32		/* SHA-256 */
#define RECORD_DAY_LEN		10		/* YYYY-MM-DD */

/* The report fields a submitter may fill: a closed list. */
enum record_key {
	RECORD_TITLE,
	RECORD_EVENT_DATE,
	RECORD_INCIDENT_TYPE,
	RECORD_CONTRIBUTING_FACTORS,
	RECORD_LOSS_POTENTIAL,
	RECORD_OFFICERS_ON_SCENE,
	RECORD_TIME_OF_DAY,
	RECORD_LIGHTING,
	RECORD_WEATHER,
	RECORD_AGENCY_TYPE,
	RECORD_REGION,
	RECORD_SUMMARY,
	RECORD_KEY_MAX
};

enum record_channel {
	RECORD_FORM,
	RECORD_EMAIL,
	RECORD_CHANNEL_MAX
};

/*
 * A file the submitter sent with an e-mail.  Reviewers see it listed;
 * nothing publishes it automatically.
 */
struct record_attachment {
	/* The file name the sender gave, UTF-8, 0 to 255 bytes, may be "";
	 * never a path to trust. */
	const char		*name;
	/* "type/subtype", lowercase token characters, 3 to 127 bytes. */
	const char		*type;
	const unsigned char	*data;
	size_t			 len;	/* 0 to RECORD_ATTACH_MAX */
};

struct record {
	/*
	 * Filled fields, each passing field_check() without a taxonomy
	 * (terms as slugs only); NULL if not filled.
	 */
	const char		*field[RECORD_KEY_MAX];
	/* The free text, 0 to RECORD_TEXT_MAX bytes; never NULL. */
	const char		*narrative;
	/* Contact details the submitter volunteered; NULL if none. */
	const char		*contact;
	/* The "Lessons learned" text; NULL if none. */
	const char		*lessons;
	/*
	 * Signature blocks cut from the narrative ("-- " blocks, "Sent
	 * from my ..." lines), for the reviewer; NULL if none.
	 */
	const char		*signature;
	/*
	 * 1: the e-mail could not be parsed safely, and the only attachment
	 * is "message.eml" (message/rfc822, up to RECORD_ATTACH_TOTAL
	 * bytes): the raw message with its top-level header reduced to an
	 * allowlist.  E-mail only.
	 */
	int			 quarantined;
	/* nattach (0 to RECORD_ATTACH_COUNT) entries, NULL if none; e-mail
	 * only; at most RECORD_ATTACH_TOTAL bytes of data in all. */
	const struct record_attachment *attach;
	size_t			 nattach;
	int			 consent;	/* to publication: 0 or 1 */
	enum record_channel	 channel;
	char			 received[RECORD_DAY_LEN + 1];	/* YYYY-MM-DD */
	/* SHA-256 of the receipt code (never the code itself). */
	unsigned char		 receipt[RECORD_RECEIPT_BYTES];
	/* Guarded storage of a decoded record; NULL for a caller's own. */
	void			*mem;
};

/*
 * Checks r (same rules as record_decode(); the report fields as
 * field_check() without a taxonomy) and appends its encoding to
 * out.  The strings of r are borrowed.  out is grown once, to the exact
 * size, so no reallocation leaves copies of the text behind; the caller
 * should sodium_memzero() out->data before buf_free().  Returns 0, or -1
 * (logged, without any of the content) if a field breaks a rule.
 */
int		 record_encode(struct buf *out, const struct record *r);
/*
 * Decodes and checks len bytes of data, which may be anything: every
 * length is capped, unknown or repeated tags, fields out of order,
 * missing required fields, bad UTF-8 and trailing bytes are errors.
 * name (the item's, for messages) may be NULL.  On success out's strings
 * point into one sodium_malloc()ed block; release it with record_free().
 * On failure out is left empty (record_free() is still safe).  Returns 0
 * or -1 (logged as "item NAME: record: what").
 */
int		 record_decode(struct record *out, const char *name,
		    const void *data, size_t len);
/*
 * Wipes and frees what record_decode() allocated and clears r.  The
 * strings of a record filled by the caller are not freed.
 */
void		 record_free(struct record *r);
/*
 * The next four read lib/field.c's table (field_get()), for callers
 * that predate it.
 */
/* The key's name ("title", ...), or NULL if k is out of range. */
const char	*record_key_name(enum record_key k);
/*
 * The taxonomy (an enum tax_id of config.h) that key k's value must be
 * a term of, or -1 if the value is free text or k is out of range.
 */
int		 record_key_tax(enum record_key k);
/* The key called name, or -1 if there is none. */
int		 record_key_lookup(const char *name);
/*
 * The longest value of key k in bytes, FIELD_BYTES() of its maximum in
 * characters (a 200-character title may take 800 bytes), or 0 if k is
 * out of range.  field_check() then counts the characters.
 */
size_t		 record_key_max(enum record_key k);
/* Writes the UTC day of t as YYYY-MM-DD.  Returns 0, or -1 (logged). */
int		 record_day(char out[RECORD_DAY_LEN + 1], time_t t);

#endif /* NM_RECORD_H */
