# SPDX-License-Identifier: MIT
# Front door for people and CI: `make run`, `make test`. Everything below installs what is missing first.
PRESET ?= dev
BUILD_DIR := build/$(PRESET)
KODEMON := $(BUILD_DIR)/app/kodemon
ARGS ?=

# Debian 12 packages that building and running need (`make run`). Qt's SQLite driver, OpenGL and WebSockets
# libraries are not pulled in by the -dev packages and must be named; dygraphs is compiled into the binary.
RUN_PACKAGES := cmake ninja-build g++ ccache pkg-config \
	qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev libqt6opengl6-dev libqt6sql6-sqlite \
	libsqlite3-dev libjs-dygraphs fonts-dejavu-core libprotobuf-dev protobuf-compiler zlib1g-dev
# What only the tests need (`make test`): real clients and servers, the browser, a virtual display, packaging tools.
TEST_PACKAGES := git sqlite3 python3 python3-requests curl python3-pip python3-setuptools python3-wheel \
	chromium xvfb xauth x11-utils imagemagick file dpkg-dev desktop-file-utils appstream man-db \
	clickhouse-server clickhouse-client python3-statsd prometheus zookeeperd
DEB_PACKAGES := $(RUN_PACKAGES) $(TEST_PACKAGES)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
E2E_DIR := tests/e2e
# npm projects of the tests: the browser-test driver, and the Node.js clients (OpenTelemetry SDK, hot-shots).
NPM_DIRS := $(E2E_DIR) tests/clients/node

.PHONY: all install-missing deps deps-run deps-bench deps-soak deps-fuzz build run test bench soak fuzz clean distclean format tidy help

# The peer and the load tools of `make bench`; installed through the same `deps` mechanism, only for benchmarks.
BENCH_PACKAGES := influxdb wrk linux-perf libsimdjson-dev

all: build

help:
	@echo "make run     install what is missing, build, start Kodemon (window if a display exists, else headless)"
	@echo "make test    install what is missing, build, run every test"
	@echo "make bench   build in release mode and run the benchmarks"
	@echo "make soak    build in release mode and run the 30-minute soak (SOAK_MINUTES=3 for a quick check)"
	@echo "make package build in release mode and make the Debian package build/release/kodemon_<version>_<arch>.deb"
	@echo "make deps    only install the missing Debian and npm packages (deps-run: only what make run needs)"
	@echo "make format  clang-format every C++ file; make tidy: clang-tidy the sources"

# Installs the missing Debian packages among $(PACKAGES) (and nodejs/npm with NODE=1), then the browser-test driver.
install-missing:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$(NODE)" ] && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then missing="$$missing nodejs npm"; fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing missing Debian packages:" $$missing; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@if [ -n "$(NODE)" ]; then for dir in $(NPM_DIRS); do \
		if [ -f $$dir/package-lock.json ] && { [ ! -d $$dir/node_modules ] || [ $$dir/package-lock.json -nt $$dir/node_modules/.package-lock.json ]; }; then \
			echo "Installing the npm packages of $$dir"; \
			(cd $$dir && npm ci --no-audit --no-fund) || exit 1; \
		fi; \
	done; fi

deps-run:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(RUN_PACKAGES)"

deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(DEB_PACKAGES)" NODE=1

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET)

# Only the app: a first `make run` configures without the tests (they need python3 and the test packages) and
# builds one target; `make test` later switches the tests on in the same build folder.
run: deps-run
	@[ -f $(BUILD_DIR)/build.ninja ] || cmake --preset $(PRESET) -DKODEMON_BUILD_TESTS=OFF
	cmake --build --preset $(PRESET) --target kodemon
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "Starting Kodemon (close the window or press Ctrl+C to stop)"; \
		exec $(KODEMON) $(ARGS); \
	else \
		echo "No display found: starting the headless collector (Ctrl+C stops it; data is kept)"; \
		exec $(KODEMON) --headless $(ARGS); \
	fi

deps-bench:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(DEB_PACKAGES) $(BENCH_PACKAGES)" NODE=1

# Only what bench/run.py runs: the tests' hundred-odd targets doubled the time on a cold cache.
BENCH_TARGETS := kodemon kodemon-loadgen kodemon-recvceiling kodemon-gendb kodemon-querybench kodemon-uibench kodemon-otlpload \
	kodemon-parserbench kodemon-simdjsonbench kodemon-alertbench kodemon-changebench kodemon-sketchbench

bench: deps-bench
	cmake --preset release
	cmake --build --preset release --target $(BENCH_TARGETS)
	python3 bench/run.py --build build/release

# The soak (bench/soak.py): SOAK_MINUTES at 50,000 calls/s with --retention-raw 5m while the HTTP API is queried;
# RSS and the database must stay flat once retention runs. Runs under 15 minutes use a 1-minute retention, to
# check the script. SOAK_PRESET=ci soaks the ci build instead of building the release preset.
# It needs only what building needs and python3 (not the peers of `make bench`).
SOAK_MINUTES ?= 30
SOAK_PRESET ?= release
deps-soak:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(RUN_PACKAGES) python3"

soak: deps-soak
	cmake --preset $(SOAK_PRESET)
	cmake --build --preset $(SOAK_PRESET) --target kodemon kodemon-loadgen
	python3 bench/soak.py --build build/$(SOAK_PRESET) --minutes $(SOAK_MINUTES)

# libFuzzer under clang with ASan + UBSan; new inputs join fuzz/corpus, crashes land in fuzz/crashes (commit both:
# `make test` replays them). FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := datagram timeexpr httpparams requestlimiter calltags chunkview statsd otlpprotobuf otlpjson rulesfile \
	remotejson summaries
deps-fuzz:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(RUN_PACKAGES) clang libclang-rt-14-dev"

fuzz: deps-fuzz
	cmake --preset fuzz
	cmake --build build/fuzz --parallel 2 $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		mkdir -p fuzz/crashes/$$t; \
		build/fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=fuzz/crashes/$$t/ fuzz/corpus/$$t 2>&1 | grep -E "^(#|==|stat::|Done|INFO: Seed)" | tail -12 \
			|| exit 1; \
	done

# The Debian package (CPack, cmake/KodemonPackaging.cmake) from the release build; only what the package holds
# is compiled. `make test` checks the same package built from its own tree (tests/packaging).
.PHONY: package
package:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(RUN_PACKAGES) file dpkg-dev"
	cmake --preset release -DKODEMON_BUILD_TESTS=OFF
	cmake --build --preset release --target kodemon kodemon_package_files
	rm -f build/release/kodemon_*.deb
	cd build/release && cpack -G DEB
	@echo "Install it with: sudo apt install ./$$(ls build/release/kodemon_*.deb)"

test: deps
	cmake --preset $(PRESET) -DKODEMON_BUILD_TESTS=ON
	cmake --build --preset $(PRESET)
	cd $(BUILD_DIR) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 -j2

clean:
	cmake --build --preset $(PRESET) --target clean

distclean:
	rm -rf build $(E2E_DIR)/node_modules

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: build
	git ls-files 'core/*.cpp' 'ui/*.cpp' 'app/*.cpp' | xargs clang-tidy -p $(BUILD_DIR) --quiet
