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
 * nearmiss-intake's sub-commands.  Each lives in its own file and gets
 * the arguments after its name; it returns the process exit status.
 */

#ifndef NM_INTAKE_H
#define NM_INTAKE_H

#include <stddef.h>

struct conf;

/* intake/purge.c: nearmiss-intake purge -i INBOX [--days N] [--decided FILE] */
int	cmd_purge(int argc, char *argv[]);

/*
 * intake/ssh.c: nearmiss-intake ssh -i INBOX [-n] [--log-stderr]
 * [--rsync PATH], the forced command of the reviewers' ssh keys: runs
 * SSH_ORIGINAL_COMMAND if it is the rsync server that fetch asks for
 * (INBOX/new, read-only) or "purge --decided -"; refuses (exit 1,
 * logged) anything else.  -n prints what would run instead.
 */
int	cmd_ssh(int argc, char *argv[]);

/*
 * intake/serve.c: nearmiss-intake serve [-c CONFIG] [-l ADDR:PORT]
 * -i INBOX -k RECIPIENTS -t TAXONOMY [-u USER] [-o ORIGIN] ...
 */
int	cmd_serve(int argc, char *argv[]);

/*
 * intake/mail.c: one e-mail into the inbox, shared by mail, maildir and
 * imap.  A struct mail_ctx holds what every delivery needs: the open
 * inbox, the recipients, the taxonomy and the auto-reply settings.
 */
struct mail_ctx;

/*
 * Reads the configuration (what conf_read() kept of [intake] and [mail]
 * and the options: inbox, recipients, taxonomy, reply, sendmail,
 * reply_from), loads the recipients and the taxonomy and opens the
 * inbox.  Caller frees *out with mail_ctx_close().  Returns 0 or -1
 * (logged).
 */
int	mail_ctx_open(struct mail_ctx **out, const struct conf *);
/* NULL is a no-op. */
void	mail_ctx_close(struct mail_ctx *);
/*
 * One message (len bytes, untrusted): mail_parse() (the pre-check, then
 * the sandboxed parse) or, if the parser child failed, the quarantine
 * record (so 0, not a rejection, for a message that kills libetpan), a new
 * receipt code, inbox_put(), then the optional auto-reply.  Returns 0
 * (stored durably; name set to the item's name), 65 (rejected for good;
 * why set to a one-line reason fit for a bounce), 75 (temporary
 * failure, nothing stored; why set).  Nothing about the message or its
 * sender is logged.
 */
int	mail_deliver(struct mail_ctx *, const char *msg, size_t len,
	    char name[33], char *why, size_t whysz);

/*
 * intake/mail.c: nearmiss-intake mail [-c CONFIG] [-i INBOX]
 * [-k RECIPIENTS] [-t TAXONOMY]: one message on standard input; exits
 * 0, 65 (EX_DATAERR) or 75 (EX_TEMPFAIL) as an MTA expects.
 */
int	cmd_mail(int argc, char *argv[]);
/*
 * intake/mail.c: nearmiss-intake maildir [options] DIR: drains
 * DIR/new and DIR/cur.
 */
int	cmd_maildir(int argc, char *argv[]);
/* intake/imap.c: nearmiss-intake imap [options] [--watch] */
int	cmd_imap(int argc, char *argv[]);

/* intake/reply.c: the optional automatic reply with the receipt code. */
#define REPLY_ADDR_MAX	254	/* bytes of an address (RFC 5321) */

struct reply_cfg {
	const char	*sendmail;	/* absolute path */
	const char	*from;		/* NULL: sendmail's default */
	const char	*base_url;	/* the public site; may be NULL */
};

/*
 * Finds the address to answer in the top-level header of msg: Reply-To,
 * else From, holding exactly one plain address: a dot-atom local part
 * and an ASCII host name of two or more labels, alone or in <> after a
 * display name that is not kept; no groups, lists, comments, quoted
 * local parts, address literals, control or non-ASCII bytes.  Mail
 * that must not be answered (RFC 3834: Auto-Submitted other than "no",
 * Precedence bulk, junk or list, a List-Id header, an empty
 * Return-Path, a MAILER-DAEMON or postmaster sender) has none.  Writes
 * the address to out (outsz >= REPLY_ADDR_MAX + 1).  Returns 0, or -1
 * if there is no usable address (not logged).
 */
int	reply_address(char *out, size_t outsz, const char *msg, size_t len);
/* 1 if s is an address reply_address() would accept, else 0. */
int	reply_addr_ok(const char *s);
/*
 * Mails the receipt code to addr with "sendmail -i -t" (the address in
 * the To: header only, never on the command line), sendmail's output
 * thrown away, killed after 60 seconds.  The message and every
 * copy of the address made here are wiped.  Returns 0, or -1 (logged
 * without the address).
 */
int	reply_send(const struct reply_cfg *, const char *addr,
	    const char *code);

/*
 * intake/serve.c: switches to user (never root) for good: groups, gid,
 * uid, and checks that root cannot be regained.  Returns 0 or -1
 * (logged).
 */
int	intake_drop(const char *user);

/*
 * intake/check.c: the start-up of serve, mail, maildir and imap, once
 * the options and the config are read (and serve's socket is bound):
 * switches to user if given (only root may name another user), then
 * checks, as the user the process now runs as, that inbox is a
 * directory whose new/ and tmp/ it can write (or create) and that it
 * can create a file in tmp/, and that recipients (at least one key)
 * and taxonomy (may be NULL) are readable and parse.  Each problem is
 * logged once, with the command that fixes it.  Returns 0 or -1.
 */
int	intake_start(const char *user, const char *inbox,
	    const char *recipients, const char *taxonomy);

/*
 * intake/check.c: nearmiss-intake check [serve's options]: the whole
 * set-up, as root or as the user; 0 if every path will work, 1 if not,
 * 2 on a usage error.
 */
int	cmd_check(int argc, char *argv[]);

/* intake/main.c: the usage of every command, on standard error. */
void	intake_usage(void);
/* intake/main.c: the usage of the command name, on standard error. */
void	intake_usage_of(const char *name);
/* intake/main.c: the help of the command name, on standard output. */
void	intake_help(const char *name);

/* intake/sshcmd.c: the commands nearmiss-intake ssh allows. */
#define SSH_CMD_MAX	512	/* bytes of SSH_ORIGINAL_COMMAND */
#define SSH_ARGV_MAX	8	/* the rebuilt argv, NULL included */
#ifndef NM_RSYNC
#define NM_RSYNC	"/usr/bin/rsync"
#endif
/* What ssh_check() found. */
enum ssh_kind {
	SSH_RSYNC,
	SSH_PURGE,
	SSH_KIND_MAX
};
/*
 * Checks the command cmd (changed in place) against the two allowed
 * forms and writes the argv to run to out (the rsync server's, with
 * NM_RSYNC first; purge's is empty).  Returns an enum ssh_kind, or -1
 * if the command is not allowed.
 */
int	ssh_check(char *cmd, char *out[SSH_ARGV_MAX]);

#endif /* NM_INTAKE_H */
