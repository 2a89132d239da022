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
 * nearmiss-review keygen NAME -o KEYFILE: makes a reviewer's key pair,
 * writes the secret key file (never over an existing one), protected by
 * a passphrase unless --no-passphrase, and prints the public line that
 * goes into the recipients and reviewers files.
 */

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"
#include "review.h"
#include "rv.h"

/* The work factors of Argon2id that --kdf names. */
struct kdf_level {
	const char		*name;
	unsigned long long	 ops;
	size_t			 mem;
};

static void	keygen_usage(FILE *);

/*
 * moderate is the default: about half a second and 256 MiB on a laptop,
 * once per command, which a reviewer hardly notices, while every guess
 * at a stolen key file costs an attacker as much.
 */
static const struct kdf_level levels[] = {
	{ "interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE },
	{ "moderate", crypto_pwhash_OPSLIMIT_MODERATE,
	    crypto_pwhash_MEMLIMIT_MODERATE },
	{ "sensitive", crypto_pwhash_OPSLIMIT_SENSITIVE,
	    crypto_pwhash_MEMLIMIT_SENSITIVE },
};

static void
keygen_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review keygen NAME -o KEYFILE "
	    "[--no-passphrase | --kdf LEVEL]\n");
}

int
review_keygen(int argc, char *argv[])
{
	enum { OPT_NOPASS = 256, OPT_KDF };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-passphrase", no_argument, NULL, OPT_NOPASS },
		{ "kdf", required_argument, NULL, OPT_KDF },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct kdf_level	*level = &levels[1];
	struct keypair		*kp = NULL;
	struct recipient	 r;
	struct stat		 st;
	struct buf		 line = BUF_INIT;
	const char		*keyfile = NULL;
	char			*pass = NULL;
	size_t			 passlen = 0, i;
	int			 ch, rc = 2, nopass = 0, kdf = 0;

	/*
	 * 0 starts getopt afresh (glibc, musl and the BSDs agree), so that
	 * options may follow NAME.
	 */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			keyfile = optarg;
			break;
		case OPT_NOPASS:
			nopass = 1;
			break;
		case OPT_KDF:
			for (i = 0; i < NM_NELEM(levels); i++)
				if (strcmp(optarg, levels[i].name) == 0)
					break;
			if (i == NM_NELEM(levels)) {
				log_warnx("--kdf %s: use interactive, "
				    "moderate or sensitive", optarg);
				goto out;
			}
			level = &levels[i];
			kdf = 1;
			break;
		case 'h':
			keygen_usage(stdout);
			rc = 0;
			goto out;
		default:
			keygen_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || keyfile == NULL || *keyfile == '\0') {
		keygen_usage(stderr);
		goto out;
	}
	if (nopass && kdf) {
		log_warnx("--kdf and --no-passphrase: choose one");
		goto out;
	}
	/* A bad name is a bad argument: logged, and still rc 2. */
	if ((kp = keypair_new(argv[optind])) == NULL)
		goto out;
	rc = 1;
	if (nopass) {
		if (keypair_write(kp, keyfile) == -1)
			goto out;
	} else {
		/* Before asking for a passphrase that would go nowhere. */
		if (lstat(keyfile, &st) == 0) {
			log_warnx("%s: already exists; not overwriting it",
			    keyfile);
			goto out;
		}
		if ((pass = sodium_malloc(KEY_PASS_MAX + 1)) == NULL)
			fatal("sodium_malloc");
		if (rv_passphrase(pass, KEY_PASS_MAX + 1, &passlen,
		    "Passphrase for the new key: ", 1) == -1) {
			log_warnx("no key written (--no-passphrase writes "
			    "one without)");
			goto out;
		}
		if (keypair_write_pass(kp, keyfile, pass, passlen, level->ops,
		    level->mem) == -1)
			goto out;
	}
	keypair_public(&r, kp);
	recipient_line(&line, &r);
	if (fwrite(line.data, 1, line.len, stdout) != line.len ||
	    fflush(stdout) == EOF) {
		log_warn("stdout (the key was written to %s)", keyfile);
		goto out;
	}
	log_info("wrote the secret key to %s%s: keep it private, and keep "
	    "a copy offline", keyfile, nopass ? " WITHOUT a passphrase" :
	    ", protected by the passphrase");
	/* Said so that it stays true when stdout is a file or a pipe. */
	log_info("the public line written to standard output goes into "
	    "the intake host's recipients file and the content "
	    "repository's reviewers file");
	rc = 0;
out:
	if (pass != NULL) {
		sodium_memzero(pass, KEY_PASS_MAX + 1);
		sodium_free(pass);
	}
	buf_free(&line);
	keypair_free(kp);
	return rc;
}
