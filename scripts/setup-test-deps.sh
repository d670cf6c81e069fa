#!/usr/bin/env bash
# Installs the system tools the test suite uses as oracles when they are missing:
# putty-tools (puttygen), openssl, openssh-client (ssh-keygen), hyperfine (bench), tmux, strace.
# Idempotent and non-interactive (CI has no stdin). Python's moto_server, rsa and
# cryptography and the AWS CLI are preinstalled on these machines.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
command -v puttygen >/dev/null || need+=(putty-tools)
command -v openssl >/dev/null || need+=(openssl)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v hyperfine >/dev/null || need+=(hyperfine)
# The interactive-mode tests (a real terminal) and the secrets tests (system calls of the CLI).
command -v tmux >/dev/null || need+=(tmux)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-test-deps: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for t in puttygen openssl ssh-keygen tmux strace python3 moto_server aws; do
  command -v "$t" >/dev/null || { echo "setup-test-deps: missing $t" >&2; exit 1; }
done
