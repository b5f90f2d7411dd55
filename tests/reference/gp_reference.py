"""Reference values from scikit-learn 1.2.1 (Debian python3-sklearn) for the Gaussian process tests.
Kernel matrices and hyperparameter gradients per kernel type, regression log marginal likelihoods (fixed and
fitted), predictions with fixed hyperparameters, and classifier probabilities. Data are drawn here with a seeded
NumPy generator and printed into the C# file, so both sides use identical inputs.
Usage: /usr/bin/python3 tests/reference/gp_reference.py > tests/Overfit.Tests/GaussianProcesses/SklearnReference.cs"""
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor, GaussianProcessClassifier
from sklearn.gaussian_process.kernels import (RBF, Matern, RationalQuadratic, ExpSineSquared, DotProduct,
                                              ConstantKernel as C, WhiteKernel)

rng = np.random.default_rng(7)
out = []


def arr(name, values):
    v = np.asarray(values, dtype=float).ravel()
    out.append(f"    public static readonly double[] {name} = [{', '.join(repr(float(x)) for x in v)}];")


def iarr(name, values):
    out.append(f"    public static readonly int[] {name} = [{', '.join(str(int(x)) for x in values)}];")


def num(name, value):
    out.append(f"    public const double {name} = {float(value)!r};")


# ---- kernels: K(X), dK/dtheta (n x n x p, row-major), K(X, Y), theta
KX = rng.uniform(-1.5, 1.5, (6, 2))
KY = rng.uniform(-1.5, 1.5, (3, 2))
arr("KernelX", KX)
arr("KernelY", KY)
kernels = {
    "RbfIso": RBF(1.3),
    "RbfArd": RBF([0.7, 2.1]),
    "Matern12": Matern([0.8, 1.7], nu=0.5),
    "Matern32": Matern([0.8, 1.7], nu=1.5),
    "Matern52": Matern([0.8, 1.7], nu=2.5),
    "RationalQuadratic": RationalQuadratic(length_scale=1.2, alpha=0.7),
    "ExpSineSquared": ExpSineSquared(length_scale=1.1, periodicity=2.3),
    "DotProduct": DotProduct(sigma_0=0.9),
    "Composite": C(2.0) * RBF(1.5) + WhiteKernel(0.3),
}
for name, k in kernels.items():
    K, G = k(KX, eval_gradient=True)
    arr(f"{name}K", K)
    arr(f"{name}Grad", G)
    arr(f"{name}KXY", k(KX, KY))
    arr(f"{name}Theta", k.theta)

# ---- regression data sets
# A: 1-D noisy sine, C*RBF + White, not normalized
XA = np.sort(rng.uniform(0, 10, 25))[:, None]
yA = np.sin(XA[:, 0]) + 0.2 * rng.normal(size=25)
# B: Friedman #1 in 5-D, C*Matern52(ARD) + White, normalized
XB = rng.uniform(0, 1, (40, 5))
yB = 10 * np.sin(np.pi * XB[:, 0] * XB[:, 1]) + 20 * (XB[:, 2] - 0.5) ** 2 + 10 * XB[:, 3] + 5 * XB[:, 4] + rng.normal(size=40)
# C: 2-D, RationalQuadratic + White, alpha 1e-6
XC = rng.uniform(-2, 2, (30, 2))
yC = np.exp(-XC[:, 0] ** 2) * np.cos(2 * XC[:, 1]) + 0.1 * rng.normal(size=30)
XT = {"A": np.linspace(-1, 11, 7)[:, None], "B": rng.uniform(0, 1, (5, 5)), "C": rng.uniform(-2, 2, (6, 2))}
for tag, X, y in (("A", XA, yA), ("B", XB, yB), ("C", XC, yC)):
    arr(f"X{tag}", X)
    arr(f"Y{tag}", y)
    arr(f"XTest{tag}", XT[tag])

setups = {
    "A": (lambda: C(1.0) * RBF(1.0) + WhiteKernel(0.1), lambda: C(1.5) * RBF(0.8) + WhiteKernel(0.05), False, 1e-10),
    "B": (lambda: C(1.0) * Matern(np.ones(5), nu=2.5) + WhiteKernel(1.0),
          lambda: C(2.0) * Matern([0.5, 0.6, 0.9, 2.0, 3.0], nu=2.5) + WhiteKernel(0.1), True, 1e-10),
    "C": (lambda: RationalQuadratic(1.0, 1.0) + WhiteKernel(0.1), lambda: RationalQuadratic(0.9, 1.5) + WhiteKernel(0.02), False, 1e-6),
}
for tag, (start, fixed, norm, alpha) in setups.items():
    X, y = {"A": (XA, yA), "B": (XB, yB), "C": (XC, yC)}[tag]
    gp = GaussianProcessRegressor(start(), alpha=alpha, normalize_y=norm, random_state=0).fit(X, y)
    num(f"FittedLml{tag}", gp.log_marginal_likelihood_value_)
    arr(f"FittedTheta{tag}", gp.kernel_.theta)
    gpf = GaussianProcessRegressor(fixed(), alpha=alpha, normalize_y=norm, optimizer=None).fit(X, y)
    lml, grad = gpf.log_marginal_likelihood(gpf.kernel_.theta, eval_gradient=True)
    num(f"FixedLml{tag}", lml)
    arr(f"FixedLmlGrad{tag}", grad)
    mu, sd = gpf.predict(XT[tag], return_std=True)
    arr(f"FixedMean{tag}", mu)
    arr(f"FixedStd{tag}", sd)
    _, cov = gpf.predict(XT[tag], return_cov=True)
    arr(f"FixedCov{tag}", cov)

# ---- classification: binary and three classes
XG = rng.uniform(-2, 2, (30, 2))
yG = ((XG[:, 0] + XG[:, 1] + 0.5 * rng.normal(size=30)) > 0).astype(int)
XM = rng.uniform(-2, 2, (36, 2))
yM = np.where(XM[:, 0] > 0.5, 2, np.where(XM[:, 1] > 0, 1, 0))
XGT = rng.uniform(-2, 2, (6, 2))
arr("XBinary", XG)
iarr("YBinary", yG)
arr("XMulti", XM)
iarr("YMulti", yM)
arr("XClassTest", XGT)
gpc = GaussianProcessClassifier(C(1.7) * RBF(0.9), optimizer=None).fit(XG, yG)
arr("BinaryFixedProba", gpc.predict_proba(XGT))
num("BinaryFixedLml", gpc.log_marginal_likelihood_value_)
lml, grad = gpc.log_marginal_likelihood(gpc.kernel_.theta, eval_gradient=True)
arr("BinaryFixedLmlGrad", grad)
gpc2 = GaussianProcessClassifier(C(1.0) * RBF(1.0), random_state=0).fit(XG, yG)
num("BinaryFittedLml", gpc2.log_marginal_likelihood_value_)
gpm = GaussianProcessClassifier(C(1.7) * RBF(0.9), optimizer=None).fit(XM, yM)
arr("MultiFixedProba", gpm.predict_proba(XGT))
num("MultiFixedLml", gpm.log_marginal_likelihood_value_)

print("// Generated by tests/reference/gp_reference.py with scikit-learn 1.2.1 and numpy 1.24 (Debian); do not edit.")
print("namespace Overfit.Tests.GaussianProcesses;\n")
print("internal static class SklearnReference\n{")
print("\n".join(out))
print("}")
