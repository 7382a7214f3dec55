# The few verbs people use. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The links in proofs, emails and SMS point at the server `make run` starts, unless set.
SITE_URL ?= http://$(HOST):$(PORT)
# The suite runs in one process per core, up to 4 (pytest-xdist; each worker has its own
# test database, Redis database and VAR_DIR: tests/parallel.py). `make test PYTEST_WORKERS=`
# runs it in this process alone.
PYTEST_WORKERS ?= -n auto --maxprocesses=4

.PHONY: run test lint format messages bench install install-dev check clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load demo data, start web + Celery worker + beat (SQLite, no servers)
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runstack

## test: install dev tools, lint, and run the whole suite
test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh and compile the translation catalogues (id, en)
messages: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	DEBUG=1 $(PY) manage.py makemessages -d djangojs -l id -l en --no-obsolete --ignore=.venv --ignore=var --ignore=static/vendor --ignore=tests
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

## bench: the launch-day flood against local PostgreSQL and Redis (see docs/performance.md)
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)

## check: Django's deploy checks under production settings
check: $(VENV)/.installed-dev
	DEBUG=0 SECRET_KEY=check-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyzABCDEF \
	  ALLOWED_HOSTS=example.org NIK_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  NIK_HASH_KEY=$$($(PY) -c 'import secrets; print(secrets.token_hex(32))') \
	  PROOF_SIGNING_KEYS=k1:$$($(PY) -c 'import secrets; print(secrets.token_hex(32))') \
	  EMAIL_URL=smtp+tls://check:check@smtp.example.org:587 SMS_BACKEND= \
	  SMS_GATEWAY_URL=https://sms.example.org/v1/messages SMS_GATEWAY_TOKEN=check-only \
	  SITE_URL=https://example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/test var/celery
