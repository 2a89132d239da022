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
 * The standalone fuzz driver: feeds every file of the directories (or the
 * files) named on the command line to LLVMFuzzerTestOneInput(), so that
 * `make check` replays the seed corpora with any compiler.  A file passes
 * when the target returns (a crash or a sanitizer report ends the run).
 * libFuzzer builds do not link this file: libFuzzer has its own main().
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	run_file(const char *, int *, int *);
static int	run_dir(const char *, int *, int *);

/*
 * Reads path into a buffer of exactly its size (so that the sanitizers
 * catch a read past the end) and runs the target on it.
 */
static int
run_file(const char *path, int *pass, int *fail)
{
	FILE		*f;
	struct stat	 st;
	uint8_t		*data = NULL;
	size_t		 size;
	int		 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", path);
		goto out;
	}
	size = (size_t)st.st_size;
	if ((data = malloc(size ? size : 1)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
		goto out;
	}
	if (fread(data, 1, size, f) != size) {
		fprintf(stderr, "%s: short read\n", path);
		goto out;
	}
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
out:
	if (rc == 0)
		(*pass)++;
	else
		(*fail)++;
	free(data);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int
run_dir(const char *dir, int *pass, int *fail)
{
	struct dirent	**names;
	char		 path[PATH_MAX];
	int		 i, n, w;

	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		(*fail)++;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			w = snprintf(path, sizeof(path), "%s/%s", dir,
			    names[i]->d_name);
			if (w < 0 || (size_t)w >= sizeof(path)) {
				fprintf(stderr, "%s/%s: path too long\n", dir,
				    names[i]->d_name);
				(*fail)++;
			} else
				run_file(path, pass, fail);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	const char	*name;
	int		 i, pass = 0, fail = 0;

	name = strrchr(argv[0], '/');
	name = name != NULL ? name + 1 : argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: %s dir|file ...\n", name);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			fail++;
		} else if (S_ISDIR(st.st_mode))
			run_dir(argv[i], &pass, &fail);
		else
			run_file(argv[i], &pass, &fail);
	}
	/* An empty corpus is a mistake, not a success. */
	if (pass + fail == 0) {
		fprintf(stderr, "%s: no input files\n", name);
		fail++;
	}
	fflush(stderr);
	printf("%s: %d passed, %d failed\n", name, pass, fail);
	return fail ? 1 : 0;
}
