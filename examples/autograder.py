#!/usr/bin/env python3
"""An autograder for a backpropagation exercise, using gradient-service (standard library only).

Two "students" implemented backpropagation for the 2-3-2 sigmoid network below with the lesson's
cost C0 = sum_j (a_j - y_j)^2. One is right; the other forgets the factor 2 in dC0/da = 2(a - y),
so every dC/da, dC/dz and gradient it reports is half the truth (its z, a and cost are right).

Each student's numbers go to POST /v1/gradient/compare with format "gradescope"; the service's
answer *is* a Gradescope results.json, printed here for each student after a line
"### results.json for student <name>". In a real Gradescope autograder, write it to
/autograder/results/results.json instead (see --results-dir).

Usage:
  python3 examples/autograder.py [--url http://localhost:3000] [--hide-expected] [--results-dir DIR]
Environment: GRADIENT_SERVICE_URL (default URL), GRADIENT_SERVICE_API_KEY (sent as a Bearer token).
"""
import argparse
import json
import math
import os
import sys
import urllib.error
import urllib.request

NETWORK = {
    "layers": [
        {"weights": [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], "biases": [0.01, -0.02, 0.03]},
        {"weights": [[0.7, -0.8, 0.9], [-0.1, 0.2, -0.3]], "biases": [0.05, -0.05]},
    ]
}
EXAMPLES = [
    {"input": [0.5, -1.5], "target": [1, 0]},
    {"input": [2.0, 0.25], "target": [0, 1]},
]


# ---------------------------------------------------------------- the students' code

def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def student_backprop(network, examples, forget_factor_two):
    """What a student hands in: cost, mean gradient, and per-example z, a, dC/da, dC/dz."""
    layers = network["layers"]
    n = len(examples)
    grad = [{"weights": [[0.0] * len(row) for row in l["weights"]], "biases": [0.0] * len(l["biases"])} for l in layers]
    per_example, total = [], 0.0
    for ex in examples:
        acts, zs = [ex["input"]], []
        for l in layers:
            z = [sum(w * a for w, a in zip(row, acts[-1])) + b for row, b in zip(l["weights"], l["biases"])]
            zs.append(z)
            acts.append([sigmoid(v) for v in z])
        out, y = acts[-1], ex["target"]
        cost = sum((a - t) ** 2 for a, t in zip(out, y))
        total += cost
        factor = 1.0 if forget_factor_two else 2.0          # the bug: dC0/da = (a - y)
        dCda = [factor * (a - t) for a, t in zip(out, y)]
        recorded = [None] * len(layers)
        for i in range(len(layers) - 1, -1, -1):
            a = acts[i + 1]
            dCdz = [g * s * (1 - s) for g, s in zip(dCda, a)]   # sigma'(z) = a(1 - a)
            recorded[i] = {"z": zs[i], "a": a, "dCda": dCda, "dCdz": dCdz}
            for j, d in enumerate(dCdz):
                grad[i]["biases"][j] += d / n
                for k, a_prev in enumerate(acts[i]):
                    grad[i]["weights"][j][k] += a_prev * d / n
            W = layers[i]["weights"]
            dCda = [sum(W[j][k] * dCdz[j] for j in range(len(dCdz))) for k in range(len(acts[i]))]
        per_example.append({"cost": cost, "layers": recorded})
    return {"cost": total / n, "gradient": {"layers": grad}, "examples": per_example}


# ---------------------------------------------------------------- grading through the service

def post(url, body, api_key=None):
    headers = {"content-type": "application/json", "accept": "application/json"}
    if api_key:
        headers["authorization"] = "Bearer " + api_key
    req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)
    except urllib.error.HTTPError as err:      # a problem+json document: show it, stop
        sys.stderr.write("gradient-service refused the request: %s\n%s\n" % (err.code, err.read().decode("utf-8", "replace")))
        raise SystemExit(2)
    except urllib.error.URLError as err:       # no service there
        sys.stderr.write("gradient-service is unreachable at %s: %s\n" % (url, err.reason))
        raise SystemExit(2)


def grade(base_url, submission, reveal, api_key=None):
    return post(base_url.rstrip("/") + "/v1/gradient/compare", {
        "network": NETWORK,
        "examples": EXAMPLES,
        "cost": "quadratic",
        "submitted": submission,
        "tolerance": {"rtol": 1e-6, "atol": 1e-9},
        "reveal": reveal,
        "format": "gradescope",
    }, api_key)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("GRADIENT_SERVICE_URL", "http://localhost:3000"))
    parser.add_argument("--hide-expected", action="store_true", help="reveal: false (results safe to show a student)")
    parser.add_argument("--results-dir", help="also write DIR/<student>/results.json")
    args = parser.parse_args()
    api_key = os.environ.get("GRADIENT_SERVICE_API_KEY")

    students = {
        "correct": student_backprop(NETWORK, EXAMPLES, forget_factor_two=False),
        "forgot-factor-2": student_backprop(NETWORK, EXAMPLES, forget_factor_two=True),
    }
    for name, submission in students.items():
        results = grade(args.url, submission, reveal=not args.hide_expected, api_key=api_key)
        print("### results.json for student %s (score %s of %d)" % (name, results["score"], len(results["tests"])))
        print(json.dumps(results, indent=2, ensure_ascii=False))
        if args.results_dir:
            out = os.path.join(args.results_dir, name)
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as fh:
                json.dump(results, fh, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
