# nearmiss: one non-recursive Makefile, for GNU make (it uses pattern
# rules, -include, $(foreach) and $(eval)).  `make deps site`, then
# `make check`.  Objects go to $(O)/ (build/ by default, build-san/ for
# the sanitizer build that `make check` also runs); programs to $(O)/bin
# and bin/.  The compiler writes each object's header dependencies
# (-MMD) to a .d file beside it, read back at the end of this file.
.SUFFIXES:
.DELETE_ON_ERROR:

# The version is set here and nowhere else: the programs get it as
# -DNM_VERSION (lib/nm.h), `make dist` names the archive with it.
VERSION = 0.1.0
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/nearmiss
O = build

# After the defaults, so that what ./configure wrote wins over them (and
# the command line over both).
-include config.mk

HARDEN = -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -fcf-protection -Wformat \
	-Werror=format-security
NM_CFLAGS = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(HARDEN) -Ilib -DNM_VERSION='"$(VERSION)"' \
	-DNM_DATADIR='"$(DATADIR)"' \
	$(GIT_CFLAGS) $(CMARK_CFLAGS) $(YAML_CFLAGS) $(INIH_CFLAGS) \
	$(SODIUM_CFLAGS) $(MHD_CFLAGS) $(ETPAN_CFLAGS) $(STEMMER_CFLAGS) \
	$(CFLAGS)
NM_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
DEPFLAGS = -MMD -MP
VERSION_STAMP = $(O)/version-$(VERSION)
# Sanitizer build, used by `make check` as a second pass.
SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

LIBNM = $(O)/lib/libnm.a
LIB_OBJ = $(O)/lib/approval.o $(O)/lib/buf.o $(O)/lib/cmd.o \
	$(O)/lib/config.o \
	$(O)/lib/field.o $(O)/lib/file.o $(O)/lib/form.o $(O)/lib/gitlog.o \
	$(O)/lib/html.o \
	$(O)/lib/inbox.o $(O)/lib/keys.o $(O)/lib/log.o $(O)/lib/md.o \
	$(O)/lib/recipients.o $(O)/lib/receipt.o $(O)/lib/receipts.o \
	$(O)/lib/record.o $(O)/lib/render.o $(O)/lib/report.o $(O)/lib/utf8.o
GEN_OBJ = $(O)/gen/main.o $(O)/gen/approvals.o $(O)/gen/build.o \
	$(O)/gen/full.o $(O)/gen/incr.o $(O)/gen/index.o $(O)/gen/ixstate.o \
	$(O)/gen/opendata.o $(O)/gen/pages.o $(O)/gen/pool.o $(O)/gen/related.o \
	$(O)/gen/publish.o $(O)/gen/repo.o $(O)/gen/state.o \
	$(O)/gen/stats.o $(O)/gen/status.o $(O)/gen/termstat.o \
	$(O)/gen/tmpl.o $(O)/gen/token.o $(O)/gen/week.o $(O)/gen/digest.o
GEN_LIBS = $(GIT_LIBS) $(CMARK_LIBS) $(YAML_LIBS) $(INIH_LIBS) \
	$(SODIUM_LIBS) $(STEMMER_LIBS) -lpthread -lm
# review/open.o decrypts: only nearmiss-review links it.
REVIEW_OBJ = $(O)/review/main.o $(O)/review/keygen.o $(O)/review/open.o \
	$(O)/review/rv.o $(O)/review/queue.o $(O)/review/list.o \
	$(O)/review/show.o $(O)/review/reject.o $(O)/review/receive.o \
	$(O)/review/status.o $(O)/review/purge.o $(O)/review/commit.o \
	$(LINT_OBJ) $(O)/review/draft.o $(O)/review/approve.o \
	$(O)/review/init.o $(O)/review/initfiles.o $(O)/review/merge.o \
	$(O)/review/decided.o $(O)/review/diff.o $(O)/review/fetch.o \
	$(O)/review/withdraw.o
# The de-identification check, also linked into test_lint and fuzz_lint.
LINT_OBJ = $(O)/review/lint.o $(O)/review/lint_accept.o \
	$(O)/review/lint_dict.o $(O)/review/lint_rules.o \
	$(O)/review/lint_scan.o
REVIEW_LIBS = $(GIT_LIBS) $(YAML_LIBS) $(INIH_LIBS) $(CMARK_LIBS) $(SODIUM_LIBS)
# The starting files of `nearmiss-review init`, built into the program
# by review/init/embed.sh.
INIT_FILES = review/init/dot-gitattributes \
	review/init/content/nearmiss.ini review/init/content/receipts \
	review/init/content/reviewers review/init/content/pages/about.md \
	review/init/content/pages/privacy.md review/init/content/pages/submit.md
# intake links neither libgit2 nor cmark, nor anything that decrypts.
INTAKE_OBJ = $(O)/intake/main.o $(O)/intake/check.o $(O)/intake/conf.o \
	$(O)/intake/imap.o $(O)/intake/mail.o \
	$(O)/intake/purge.o $(O)/intake/reply.o $(O)/intake/serve.o \
	$(O)/intake/ssh.o $(O)/intake/sshcmd.o $(MIME_OBJ)
# The e-mail parser (libetpan), also linked into test_mime and fuzz_mail.
MIME_OBJ = $(O)/intake/precheck.o $(O)/intake/extract.o \
	$(O)/intake/html2text.o $(O)/intake/sandbox.o
INTAKE_LIBS = $(MHD_LIBS) $(ETPAN_LIBS) $(INIH_LIBS) $(SODIUM_LIBS) -lpthread

# The lint's data goes beside the build's bin/ too ($(O)/data), where
# the program looks for it (../data beside itself).
LINT_DATA = data/given-names.txt data/places.txt data/agency-words.txt \
	data/titles.txt data/models.txt data/measure-words.txt \
	data/closings.txt data/holidays.txt data/tlds.txt \
	data/common-words.txt data/businesses.txt

# Test programs, in $(T).  $(T)/NAME links the objects of NAME_OBJ, then
# libnm.a and $(TEST_LIBS); the objects of tests/FILE.c are $(T)/FILE.o.
T = $(O)/tests
TESTS_LIB = $(T)/test_approval $(T)/test_buf $(T)/test_cmd \
	$(T)/test_html $(T)/test_field $(T)/test_file \
	$(T)/test_config $(T)/test_report $(T)/test_md \
	$(T)/test_form $(T)/test_inbox $(T)/test_keys \
	$(T)/test_recipients $(T)/test_record \
	$(T)/test_render $(T)/test_receipts \
	$(T)/test_receipt $(T)/test_utf8
TESTS_GEN = $(T)/test_tmpl $(T)/golden $(T)/test_token
TESTS_REVIEW = $(T)/test_open $(T)/test_rv $(T)/test_commit \
	$(T)/test_lint
TESTS_INTAKE = $(T)/test_conf $(T)/test_mime $(T)/nm-mailx
# Tools the shell suites call (not named test_*, so run.sh skips them).
TESTS_TOOLS = $(T)/nm-decrypt $(T)/nm-receipt $(T)/nm-sign \
	$(T)/nm-mkitem $(T)/nm-reportcheck $(T)/nm-slowclients
FUZZ = $(T)/fuzz_frontmatter $(T)/fuzz_markdown \
	$(T)/fuzz_form $(T)/fuzz_record \
	$(T)/fuzz_recipients $(T)/fuzz_item $(T)/fuzz_mail \
	$(T)/fuzz_receipts $(T)/fuzz_approvals \
	$(T)/fuzz_lint $(T)/fuzz_keys $(T)/fuzz_token \
	$(T)/fuzz_ixdoc $(T)/fuzz_ixstate $(T)/fuzz_sshcmd \
	$(T)/fuzz_related $(T)/fuzz_config $(T)/fuzz_datapatch \
	$(T)/fuzz_datapend
TESTS_ALL = $(TESTS_LIB) $(TESTS_GEN) $(TESTS_REVIEW) $(TESTS_INTAKE) \
	$(TESTS_TOOLS) $(FUZZ)
TEST_LIBS = $(GEN_LIBS) $(ETPAN_LIBS)
# The objects of tests/ see the headers of the folders they test.
$(T)/%.o: TEST_INC = -Itests -Igen -Iintake -Ireview

# Each test's objects.  A test of lib/ is one source and a fuzz target
# one source and the standalone driver, unless named here.
FUZZ_DRIVER = $(T)/fuzz/driver.o
test_tmpl_OBJ = $(T)/gen/test_tmpl.o $(O)/gen/tmpl.o
test_token_OBJ = $(T)/gen/test_token.o $(O)/gen/token.o
golden_OBJ = $(T)/gen/golden.o $(filter-out $(O)/gen/main.o,$(GEN_OBJ))
test_open_OBJ = $(T)/review/test_open.o $(O)/review/open.o
test_rv_OBJ = $(T)/review/test_rv.o $(O)/review/rv.o $(O)/review/open.o \
	$(O)/review/queue.o
test_commit_OBJ = $(T)/review/test_commit.o $(O)/review/commit.o
test_lint_OBJ = $(T)/review/test_lint.o $(LINT_OBJ)
test_conf_OBJ = $(T)/intake/test_conf.o $(O)/intake/conf.o
test_mime_OBJ = $(T)/intake/test_mime.o $(MIME_OBJ)
nm-mailx_OBJ = $(T)/intake/mailx.o $(MIME_OBJ)
nm-decrypt_OBJ = $(T)/intake/decrypt.o $(O)/review/open.o
nm-receipt_OBJ = $(T)/gen/nm-receipt.o
nm-sign_OBJ = $(T)/gen/nm-sign.o
nm-mkitem_OBJ = $(T)/review/mkitem.o
nm-reportcheck_OBJ = $(T)/review/reportcheck.o
# The slow-client attack of tests/intake/slow.sh and bench/slow.sh.
nm-slowclients_OBJ = $(T)/intake/slowclients.o
fuzz_mail_OBJ = $(T)/fuzz/fuzz_mail.o $(FUZZ_DRIVER) $(MIME_OBJ)
fuzz_lint_OBJ = $(T)/fuzz/fuzz_lint.o $(FUZZ_DRIVER) $(LINT_OBJ)
fuzz_item_OBJ = $(T)/fuzz/fuzz_item.o $(FUZZ_DRIVER) $(O)/review/open.o
fuzz_token_OBJ = $(T)/fuzz/fuzz_token.o $(FUZZ_DRIVER) $(O)/gen/token.o
# The reader of the index cache's documents; index.o needs the
# tokenizer and publish.o's file helpers to link.
fuzz_ixdoc_OBJ = $(T)/fuzz/fuzz_ixdoc.o $(FUZZ_DRIVER) $(O)/gen/index.o \
	$(O)/gen/ixstate.o $(O)/gen/token.o $(O)/gen/publish.o
# The allow-list of nearmiss-intake ssh.
fuzz_sshcmd_OBJ = $(T)/fuzz/fuzz_sshcmd.o $(FUZZ_DRIVER) $(O)/intake/sshcmd.o
fuzz_ixstate_OBJ = $(T)/fuzz/fuzz_ixstate.o $(FUZZ_DRIVER) $(O)/gen/index.o \
	$(O)/gen/ixstate.o $(O)/gen/token.o $(O)/gen/publish.o
# The reader of OUTDIR.related; related.o renders slots, so all of gen.
fuzz_related_OBJ = $(T)/fuzz/fuzz_related.o $(FUZZ_DRIVER) \
	$(filter-out $(O)/gen/main.o,$(GEN_OBJ))
# The splitter of the open data's old files; opendata.o needs all of gen.
fuzz_datapatch_OBJ = $(T)/fuzz/fuzz_datapatch.o $(FUZZ_DRIVER) \
	$(filter-out $(O)/gen/main.o,$(GEN_OBJ))
# The reader of OUTDIR.data; opendata.o needs all of gen.
fuzz_datapend_OBJ = $(T)/fuzz/fuzz_datapend.o $(FUZZ_DRIVER) \
	$(filter-out $(O)/gen/main.o,$(GEN_OBJ))
$(foreach t,$(notdir $(TESTS_LIB)),$(eval $(t)_OBJ ?= $(T)/lib/$(t).o))
$(foreach t,$(notdir $(FUZZ)),\
    $(eval $(t)_OBJ ?= $(T)/fuzz/$(t).o $(FUZZ_DRIVER)))
$(foreach t,$(notdir $(TESTS_ALL)),\
    $(if $($(t)_OBJ),,$(error $(t) is in a test list but $(t)_OBJ is empty)))

all:
	@if [ ! -f config.mk ] || [ configure -nt config.mk ]; then \
	    ./configure; fi
	@$(MAKE) programs

# bin/ holds the default build's programs; another build folder (O=)
# leaves them alone, so that a second build never swaps them under a
# running test or benchmark.
ifeq ($(O),build)
programs: bin/nearmiss-gen bin/nearmiss-intake bin/nearmiss-review
else
programs: $(O)/bin/nearmiss-gen $(O)/bin/nearmiss-intake \
    $(O)/bin/nearmiss-review
endif

bin/nearmiss-gen: $(O)/bin/nearmiss-gen
	@mkdir -p bin
	cp $(O)/bin/nearmiss-gen $@

$(O)/bin/nearmiss-gen: $(GEN_OBJ) $(LIBNM)
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(GEN_OBJ) $(LIBNM) $(GEN_LIBS)

bin/nearmiss-intake: $(O)/bin/nearmiss-intake
	@mkdir -p bin
	cp $(O)/bin/nearmiss-intake $@

$(O)/bin/nearmiss-intake: $(INTAKE_OBJ) $(LIBNM)
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(INTAKE_OBJ) $(LIBNM) \
	    $(INTAKE_LIBS)

bin/nearmiss-review: $(O)/bin/nearmiss-review
	@mkdir -p bin
	cp $(O)/bin/nearmiss-review $@

$(O)/bin/nearmiss-review: $(REVIEW_OBJ) $(LIBNM) $(LINT_DATA:%=$(O)/%)
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(REVIEW_OBJ) $(LIBNM) \
	    $(REVIEW_LIBS)

$(O)/data/%: data/%
	@mkdir -p $(@D)
	cp data/$* $@

$(LIBNM): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# Every object depends on the empty file $(O)/version-$(VERSION), so that
# a new version rebuilds them all and --version never disagrees with
# `make dist`.
$(VERSION_STAMP):
	@mkdir -p $(O)
	@rm -f $(O)/version-*
	@touch $@

# Every object, from the source of the same path below the top.
$(O)/%.o: %.c $(VERSION_STAMP)
	@mkdir -p $(@D)
	$(CC) $(NM_CFLAGS) $(TEST_INC) $(DEPFLAGS) -c -o $@ $<

$(O)/review/initfiles.c: review/init/embed.sh $(INIT_FILES)
	@mkdir -p $(@D)
	sh review/init/embed.sh review/init $(INIT_FILES:review/init/%=%) >$@

$(O)/review/initfiles.o: $(O)/review/initfiles.c $(VERSION_STAMP)
	$(CC) $(NM_CFLAGS) $(DEPFLAGS) -c -o $@ $(O)/review/initfiles.c

# One link rule for every test program; its objects come from NAME_OBJ.
$(foreach t,$(notdir $(TESTS_ALL)),\
    $(eval $(T)/$(t): $$($(t)_OBJ) $$(LIBNM)))
# The lint reads its word lists from ../data beside the binary.
$(T)/fuzz_lint: $(LINT_DATA:%=$(O)/%)
$(TESTS_ALL):
	@mkdir -p $(@D)
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(filter %.o %.a,$^) \
	    $(TEST_LIBS)

tests: $(O)/bin/nearmiss-gen $(O)/bin/nearmiss-intake \
    $(O)/bin/nearmiss-review $(TESTS_ALL)

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

# The Debian package (debian/), built with debhelper from a copy of the
# files git knows in this tree (committed or not, minus the ignored ones),
# so that the build never touches build/ or bin/ here.  The result is
# $(O)/deb/nearmiss_$(VERSION)_*.deb; check it with
# `lintian $(O)/deb/nearmiss_$(VERSION)_*.changes`.
DEB_TREE = $(O)/deb/nearmiss-$(VERSION)
deb:
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
	    { echo "deb: debian/changelog is at $$v, the Makefile at" \
	    "$(VERSION): add an entry (dch -v $(VERSION))" >&2; exit 1; }
	rm -rf $(O)/deb
	mkdir -p $(DEB_TREE)
	git ls-files -z --cached --others --exclude-standard | \
	    tar --null --ignore-failed-read -T - -cf - | tar -xf - -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	@ls $(O)/deb/*.deb

dist:
	git archive --prefix=nearmiss-$(VERSION)/ -o nearmiss-$(VERSION).tar.gz HEAD

clean:
	rm -rf build build-san bin site config.mk

.PHONY: all programs tests site sign-demo check deps install uninstall deb \
	dist clean

# The header dependencies that the compiler wrote (-MMD -MP).
-include $(sort $(patsubst %.o,%.d,$(filter %.o,$(LIB_OBJ) $(GEN_OBJ) \
    $(INTAKE_OBJ) $(REVIEW_OBJ) \
    $(foreach t,$(notdir $(TESTS_ALL)),$($(t)_OBJ)))))
