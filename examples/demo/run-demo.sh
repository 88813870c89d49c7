#!/usr/bin/env bash
# Compile the demo grid to a Makefile, run it with make, then print a report.
# Runs offline with Node alone. Usage: bash examples/demo/run-demo.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"

if [[ ! -f "$REPO/dist/src/cli/main.js" ]]; then
  echo "geowatch-compile is not built yet: run \`npm run build\` in $REPO first" >&2
  exit 1
fi

DEMO=examples/demo

banner() {
  printf '\n=== %s ===\n' "$1"
}

banner "compile: $DEMO/pipeline.yaml x $DEMO/grid.yaml -> $DEMO/out/Makefile"
node bin/geowatch-compile.js --pipeline "$DEMO/pipeline.yaml" --params "$DEMO/grid.yaml" \
  --target make --out "$DEMO/out" --root "$DEMO/runs" --run=0

banner "run: make -C $DEMO/out -j2"
make -C "$DEMO/out" -j2

banner "report: evaluate jobs, best F1 first"
node bin/geowatch-compile.js plan --pipeline "$DEMO/pipeline.yaml" --params "$DEMO/grid.yaml" \
  --root "$DEMO/runs" --format json | node "$DEMO/report.mjs"
