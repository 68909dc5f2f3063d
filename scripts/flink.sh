#!/usr/bin/env bash
# Run the pipeline on Apache Flink through Beam's portable FlinkRunner, on this machine: the Beam job
# server starts an embedded Flink (--flink_master=[local]) and the Python SDK harness runs inside the
# launching process (--environment_type=LOOPBACK), so neither Docker nor a Flink cluster is needed.
#
#   scripts/flink.sh fetch                          put a Flink job server in the cache (idempotent);
#                                                   prints "JAR FLINK_VERSION"
#   scripts/flink.sh run INPUT OUTPUT [BEAM FLAG…]  run the pipeline on Flink, print the wall-clock time;
#                                                   later flags override earlier ones (--parallelism=2 …)
#
# The job server is Beam's own jar for the venv's apache-beam and the newest Flink that release supports
# (org.apache.beam:beam-runners-flink-<flink>-job-server:<beam>, FLINK_VERSION to choose another), fetched
# from Maven Central with mvn. When the repository does not serve that jar (the mirror this project is
# built on serves no job-server jar at all), the same job server is assembled from the newest complete
# set of Beam Flink runner artifacts it does serve (FALLBACK_RUNNER, FALLBACK_FLINK_VERSION): their
# dependencies are resolved with mvn and started through a small launcher jar whose manifest lists them.
#
# Everything lives in $FLINK_CACHE (default $XDG_CACHE_HOME/conflict-control/flink, that is
# ~/.cache/conflict-control/flink), outside the repository. Exit code 4: java or mvn is missing, or no
# job server could be fetched (run passes on the pipeline's own codes: 1 failed, 2 usage, 3 unbalanced).
set -euo pipefail

tool=flink
cache_dir="${FLINK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conflict-control/flink}"
# shellcheck source=scripts/maven.sh
. "$(dirname "${BASH_SOURCE[0]}")/maven.sh"
fallback_runner="${FALLBACK_RUNNER:-org.apache.beam:beam-runners-flink-1.19:2.62.0}"
fallback_flink_version="${FALLBACK_FLINK_VERSION:-1.19}"
# The logging binding Beam's job-server jar bundles, matching the runner's slf4j-api.
fallback_logging="org.slf4j:slf4j-simple:1.7.30"
driver_class="org.apache.beam.runners.flink.FlinkJobServerDriver"

beam_version() { python -c 'import apache_beam; print(apache_beam.__version__)'; }

newest_flink_version() {
  python -c 'from apache_beam.options.pipeline_options import FlinkRunnerOptions as F
print(F.PUBLISHED_FLINK_VERSIONS[-1])'
}

# Beam's own job-server jar, into the local Maven repository (where released_jar_path expects it).
fetch_released_jar() {
  maven dependency:get -Dtransitive=false -Dartifact="org.apache.beam:beam-runners-flink-$1-job-server:$2"
}

released_jar_path() {
  local artifact="beam-runners-flink-$1-job-server"
  echo "$maven_repo/org/apache/beam/$artifact/$2/$artifact-$2.jar"
}

# The job server assembled from the runner's artifacts: resolve its runtime classpath, then write a jar
# holding only a manifest (its main class and that classpath, relative to the jar).
assemble_fallback_jar() {
  local launcher="$1" classpath="$cache_dir/classpath.$$"
  # (Called as an `if` condition, where set -e is off: every step checks its own status.)
  resolve_classpath "$classpath" "$fallback_runner" "$fallback_logging" \
    && python - "$classpath" "$launcher.$$" "$driver_class" <<'EOF' \
    && mv -f "$launcher.$$" "$launcher"
import os, sys, zipfile

classpath_file, launcher, main_class = sys.argv[1:]
folder = os.path.dirname(os.path.abspath(launcher))
entries = [os.path.relpath(path, folder) for path in open(classpath_file).read().strip().split(os.pathsep)]
header = f"Class-Path: {' '.join(entries)}".encode()
# A manifest line holds at most 72 bytes; a continuation line starts with one space.
lines = [header[:72]] + [b" " + header[i:i + 71] for i in range(72, len(header), 71)]
manifest = b"Manifest-Version: 1.0\r\nMain-Class: " + main_class.encode() + b"\r\n" + b"\r\n".join(lines) + b"\r\n\r\n"
with zipfile.ZipFile(launcher, "w") as jar:
    jar.writestr("META-INF/MANIFEST.MF", manifest)
EOF
  local status=$?
  rm -rf "$classpath" "$launcher.$$"
  return "$status"
}

# Prints "JAR FLINK_VERSION" of a job server in the cache, fetching one first when there is none.
fetch() {
  need java "a Java 11+ runtime runs the Flink job server"
  activate_venv
  local beam flink_version released launcher
  beam="$(beam_version)"
  flink_version="${FLINK_VERSION:-$(newest_flink_version)}"
  released="$(released_jar_path "$flink_version" "$beam")"
  launcher="$cache_dir/$(cut -d: -f2,3 --output-delimiter=- <<<"$fallback_runner")-job-server.jar"
  if [ -f "$released" ]; then echo "$released $flink_version"; return; fi
  if [ -f "$launcher" ]; then echo "$launcher $fallback_flink_version"; return; fi
  need mvn "Maven fetches the Flink job server from Maven Central"
  mkdir -p "$cache_dir"
  : >"$maven_log"
  echo "fetching the Beam $beam job server for Flink $flink_version into $cache_dir…" >&2
  if fetch_released_jar "$flink_version" "$beam"; then
    echo "$released $flink_version"; return
  fi
  echo "Maven could not get beam-runners-flink-$flink_version-job-server:$beam; assembling the job server from" \
       "$fallback_runner (Flink $fallback_flink_version) instead…" >&2
  if ! assemble_fallback_jar "$launcher"; then
    grep -m 5 ERROR "$maven_log" >&2 || true
    die "no Flink job server could be fetched (Maven's log: $maven_log)" "$unavailable"
  fi
  echo "$launcher $fallback_flink_version"
}

run() {
  [ $# -ge 2 ] || die "usage: $0 run INPUT OUTPUT [BEAM FLAG…]" 2
  local input="$1" output="$2" found jar flink_version started status=0
  shift 2
  found="$(fetch)" || exit $?
  read -r jar flink_version <<<"$found"
  activate_venv
  started="$(date +%s.%N)"
  python -m pipeline.main run --input "$input" --output "$output" \
      --runner=FlinkRunner --flink_master='[local]' --flink_version="$flink_version" \
      --flink_job_server_jar="$jar" --environment_type=LOOPBACK "$@" || status=$?
  echo "flink run: $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s" \
       "(Flink $flink_version, job server $(basename "$jar"))"
  return "$status"
}

case "${1:-}" in
  fetch) fetch ;;
  run) shift; run "$@" ;;
  *) die "usage: $0 fetch | run INPUT OUTPUT [BEAM FLAG…]" 2 ;;
esac
