#!/usr/bin/env bash
# Installs what the PowerShell module's tests need (issue #5 §4), idempotent and non-interactive
# (no stdin; run as root in CI). Reaches only the NuGet registry, through the dotnet CLI:
#   1. PowerShell as a .NET global tool (`dotnet tool install --global PowerShell`), trying the
#      versions the installed SDK can run (PowerShell 7.6 targets .NET 10; 7.5/7.4 need
#      DOTNET_ROLL_FORWARD=Major on a machine with only the .NET 10 runtime);
#   2. Pester 5 and PSScriptAnalyzer restored from NuGet into .cache/ps-modules/ (a throwaway
#      project with PackageDownload; the PowerShell Gallery is not reachable);
#   3. when 1 or 2 cannot be had: the stand-in host .cache/pshost/ec2keys-pshost (the real
#      PowerShell engine from the System.Management.Automation package) that scripts/test-pwsh.sh
#      uses to run the same test files with test/ps/engine/PesterSubset.ps1.
# Writes .cache/pwsh-setup.env (PWSH=..., PESTER_PATH=..., ANALYZER_PATH=..., PSHOST=...) and a
# log of every failed command in .cache/pwsh-setup.log. Exit 0 when at least one way of running
# the tests exists, 1 when none does.
#
# What the NuGet copy these machines reach held when this was written (2026-11): no package
# "PowerShell" at any version (`dotnet tool install --global PowerShell [--version 7.6.0|7.5.4|
# 7.5.3|7.5.2|7.5.0|7.4.6] [--prerelease]` all fail with "... is not found in NuGet feeds"),
# no "Pester", no "PSScriptAnalyzer", no "Microsoft.PowerShell.PSScriptAnalyzer", no
# "Microsoft.PowerShell.SDK" or "Microsoft.PowerShell.Commands.Utility" (restore: NU1101), but
# "System.Management.Automation" 7.6.9 and its dependencies. The commands below keep trying the
# real tools first, so a registry that gains them is used without changes here.
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

PWSH_VERSIONS=${EC2KEYS_PWSH_VERSIONS:-"7.6.0 7.5.4 7.5.3 7.5.2 7.5.0 7.4.6"}
PESTER_VERSIONS=${EC2KEYS_PESTER_VERSIONS:-"5.7.1 5.6.1 5.5.0"}
ANALYZER_VERSIONS=${EC2KEYS_ANALYZER_VERSIONS:-"1.24.0 1.23.0 1.22.0"}

log_fail() { # command, output
  printf 'FAILED: %s\n%s\n\n' "$1" "$2" >> "$LOG"
}
note() { echo "setup-pwsh: $*"; }

if ! command -v dotnet >/dev/null; then
  note "dotnet not found; the .NET SDK is needed (it is preinstalled on this kind of machine)"
  exit 1
fi

# ---- 1. pwsh -------------------------------------------------------------------------------
PWSH=""
if command -v pwsh >/dev/null && pwsh -NoLogo -NoProfile -NonInteractive -Command 'exit 0' >/dev/null 2>&1; then
  PWSH=$(command -v pwsh)
  note "pwsh already installed: $PWSH"
else
  for v in $PWSH_VERSIONS; do
    cmd="dotnet tool install --global PowerShell --version $v"
    out=$($cmd 2>&1); rc=$?
    if [ $rc -ne 0 ] && ! echo "$out" | grep -qi 'already installed'; then
      log_fail "$cmd" "$out"
      # No version at all under this id: asking for the others is pointless (and slow).
      probe=$(dotnet tool install --global PowerShell 2>&1)
      if echo "$probe" | grep -qiE 'higher than 0\.0\.0-0|^powershell is not found'; then
        log_fail "dotnet tool install --global PowerShell" "$probe"; break
      fi
      continue
    fi
    if DOTNET_ROLL_FORWARD=Major "$HOME/.dotnet/tools/pwsh" -NoLogo -NoProfile -NonInteractive -Command 'exit 0' >/dev/null 2>&1; then
      PWSH="$HOME/.dotnet/tools/pwsh"; note "installed PowerShell $v as a .NET global tool"; break
    fi
    log_fail "$HOME/.dotnet/tools/pwsh -Command 'exit 0' (PowerShell $v)" "installed but does not start"
  done
  [ -n "$PWSH" ] || note "PowerShell is not obtainable from the NuGet registry here (see $LOG)"
fi

# ---- 2. Pester and PSScriptAnalyzer from NuGet -----------------------------------------------
# A PackageDownload restore fetches a package without referencing it; the module lives in the
# package's tools/ (Pester) or root (PSScriptAnalyzer) folder and is copied to .cache/ps-modules/.
restore_module() { # package-id module-name versions...
  local id=$1 name=$2; shift 2
  local dest="$CACHE/ps-modules/$name"
  if [ -n "$(find "$dest" -maxdepth 3 -name "$name.psd1" 2>/dev/null | head -1)" ]; then echo "$dest"; return 0; fi
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
      # NU1101: no version of this id at all, so the other versions are not tried.
      echo "$out" | grep -q 'NU1101' && return 1
      continue
    fi
    local psd1
    psd1=$(find "$CACHE/nuget-packages/$(echo "$id" | tr 'A-Z' 'a-z')/$v" -name "$name.psd1" | head -1)
    if [ -z "$psd1" ]; then log_fail "find $name.psd1 in $id $v" "package restored but holds no $name.psd1"; continue; fi
    mkdir -p "$dest/$v"
    cp -r "$(dirname "$psd1")/." "$dest/$v/"
    echo "$dest"; return 0
  done
  return 1
}
PESTER_PATH=$(restore_module Pester Pester $PESTER_VERSIONS) || PESTER_PATH=""
[ -n "$PESTER_PATH" ] && note "Pester restored into $PESTER_PATH" || note "Pester is not obtainable from the NuGet registry here (see $LOG)"
ANALYZER_PATH=$(restore_module PSScriptAnalyzer PSScriptAnalyzer $ANALYZER_VERSIONS) \
  || ANALYZER_PATH=$(restore_module Microsoft.PowerShell.PSScriptAnalyzer PSScriptAnalyzer $ANALYZER_VERSIONS) || ANALYZER_PATH=""
[ -n "$ANALYZER_PATH" ] && note "PSScriptAnalyzer restored into $ANALYZER_PATH" || note "PSScriptAnalyzer is not obtainable from the NuGet registry here (see $LOG)"

# ---- 3. stand-in host when real pwsh + Pester are missing ------------------------------------
PSHOST=""
if [ -z "$PWSH" ] || [ -z "$PESTER_PATH" ]; then
  src="$ROOT/test/ps/engine"
  build="$CACHE/pshost-src"
  stamp=$(cat "$src/Ec2KeysPsHost.csproj" "$src/Program.cs" | sha256sum | cut -c1-16)
  if [ -f "$CACHE/pshost/ec2keys-pshost.dll" ] && [ "$(cat "$CACHE/pshost/.stamp" 2>/dev/null)" = "$stamp" ]; then
    PSHOST="$CACHE/pshost/ec2keys-pshost.dll"
  else
    # Built from a copy so that obj/ and bin/ never land in the source tree.
    rm -rf "$build"; mkdir -p "$build"
    cp "$src/Ec2KeysPsHost.csproj" "$src/Program.cs" "$build/"
    out=$(dotnet build "$build/Ec2KeysPsHost.csproj" -c Release -o "$CACHE/pshost" -nologo -v q 2>&1); rc=$?
    if [ $rc -eq 0 ]; then
      echo "$stamp" > "$CACHE/pshost/.stamp"; PSHOST="$CACHE/pshost/ec2keys-pshost.dll"
      note "built the stand-in host on System.Management.Automation (real PowerShell engine): $PSHOST"
    else
      log_fail "dotnet build test/ps/engine/Ec2KeysPsHost.csproj" "$(echo "$out" | grep -E 'error' | head -5)"
      note "could not build the stand-in host (see $LOG)"
    fi
  fi
fi

cat > "$ENVFILE" <<EOF
PWSH='$PWSH'
PESTER_PATH='$PESTER_PATH'
ANALYZER_PATH='$ANALYZER_PATH'
PSHOST='$PSHOST'
EOF
note "done in $(( $(date +%s) - start )) s"
if [ -n "$PWSH" ] && [ -n "$PESTER_PATH" ]; then exit 0; fi
[ -n "$PSHOST" ] && exit 0
exit 1
