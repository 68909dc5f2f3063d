# Sourced by scripts/flink.sh and scripts/spark.sh: JVM artifacts fetched from Maven Central with mvn
# into a cache outside the repository, so that nothing is downloaded at run time from anywhere else.
# The sourcing script sets `tool` (its name, for messages) and `cache_dir` first.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
maven_repo="$cache_dir/m2"
maven_log="$cache_dir/maven.log"
# Exit code when java or mvn is missing or Maven could not get an artifact.
unavailable=4

die() { echo "$tool: error: $1" >&2; exit "${2:-1}"; }
need() { command -v "$1" >/dev/null || die "$1 is not installed: $2" "$unavailable"; }

activate_venv() {
  # shellcheck source=scripts/venv.sh
  . "$root/scripts/venv.sh"
}

# Maven's chatter goes to $maven_log, shown only when nothing could be fetched.
maven() { mvn -B -q -Dmaven.repo.local="$maven_repo" "$@" >>"$maven_log" 2>&1; }

# A <dependency> element for group:artifact:version.
dependency_xml() {
  local group_id artifact_id version
  IFS=: read -r group_id artifact_id version <<<"$1"
  echo "<dependency><groupId>$group_id</groupId><artifactId>$artifact_id</artifactId><version>$version</version></dependency>"
}

# A pom (into folder $1) that depends on artifacts $2… (group:artifact:version), for resolving them.
write_dependency_pom() {
  local folder="$1" artifact
  shift
  mkdir -p "$folder"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo "<groupId>local.conflict-control</groupId><artifactId>$tool-classpath</artifactId><version>1</version>"
    echo '<packaging>pom</packaging><dependencies>'
    for artifact in "$@"; do dependency_xml "$artifact"; done
    echo '</dependencies></project>'
  } >"$folder/pom.xml"
}

# Write the runtime classpath of artifacts $2… into file $1 (path-separated), resolved into the cache.
resolve_classpath() {
  local output="$1" work="$cache_dir/resolve.$$" status=0
  shift
  write_dependency_pom "$work" "$@"
  maven -f "$work/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$output" || status=$?
  rm -rf "$work"
  return "$status"
}
