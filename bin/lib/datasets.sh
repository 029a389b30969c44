#!/usr/bin/env bash
# Sourced. Defines ensure_fashion_mnist: Debian's package dataset-fashion-mnist (real Fashion-MNIST,
# 60k/10k IDX files in /usr/share/datasets/fashion-mnist, where `data: fashion-mnist` reads by
# default). Installs it with apt-get when it is missing: the main job's sweep, the benchmark and
# the tests read it.
#   source bin/lib/datasets.sh && ensure_fashion_mnist

ensure_fashion_mnist() {
  [[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] && return 0
  command -v apt-get >/dev/null || {
    echo "fashion-mnist: not in /usr/share/datasets/fashion-mnist and no apt-get to install it (set data.path to a folder holding the IDX files)" >&2
    return 1
  }
  echo "fashion-mnist: installing the Debian package dataset-fashion-mnist (real Fashion-MNIST, 30 MB) ..." >&2
  local sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
  # Another apt run (e.g. a parallel bin/test) may hold the lock for a while: wait for it.
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q dataset-fashion-mnist >/dev/null \
    || { echo "fashion-mnist: apt-get install dataset-fashion-mnist failed" >&2; return 1; }
}
