"""scikit-learn's ConvergenceWarning texts for hyperparameters that end on a bound (FitReportingTests).

Constant targets: after normalize_y they are all zero, so the likelihood pushes the signal variance and the noise to
their lower bounds and the length scale to its upper bound. Run with Debian's python3-sklearn (1.2):
    python3 tests/reference/gp_bound_warnings.py
"""
import warnings

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, RBF, WhiteKernel

X = np.linspace(0, 1, 10).reshape(-1, 1)
y = np.full(10, 3.0)
kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(1.0, (1e-2, 1e2)) + WhiteKernel(0.1, (1e-8, 10))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    gp = GaussianProcessRegressor(kernel, normalize_y=True).fit(X, y)
print(gp.kernel_)
for w in caught:
    print(str(w.message))

# An interior optimum: no warning (AnInteriorOptimumGivesNoBoundWarning).
X = (np.arange(20) * 0.5).reshape(-1, 1)
y = np.sin(X[:, 0]) + ((np.arange(20) * 7919) % 13 - 6) / 20.0
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    gp = GaussianProcessRegressor(ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.1), normalize_y=True).fit(X, y)
print(gp.kernel_, "warnings:", len(caught))

# The classifier checks the same bounds after its fit (TheClassifierWarnsLikeScikitLearnToo).
from sklearn.gaussian_process import GaussianProcessClassifier

X = np.linspace(0, 1, 12).reshape(-1, 1)
y = (X[:, 0] > 0.5).astype(int)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    gpc = GaussianProcessClassifier(ConstantKernel(1.0, (1e-2, 1e2)) * RBF(0.3, (1e-2, 1e1))).fit(X, y)
print(gpc.kernel_)
for w in caught:
    print(str(w.message))
