#!/usr/bin/env bash
# The main job on an embedded default: build tanu, make a demo registry when none is given,
# build its index, and serve the gRPC API.
#   scripts/demo.sh                    demo registry of 50,000 persons in data/demo/
#   scripts/demo.sh REGISTRY.jsonl     your export instead
# Environment: TANU_DATA (default data/demo), TANU_LISTEN (default 127.0.0.1:50051),
# TANU_METRICS_LISTEN (default 127.0.0.1:9184; empty: no /metrics), TANU_DEMO_PERSONS
# (default 50000).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${TANU_DATA:-data/demo}"
listen="${TANU_LISTEN:-127.0.0.1:50051}"
metrics="${TANU_METRICS_LISTEN-127.0.0.1:9184}"
persons="${TANU_DEMO_PERSONS:-50000}"
mkdir -p "$data"

echo "== building tanu (release)" >&2
cargo build --release --workspace --bins

registry="${1:-}"
if [ -z "$registry" ]; then
  registry="$data/registry.jsonl"
  if [ ! -s "$registry" ]; then
    echo "== generating a demo registry of $persons persons (plus labelled queries) in $data" >&2
    ./target/release/tanu-gen world --persons "$persons" --queries 2000 --seed 1 --out-dir "$data"
  fi
fi
[ -r "$registry" ] || { echo "error: cannot read the registry $registry" >&2; exit 1; }

index="$data/index"
# Rebuild when there is no index, the registry is newer, or the index cannot be opened (one
# built by an older tanu, whose index format this one no longer reads).
if [ ! -f "$index/manifest.json" ] || [ "$registry" -nt "$index/manifest.json" ] \
  || ! ./target/release/tanu stats "$index" >/dev/null 2>&1; then
  echo "== building the index of $registry into $index" >&2
  ./target/release/tanu build-index --source "$registry" --out "$index"
fi
./target/release/tanu verify-index "$index" >&2

if [ -f "$data/queries.jsonl" ]; then
  echo "== deciding the demo queries into $data/decisions.jsonl" >&2
  ./target/release/tanu match --index "$index" --queries "$data/queries.jsonl" --out "$data/decisions.jsonl"
fi

serve=(./target/release/tanu serve --index "$index" --listen "$listen")
if [ -n "$metrics" ]; then
  serve+=(--metrics-listen "$metrics")
  echo "== counters: curl http://$metrics/metrics" >&2
fi
echo "== serving on $listen (Ctrl-C to stop)" >&2
exec "${serve[@]}"
