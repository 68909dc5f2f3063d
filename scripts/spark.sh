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

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${SPARK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conflict-control/spark}"
maven_repo="$cache_dir/m2"
maven_log="$cache_dir/maven.log"
unavailable=4

die() { echo "spark: error: $1" >&2; exit "${2:-1}"; }
need() { command -v "$1" >/dev/null || die "$1 is not installed: $2" "$unavailable"; }

activate_venv() {
  # shellcheck source=scripts/venv.sh
  . "$root/scripts/venv.sh"
}

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

# The runtime classpath of `artifact` (group:artifact:version), resolved by Maven into the cache.
resolve_classpath() {
  local work="$cache_dir/resolve.$$" group_id artifact_id version status=0
  IFS=: read -r group_id artifact_id version <<<"$1"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.conflict-control</groupId>
  <artifactId>spark-avro-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>$group_id</groupId><artifactId>$artifact_id</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
  mvn -B -q -Dmaven.repo.local="$maven_repo" -f "$work/pom.xml" dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/classpath.txt" >>"$maven_log" 2>&1 \
    && tr ':' '\n' <"$work/classpath.txt" || status=$?
  rm -rf "$work"
  return "$status"
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
  local classpath
  if ! classpath="$(resolve_classpath "$artifact")"; then
    grep -m 5 ERROR "$maven_log" >&2 || true
    die "Maven could not get $artifact (its log: $maven_log)" "$unavailable"
  fi
  # Only what pyspark lacks: a second copy of a jar it ships would put two versions on one classpath.
  local missing=()
  while read -r jar; do
    if [ -n "$jar" ] && [ ! -f "$jars_dir/$(basename "$jar")" ]; then missing+=("$jar"); fi
  done <<<"$classpath"
  (IFS=,; echo "${missing[*]}") >"$list.$$"
  mv -f "$list.$$" "$list"
  cat "$list"
}

case "${1:-}" in
  fetch) fetch ;;
  *) die "usage: $0 fetch" 2 ;;
esac
