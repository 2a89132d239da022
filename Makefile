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
	$(SODIUM_CFLAGS) $(CFLAGS)
NM_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
# Sanitizer build, used by `make check` as a second pass.
SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

LIB_OBJ = $(O)/lib/buf.o $(O)/lib/config.o $(O)/lib/file.o \
	$(O)/lib/html.o $(O)/lib/log.o $(O)/lib/md.o $(O)/lib/report.o
GEN_OBJ = $(O)/gen/main.o $(O)/gen/build.o $(O)/gen/pages.o \
	$(O)/gen/repo.o $(O)/gen/state.o $(O)/gen/tmpl.o
GEN_LIBS = $(GIT_LIBS) $(CMARK_LIBS) $(YAML_LIBS) $(INIH_LIBS) -lpthread

TESTS_LIB = $(O)/tests/test_buf $(O)/tests/test_html $(O)/tests/test_file \
	$(O)/tests/test_config $(O)/tests/test_report $(O)/tests/test_md
TESTS_GEN = $(O)/tests/test_tmpl $(O)/tests/golden
FUZZ = $(O)/tests/fuzz_frontmatter $(O)/tests/fuzz_markdown
TEST_LIBS = $(GEN_LIBS)

HDRS = lib/buf.h lib/config.h lib/file.h lib/html.h lib/log.h lib/md.h \
	lib/nm.h lib/report.h gen/gen.h gen/tmpl.h tests/harness.h

all:
	@test -f config.mk || ./configure
	@$(MAKE) programs

programs: bin/nearmiss-gen

bin/nearmiss-gen: $(O)/bin/nearmiss-gen
	@mkdir -p bin
	cp $(O)/bin/nearmiss-gen $@

$(O)/bin/nearmiss-gen: $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/bin
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ $(GEN_OBJ) $(O)/lib/libnm.a \
	    $(GEN_LIBS)

$(O)/lib/libnm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(O)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(O)/lib
	$(CC) $(NM_CFLAGS) -c -o $@ lib/$*.c

$(O)/gen/%.o: gen/%.c $(HDRS)
	@mkdir -p $(O)/gen
	$(CC) $(NM_CFLAGS) -c -o $@ gen/$*.c

$(O)/tests/test_%: tests/lib/test_%.c $(O)/lib/libnm.a $(HDRS)
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests $(NM_LDFLAGS) -o $@ tests/lib/test_$*.c \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/test_tmpl: tests/gen/test_tmpl.c $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Igen $(NM_LDFLAGS) -o $@ \
	    tests/gen/test_tmpl.c $(O)/gen/tmpl.o $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/golden: tests/gen/golden.c $(GEN_OBJ) $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) -Itests -Igen $(NM_LDFLAGS) -o $@ \
	    tests/gen/golden.c $(O)/gen/build.o $(O)/gen/pages.o \
	    $(O)/gen/repo.o $(O)/gen/state.o $(O)/gen/tmpl.o \
	    $(O)/lib/libnm.a $(TEST_LIBS)

$(O)/tests/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(O)/lib/libnm.a
	@mkdir -p $(O)/tests
	$(CC) $(NM_CFLAGS) $(NM_LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c \
	    tests/fuzz/driver.c $(O)/lib/libnm.a $(TEST_LIBS)

tests: $(O)/bin/nearmiss-gen $(TESTS_LIB) $(TESTS_GEN) $(FUZZ)

# The demo archive, rendered from the committed content/ of this checkout.
site: all
	./bin/nearmiss-gen -r . -p content -t themes/default -o site
	@echo "The demo archive is in site/.  Links end in '/', so view it through"
	@echo "a web server rather than file://, for example:"
	@echo "  python3 -m http.server 8000 --bind 127.0.0.1 --directory site"
	@echo "then open http://127.0.0.1:8000/"

check: all
	@$(MAKE) tests
	@$(MAKE) O=build-san CFLAGS='$(SAN_CFLAGS)' tests
	@sh tests/run.sh build build-san

deps:
	@sh tests/deps.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(DATADIR)/themes
	cp bin/nearmiss-gen $(DESTDIR)$(PREFIX)/bin/
	cp docs/nearmiss-gen.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp docs/nearmiss-theme.5 docs/nearmiss-content.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/
	cp -R themes/default $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nearmiss-gen \
	    $(DESTDIR)$(MANPREFIX)/man1/nearmiss-gen.1 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-theme.5 \
	    $(DESTDIR)$(MANPREFIX)/man5/nearmiss-content.5
	rm -rf $(DESTDIR)$(DATADIR)

dist:
	git archive --prefix=nearmiss-$(VERSION)/ -o nearmiss-$(VERSION).tar.gz HEAD

clean:
	rm -rf build build-san bin site config.mk

.PHONY: all programs tests site check deps install uninstall dist clean
