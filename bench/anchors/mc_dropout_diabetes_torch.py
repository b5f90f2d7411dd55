"""Anchor for `overfit uncertainty --part regression`: Gal & Ghahramani's UCI protocol for MC dropout on the
diabetes data in PyTorch 1.13, with the same choices as the Overfit experiment:

  Dropout(p) -> Linear(10, 50) -> ReLU -> Dropout(p) -> Linear(50, 1); Keras-style L2 penalty lambda * sum(W^2) on the
  weights, lambda = (1 - p) l^2 / (2 N tau); inputs and targets standardized on the training part (population std);
  Adam 1e-3, batches of 32, 40 epochs, MSE; T stochastic passes; test RMSE of the MC mean and the paper's test
  log-likelihood logsumexp(-tau/2 (y - yhat_t)^2) - log T - 0.5 log 2 pi + 0.5 log tau, in the targets' units
  (tau / std_y^2). Splits are 90/10 random permutations (numpy, seeded), not the same rows as Overfit's.

Run: /usr/bin/python3 bench/anchors/mc_dropout_diabetes_torch.py [--splits 20] [--samples 1000] [--tau 2]
Prints one JSON line: mean and standard error (sample std / sqrt(splits)) of RMSE and log-likelihood."""
import argparse
import json
import math
import time

import numpy as np
import torch
from scipy.special import logsumexp
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser()
parser.add_argument("--splits", type=int, default=20)
parser.add_argument("--samples", type=int, default=1000)
parser.add_argument("--epochs", type=int, default=40)
parser.add_argument("--tau", type=float, default=2.0)
parser.add_argument("--dropout", type=float, default=0.05)
parser.add_argument("--length-scale", type=float, default=1e-2)
args = parser.parse_args()

torch.set_num_threads(1)
X, y = load_diabetes(return_X_y=True, scaled=False)
n = len(y)
rmses, lls, standard = [], [], []
start = time.perf_counter()
for split in range(args.splits):
    rng = np.random.default_rng(split)
    perm = rng.permutation(n)
    n_test = int(math.ceil(0.1 * n))
    test, train = perm[:n_test], perm[n_test:]
    x_mean, x_std = X[train].mean(0), X[train].std(0)
    x_std[x_std == 0] = 1
    y_mean, y_std = y[train].mean(), y[train].std()
    xt = torch.tensor((X[train] - x_mean) / x_std, dtype=torch.float32)
    yt = torch.tensor((y[train] - y_mean) / y_std, dtype=torch.float32)[:, None]
    torch.manual_seed(split)
    p = args.dropout
    model = torch.nn.Sequential(torch.nn.Dropout(p), torch.nn.Linear(X.shape[1], 50), torch.nn.ReLU(), torch.nn.Dropout(p), torch.nn.Linear(50, 1))
    lam = (1 - p) * args.length_scale ** 2 / (2 * len(train) * args.tau)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        order = torch.randperm(len(train))
        for b in range(0, len(train), 32):
            idx = order[b:b + 32]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xt[idx]), yt[idx])
            loss = loss + lam * (model[1].weight.pow(2).sum() + model[4].weight.pow(2).sum())
            loss.backward()
            opt.step()
    xs = torch.tensor((X[test] - x_mean) / x_std, dtype=torch.float32)
    with torch.no_grad():
        model.eval()
        plain = model(xs).numpy()[:, 0] * y_std + y_mean
        model.train()
        samples = torch.stack([model(xs)[:, 0] for _ in range(args.samples)]).numpy() * y_std + y_mean
    tau = args.tau / y_std ** 2
    yy = y[test]
    rmses.append(float(np.sqrt(np.mean((yy - samples.mean(0)) ** 2))))
    ll = logsumexp(-0.5 * tau * (yy[None] - samples) ** 2, 0) - np.log(args.samples) - 0.5 * np.log(2 * np.pi) + 0.5 * np.log(tau)
    lls.append(float(np.mean(ll)))
    standard.append(float(np.sqrt(np.mean((yy - plain) ** 2))))
elapsed = time.perf_counter() - start


def summary(v):
    v = np.asarray(v)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")


print(json.dumps({"anchor": "pytorch " + torch.__version__, "splits": args.splits, "samples": args.samples, "tau": args.tau,
                  "mc_rmse": summary(rmses), "mc_test_ll": summary(lls), "standard_rmse": summary(standard), "seconds": round(elapsed, 2)}))
