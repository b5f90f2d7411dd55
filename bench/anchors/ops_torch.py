"""PyTorch anchor for `Overfit.Benchmarks ops`: the same cases, at each thread count, median of --reps timed calls.

Run by `dotnet run -c Release --project bench/Overfit.Benchmarks -- ops --json --torch`, or alone:
/usr/bin/python3 bench/anchors/ops_torch.py [--reps 30] [--threads 1,2] [--ops exp,gelu]
Prints one JSON line per case: {"op":..,"dtype":..,"threads":..,"n":..,"torch_ms":..,"torch_min_ms":..}
(median and minimum of the timed calls).
Backward cases time torch.autograd.grad through a graph kept across calls (retain_graph=True), as the
Overfit side does.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

N = 1 << 20
ROWS = 1024


def median_ms(f, reps):
    # Warm up for 300 ms, as the Overfit side does.
    t_end = time.perf_counter() + 0.3
    calls = 0
    while time.perf_counter() < t_end or calls < 5:
        f()
        calls += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    return times[reps // 2], times[0]


def backward_case(m, g, op):
    leaf = m.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        out = op(leaf)
    return lambda: torch.autograd.grad(out, leaf, g, retain_graph=True)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--ops", default="", help="comma-separated subset of the cases (default: all)")
    args = parser.parse_args()
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
            torch.manual_seed(42)
            x = torch.randn(N, dtype=dtype)
            y = torch.randn(N, dtype=dtype)
            bias = torch.randn(N // ROWS, dtype=dtype)
            column = torch.randn(ROWS, 1, dtype=dtype)
            m = x.reshape(ROWS, N // ROWS)
            my = y.reshape(ROWS, N // ROWS)
            cases = {
                "add": lambda: x + y,
                "mul": lambda: x * y,
                "add_row": lambda: m + bias,
                "mul_col": lambda: m * column,
                "exp": lambda: torch.exp(x),
                "tanh": lambda: torch.tanh(x),
                "sigmoid": lambda: torch.sigmoid(x),
                "relu": lambda: torch.relu(x),
                "softplus": lambda: F.softplus(x),
                "gelu": lambda: F.gelu(x),
                "sum": lambda: x.sum(),
                "max": lambda: x.max(),
                "sum_rows": lambda: m.sum(1),
                "softmax_rows": lambda: torch.softmax(m, dim=1),
                "log_softmax_rows": lambda: torch.log_softmax(m, dim=1),
                "logsumexp_rows": lambda: torch.logsumexp(m, dim=1),
                "relu_backward": backward_case(m, my, torch.relu),
                "sigmoid_backward": backward_case(m, my, torch.sigmoid),
                "softmax_backward": backward_case(m, my, lambda t: torch.softmax(t, dim=1)),
                "gelu_backward": backward_case(m, my, F.gelu),
            }
            wanted = set(args.ops.split(",")) if args.ops else set(cases)
            for op, f in cases.items():
                if op not in wanted:
                    continue
                if op.endswith("_backward"):
                    ms, min_ms = median_ms(f, args.reps)
                else:
                    with torch.no_grad():
                        ms, min_ms = median_ms(f, args.reps)
                print(json.dumps({"op": op, "dtype": name, "threads": threads, "n": N, "torch_ms": round(ms, 4),
                                  "torch_min_ms": round(min_ms, 4)}), flush=True)


if __name__ == "__main__":
    main()
