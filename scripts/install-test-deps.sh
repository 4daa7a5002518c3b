#!/usr/bin/env bash
# Installs the real out-of-process peers the test suite talks to, on loopback only:
#   - the rotel OTLP collector (PyPI wheel carrying the collector binary)
#   - Debian's prometheus (promtool) and prometheus-alertmanager (amtool)
#   - Debian's nginx, the TLS gateway of the TLS tests (started by the tests, never as a service)
# Idempotent: does nothing for what is already installed.
set -euo pipefail

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_apt+=(prometheus-alertmanager)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: the servers are not started as services here; tests
  # start what they need on a port they pick.
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v rotel >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "rotel==0.0.1a15"
  # The wheel carries the collector binary inside the package; put it on PATH.
  agent=$(python3 -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))')
  ln -sf "$agent" /usr/local/bin/rotel
fi

echo "promtool: $(command -v promtool)"
echo "amtool:   $(command -v amtool)"
echo "rotel:    $(command -v rotel)"
echo "nginx:    $( [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx || command -v nginx)"
