#!/usr/bin/env bash
# bin/layerpipe sweep <sweep.yaml> [--force] [--output PATH] [job options] [spark-submit options...]
#
# Runs a sweep with spark-submit, every trial logged to MLflow, the tables as Parquet in
# results/<sweep name> (or --output). Builds the project and the Python tools (.venv: pinned
# pyspark = Spark, mlflow) on first use. Without MLFLOW_TRACKING_URI (or --tracking-uri) it uses
# the project's own MLflow server: data under .layerpipe/mlflow/, left running after the sweep
# for the UI (bin/layerpipe mlflow status|stop). Re-running a sweep skips trials that are done
# (finished or diverged, by trial id anywhere in the experiment; README "Exactly once").
#
# Job options (the rest goes to spark-submit):
#   --force                  re-run done trials; each replaces its old run once it has finished
#   --output PATH            folder for the Parquet tables [default: results/<sweep name>]
#   --tracking-uri URI       MLflow server [default: $MLFLOW_TRACKING_URI, else the project's]
#   --concurrent-trials N    trials at once [default: task slots]
#   --journal DIR, --journal-wait S, --tracking-retry S   what happens while MLflow is down
#
# On this machine the default is --master local[2,2] (both cores for one trial at a time, one
# retry of a failed task) with spark.task.cpus=2 and a 6 GB driver; any --master given replaces
# these defaults.
#
# On a cluster (copy, then adapt hosts, paths and amounts):
#
#   bin/layerpipe sweep experiments/cifar.yaml \
#     --master spark://head-node:7077 \
#     --executor-memory 12g --conf spark.executor.cores=4 --conf spark.task.cpus=4 \
#     --conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1 \
#     --tracking-uri http://mlflow-host:5000 \
#     --output hdfs:///user/me/layerpipe/results/cifar
#
#   * data.* paths in the sweep file and --output may be hdfs:, s3a: or any Hadoop path that
#     every executor can read; the sweep file itself too.
#   * --tracking-uri must be reachable from every executor (not 127.0.0.1); the server must
#     serve artifacts (the default, --artifacts-destination).
#   * GPU trials need the CUDA build of the jar (mvn -Pcuda package) and workers that advertise
#     GPUs (spark.worker.resource.gpu.discoveryScript); each trial gets the device ids Spark
#     assigned to its task (MLflow tag layerpipe.gpus).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=build.sh
source "$ROOT/bin/lib/build.sh"
# shellcheck source=python-env.sh
source "$ROOT/bin/lib/python-env.sh"
# shellcheck source=mlflow-server.sh
source "$ROOT/bin/lib/mlflow-server.sh"
# shellcheck source=project-mlflow.sh
source "$ROOT/bin/lib/project-mlflow.sh"
# shellcheck source=datasets.sh
source "$ROOT/bin/lib/datasets.sh"

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

sweep=""
job=()
submit=()
master=""
tracking=""
while (($# > 0)); do
  case "$1" in
    -h|--help) usage ;;
    --force) job+=("$1"); shift ;;
    --output|--concurrent-trials|--journal|--journal-wait|--tracking-retry)
      (($# >= 2)) || { echo "layerpipe sweep: $1 needs a value" >&2; exit 2; }
      job+=("$1" "$2"); shift 2 ;;
    --tracking-uri)
      (($# >= 2)) || { echo "layerpipe sweep: $1 needs a value" >&2; exit 2; }
      tracking="$2"; shift 2 ;;
    --master)
      (($# >= 2)) || { echo "layerpipe sweep: $1 needs a value" >&2; exit 2; }
      master="$2"; shift 2 ;;
    --output=*|--concurrent-trials=*|--journal=*|--journal-wait=*|--tracking-retry=*) job+=("$1"); shift ;;
    --tracking-uri=*) tracking="${1#--tracking-uri=}"; shift ;;
    --master=*) master="${1#--master=}"; shift ;;
    --verbose|-v|--supervise) submit+=("$1"); shift ;;
    --*=*) submit+=("$1"); shift ;;
    --*)
      (($# >= 2)) || { echo "layerpipe sweep: spark-submit option $1 needs a value" >&2; exit 2; }
      submit+=("$1" "$2"); shift 2 ;;
    *)
      [[ -z "$sweep" ]] || { echo "layerpipe sweep: one sweep file only, got '$sweep' and '$1'" >&2; exit 2; }
      sweep="$1"; shift ;;
  esac
done
[[ -n "$sweep" ]] || { echo "layerpipe sweep: no sweep file given" >&2; usage; }
if [[ "$sweep" != *:* && ! -f "$sweep" ]]; then
  echo "layerpipe sweep: the sweep file '$sweep' does not exist" >&2
  exit 2
fi

ensure_built
ensure_venv
jar="$(shaded_jar)"
if [[ -z "${JAVA_HOME:-}" ]]; then   # spark-submit's launcher wants it
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi

if [[ -z "$tracking" ]]; then
  if [[ -n "${MLFLOW_TRACKING_URI:-}" ]]; then
    tracking="$MLFLOW_TRACKING_URI"
  else
    project_mlflow_start
    tracking="$MLFLOW_TRACKING_URI"
    project_server=1
  fi
fi

# ND4J: OpenMP spin-waiting makes small machines 2-4x slower; executors get it through executorEnv.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
log4j="$ROOT/bin/lib/log4j2-sweep.properties"
# ND4J frees native memory when the Java objects holding it are collected: JavaCPP's limits make it
# collect in time (it calls System.gc() at maxbytes) instead of growing until the OOM killer acts.
# -onednn: ND4J's natives built with oneDNN (several times faster convolutions), see NativeRuntime.
native="-Dorg.bytedeco.javacpp.platform.extension=-onednn -Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=10g"
defaults=(--conf spark.speculation=false
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE
  --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$log4j $native"
  --conf "spark.executor.extraJavaOptions=$native")
if [[ -z "$master" ]]; then
  master="local[2,2]"
  # on this machine the trials read Debian's Fashion-MNIST unless the sweep gives data.path
  if [[ "$sweep" != *:* ]] && grep -q 'fashion-mnist' "$sweep"; then
    ensure_fashion_mnist
  fi
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  defaults+=(--conf spark.task.cpus=2 --driver-memory 6g --conf spark.ui.showConsoleProgress=false)
  # a journal that survives a reboot: calls made while MLflow was down are replayed by the next run
  job=(--journal "$ROOT/.layerpipe/journal" "${job[@]}")
fi

status=0
"$SPARK_HOME/bin/spark-submit" --master "$master" "${defaults[@]}" "${submit[@]}" \
  --class org.layerpipe.jobs.SweepJob "$jar" "$sweep" --tracking-uri "$tracking" "${job[@]}" || status=$?

if [[ "${project_server:-0}" == 1 ]]; then
  echo
  echo "The project's MLflow server ($tracking) keeps running for the links above; stop it with: bin/layerpipe mlflow stop"
fi
exit "$status"
