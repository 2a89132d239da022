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
 * nearmiss-review show ID: the whole decrypted record of one item, with
 * the parts that identify the sender (contact details, signature blocks)
 * set apart and marked never to be published, and its attachments
 * listed; --json for scripts; --attachments DIR writes the attachments
 * under names we make (never the sender's), mode 0600, never over a
 * file.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "approval.h"
#include "file.h"
#include "inbox.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "queue.h"
#include "record.h"
#include "review.h"
#include "rv.h"

#define BAR	"========================================" \
		"========================================"

/* A type we know, and the extension its file gets. */
struct ext {
	const char	*type;
	const char	*ext;
};

static void	 show_usage(FILE *);
static const char *ext_of(const char *);
static void	 att_name(char *, size_t, const char *, size_t,
		    const struct record_attachment *);
static int	 save_attachments(const char *, const char *,
		    const struct record *);
static void	 section(const char *);
static void	 show_text(const char *, const struct record *,
		    const struct queue_item *, const struct queue *, long);
static void	 show_json(const char *, const struct record *,
		    const struct queue_item *, long);

/*
 * Only these keep a meaningful extension.  HTML becomes .txt, so that
 * opening it runs nothing; anything unknown is .bin.
 */
static const struct ext exts[] = {
	{ "application/msword", "doc" },
	{ "application/pdf", "pdf" },
	{ "application/vnd.oasis.opendocument.text", "odt" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    "xlsx" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", "docx" },
	{ "application/zip", "zip" },
	{ "audio/mp4", "m4a" },
	{ "audio/mpeg", "mp3" },
	{ "audio/wav", "wav" },
	{ "image/gif", "gif" },
	{ "image/heic", "heic" },
	{ "image/jpeg", "jpg" },
	{ "image/png", "png" },
	{ "image/webp", "webp" },
	{ "message/rfc822", "eml" },
	{ "text/csv", "csv" },
	{ "text/html", "txt" },
	{ "text/plain", "txt" },
	{ "video/mp4", "mp4" },
	{ "video/quicktime", "mov" },
};

static void
show_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review show [-K keyfile] -i inbox "
	    "[-r repo] [-p path] [--json]\n"
	    "                            [--attachments dir] id\n");
}

static const char *
ext_of(const char *type)
{
	size_t	 i;

	for (i = 0; i < NM_NELEM(exts); i++)
		if (strcmp(type, exts[i].type) == 0)
			return exts[i].ext;
	return "bin";
}

/* The file name attachment i (from 0) of item id gets: ID-NN.EXT. */
static void
att_name(char *out, size_t outsz, const char *id, size_t i,
    const struct record_attachment *a)
{
	snprintf(out, outsz, "%s-%02zu.%s", id, i + 1, ext_of(a->type));
}

/*
 * Writes the attachments of r into dir (made, mode 0700, if missing; a
 * symbolic link is refused).  Every name is checked first: nothing is
 * written if one exists.  0 or -1 (logged).
 */
static int
save_attachments(const char *dir, const char *id, const struct record *r)
{
	struct stat	 st;
	char		 name[INBOX_NAME_LEN + 16];
	size_t		 i;
	int		 dfd = -1, fd = -1, rc = -1;

	if (lstat(dir, &st) == -1) {
		if (errno != ENOENT || mkdir(dir, 0700) == -1) {
			log_warn("%s", dir);
			return -1;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: not a folder", dir);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	for (i = 0; i < r->nattach; i++) {
		att_name(name, sizeof(name), id, i, &r->attach[i]);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			log_warnx("%s/%s: already exists; not overwriting it "
			    "(nothing written)", dir, name);
			goto out;
		}
	}
	for (i = 0; i < r->nattach; i++) {
		att_name(name, sizeof(name), id, i, &r->attach[i]);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1) {
			log_warn("%s/%s", dir, name);
			goto out;
		}
		if (fchmod(fd, 0600) == -1 || file_write_all(fd,
		    r->attach[i].data, r->attach[i].len) == -1 ||
		    fsync(fd) == -1) {
			log_warn("%s/%s", dir, name);
			goto out;
		}
		if (close(fd) == -1) {
			fd = -1;
			log_warn("%s/%s", dir, name);
			goto out;
		}
		fd = -1;
		/* stderr: stdout may be JSON. */
		log_info("wrote %s/%s (%zu bytes, %s)", dir, name,
		    r->attach[i].len, r->attach[i].type);
	}
	if (r->nattach > 0 && fsync(dfd) == -1) {
		log_warn("fsync %s", dir);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	close(dfd);
	return rc;
}

static void
section(const char *title)
{
	size_t	 n = strlen(title);

	printf("\n-- %s %.*s\n", title, n < 72 ? (int)(74 - n) : 3, BAR);
}

static void
show_text(const char *id, const struct record *r,
    const struct queue_item *qi, const struct queue *q, long age)
{
	char		 hex[RECORD_RECEIPT_BYTES * 2 + 1];
	size_t		 i;
	unsigned long	 rev;
	int		 k, differs;

	printf("Item:       %s\n", id);
	printf("Received:   ");
	rv_puttext(stdout, r->received, 1);
	printf(" (%ld day%s ago)%s\n", age, age == 1 ? "" : "s",
	    age >= RV_TARGET_DAYS && !queue_decided(qi->state) ?
	    "  ** at or past the 10-day target **" : "");
	printf("Channel:    %s\n", r->channel == RECORD_EMAIL ? "e-mail" :
	    "web form");
	printf("State:      %s", queue_state_name(qi->state));
	if (qi->report[0] != '\0')
		printf(" (report %s, %zu of %d approvals)", qi->report,
		    qi->approvals, q->min_approvals);
	if (qi->state == Q_REJECTED && qi->reason != NULL) {
		fputs(" (reason: ", stdout);
		rv_puttext(stdout, qi->reason, 1);
		putchar(')');
	}
	putchar('\n');
	switch (review_published(&rev, &differs, q, qi)) {
	case PICK_PUBLISH:
		printf("Site:       revision %lu published%s\n", rev, differs ?
		    "; the work tree differs (published once approved)" :
		    "");
		break;
	case PICK_WITHDRAWN:
		printf("Site:       withdrawn (revision %lu)\n", rev);
		break;
	default:
		break;
	}
	if (qi->mine == Q_MINE_VALID)
		printf("Yours:      approved by you; your approval counts\n");
	else if (qi->mine == Q_MINE_VOID)
		printf("Yours:      your approval no longer counts: the report "
		    "was edited after it\n");
	printf("Consent:    %s\n", r->consent ? "yes, to publication after "
	    "de-identification" : "NO consent to publication");
	sodium_bin2hex(hex, sizeof(hex), r->receipt, sizeof(r->receipt));
	printf("Receipt:    sha256 %s\n", hex);
	if (r->quarantined)
		printf("\n** QUARANTINED: this e-mail could not be parsed "
		    "safely.  Its raw text, with\n** the identifying header "
		    "lines removed, is the attachment message.eml.\n");

	section("Fields");
	for (k = 0; k < RECORD_KEY_MAX; k++) {
		if (r->field[k] == NULL)
			continue;
		printf("%-21s ", record_key_name(k));
		rv_puttext(stdout, r->field[k], 1);
		putchar('\n');
	}
	section("Narrative");
	rv_puttext(stdout, r->narrative, 0);
	putchar('\n');
	if (r->lessons != NULL) {
		section("Lessons learned");
		rv_puttext(stdout, r->lessons, 0);
		putchar('\n');
	}
	if (r->signature != NULL) {
		section("Signature block (cut from the narrative; identifies "
		    "the sender; NEVER PUBLISH)");
		rv_puttext(stdout, r->signature, 0);
		putchar('\n');
	}
	if (r->contact != NULL) {
		printf("\n%s\n"
		    "!! CONTACT DETAILS -- for the reviewers only; NEVER TO "
		    "BE PUBLISHED\n%s\n", BAR, BAR);
		rv_puttext(stdout, r->contact, 0);
		printf("\n%s\n!! END OF CONTACT DETAILS\n%s\n", BAR, BAR);
	}
	if (r->nattach > 0) {
		section("Attachments");
		for (i = 0; i < r->nattach; i++) {
			printf("%2zu. %-10zu %-24s ", i + 1,
			    r->attach[i].len, r->attach[i].type);
			putchar('"');
			rv_puttext(stdout, r->attach[i].name, 1);
			puts("\"");
		}
		printf("Attachments can carry metadata that identifies "
		    "people and places (author\nnames, GPS positions, "
		    "camera serial numbers, e-mail headers): never publish\n"
		    "one as it is.  --attachments DIR writes them under "
		    "names made here.\n");
	}
}

static void
show_json(const char *id, const struct record *r,
    const struct queue_item *qi, long age)
{
	char	 hex[RECORD_RECEIPT_BYTES * 2 + 1];
	size_t	 i;
	int	 k, first = 1;

	sodium_bin2hex(hex, sizeof(hex), r->receipt, sizeof(r->receipt));
	printf("{\"id\":\"%s\",\"received\":", id);
	rv_json(stdout, r->received);
	printf(",\"age_days\":%ld,\"channel\":\"%s\",\"state\":\"%s\","
	    "\"report\":", age, r->channel == RECORD_EMAIL ? "email" : "form",
	    queue_state_name(qi->state));
	rv_json(stdout, qi->report[0] != '\0' ? qi->report : NULL);
	printf(",\"approvals\":%zu,\"reason\":", qi->approvals);
	rv_json(stdout, qi->reason);
	printf(",\"consent\":%s,\"quarantined\":%s,\"receipt_sha256\":\"%s\","
	    "\"fields\":{", r->consent ? "true" : "false",
	    r->quarantined ? "true" : "false", hex);
	for (k = 0; k < RECORD_KEY_MAX; k++) {
		if (r->field[k] == NULL)
			continue;
		printf("%s\"%s\":", first ? "" : ",", record_key_name(k));
		rv_json(stdout, r->field[k]);
		first = 0;
	}
	fputs("},\"narrative\":", stdout);
	rv_json(stdout, r->narrative);
	fputs(",\"lessons\":", stdout);
	rv_json(stdout, r->lessons);
	fputs(",\"never_publish\":{\"signature\":", stdout);
	rv_json(stdout, r->signature);
	fputs(",\"contact\":", stdout);
	rv_json(stdout, r->contact);
	fputs("},\"attachments\":[", stdout);
	for (i = 0; i < r->nattach; i++) {
		printf("%s{\"index\":%zu,\"name\":", i > 0 ? "," : "", i + 1);
		rv_json(stdout, r->attach[i].name);
		fputs(",\"type\":", stdout);
		rv_json(stdout, r->attach[i].type);
		printf(",\"size\":%zu}", r->attach[i].len);
	}
	fputs("]}\n", stdout);
}

int
review_show(int argc, char *argv[])
{
	enum { OPT_JSON = 256, OPT_ATTACH };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "attachments", required_argument, NULL, OPT_ATTACH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct queue	 q;
	struct queue_item qi;
	struct record	 r;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	const char	*attdir = NULL, *id;
	long		 age;
	int		 ch, rc = 2, json = 0;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_ATTACH:
			attdir = optarg;
			break;
		case 'h':
			show_usage(stdout);
			rc = 0;
			goto out;
		default:
			show_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || a.inbox == NULL ||
	    (attdir != NULL && *attdir == '\0')) {
		show_usage(stderr);
		goto out;
	}
	id = argv[optind];
	if (rv_id_arg(id) != 0)
		goto out;
	rc = 1;
	if (rv_start(&kp, &r, &q, &a, id, a.repo_given) != 0)
		goto out;
	queue_me(&q, kp->name, kp->sign_pk);
	queue_state(&qi, &q, &r);
	age = rv_age(r.received, time(NULL));
	if (json)
		show_json(id, &r, &qi, age);
	else
		show_text(id, &r, &qi, &q, age);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		goto out;
	}
	if (attdir != NULL) {
		if (r.nattach == 0)
			log_info("item %s has no attachments", id);
		else if (save_attachments(attdir, id, &r) != 0)
			goto out;
	}
	rc = 0;
out:
	queue_close(&q);
	record_free(&r);
	keypair_free(kp);
	return rc;
}
