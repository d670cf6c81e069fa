#!/usr/bin/env bash
# Wine for smoke-testing dist/ec2keys-win-x64.exe on Linux (issue #6 §2; measurements in
# ../shared/reference/runtime.md §2 "Wine").
#
#   scripts/setup-wine.sh [--fresh] [PREFIX]      prints the prefix path on stdout
#
# - Installs Debian's wine + wine64 (8.0) when missing. wine32 is not needed: node.exe is x64.
# - Makes a Wine prefix (default .cache/wineprefix, or $WINEPREFIX, or PREFIX) and sets it to
#   Windows 10 with `winecfg /v win10`: a fresh prefix reports Windows 7, where Node 22 refuses
#   to start (exit 216, "only supported on Windows 8.1 ... or higher").
# - A prefix is reused only if the marker written after a successful set-up is there, so an
#   interrupted set-up is redone rather than trusted. --fresh always starts from an empty one.
# Limits: Node 24 does not run under Wine 8 (V8's address-space reservation fails), so the exe
# must embed Node 22; under Wine, write the exe's stdout to a file (a pipe gives EBADF).
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
if [ "${1:-}" = "--fresh" ]; then fresh=1; shift; fi
prefix="${1:-${WINEPREFIX:-$PWD/.cache/wineprefix}}"
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac

log() { echo "setup-wine: $*" >&2; }

if ! command -v wine >/dev/null 2>&1 || ! { command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ]; }; then
  log "installing wine wine64 (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends wine wine64 >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends wine wine64 >&2
  fi
fi

export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
marker="$prefix/.ec2keys-win10"
if [ "$fresh" = 1 ] || [ ! -f "$marker" ]; then
  rm -rf "$prefix"
  mkdir -p "$(dirname "$prefix")"
  log "creating prefix $prefix"
  # mscoree/mshtml disabled: no Mono/Gecko install dialogs (nothing to download, no display).
  timeout 300 wine wineboot --init >/dev/null 2>&1 || true
  timeout 120 wine winecfg /v win10 >/dev/null 2>&1
  ver=$(timeout 120 wine winecfg /v 2>/dev/null | tr -d '\r' | tail -1)
  if [ "$ver" != "win10" ]; then
    log "error: the prefix reports Windows version '$ver', expected win10"
    exit 1
  fi
  wineserver -w || true
  touch "$marker"
  log "prefix ready (Windows 10)"
fi
# Wine links the Windows user's Desktop, Documents, Downloads… to the Unix $HOME: a test that
# saves to the default folder (Documents\EC2Keys) would write into the real home folder. Make
# them folders of the prefix's own (each time: prefixes made before this step had the links).
for d in "$prefix"/drive_c/users/*/; do
  [ "$(basename "$d")" = Public ] && continue
  for link in "$d"*; do
    if [ -L "$link" ]; then rm -f "$link" && mkdir -p "$link"; fi
  done
done
echo "$prefix"
