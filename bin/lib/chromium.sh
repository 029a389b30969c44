#!/usr/bin/env bash
# Sourced. Defines ensure_chromium: Debian's headless-capable Chromium for the browser checks of
# the MLflow UI (an integration test opens the link a sweep prints). Installs the package
# `chromium` with apt-get when it is missing; exports LAYERPIPE_CHROMIUM (the binary's path).
#   source bin/lib/chromium.sh && ensure_chromium

ensure_chromium() {
  local bin
  bin="$(command -v chromium || command -v chromium-browser || true)"
  if [[ -z "$bin" ]]; then
    command -v apt-get >/dev/null || { echo "chromium: not installed and no apt-get to install it (install Chromium, put it on PATH)" >&2; return 1; }
    echo "chromium: installing the Debian package chromium (browser checks of the MLflow UI) ..." >&2
    local sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
    # Another apt run (e.g. a parallel bin/test) may hold the lock for a while: wait for it.
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends chromium >/dev/null \
      || { echo "chromium: apt-get install chromium failed" >&2; return 1; }
    bin="$(command -v chromium)"
  fi
  export LAYERPIPE_CHROMIUM="$bin"
}
