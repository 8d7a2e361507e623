# githerd — parallel git cloner.  Plain make; see README.md.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	  -Wmissing-declarations -Wshadow -Wpointer-arith -Wsign-compare \
	  -Wformat=2
STD	= -std=c11 -D_XOPEN_SOURCE=700
MIN_LIBGIT2 = 1.7.0

# Resolved lazily so that `make deps` / `make check` can install them first.
PKG_CFLAGS = $(shell pkg-config --cflags libgit2 libssh2 yaml-0.1 expat)
# libunistring has no .pc file on Debian: NFC and case folding of paths.
UNISTRING_LIBS = -lunistring
PKG_LIBS   = $(shell pkg-config --libs libgit2 libssh2 yaml-0.1 expat) $(UNISTRING_LIBS)
CRIT_FLAGS = $(shell pkg-config --cflags --libs criterion)

# BUILD is the object directory; `make asan` builds into build-asan/.
BUILD	?= build
SAN	?=
CFLAGS_ALL = $(STD) $(WARN) $(CFLAGS) $(SAN) -Iinclude -MMD -MP

# The layout is the fork boundary: src/common is used by both
# sides, src/parent is the single-threaded parent, src/worker runs only
# after fork() and is the only place that includes <git2.h>.  Each side
# sees its own headers and include/ only, and `make check-layers` links
# common + parent without libgit2, so the linker checks the rule.
COMMON_SRCS = $(sort $(wildcard src/common/*.c))
PARENT_SRCS = $(sort $(wildcard src/parent/*.c))
WORKER_SRCS = $(sort $(wildcard src/worker/*.c))
COMMON_OBJS = $(COMMON_SRCS:src/%.c=$(BUILD)/%.o)
PARENT_OBJS = $(PARENT_SRCS:src/%.c=$(BUILD)/%.o)
WORKER_OBJS = $(WORKER_SRCS:src/%.c=$(BUILD)/%.o)
MAIN_OBJ    = $(BUILD)/main.o
ALL_OBJS    = $(COMMON_OBJS) $(PARENT_OBJS) $(WORKER_OBJS) $(MAIN_OBJ)
# Unit tests link only common + parent: Debian's Criterion itself links
# libgit2 1.5, which must not meet our 1.8 in one process.
UNIT_OBJS   = $(COMMON_OBJS) $(PARENT_OBJS)
PARENT_LIBS = $(shell pkg-config --libs yaml-0.1 expat) $(UNISTRING_LIBS)

# One binary per tests/unit/test_<module>.c.
UNIT_TESTS = $(patsubst tests/unit/test_%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
UNIT_BINS  = $(UNIT_TESTS:%=$(BUILD)/tests/test_%)

PROG	= githerd
MANS	= man/githerd.1 man/githerd.yaml.5

.PHONY: all deps check check-all check-unit check-integration check-faults asan demo bench \
	install uninstall clean lint version-check unit-tests check-layers seams

all: version-check $(PROG)

version-check:
	@pkg-config --exists libgit2 || { \
	  echo "githerd: libgit2 not found (run scripts/install-deps.sh as root)" >&2; exit 1; }
	@pkg-config --atleast-version=$(MIN_LIBGIT2) libgit2 || { \
	  echo "githerd: libgit2 $$(pkg-config --modversion libgit2) is too old:" \
	       "githerd needs >= $(MIN_LIBGIT2) (shallow clones, timeouts)." >&2; \
	  echo "  On Debian 12 run scripts/install-deps.sh (bookworm-backports has 1.8)." >&2; \
	  exit 1; }

$(PROG): $(ALL_OBJS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

$(BUILD)/common/%.o: src/common/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/parent/%.o: src/parent/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isrc/parent -c -o $@ $<

$(BUILD)/worker/%.o: src/worker/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isrc/worker $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/main.o: src/main.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isrc/parent -c -o $@ $<

# The test build: githerd with its test seams (include/seams.h) on.  Only
# the files that include seams.h are compiled again, into $(BUILD)/seams/.
SEAM_SRCS = $(shell grep -l '"seams.h"' src/*/*.c)
SEAM_OBJS = $(SEAM_SRCS:src/%.c=$(BUILD)/seams/%.o)
SEAMS_BIN = $(BUILD)/githerd-seams

$(SEAMS_BIN): $(filter-out $(SEAM_SRCS:src/%.c=$(BUILD)/%.o),$(ALL_OBJS)) $(SEAM_OBJS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

$(BUILD)/seams/common/%.o: src/common/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DGITHERD_TEST_SEAMS -c -o $@ $<

$(BUILD)/seams/parent/%.o: src/parent/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DGITHERD_TEST_SEAMS -Isrc/parent -c -o $@ $<

$(BUILD)/seams/worker/%.o: src/worker/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DGITHERD_TEST_SEAMS -Isrc/worker $(PKG_CFLAGS) -c -o $@ $<

seams: $(SEAMS_BIN)

# The linker's half of the rule: common + parent link without libgit2
# (or the worker), so any git_*() or worker function called from the
# parent's side is an undefined symbol here.
$(BUILD)/layers: tests/layers/stub.c $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(PARENT_LIBS)

check-layers: $(BUILD)/layers $(PROG)
	@if grep -rln '<git2' src/common src/parent include; then \
	  echo "check-layers: libgit2 headers on the parent's side (above)" >&2; \
	  exit 1; fi
	@if grep -q GITHERD_TEST_ $(PROG); then \
	  echo "check-layers: $(PROG) reads a test seam (include/seams.h)" >&2; \
	  exit 1; fi
	@python3 tests/layers/includes.py src/common src/parent src/worker
	@# The rule must bite: a parent object calling libgit2 may not link.
	@printf 'int git_libgit2_version(int *, int *, int *);\nint probe(void);\nint probe(void) { return git_libgit2_version(0, 0, 0); }\n' \
	    >$(BUILD)/layers-probe.c
	@$(CC) $(CFLAGS_ALL) -c -o $(BUILD)/layers-probe.o $(BUILD)/layers-probe.c
	@if $(CC) -o $(BUILD)/layers-probe tests/layers/stub.c $(BUILD)/layers-probe.o \
	    $(UNIT_OBJS) $(PARENT_LIBS) 2>/dev/null; then \
	  echo "check-layers: a libgit2 call on the parent's side linked" >&2; \
	  exit 1; fi
	@echo "check-layers: common and parent link without libgit2"

# What unit tests share (tests/unit/lib: a scratch directory per test).
TEST_LIB_OBJS = $(patsubst tests/unit/lib/%.c,$(BUILD)/tests/lib/%.o,$(wildcard tests/unit/lib/*.c))
TEST_CFLAGS = $(CFLAGS_ALL) -Isrc/parent -Itests/unit/lib

$(BUILD)/tests/lib/%.o: tests/unit/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

# hostkey.c needs libssh2 but not libgit2: its test links it alone.
$(BUILD)/tests/test_hostkey: tests/unit/test_hostkey.c $(BUILD)/worker/hostkey.o $(UNIT_OBJS) $(TEST_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Isrc/worker -o $@ $< \
	    $(BUILD)/worker/hostkey.o $(UNIT_OBJS) $(TEST_LIB_OBJS) \
	    $(PARENT_LIBS) $(shell pkg-config --libs libssh2) $(CRIT_FLAGS)

# The system bundle is a seam: its test stands a CA of its own in for it.
$(BUILD)/tests/test_cabundle: tests/unit/test_cabundle.c $(BUILD)/seams/common/cabundle.o \
    $(filter-out $(BUILD)/common/cabundle.o,$(UNIT_OBJS)) $(TEST_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(filter %.o,$^) $(PARENT_LIBS) $(CRIT_FLAGS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(UNIT_OBJS) $(TEST_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(UNIT_OBJS) $(TEST_LIB_OBJS) $(PARENT_LIBS) $(CRIT_FLAGS)

deps:
	@scripts/install-deps.sh

unit-tests: $(UNIT_BINS)

# `make check`: install what is missing, build, then the unit, integration
# and fault-injection suites, then all of them again under ASan+UBSan.
# The two builds (plain and ASan) in parallel: half the wait on 2 cores.
check: deps
	@$(MAKE) --no-print-directory -j$(shell nproc 2>/dev/null || echo 2) check-all

check-all: all unit-tests seams check-layers asan
	@tests/run-all.sh all

check-unit: all unit-tests
	@tests/run-all.sh unit

check-integration: all seams
	@tests/run-all.sh integration

check-faults: all seams
	@tests/run-all.sh faults

# The sanitizer build lives in its own tree so both coexist.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan PROG=build-asan/githerd \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    CFLAGS="-O1 -g" build-asan/githerd build-asan/githerd-seams unit-tests

# The benchmark (not in make check): githerd against xargs git clone and
# vcs import on a corpus served on 127.0.0.1; prints a markdown table.
bench: all
	@scripts/install-deps.sh --bench
	@tests/bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

# Cross-references to pages not installed yet are the only messages allowed.
lint:
	@mandoc -Tlint -Wstyle $(MANS) 2>&1 | grep -v -e 'referenced manual not found' \
	    -e 'outdated mandoc.db' | { ! grep .; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 githerd $(DESTDIR)$(BINDIR)/githerd
	install -m 644 man/githerd.1 $(DESTDIR)$(MANDIR)/man1/githerd.1
	install -m 644 man/githerd.yaml.5 $(DESTDIR)$(MANDIR)/man5/githerd.yaml.5
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/githerd.bash $(DESTDIR)$(BASHCOMPDIR)/githerd
	install -m 644 completion/_githerd $(DESTDIR)$(ZSHCOMPDIR)/_githerd

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/githerd $(DESTDIR)$(MANDIR)/man1/githerd.1 \
	      $(DESTDIR)$(MANDIR)/man5/githerd.yaml.5 \
	      $(DESTDIR)$(BASHCOMPDIR)/githerd $(DESTDIR)$(ZSHCOMPDIR)/_githerd

clean:
	rm -rf build build-asan $(PROG)

-include $(ALL_OBJS:.o=.d) $(SEAM_OBJS:.o=.d)
