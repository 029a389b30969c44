#!/usr/bin/env bash
# Sourced. A Spark standalone cluster on loopback (one master, N workers) for tests and local
# experiments, run from the Spark distribution inside the pyspark wheel:
#   source bin/lib/python-env.sh; ensure_venv          # exports SPARK_HOME
#   source bin/lib/spark-cluster.sh
#   start_spark_cluster /tmp/somewhere 2 1 2   # dir, workers, cores per worker, fake GPUs per worker
#   spark-submit --master "$SPARK_MASTER_URL" ...
#   stop_spark_cluster
# Exports SPARK_MASTER_URL (spark://127.0.0.1:P), SPARK_MASTER_WEBUI_URL and SPARK_CLUSTER_DIR.
# Logs go to <dir>/master.log and <dir>/worker-<i>.log, executor folders to <dir>/w<i>.
#
# GPUs: with gpus_per_worker > 0 each worker advertises that many GPUs through a discovery script
# (spark.worker.resource.gpu.*). There is no GPU behind them: they exist so that Spark's resource
# scheduling (spark.executor/task.resource.gpu.amount) can be tested on CPU machines. Worker i
# gets the ids i*g .. i*g+g-1, as if the workers shared one host with all of its GPUs split
# between them, so no two executors here hold the same id.

SPARK_CLUSTER_START_TIMEOUT="${SPARK_CLUSTER_START_TIMEOUT:-90}"
SPARK_WORKER_MEMORY="${SPARK_WORKER_MEMORY:-3g}"

_spark_free_port() {
  "${LAYERPIPE_PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts "$@" in a process group of its own (setsid) in the background; the group leader's pid
# goes to $1. Stopping the group later also ends what the process started (a worker's executors).
_spark_spawn() {
  local pidfile="$1" log="$2"
  shift 2
  rm -f "$pidfile"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >"$log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 100); do
    [[ -s "$pidfile" ]] && break
    sleep 0.05
  done
  [[ -s "$pidfile" ]] || { echo "spark-cluster: $* did not start (see $log)" >&2; return 1; }
  SPARK_CLUSTER_PIDS="${SPARK_CLUSTER_PIDS:+$SPARK_CLUSTER_PIDS }$(cat "$pidfile")"
  export SPARK_CLUSTER_PIDS
}

# Number of ALIVE workers the master reports, or nothing when it does not answer yet.
_spark_alive_workers() {
  "${LAYERPIPE_PYTHON:-python3}" - "$1" <<'PY' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/json/", timeout=2) as r:
    print(json.load(r).get("aliveworkers", 0))
PY
}

start_spark_cluster() {
  local dir="${1:?usage: start_spark_cluster <dir> [workers=2] [cores_per_worker=1] [gpus_per_worker=0]}"
  local workers="${2:-2}" cores="${3:-1}" gpus="${4:-0}"
  if [[ -n "${SPARK_CLUSTER_PIDS:-}" ]]; then
    echo "spark-cluster: already running at $SPARK_MASTER_URL (pids $SPARK_CLUSTER_PIDS)" >&2
    return 0
  fi
  [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-class" ]] \
    || { echo "spark-cluster: SPARK_HOME/bin/spark-class not found: call ensure_venv (bin/lib/python-env.sh) first" >&2; return 1; }
  if [[ -z "${JAVA_HOME:-}" ]]; then
    command -v java >/dev/null || { echo "spark-cluster: Java 17+ is required (java not found on PATH)" >&2; return 1; }
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    export JAVA_HOME
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  SPARK_CLUSTER_DIR="$dir"
  export SPARK_CLUSTER_DIR

  # Everything on loopback; executors (children of the workers) inherit the OpenMP settings:
  # spin-waiting OpenMP threads make ND4J 2-4x slower on small machines.
  local env=(env SPARK_LOCAL_IP=127.0.0.1 OMP_WAIT_POLICY=PASSIVE "OMP_NUM_THREADS=${OMP_NUM_THREADS:-$cores}")

  local port webui
  port="$(_spark_free_port)"
  webui="$(_spark_free_port)"
  _spark_spawn "$dir/master.pid" "$dir/master.log" \
      "${env[@]}" "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$port" --webui-port "$webui" || return 1
  SPARK_MASTER_URL="spark://127.0.0.1:$port"
  SPARK_MASTER_WEBUI_URL="http://127.0.0.1:$webui"
  export SPARK_MASTER_URL SPARK_MASTER_WEBUI_URL

  local i
  for ((i = 0; i < workers; i++)); do
    local opts=""
    if ((gpus > 0)); then
      local script="$dir/gpus-w$i.sh" ids="" g
      for ((g = i * gpus; g < (i + 1) * gpus; g++)); do
        ids="${ids:+$ids,}\"$g\""
      done
      printf '#!/usr/bin/env bash\n# fake GPUs of worker %d (no device behind them)\necho '"'"'{"name":"gpu","addresses":[%s]}'"'"'\n' "$i" "$ids" >"$script"
      chmod +x "$script"
      opts="-Dspark.worker.resource.gpu.amount=$gpus -Dspark.worker.resource.gpu.discoveryScript=$script"
    fi
    mkdir -p "$dir/w$i"
    _spark_spawn "$dir/worker-$i.pid" "$dir/worker-$i.log" \
        "${env[@]}" "SPARK_WORKER_OPTS=$opts" "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$SPARK_MASTER_URL" \
        --host 127.0.0.1 --cores "$cores" --memory "$SPARK_WORKER_MEMORY" \
        --webui-port "$(_spark_free_port)" --work-dir "$dir/w$i" || { stop_spark_cluster; return 1; }
  done

  local deadline=$((SECONDS + SPARK_CLUSTER_START_TIMEOUT)) alive
  while true; do
    alive="$(_spark_alive_workers "$SPARK_MASTER_WEBUI_URL")" || alive=0
    [[ "$alive" == "$workers" ]] && break
    local pid
    for pid in $SPARK_CLUSTER_PIDS; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "spark-cluster: a process exited during start-up (pid $pid); last lines of the logs in $dir:" >&2
        tail -n 20 "$dir"/*.log >&2
        stop_spark_cluster
        return 1
      fi
    done
    if ((SECONDS >= deadline)); then
      echo "spark-cluster: ${alive:-0} of $workers workers registered with $SPARK_MASTER_URL within ${SPARK_CLUSTER_START_TIMEOUT} s; last lines of the logs in $dir:" >&2
      tail -n 20 "$dir"/*.log >&2
      stop_spark_cluster
      return 1
    fi
    sleep 0.5
  done
  echo "spark-cluster: up at $SPARK_MASTER_URL ($workers workers x $cores cores, $gpus fake GPUs each; UI $SPARK_MASTER_WEBUI_URL; logs in $dir)" >&2
}

stop_spark_cluster() {
  local pid pids="${SPARK_CLUSTER_PIDS:-}"
  [[ -n "$pids" ]] || return 0
  # Workers first (each takes its executors along), then the master; TERM, then KILL what is left.
  local order="" p
  for p in $pids; do order="$p $order"; done
  for pid in $order; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  local i alive
  for i in $(seq 1 50); do
    alive=0
    for pid in $order; do
      kill -0 -- "-$pid" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.2
  done
  for pid in $order; do
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  unset SPARK_CLUSTER_PIDS SPARK_MASTER_URL SPARK_MASTER_WEBUI_URL
}
