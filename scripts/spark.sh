#!/usr/bin/env bash
# Spark's Avro data source for the venv's pyspark, so that Spark SQL can read the pipeline's output.
#
#   scripts/spark.sh fetch      put org.apache.spark:spark-avro_<scala>:<pyspark version> and its runtime
#                               dependencies in the cache (idempotent); prints the jars pyspark does not
#                               already ship, comma-separated: the value of Spark's `spark.jars`
#
# pyspark from PyPI ships Spark without its Avro data source (an external module, published on Maven
# Central like Spark's --packages would fetch it). Here Maven resolves it, as scripts/flink.sh does for
# the Flink job server, so nothing is downloaded at run time from anywhere else.
#
# Everything lives in $SPARK_CACHE (default $XDG_CACHE_HOME/conflict-control/spark, that is
# ~/.cache/conflict-control/spark), outside the repository. Exit code 4: java or mvn is missing, or Maven
# could not get the jar (the log says why), or pyspark is not installed.
set -euo pipefail

tool=spark
cache_dir="${SPARK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conflict-control/spark}"
# shellcheck source=scripts/maven.sh
. "$(dirname "${BASH_SOURCE[0]}")/maven.sh"

# "VERSION SCALA_VERSION JARS_DIR" of the venv's pyspark (the Scala version from its scala-library jar).
pyspark_build() {
  python - <<'EOF'
import glob, os, re, sys
try:
    import pyspark
except ImportError:
    print("spark: error: pyspark is not installed in the venv (pip install -e '.[test]')", file=sys.stderr)
    sys.exit(4)
jars = os.path.join(os.path.dirname(pyspark.__file__), "jars")
[library] = glob.glob(os.path.join(jars, "scala-library-*.jar"))
scala = re.match(r"scala-library-(\d+\.\d+)\.", os.path.basename(library)).group(1)
print(pyspark.__version__, scala, jars)
EOF
}

fetch() {
  need java "Spark needs a Java 8/11/17 runtime"
  activate_venv
  local build version scala jars_dir artifact list jar
  build="$(pyspark_build)" || exit $?
  read -r version scala jars_dir <<<"$build"
  artifact="org.apache.spark:spark-avro_$scala:$version"
  list="$cache_dir/spark-avro_$scala-$version.jars"
  if [ -f "$list" ]; then cat "$list"; return; fi
  need mvn "Maven fetches spark-avro from Maven Central"
  mkdir -p "$cache_dir"
  : >"$maven_log"
  echo "fetching $artifact into $cache_dir…" >&2
  if ! resolve_classpath "$list.classpath" "$artifact"; then
    grep -m 5 ERROR "$maven_log" >&2 || true
    die "Maven could not get $artifact (its log: $maven_log)" "$unavailable"
  fi
  # Only what pyspark lacks: a second copy of a jar it ships would put two versions on one classpath.
  local missing=()
  while read -r jar; do
    if [ -n "$jar" ] && [ ! -f "$jars_dir/$(basename "$jar")" ]; then missing+=("$jar"); fi
  done < <(tr ':' '\n' <"$list.classpath")
  rm -f "$list.classpath"
  (IFS=,; echo "${missing[*]}") >"$list.$$"
  mv -f "$list.$$" "$list"
  cat "$list"
}

case "${1:-}" in
  fetch) fetch ;;
  *) die "usage: $0 fetch" 2 ;;
esac
