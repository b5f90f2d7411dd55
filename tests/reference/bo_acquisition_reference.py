"""Reference values for Overfit's analytic acquisition functions and GP model tests.

Run with /usr/bin/python3 (Debian: python3-scipy 1.10, python3-sklearn 1.2.1, python3-mpmath).
Values printed here are pasted as constants into tests/Overfit.Tests/BayesianOptimization/*.cs.
"""
import numpy as np
import mpmath as mp
from scipy.special import erfcx, log_ndtr
from scipy.stats import norm

mp.mp.dps = 50

def ei(mean, var, best):
    s = np.sqrt(var); z = (mean - best) / s
    return s * (z * norm.cdf(z) + norm.pdf(z))

def log_h_exact(z):
    z = mp.mpf(z)
    return mp.log(mp.npdf(z) + z * mp.ncdf(z))

print("EI(mean -0.5, var 1, best 0) =", repr(ei(-0.5, 1.0, 0.0)))
print("EI(mean 1.3, var 0.25, best 0.4) =", repr(ei(1.3, 0.25, 0.4)))
print("PI(mean 1.3, var 0.25, best 0.4) =", repr(norm.cdf((1.3 - 0.4) / 0.5)))
print("UCB(mean 1.3, var 0.25, beta 4) =", repr(1.3 + 2 * 0.5))
for z in [2.0, 0.0, -0.5, -3.0, -12.0, -40.0, -1e3]:
    print(f"log h({z}) =", mp.nstr(log_h_exact(z), 17))
for z in [-3.0, -40.0]:
    print(f"log Phi({z}) =", repr(float(log_ndtr(z))))
for x in [0.8, 3.0, 24.0, 30.0, 1e4]:
    print(f"erfcx({x}) =", repr(float(erfcx(x))))

# GP: sklearn ConstantKernel * Matern(nu=2.5, ARD) with fixed alpha, fitted with restarts.
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern
X = np.array([[0.1, 0.2], [0.4, 0.9], [0.8, 0.3], [0.55, 0.5], [0.2, 0.7], [0.95, 0.85], [0.7, 0.05], [0.3, 0.35]])
y = np.sin(3 * X[:, 0]) + np.cos(2 * X[:, 1]) + 0.5 * X[:, 0] * X[:, 1]
k = ConstantKernel(1.0, (0.01, 100.0)) * Matern([0.5, 0.5], (0.005, 50.0), nu=2.5)
gp = GaussianProcessRegressor(k, alpha=1e-2, normalize_y=False, n_restarts_optimizer=10, random_state=0).fit(X, y)
print("fitted kernel", gp.kernel_)
print("fitted LML", repr(gp.log_marginal_likelihood_value_))
Xt = np.array([[0.5, 0.5], [0.05, 0.95], [0.9, 0.6]])
m, s = gp.predict(Xt, return_std=True)
print("mean", m.tolist())
print("std", s.tolist())
# LML at fixed hyperparameters: outputscale 1.5, lengthscales 0.3, 0.6, alpha 1e-2.
kf = ConstantKernel(1.5) * Matern([0.3, 0.6], nu=2.5)
print("LML at fixed", repr(GaussianProcessRegressor(kf, alpha=1e-2, optimizer=None).fit(X, y).log_marginal_likelihood_value_))
