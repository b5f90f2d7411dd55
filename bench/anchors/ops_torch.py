"""PyTorch anchor for `Overfit.Benchmarks ops`: the same cases, one thread, median of --reps timed calls.

Run by `dotnet run -c Release --project bench/Overfit.Benchmarks -- ops --json --torch`, or alone:
/usr/bin/python3 bench/anchors/ops_torch.py [--reps 30]
Prints one JSON line per case: {"op":..,"dtype":..,"n":..,"torch_ms":..}.
"""
import argparse
import json
import time

import torch

N = 1 << 20
ROWS = 1024


def median_ms(f, reps):
    for _ in range(5):
        f()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    return times[reps // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(42)
    for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
        x = torch.randn(N, dtype=dtype)
        y = torch.randn(N, dtype=dtype)
        m = x.reshape(ROWS, N // ROWS)
        cases = {
            "add": lambda: x + y,
            "mul": lambda: x * y,
            "exp": lambda: torch.exp(x),
            "tanh": lambda: torch.tanh(x),
            "sigmoid": lambda: torch.sigmoid(x),
            "relu": lambda: torch.relu(x),
            "sum": lambda: x.sum(),
            "max": lambda: x.max(),
            "softmax_rows": lambda: torch.softmax(m, dim=1),
            "logsumexp_rows": lambda: torch.logsumexp(m, dim=1),
        }
        with torch.no_grad():
            for op, f in cases.items():
                ms = median_ms(f, args.reps)
                print(json.dumps({"op": op, "dtype": name, "n": N, "torch_ms": round(ms, 4)}), flush=True)


if __name__ == "__main__":
    main()
