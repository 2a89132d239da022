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
 * The sub-command dispatcher of nearmiss-intake and nearmiss-review:
 * finds the command, and generates the usage and help texts from the
 * command table, wrapped to 80 columns, so that every program lays them
 * out the same way.  Also nm_no_core_dumps().
 */

#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

/* Output is wrapped before this column. */
#define CMD_COLS	79
/* The indent of a usage line's continuation: "usage: " and four. */
#define CMD_CONT	11

static size_t	 token_len(const char *);
static void	 wrap_words(FILE *, const char *, size_t, size_t, size_t);
static void	 form(FILE *, const char *, const char *, const char *,
		    size_t, size_t);
static void	 help_all(const struct cmd_prog *, FILE *);
static void	 forms(FILE *, const struct cmd_prog *, const struct cmd *,
		    int *);

/*
 * The length of the word at s: up to a space outside brackets, so that
 * "[-u user]" or "[--accept KIND:TEXT ...]" stays whole.
 */
static size_t
token_len(const char *s)
{
	size_t	 n;
	int	 depth = 0;

	for (n = 0; s[n] != '\0' && s[n] != '\n'; n++) {
		if (s[n] == '[')
			depth++;
		else if (s[n] == ']' && depth > 0)
			depth--;
		else if (s[n] == ' ' && depth == 0)
			break;
	}
	return n;
}

/*
 * Writes the words of s (up to a '\n' or its end), the cursor being at
 * column col, lines broken before CMD_COLS and continued at indent.
 * Ends with a newline.
 */
static void
wrap_words(FILE *f, const char *s, size_t col, size_t indent, size_t first)
{
	size_t	 n;

	while (*s == ' ')
		s++;
	while (*s != '\0' && *s != '\n') {
		n = token_len(s);
		if (!first && col + 1 + n > CMD_COLS && col > indent) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, s);
		col += n;
		first = 0;
		s += n;
		while (*s == ' ')
			s++;
	}
	fputc('\n', f);
}

/*
 * One usage form: lead ("usage: " or blanks), "PROG NAME", then the
 * words of syn (one line of a synopsis), wrapped at indent cont.
 */
static void
form(FILE *f, const char *lead, const char *prog, const char *syn,
    size_t leadlen, size_t cont)
{
	fprintf(f, "%s%s", lead, prog);
	wrap_words(f, syn, leadlen + strlen(prog), cont, 0);
}

/* Every form of c, the first one after "usage: " unless *started. */
static void
forms(FILE *f, const struct cmd_prog *p, const struct cmd *c, int *started)
{
	const char	*s = c->synopsis != NULL ? c->synopsis : "";
	char		 head[128];

	snprintf(head, sizeof(head), "%s %s", p->name, c->name);
	for (;;) {
		form(f, *started ? "       " : "usage: ", head, s, 7,
		    CMD_CONT);
		*started = 1;
		if ((s = strchr(s, '\n')) == NULL)
			break;
		s++;
	}
}

void
cmd_usage(const struct cmd_prog *p, FILE *f)
{
	size_t	 i;
	int	 started = 0;

	for (i = 0; i < p->ncmds; i++)
		forms(f, p, &p->cmds[i], &started);
	fprintf(f, "       %s help [command]\n", p->name);
	fprintf(f, "       %s -h | --help | --version\n", p->name);
}

void
cmd_usage_of(const struct cmd_prog *p, const char *name, FILE *f)
{
	const struct cmd	*c;
	int			 started = 0;

	if ((c = cmd_find(p, name)) == NULL)
		cmd_usage(p, f);
	else
		forms(f, p, c, &started);
}

void
cmd_help(const struct cmd_prog *p, const struct cmd *c, FILE *f)
{
	int	 started = 0;

	forms(f, p, c, &started);
	if (c->desc != NULL) {
		fputc('\n', f);
		wrap_words(f, c->desc, 0, 0, 1);
	}
}

const struct cmd *
cmd_find(const struct cmd_prog *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->ncmds; i++)
		if (strcmp(p->cmds[i].name, name) == 0)
			return &p->cmds[i];
	return NULL;
}

/* The whole help: usage, summary, each command, footer. */
static void
help_all(const struct cmd_prog *p, FILE *f)
{
	const struct cmd	*c;
	const char		*s;
	char			 head[128];
	size_t			 i;

	cmd_usage(p, f);
	if (p->summary != NULL) {
		fputc('\n', f);
		wrap_words(f, p->summary, 0, 0, 1);
	}
	fprintf(f, "\nCommands:\n");
	for (i = 0; i < p->ncmds; i++) {
		c = &p->cmds[i];
		snprintf(head, sizeof(head), "  %s", c->name);
		for (s = c->synopsis != NULL ? c->synopsis : "";;) {
			form(f, "", head, s, 0, 6);
			if ((s = strchr(s, '\n')) == NULL)
				break;
			s++;
		}
		if (c->desc != NULL) {
			fprintf(f, "    ");
			wrap_words(f, c->desc, 4, 4, 1);
		}
	}
	if (p->footer != NULL) {
		fputc('\n', f);
		wrap_words(f, p->footer, 0, 0, 1);
	}
}

int
cmd_main(const struct cmd_prog *p, int argc, char *argv[])
{
	const struct cmd	*c;
	const char		*a;

	if (argc < 2) {
		cmd_usage(p, stderr);
		return 2;
	}
	a = argv[1];
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ||
	    (strcmp(a, "help") == 0 && argc == 2)) {
		help_all(p, stdout);
		return 0;
	}
	if (strcmp(a, "--version") == 0) {
		printf("%s %s\n", p->name, p->version);
		return 0;
	}
	if (strcmp(a, "help") == 0) {
		if (argc == 3 && (c = cmd_find(p, argv[2])) != NULL) {
			cmd_help(p, c, stdout);
			return 0;
		}
		if (argc == 3)
			log_warnx("%s: unknown command", argv[2]);
		else
			log_warnx("help: one command at most");
		cmd_usage(p, stderr);
		return 2;
	}
	if (a[0] == '-') {
		log_warnx("%s: unknown option", a);
		cmd_usage(p, stderr);
		return 2;
	}
	if ((c = cmd_find(p, a)) == NULL) {
		log_warnx("%s: unknown command", a);
		cmd_usage(p, stderr);
		return 2;
	}
	if (argc == 3 && (strcmp(argv[2], "-h") == 0 ||
	    strcmp(argv[2], "--help") == 0)) {
		cmd_help(p, c, stdout);
		return 0;
	}
	return c->fn(argc - 1, argv + 1);
}

void
nm_no_core_dumps(void)
{
	struct rlimit	 rl;

	rl.rlim_cur = 0;
	rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");
}
