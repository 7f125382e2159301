#!/usr/bin/env bash
# Sets up (first run only takes minutes) and starts the app on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py "$@"
