#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it (and .ci/run, on a clean clone):
#   1. system tools the tests use as oracles (apt, only when missing)
#   2. TypeScript build (dist/), then the vitest suites (key engine, CLI, stores on a local
#      registry and on moto_server, standalone executables), then the CLI suites again against
#      the Linux binary
#   3. the PowerShell module's Pester suite in real pwsh (installed by scripts/setup-pwsh.sh)
# Prints one closing line "Tests: N passed, N failed" summing every runner.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
rm -f .tmp/vitest.json .tmp/vitest-exe.json .tmp/pester.log .tmp/pester-pkg.log
bash scripts/setup-test-deps.sh || exit 1
npx tsc -p tsconfig.json || exit 1

passed=0; failed=0; rc=0
# Adds one runner's counts to the totals, from vitest's JSON report or from the last
# "Pester: N passed, N failed" line of a log. A runner that left no counts (it crashed, or never
# started) counts as one failure, so the closing line can never read "0 failed" after it.
add_vitest() {
  local p f
  if [ -f "$1" ] && read -r p f < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites||0))' "$PWD/$1"); then
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
}
add_pester() {
  local line
  if line=$(grep -Eo 'Pester: [0-9]+ passed, [0-9]+ failed' "$1" | tail -1) && [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | sed -E 's/^Pester: ([0-9]+) passed.*/\1/')))
    failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')))
  else
    failed=$((failed + 1))
  fi
}
if [ -f scripts/build-exe.mjs ] && [ "${EC2KEYS_SKIP_EXE:-}" != 1 ]; then
  node scripts/build-exe.mjs || { echo "build:exe failed" >&2; rc=1; }
  node scripts/package-module.mjs || { echo "package-module failed" >&2; rc=1; }
fi

npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@"
vrc=$?
[ $vrc -eq 0 ] || rc=1
add_vitest .tmp/vitest.json

# The standalone binary through the same CLI suites as the npm package (issue #6 §2): every
# command, error code, file rule and fault, spawned as dist/ec2keys-linux-x64. Full runs only.
if [ $# -eq 0 ] && [ -x dist/ec2keys-linux-x64 ] && [ "${EC2KEYS_SKIP_EXE:-}" != 1 ]; then
  echo; echo "== the same CLI suites against the standalone binary (EC2KEYS_TEST_BIN=dist/ec2keys-linux-x64)"
  EC2KEYS_TEST_BIN="$PWD/dist/ec2keys-linux-x64" npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-exe.json \
    test/cli/engine.test.ts test/cli/store-commands.test.ts test/faults
  [ $? -eq 0 ] || rc=1
  add_vitest .tmp/vitest-exe.json
fi

if [ -f scripts/test-pwsh.sh ] && [ "${EC2KEYS_SKIP_PWSH:-}" != 1 ]; then
  bash scripts/test-pwsh.sh > >(tee .tmp/pester.log) 2>&1
  prc=$?
  [ $prc -eq 0 ] || rc=1
  # real pwsh + real Pester 5 (scripts/setup-pwsh.sh installs both; no other runner exists)
  add_pester .tmp/pester.log
fi
# The packaged module (dist/module/linux-x64/EC2Keys: the module with the standalone binary next
# to it, as shipped) through the tests that run the real executable, with EC2KEYS_EXE unset.
PKG="$PWD/dist/module/linux-x64/EC2Keys/EC2Keys.psd1"
if [ $# -eq 0 ] && [ -f "$PKG" ] && [ "${EC2KEYS_SKIP_EXE:-}" != 1 ] && [ "${EC2KEYS_SKIP_PWSH:-}" != 1 ]; then
  echo; echo "== the packaged module with its own executable ($PKG)"
  env -u EC2KEYS_EXE EC2KEYS_PS_MODULE="$PKG" \
    EC2KEYS_PS_PATH="$PWD/ps-module/EC2Keys/Tests/EC2Keys.Integration.Tests.ps1,$PWD/ps-module/EC2Keys/Tests/EC2Keys.Ec2Store.Tests.ps1" \
    bash scripts/test-pwsh.sh > >(tee .tmp/pester-pkg.log) 2>&1
  [ $? -eq 0 ] || rc=1
  add_pester .tmp/pester-pkg.log
fi

# CI shows only the end of this output: name what failed right above the closing line.
node scripts/failures.cjs .tmp/vitest.json .tmp/vitest-exe.json -- .tmp/pester.log .tmp/pester-pkg.log
echo
echo "Tests: $passed passed, $failed failed"
exit $rc
