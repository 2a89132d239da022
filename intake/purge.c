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
 * nearmiss-intake purge: retention.  Deletes the inbox items received
 * at least N days ago (their mtime is the midnight UTC of that day).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inbox.h"
#include "intake.h"
#include "log.h"

int
cmd_purge(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "inbox", required_argument, NULL, 'i' },
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dir = NULL;
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
		default:
			intake_usage_of("purge");
			return 2;
		}
	}
	if (dir == NULL || days < 0 || optind != argc) {
		intake_usage_of("purge");
		return 2;
	}
	if (inbox_purge(dir, (int)days, time(NULL), &removed) != 0)
		return 1;
	log_info("%s: %zu item%s removed", dir, removed,
	    removed == 1 ? "" : "s");
	return 0;
}
