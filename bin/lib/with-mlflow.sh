#!/usr/bin/env bash
# Runs a command against a fresh MLflow tracking server on loopback:
#   bin/lib/with-mlflow.sh mvn -B -q -pl spark-jobs verify
# Ensures .venv (pinned mlflow/pyspark), starts the server in a temp dir, runs the command
# with MLFLOW_TRACKING_URI exported, stops the server on any exit and returns the command's
# exit code. Set LAYERPIPE_KEEP_MLFLOW_DIR=1 to keep the server's data and log.
set -euo pipefail
(( $# > 0 )) || { echo "usage: bin/lib/with-mlflow.sh <command> [args...]" >&2; exit 2; }

lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=python-env.sh
source "$lib/python-env.sh"
# shellcheck source=mlflow-server.sh
source "$lib/mlflow-server.sh"

ensure_venv
server_dir="$(mktemp -d -t layerpipe-mlflow.XXXXXX)"
cleanup() {
  stop_mlflow_server
  if [[ "${LAYERPIPE_KEEP_MLFLOW_DIR:-0}" == 1 ]]; then
    echo "with-mlflow: server data kept in $server_dir" >&2
  else
    rm -rf "$server_dir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_mlflow_server "$server_dir"
status=0
"$@" || status=$?
exit "$status"
