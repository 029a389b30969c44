#!/usr/bin/env bash
# Sourced. Defines ensure_venv: a Python virtualenv at <repo>/.venv with the pinned mlflow
# (tracking server for tests) and pyspark (its wheel is a full Spark distribution, used as
# SPARK_HOME for spark-submit). Exports LAYERPIPE_PYTHON and SPARK_HOME.
#   source bin/lib/python-env.sh && ensure_venv

_LAYERPIPE_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "$_LAYERPIPE_LIB/versions.sh"
LAYERPIPE_ROOT="$(cd "$_LAYERPIPE_LIB/../.." && pwd)"
LAYERPIPE_VENV="${LAYERPIPE_VENV:-$LAYERPIPE_ROOT/.venv}"

# True when the venv already holds exactly the pinned versions (no network, ~0.1 s).
_venv_is_current() {
  local py="$LAYERPIPE_VENV/bin/python"
  [[ -x "$py" ]] || return 1
  "$py" - "$MLFLOW_VERSION" "$PYSPARK_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    ok = version("mlflow") == sys.argv[1] and version("pyspark") == sys.argv[2]
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

ensure_venv() {
  if ! _venv_is_current; then
    command -v python3 >/dev/null || { echo "python-env: python3 is required (not found on PATH)" >&2; return 1; }
    if [[ ! -x "$LAYERPIPE_VENV/bin/python" ]]; then
      echo "python-env: creating $LAYERPIPE_VENV" >&2
      python3 -m venv "$LAYERPIPE_VENV" || { echo "python-env: 'python3 -m venv' failed (on Debian: apt-get install python3-venv)" >&2; return 1; }
    fi
    echo "python-env: installing mlflow==$MLFLOW_VERSION pyspark==$PYSPARK_VERSION into $LAYERPIPE_VENV (first time takes a few minutes)" >&2
    "$LAYERPIPE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "mlflow==$MLFLOW_VERSION" "pyspark==$PYSPARK_VERSION" >&2 \
      || { echo "python-env: pip install of mlflow==$MLFLOW_VERSION pyspark==$PYSPARK_VERSION failed (see pip's output above)" >&2; return 1; }
    _venv_is_current || { echo "python-env: $LAYERPIPE_VENV does not hold mlflow==$MLFLOW_VERSION and pyspark==$PYSPARK_VERSION after install" >&2; return 1; }
  fi
  export LAYERPIPE_PYTHON="$LAYERPIPE_VENV/bin/python"
  SPARK_HOME="$("$LAYERPIPE_PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
  export SPARK_HOME
  [[ -x "$SPARK_HOME/bin/spark-submit" ]] || { echo "python-env: $SPARK_HOME/bin/spark-submit is missing: the pyspark install is broken (rm -rf $LAYERPIPE_VENV and retry)" >&2; return 1; }
}
