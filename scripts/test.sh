#!/usr/bin/env bash
# Sets up the test tools (Chromium and a CJK font from apt, packages in .venv) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
exec .venv/bin/python -m pytest "$@"
