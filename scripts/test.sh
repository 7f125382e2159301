#!/usr/bin/env bash
# Sets up the test tools (Chromium and a CJK font from apt, packages in .venv), lints, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
# Lint first: a syntax error or a stray name fails in seconds, not after the slow tests.
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
# Two workers, each taking whole files (a module's fixtures are built once): one pytest process
# left a quarter of two cores idle while it waited on the apps and commands it started
# (1684 s against 1320 s for the whole suite). Pass -n 0 for one process.
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
