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
 * nearmiss-intake purge: retention.  --days N deletes the inbox items
 * received at least N days ago (their mtime is the midnight UTC of that
 * day); --decided FILE deletes the items FILE names, one id a line, as
 * "nearmiss-review decided" writes them on a reviewer's machine.  FILE
 * comes from elsewhere: every line must be an item id, or nothing is
 * deleted, and only regular files of INBOX/new are ever unlinked.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "inbox.h"
#include "intake.h"
#include "log.h"
#include "nm.h"

#define DECIDED_MAX	(8 * 1024 * 1024)	/* FILE: 250,000 ids */

static int	decided_check(const char *, const struct buf *, size_t *);
static int	purge_decided(const char *, const char *);

/*
 * 0 if every line of FILE's text b is an item id (INBOX_NAME_LEN
 * lowercase hex digits, then LF; the last LF may be missing), and sets
 * *n to their count; else -1, logged with the first bad line.
 */
static int
decided_check(const char *path, const struct buf *b, size_t *n)
{
	const char	*p = b->data, *end = b->data + b->len, *nl;
	unsigned long	 line = 0;
	size_t		 len;

	*n = 0;
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len != INBOX_NAME_LEN ||
		    strspn(p, "0123456789abcdef") < INBOX_NAME_LEN) {
			log_at(path, line, "not an item id (%d lowercase "
			    "hexadecimal digits on a line of their own); "
			    "nothing deleted", INBOX_NAME_LEN);
			return -1;
		}
		(*n)++;
		p = nl + 1;
	}
	return 0;
}

/*
 * Deletes the items of dir/new named in the file at path, each only if
 * it is a regular file there; an id that is not there is reported, and
 * the others are still deleted.  new/ is synced if anything went.  0 or
 * -1 (logged).
 */
static int
purge_decided(const char *dir, const char *path)
{
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	char		 newdir[PATH_MAX], id[INBOX_NAME_LEN + 1];
	const char	*p;
	size_t		 n, i, removed = 0, missing = 0, other = 0;
	int		 fd = -1, e, rc = -1;

	if ((e = file_read(&b, path, DECIDED_MAX)) != 0) {
		if (e == NM_ENOTFOUND)
			log_warnx("%s: not found", path);
		goto out;
	}
	if (decided_check(path, &b, &n) != 0)
		goto out;
	if (file_path(newdir, sizeof(newdir), "%s/new", dir) != 0)
		goto out;
	if ((fd = open(newdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		log_warn("%s", newdir);
		goto out;
	}
	for (i = 0, p = b.data; i < n; i++, p += INBOX_NAME_LEN + 1) {
		memcpy(id, p, INBOX_NAME_LEN);
		id[INBOX_NAME_LEN] = '\0';
		if (fstatat(fd, id, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT) {
				log_warn("%s/%s", newdir, id);
				goto out;
			}
			log_warnx("%s: not in %s (deleted already?)", id,
			    newdir);
			missing++;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			log_warnx("%s/%s: not a regular file; left alone",
			    newdir, id);
			other++;
			continue;
		}
		if (unlinkat(fd, id, 0) == -1) {
			if (errno == ENOENT) {
				log_warnx("%s: not in %s (deleted already?)",
				    id, newdir);
				missing++;
				continue;
			}
			log_warn("unlink %s/%s", newdir, id);
			goto out;
		}
		removed++;
	}
	rc = 0;
out:
	/* What was deleted must be durable, also after a failure. */
	if (removed > 0 && fsync(fd) == -1) {
		log_warn("fsync %s", newdir);
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	if (rc == 0)
		log_info("%s: %zu decided item%s removed, %zu not found%s",
		    dir, removed, removed == 1 ? "" : "s", missing,
		    other > 0 ? ", some not regular files" : "");
	buf_free(&b);
	return rc;
}

int
cmd_purge(int argc, char *argv[])
{
	enum { OPT_DECIDED = 256 };
	static const struct option longopts[] = {
		{ "inbox", required_argument, NULL, 'i' },
		{ "days", required_argument, NULL, 'd' },
		{ "decided", required_argument, NULL, OPT_DECIDED },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dir = NULL, *decided = NULL;
	char		*end;
	long		 days = -1;
	size_t		 removed = 0;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "i:d:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			dir = optarg;
			break;
		case 'd':
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 0 ||
			    days > 36500) {
				log_warnx("--days: expected a number of days "
				    "from 0 to 36500");
				return 2;
			}
			break;
		case OPT_DECIDED:
			if (*optarg == '\0') {
				intake_usage_of("purge");
				return 2;
			}
			decided = optarg;
			break;
		default:
			intake_usage_of("purge");
			return 2;
		}
	}
	if (dir == NULL || (days < 0 && decided == NULL) || optind != argc) {
		intake_usage_of("purge");
		return 2;
	}
	if (decided != NULL && purge_decided(dir, decided) != 0)
		return 1;
	if (days < 0)
		return 0;
	if (inbox_purge(dir, (int)days, time(NULL), &removed) != 0)
		return 1;
	log_info("%s: %zu item%s removed", dir, removed,
	    removed == 1 ? "" : "s");
	return 0;
}
