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

/* intake/purge.c: nearmiss-intake purge -i INBOX --days N */
int	cmd_purge(int argc, char *argv[]);

/*
 * intake/serve.c: nearmiss-intake serve [-c CONFIG] [-l ADDR:PORT]
 * -i INBOX -k RECIPIENTS -t TAXONOMY [-u USER] [-o ORIGIN] ...
 */
int	cmd_serve(int argc, char *argv[]);

/* intake/main.c */
void	intake_usage(void);

#endif /* NM_INTAKE_H */
