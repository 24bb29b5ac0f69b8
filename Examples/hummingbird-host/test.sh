#!/usr/bin/env bash
# Builds the reference Hummingbird host and runs its tests; exits non-zero when either fails.
# The package depends on the SDK by path (../..), so this also checks that the host still builds
# on the SDK as it is.
set -euo pipefail
cd "$(dirname "$0")"

swift build --build-tests
swift test --skip-build
