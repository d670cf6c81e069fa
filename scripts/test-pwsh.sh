#!/usr/bin/env bash
# Runs the EC2Keys PowerShell module's Pester suite (ps-module/EC2Keys/Tests/*.Tests.ps1) in real
# pwsh with real Pester 5, both installed by scripts/setup-pwsh.sh (run here), and ends with one
# summary line "Pester: N passed, N failed" (exit 1 on any failure, also when the tools could not
# be installed).
# Environment: EC2KEYS_EXE (default: bin/ec2keys.js of this checkout, after `npx tsc`; set it to
# dist/ec2keys-linux-x64 to test the module over the standalone binary); EC2KEYS_PS_EXCLUDE_TAG
# (comma list, e.g. Integration); EC2KEYS_PS_PATH (test files or folders, default all);
# EC2KEYS_PS_MODULE (the EC2Keys.psd1 the integration tests import, default the source module).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if ! bash scripts/setup-pwsh.sh; then
  echo "test-pwsh: real pwsh and Pester are needed and could not be installed (see .cache/pwsh-setup.log)"
  echo "Pester: 0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
. .cache/pwsh-setup.env
# EC2KEYS_PS_MODULE (a packaged module, scripts/package-module.mjs): its own executable is used.
[ -n "${EC2KEYS_PS_MODULE:-}" ] || export EC2KEYS_EXE="${EC2KEYS_EXE:-$ROOT/bin/ec2keys.js}"
export PATH="$HOME/.dotnet/tools:$PATH"
TESTS="${EC2KEYS_PS_PATH:-$ROOT/ps-module/EC2Keys/Tests}"
EXCLUDE="${EC2KEYS_PS_EXCLUDE_TAG:-}"
MODPATH="$(dirname "$PESTER_PATH")${ANALYZER_PATH:+:$(dirname "$ANALYZER_PATH")}"

PSModulePath="$MODPATH" EC2KEYS_PS_TESTS="$TESTS" EC2KEYS_PS_EXCLUDE="$EXCLUDE" \
  "$PWSH" -NoLogo -NoProfile -NonInteractive -Command '
    $ErrorActionPreference = "Stop"
    Import-Module Pester -MinimumVersion 5.0.0 -MaximumVersion 5.99
    "Pester {0} in PowerShell {1}" -f (Get-Module Pester).Version, $PSVersionTable.PSVersion
    $c = New-PesterConfiguration
    $c.Run.Path = $env:EC2KEYS_PS_TESTS -split ","
    $c.Run.PassThru = $true
    $c.Output.Verbosity = "Detailed"
    if ($env:EC2KEYS_PS_EXCLUDE) { $c.Filter.ExcludeTag = $env:EC2KEYS_PS_EXCLUDE -split "," }
    $r = Invoke-Pester -Configuration $c
    $failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
    ""
    "Pester: {0} passed, {1} failed, {2} skipped" -f $r.PassedCount, $failed, $r.SkippedCount
    exit ([int]($failed -gt 0))
  '
