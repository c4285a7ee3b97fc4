# Generative models: from autoencoders to StyleGAN
#   make lab       install (once) and open JupyterLab on the notebooks
#   make test      install (once) and run the whole test suite (quick profile)
# Instructors (see README): make release, make grade, make feedback, make grades

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSIGNMENTS := $(sort $(notdir $(wildcard solutions/[0-9]*)))
# Grading re-runs whole notebooks; the quick profile keeps that short (grades do not
# depend on how long the models train).
GRADE_PROFILE ?= quick

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install lab test release grade feedback grades

help:
	@sed -n '2,4p' Makefile | sed 's/^# *//'

# The virtual environment is created once and reused; it is updated only when
# pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "Python 3.10 or newer is needed: run 'make PYTHON=python3.11 ...'"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e .
	$(BIN)/python -m pip install --no-deps molsets==0.3.1  # MOSES molecules; only its data files are read
	@touch $@

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# tests/ in parallel, one worker per core (grading starts a kernel per submission); then the
# notebooks one after another, each with the whole machine, as a learner runs them.
test: export COURSE_PROFILE ?= quick
test: $(STAMP)
	$(BIN)/python -m pytest tests -n auto --dist worksteal --durations=8 -p no:cacheprovider
	$(BIN)/python -m pytest solutions --nbval-lax --nbval-current-env --durations=8 -p no:cacheprovider

# notebooks/ is generated from solutions/: never edit it by hand.
release: $(STAMP)
	@for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done

# Collected work goes to submitted/<student>/<assignment>/<notebook>.ipynb
# (nbgrader collect, or by hand from your LMS).
grade: release
	@for a in $(ASSIGNMENTS); do \
	  if ls submitted/*/$$a >/dev/null 2>&1; then \
	    COURSE_PROFILE=$(GRADE_PROFILE) $(BIN)/nbgrader autograde $$a || exit 1; fi; done

feedback: $(STAMP)
	@for a in $(ASSIGNMENTS); do \
	  if ls autograded/*/$$a >/dev/null 2>&1; then $(BIN)/nbgrader generate_feedback $$a || exit 1; fi; done

grades: $(STAMP)
	$(BIN)/nbgrader export --to grades.csv
