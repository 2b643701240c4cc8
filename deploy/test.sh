#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
# KURA_CRASH_KILLS raises the number of SIGKILLs in the crash test (default 24).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh
cd build
ctest --output-on-failure -j2 --timeout 600
