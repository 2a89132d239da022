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
 * Fuzz target for the e-mail parser: mail_precheck(), then, for what it
 * accepts, mail_extract() in this process (the path the sandboxed child
 * runs), whose record must decode (or which finds nothing to report);
 * and mail_quarantine(), whose record must decode too.  The taxonomy is
 * a small fixed one, so that template lines are exercised.  A
 * differential check keeps the pre-check honest: for a message it
 * accepts, the nesting libetpan itself builds (from the line ends
 * mail_eol() gives it) must not be deeper than MAIL_DEPTH_MAX.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>
#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "mime.h"
#include "mimeint.h"
#include "record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static int	depth(const struct mailmime *, int);

/* Multipart and message levels under m, as the pre-check counts them. */
static int
depth(const struct mailmime *m, int d)
{
	clistiter	*it;
	int		 best = 0, x;

	if (m == NULL || d > 4 * MAIL_DEPTH_MAX)
		return d;
	switch (m->mm_type) {
	case MAILMIME_MULTIPLE:
		for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it))
			if ((x = depth(clist_content(it), d + 1)) > best)
				best = x;
		return best > d + 1 ? best : d + 1;
	case MAILMIME_MESSAGE:
		return depth(m->mm_data.mm_message.mm_msg_mime, d + 1);
	default:
		return d;
	}
}

static const char taxonomy[] =
    "[site]\ntitle = t\nbase_url = https://x.example/\n"
    "[incident_type]\nfoot-pursuit = Foot pursuit\ntraffic-stop = Traffic "
    "stop\n[contributing_factors]\nfatigue = Fatigue\ntraining = "
    "Training\n[loss_potential]\ndeath = Death\n[agency_type]\nmunicipal = "
    "Municipal\n[region]\nnorth = North\n[time_of_day]\nnight = Night\n"
    "[lighting]\ndark = Dark\n[weather]\nrain = Rain\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	static int		 ready;
	struct buf		 enc = BUF_INIT;
	struct record		 r;
	char			 why[256];
	const char		*msg = (const char *)data;
	int			 rc;

	if (!ready) {
		if (sodium_init() == -1 || config_parse(&cfg, "fuzz",
		    taxonomy, sizeof(taxonomy) - 1) != 0)
			abort();
		ready = 1;
	}
	if (mail_precheck(msg, size, why, sizeof(why)) == 0) {
		struct mailmime	*mime = NULL;
		struct buf	 eol = BUF_INIT;
		size_t		 idx = 0;

		/* What mail_extract() hands libetpan. */
		if (mail_eol(&eol, msg, size))
			mail_header_reduce(&enc, eol.data, eol.len);
		else
			mail_header_reduce(&enc, msg, size);
		buf_free(&eol);
		if (mailmime_parse(enc.data, enc.len, &idx, &mime) ==
		    MAILIMF_NO_ERROR && mime != NULL) {
			if (mime->mm_type == MAILMIME_MESSAGE && depth(
			    mime->mm_data.mm_message.mm_msg_mime, 0) >
			    MAIL_DEPTH_MAX)
				abort();
			mailmime_free(mime);
		}
		buf_reset(&enc);
		rc = mail_extract(&enc, msg, size, &cfg, why, sizeof(why));
		if (rc == 0) {
			if (record_decode(&r, "fuzz", enc.data, enc.len) != 0)
				abort();
			record_free(&r);
		} else if (rc == MAIL_EREJECT) {
			if (why[0] == '\0' || strchr(why, '\n') != NULL)
				abort();
		} else if (rc == MAIL_EEMPTY) {
			/* Nothing to report: nothing encoded. */
			if (enc.len != 0)
				abort();
		} else if (rc != -1)
			abort();
	} else if (why[0] == '\0' || strchr(why, '\n') != NULL)
		abort();
	buf_reset(&enc);
	if (size <= MAIL_MAX) {
		if (mail_quarantine(&enc, msg, size) != 0 ||
		    record_decode(&r, "fuzz", enc.data, enc.len) != 0)
			abort();
		record_free(&r);
	}
	buf_free(&enc);
	return 0;
}
