"""scikit-learn side of the `gp` benchmark on exactly the benchmark's data.
The benchmark draws Friedman #1 with Overfit's generator (xoshiro256** seeded by SplitMix64, uniform doubles
from the top 53 bits, normals by the Marsaglia polar method); this script reproduces that stream in Python, so both
libraries fit the same 1000 points: ConstantKernel(1)*Matern(ARD, nu=2.5)+WhiteKernel(1), normalize_y, no restarts.
The anchor script ../shared/anchors/sklearn_gp.py draws the same kind of problem with NumPy's PCG64 instead.
Usage: /usr/bin/python3 tests/reference/gp_bench_sklearn.py N D  -> JSON line (fit_s, predict_s, lml, rmse, nfev)"""
import json, math, sys, time
import numpy as np
import scipy.optimize
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

M64 = (1 << 64) - 1


class Generator:
    def __init__(self, seed):
        x = seed
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            s.append(z ^ (z >> 31))
        self.s = s
        self.spare = None

    @staticmethod
    def rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & M64

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (self.rotl((s1 * 5) & M64, 7) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = self.rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self):
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def next_normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        while True:
            u = 2 * self.next_double() - 1
            v = 2 * self.next_double() - 1
            s = u * u + v * v
            if 0 < s < 1:
                break
        f = math.sqrt(-2 * math.log(s) / s)
        self.spare = v * f
        return u * f


def friedman(rng, n, d, noise):
    X = np.empty((n, d))
    for i in range(n):
        for k in range(d):
            X[i, k] = rng.next_double()
    y = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4]
    if noise > 0:
        y = y + noise * np.array([rng.next_normal() for _ in range(n)])
    return X, y


n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
d = int(sys.argv[2]) if len(sys.argv) > 2 else 5
rng = Generator(0)
X, y = friedman(rng, n, d, 1.0)
Xt, yt = friedman(rng, 2000, d, 0.0)
nfev = {}


def lbfgsb(obj, theta, bounds):
    r = scipy.optimize.minimize(obj, theta, method="L-BFGS-B", jac=True, bounds=bounds)
    nfev["nfev"] = int(r.nfev)
    return r.x, r.fun


kernel = ConstantKernel(1.0) * Matern(length_scale=np.ones(d), nu=2.5) + WhiteKernel(1.0)
gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=0, random_state=0, optimizer=lbfgsb)
t0 = time.perf_counter(); gp.fit(X, y); t1 = time.perf_counter()
mu = gp.predict(Xt); t2 = time.perf_counter()
print(json.dumps({"bench": "gp-sklearn", "n": n, "d": d, "fit_s": round(t1 - t0, 3), "predict_s": round(t2 - t1, 3),
                  "lml": round(float(gp.log_marginal_likelihood_value_), 6),
                  "rmse": round(float(np.sqrt(np.mean((mu - yt) ** 2))), 4), "nfev": nfev.get("nfev"), "kernel": str(gp.kernel_)}))
