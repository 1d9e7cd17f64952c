# fitarchive: `make demo` crawls the bundled sample blog and serves it; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8001
BIN := $(VENV)/bin

.PHONY: venv demo test test-deps bench bench-deps bench-many bench-ocr lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/fitarchive demo --port $(PORT)

test-deps:
	bash scripts/install-test-deps.sh

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e ".[test,bench,ocr,celery]"
	touch $@

test: $(BIN)/.bench-installed test-deps
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

bench-deps:
	command -v nginx >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; }

bench: $(BIN)/.bench-installed bench-deps
	$(BIN)/python bench/run_all.py $(if $(FULL),--full,)

# many blogs on 127.0.1.N (issue 14): `make bench-many`, `make bench-many MEMORY=1` for 200 blogs
bench-many: $(BIN)/.bench-installed bench-deps
	$(BIN)/python bench/many_blogs.py $(if $(MEMORY),--memory,)

# routine-card OCR: RapidOCR beside Tesseract on generated cards (needs tesseract-ocr and the fonts
# listed in bench/ocr_cards.py)
bench-ocr: $(BIN)/.bench-installed
	$(BIN)/python bench/ocr.py $(if $(FULL),--count 120,)

lint: venv
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) archive/fitness.db archive/fitness.db-* archive/images test-artifacts
