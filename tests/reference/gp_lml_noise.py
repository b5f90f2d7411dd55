"""NumPy/LAPACK side of `gp --n 1000 --d 5 --lml-noise STEP --dump PATH`: how much round-off a Float64 log marginal
likelihood carries at the benchmark's fitted hyperparameters, independently of Overfit's code.
Reads the dump (theta*, direction u, STEP, alpha, normalized training data) and prints, as one JSON line:
- scan_rms: RMS residual of a least-squares quadratic through the LML at theta* + t*STEP*u, t = -10..10, computed by
  numpy.linalg.cholesky (LAPACK potrf) with the kernel written out directly (ConstantKernel*Matern(nu=2.5, ARD)+White);
- cond: the 2-norm condition number of K + alpha*I;
- rounding_rms: RMS change of the LML over 5 symmetric perturbations of K's entries by a uniform relative amount of at
  most half an ulp (2^-53), i.e. the effect of merely storing the exact K in Float64, before any factorization;
- scipy_nit / scipy_nfev / scipy_message: scikit-learn's GaussianProcessRegressor fitted on the same data from the
  benchmark's start (all hyperparameters 1) with SciPy's L-BFGS-B, as in the benchmark anchor.
Usage: /usr/bin/python3 tests/reference/gp_lml_noise.py PATH"""
import json, sys
import numpy as np
import scipy.optimize
from scipy.linalg import cho_solve
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

lines = [l for l in open(sys.argv[1]).read().split("\n") if l.strip()]
theta = np.array([float(v) for v in lines[0].split()])
u = np.array([float(v) for v in lines[1].split()])
step, alpha = (float(v) for v in lines[2].split())
data = np.array([[float(v) for v in l.split()] for l in lines[3:]])
x, y = data[:, :-1], data[:, -1]
d = x.shape[1]


def kernel_matrix(th):
    c, ls, noise = np.exp(th[0]), np.exp(th[1:1 + d]), np.exp(th[1 + d])
    z = x / ls
    t = np.sqrt(5 * ((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
    k = c * (1 + t + t * t / 3) * np.exp(-t)
    k[np.diag_indices_from(k)] += noise + alpha
    return k


def lml(k):
    l = np.linalg.cholesky(k)
    return -0.5 * y @ cho_solve((l, True), y) - np.log(np.diag(l)).sum() - 0.5 * len(y) * np.log(2 * np.pi)


ts = np.arange(-10, 11)
scan = np.array([lml(kernel_matrix(theta + t * step * u)) for t in ts])
scan_rms = float(np.sqrt(np.mean((np.polyval(np.polyfit(ts, scan, 2), ts) - scan) ** 2)))
k0 = kernel_matrix(theta)
base = lml(k0)
rng = np.random.default_rng(0)
changes = []
for _ in range(5):
    p = rng.uniform(-1, 1, k0.shape)
    p = np.tril(p) + np.tril(p, -1).T
    changes.append(lml(k0 * (1 + p * 2.0 ** -53)) - base)
result = {}


def optimizer(obj, initial_theta, bounds):
    r = scipy.optimize.minimize(obj, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds)
    result["r"] = r
    return r.x, r.fun


gp = GaussianProcessRegressor(ConstantKernel(1.0) * Matern([1.0] * d, nu=2.5) + WhiteKernel(1.0), alpha=alpha,
                              normalize_y=True, optimizer=optimizer, n_restarts_optimizer=0).fit(x, y)
r = result["r"]
print(json.dumps({"lml_at_theta": base, "scan_rms": scan_rms, "cond": float(np.linalg.cond(k0)),
                  "rounding_rms": float(np.sqrt(np.mean(np.square(changes)))), "scipy_lml": float(gp.log_marginal_likelihood_value_),
                  "scipy_nit": int(r.nit), "scipy_nfev": int(r.nfev), "scipy_message": str(r.message)}))
