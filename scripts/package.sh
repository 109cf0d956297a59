#!/usr/bin/env bash
# Package the two publishable crates as `cargo publish` would (graph-sdk verified by building
# the packaged sources with its default features) and check each against the registry's 10 MB
# limit on a packaged crate.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo package -p graph-rt -p graph-sdk "$@"
limit=$((10 * 1000 * 1000))
for crate in target/package/graph-rt-*.crate target/package/graph-sdk-*.crate; do
    size=$(stat -c %s "$crate")
    printf '%s: %s bytes\n' "$crate" "$size"
    if [ "$size" -ge "$limit" ]; then
        echo "error: $crate is over the registry's 10 MB limit" >&2
        exit 1
    fi
done
