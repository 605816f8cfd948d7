#!/usr/bin/env python3
"""Grade a student's backpropagation with gradient-service (Python standard library only).

The "student" below implemented backpropagation by hand for a small sigmoid network with the
quadratic cost averaged over a batch (the conventions of 3Blue1Brown's lesson). The grader sends
the network, the examples and the student's cost and gradient to POST /v1/gradient/compare; the
service computes the exact values and says which submitted numbers are wrong, each by its JSON
Pointer (numpy.allclose rule: |submitted - expected| <= atol + rtol * |expected|).

    BASE_URL=http://127.0.0.1:3000 python3 examples/grade.py               # a correct student
    python3 examples/grade.py --bug no-sigmoid-prime                      # forgets sigma'(z)
    python3 examples/grade.py --bug sum-not-mean --no-reveal              # hide expected values

Exit status: 0 PASS, 1 FAIL, 2 the request itself was refused or the service is unreachable.
API_KEY is sent as a bearer token when set (needed only when the service runs with API_KEYS).
"""
import argparse
import json
import math
import os
import sys
import urllib.error
import urllib.request

# A 2-3-1 network: weights[j][k] goes from neuron k of the previous layer to neuron j.
NETWORK = {
    "layers": [
        {"weights": [[0.15, -0.4], [0.6, 0.25], [-0.3, 0.8]], "biases": [0.1, -0.2, 0.05]},
        {"weights": [[0.7, -0.5, 0.3]], "biases": [-0.1]},
    ]
}
EXAMPLES = [
    {"input": [1.0, 0.5], "target": [1.0]},
    {"input": [-0.5, 2.0], "target": [0.0]},
]

BUGS = ("none", "no-sigmoid-prime", "sum-not-mean")


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def student_backprop(network, examples, bug="none"):
    """What a student writes: C = (1/n) sum of C0, C0 = sum_j (a_j - y_j)^2, and its gradient."""
    layers = network["layers"]
    n = len(examples)
    grads = [{"weights": [[0.0] * len(row) for row in L["weights"]], "biases": [0.0] * len(L["biases"])} for L in layers]
    total = 0.0
    for example in examples:
        activations = [example["input"]]
        for L in layers:  # z = W a + b, a = sigmoid(z)
            a_prev = activations[-1]
            z = [sum(w * a for w, a in zip(row, a_prev)) + b for row, b in zip(L["weights"], L["biases"])]
            activations.append([sigmoid(v) for v in z])
        output = activations[-1]
        total += sum((a - y) ** 2 for a, y in zip(output, example["target"]))
        dC_da = [2.0 * (a - y) for a, y in zip(output, example["target"])]
        for l in range(len(layers) - 1, -1, -1):
            a_out, a_in = activations[l + 1], activations[l]
            if bug == "no-sigmoid-prime":
                delta = list(dC_da)
            else:  # delta = sigma'(z) * dC/da, with sigma'(z) = a (1 - a)
                delta = [a * (1.0 - a) * d for a, d in zip(a_out, dC_da)]
            scale = 1.0 if bug == "sum-not-mean" else 1.0 / n
            for j, d in enumerate(delta):
                grads[l]["biases"][j] += scale * d
                for k, a in enumerate(a_in):  # dC/dW[j][k] = a_prev[k] delta[j]
                    grads[l]["weights"][j][k] += scale * a * d
            W = layers[l]["weights"]  # dC/da_prev[k] = sum_j W[j][k] delta[j]
            dC_da = [sum(W[j][k] * delta[j] for j in range(len(delta))) for k in range(len(a_in))]
    cost = total if bug == "sum-not-mean" else total / n
    return cost, {"layers": grads}


def post(base_url, path, body):
    headers = {"Content-Type": "application/json", "Accept": "application/json, application/problem+json"}
    if os.environ.get("API_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["API_KEY"]
    request = urllib.request.Request(base_url.rstrip("/") + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:  # a problem+json document (RFC 9457)
        return error.code, json.load(error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL", "http://127.0.0.1:3000"))
    parser.add_argument("--bug", choices=BUGS, default="none", help="make the student's classic mistake")
    parser.add_argument("--no-reveal", action="store_true", help="ask the service not to reveal expected values")
    args = parser.parse_args()

    cost, gradient = student_backprop(NETWORK, EXAMPLES, args.bug)
    print(f"grading a 2-3-1 sigmoid network on {len(EXAMPLES)} examples (quadratic cost, mean), student bug: {args.bug}")
    try:
        status, report = post(args.base_url, "/v1/gradient/compare", {
            "network": NETWORK,
            "examples": EXAMPLES,
            "submitted": {"cost": cost, "gradient": gradient},
            "tolerance": {"rtol": 1e-5, "atol": 1e-8},
            "reveal": not args.no_reveal,
        })
    except (urllib.error.URLError, OSError) as error:
        print(f"error: cannot reach {args.base_url}: {error}", file=sys.stderr)
        return 2
    if status != 200:
        print(f"error: HTTP {status} {report.get('title')}: {report.get('detail')}", file=sys.stderr)
        for field in report.get("errors", []):
            print(f"  {field['path']}: {field['message']}", file=sys.stderr)
        return 2

    print(f"checked {report['checked']} numbers, {report['failed']} wrong")
    if "cost" in report:
        print(f"cost: {'ok' if report['cost']['passed'] else 'wrong'}")
    for mismatch in report["mismatches"]:
        line = f"  {mismatch['path']}: {mismatch.get('kind', 'value')}"
        if "submitted" in mismatch:
            line += f", submitted {mismatch['submitted']:.6g}"
        if "expected" in mismatch:
            line += f", expected {mismatch['expected']:.6g} (relative error {mismatch['relError']:.1e})"
        if "message" in mismatch:
            line += f" ({mismatch['message']})"
        print(line)
    print("verdict: " + ("PASS" if report["passed"] else "FAIL"))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
