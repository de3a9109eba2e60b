# The user's door to the pipeline: one target per job. What a stage must redo is decided by the
# runner (content hashes, stage versions); make only builds the venv and the theme model.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INPUT ?= corpora/sample/raw
OUT ?= build/sample
MODEL := models/themes/v1
EVAL_GOLD := ../shared/eval
# Every corpus with a gold/ folder is a gold set (sample, holdout, unseen…).
GOLD_SETS := $(patsubst %/gold,%,$(wildcard corpora/*/gold))

INSTALLED := $(VENV)/.installed
REAL := corpora/real-dev

.PHONY: help setup all ingest normalize segment extract resolve classify publish refresh fetch weekly train test lint evaluate bench notebooks clean setup-hanlp

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(INSTALLED) ## create .venv and install the package with its dev tools

setup-hanlp: $(INSTALLED) ## add the optional HanLP backend (CPU torch first, then hanlp)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[hanlp]'

# The stages: the runner decides what to redo from content hashes and stage versions (never file
# times), so each target just asks it; unchanged documents are skipped inside.
RUN = $(PY) -m pipeline
RUN_ARGS = --input "$(INPUT)" --output "$(OUT)"

ingest: $(INSTALLED) ## decode the raw reports in INPUT (default: the sample corpus)
	$(RUN) ingest $(RUN_ARGS)

normalize: $(INSTALLED) ## simplify script, drop page furniture, repair web artefacts
	$(RUN) normalize $(RUN_ARGS)

segment: $(INSTALLED) ## passages, sentences, tokens with POS, document level and region
	$(RUN) segment $(RUN_ARGS)

extract: $(INSTALLED) ## indicator figures with evidence
	$(RUN) extract $(RUN_ARGS)

resolve: $(INSTALLED) ## role (total/part/repeat) and year of each figure
	$(RUN) resolve $(RUN_ARGS)

# The theme model is shipped in the repository: it was trained with the real-text rounds, whose texts are
# not (meta.json names the batches and their digests). Jobs only need it to exist; `make train` retrains it
# (with the real rounds when XUNCHA_REAL_DIR holds their texts, else on corpora/labels alone).
$(MODEL)/meta.json: | $(INSTALLED)
	$(PY) -m pipeline train --output $(MODEL)
train: $(INSTALLED) ## retrain the theme classifiers (seeded) and ship the better one
	$(PY) -m pipeline train --output $(MODEL)

classify: $(INSTALLED) | $(MODEL)/meta.json ## theme labels and scores per passage
	$(RUN) classify $(RUN_ARGS)

publish: $(INSTALLED) | $(MODEL)/meta.json ## one snapshot: Parquet, Excel-ready CSV, DuckDB, chart, change report under OUT
	$(RUN) publish $(RUN_ARGS)

refresh: $(INSTALLED) | $(MODEL)/meta.json ## new/changed reports processed, removed ones retracted, one snapshot published
	$(RUN) refresh $(RUN_ARGS) --log-level info

SITES ?= sites.toml
fetch: $(INSTALLED) ## download new reports from the sites in SITES (see sites.example.toml) into INPUT
	$(RUN) fetch --sites "$(SITES)" --raw "$(INPUT)"

# The weekly job: a site that fails (exit 1) does not stop the refresh; a bad sites file (2) does.
# The exit code is the worse of the two steps (0 all done, 1 something skipped or failed, 2 fatal, 3 locked).
weekly: $(INSTALLED) | $(MODEL)/meta.json ## fetch, then refresh and write the change report (what cron runs)
	@$(RUN) fetch --sites "$(SITES)" --raw "$(INPUT)" --log-level WARNING; fetched=$$?; \
	if [ $$fetched -ge 2 ]; then exit $$fetched; fi; \
	$(RUN) refresh $(RUN_ARGS); refreshed=$$?; \
	exit $$(( refreshed > fetched ? refreshed : fetched ))

all: refresh ## set up and run every stage on the sample corpus (the same tables as refresh)

test: $(INSTALLED) ## run the test suite (includes the quality gate)
	$(PY) -m pytest -q

lint: $(INSTALLED) ## ruff and mypy
	$(PY) -m ruff check pipeline tests
	$(PY) -m mypy

evaluate: $(INSTALLED) | $(MODEL)/meta.json ## score extraction, themes and furniture against the gold sets
	$(PY) -m pipeline evaluate $(addprefix --gold ,$(GOLD_SETS)) $(if $(wildcard $(EVAL_GOLD)),--gold $(EVAL_GOLD)) $(if $(wildcard $(REAL)/rounds.json),--real $(REAL)) --work build/evaluate --json build/evaluate/scores.json

# 1,000 synthetic reports timed stage by stage (local) and end to end (local and Dask), 10,000 end to
# end (local), then a refresh with nothing changed and one with a report added at each size: 12 min on
# 2 cores, 2026-12-07. Smaller sizes for a quick look: make bench BENCH_REPORTS=1000.
BENCH_REPORTS ?= 1000,10000
bench: $(INSTALLED) ## throughput per stage and end to end (local, Dask) against bare jieba.lcut; refresh times
	$(PY) -m pipeline bench --input corpora/sample/raw --reports $(BENCH_REPORTS)

notebooks: $(INSTALLED) ## execute notebooks/*.ipynb top to bottom with a real kernel (nbmake) on OUT's published tables
	cd notebooks && XUNCHA_OUT="$(abspath $(OUT))" ../$(PY) -m pytest -q --nbmake -p no:cacheprovider *.ipynb

clean: ## remove build outputs (keeps .venv and the shipped model)
	rm -rf build .cache
