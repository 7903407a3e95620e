# Briefing: build, serve, test and check the briefing website.
# Conventions follow Pelican's quickstart Makefile (INPUTDIR, OUTPUTDIR, CONFFILE, PUBLISHCONF).
# Every target that needs Python tools depends on the virtualenv, so on a fresh machine
# `make html` alone creates .venv, installs the pinned dependencies and builds the site.

PY ?= python3
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
PELICAN ?= $(BIN)/pelican
# plain log lines: one warning a line, never wrapped mid-file-name
PELICANOPTS ?= --log-handler plain

BASEDIR := $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

BIND ?= 127.0.0.1
PORT ?= 8000
PYTESTOPTS ?=
RAW ?= $(BASEDIR)/raw
SHARED ?= $(BASEDIR)/../shared

# the stamp is newer than the files that define the environment once it is installed
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## list the targets
	@echo 'Briefing: make TARGET [VAR=value ...]'
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/' | awk -F '\t' '{printf "  %-12s %s\n", $$1, $$2}'
	@echo
	@echo 'Variables: INPUTDIR=$(INPUTDIR) OUTPUTDIR=$(OUTPUTDIR)'
	@echo '           CONFFILE=$(CONFFILE) PUBLISHCONF=$(PUBLISHCONF) PORT=$(PORT) BIND=$(BIND)'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP) ## create .venv and install the project and its pinned dependencies (quick when up to date)

html: $(STAMP) ## build the site from INPUTDIR into OUTPUTDIR
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

regenerate: $(STAMP) ## rebuild whenever content, theme or settings change
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: $(STAMP) ## serve OUTPUTDIR at http://BIND:PORT/ (build it first), with the site's 404 page
	$(BIN)/python -m briefing.site.serve "$(OUTPUTDIR)" --bind $(BIND) --port $(PORT)

devserver: $(STAMP) ## build, serve, and rebuild on every save (a failed build is said once)
	$(BIN)/python -m briefing.cli.devserver "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -b $(BIND) -p $(PORT)

publish: $(STAMP) ## build the site for publication with PUBLISHCONF
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

check: $(STAMP) ## validate every briefing in INPUTDIR (front matter, tags, vocabulary)
	$(BIN)/briefing check "$(INPUTDIR)"

ingest: $(STAMP) ## ingest every raw page in RAW (default raw/) into INPUTDIR/briefings, as drafts
	$(BIN)/briefing ingest --out "$(INPUTDIR)/briefings" "$(RAW)"

review: $(STAMP) ## list the drafts awaiting review, with what needs a look in each
	$(BIN)/briefing review "$(INPUTDIR)/briefings"

publish-drafts: $(STAMP) ## publish every draft that passes check (the others are named, with why)
	$(BIN)/briefing publish "$(INPUTDIR)/briefings"

tag: $(STAMP) ## print the tags the tagger gives every briefing (FILES=... for some)
	$(BIN)/briefing tag $(or $(FILES),"$(INPUTDIR)/briefings")

retag: $(STAMP) ## show the tags a vocabulary change would add (RETAGOPTS=--write adds them)
	$(BIN)/briefing retag $(RETAGOPTS) "$(INPUTDIR)/briefings"

eval-clean: $(STAMP) ## measure the cleaner on both dev sets, tune and validation parts (F1, titles, pages/s)
	$(BIN)/python tools/eval_clean.py --dev "$(SHARED)/eval/clean-dev" "$(SHARED)/eval/clean-readability" --split tune,validation,all

fit-title: $(STAMP) ## refit the dump cleaner's headline scorer on the TUNE part of both dev sets
	$(BIN)/python tools/fit_title.py --dev "$(SHARED)/eval/clean-dev" "$(SHARED)/eval/clean-readability"

eval-tags: $(STAMP) ## measure the tagger on the shared dev set (precision, recall, articles/s)
	$(BIN)/python tools/eval_tags.py --dev "$(SHARED)/eval/tags-dev"

eval-related: $(STAMP) ## ingest the related dev set's grouped articles, build them, and score their related links
	$(BIN)/python tools/eval_related.py --shared "$(SHARED)"

BENCHOPTS ?=
bench: $(STAMP) ## benchmark builds, related links, ingest and tagging (BENCHOPTS=--stock ...)
	$(BIN)/python tools/bench.py $(BENCHOPTS)

test: $(STAMP) ## run the test suite
	$(BIN)/python -m pytest $(PYTESTOPTS)

clean: ## remove what the build made in OUTPUTDIR (nothing else), and the build cache
	@if [ -d "$(OUTPUTDIR)" ]; then $(PY) -m briefing.site.outputdir clean "$(OUTPUTDIR)"; fi
	rm -rf "$(BASEDIR)/cache"

.PHONY: help install html regenerate serve devserver publish check ingest review publish-drafts tag retag eval-clean fit-title eval-tags eval-related bench test clean
