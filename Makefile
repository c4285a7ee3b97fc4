# Generative models: from autoencoders to StyleGAN. `make` or `make help` lists the targets:
# each target's `##` comment is its line in that list.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
ASSIGNMENTS := $(sort $(notdir $(wildcard solutions/[0-9]*)))
# Grading runs the graded cells in the quick profile (grades do not
# depend on how long the models train).
GRADE_PROFILE ?= quick

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install lab teach hub test test-fast test-browser site release grade feedback grades student-bundle release-answers quiz roster answers record

help: ## this list
	@echo "Generative models: from autoencoders to StyleGAN (instructors: see docs/instructors.md)"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

# The virtual environment is created once and reused; it is updated only when
# pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed: run 'make PYTHON=python3.11 ...'"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e .
	$(BIN)/python -m pip install ./packaging/molsets  # MOSES molecules, without molsets' stale pins (see there)
	@touch $@

install: $(STAMP) ## create .venv and install the course (once; again when pyproject.toml changes)

# ---- JupyterLab, browser tests ----
# jupyter/ holds the course's shared Jupyter settings: nbgrader's course id and exchange (so the
# Assignment List works) and JupyterLab's "start the notebook's kernel without asking".
lab teach test-browser: export JUPYTER_CONFIG_PATH := $(CURDIR)/jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

lab: $(STAMP) ## install (once) and open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

# The whole course, so the Formgrader can open solutions/ and release, collect, grade from the UI.
teach: $(STAMP) ## the teacher's JupyterLab: whole course, Formgrader, exchange
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)

# The class's JupyterHub (hub/class_config.py): accounts (sign-up approved by the roster or the teacher),
# a system account per person, nbgrader's exchange, limits, the idle culler. As root: it makes the accounts.
# State (homes, exchange, database): COURSE_HUB_STATE, default hub/state. docs/hub.md.
hub: $(DEV) ## the class's JupyterHub: accounts, a system user each, the exchange (as root: sudo make hub)
	@command -v configurable-http-proxy >/dev/null || npm install -g --prefix $(abspath $(VENV)) configurable-http-proxy
	$(BIN)/jupyterhub -f hub/class_config.py

# Development tools (pytest, nbval, Playwright, JupyterHub): pip install -e .[dev]
$(DEV): $(STAMP)
	$(BIN)/python -m pip install -e .[dev]
	@touch $@

# Real Chromium (Debian's: apt-get install chromium) drives JupyterLab, a JupyterHub
# (configurable-http-proxy from npm, installed here into .venv when missing) and the website
# (built first in the same profile; only notebooks whose code changed run again).
test-browser: export COURSE_PROFILE ?= quick
test-browser: $(DEV) ## real Chromium drives JupyterLab, a JupyterHub and the website
	@command -v configurable-http-proxy >/dev/null || npm install -g --prefix $(abspath $(VENV)) configurable-http-proxy
	$(MAKE) --no-print-directory site
	$(BIN)/python -m pytest tests/browser --durations=8 -p no:cacheprovider
# ---- end of the browser section ----

# ---- the website ----
# Every notebook executed (a notebook runs again only when its code changed: jupyter-cache, one
# cache per profile), rendered by Sphinx with myst-nb: _build/site-<profile>/html/index.html.
# The published site is the full profile (the default); CI builds the quick one.
SITE := $(VENV)/.installed-site
$(SITE): $(STAMP)
	$(BIN)/python -m pip install -e .[site]
	@touch $@

site: export COURSE_PROFILE ?= full
site: $(SITE) ## the course website with every output: _build/site-<profile>/html (COURSE_PROFILE=quick: fast)
	$(BIN)/python website/build.py

# The tests and the notebooks (quick profile) in one pytest run, a worker per core (--dist loadgroup): each
# notebook whole on one worker, in order (its cells share a kernel: the scheduler in solutions/conftest.py),
# the tests spread over the workers around them, the slow ones first (tests/conftest.py). One torch thread a
# process: torch processes that each use every core slow each other down many times over (docs/gpu.md); the
# tests that use two threads on purpose wait for a core asleep (OMP_WAIT_POLICY=PASSIVE), not spinning on it
# (3 times faster on a busy 2-core machine).
# pytest keeps its cache in .pytest_cache: `make test PYTEST_ARGS=--lf` reruns what failed last.
# nbval: a kernel gets 3 minutes to start and a cell's outputs 5 minutes to arrive once the cell is done
# (solutions/conftest.py), so a busy machine slows the run down instead of failing it.
PYTEST_ARGS ?=
test: export COURSE_PROFILE ?= quick
test: $(DEV) ## lint, unit and grading tests, and every notebook (quick profile)
	$(BIN)/ruff check .
	OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest solutions tests --ignore=tests/browser -n auto --dist loadgroup \
	  --nbval-lax --nbval-current-env --nbval-kernel-startup-timeout=180 --durations=10 $(PYTEST_ARGS)
	@command -v chromium >/dev/null || echo "Browser tests not run (no chromium): apt-get install chromium, then make test-browser"

# The edit loop: unit, layout and visible-test checks; no kernel, nbgrader, sandbox or notebook (the
# tests marked slow). Under a minute on 2 cores.
test-fast: export COURSE_PROFILE ?= quick
test-fast: $(DEV) ## the quick checks only (under a minute): no kernels, grading runs or notebooks
	$(BIN)/ruff check .
	OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest tests -n auto --dist worksteal --durations=5 --ignore=tests/browser \
	  -m "not slow" $(PYTEST_ARGS)

# solutions/09_quiz is generated from quiz/*.yaml (the same bytes for the same bank), then released.
quiz: $(STAMP) ## rebuild the classroom quiz from quiz/*.yaml, then make release
	$(BIN)/python -m grading quiz

# course_answers/ is generated from the solution cells: edit an answer in its notebook, then make answers.
answers: $(STAMP) ## write the teacher's course_answers/ from the solution cells of solutions/
	$(BIN)/python -m grading answers

# The printed outputs of a full-profile run of each notebook, which its text's numbers are checked against.
record: $(STAMP) ## run NB=05_dcgan (or several) in the full profile and rewrite its records/ entry
	@test -n "$(NB)" || { echo "which notebook? make record NB=05_dcgan"; exit 2; }
	$(BIN)/python -m grading record $(NB)

# notebooks/ is generated from solutions/: never edit it by hand.
release: $(STAMP) answers ## generate notebooks/ (the student release) and course_answers/ from solutions/
	@for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done

# Collected work goes to submitted/<student>/<assignment>/<notebook>.ipynb (nbgrader collect, or by
# hand from your LMS). Grades what was collected against the committed release (run `make release`
# yourself after changing solutions/): every submission in its own bubblewrap sandbox, in parallel
# (one Dask worker per core; GRADE_ARGS="--scheduler tcp://host:8786" for a cluster). One bad
# submission never stops the run: every student gets a recorded outcome (an unreadable file: 0, with
# the reason); the exit status is non-zero only if the run itself could not work. course.yml's due
# dates, extensions and late penalty apply. Reports: grading_report_<assignment>.md; gradebook
# backups: gradebook_backups/.
GRADE_ARGS ?=
GRADING := $(VENV)/.installed-grading
$(GRADING): $(STAMP)
	$(BIN)/python -m pip install -e .[grading]
	@touch $@

grade: $(GRADING) ## autograde what was collected in submitted/: sandboxed, in parallel (docs/grading.md)
	@command -v bwrap >/dev/null || { echo "make grade needs bubblewrap: apt-get install bubblewrap"; exit 1; }
	@todo=""; for a in $(ASSIGNMENTS); do ls -d submitted/*/$$a >/dev/null 2>&1 && todo="$$todo $$a"; done; \
	  if [ -z "$$todo" ]; then echo "nothing collected in submitted/"; exit 0; fi; \
	  COURSE_PROFILE=$(GRADE_PROFILE) $(BIN)/python -m grading autograde $$todo $(GRADE_ARGS)

# What students get, and nothing else: the released notebooks and an installable course_lib
# (no solutions/, tests/, quiz answers, grading/). Written to dist/student-bundle/ and a .tar.gz.
# SELF_STUDY=1: every answer, for learners on their own (a class gets only the released ones).
student-bundle: $(STAMP) ## what students get: notebooks, course_lib, released answers, in dist/
	$(BIN)/python -m grading bundle dist/student-bundle $(if $(SELF_STUDY),--self-study)

# `make release-answers 02` (after 02's due date): students get course_answers.a02_... from the next
# `make student-bundle` on; course.yml records it. `make release-answers` alone lists what is released.
ifeq (release-answers,$(firstword $(MAKECMDGOALS)))
  RELEASE_ANSWERS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
  $(eval $(RELEASE_ANSWERS):;@:)
endif
release-answers: $(STAMP) ## after a due date: students get that assignment's answers (make release-answers 02)
	$(BIN)/python -m grading release-answers $(RELEASE_ANSWERS)

feedback: $(STAMP) ## feedback HTML for every autograded submission
	@for a in $(ASSIGNMENTS); do \
	  if ls autograded/*/$$a >/dev/null 2>&1; then $(BIN)/nbgrader generate_feedback $$a || exit 1; fi; done

# LMS=canvas or LMS=moodle: the CSV that LMS imports (late penalties taken off, manual grades in);
# without LMS, nbgrader's own grades.csv.
grades: $(STAMP) ## export every grade: grades.csv, or LMS=canvas|moodle for your LMS's import
	$(if $(LMS),$(BIN)/python -m grading grades --lms $(LMS),$(BIN)/nbgrader export --to grades.csv)

roster: $(STAMP) ## import students into the gradebook: make roster FILE=students.csv (id, first, last, email, lms_id)
	@test -n "$(FILE)" || { echo "usage: make roster FILE=students.csv"; exit 2; }
	$(BIN)/python -m grading roster $(FILE)
