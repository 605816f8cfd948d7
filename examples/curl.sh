#!/usr/bin/env bash
# gradient-service from the shell: the lesson's 1-1-1-1 chain (three sigmoid neurons in a row,
# quadratic cost), its forward pass, its cost and gradient, and what a refused request looks like.
#
#   BASE_URL=http://127.0.0.1:3000 API_KEY=... examples/curl.sh
#
# API_KEY is needed only when the service runs with API_KEYS.
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
auth=()
if [ -n "${API_KEY:-}" ]; then auth=(-H "Authorization: Bearer ${API_KEY}"); fi

# w⁽¹⁾=0.5 b⁽¹⁾=0.1 → w⁽²⁾=−0.3 b⁽²⁾=0.2 → w⁽³⁾=0.8 b⁽³⁾=−0.1; input x = 1, target y = 0.
chain='{
  "network": { "layers": [
    { "weights": [[0.5]],  "biases": [0.1] },
    { "weights": [[-0.3]], "biases": [0.2] },
    { "weights": [[0.8]],  "biases": [-0.1] }
  ] },
  "examples": [ { "input": [1.0], "target": [0.0] } ]
}'

post() { # post PATH BODY: prints the response body; fails on an HTTP error
  curl -sS --fail-with-body ${auth[@]+"${auth[@]}"} -H 'Content-Type: application/json' --data-binary "$2" "${BASE_URL}$1"
  echo
}

echo "== POST /v1/forward: z⁽ˡ⁾ = w⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = σ(z⁽ˡ⁾), C₀ = (a⁽³⁾ − y)²"
post /v1/forward "$chain"

echo "== POST /v1/gradient: ∂C/∂w⁽ˡ⁾ = a⁽ˡ⁻¹⁾ σ'(z⁽ˡ⁾) ∂C/∂a⁽ˡ⁾, as the flat vector [w1, b1, w2, b2, w3, b3]"
post /v1/gradient "$chain"

echo "== a refused request: a weight sent as a string is a 400 problem naming the field"
curl -sS ${auth[@]+"${auth[@]}"} -H 'Content-Type: application/json' -w '\nHTTP %{http_code} %{content_type}\n' \
  --data-binary '{"network":{"layers":[{"weights":[["0.5"]],"biases":[0.1]}]},"examples":[{"input":[1],"target":[0]}]}' \
  "${BASE_URL}/v1/gradient"
