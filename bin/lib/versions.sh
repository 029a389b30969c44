#!/usr/bin/env bash
# The one place for the versions of the Python tools the scripts install into .venv/.
# Sourced by python-env.sh; keep PYSPARK_VERSION equal to the Spark version in pom.xml.
# mlflow 3.18.0 is listed on PyPI but its mlflow-skinny==3.18.0 is not served here: 3.17.2 installs.
MLFLOW_VERSION=3.17.2
PYSPARK_VERSION=4.1.3
