#!/usr/bin/env bash
# A local Pub/Sub server for tests and for trying the live mode on one machine: Google's in-memory
# `pstest` server (scripts/pstest), built with Go from the pinned go.mod/go.sum.
#
#   scripts/pubsub_server.sh build         build once (later calls return at once); prints the binary path
#   scripts/pubsub_server.sh start [PORT]  start in the background (default port 8085, 0 = any free port),
#                                          wait until it accepts connections, print PUBSUB_EMULATOR_HOST=…
#   scripts/pubsub_server.sh stop [PORT]   stop the server started on PORT (every one started, without PORT)
#
# The binary, pid files and logs live in $PSTEST_CACHE (default $XDG_CACHE_HOME/conflict-control/pstest,
# that is ~/.cache/conflict-control/pstest), outside the repository.
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/pstest" && pwd)"
cache_dir="${PSTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conflict-control/pstest}"
run_dir="$cache_dir/run"
start_timeout_seconds=20

die() { echo "pubsub_server: error: $1" >&2; exit "${2:-1}"; }

# The binary is named after a hash of its sources, so a change to them means a rebuild and nothing else does.
binary_path() {
  local key
  key="$(cat "$source_dir/go.mod" "$source_dir/go.sum" "$source_dir/main.go" | sha256sum | cut -c1-16)"
  echo "$cache_dir/pstest-$key"
}

build() {
  local binary
  binary="$(binary_path)"
  if [ ! -x "$binary" ]; then
    command -v go >/dev/null || die "Go is not installed (https://go.dev/dl/): it is needed to build the server" 3
    mkdir -p "$cache_dir"
    echo "building the Pub/Sub test server into $binary (first time: about a minute)…" >&2
    # A temporary name then a rename: a concurrent build or an interrupted one never leaves a broken binary.
    (cd "$source_dir" && GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$binary.$$" .) \
      || { rm -f "$binary.$$"; die "building the Pub/Sub test server failed (see the Go errors above)"; }
    mv -f "$binary.$$" "$binary"
    for old in "$cache_dir"/pstest-????????????????; do  # builds of earlier sources
      [ "$old" = "$binary" ] || rm -f "$old"
    done
  fi
  echo "$binary"
}

start() {
  local port="${1:-8085}" binary log pid address=""
  [[ "$port" =~ ^[0-9]+$ ]] || die "the port must be a number, got '$port'" 2
  binary="$(build)"
  mkdir -p "$run_dir"
  log="$run_dir/pstest-$$.log"
  : >"$log"  # before the server starts, so that reading it below never races the server creating it
  nohup "$binary" -port "$port" >"$log" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq $((start_timeout_seconds * 10))); do
    address="$(sed -n 's/^pstest listening on //p' "$log")"
    [ -n "$address" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  if [ -z "$address" ]; then
    kill "$pid" 2>/dev/null || true
    local reason
    reason="$(tail -n 1 "$log")"
    rm -f "$log"
    die "the Pub/Sub test server did not start: ${reason:-not ready after ${start_timeout_seconds} s}"
  fi
  port="${address##*:}"
  echo "$pid" >"$run_dir/pstest-$port.pid"
  mv -f "$log" "$run_dir/pstest-$port.log"
  echo "PUBSUB_EMULATOR_HOST=$address"
}

stop_pid_file() {
  local pid_file="$1" pid
  pid="$(cat "$pid_file")"
  # Only our own server: a stale pid file must not make us kill whatever process reused the id.
  if [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == pstest-* ]]; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done  # its port is free on return
    echo "stopped the Pub/Sub test server on port $(basename "$pid_file" .pid | sed 's/^pstest-//')" >&2
  fi
  rm -f "$pid_file"
}

stop() {
  local pid_file found=0
  for pid_file in "$run_dir"/pstest-${1:-*}.pid; do
    [ -f "$pid_file" ] || continue
    stop_pid_file "$pid_file"
    found=1
  done
  [ "$found" = 1 ] || echo "no Pub/Sub test server${1:+ on port $1} was running" >&2
}

case "${1:-}" in
  build) build ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 build | start [PORT] | stop [PORT]" 2 ;;
esac
