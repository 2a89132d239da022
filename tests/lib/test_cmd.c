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
 * lib/cmd.c: the dispatcher hands a command the argv that starts at
 * its own name; help, "help CMD", "CMD --help" and --version are
 * answered from the table; unknown commands and options give 2; the
 * generated usage keeps bracket groups whole and lines within 79
 * columns.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "harness.h"
#include "log.h"

static int	 got_argc;
static char	*got_argv0, *got_argv1;

static int
run_a(int argc, char *argv[])
{
	got_argc = argc;
	got_argv0 = argv[0];
	got_argv1 = argc > 1 ? argv[1] : NULL;
	return 7;
}

static const struct cmd cmds[] = {
	{ "alpha", run_a,
	    "[-c CONFIG] [-l ADDR:PORT] -i INBOX -k RECIPIENTS -t TAXONOMY "
	    "[-u USER] [-o ORIGIN] [--rate N] [--rate-window SECONDS] "
	    "[--accept KIND:TEXT ...] FILE ...",
	    "Does the first thing, which takes a long paragraph to say, so "
	    "that it must be wrapped at the width of a terminal, at words." },
	{ "beta", run_a, "ID\n-a ID", "Two forms." },
};

static const struct cmd_prog prog = {
	"prog", "1.2.3", "A test program.", cmds, 2, "See prog(1).",
};

/* The text f got, as a string the caller frees. */
static char *
text_of(void (*fn)(FILE *))
{
	char	*p = NULL;
	size_t	 n = 0;
	FILE	*f;

	if ((f = open_memstream(&p, &n)) == NULL)
		abort();
	fn(f);
	fclose(f);
	return p;
}

static void
usage_all(FILE *f)
{
	cmd_usage(&prog, f);
}

static void
help_alpha(FILE *f)
{
	cmd_help(&prog, &cmds[0], f);
}

static void
usage_beta(FILE *f)
{
	cmd_usage_of(&prog, "beta", f);
}

/* Every line of s is at most 79 columns. */
static int
narrow(const char *s)
{
	const char	*nl;

	for (; *s != '\0'; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			return strlen(s) <= 79;
		if (nl - s > 79)
			return 0;
	}
	return 1;
}

static void
test_layout(void)
{
	char	*s;

	s = text_of(usage_all);
	OK(strncmp(s, "usage: prog alpha [-c CONFIG] ", 30) == 0);
	OK(narrow(s));
	/* Bracket groups stay whole across the wrap. */
	OK(strstr(s, "[--accept KIND:TEXT ...]") != NULL);
	OK(strstr(s, "\n           ") != NULL);
	OK(strstr(s, "\n       prog beta ID\n       prog beta -a ID\n") !=
	    NULL);
	OK(strstr(s, "       prog help [command]\n") != NULL);
	OK(strstr(s, "       prog -h | --help | --version\n") != NULL);
	free(s);
	s = text_of(help_alpha);
	OK(strncmp(s, "usage: prog alpha ", 18) == 0);
	OK(narrow(s));
	OK(strstr(s, "\n\nDoes the first thing") != NULL);
	OK(strstr(s, "terminal, at\nwords.") != NULL ||
	    strstr(s, "at words.\n") != NULL);
	free(s);
	s = text_of(usage_beta);
	STR_EQ(s, "usage: prog beta ID\n       prog beta -a ID\n");
	free(s);
}

static int
main_of(int argc, const char *a1, const char *a2, const char *a3)
{
	char	*argv[5];

	argv[0] = (char *)"prog";
	argv[1] = (char *)a1;
	argv[2] = (char *)a2;
	argv[3] = (char *)a3;
	argv[4] = NULL;
	return cmd_main(&prog, argc, argv);
}

static void
test_dispatch(void)
{
	const char	*err;

	got_argc = 0;
	INT_EQ(main_of(3, "alpha", "-x", NULL), 7);
	INT_EQ(got_argc, 2);
	STR_EQ(got_argv0, "alpha");
	STR_EQ(got_argv1, "-x");
	/* --help after other arguments is the command's own business. */
	got_argc = 0;
	INT_EQ(main_of(4, "beta", "-a", "--help"), 7);
	INT_EQ(got_argc, 3);
	cap_start();
	INT_EQ(main_of(2, "gamma", NULL, NULL), 2);
	err = cap_end();
	OK(strstr(err, "gamma: unknown command") != NULL);
	OK(strstr(err, "usage: prog alpha") != NULL);
	cap_start();
	INT_EQ(main_of(2, "--frob", NULL, NULL), 2);
	err = cap_end();
	OK(strstr(err, "--frob: unknown option") != NULL);
	cap_start();
	INT_EQ(main_of(1, NULL, NULL, NULL), 2);
	err = cap_end();
	OK(strstr(err, "usage: prog") != NULL);
	cap_start();
	INT_EQ(main_of(3, "help", "gamma", NULL), 2);
	err = cap_end();
	OK(strstr(err, "gamma: unknown command") != NULL);
	cap_start();
	INT_EQ(main_of(4, "help", "alpha", "beta"), 2);
	err = cap_end();
	OK(strstr(err, "help: one command at most") != NULL);
	/* These print on standard output and run no command. */
	got_argc = 0;
	fflush(stdout);
	INT_EQ(main_of(3, "alpha", "--help", NULL), 0);
	INT_EQ(main_of(3, "help", "beta", NULL), 0);
	INT_EQ(main_of(2, "help", NULL, NULL), 0);
	INT_EQ(main_of(2, "-h", NULL, NULL), 0);
	INT_EQ(main_of(2, "--version", NULL, NULL), 0);
	INT_EQ(got_argc, 0);
}

int
main(void)
{
	int	 saved, null;

	log_init("test_cmd", LOG_TO_STDERR);
	test_layout();
	/* The help goes to standard output: keep the result line alone. */
	fflush(stdout);
	if ((saved = dup(1)) == -1 ||
	    (null = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(null, 1) == -1)
		return 1;
	test_dispatch();
	fflush(stdout);
	if (dup2(saved, 1) == -1)
		return 1;
	close(saved);
	close(null);
	return DONE("test_cmd");
}
