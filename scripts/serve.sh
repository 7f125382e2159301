#!/usr/bin/env bash
# A team deployment on one machine: a Chroma server on a data folder plus N app processes
# that share it. Ctrl-C (or `scripts/serve.sh stop`) stops them all.
#
#   scripts/serve.sh [--apps N] [--port FIRST_APP_PORT] [--chroma-port PORT] [--data DIR]
#                    [--address ADDRESS]
#   scripts/serve.sh stop [--data DIR]
#
# Defaults: 2 apps on 8501, 8502, ...; Chroma on 8000; data in $EE_DATA_DIR or ./data; apps
# bound to 127.0.0.1 (put a reverse proxy with session affinity in front: README, "Deploying
# for a team"). Chroma always listens on 127.0.0.1 only. Logs go to DIR/logs/.
# Environment: EE_* settings pass through to the apps (EE_APP_PASSWORD turns on the password
# gate; EE_MAX_FILE_MB sets the upload limit); EE_SERVE_WAIT_S bounds each start-up wait (60).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '5,6p' "$0" | sed 's/^# *//' >&2; exit 2; }
fail() { echo "error: $*" >&2; exit 2; }

command=start
if [ "${1:-}" = stop ]; then command=stop; shift; fi
apps=2 port=8501 chroma_port=8000 address=127.0.0.1 data=${EE_DATA_DIR:-data}
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --apps) apps=$2 ;;
    --port) port=$2 ;;
    --chroma-port) chroma_port=$2 ;;
    --data) data=$2 ;;
    --address) address=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for number in "$apps" "$port" "$chroma_port"; do
  [[ "$number" =~ ^[0-9]+$ ]] || fail "expected a number, got '$number'"
done
[ "$apps" -ge 1 ] || fail "--apps must be at least 1"
wait_s=${EE_SERVE_WAIT_S:-60}
run_dir="$data/run"
pid_file="$run_dir/serve.pid"

if [ "$command" = stop ]; then
  [ -f "$pid_file" ] || fail "nothing is serving $data (no $pid_file)"
  pid=$(cat "$pid_file")
  kill -TERM "$pid" 2>/dev/null || fail "serve.sh (pid $pid) is not running; remove $pid_file"
  # Done when it has removed its pid file (it may linger as a zombie of whoever started it).
  deadline=$((SECONDS + wait_s))
  while [ $SECONDS -lt "$deadline" ]; do
    if [ ! -f "$pid_file" ] || ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      echo "stopped"
      exit 0
    fi
    sleep 0.2
  done
  fail "serve.sh (pid $pid) did not stop within ${wait_s} s"
fi

[ -x .venv/bin/python ] || scripts/setup.sh
python=.venv/bin/python
# The Chroma command line installed with chromadb, next to this Python (never one on PATH).
chroma=$(dirname "$python")/chroma
[ -x "$chroma" ] || fail "no chroma command next to $python; run scripts/setup.sh"

if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  fail "$data is already served (serve.sh pid $(cat "$pid_file")); scripts/serve.sh stop --data $data"
fi
app_ports=()
for ((i = 0; i < apps; i++)); do app_ports+=($((port + i))); done
for p in "$chroma_port" "${app_ports[@]}"; do
  "$python" -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" \
    "$p" 2>/dev/null || fail "port $p is in use"
done
if [[ "$address" != 127.* && "$address" != localhost && -z "${EE_APP_PASSWORD:-}" ]]; then
  echo "warning: apps listen on $address without a password (set EE_APP_PASSWORD)" >&2
fi

mkdir -p "$data/chroma" "$data/logs" "$run_dir"
echo $$ >"$pid_file"
pids=()
end_all() {  # end_all PID...: TERM them together, then KILL whatever is left after 15 s
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ] && kill -0 "$@" 2>/dev/null; do sleep 0.2; done
  kill -KILL "$@" 2>/dev/null || true
}
stop_all() {
  trap - INT TERM EXIT
  # Apps first, so none of them meets a vanished Chroma while a user is still connected.
  end_all "${pids[@]:1}"
  end_all "${pids[@]:0:1}"
  wait 2>/dev/null || true
  rm -f "$pid_file"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

wait_for() {  # wait_for URL PID NAME: until URL answers 200, the process dies, or wait_s passes
  "$python" - "$1" "$2" "$3" "$wait_s" <<'PY' || exit 1
import os, sys, time, urllib.request
url, pid, name, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"error: {name} exited during start-up; see its log")
    try:
        with urllib.request.urlopen(url, timeout=2):
            sys.exit(0)
    except OSError:
        time.sleep(0.3)
sys.exit(f"error: {name} did not answer {url} within {limit:.0f} s")
PY
}

ANONYMIZED_TELEMETRY=False "$chroma" run --path "$data/chroma" --host 127.0.0.1 \
  --port "$chroma_port" >"$data/logs/chroma.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$chroma_port/api/v2/heartbeat" "${pids[0]}" "chroma"
echo "chroma: http://127.0.0.1:$chroma_port (data in $data/chroma, log $data/logs/chroma.log)"

for p in "${app_ports[@]}"; do
  EE_DATA_DIR="$data" EE_CHROMA_HOST=127.0.0.1 EE_CHROMA_PORT="$chroma_port" \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False \
    "$python" -m streamlit run app.py --server.port "$p" --server.address "$address" \
    --server.headless true --server.maxUploadSize "${EE_MAX_FILE_MB:-100}" \
    >"$data/logs/app-$p.log" 2>&1 &
  pids+=($!)
done
check_host=$address
[[ "$address" == 0.0.0.0 || "$address" == "::" ]] && check_host=127.0.0.1
for ((i = 0; i < apps; i++)); do
  p=${app_ports[$i]}
  wait_for "http://$check_host:$p/_stcore/health" "${pids[$((i + 1))]}" "app on port $p"
  echo "app: http://$address:$p (log $data/logs/app-$p.log)"
done
echo "serving: ${#app_ports[@]} apps on ${app_ports[*]}; Ctrl-C or scripts/serve.sh stop --data $data"

# Until one of them exits (or we are told to stop): then stop the rest.
set +e
wait -n "${pids[@]}"
status=$?
echo "error: a process exited (status $status); stopping the others" >&2
exit 1
