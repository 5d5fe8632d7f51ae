# Two commands do everything on a fresh machine:
#   make run   — set up, migrate, load demo data, serve http://127.0.0.1:5000 (SQLite)
#   make test  — set up and run the whole suite (PostgreSQL/Redis tests run when reachable)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/kesos db upgrade
	$(BIN)/kesos demo
	@echo "Kesos: http://127.0.0.1:5000  (API: /api/v1, dokumentasi: /api/docs)"
	$(BIN)/kesos run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

clean:
	rm -rf $(VENV) instance .pytest_cache
