#!/usr/bin/env bash
# Installs what the PowerShell module's tests need, idempotent and non-interactive (no stdin;
# run as root in CI). Reaches only the NuGet registry, through the dotnet CLI:
#   1. PowerShell as a .NET global tool: `dotnet tool install --global PowerShell --version 7.6.9`
#      (7.6 targets .NET 10, the SDK these machines have; a later 7.7 may want .NET 11);
#   2. Pester 5 from NuGet (package "Pester", module in its tools/ folder), restored with a
#      throwaway PackageDownload project into .cache/nuget-packages and copied to
#      .cache/ps-modules/Pester/<version>/ (the PowerShell Gallery is not reachable here);
#   3. PSScriptAnalyzer the same way, when the registry has it (optional: the quality test that
#      uses it is skipped without it; the NuGet copy here serves no package of that name).
# Writes .cache/pwsh-setup.env (PWSH=..., PESTER_PATH=..., ANALYZER_PATH=...) and a log of every
# failed command in .cache/pwsh-setup.log. Exit 0 when pwsh and Pester are there, 1 otherwise:
# the module's tests are never run by anything but real pwsh and real Pester.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="$ROOT/.cache"
mkdir -p "$CACHE"
LOG="$CACHE/pwsh-setup.log"
ENVFILE="$CACHE/pwsh-setup.env"
: > "$LOG"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PATH="$HOME/.dotnet/tools:$PATH"
start=$(date +%s)

PWSH_VERSION=${EC2KEYS_PWSH_VERSION:-7.6.9}
PESTER_VERSION=${EC2KEYS_PESTER_VERSION:-5.9.1}
ANALYZER_VERSIONS=${EC2KEYS_ANALYZER_VERSIONS:-"1.24.0 1.23.0"}

log_fail() { # command, output
  printf 'FAILED: %s\n%s\n\n' "$1" "$2" >> "$LOG"
}
note() { echo "setup-pwsh: $*"; }

if ! command -v dotnet >/dev/null; then
  note "dotnet not found; the .NET SDK is needed (it is preinstalled on this kind of machine)"
  exit 1
fi

# ---- 1. pwsh -------------------------------------------------------------------------------
pwsh_ok() { "$1" -NoLogo -NoProfile -NonInteractive -Command 'exit 0' >/dev/null 2>&1; }
PWSH=""
if command -v pwsh >/dev/null && pwsh_ok "$(command -v pwsh)"; then
  PWSH=$(command -v pwsh)
  note "pwsh already installed: $PWSH ($("$PWSH" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null))"
else
  cmd="dotnet tool install --global PowerShell --version $PWSH_VERSION"
  out=$($cmd 2>&1); rc=$?
  if [ $rc -ne 0 ] && ! echo "$out" | grep -qi 'already installed'; then
    log_fail "$cmd" "$out"
  elif pwsh_ok "$HOME/.dotnet/tools/pwsh"; then
    PWSH="$HOME/.dotnet/tools/pwsh"; note "installed PowerShell $PWSH_VERSION as a .NET global tool"
  else
    log_fail "$HOME/.dotnet/tools/pwsh -Command 'exit 0'" "PowerShell $PWSH_VERSION installed but does not start"
  fi
  [ -n "$PWSH" ] || note "could not install PowerShell $PWSH_VERSION (see $LOG)"
fi

# ---- 2. Pester and PSScriptAnalyzer from NuGet -----------------------------------------------
# A PackageDownload restore fetches a package without referencing it; the module lives in the
# package's tools/ (Pester) or root (PSScriptAnalyzer) folder and is copied to .cache/ps-modules/.
restore_module() { # package-id module-name versions...
  local id=$1 name=$2; shift 2
  local dest="$CACHE/ps-modules/$name"
  local v
  for v in "$@"; do
    if [ -f "$dest/$v/$name.psd1" ]; then echo "$dest"; return 0; fi
  done
  local proj="$CACHE/nuget-restore/$id"
  for v in "$@"; do
    rm -rf "$proj"; mkdir -p "$proj"
    cat > "$proj/restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><RestorePackagesPath>$CACHE/nuget-packages</RestorePackagesPath></PropertyGroup>
  <ItemGroup><PackageDownload Include="$id" Version="[$v]" /></ItemGroup>
</Project>
EOF
    local out rc
    out=$(dotnet restore "$proj/restore.csproj" 2>&1); rc=$?
    if [ $rc -ne 0 ]; then
      log_fail "dotnet restore (PackageDownload $id $v)" "$(echo "$out" | grep -E 'error|NU1' | head -3)"
      echo "$out" | grep -q 'NU1101' && return 1   # no version of this id at all
      continue
    fi
    local psd1
    psd1=$(find "$CACHE/nuget-packages/$(echo "$id" | tr 'A-Z' 'a-z')/$v" -name "$name.psd1" | head -1)
    if [ -z "$psd1" ]; then log_fail "find $name.psd1 in $id $v" "package restored but holds no $name.psd1"; continue; fi
    rm -rf "$dest/$v"; mkdir -p "$dest/$v"
    cp -r "$(dirname "$psd1")/." "$dest/$v/"
    echo "$dest"; return 0
  done
  return 1
}
PESTER_PATH=$(restore_module Pester Pester $PESTER_VERSION) || PESTER_PATH=""
[ -n "$PESTER_PATH" ] && note "Pester $PESTER_VERSION in $PESTER_PATH" || note "could not restore Pester $PESTER_VERSION from NuGet (see $LOG)"
ANALYZER_PATH=$(restore_module PSScriptAnalyzer PSScriptAnalyzer $ANALYZER_VERSIONS) || ANALYZER_PATH=""
[ -n "$ANALYZER_PATH" ] && note "PSScriptAnalyzer in $ANALYZER_PATH" || note "PSScriptAnalyzer is not served by the NuGet registry here; its quality test is skipped (see $LOG)"

cat > "$ENVFILE" <<EOF
PWSH='$PWSH'
PESTER_PATH='$PESTER_PATH'
ANALYZER_PATH='$ANALYZER_PATH'
EOF
note "done in $(( $(date +%s) - start )) s"
[ -n "$PWSH" ] && [ -n "$PESTER_PATH" ]
