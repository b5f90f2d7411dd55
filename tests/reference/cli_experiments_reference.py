"""Reference values for the CLI experiment tests (tests/Overfit.Cli.Tests/Experiments/*ExperimentTests.cs).
Runs the chapter's code with the CLI's default seed 42 (np.random.seed(42) before the data is drawn) and prints
the numbers the tests compare: polyfit training MSE (degrees 1 and 3), the ridge pipeline's coefficient norm
(alpha 0.1 and 10) and the bike-route posterior mean at a few prediction times.
Usage: /usr/bin/python3 tests/reference/cli_experiments_reference.py"""
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

np.random.seed(42)
x = np.array([np.pi / 180 * i for i in range(40, 320, 4)])
y = np.sin(x) + np.random.uniform(-0.2, 0.2, len(x))
for deg in [1, 3]:
    p = np.poly1d(np.polyfit(x, y, deg))
    print(f"polyfit degree {deg} train MSE: {np.mean((y - p(x)) ** 2)!r}")

np.random.seed(42)
x = np.array([np.pi / 180 * i for i in range(40, 280, 8)])
y = np.sin(x) + np.random.normal(0, 0.4, len(x))
for alpha in [0.1, 10]:
    model = make_pipeline(PolynomialFeatures(degree=10), Ridge(alpha=alpha, solver='auto')).fit(x.reshape(-1, 1), y)
    coef = model[-1].coef_
    print(f"ridge alpha {alpha} coefficient norm: {np.sqrt(np.sum(coef ** 2))!r}")


def kernel(T1, T2, l=2.0):
    sqdist = np.sum(T1**2, 1).reshape(-1, 1) + np.sum(T2**2, 1) - 2 * np.dot(T1, T2.T)
    return np.exp(-0.5 * sqdist / l**2)


time_pred = np.linspace(0, 10, 100).reshape(-1, 1)
for name, t, p in [("five", [0, 2, 5, 8, 10], [0, 2, 3, 1, 4]), ("eight", [0, 1, 2, 4, 5, 6, 8, 10], [0, 1, 2.5, 1.5, 3, 2, 1, 4])]:
    t = np.array(t, dtype=float).reshape(-1, 1)
    mu = kernel(time_pred, t).dot(np.linalg.inv(kernel(t, t))).dot(np.array(p, dtype=float))
    print(f"bike route {name}: mean at indices 25, 50, 75 = {mu[25]!r}, {mu[50]!r}, {mu[75]!r}")
