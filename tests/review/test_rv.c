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
 * Unit tests of review/rv.c: item ids, content-folder paths (traversal,
 * ".git" in its disguises, absolute paths, NUL bytes, control
 * characters, symbolic links out of the folder), the duplicate digest,
 * terminal-safe text, ages, and the inbox walk (order by day then id,
 * other keys skipped quietly, damaged items and stray names reported).
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "inbox.h"
#include "keys.h"
#include "nm.h"
#include "recipients.h"
#include "record.h"
#include "rv.h"

static char	 top[1024];

struct walk {
	char	 ids[16][INBOX_NAME_LEN + 1];
	char	 days[16][RECORD_DAY_LEN + 1];
	size_t	 n;
	int	 stop;
};

static void	 test_id(void);
static void	 test_rel(void);
static void	 test_content_path(void);
static void	 test_digest(void);
static void	 test_puttext(void);
static void	 test_age(void);
static void	 test_items(void);
static int	 walk_fn(const char *, struct record *, void *);
static const char *puttext(const char *, int);
static int	 put(struct inbox *, const struct recipient *, const char *,
		    const char *, char *);

static void
test_id(void)
{
	OK(rv_id_ok("0123456789abcdef0123456789abcdef"));
	OK(rv_id_ok("ffffffffffffffffffffffffffffffff"));
	OK(!rv_id_ok(""));
	OK(!rv_id_ok("0123456789abcdef0123456789abcde"));
	OK(!rv_id_ok("0123456789abcdef0123456789abcdef0"));
	OK(!rv_id_ok("0123456789ABCDEF0123456789abcdef"));
	OK(!rv_id_ok("0123456789abcdeg0123456789abcdef"));
	OK(!rv_id_ok("../3456789abcdef0123456789abcdef"));
	OK(!rv_id_ok("0123456789abcdef0123456789abcde/"));
	OK(!rv_id_ok("0123456789abcdef 123456789abcdef"));
	OK(!rv_id_ok(".123456789abcdef0123456789abcdef"));
}

static void
test_rel(void)
{
	static const char *const good[] = {
		"receipts", "reports/2026/2026-0042.md", "approvals/2026/x",
		".gitignore", ".github/x", "a.git", "git", "gitx", "...x",
		"a b", "caf\xc3\xa9", "-x", "x~1",
	};
	static const char *const bad[] = {
		"", "/", "/etc/passwd", "//x", "..", "../x", "a/..", "a/../b",
		"a/../../b", ".", "./a", "a/.", "a//b", "a/", ".git",
		".GIT", ".Git", "a/.git", "a/.git/config", ".git/HEAD",
		"reports/.gIt/x", ".git.", ".git..", ".git ", ".git . ",
		"git~1", "GIT~1", "a/Git~1/b", "...", "a/ /b", ". .",
		"a\\b", "..\\x", "a\tb", "a\nb", "a\rb", "a\x01", "a\x1b[31m",
		"a\x7f",
	};
	size_t	 i;

	for (i = 0; i < NM_NELEM(good); i++) {
		if (!rv_rel_ok(good[i], strlen(good[i])))
			fprintf(stderr, "refused: \"%s\"\n", good[i]);
		OK(rv_rel_ok(good[i], strlen(good[i])));
	}
	for (i = 0; i < NM_NELEM(bad); i++) {
		if (rv_rel_ok(bad[i], strlen(bad[i])))
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
		OK(!rv_rel_ok(bad[i], strlen(bad[i])));
	}
	/* NUL bytes anywhere in the given length. */
	OK(!rv_rel_ok("a\0b", 3));
	OK(!rv_rel_ok("receipts\0", 9));
	OK(!rv_rel_ok("\0", 1));
	OK(!rv_rel_ok("reports/\0/../../x", 17));
	OK(rv_rel_ok("receipts\0", 8));
}

static void
test_content_path(void)
{
	char		 out[PATH_MAX], repo[1100], p[PATH_MAX];
	char		 big[PATH_MAX + 10];
	const char	*err;

	snprintf(repo, sizeof(repo), "%s/repo", top);
	OK(mkdir(repo, 0700) == 0);

	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "receipts"), 0);
	STR_EQ(out, tfmt("%s/content/receipts", repo));
	INT_EQ(rv_content_path(out, sizeof(out), repo, "site/content",
	    "reports/2026/a.md"), 0);
	STR_EQ(out, tfmt("%s/site/content/reports/2026/a.md", repo));
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, NULL), 0);
	STR_EQ(out, tfmt("%s/content", repo));
	INT_EQ(rv_content_path(out, sizeof(out), repo, ".", "receipts"), 0);
	STR_EQ(out, tfmt("%s/receipts", repo));

	/* Refusals, each logged with the reason. */
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "../x"), -1);
	err = cap_end();
	STR_EQ(err, "nearmiss: \"../x\": a \"..\" component; refused\n");
	STR_EQ(out, "");
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "/etc/passwd"),
	    -1);
	err = cap_end();
	STR_EQ(err, "nearmiss: \"/etc/passwd\": an absolute path; refused\n");
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, ".GIT/config"),
	    -1);
	err = cap_end();
	STR_EQ(err, "nearmiss: \".GIT/config\": a \".git\" component; "
	    "refused\n");
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "a\x1b[2Jb"), -1);
	err = cap_end();
	/* The message does not carry the escape either. */
	STR_EQ(err, "nearmiss: \"a?[2Jb\": a control character in the path; "
	    "refused\n");
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, ""), -1);
	err = cap_end();
	STR_EQ(err, "nearmiss: \"\": an empty path; refused\n");
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, "../other", "x"), -1);
	INT_EQ(rv_content_path(out, sizeof(out), repo, ".git", "x"), -1);
	INT_EQ(rv_content_path(out, sizeof(out), repo, "/abs", "x"), -1);
	INT_EQ(rv_content_path(out, sizeof(out), repo, "", "x"), -1);
	INT_EQ(rv_content_path(out, sizeof(out), repo, "content/", "x"), -1);
	err = cap_end();
	OK(strstr(err, "content folder \"../other\": a \"..\" component; "
	    "refused\n") != NULL);
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), NULL, NULL, "x"), -1);
	INT_EQ(rv_content_path(out, sizeof(out), "", NULL, "x"), -1);
	err = cap_end();
	OK(strstr(err, "no repository: give -r REPO") != NULL);
	/* Too long for out. */
	cap_start();
	INT_EQ(rv_content_path(out, 16, repo, NULL, "receipts"), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, big), -1);
	err = cap_end();
	OK(strstr(err, "too long") != NULL);

	/* Symbolic links that lead out of the folder. */
	snprintf(p, sizeof(p), "%s/content", repo);
	OK(mkdir(p, 0700) == 0);
	snprintf(p, sizeof(p), "%s/content/reports", repo);
	OK(symlink(top, p) == 0);
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL,
	    "reports/2026/a.md"), -1);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: %s/content/reports: a symbolic link; "
	    "refused (it could lead out of the content folder)\n", repo));
	/* The link itself as the last component. */
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "reports"), -1);
	err = cap_end();
	OK(strstr(err, "a symbolic link") != NULL);
	/* Other names beside it are fine. */
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "receipts"), 0);
	unlink(p);
	/* The content folder itself a link. */
	snprintf(p, sizeof(p), "%s/content", repo);
	OK(rmdir(p) == 0);
	OK(symlink("/", p) == 0);
	cap_start();
	INT_EQ(rv_content_path(out, sizeof(out), repo, NULL, "receipts"), -1);
	err = cap_end();
	OK(strstr(err, "content: a symbolic link; refused") != NULL);
	unlink(p);
	/* The repository's own path may hold links: it is the user's. */
	snprintf(p, sizeof(p), "%s/link", top);
	OK(symlink(repo, p) == 0);
	INT_EQ(rv_content_path(out, sizeof(out), p, NULL, "receipts"), 0);
	unlink(p);
	OK(rmdir(repo) == 0);
}

static void
test_digest(void)
{
	static const unsigned char d1[] = "abc", d2[] = "abd";
	struct record_attachment a[2], b[2];
	struct record	 r, s;
	unsigned char	 h0[32], h1[32];

	memset(&r, 0, sizeof(r));
	r.field[RECORD_TITLE] = "A near miss";
	r.field[RECORD_INCIDENT_TYPE] = "vehicle-pursuit";
	r.narrative = "We drove.";
	r.channel = RECORD_FORM;
	snprintf(r.received, sizeof(r.received), "2026-01-02");
	memset(r.receipt, 1, sizeof(r.receipt));
	rv_record_digest(h0, &r);

	/* Not part of the content: receipt, day, channel, consent. */
	s = r;
	memset(s.receipt, 2, sizeof(s.receipt));
	snprintf(s.received, sizeof(s.received), "2026-03-04");
	s.channel = RECORD_EMAIL;
	s.consent = 1;
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) == 0);

	/* Every part of the content counts. */
	s = r;
	s.narrative = "We drove!";
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	s = r;
	s.field[RECORD_TITLE] = NULL;
	s.field[RECORD_SUMMARY] = "A near miss";
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	s = r;
	s.lessons = "";
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	s = r;
	s.contact = "me";
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	/* Where one text ends and the next begins. */
	s = r;
	s.narrative = "We drove.x";
	s.lessons = NULL;
	r.lessons = "x";
	rv_record_digest(h0, &r);
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	r.lessons = NULL;

	/* Attachments: data, name and type, and their boundaries. */
	a[0].name = "ab";
	a[0].type = "c/d";
	a[0].data = d1;
	a[0].len = 3;
	r.attach = a;
	r.nattach = 1;
	rv_record_digest(h0, &r);
	b[0] = a[0];
	s = r;
	s.attach = b;
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) == 0);
	b[0].data = d2;
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	b[0] = a[0];
	b[0].name = "a";
	b[0].type = "bc/d";
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	b[0] = a[0];
	b[0].len = 2;
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	b[0] = a[0];
	b[1] = a[0];
	s.nattach = 2;
	rv_record_digest(h1, &s);
	OK(memcmp(h0, h1, 32) != 0);
	/* Deterministic. */
	rv_record_digest(h1, &r);
	OK(memcmp(h0, h1, 32) == 0);
}

/* What rv_puttext() writes for s. */
static const char *
puttext(const char *s, int oneline)
{
	static char	 out[256];
	FILE		*f;
	size_t		 n;

	if ((f = tmpfile()) == NULL)
		return "";
	rv_puttext(f, s, oneline);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

static void
test_puttext(void)
{
	STR_EQ(puttext("plain text", 0), "plain text");
	STR_EQ(puttext("two\nlines\ttab", 0), "two\nlines\ttab");
	STR_EQ(puttext("two\nlines\ttab", 1), "two lines tab");
	STR_EQ(puttext("\x1b[31mred\x1b[0m", 0), "?[31mred?[0m");
	STR_EQ(puttext("a\rb\x07\x7f" "c", 0), "a?b??c");
	STR_EQ(puttext("a\rb", 1), "a b");
	/* C1 controls (U+009B is CSI) and bidirectional overrides. */
	STR_EQ(puttext("x\xc2\x9b" "31my", 0), "x?31my");
	STR_EQ(puttext("x\xe2\x80\xae" "cba", 0), "x?cba");
	STR_EQ(puttext("x\xe2\x81\xa6y\xe2\x81\xa9", 0), "x?y?");
	/* Other characters are kept as they are. */
	STR_EQ(puttext("caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0ok", 0),
	    "caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0ok");
}

static void
test_age(void)
{
	time_t	 now = 1767225600;	/* 2026-01-01 00:00:00 UTC */

	INT_EQ(rv_age("2026-01-01", now), 0);
	INT_EQ(rv_age("2026-01-01", now + 86399), 0);
	INT_EQ(rv_age("2025-12-31", now), 1);
	INT_EQ(rv_age("2025-12-22", now), 10);
	INT_EQ(rv_age("2025-12-23", now), 9);
	INT_EQ(rv_age("2025-01-01", now), 365);
	INT_EQ(rv_age("2027-01-01", now), 0);
	INT_EQ(rv_age("2026-1-01", now), -1);
	INT_EQ(rv_age("", now), -1);
	INT_EQ(rv_age("garbage!!!", now), -1);
}

static int
walk_fn(const char *id, struct record *r, void *arg)
{
	struct walk	*w = arg;

	if (w->n < 16) {
		snprintf(w->ids[w->n], sizeof(w->ids[0]), "%s", id);
		snprintf(w->days[w->n], sizeof(w->days[0]), "%s", r->received);
	}
	w->n++;
	return w->stop != 0 && (int)w->n == w->stop ? 7 : 0;
}

/* Stores a record received on day with narrative text; name out. */
static int
put(struct inbox *ib, const struct recipient *rc, const char *day,
    const char *text, char *name)
{
	struct record	 r;
	struct buf	 enc = BUF_INIT;
	int		 rc_;

	memset(&r, 0, sizeof(r));
	r.narrative = text;
	r.field[RECORD_TITLE] = "t";
	snprintf(r.received, sizeof(r.received), "%s", day);
	if (record_encode(&enc, &r) != 0)
		return -1;
	rc_ = inbox_put(ib, rc, 1, enc.data, enc.len, time(NULL), name);
	buf_free(&enc);
	return rc_;
}

static void
test_items(void)
{
	struct keypair	*a, *b;
	struct recipient ra, rb;
	struct inbox	*ib = NULL;
	struct record	 r;
	struct walk	 w;
	char		 dir[1100], p[PATH_MAX];
	char		 n1[33], n2[33], n3[33], n4[33], n5[33];
	const char	*err;
	FILE		*f;

	a = keypair_new("alice");
	b = keypair_new("bob");
	if (a == NULL || b == NULL) {
		OK(0);
		return;
	}
	keypair_public(&ra, a);
	keypair_public(&rb, b);
	snprintf(dir, sizeof(dir), "%s/inbox", top);
	OK(mkdir(dir, 0700) == 0);
	INT_EQ(inbox_open(&ib, dir), 0);
	INT_EQ(put(ib, &ra, "2026-03-01", "third", n1), 0);
	INT_EQ(put(ib, &ra, "2026-01-01", "first", n2), 0);
	INT_EQ(put(ib, &rb, "2025-01-01", "bob's", n3), 0);
	INT_EQ(put(ib, &ra, "2026-02-01", "second", n4), 0);
	INT_EQ(put(ib, &ra, "2026-02-01", "second too", n5), 0);
	inbox_close(ib);

	/* One item. */
	memset(&r, 0, sizeof(r));
	INT_EQ(rv_item_load(&r, dir, n1, a), 0);
	STR_EQ(r.narrative, "third");
	STR_EQ(r.received, "2026-03-01");
	record_free(&r);
	cap_start();
	INT_EQ(rv_item_load(&r, dir, n3, a), NM_ENOTFOUND);
	err = cap_end();
	STR_EQ(err, tfmt("nearmiss: item %s: not sealed to this key "
	    "(alice)\n", n3));
	record_free(&r);
	cap_start();
	INT_EQ(rv_item_load(&r, dir, "00000000000000000000000000000000", a),
	    NM_ENOTFOUND);
	INT_EQ(rv_item_load(&r, dir, "../inbox/new/x", a), -1);
	err = cap_end();
	OK(strstr(err, "no such item") != NULL);
	OK(strstr(err, "../inbox/new/x: not an item id") != NULL);
	record_free(&r);

	/* The walk: by day, then id; bob's item skipped quietly. */
	memset(&w, 0, sizeof(w));
	cap_start();
	INT_EQ(rv_items(dir, a, walk_fn, &w), 0);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(w.n, 4);
	STR_EQ(w.ids[0], n2);
	STR_EQ(w.days[1], "2026-02-01");
	STR_EQ(w.days[2], "2026-02-01");
	OK(strcmp(w.ids[1], w.ids[2]) < 0);
	OK((strcmp(w.ids[1], n4) == 0 && strcmp(w.ids[2], n5) == 0) ||
	    (strcmp(w.ids[1], n5) == 0 && strcmp(w.ids[2], n4) == 0));
	STR_EQ(w.ids[3], n1);
	memset(&w, 0, sizeof(w));
	INT_EQ(rv_items(dir, b, walk_fn, &w), 0);
	INT_EQ(w.n, 1);
	STR_EQ(w.ids[0], n3);

	/* fn stops the walk with its value. */
	memset(&w, 0, sizeof(w));
	w.stop = 2;
	INT_EQ(rv_items(dir, a, walk_fn, &w), 7);
	INT_EQ(w.n, 2);

	/* A stray name and a damaged item: reported, and the walk goes on. */
	snprintf(p, sizeof(p), "%s/new/notes\x1b[1m.txt", dir);
	if ((f = fopen(p, "w")) != NULL)
		fclose(f);
	snprintf(p, sizeof(p), "%s/new/%s", dir, n4);
	OK(truncate(p, 100) == 0);
	memset(&w, 0, sizeof(w));
	cap_start();
	INT_EQ(rv_items(dir, a, walk_fn, &w), 0);
	err = cap_end();
	INT_EQ(w.n, 3);
	OK(strstr(err, "/new/notes?[1m.txt: not an item name; skipped\n") !=
	    NULL);
	OK(strstr(err, tfmt("item %s: truncated", n4)) != NULL);
	OK(strchr(err, '\x1b') == NULL);

	/* A missing inbox. */
	cap_start();
	INT_EQ(rv_items(tfmt("%s/nowhere", top), a, walk_fn, &w), -1);
	err = cap_end();
	OK(strstr(err, "nowhere/new: No such file or directory") != NULL);

	file_remove_tree(dir);
	keypair_free(a);
	keypair_free(b);
}

int
main(void)
{
	const char	*tmp;
	int		 rc;

	if (sodium_init() == -1)
		return 1;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(top, sizeof(top), "%s/test_rv.XXXXXX", tmp);
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_id();
	test_rel();
	test_content_path();
	test_digest();
	test_puttext();
	test_age();
	test_items();
	OK(rmdir(top) == 0);
	rc = DONE("test_rv");
	fflush(stdout);
	return rc;
}
