# make preview STACK=dev | make test | make bench | make schema | make screenshot
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
STAMP := $(VENV)/.installed

.PHONY: preview test lint typecheck pytest bench schema screenshot clean

# The project needs Python 3.11 or newer (pyproject.toml); say so before pip meets an older one.
NEEDS := import sys; sys.exit(sys.version_info < (3, 11))

# Build .venv from the pinned requirements when it is missing or requirements.txt changed; a .venv an older
# interpreter made (a first try before the right Python was installed) is made again.
$(STAMP): requirements.txt
	@$(PYTHON) -c '$(NEEDS)' 2>/dev/null || { echo "landing-zone needs Python 3.11 or newer, and $(PYTHON) is" \
		"$$($(PYTHON) --version 2>&1 || echo missing); install 3.11+ and run make again (or make PYTHON=python3.11)" >&2; exit 1; }
	@if test -e $(PY) && ! $(PY) -c '$(NEEDS)' 2>/dev/null; then \
		echo "$(VENV) was made by an older or broken Python; making it again with $(PYTHON)"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Compared with the previous run's inventory when there is one, as `pulumi preview` compares with the stack's state.
preview: $(STAMP)
	$(PY) -m preview $(STACK) --json out/$(STACK).json --html out/$(STACK).html \
		$(if $(wildcard out/$(STACK).json),--diff out/$(STACK).json)

test: lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	$(PY) -m pytest -q -n 2  # two workers: the machines have two cores

bench: $(STAMP)
	$(PY) -m bench

# The README's picture of prod, taken in headless Chromium (Debian's chromium must be installed).
screenshot: $(STAMP)
	$(PY) -m preview prod --json out/prod.json --html out/prod.html > /dev/null
	$(PY) -m preview.browser out/prod.html docs/prod-diagram.png

schema: $(STAMP)
	$(PY) -m config.schema > schema/landing-zone.schema.json

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache
