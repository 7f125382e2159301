#!/usr/bin/env bash
# CI as a new machine sees it: a fresh clone of this repo's HEAD in a temporary folder, run under a
# scrubbed environment (no PATH extras, an empty HOME, no caches). Usage: scripts/ci-fresh.sh [REV]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-HEAD}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$(git -C "$repo" rev-parse "$rev")"
# ../shared sits beside a checkout (the SciFact data, for the benchmarks); keep that layout.
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
mkdir "$work/home"
cd "$work/clone"
echo "fresh clone of $(git rev-parse --short HEAD) in $work/clone, HOME=$work/home"
env -i HOME="$work/home" PATH=/usr/bin:/bin CI=true bash .ci/run
