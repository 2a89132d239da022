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
 * Set-ups that fail loudly.  intake_start() is the start-up of every
 * command that writes the inbox: it switches to the intake user, then
 * checks as that user what the command will need.  nearmiss-intake
 * check looks at a whole set-up before it is started and prints each
 * problem with the command that fixes it; with --repo it also compares
 * the intake's copy of nearmiss.ini with the content repository's.
 */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "config.h"
#include "file.h"
#include "intake.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"

#define TAXONOMY_MAX	(1024 * 1024)
#define IMAP_PLAIN_PORT	143

/*
 * The content repository's nearmiss.ini that check --repo compares the
 * taxonomy with.  Read and parsed as the user who runs check, before
 * as_user() switches users, so that the clone need not be readable by
 * the intake's user.
 */
struct repo_ini {
	char		 path[PATH_MAX];
	struct buf	 text;
	struct config	 cfg;
};

static const char	*who(char *, size_t);
static void		 blocked_dir(char *, size_t, const char *);
static int		 inbox_ready(const char *, const char *);
static unsigned long	 line_of(const struct buf *, const char *,
			    const char *);
static const char	*where(char *, size_t, const char *, unsigned long);
static int		 tax_compare(const char *, const struct buf *,
			    const struct config *, const struct repo_ini *);
static int		 repo_load(struct repo_ini *, const char *);
static int		 file_ready(const char *, const char *, const char *,
			    const struct repo_ini *);
static int		 ready(const char *, const char *, const char *,
			    const struct repo_ini *);
static int		 as_user(const struct conf *, const char *,
			    const struct repo_ini *);
static int		 owner_mode(const char *, const struct passwd *);
static int		 mail_check(const struct conf *);
static int		 imap_check(const struct conf *);

/* The name of the user this process runs as, for messages. */
static const char *
who(char *out, size_t outsz)
{
	struct passwd	*pw;

	if ((pw = getpwuid(geteuid())) != NULL)
		snprintf(out, outsz, "%s", pw->pw_name);
	else
		snprintf(out, outsz, "uid %lu", (unsigned long)geteuid());
	return out;
}

/*
 * The first directory on the way to path that this process may not
 * search, or "" if none (out: PATH_MAX bytes).
 */
static void
blocked_dir(char *out, size_t outsz, const char *path)
{
	char	*p;

	out[0] = '\0';
	if ((size_t)snprintf(out, outsz, "%s", path) >= outsz) {
		out[0] = '\0';
		return;
	}
	for (p = out + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (access(out, X_OK) == -1)
			return;
		*p = '/';
	}
	out[0] = '\0';
}

/*
 * The inbox, as the user who will write it.  Returns the number of
 * problems (each logged).
 */
static int
inbox_ready(const char *inbox, const char *user)
{
	static const char *const subs[] = { "new", "tmp" };
	struct stat	 st;
	char		 path[PATH_MAX], dir[PATH_MAX];
	size_t		 i;
	int		 fd, n = 0, canmk;

	if (stat(inbox, &st) == -1) {
		blocked_dir(dir, sizeof(dir), inbox);
		if (errno == EACCES && dir[0] != '\0')
			log_warnx("%s: %s cannot reach it; run: chmod a+x %s",
			    inbox, user, dir);
		else if (errno == ENOENT)
			log_warnx("%s: no such directory; run: mkdir -m 700 "
			    "%s && chown %s: %s", inbox, inbox, user, inbox);
		else
			log_warn("%s", inbox);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: not a directory; the inbox is one; run: rm %s "
		    "&& mkdir -m 700 %s && chown %s: %s", inbox, inbox, inbox,
		    user, inbox);
		return 1;
	}
	if (access(inbox, X_OK) == -1) {
		log_warnx("%s: not writable by %s; run: chown -R %s: %s && "
		    "chmod 700 %s", inbox, user, user, inbox, inbox);
		return 1;
	}
	canmk = access(inbox, W_OK | X_OK) == 0;
	for (i = 0; i < NM_NELEM(subs); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", inbox,
		    subs[i]) >= sizeof(path)) {
			log_warnx("%s: path too long", inbox);
			return n + 1;
		}
		if (lstat(path, &st) == -1) {
			if (errno != ENOENT) {
				log_warn("%s", path);
				n++;
			} else if (!canmk) {
				/* The user must create it. */
				log_warnx("%s: not writable by %s; run: chown "
				    "-R %s: %s && chmod 700 %s", inbox, user,
				    user, inbox, inbox);
				return n + 1;
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			log_warnx("%s: not a directory (a symbolic link or "
			    "a file); run: rm %s && mkdir -m 700 %s && chown "
			    "%s: %s", path, path, path, user, path);
			n++;
			continue;
		}
		if (access(path, W_OK | X_OK) == -1) {
			log_warnx("%s: not writable by %s; run: chown -R %s: "
			    "%s && chmod 700 %s", path, user, user, inbox,
			    inbox);
			n++;
			continue;
		}
		if (strcmp(subs[i], "tmp") != 0)
			continue;
		/* What a delivery does first: a new file in tmp/. */
		if ((size_t)snprintf(path, sizeof(path), "%s/tmp/.check.%ld",
		    inbox, (long)getpid()) >= sizeof(path)) {
			log_warnx("%s: path too long", inbox);
			return n + 1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1) {
			log_warnx("%s/tmp: %s cannot create a file there "
			    "(%s); run: chown -R %s: %s && chmod 700 %s", inbox,
			    user, strerror(errno), user, inbox, inbox);
			n++;
			continue;
		}
		close(fd);
		(void)unlink(path);
	}
	return n;
}

/*
 * The line of key in [section] of text, or of the section's header if
 * key is NULL; 0 if there is none.  For messages only: text has passed
 * config_parse(), so its lines are blanks, comments, "[section]" and
 * "key = value" (or "key: value"), and a taxonomy's keys are slugs.
 */
static unsigned long
line_of(const struct buf *text, const char *section, const char *key)
{
	const char	*p = text->data, *end = text->data + text->len;
	const char	*e, *q;
	unsigned long	 ln = 0;
	size_t		 sl = strlen(section);
	size_t		 kl = key != NULL ? strlen(key) : 0;
	int		 in = 0;

	if (text->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; p = e + 1) {
		ln++;
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p < e && *p == '[') {
			in = (size_t)(e - p) >= sl + 2 &&
			    strncmp(p + 1, section, sl) == 0 &&
			    p[sl + 1] == ']';
			if (in && key == NULL)
				return ln;
		} else if (in && key != NULL && (size_t)(e - p) > kl &&
		    strncmp(p, key, kl) == 0) {
			for (q = p + kl; q < e && (*q == ' ' || *q == '\t');
			    q++)
				continue;
			if (q < e && (*q == '=' || *q == ':'))
				return ln;
		}
		if (e == end)
			break;
	}
	return 0;
}

/* "path:line", or "path" if line is 0, into out; returns out. */
static const char *
where(char *out, size_t outsz, const char *path, unsigned long line)
{
	if (line > 0)
		snprintf(out, outsz, "%s:%lu", path, line);
	else
		snprintf(out, outsz, "%s", path);
	return out;
}

/*
 * Compares the intake's taxonomy t (the file tpath, whose text is
 * ttext) with the content repository's r, field by field: a field in
 * one file only, a value the form offers that the repository does not
 * accept (a report with it fails review and gen), a value the
 * repository accepts that the form does not offer, and a label that
 * differs (the form shows it, and e-mail templates may name a value by
 * its label).  [site] and [synonyms] are left out: the form accepts
 * the same with them.  Each difference is one line with the fix.
 * Returns the number of differences.
 */
static int
tax_compare(const char *tpath, const struct buf *ttext,
    const struct config *t, const struct repo_ini *r)
{
	const struct taxonomy	*a, *b;
	const char		*name, *rpath = r->path;
	char			 fix[2 * PATH_MAX + 64], loc[PATH_MAX + 32];
	size_t			 i;
	int			 ti, j, n = 0;

	snprintf(fix, sizeof(fix), "fix: cp %s %s (from an up-to-date "
	    "clone) and restart serve", rpath, tpath);
	for (ti = 0; ti < TAX_MAX; ti++) {
		name = config_tax_name((enum tax_id)ti);
		a = &t->tax[ti];
		b = &r->cfg.tax[ti];
		if (a->nterms > 0 && b->nterms == 0) {
			log_at(tpath, line_of(ttext, name, NULL), "[%s]: the "
			    "form offers this field, %s has no [%s] (a report "
			    "with it fails review and gen); %s", name, rpath,
			    name, fix);
			n++;
			continue;
		}
		if (a->nterms == 0 && b->nterms > 0) {
			log_at(rpath, line_of(&r->text, name, NULL), "[%s]: "
			    "the repository has this field, the form does not "
			    "offer it (no [%s] in %s); %s", name, name, tpath,
			    fix);
			n++;
			continue;
		}
		for (i = 0; i < a->nterms; i++) {
			j = config_term(&r->cfg, (enum tax_id)ti,
			    a->terms[i].slug);
			if (j < 0) {
				log_at(tpath, line_of(ttext, name,
				    a->terms[i].slug), "[%s] %s: the form "
				    "offers it, the repository no longer "
				    "accepts it (not in [%s] of %s; a report "
				    "with it fails review and gen); %s", name,
				    a->terms[i].slug, name, where(loc,
				    sizeof(loc), rpath, line_of(&r->text,
				    name, NULL)), fix);
				n++;
			} else if (strcmp(a->terms[i].label,
			    b->terms[j].label) != 0) {
				log_at(tpath, line_of(ttext, name,
				    a->terms[i].slug), "[%s] %s: the form "
				    "shows \"%s\", %s has \"%s\"; %s", name,
				    a->terms[i].slug, a->terms[i].label,
				    where(loc, sizeof(loc), rpath,
				    line_of(&r->text, name, b->terms[j].slug)),
				    b->terms[j].label, fix);
				n++;
			}
		}
		for (i = 0; i < b->nterms; i++)
			if (config_term(t, (enum tax_id)ti,
			    b->terms[i].slug) < 0) {
				log_at(rpath, line_of(&r->text, name,
				    b->terms[i].slug), "[%s] %s: the "
				    "repository accepts it, the form does not "
				    "offer it (not in [%s] of %s); %s", name,
				    b->terms[i].slug, name, where(loc,
				    sizeof(loc), tpath, line_of(ttext, name,
				    NULL)), fix);
				n++;
			}
	}
	return n;
}

/*
 * Reads and parses the content repository's nearmiss.ini for --repo
 * arg: the clone's content/nearmiss.ini, or its nearmiss.ini (a
 * repository of content only), or arg itself if it is a file.  Returns
 * the number of problems (each logged).
 */
static int
repo_load(struct repo_ini *out, const char *arg)
{
	static const char *const names[] = { "content/nearmiss.ini",
	    "nearmiss.ini" };
	struct stat	 st;
	unsigned long	 w0 = log_nwarnings();
	size_t		 i;
	int		 rc;

	if (stat(arg, &st) == -1) {
		log_warnx("--repo %s: %s; give the clone of the content "
		    "repository, or its nearmiss.ini", arg, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		for (i = 0; i < NM_NELEM(names); i++) {
			if ((size_t)snprintf(out->path, sizeof(out->path),
			    "%s/%s", arg, names[i]) >= sizeof(out->path)) {
				log_warnx("--repo %s: path too long", arg);
				return 1;
			}
			if (stat(out->path, &st) == 0)
				break;
		}
		if (i == NM_NELEM(names)) {
			log_warnx("--repo %s: no content/nearmiss.ini nor "
			    "nearmiss.ini in it; give the clone of the content "
			    "repository, or its nearmiss.ini", arg);
			return 1;
		}
	} else if ((size_t)snprintf(out->path, sizeof(out->path), "%s",
	    arg) >= sizeof(out->path)) {
		log_warnx("--repo %s: path too long", arg);
		return 1;
	}
	/* Not a FIFO or a device, which could block or never end. */
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file; give the clone of the "
		    "content repository, or its nearmiss.ini", out->path);
		return 1;
	}
	if ((rc = file_read(&out->text, out->path, TAXONOMY_MAX)) != 0) {
		if (rc == NM_ENOTFOUND)
			log_warnx("%s: no such file", out->path);
		return 1;
	}
	/* Not one "contains a NUL byte" per line of a binary file. */
	if (memchr(out->text.data, '\0', out->text.len) != NULL) {
		log_warnx("%s: a binary file, not a nearmiss.ini; give the "
		    "clone of the content repository, or its nearmiss.ini",
		    out->path);
		return 1;
	}
	/* It logs "path:line: what" for each fault. */
	if (config_parse(&out->cfg, out->path, out->text.data,
	    out->text.len) != 0)
		return log_nwarnings() > w0 ? (int)(log_nwarnings() - w0) : 1;
	return 0;
}

/*
 * A file the user must read: the recipients ("recipients") or the
 * taxonomy ("taxonomy"); parsed too, and a taxonomy compared with the
 * repository's (repo, if not NULL).  Returns the number of problems.
 */
static int
file_ready(const char *path, const char *what, const char *user,
    const struct repo_ini *repo)
{
	struct recipient	*r = NULL;
	struct config		 cfg;
	struct buf		 text = BUF_INIT;
	char			 dir[PATH_MAX];
	size_t			 nr;
	int			 fd, n = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		blocked_dir(dir, sizeof(dir), path);
		if (errno == EACCES && dir[0] != '\0')
			log_warnx("%s: %s cannot reach it; run: chmod a+x %s",
			    path, user, dir);
		else if (errno == EACCES)
			log_warnx("%s: not readable by %s (the %s file holds "
			    "nothing secret); run: chmod a+r %s", path, user,
			    what, path);
		else if (errno == ENOENT && strcmp(what, "recipients") == 0)
			log_warnx("%s: no such file; put in it the line that "
			    "nearmiss-review keygen printed for each "
			    "reviewer", path);
		else if (errno == ENOENT)
			log_warnx("%s: no such file; copy the content "
			    "repository's nearmiss.ini there", path);
		else
			log_warn("%s", path);
		return 1;
	}
	close(fd);
	/* The parsers log "path:line: what" themselves. */
	if (strcmp(what, "recipients") == 0) {
		if (recipients_load(&r, &nr, path) != 0)
			n++;
		free(r);
	} else {
		if (file_read(&text, path, TAXONOMY_MAX) != 0)
			n++;
		else if (config_parse(&cfg, path, text.data, text.len) != 0)
			n++;
		else {
			if (repo != NULL)
				n += tax_compare(path, &text, &cfg, repo);
			config_free(&cfg);
		}
		buf_free(&text);
	}
	return n;
}

/*
 * inbox_ready() and file_ready() of everything, the taxonomy compared
 * with repo if not NULL; the number of problems.
 */
static int
ready(const char *inbox, const char *recipients, const char *taxonomy,
    const struct repo_ini *repo)
{
	char	 user[64];
	int	 n = 0;

	who(user, sizeof(user));
	if (inbox == NULL) {
		log_warnx("no inbox: give -i INBOX or set inbox in the "
		    "[intake] section of a -c file");
		n++;
	} else
		n += inbox_ready(inbox, user);
	if (recipients == NULL) {
		log_warnx("no recipients: give -k RECIPIENTS or set "
		    "recipients in the [intake] section of a -c file");
		n++;
	} else
		n += file_ready(recipients, "recipients", user, NULL);
	if (taxonomy != NULL)
		n += file_ready(taxonomy, "taxonomy", user, repo);
	return n;
}

int
intake_start(const char *user, const char *inbox, const char *recipients,
    const char *taxonomy)
{
	struct passwd	*pw;

	if (user != NULL && geteuid() != 0) {
		/* Naming oneself is no switch; naming another is. */
		if ((pw = getpwnam(user)) == NULL || pw->pw_uid != geteuid()) {
			log_warnx("-u %s: only root can switch to another "
			    "user; start it as root, or as %s without -u",
			    user, user);
			return -1;
		}
	} else if (user != NULL && intake_drop(user) != 0)
		return -1;
	return ready(inbox, recipients, taxonomy, NULL) == 0 ? 0 : -1;
}

/*
 * The inbox's owner and mode, as root sees them.  Returns the number
 * of problems.
 */
static int
owner_mode(const char *inbox, const struct passwd *pw)
{
	static const char *const subs[] = { "", "/new", "/tmp" };
	struct stat	 st;
	char		 path[PATH_MAX];
	size_t		 i;
	int		 n = 0;

	for (i = 0; i < NM_NELEM(subs); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", inbox,
		    subs[i]) >= sizeof(path) || lstat(path, &st) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;	/* inbox_ready() tells */
		if (st.st_uid != pw->pw_uid) {
			log_warnx("%s: owned by uid %lu, not by %s; run: "
			    "chown -R %s: %s && chmod 700 %s", path,
			    (unsigned long)st.st_uid, pw->pw_name,
			    pw->pw_name, inbox, inbox);
			return n + 1;
		}
		if (st.st_mode & (S_IRWXG | S_IRWXO)) {
			log_warnx("%s: mode %03o lets others see what "
			    "arrives and when; run: chmod 700 %s", path,
			    (unsigned)(st.st_mode & 0777), path);
			n++;
		}
	}
	return n;
}

/* The [mail] settings: the auto-reply.  The number of problems. */
static int
mail_check(const struct conf *c)
{
	const char	*sm = conf_str(c, CONF_SENDMAIL);
	const char	*from = conf_str(c, CONF_REPLY_FROM);
	int		 n = 0;

	if (conf_num(c, CONF_REPLY) == 0)
		return 0;
	if (sm[0] != '/') {
		conf_warn(c, CONF_SENDMAIL, "expected an absolute path; fix: "
		    "sendmail = /usr/sbin/sendmail");
		n++;
	} else if (access(sm, X_OK) == -1) {
		conf_warn(c, CONF_SENDMAIL, "not executable (%s); fix: "
		    "install an MTA's sendmail or point sendmail at it",
		    strerror(errno));
		n++;
	}
	if (from != NULL && !reply_addr_ok(from)) {
		conf_warn(c, CONF_REPLY_FROM, "expected a plain address "
		    "such as intake@example.org");
		n++;
	}
	return n;
}

/*
 * The [imap] settings, if the file has that section.  The number of
 * problems.
 */
static int
imap_check(const struct conf *c)
{
	static const enum conf_id need[] = { CONF_IMAP_HOST,
	    CONF_IMAP_USER, CONF_IMAP_PASSWORD_FILE, CONF_IMAP_PIN };
	struct stat	 st;
	const char	*pf, *p;
	size_t		 i;
	int		 n = 0, any = 0;

	for (i = CONF_IMAP_HOST; i <= CONF_IMAP_TLS; i++)
		if (conf_from(c, (enum conf_id)i) == CONF_FILE)
			any = 1;
	if (!any)
		return 0;
	for (i = 0; i < NM_NELEM(need); i++)
		if (conf_str(c, need[i]) == NULL) {
			log_warnx("%s: [imap] %s is not set; fix: add "
			    "\"%s = ...\" to [imap] (see nearmiss-intake(8))",
			    c->path, conf_key(need[i]), conf_key(need[i]));
			n++;
		}
	if (conf_num(c, CONF_IMAP_PORT) == IMAP_PLAIN_PORT) {
		conf_warn(c, CONF_IMAP_PORT, "plain IMAP or STARTTLS; only "
		    "implicit TLS is supported; fix: port = 993");
		n++;
	}
	for (p = conf_str(c, CONF_IMAP_MAILBOX); *p != '\0'; p++)
		if ((unsigned char)*p > 0x7e || *p == '"' || *p == '\\') {
			conf_warn(c, CONF_IMAP_MAILBOX, "printable ASCII "
			    "only, without \" and \\");
			n++;
			break;
		}
	if ((pf = conf_str(c, CONF_IMAP_PASSWORD_FILE)) == NULL)
		return n;
	if (stat(pf, &st) == -1) {
		conf_warn(c, CONF_IMAP_PASSWORD_FILE, "%s; fix: put the "
		    "password on one line in it, mode 0600", strerror(errno));
		n++;
	} else if (!S_ISREG(st.st_mode)) {
		conf_warn(c, CONF_IMAP_PASSWORD_FILE, "not a regular file");
		n++;
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		conf_warn(c, CONF_IMAP_PASSWORD_FILE, "mode %03o: open to "
		    "group or others; run: chmod 600 %s",
		    (unsigned)(st.st_mode & 0777), pf);
		n++;
	}
	return n;
}

/*
 * What only the user can tell: the inbox, the files (the taxonomy
 * compared with repo, if not NULL), the password file and sendmail, as
 * the user.  In a child that switches to user (NULL: this process's
 * user).  Returns the number of problems.
 */
static int
as_user(const struct conf *c, const char *user, const struct repo_ini *repo)
{
	const char	*pf = conf_str(c, CONF_IMAP_PASSWORD_FILE);
	const char	*sm = conf_str(c, CONF_SENDMAIL);
	char		 name[64];
	pid_t		 pid;
	int		 st, fd, n;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		log_warn("fork");
		return 1;
	}
	if (pid == 0) {
		if (user != NULL && intake_drop(user) != 0)
			_exit(1);
		who(name, sizeof(name));
		n = ready(conf_str(c, CONF_INBOX), conf_str(c,
		    CONF_RECIPIENTS), conf_str(c, CONF_TAXONOMY), repo);
		if (pf != NULL && conf_from(c, CONF_IMAP_PASSWORD_FILE) ==
		    CONF_FILE) {
			if ((fd = open(pf, O_RDONLY | O_CLOEXEC)) == -1) {
				log_warnx("%s: not readable by %s (%s); run: "
				    "chown %s %s && chmod 600 %s", pf, name,
				    strerror(errno), name, pf, pf);
				n++;
			} else
				close(fd);
		}
		if (conf_num(c, CONF_REPLY) && sm[0] == '/' &&
		    access(sm, X_OK) == -1) {
			log_warnx("%s: not executable by %s (%s)", sm, name,
			    strerror(errno));
			n++;
		}
		fflush(stderr);
		_exit(n > 100 ? 100 : n);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return 1;
		}
	if (!WIFEXITED(st)) {
		log_warnx("the check as %s died", user != NULL ? user :
		    "this user");
		return 1;
	}
	return WEXITSTATUS(st);
}

int
cmd_check(int argc, char *argv[])
{
	struct conf	 c;
	struct repo_ini	 repo;
	struct passwd	*pw = NULL;
	const struct repo_ini *rp = NULL;
	const char	*config, *repoarg, *user, *origin, *tax;
	char		 name[64];
	unsigned long	 w0;
	int		 e, flags, n = 0, k, seen = 0;

	memset(&repo, 0, sizeof(repo));
	repo.text = (struct buf)BUF_INIT;
	conf_init(&c);
	e = conf_check_opts(&c, argc, argv, &config, &repoarg, &flags);
	if (e == 0 && (flags & CONF_F_HELP)) {
		intake_help("check");
		conf_free(&c);
		return 0;
	}
	if (e != 0 || optind != argc) {
		intake_usage_of("check");
		conf_free(&c);
		return 2;
	}
	/* Every line conf_read() logs is a problem; count them all. */
	w0 = log_nwarnings();
	if (config != NULL && conf_read(&c, config, CONF_S_ALL) != 0)
		n += (int)(log_nwarnings() - w0);
	tax = conf_str(&c, CONF_TAXONOMY);
	if (repoarg != NULL && tax == NULL) {
		log_warnx("--repo %s: no taxonomy to compare with it; give -t "
		    "TAXONOMY or set taxonomy in [intake]", repoarg);
		n++;
	} else if (repoarg != NULL) {
		if ((k = repo_load(&repo, repoarg)) != 0)
			n += k;
		else
			rp = &repo;
	}
	user = conf_str(&c, CONF_USER);
	if (user != NULL) {
		if ((pw = getpwnam(user)) == NULL) {
			log_warnx("%s: no such user; run: useradd -r -M -s "
			    "/usr/sbin/nologin %s", user, user);
			n++;
		} else if (pw->pw_uid == 0) {
			log_warnx("%s: is root; the intake faces anonymous "
			    "input and runs as a user of its own: give -u "
			    "with another user", user);
			n++;
		}
	} else if (geteuid() == 0) {
		log_warnx("no -u USER: the intake refuses to run as root; "
		    "give -u USER (or set user in [serve] or [intake])");
		n++;
	}
	origin = conf_str(&c, CONF_ORIGIN);
	if (conf_from(&c, CONF_ORIGIN) == CONF_DEFAULT)
		log_warnx("warning: origin %s is the default, for a test on "
		    "this machine only; browsers elsewhere send another and "
		    "get 403; fix: give -o ORIGIN (the onion or https "
		    "address the form is served from)", origin);
	n += mail_check(&c);
	n += imap_check(&c);
	if (pw != NULL && pw->pw_uid != 0) {
		if (conf_str(&c, CONF_INBOX) != NULL)
			n += owner_mode(conf_str(&c, CONF_INBOX), pw);
		if (geteuid() == 0 || pw->pw_uid == geteuid()) {
			n += as_user(&c, geteuid() == 0 ? user : NULL, rp);
			seen = 1;
		} else {
			log_warnx("-u %s: run check as root to check the "
			    "set-up as %s", user, user);
			n++;
		}
	} else if (user == NULL && geteuid() != 0) {
		n += as_user(&c, NULL, rp);
		seen = 1;
	}
	/* No child looked at the taxonomy: compare it as this user. */
	if (rp != NULL && !seen)
		n += file_ready(tax, "taxonomy", who(name, sizeof(name)), rp);
	config_free(&repo.cfg);
	buf_free(&repo.text);
	conf_free(&c);
	if (n > 0) {
		log_warnx("%d problem%s found", n, n == 1 ? "" : "s");
		return 1;
	}
	printf("the set-up looks right\n");
	return 0;
}
