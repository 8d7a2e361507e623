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
PKG_CFLAGS = $(shell pkg-config --cflags libgit2 libssh2 yaml-0.1)
PKG_LIBS   = $(shell pkg-config --libs libgit2 libssh2 yaml-0.1)
CRIT_FLAGS = $(shell pkg-config --cflags --libs criterion)

# BUILD is the object directory; `make asan` builds into build-asan/.
BUILD	?= build
SAN	?=
ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) -Iinclude $(PKG_CFLAGS) -MMD -MP

LIB_SRCS = src/buf.c src/xmalloc.c src/compat.c src/fsutil.c src/clock.c \
	   src/errclass.c src/units.c src/sanitize.c src/url.c src/path.c \
	   src/yamltree.c \
	   src/manifest.c src/history.c src/schedule.c src/plan.c src/select.c \
	   src/cli.c src/listing.c src/netrc.c src/cabundle.c src/proxy.c \
	   src/freeze.c src/workspace.c \
	   src/queue.c src/wire.c src/progress.c src/term.c src/render.c \
	   src/report.c src/sig.c src/stall.c src/pool.c src/run.c src/worker.c \
	   src/memlimit.c \
	   src/gitops.c src/clone.c src/update.c src/quarantine.c \
	   src/localwork.c src/submodules.c src/status.c src/netstream.c \
	   src/treecheck.c src/protect.c \
	   src/auth.c src/hostkey.c
MAIN_SRC = src/main.c
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
# Unit tests link only modules that never call libgit2: Debian's Criterion
# itself links libgit2 1.5, which must not meet our 1.8 in one process.
GIT_SRCS = src/gitops.c src/clone.c src/update.c src/quarantine.c \
	   src/localwork.c src/submodules.c src/status.c src/netstream.c \
	   src/treecheck.c src/protect.c \
	   src/worker.c src/run.c src/auth.c src/hostkey.c src/memlimit.c
UNIT_OBJS = $(filter-out $(GIT_SRCS:src/%.c=$(BUILD)/%.o),$(LIB_OBJS))
MAIN_OBJ = $(MAIN_SRC:src/%.c=$(BUILD)/%.o)

UNIT_TESTS = buf sanitize stall units url path manifest queue wire progress render report fsutil \
	     freeze history schedule select netrc hostkey proxy cabundle cli
UNIT_BINS  = $(UNIT_TESTS:%=$(BUILD)/tests/test_%)

PROG	= githerd
MANS	= man/githerd.1 man/githerd.yaml.5

.PHONY: all deps check check-all check-unit check-integration check-faults asan demo bench \
	install uninstall clean lint version-check unit-tests

all: version-check $(PROG)

version-check:
	@pkg-config --exists libgit2 || { \
	  echo "githerd: libgit2 not found (run scripts/install-deps.sh as root)" >&2; exit 1; }
	@pkg-config --atleast-version=$(MIN_LIBGIT2) libgit2 || { \
	  echo "githerd: libgit2 $$(pkg-config --modversion libgit2) is too old:" \
	       "githerd needs >= $(MIN_LIBGIT2) (shallow clones, timeouts)." >&2; \
	  echo "  On Debian 12 run scripts/install-deps.sh (bookworm-backports has 1.8)." >&2; \
	  exit 1; }

$(PROG): $(LIB_OBJS) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# hostkey.c needs libssh2 but not libgit2: its test links it alone.
$(BUILD)/tests/test_hostkey: tests/unit/test_hostkey.c $(BUILD)/hostkey.o $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/hostkey.o $(UNIT_OBJS) \
	    $(shell pkg-config --libs yaml-0.1 libssh2) $(CRIT_FLAGS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_OBJS) $(shell pkg-config --libs yaml-0.1) $(CRIT_FLAGS)

deps:
	@scripts/install-deps.sh

unit-tests: $(UNIT_BINS)

# `make check`: install what is missing, build, then the unit, integration
# and fault-injection suites, then all of them again under ASan+UBSan.
check: deps
	@$(MAKE) --no-print-directory check-all

check-all: all unit-tests asan
	@tests/run-all.sh all

check-unit: all unit-tests
	@tests/run-all.sh unit

check-integration: all
	@tests/run-all.sh integration

check-faults: all
	@tests/run-all.sh faults

# The sanitizer build lives in its own tree so both coexist.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan PROG=build-asan/githerd \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    CFLAGS="-O1 -g" build-asan/githerd unit-tests

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

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)
