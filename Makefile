# nearmiss: one non-recursive Makefile.  `make deps site` then `make check`.
# Objects go to $(O)/ (build/ by default, build-san/ for the sanitizer
# build that `make check` also runs); programs to $(O)/bin and bin/.
.POSIX:
.SUFFIXES:

-include config.mk

VERSION = 0.1.0
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/nearmiss
O = build

HARDEN = -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -fcf-protection -Wformat \
	-Werror=format-security
NM_CFLAGS = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(HARDEN) -Ilib -DNM_DATADIR='"$(DATADIR)"' \
	$(GIT_CFLAGS) $(CMARK_CFLAGS) $(YAML_CFLAGS) $(INIH_CFLAGS) \
	$(SODIUM_CFLAGS) $(MHD_CFLAGS) $(ETPAN_CFLAGS) $(STEMMER_CFLAGS) \
	$(CFLAGS)
NM_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
# Sanitizer build, used by `make check` as a second pass.
SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

LIB_OBJ = $(O)/lib/approval.o $(O)/lib/buf.o $(O)/lib/cmd.o \
	$(O)/lib/config.o \
	$(O)/lib/field.o $(O)/lib/file.o $(O)/lib/form.o $(O)/lib/gitlog.o \
	$(O)/lib/html.o \
	$(O)/lib/inbox.o $(O)/lib/keys.o $(O)/lib/log.o $(O)/lib/md.o \
	$(O)/lib/recipients.o $(O)/lib/receipt.o $(O)/lib/receipts.o \
	$(O)/lib/record.o $(O)/lib/render.o $(O)/lib/report.o $(O)/lib/utf8.o
GEN_OBJ = $(O)/gen/main.o $(O)/gen/approvals.o $(O)/gen/build.o \
	$(O)/gen/full.o $(O)/gen/incr.o $(O)/gen/index.o $(O)/gen/ixstate.o \
	$(O)/gen/pages.o $(O)/gen/pool.o \
	$(O)/gen/publish.o $(O)/gen/repo.o $(O)/gen/state.o \
	$(O)/gen/status.o $(O)/gen/tmpl.o $(O)/gen/token.o
GEN_LIBS = $(GIT_LIBS) $(CMARK_LIBS) $(YAML_LIBS) $(INIH_LIBS) \
	$(SODIUM_LIBS) $(STEMMER_LIBS) -lpthread -lm
# review/open.o decrypts: only nearmiss-review links it.
REVIEW_OBJ = $(O)/review/main.o $(O)/review/keygen.o $(O)/review/open.o \
	$(O)/review/rv.o $(O)/review/queue.o $(O)/review/list.o \
	$(O)/review/show.o $(O)/review/reject.o $(O)/review/receive.o \
	$(O)/review/status.o $(O)/review/purge.o $(O)/review/commit.o \
	$(O)/review/lint.o $(O)/review/draft.o $(O)/review/approve.o \
	$(O)/review/init.o $(O)/review/initfiles.o
REVIEW_LIBS = $(GIT_LIBS) $(YAML_LIBS) $(INIH_LIBS) $(CMARK_LIBS) $(SODIUM_LIBS)
# intake links neither libgit2 nor cmark, nor anything that decrypts.
INTAKE_OBJ = $(O)/intake/main.o $(O)/intake/check.o $(O)/intake/conf.o \
	$(O)/intake/imap.o $(O)/intake/mail.o \
	$(O)/intake/purge.o $(O)/intake/reply.o $(O)/intake/serve.o \
	$(MIME_OBJ)
# The e-mail parser (libetpan), also linked into test_mime and fuzz_mail.
MIME_OBJ = $(O)/intake/precheck.o $(O)/intake/extract.o \
	$(O)/intake/html2text.o $(O)/intake/sandbox.o
INTAKE_LIBS = $(MHD_LIBS) $(ETPAN_LIBS) $(INIH_LIBS) $(SODIUM_LIBS) -lpthread

TESTS_LIB = $(O)/tests/test_approval $(O)/tests/test_buf \
	$(O)/tests/test_cmd \
	$(O)/tests/test_html $(O)/tests/test_field $(O)/tests/test_file \
	$(O)/tests/test_config $(O)/tests/test_report $(O)/tests/test_md \
	$(O)/tests/test_form $(O)/tests/test_inbox $(O)/tests/test_keys \
	$(O)/tests/test_recipients $(O)/tests/test_record \
	$(O)/tests/test_render $(O)/tests/test_receipts \
	$(O)/tests/test_receipt $(O)/tests/test_utf8
TESTS_GEN = $(O)/tests/test_tmpl $(O)/tests/golden $(O)/tests/test_token
TESTS_REVIEW = $(O)/tests/test_open $(O)/tests/test_rv $(O)/tests/test_commit
TESTS_INTAKE = $(O)/tests/test_conf $(O)/tests/test_mime $(O)/tests/nm-mailx
# Tools the shell suites call (not named test_*, so run.sh skips them).
TESTS_TOOLS = $(O)/tests/nm-decrypt $(O)/tests/nm-receipt $(O)/tests/nm-sign \
	$(O)/tests/nm-mkitem $(O)/tests/nm-reportcheck $(O)/tests/nm-slowclients
FUZZ = $(O)/tests/fuzz_frontmatter $(O)/tests/fuzz_markdown \
	$(O)/tests/fuzz_form $(O)/tests/fuzz_record \
	$(O)/tests/fuzz_recipients $(O)/tests/fuzz_item $(O)/tests/fuzz_mail \
	$(O)/tests/fuzz_receipts $(O)/tests/fuzz_approvals \
	$(O)/tests/fuzz_lint $(O)/tests/fuzz_keys $(O)/tests/fuzz_token \
	$(O)/tests/fuzz_ixdoc
TEST_LIBS = $(GEN_LIBS) $(ETPAN_LIBS)

HDRS = lib/buf.h lib/cmd.h lib/config.h lib/field.h lib/file.h lib/form.h lib/gitlog.h \
	lib/html.h lib/approval.h lib/inbox.h lib/keys.h lib/log.h lib/md.h \
	lib/nm.h lib/recipients.h lib/receipt.h lib/receipts.h lib/record.h \
	lib/render.h lib/report.h lib/utf8.h gen/build.h gen/gen.h gen/tmpl.h \
	gen/index.h gen/ixint.h gen/token.h \
	review/commit.h \
	review/open.h review/queue.h review/review.h review/rv.h review/lint.h \
	intake/conf.h intake/intake.h intake/mime.h intake/mimeint.h tests/harness.h

all:
	@if [ ! -f config.mk ] || [ configure -nt config.mk ]; then \
	    ./configure; fi
	@$(MAKE) programs

programs: bin/nearmiss-gen bin/nearmiss-intake bin/nearmiss-review

bin/nearmiss-gen: $(O)/bin/nearmiss-gen
	@mkdir -p bin
	cp $(O)/bin/nearmiss-gen $@

$(O)/bin/nearmiss-gen: $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(GEN_OBJ) $(O)/lib/libnm.a \
	    $(GEN_LIBS)

bin/nearmiss-intake: $(O)/bin/nearmiss-intake
	@mkdir -p bin
	cp $(O)/bin/nearmiss-intake $@

$(O)/bin/nearmiss-intake: $(INTAKE_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(INTAKE_OBJ) $(O)/lib/libnm.a \
	    $(INTAKE_LIBS)

bin/nearmiss-review: $(O)/bin/nearmiss-review
	@mkdir -p bin
	cp $(O)/bin/nearmiss-review $@

# The lint's data goes beside the build's bin/ too ($(O)/data), where
# the program looks for it (../data beside itself).
LINT_DATA = data/given-names.txt data/places.txt data/agency-words.txt \
	data/titles.txt
$(O)/bin/nearmiss-review: $(REVIEW_OBJ) $(O)/lib/libnm.a $(LINT_DATA)
	@mkdir -p $(O)/bin $(O)/data
	cp $(LINT_DATA) $(O)/data/
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(REVIEW_OBJ) $(O)/lib/libnm.a \
	    $(REVIEW_LIBS)

$(O)/lib/libnm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(O)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(O)/lib
	$(CC) $(NM_CFLAGS) -c -o $@ lib/$*.c

$(O)/gen/%.o: gen/%.c $(HDRS)
	@mkdir -p $(O)/gen
	$(CC) $(NM_CFLAGS) -c -o $@ gen/$*.c

$(O)/intake/%.o: intake/%.c $(HDRS)
	@mkdir -p $(O)/intake
	$(CC) $(NM_CFLAGS) -c -o $@ intake/$*.c

$(O)/review/%.o: review/%.c $(HDRS)
	@mkdir -p $(O)/review
	$(CC) $(NM_CFLAGS) -c -o $@ review/$*.c

# The starting files of `nearmiss-review init`, built into the program.
$(O)/review/initfiles.o: review/init/embed.sh review/init/dot-gitattributes \
    review/init/content/nearmiss.ini review/init/content/receipts \
    review/init/content/reviewers review/init/content/pages/about.md \
    review/init/content/pages/privacy.md review/init/content/pages/submit.md
	@mkdir -p $(O)/review
	sh review/init/embed.sh review/init dot-gitattributes \
	    content/nearmiss.ini content/receipts content/reviewers \
	    content/pages/about.md content/pages/privacy.md \
	    content/pages/submit.md \
	    >$(O)/review/initfiles.c
	$(CC) $(NM_CFLAGS) -c -o $@ $(O)/review/initfiles.c

$(O)/tests/test_commit: tests/review/test_commit.c $(O)/review/commit.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Ireview $(NM_LDFLAGS) -o $@ \
	    tests/review/test_commit.c $(O)/review/commit.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/test_open: tests/review/test_open.c $(O)/review/open.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Ireview $(NM_LDFLAGS) -o $@ \
	    tests/review/test_open.c $(O)/review/open.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/test_rv: tests/review/test_rv.c $(O)/review/rv.o \
    $(O)/review/open.o $(O)/review/queue.o $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Ireview $(NM_LDFLAGS) -o $@ \
	    tests/review/test_rv.c $(O)/review/rv.o $(O)/review/open.o \
	    $(O)/review/queue.o $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/nm-reportcheck: tests/review/reportcheck.c $(O)/lib/libnm.a \
    $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests $(NM_LDFLAGS) -o $@ \
	    tests/review/reportcheck.c $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/nm-mkitem: tests/review/mkitem.c $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests $(NM_LDFLAGS) -o $@ tests/review/mkitem.c \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/nm-decrypt: tests/intake/decrypt.c $(O)/review/open.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Ireview $(NM_LDFLAGS) -o $@ \
	    tests/intake/decrypt.c $(O)/review/open.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/nm-sign: tests/gen/nm-sign.c $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ tests/gen/nm-sign.c \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/nm-receipt: tests/gen/nm-receipt.c $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ tests/gen/nm-receipt.c \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/test_mime: tests/intake/test_mime.c $(MIME_OBJ) \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Iintake $(NM_LDFLAGS) -o $@ \
	    tests/intake/test_mime.c $(MIME_OBJ) $(O)/lib/libnm.a \
	    $(TEST_LIBS)

# The slow-client attack of tests/intake/slow.sh and bench/slow.sh.
$(O)/tests/nm-slowclients: tests/intake/slowclients.c
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ tests/intake/slowclients.c

$(O)/tests/test_conf: tests/intake/test_conf.c $(O)/intake/conf.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Iintake $(NM_LDFLAGS) -o $@ \
	    tests/intake/test_conf.c $(O)/intake/conf.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/nm-mailx: tests/intake/mailx.c $(MIME_OBJ) $(O)/lib/libnm.a \
    $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Iintake $(NM_LDFLAGS) -o $@ \
	    tests/intake/mailx.c $(MIME_OBJ) $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/fuzz_mail: tests/fuzz/fuzz_mail.c tests/fuzz/driver.c \
    $(MIME_OBJ) $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Iintake $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_mail.c \
	    tests/fuzz/driver.c $(MIME_OBJ) $(O)/lib/libnm.a $(TEST_LIBS)

# The lint reads its word lists from ../data beside the binary.
$(O)/tests/fuzz_lint: tests/fuzz/fuzz_lint.c tests/fuzz/driver.c \
    $(O)/review/lint.o $(O)/lib/libnm.a $(LINT_DATA) $(HDRS)
	@mkdir -p $(O)/tests $(O)/data
	cp $(LINT_DATA) $(O)/data/
	$(CC) $(NM_CFLAGS) -Ireview $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_lint.c \
	    tests/fuzz/driver.c $(O)/review/lint.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/fuzz_item: tests/fuzz/fuzz_item.c tests/fuzz/driver.c \
    $(O)/review/open.o $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Ireview $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_item.c \
	    tests/fuzz/driver.c $(O)/review/open.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/test_%: tests/lib/test_%.c $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests $(NM_LDFLAGS) -o $@ tests/lib/test_$*.c \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/test_tmpl: tests/gen/test_tmpl.c $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Igen $(NM_LDFLAGS) -o $@ \
	    tests/gen/test_tmpl.c $(O)/gen/tmpl.o $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/test_token: tests/gen/test_token.c $(O)/gen/token.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Igen $(NM_LDFLAGS) -o $@ \
	    tests/gen/test_token.c $(O)/gen/token.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

$(O)/tests/fuzz_token: tests/fuzz/fuzz_token.c tests/fuzz/driver.c \
    $(O)/gen/token.o $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Igen $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_token.c \
	    tests/fuzz/driver.c $(O)/gen/token.o $(O)/lib/libnm.a \
	    $(TEST_LIBS)

# The reader of the index cache's documents; index.o needs the
# tokenizer and publish.o's file helpers to link.
$(O)/tests/fuzz_ixdoc: tests/fuzz/fuzz_ixdoc.c tests/fuzz/driver.c \
    $(O)/gen/index.o $(O)/gen/ixstate.o $(O)/gen/token.o $(O)/gen/publish.o \
    $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Igen $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_ixdoc.c \
	    tests/fuzz/driver.c $(O)/gen/index.o $(O)/gen/ixstate.o \
	    $(O)/gen/token.o \
	    $(O)/gen/publish.o $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/golden: tests/gen/golden.c $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Igen $(NM_LDFLAGS) -o $@ \
	    tests/gen/golden.c $(O)/gen/approvals.o $(O)/gen/build.o \
	    $(O)/gen/full.o $(O)/gen/incr.o $(O)/gen/index.o \
	    $(O)/gen/ixstate.o $(O)/gen/pages.o $(O)/gen/token.o \
	    $(O)/gen/pool.o $(O)/gen/publish.o $(O)/gen/repo.o \
	    $(O)/gen/state.o $(O)/gen/status.o $(O)/gen/tmpl.o \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c \
	    tests/fuzz/driver.c $(O)/lib/libnm.a $(TEST_LIBS)

tests: $(O)/bin/nearmiss-gen $(O)/bin/nearmiss-intake \
    $(O)/bin/nearmiss-review $(TESTS_LIB) \
    $(TESTS_GEN) $(TESTS_REVIEW) $(TESTS_INTAKE) $(TESTS_TOOLS) $(FUZZ)

# The demo archive, rendered from the committed content/ of this checkout.
site: all
	./bin/nearmiss-gen -r . -p content -t themes/default -o site
	@echo "The demo archive is in site/.  Links end in '/', so view it through"
	@echo "a web server rather than file://, for example:"
	@echo "  python3 -m http.server 8000 --bind 127.0.0.1 --directory site"
	@echo "then open http://127.0.0.1:8000/"

# DEMO ONLY: re-sign the demo reports with the demo reviewer keys after an
# edit (docs/examples/demo-keys/README); writes content/approvals/.
sign-demo: all
	sh docs/examples/demo-keys/sign-demo.sh

check: all
	@$(MAKE) tests
	@$(MAKE) O=build-san CFLAGS='$(SAN_CFLAGS)' tests
	@sh tests/run.sh build build-san

deps:
	@sh tests/deps.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man8 \
	    $(DESTDIR)$(DATADIR)/themes
	cp bin/nearmiss-gen bin/nearmiss-intake bin/nearmiss-review \
	    $(DESTDIR)$(PREFIX)/bin/
	cp docs/nearmiss-gen.1 docs/nearmiss-review.1 \
	    $(DESTDIR)$(MANPREFIX)/man1/
	cp docs/nearmiss-theme.5 docs/nearmiss-content.5 \
	    docs/nearmiss-inbox.5 docs/nearmiss-index.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/
	cp docs/nearmiss-intake.8 $(DESTDIR)$(MANPREFIX)/man8/
	cp -R themes/default $(DESTDIR)$(DATADIR)/themes/
	cp $(LINT_DATA) $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nearmiss-gen \
	    $(DESTDIR)$(PREFIX)/bin/nearmiss-intake \
	    $(DESTDIR)$(PREFIX)/bin/nearmiss-review \
	    $(DESTDIR)$(MANPREFIX)/man1/nearmiss-gen.1 \
	    $(DESTDIR)$(MANPREFIX)/man1/nearmiss-review.1 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-theme.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-content.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-inbox.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-index.5 \
	    $(DESTDIR)$(MANPREFIX)/man8/nearmiss-intake.8
	rm -rf $(DESTDIR)$(DATADIR)

dist:
	git archive --prefix=nearmiss-$(VERSION)/ -o nearmiss-$(VERSION).tar.gz HEAD

clean:
	rm -rf build build-san bin site config.mk

.PHONY: all programs tests site sign-demo check deps install uninstall dist clean
