# One command surface for people, the README and CI.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
DB ?=

.PHONY: run test install install-test system-packages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python system-packages
	$(BIN)/pip install --quiet -e '.[test]'

# Debian packages the tests use: Chromium drives the browser tests (Playwright never downloads
# a browser of its own), DejaVu fonts write the test PDFs, PostgreSQL runs the server tests.
SYSTEM_PACKAGES := chromium chromium-driver fonts-dejavu-core postgresql
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium chromium-driver"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Start the app on the embedded SQLite database, creating and seeding it when missing.
run: install
	$(BIN)/python -m dashboard init --if-missing $(if $(DB),--db $(DB))
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Install the test dependencies and run the whole suite twice, browser tests included: on SQLite
# files, then on a throwaway PostgreSQL server on loopback (TEST_BACKEND=postgresql,
# tests/pg_cluster.py; the browser tests' Streamlit server then reads PostgreSQL too). Fails if
# either pass fails; the last line sums up both.
test: install-test
	@t0=$$(date +%s); $(BIN)/python -m pytest $(PYTEST_ARGS); sqlite=$$?; \
	t1=$$(date +%s); TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS); pg=$$?; \
	t2=$$(date +%s); \
	verdict() { if [ "$$1" = 0 ]; then echo "đạt"; else echo "LỖI (mã $$1)"; fi; }; \
	echo "make test — SQLite: $$(verdict $$sqlite), $$(( (t1 - t0) / 60 )) phút $$(( (t1 - t0) % 60 )) giây;" \
	     "PostgreSQL: $$(verdict $$pg), $$(( (t2 - t1) / 60 )) phút $$(( (t2 - t1) % 60 )) giây"; \
	[ "$$sqlite" = 0 ] && [ "$$pg" = 0 ]

# Province and national figures on SQLite and a throwaway PostgreSQL cluster (building the
# national databases takes minutes; the SQLite one is kept in bench-results/ and reused);
# writes bench-results/bench-*.json and prints the table the README quotes.
bench: install-test
	$(BIN)/python -m dashboard bench --national --pg --browser --repeat 3 --national-db bench-results/national.sqlite

clean:
	rm -rf $(VENV) data/dashboard.sqlite* .pytest_cache screenshots
