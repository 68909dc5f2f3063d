#!/usr/bin/env bash
# Set up (first run) and run the pipeline on the bundled sample, or on --input PATH; print what it found.
#   ./run_local.sh                                  # samples/ -> out/sample
#   ./run_local.sh --input ../shared/seeds          # the seed articles -> out/seeds
#   ./run_local.sh --input DIR --output OUT [any Beam flag]
set -euo pipefail
cd "$(dirname "$0")"
. scripts/venv.sh

inputs=() output="" rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --input) inputs+=("--input=$2"); shift 2 ;;
    --input=*) inputs+=("$1"); shift ;;
    --output) output="$2"; shift 2 ;;
    --output=*) output="${1#--output=}"; shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
if [ ${#inputs[@]} -eq 0 ]; then
  inputs=("--input=samples"); output="${output:-out/sample}"
fi
if [ -z "$output" ]; then
  name="$(basename "${inputs[0]#--input=}")"; output="out/${name%%.*}"
fi

python -m pipeline.main run "${inputs[@]}" --output "$output" ${rest[@]+"${rest[@]}"}
echo
echo "output folders (Avro part files per kind, partitioned by date=YYYY-MM-DD):"
for kind in articles duplicates filtered dead_letter events control changes; do
  [ -d "$output/$kind" ] || continue
  printf '  %-12s %3d files in %3d partitions\n' "$kind/" "$(find "$output/$kind" -name '*.avro' | wc -l)" \
    "$(find "$output/$kind" -mindepth 1 -maxdepth 1 -type d | wc -l)"
done
echo
if [ -d "$output/control" ]; then
  python -m pipeline.main control --output "$output" --as-of "$(date -u +%F)"
fi
