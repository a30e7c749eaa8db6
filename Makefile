# The two commands a newcomer needs are `make run` and `make test`; the rest is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Browser tests leave Chromium profiles behind: keep them in a scratch folder.
export TMPDIR ?= $(CURDIR)/.tmp

.PHONY: run test lint format migrations-check load bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(TMPDIR):
	mkdir -p $@

# Local settings for development: a fresh random secret and DEBUG on. Hosts set their own.
.env:
	@$(PYTHON) -c "import secrets; print(f'SECRET_KEY={secrets.token_urlsafe(50)}\nDEBUG=true')" > $@
	@echo "Created .env with a new SECRET_KEY for local development."

run: $(VENV)/.runtime .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --local-admin
	@echo "Serving the ES-FoMo portal on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev .env | $(TMPDIR)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive esfomo people program

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.dev .env
	$(BIN)/python manage.py makemigrations --check --dry-run

# wrk against the homepage of a local gunicorn while an organizer saves in the admin (bench/load.py).
# Needs PostgreSQL (its own scratch database, LOAD_DATABASE_URL), Redis and wrk; 127.0.0.1 only.
load: $(VENV)/.dev .env | $(TMPDIR)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

# Measures the site as in production against its ceiling: needs PostgreSQL, Redis, wrk and chromium
# (bench/README.md). Lighthouse comes from npm, pinned in bench/package-lock.json.
bench: $(VENV)/.dev .env bench/node_modules/.installed | $(TMPDIR)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/export_static.py

bench/node_modules/.installed: bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) .tmp test-results staticfiles bench/node_modules bench/results
