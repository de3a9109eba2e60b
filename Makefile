# The pipeline's DAG: one target per stage, each a real file that depends on the stage
# before it and on the stage's own code, so an unchanged stage is not re-run.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INPUT ?= corpora/sample/raw
OUT ?= build/sample
STAGE := $(OUT)/interim
MODEL := models/themes/v1
EVAL_GOLD := ../shared/eval
# Every corpus with a gold/ folder is a gold set (sample, holdout, unseen…).
GOLD_SETS := $(patsubst %/gold,%,$(wildcard corpora/*/gold))

INSTALLED := $(VENV)/.installed
INPUT_FILES := $(shell find $(INPUT) -type f 2>/dev/null)
CORE := pipeline/config.py pipeline/store.py pipeline/cli.py

.PHONY: help setup all ingest normalize segment extract classify publish train test lint evaluate bench clean setup-hanlp

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

$(STAGE)/raw_documents.parquet: $(INSTALLED) $(INPUT_FILES) pipeline/ingest.py $(CORE)
	$(PY) -m pipeline ingest --input $(INPUT) --output $(OUT)
ingest: $(STAGE)/raw_documents.parquet ## decode the raw reports in INPUT (default: the sample corpus)

$(STAGE)/normalized.parquet: $(STAGE)/raw_documents.parquet pipeline/normalize.py pipeline/furniture.py pipeline/textmap.py
	$(PY) -m pipeline normalize --output $(OUT)
normalize: $(STAGE)/normalized.parquet ## simplify script, drop page furniture, repair web artefacts

$(STAGE)/passages.parquet: $(STAGE)/normalized.parquet pipeline/segment.py pipeline/words.py pipeline/places.py $(wildcard corpora/lexicons/*)
	$(PY) -m pipeline segment --output $(OUT)
segment: $(STAGE)/passages.parquet ## passages, sentences, tokens with POS, document level and region

$(STAGE)/indicators.parquet: $(STAGE)/passages.parquet $(wildcard pipeline/extract/*.py)
	$(PY) -m pipeline extract --output $(OUT)
extract: $(STAGE)/indicators.parquet ## indicator figures with evidence

$(MODEL)/meta.json: $(INSTALLED) $(wildcard corpora/labels/*.jsonl) models/themes/config.cfg pipeline/classify.py pipeline/train.py pipeline/nlp.py
	$(PY) -m pipeline train --output $(MODEL)
train: $(MODEL)/meta.json ## train the theme classifiers (seeded) and ship the better one

$(STAGE)/passages_themes.parquet: $(STAGE)/passages.parquet $(MODEL)/meta.json pipeline/classify.py
	$(PY) -m pipeline classify --output $(OUT)
classify: $(STAGE)/passages_themes.parquet ## theme labels and scores per passage

$(OUT)/xuncha.duckdb: $(STAGE)/passages_themes.parquet $(STAGE)/indicators.parquet pipeline/publish.py
	$(PY) -m pipeline publish --output $(OUT)
publish: $(OUT)/xuncha.duckdb ## Parquet, Excel-ready CSV, DuckDB and a chart under OUT

all: publish ## set up and run every stage on the sample corpus

test: $(INSTALLED) ## run the test suite (includes the quality gate)
	$(PY) -m pytest -q

lint: $(INSTALLED) ## ruff and mypy
	$(PY) -m ruff check pipeline tests
	$(PY) -m mypy

evaluate: $(INSTALLED) $(MODEL)/meta.json ## score extraction, themes and furniture against the gold sets
	$(PY) -m pipeline evaluate $(addprefix --gold ,$(GOLD_SETS)) $(if $(wildcard $(EVAL_GOLD)),--gold $(EVAL_GOLD)) --work build/evaluate --json build/evaluate/scores.json

bench: $(INSTALLED) ## throughput of each stage, segment against bare jieba.lcut
	$(PY) -m pipeline bench --input corpora/sample/raw

clean: ## remove build outputs (keeps .venv and the shipped model)
	rm -rf build .cache
