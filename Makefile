# chan: build, test, demo, bench. `make demo` and `make test` work from a clean clone on a
# fresh Debian machine with Swift: `deps` installs the system libraries when missing.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/debug/chan
RELEASE_BIN := .build/release/chan
GRAPHS := $(abspath ../shared/data/graphs)

.PHONY: deps build release test unit-test cli-test examples demo bench fuzz install clean

deps:
	@missing=""; \
	pkg-config --exists libsecp256k1 2>/dev/null || missing="$$missing libsecp256k1-dev"; \
	pkg-config --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	pkg-config --exists zlib 2>/dev/null || missing="$$missing zlib1g-dev"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --build-tests

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# Unit tests (Swift Testing), the CLI tests that run the built binary, then every example.
test: build
	CHAN_BIN=$(abspath $(BIN)) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory examples

examples:
	@set -e; for script in Examples/*.sh; do \
		echo "== $$script"; \
		PATH="$(abspath .build/debug):$$PATH" CHAN_HOME=$$(mktemp -d) bash "$$script" >/dev/null; \
	done; echo "examples: all passed"

demo: build
	PATH="$(abspath .build/debug):$$PATH" bash Examples/demo.sh

bench: release
	@mkdir -p .build/bench
	$(RELEASE_BIN) bench pathfind --graph $(GRAPHS)/mainnet-2026-02-03.listchannels.json.gz --pairs 1000 --mpp
	time $(RELEASE_BIN) sim pair --seed 1 --ops 100000
	$(RELEASE_BIN) bench pay --payments 300 --concurrency 1
	$(RELEASE_BIN) bench pay --payments 2000 --concurrency 64
	$(RELEASE_BIN) bench rpc --starts 10 --calls 200

# Every libFuzzer target (or FUZZ_TARGETS=a,b) for FUZZ_SECONDS each, from the seed corpus in
# Fuzz/Corpus; crashes land in Fuzz/Crashes/<target>/ (see README, "Fuzzing").
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS=$(FUZZ_TARGETS) Tools/fuzz.sh

# The binary, its man page (swift-argument-parser's generate-manual plugin) and completions
# for bash, zsh and fish.
install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions \
		$(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(RELEASE_BIN) $(PREFIX)/bin/chan
	@mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man
	install -m 0644 .build/man/chan.1 $(PREFIX)/share/man/man1/chan.1
	$(RELEASE_BIN) --generate-completion-script bash > $(PREFIX)/share/bash-completion/completions/chan
	$(RELEASE_BIN) --generate-completion-script zsh > $(PREFIX)/share/zsh/site-functions/_chan
	$(RELEASE_BIN) --generate-completion-script fish > $(PREFIX)/share/fish/vendor_completions.d/chan.fish

clean:
	rm -rf .build
