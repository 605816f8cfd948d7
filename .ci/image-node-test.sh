#!/usr/bin/env bash
# `npm test` under the Node version the Dockerfile ships (the host's Node may differ), so the
# code that goes into the image is the code that was tested on its runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=$(.ci/image-node.sh)
echo "== npm test under the image's Node $("$node_bin" --version) ($node_bin)"
PATH="$(dirname "$node_bin"):$PATH" npm test
