#!/usr/bin/env bash
# Set up (first run) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/venv.sh
# The local Pub/Sub server (Google's pstest, built from the Go module proxy) for the live-mode tests;
# without Go those tests skip with the reason.
if command -v go >/dev/null 2>&1; then
  scripts/pubsub_server.sh build >&2
fi
python -m pytest -q "$@"
