#!/usr/bin/env bash
# Runs the EC2Keys PowerShell module's tests (ps-module/EC2Keys/Tests/*.Tests.ps1; issue #5 §4)
# and ends with one summary line. Called by scripts/test.sh; needs scripts/setup-pwsh.sh (run here).
#   - real pwsh + Pester 5 available: Invoke-Pester, summary "Pester: N passed, N failed"
#     (exit 1 on any failure);
#   - otherwise (this project's machines today: the NuGet copy has neither): the same files in the
#     real PowerShell engine through .cache/pshost (System.Management.Automation) and
#     test/ps/engine/PesterSubset.ps1, summary "PSEngine: N passed, N failed, N skipped"
#     (exit 1 on any failure). It says so loudly; it is not Pester.
# Environment: EC2KEYS_EXE (default: bin/ec2keys.js of this checkout, after `npx tsc`);
# EC2KEYS_PS_EXCLUDE_TAG (comma list, e.g. Integration); EC2KEYS_REQUIRE_PESTER=1 makes the
# absence of real pwsh + Pester a failure (exit 3) instead of using the fallback.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup-pwsh.sh || { echo "test-pwsh: setup failed; no way to run PowerShell here (see .cache/pwsh-setup.log)"; echo "Pester: 0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC1091
. .cache/pwsh-setup.env
export EC2KEYS_EXE="${EC2KEYS_EXE:-$ROOT/bin/ec2keys.js}"
export PATH="$HOME/.dotnet/tools:$PATH"
TESTS="$ROOT/ps-module/EC2Keys/Tests"
EXCLUDE="${EC2KEYS_PS_EXCLUDE_TAG:-}"

if [ -n "${PWSH:-}" ] && [ -n "${PESTER_PATH:-}" ]; then
  MODPATH="$PESTER_PATH/..${ANALYZER_PATH:+:$ANALYZER_PATH/..}"
  DOTNET_ROLL_FORWARD=Major PSModulePath="$MODPATH:${PSModulePath:-}" "$PWSH" -NoLogo -NoProfile -NonInteractive -Command "
    \$ErrorActionPreference = 'Stop'
    Import-Module Pester -MinimumVersion 5.0.0
    \$c = New-PesterConfiguration
    \$c.Run.Path = '$TESTS'
    \$c.Run.PassThru = \$true
    \$c.Output.Verbosity = 'Detailed'
    if ('$EXCLUDE') { \$c.Filter.ExcludeTag = '$EXCLUDE' -split ',' }
    \$r = Invoke-Pester -Configuration \$c
    ''
    'Pester: {0} passed, {1} failed' -f \$r.PassedCount, (\$r.FailedCount + \$r.FailedBlocksCount + \$r.FailedContainersCount)
    exit ([int](\$r.FailedCount + \$r.FailedBlocksCount + \$r.FailedContainersCount -gt 0))
  "
  exit $?
fi

if [ "${EC2KEYS_REQUIRE_PESTER:-}" = 1 ]; then
  echo "test-pwsh: real pwsh + Pester 5 are required (EC2KEYS_REQUIRE_PESTER=1) but could not be installed; see .cache/pwsh-setup.log"
  exit 3
fi
echo "test-pwsh: NOTE: pwsh and/or Pester could not be installed from the registries here (see .cache/pwsh-setup.log)."
echo "test-pwsh: running the same test files in the real PowerShell engine (System.Management.Automation) with a Pester-subset runner."
files=$(ls "$TESTS"/*.Tests.ps1 | paste -sd, -)
args=(-Path "$files")
[ -n "$EXCLUDE" ] && args+=(-ExcludeTag "$EXCLUDE")
dotnet "$PSHOST" "$ROOT/test/ps/engine/PesterSubset.ps1" "${args[@]}"
