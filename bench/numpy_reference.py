#!/usr/bin/env python3
"""Compute-only reference: the gradient of a dense network (relu…, softmax + cross-entropy or
sigmoid + quadratic) on one batch with numpy float64, median of N runs. Prints JSON.
    python3 bench/numpy_reference.py WORKLOAD_FILE [RUNS]"""
import json, statistics, sys, time
import numpy as np

req = json.load(open(sys.argv[1]))
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
Ws = [np.array(l["weights"], dtype=np.float64) for l in req["network"]["layers"]]
bs = [np.array(l["biases"], dtype=np.float64) for l in req["network"]["layers"]]
acts = [l.get("activation", "sigmoid") for l in req["network"]["layers"]]
X = np.array([e["input"] for e in req["examples"]], dtype=np.float64)
Y = np.array([e["target"] for e in req["examples"]], dtype=np.float64)

def f(z, act):
    if act == "relu": return np.maximum(z, 0)
    if act == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True)); return e / e.sum(axis=1, keepdims=True)
    return 1 / (1 + np.exp(-z))

def gradient():
    a, zs, As = X, [], [X]
    for W, b, act in zip(Ws, bs, acts):
        z = a @ W.T + b; a = f(z, act); zs.append(z); As.append(a)
    if acts[-1] == "softmax": delta = a - Y
    else: delta = 2 * (a - Y) * a * (1 - a)
    grads = []
    for l in range(len(Ws) - 1, -1, -1):
        grads.append((delta.T @ As[l], delta.sum(axis=0)))
        if l > 0:
            da = delta @ Ws[l]
            delta = da * (zs[l - 1] > 0) if acts[l - 1] == "relu" else da * As[l] * (1 - As[l])
    return grads

gradient()
t = []
for _ in range(runs):
    s = time.perf_counter(); gradient(); t.append(time.perf_counter() - s)
blas = "unknown"
try:
    cfg = np.show_config(mode="dicts")
    blas = cfg["Build Dependencies"]["blas"]["name"]
except Exception:
    pass
print(json.dumps({"median_ms": statistics.median(t) * 1e3, "min_ms": min(t) * 1e3, "numpy": np.__version__, "blas": blas}))
