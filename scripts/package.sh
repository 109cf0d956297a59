#!/usr/bin/env bash
# Package the four publishable crates as `cargo publish` would (each verified by building its
# packaged sources with its default features, against the others as packaged) and check each
# against the registry's 10 MB limit on a packaged crate. In publishing order: graph-rt-core
# (models, requests, JSON; no HTTP), graph-rt (the client), graph-sdk-api (the generated models
# and builders, on graph-rt-core), graph-sdk (what users depend on: both, re-exported).
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo verifies each crate against the others through a registry in target/package, unpacked
# under $CARGO_HOME/registry/src/<that registry>/<name>-<version>/; a copy unpacked by an earlier
# run is reused as it is, stale (an older graph-rt, from before a change, failed to build that
# way). Those copies go first.
home=${CARGO_HOME:-$HOME/.cargo}
for name in graph-rt-core graph-rt graph-sdk-api graph-sdk; do
    rm -rf "$home"/registry/src/*/"$name"-[0-9]*
done
cargo package -p graph-rt-core -p graph-rt -p graph-sdk-api -p graph-sdk "$@"
limit=$((10 * 1000 * 1000))
for crate in target/package/graph-rt-*.crate target/package/graph-sdk-*.crate; do
    size=$(stat -c %s "$crate")
    printf '%s: %s bytes\n' "$crate" "$size"
    if [ "$size" -ge "$limit" ]; then
        echo "error: $crate is over the registry's 10 MB limit" >&2
        exit 1
    fi
done
