#!/usr/bin/env bash
# Sourced. A throw-away MLflow tracking server on loopback for tests and local sweeps.
#   source bin/lib/python-env.sh; ensure_venv
#   source bin/lib/mlflow-server.sh
#   start_mlflow_server /tmp/somewhere [port]   # exports MLFLOW_TRACKING_URI, MLFLOW_SERVER_PID
#   ...
#   stop_mlflow_server
# The server stores runs in <dir>/mlflow.db (SQLite) and artifacts in <dir>/artifacts, served
# through the tracking server (mlflow-artifacts:/ URIs), and logs to <dir>/server.log.

MLFLOW_SERVER_START_TIMEOUT="${MLFLOW_SERVER_START_TIMEOUT:-60}"
# Every worker imports all of mlflow at start (several seconds of CPU on 2 cores); one worker
# still serves concurrent requests (the tracking app runs in a thread pool).
MLFLOW_SERVER_WORKERS="${MLFLOW_SERVER_WORKERS:-1}"

start_mlflow_server() {
  local dir="${1:?usage: start_mlflow_server <dir> [port]}" port="${2:-}"
  if [[ -n "${MLFLOW_SERVER_PID:-}" ]] && kill -0 "$MLFLOW_SERVER_PID" 2>/dev/null; then
    echo "mlflow-server: already running (pid $MLFLOW_SERVER_PID) at $MLFLOW_TRACKING_URI" >&2
    return 0
  fi
  local py="${LAYERPIPE_PYTHON:?mlflow-server: call ensure_venv (bin/lib/python-env.sh) first}"
  local mlflow_bin
  mlflow_bin="$(dirname "$py")/mlflow"
  [[ -x "$mlflow_bin" ]] || { echo "mlflow-server: $mlflow_bin not found: run ensure_venv" >&2; return 1; }
  mkdir -p "$dir/artifacts"
  dir="$(cd "$dir" && pwd)"

  # Without a port, ask the kernel for a free one. Another process could take it before the
  # server binds; the health wait below then fails with the server's log, which says so.
  if [[ -z "$port" ]]; then
    port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  fi

  # setsid: the server (and its uvicorn workers) get a process group of their own, so
  # stop_mlflow_server can end all of them at once and leave no orphans. setsid forks when the
  # caller is a group leader (an interactive shell with job control), so the group leader
  # writes its own pid. Since MLflow 3.5 the server checks the Host header (--allowed-hosts).
  # The job runner (huey workers for GenAI evaluation jobs) is not used by tracking: skipping
  # it saves seven processes on 2-core machines. A watcher in the server's group ends the
  # group when its owner — this shell, or MLFLOW_SERVER_OWNER — dies without calling
  # stop_mlflow_server (e.g. kill -9); MLFLOW_SERVER_OWNER=none starts a server that outlives
  # its caller (the project's server, kept for the UI).
  local pidfile="$dir/server.pid"
  local owner="${MLFLOW_SERVER_OWNER:-$$}"
  rm -f "$pidfile"
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid bash -c '
      echo $$ > "$0"; owner=$1; shift
      if [ "$owner" != none ]; then
        ( while kill -0 "$owner" 2>/dev/null; do sleep 2; done; kill -TERM -- "-$$" ) </dev/null >/dev/null 2>&1 &
      fi
      exec "$@"' "$pidfile" "$owner" \
      "$mlflow_bin" server \
      --host 127.0.0.1 --port "$port" --workers "$MLFLOW_SERVER_WORKERS" \
      --backend-store-uri "sqlite:///$dir/mlflow.db" \
      --artifacts-destination "$dir/artifacts" \
      --allowed-hosts "127.0.0.1:$port,localhost:$port,127.0.0.1,localhost" \
      >"$dir/server.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 100); do
    [[ -s "$pidfile" ]] && break
    sleep 0.05
  done
  [[ -s "$pidfile" ]] || { echo "mlflow-server: the server process did not start (see $dir/server.log)" >&2; return 1; }
  MLFLOW_SERVER_PID="$(cat "$pidfile")"
  MLFLOW_SERVER_DIR="$dir"
  export MLFLOW_SERVER_PID MLFLOW_SERVER_DIR

  local uri="http://127.0.0.1:$port"
  local deadline=$((SECONDS + MLFLOW_SERVER_START_TIMEOUT))
  until "$py" - "$uri" <<'PY' 2>/dev/null
import sys, urllib.request
# /health answers before the tracking store is ready on some versions; ask the REST API too.
for path in ("/health", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default"):
    with urllib.request.urlopen(sys.argv[1] + path, timeout=2) as r:
        if r.status != 200:
            sys.exit(1)
PY
  do
    if ! kill -0 "$MLFLOW_SERVER_PID" 2>/dev/null; then
      echo "mlflow-server: the server exited during start-up; last lines of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      stop_mlflow_server
      return 1
    fi
    if (( SECONDS >= deadline )); then
      echo "mlflow-server: no answer from $uri/health within ${MLFLOW_SERVER_START_TIMEOUT} s; last lines of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      stop_mlflow_server
      return 1
    fi
    sleep 0.5
  done
  export MLFLOW_TRACKING_URI="$uri"
  echo "mlflow-server: up at $MLFLOW_TRACKING_URI (pid $MLFLOW_SERVER_PID, data in $dir)" >&2
}

stop_mlflow_server() {
  local pid="${MLFLOW_SERVER_PID:-}"
  [[ -n "$pid" ]] || return 0
  # Signal the group even when its leader is gone: its workers may still be there.
  if kill -0 -- "-$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true   # the whole process group (pid is its leader)
    local i
    for i in $(seq 1 50); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true   # reaps it when it is our child
  unset MLFLOW_SERVER_PID MLFLOW_TRACKING_URI
}
