#!/usr/bin/env bash
# Sets up (first run only takes minutes) and starts the app on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# One upload limit: the server's ceiling follows the app's own (EE_MAX_FILE_MB, in MB).
exec .venv/bin/python -m streamlit run app.py --server.maxUploadSize "${EE_MAX_FILE_MB:-100}" "$@"
