#!/usr/bin/env bash
# Sourced. The project's own MLflow server: runs and artifacts kept under <repo>/.layerpipe/mlflow/
# (mlflow.db, artifacts/), running in the background between sweeps so the UI stays browsable.
#   project_mlflow_start    reuse the running one or start it; exports MLFLOW_TRACKING_URI
#   project_mlflow_status   prints where it runs; exit 1 when it does not
#   project_mlflow_stop
# Its pid and port are in .layerpipe/mlflow/server.pid and server.port; it prefers the port it
# had last time, so UI links stay valid.
# Needs LAYERPIPE_ROOT and ensure_venv (python-env.sh) and start_mlflow_server (mlflow-server.sh).

PROJECT_MLFLOW_DIR="${PROJECT_MLFLOW_DIR:-$LAYERPIPE_ROOT/.layerpipe/mlflow}"

# Pid of the running project server, or nothing. Checks that the pid is still an MLflow server
# (pids get reused after a reboot) and that it answers on its recorded port.
_project_mlflow_pid() {
  local pid port
  pid="$(cat "$PROJECT_MLFLOW_DIR/server.pid" 2>/dev/null)" || return 0
  port="$(cat "$PROJECT_MLFLOW_DIR/server.port" 2>/dev/null)" || return 0
  [[ -n "$pid" && -n "$port" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q mlflow || return 0
  "${LAYERPIPE_PYTHON:-python3}" - "http://127.0.0.1:$port/health" <<'PY' 2>/dev/null || return 0
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
  echo "$pid"
}

_project_mlflow_free() {
  "${LAYERPIPE_PYTHON:-python3}" - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: a port in TIME_WAIT is free
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
finally:
    s.close()
PY
}

project_mlflow_start() {
  local pid
  pid="$(_project_mlflow_pid)"
  if [[ -n "$pid" ]]; then
    MLFLOW_TRACKING_URI="http://127.0.0.1:$(cat "$PROJECT_MLFLOW_DIR/server.port")"
    export MLFLOW_TRACKING_URI
    echo "mlflow: using the project's server at $MLFLOW_TRACKING_URI (pid $pid)" >&2
    return 0
  fi
  local port
  port="$(cat "$PROJECT_MLFLOW_DIR/server.port" 2>/dev/null || true)"
  if [[ -n "$port" ]] && ! _project_mlflow_free "$port"; then
    port=""
  fi
  mkdir -p "$PROJECT_MLFLOW_DIR"
  # start_mlflow_server ties a server to the shell that started it; this one must outlive us
  # (the UI stays browsable after the sweep), so it has no owner to follow.
  (unset MLFLOW_SERVER_PID; MLFLOW_SERVER_OWNER=none start_mlflow_server "$PROJECT_MLFLOW_DIR" $port \
      && echo "${MLFLOW_TRACKING_URI##*:}" >"$PROJECT_MLFLOW_DIR/server.port") || return 1
  MLFLOW_TRACKING_URI="http://127.0.0.1:$(cat "$PROJECT_MLFLOW_DIR/server.port")"
  export MLFLOW_TRACKING_URI
}

project_mlflow_status() {
  local pid
  pid="$(_project_mlflow_pid)"
  if [[ -z "$pid" ]]; then
    echo "mlflow: the project's server is not running (start it: bin/layerpipe mlflow start; data in $PROJECT_MLFLOW_DIR)"
    return 1
  fi
  echo "mlflow: the project's server runs at http://127.0.0.1:$(cat "$PROJECT_MLFLOW_DIR/server.port") (pid $pid, data in $PROJECT_MLFLOW_DIR)"
}

project_mlflow_stop() {
  local pid
  pid="$(_project_mlflow_pid)"
  if [[ -z "$pid" ]]; then
    echo "mlflow: the project's server is not running" >&2
    return 0
  fi
  MLFLOW_SERVER_PID="$pid" stop_mlflow_server
  rm -f "$PROJECT_MLFLOW_DIR/server.pid"
  echo "mlflow: stopped the project's server (pid $pid); its runs stay in $PROJECT_MLFLOW_DIR" >&2
}
