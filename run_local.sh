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
echo "output files:"
(cd "$output" && find . -name '*.avro' | sort | sed 's|^\./|  |')
