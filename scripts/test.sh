#!/usr/bin/env bash
# Sets up the test tools (Chromium and a CJK font from apt, packages in .venv), lints, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
# Lint first: a syntax error or a stray name fails in seconds, not after the slow tests.
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
exec .venv/bin/python -m pytest "$@"
