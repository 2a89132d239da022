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
 * The sub-command dispatcher shared by nearmiss-intake and
 * nearmiss-review: one table of commands (name, function, synopsis,
 * description) from which the usage, -h/--help, "PROG help [CMD]" and
 * "PROG CMD --help" are generated.  Also the one switch that keeps
 * secrets out of core dumps.
 */

#ifndef NM_CMD_H
#define NM_CMD_H

#include <stddef.h>
#include <stdio.h>

/*
 * One sub-command.  fn gets argv starting at its own name (argv[0] is
 * "serve") and returns the exit status.  synopsis is what follows
 * "PROG NAME " in the usage: options and operands, bracket groups kept
 * whole when the line is wrapped; a '\n' separates alternative forms.
 * desc is one paragraph, wrapped for the terminal.
 */
struct cmd {
	const char	*name;
	int		(*fn)(int, char *[]);
	const char	*synopsis;
	const char	*desc;
};

/*
 * A program: its name, a paragraph on what it is (may be NULL), its
 * commands, and a closing paragraph (may be NULL), for --help.
 */
struct cmd_prog {
	const char		*name;
	const char		*version;
	const char		*summary;
	const struct cmd	*cmds;
	size_t			 ncmds;
	const char		*footer;
};

/*
 * Runs the command argv[1] names.  "-h", "--help" and "help" print the
 * whole help on standard output; "help CMD" and "CMD -h" or "CMD
 * --help" (as the only argument) print that command's; "--version"
 * prints "PROG VERSION"; all exit 0.  No command, an unknown option or
 * an unknown command print a message (for the last, "NAME: unknown
 * command") and the usage on standard error and give 2.  Otherwise
 * returns what the command's function returns.
 */
int	cmd_main(const struct cmd_prog *, int argc, char *argv[]);

/* The usage lines of every command, then "-h | --help | --version". */
void	cmd_usage(const struct cmd_prog *, FILE *);

/*
 * The usage line(s) of the command called name, or of every command
 * if no command has that name.
 */
void	cmd_usage_of(const struct cmd_prog *, const char *name, FILE *);

/* One command's usage and description. */
void	cmd_help(const struct cmd_prog *, const struct cmd *, FILE *);

/*
 * The command called name, or NULL.
 */
const struct cmd *cmd_find(const struct cmd_prog *, const char *name);

/*
 * Core dumps off (RLIMIT_CORE 0) and the process not dumpable (no
 * ptrace or /proc/PID/mem by other processes of the user).  Fatal on
 * failure: a process that would hold secrets must not go on.
 */
void	nm_no_core_dumps(void);

#endif /* NM_CMD_H */
