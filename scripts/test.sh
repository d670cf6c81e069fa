#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it (and .ci/run, on a clean clone):
#   1. system tools the tests use as oracles (apt, only when missing)
#   2. TypeScript build (dist/), then the vitest suites (key engine, CLI, stores on a local
#      registry and on moto_server, standalone executables)
#   3. the PowerShell module's Pester suite in real pwsh (installed by scripts/setup-pwsh.sh)
# Prints one closing line "Tests: N passed, N failed" summing every runner.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
bash scripts/setup-test-deps.sh || exit 1
npx tsc -p tsconfig.json || exit 1

passed=0; failed=0; rc=0
if [ -f scripts/build-exe.mjs ] && [ "${EC2KEYS_SKIP_EXE:-}" != 1 ]; then
  node scripts/build-exe.mjs || { echo "build:exe failed" >&2; rc=1; }
fi

npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@"
vrc=$?
[ $vrc -eq 0 ] || rc=1
if [ -f .tmp/vitest.json ]; then
  read -r p f < <(node -e 'const r=require("./.tmp/vitest.json");console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites||0))')
  passed=$((passed + p)); failed=$((failed + f))
fi

if [ -f scripts/test-pwsh.sh ] && [ "${EC2KEYS_SKIP_PWSH:-}" != 1 ]; then
  bash scripts/test-pwsh.sh > >(tee .tmp/pester.log) 2>&1
  prc=$?
  [ $prc -eq 0 ] || rc=1
  # "Pester: …" under real Pester; "PSEngine: …" under the stand-in runner in the real PowerShell
  # engine when Pester cannot be installed (scripts/setup-pwsh.sh explains).
  if line=$(grep -Eo '(Pester|PSEngine): [0-9]+ passed, [0-9]+ failed' .tmp/pester.log | tail -1); then
    p=$(echo "$line" | sed -E 's/^[A-Za-z]+: ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
    passed=$((passed + p)); failed=$((failed + f))
  fi
fi
echo
echo "Tests: $passed passed, $failed failed"
exit $rc
