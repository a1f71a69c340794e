# Two commands: `make demo` runs the demo, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
# The first Python >= 3.12 on PATH; pyenv's shims honour .python-version (3.12).
PYTHON ?= $(shell for p in python3 python3.12 python3.13 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
PG_URL ?= $(MOTCUA_TEST_POSTGRES)
export MOTCUA_VAR_DIR ?= $(CURDIR)/var

.PHONY: help demo test bench bench-scale install install-refservices install-test browser documents softhsm lint clean

help:
	@echo "make demo  - install, migrate, load the Huế demo data, serve on http://127.0.0.1:8000 (+ worker)"
	@echo "make test  - install test tools and run the whole suite on SQLite and, if reachable, PostgreSQL"
	@echo "make bench - seed 50,000 dossiers, drive every page and write with wrk on SQLite and PostgreSQL, the surge"
	@echo "make bench-scale - the officer inbox at 5,000,000 dossiers against 50,000 (PostgreSQL, built once, kept)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "motcua needs Python >= 3.12 (found: $$(python3 --version 2>&1))."; \
		echo "Install it (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 demo"; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	cd src/motcua && MOTCUA_ENV=test ../../$(BIN)/motcua compilemessages --verbosity 0
	touch $@

# The reference services (refservices/, their own distribution) run beside the product in the demo and tests.
$(VENV)/.installed-refservices: $(VENV)/.installed refservices/pyproject.toml
	$(BIN)/pip install --quiet -e '.[refservices]' -e ./refservices
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-refservices
	$(BIN)/pip install --quiet -e '.[test,refservices]' -e ./refservices
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium not found: install Debian's 'chromium' package (browser tests will be skipped)"; fi; fi
	@# axe-core (accessibility checks injected by the browser tests) comes from the npm registry.
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
		if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
		else echo "npm not found: accessibility checks will be skipped"; fi; fi

# Result documents are set in Liberation Serif (Debian fonts-liberation2); the tests read them back with
# poppler's pdftotext and pdftoppm, and cross-check signatures with its pdfsig (Debian poppler-utils).
documents:
	@missing=""; \
	[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || missing="$$missing fonts-liberation2"; \
	command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v pdfsig >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v certutil >/dev/null 2>&1 || missing="$$missing libnss3-tools"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's$$missing for result documents"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "missing Debian packages:$$missing (result documents need fonts-liberation2; tests need poppler-utils and libnss3-tools)"; fi; fi

# The PKCS#11 signing tests keep their keys in Debian's SoftHSM2 token (softhsm2-util, libsofthsm2.so).
softhsm:
	@if ! command -v softhsm2-util >/dev/null 2>&1 || [ ! -f /usr/lib/softhsm/libsofthsm2.so ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's softhsm2 for the PKCS#11 signing tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 >/dev/null; \
		else echo "softhsm2 not found: install Debian's 'softhsm2' package (PKCS#11 signing tests will be skipped)"; fi; fi

install: $(VENV)/.installed
install-refservices: $(VENV)/.installed-refservices
install-test: $(VENV)/.installed-test

# The test PKI (refservices/pki) is made once under var/pki (new keys, never committed) before the demo data,
# which issues the demo leaders' and agencies' keys from it; it serves CRL, OCSP and time stamps on 8104.
PKI_DIR ?= $(MOTCUA_VAR_DIR)/pki

demo: install-refservices documents
	$(BIN)/motcua-pki setup --dir $(PKI_DIR) --port 8104
	@# DEBUG is off in the demo: static files are served by WhiteNoise from var/static, hashed and compressed
	@# (collected first: every page and document the demo renders names them by their hashed names).
	MOTCUA_ENV=demo $(BIN)/motcua collectstatic --noinput --verbosity 0
	MOTCUA_ENV=demo $(BIN)/motcua demo
	@echo "motcua: http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)  Ctrl-C stops everything"
	@echo "reference national public service portal: http://127.0.0.1:8102  (the worker delivers to it)"
	@echo "reference registries (population, business, land, civil status): http://127.0.0.1:8103"
	@echo "test PKI (CRL, OCSP, time stamps; trust root $(PKI_DIR)/certs/root.pem): http://127.0.0.1:8104"
	@echo "reference remote-signing service (CSC API v1, the test PKI's keys): http://127.0.0.1:8105"
	@echo "reference postal service (shipments, waybills; move them on from its page): http://127.0.0.1:8109"
	@echo "local SMTP server: smtp://127.0.0.1:8025, what it received: http://127.0.0.1:8106/messages"
	@echo "reference SMS gateway (what it sent: http://127.0.0.1:8107/_control/messages): http://127.0.0.1:8107"
	@echo "reference payment gateway (orders, simulated VietQR transfers, signed callbacks): http://127.0.0.1:8108"
	@trap 'kill 0' INT TERM EXIT; \
	MOTCUA_SIGNING_DEMO_PASSPHRASE="$$(cat $(PKI_DIR)/pkcs12-passphrase)" MOTCUA_ENV=demo $(BIN)/motcua worker & \
	MOTCUA_ENV=demo $(BIN)/motcua-idp --port 8101 & \
	MOTCUA_ENV=demo $(BIN)/motcua-national-portal --port 8102 & \
	MOTCUA_ENV=demo $(BIN)/motcua-registries --port 8103 & \
	$(BIN)/motcua-pki serve --dir $(PKI_DIR) --port 8104 & \
	$(BIN)/motcua-csc --pki-dir $(PKI_DIR) --port 8105 & \
	$(BIN)/motcua-postal --port 8109 & \
	$(BIN)/motcua-smtp --smtp-port 8025 --http-port 8106 & \
	$(BIN)/motcua-sms --port 8107 & \
	$(BIN)/motcua-payments --port 8108 --callback-url http://127.0.0.1:8000/thanh-toan/thong-bao/ & \
	MOTCUA_ENV=demo $(BIN)/motcua serve & \
	wait

# Result documents and signatures: fonts-liberation2, poppler-utils (pdftotext, pdftoppm, pdfsig) and
# libnss3-tools (certutil: the NSS database pdfsig validates certificates against);
# PKCS#11 tests: softhsm2.
# The two databases' runs go side by side, one per core (each run is one Python process, mostly on one core):
# PostgreSQL's report streams, SQLite's (its own MOTCUA_VAR_DIR and pytest folder, so that the runs share no
# file) is printed when both have finished; the target fails if either run does.
test: install-test browser documents softhsm
	@url="$(PG_URL)"; \
	if [ -z "$$url" ] && $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' 2>/dev/null; then \
		url="postgres://postgres@127.0.0.1:5432/test"; fi; \
	if [ -z "$$url" ]; then \
		echo "== PostgreSQL not reachable: PostgreSQL run skipped"; \
		echo "== SQLite"; MOTCUA_ENV=test $(BIN)/pytest; exit $$?; fi; \
	lite=$$(mktemp -d /tmp/motcua-test-sqlite-XXXXXX); start=$$(date +%s); \
	MOTCUA_ENV=test MOTCUA_VAR_DIR="$$lite/var" $(BIN)/pytest --basetemp="$$lite/pytest" >"$$lite/report" 2>&1 & \
	lite_pid=$$!; \
	echo "== PostgreSQL: $$url (SQLite runs beside it; its report follows)"; \
	MOTCUA_ENV=test DATABASE_URL="$$url" $(BIN)/pytest; pg=$$?; \
	echo "== PostgreSQL run: exit $$pg after $$(( $$(date +%s) - start )) s"; \
	wait $$lite_pid; sqlite=$$?; \
	echo "== SQLite: exit $$sqlite after $$(( $$(date +%s) - start )) s"; cat "$$lite/report"; rm -rf "$$lite"; \
	[ $$pg = 0 ] && [ $$sqlite = 0 ]

# Every benchmark in bench/ (each prints its figures). bench/http_pages.py runs twice, on SQLite (a file under
# /tmp) and on PostgreSQL: it seeds BENCH_DOSSIERS dossiers (bench/seed.py), serves the app with gunicorn and
# drives each page and write with wrk next to /healthz, the writes next to bench/raw_reception.sql under
# pgbench (PostgreSQL); bench/surge.py replays Huế's busiest day in SURGE_MINUTES. Both append their figures
# to docs/performance.md. The PostgreSQL database is created here and dropped after, whatever happens: the
# benchmarks build their test database (test_<name>) beside it, geo_load migrates it. bench/reorg_apply.py
# times a reorganization plan applied to REORG_DOSSIERS in-flight dossiers (issue 18's figure: 100,000),
# bench/legacy_import.py prints the legacy rows imported per second (its default export).
# Small runs: make bench BENCH_DOSSIERS=2000 HTTP_ARGS="--duration 3" SURGE_ARGS="--dossiers 200" SURGE_MINUTES=1
#   REORG_DOSSIERS=3000
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/motcua_bench
BENCH_DOSSIERS ?= 50000
SURGE_MINUTES ?= 10
HTTP_ARGS ?=
SURGE_ARGS ?=
REORG_DOSSIERS ?= 100000
BENCHMARKS := outbox_delivery dossiers_throughput inbox_paging catalog_verify calendar_deadlines geo_load registry_prefill signing legacy_import
bench: install-refservices
	@url="$(BENCH_POSTGRES)"; \
	$(BIN)/python bench/postgres.py create "$$url" || exit 1; \
	trap '$(BIN)/python bench/postgres.py drop "$$url"' EXIT; \
	echo "== bench/http_pages.py on SQLite"; \
	env -u DATABASE_URL MOTCUA_ENV=test $(BIN)/python bench/http_pages.py --dossiers $(BENCH_DOSSIERS) $(HTTP_ARGS) || exit 1; \
	echo "== bench/http_pages.py on PostgreSQL"; \
	MOTCUA_ENV=test DATABASE_URL="$$url" $(BIN)/python bench/http_pages.py --dossiers $(BENCH_DOSSIERS) $(HTTP_ARGS) || exit 1; \
	echo "== bench/surge.py on PostgreSQL"; \
	MOTCUA_ENV=test DATABASE_URL="$$url" $(BIN)/python bench/surge.py --minutes $(SURGE_MINUTES) $(SURGE_ARGS) || exit 1; \
	echo "== bench/reorg_apply.py on PostgreSQL"; \
	MOTCUA_ENV=test DATABASE_URL="$$url" $(BIN)/python bench/reorg_apply.py --dossiers $(REORG_DOSSIERS) || exit 1; \
	for name in $(BENCHMARKS); do \
		echo "== bench/$$name.py"; \
		MOTCUA_ENV=test DATABASE_URL="$$url" $(BIN)/python bench/$$name.py || exit 1; \
	done

# The inbox's first page at 5,000,000 dossiers against 50,000 (bench/scale.py, PostgreSQL): each data set is
# built once in its own database (motcua_scale, motcua_scale_50k) on BENCH_SCALE_POSTGRES and kept for later
# runs; the disk and time a build needs are printed before it starts. BENCH_SCALE_ARGS passes options.
BENCH_SCALE_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench-scale: install
	MOTCUA_ENV=test $(BIN)/python bench/scale.py --server "$(BENCH_SCALE_POSTGRES)" $(BENCH_SCALE_ARGS)

lint: install-test
	$(BIN)/ruff check src tests bench refservices
	$(BIN)/mypy src/motcua refservices
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
