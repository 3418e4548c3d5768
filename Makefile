# PageGuard developer commands. `make run` and `make test` install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED := $(CURDIR)/../shared
STAGE ?= dev
HOST ?= 127.0.0.1
PORT ?= 8000

# Python 3.12 is the Lambda runtime PageGuard targets: Chalice packages for the Python that runs it,
# and under 3.11 it silently leaves numpy and thinc out of the package. Look on PATH, then in pyenv;
# a pyenv shim on PATH may exist without working (3.12 installed but not selected), so try each one.
PYTHON312 := $(shell for p in "$$(command -v python3.12)" $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12.*/bin/python3.12 /root/.pyenv/versions/3.12.*/bin/python3.12; do \
  [ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

# Hash-pinned locks of every transitive dependency (`make lock` writes them with pip-tools from the two
# requirements files): requirements-dev.lock for the venv, requirements.lock for the Lambda package.
DEV_LOCK := requirements-dev.lock
RUNTIME_LOCK := requirements.lock
LOCK_INDEX ?= https://pypi.org/simple

.PHONY: help install lock browser run demo test train eval bench bench-webhook package deploy deploy-test clean

help:
	@echo "make install        create .venv (Python 3.12) with runtime and dev dependencies"
	@echo "make lock           re-pin every dependency with hashes after editing requirements*.txt"
	@echo "make run            start chalice local on http://$(HOST):$(PORT) (stage local)"
	@echo "make demo           start everything, send every sample webhook, print what PageGuard did, stop"
	@echo "make test           run the whole test suite"
	@echo "make train          retrain the detection classifier from data/corpus"
	@echo "make eval           detection on dev.jsonl, the calibration and the held-out writers, with typographic variants"
	@echo "make bench          detection speed, cold start and memory vs stock Presidio"
	@echo "make bench-webhook  500+ signed webhooks through chalice local and a fake Graph API"
	@echo "make package        build the Lambda package and template into build/STAGE (no AWS needed)"
	@echo "make deploy STAGE=prod  package and deploy with CloudFormation"

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt $(DEV_LOCK)
	@if [ -z "$(PYTHON312)" ]; then \
	  echo "PageGuard needs Python 3.12 (the AWS Lambda runtime it targets) and could not find it."; \
	  echo "Install it, for example: pyenv install 3.12 (or your OS package python3.12), then run make again."; \
	  exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then \
	  rm -rf $(VENV) && $(PYTHON312) -m venv $(VENV); fi
	@if ! grep -q '^pip==' $(DEV_LOCK); then echo "$(DEV_LOCK) is out of date: run make lock"; exit 1; fi
	@# pip first (the venv's bundled one is old), hash-checked against the lock, then everything else
	awk '/^pip==/{p=1} p{print} p&&!/\\$$/{exit}' $(DEV_LOCK) > $(VENV)/pip.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(VENV)/pip.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(DEV_LOCK)
	@touch $(STAMP)

# The console's browser tests drive Debian's chromium through chromedriver (Selenium). Installed here when
# missing (root, as on CI); when that fails the tests are skipped and say so loudly.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 \
	  || echo "WARNING: could not install chromium and chromium-driver: the console's BROWSER TESTS WILL BE SKIPPED"; fi

# Re-resolve both locks from requirements.txt and requirements-dev.txt on the public index (PyPI), with the
# hashes of every file of each pinned version; the runtime lock takes the dev lock's versions, so the Lambda
# runs what the tests ran. Run it after any change to a requirements file, and commit both locks.
lock: install
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile \
	  --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --index-url $(LOCK_INDEX) -o $(DEV_LOCK) requirements-dev.txt
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile \
	  --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --index-url $(LOCK_INDEX) -c $(DEV_LOCK) -o $(RUNTIME_LOCK) requirements.txt

run: install
	$(PY) scripts/run_local.py --host $(HOST) --port $(PORT)

demo: install
	$(PY) scripts/demo.py

test: install browser
	$(VENV)/bin/ruff check --select F,E9 app.py chalicelib ops scripts tests
	$(PY) -m pytest -q tests

train: install
	$(PY) scripts/train_classifier.py

# dev.jsonl is a smoke test now (it was read while rules were written); the calibration writers were
# never trained on, nor were the held-out writers in data/corpus/heldout/; every figure is also taken on
# typographic variants of their items.
eval: install
	$(PY) scripts/eval_detection.py $(SHARED)/eval/dev.jsonl data/corpus/writers/w03.jsonl data/corpus/writers/w07.jsonl --variants
	$(PY) scripts/eval_detection.py data/corpus/heldout/w*.jsonl --variants --together

bench: install
	$(PY) scripts/bench_detection.py

bench-webhook: install
	$(PY) scripts/bench_webhook.py

clean:
	rm -rf build .local .pytest_cache

# Deployment (docs/deploy.md). `package` needs no AWS credentials: it builds build/$(STAGE)/sam.json and
# deployment.zip, checks the size, smoke-tests the unpacked zip and runs cfn-lint. `deploy` uploads
# through S3 and creates or updates the pageguard-$(STAGE) stack; the first time it needs SENDER_EMAIL.
package: install
	$(PY) scripts/package.py --stage $(STAGE)

deploy: package
	$(PY) scripts/deploy.py --stage $(STAGE) \
	  $(if $(SENDER_EMAIL),--sender-email $(SENDER_EMAIL)) \
	  $(if $(SENDER_DOMAIN),--sender-domain $(SENDER_DOMAIN)) \
	  $(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) \
	  $(if $(DEPLOY_BUCKET),--bucket $(DEPLOY_BUCKET)) $(DEPLOY_FLAGS)

# The whole stack created, updated and deleted on moto's server mode through `make deploy STAGE=ci`
# (tests/deploy/; .ci/run runs it after `make test`).
deploy-test: install
	PAGEGUARD_DEPLOY_TEST=1 $(PY) -m pytest -q tests/deploy
