"""Reference values for tests/Overfit.Tests/LinearModels (NumPy polyfit, scikit-learn linear models).

Run with Debian's python3-numpy (1.24) and python3-sklearn (1.2.1):
    /usr/bin/python3 tests/reference/linear_reference.py > tests/Overfit.Tests/LinearModels/LinearReferenceValues.cs
Data are built from an integer hash (splitmix64) and + - * / only, so the C# tests rebuild them bit for bit
(LinearTestData.cs); the two noisy-sine targets use NumPy's RNG and are emitted as constants.
"""
import warnings
import numpy as np
from sklearn.linear_model import (LinearRegression, Ridge, RidgeCV, Lasso, ElasticNet, LassoCV, ElasticNetCV,
                                  lasso_path, enet_path)
from sklearn.preprocessing import PolynomialFeatures
from sklearn.pipeline import make_pipeline
from sklearn.model_selection import KFold, cross_val_score, validation_curve, learning_curve


M64 = (1 << 64) - 1


def u(k):
    """splitmix64 of k mapped to [0, 1) with 53 bits: exact integer arithmetic, reproducible in any language."""
    z = (k + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    z ^= z >> 31
    return (z >> 11) / 9007199254740992.0


def dense(n=40, p=5):
    X = np.array([[2.0 * u(7 * i + 3 * j + 1) - 1.0 + 0.5 * j for j in range(p)] for i in range(n)])
    w = [1.5, -2.0, 0.0, 0.5, 3.0, -1.0, 0.25, 0.0][:p]
    y = np.array([sum(w[j] * X[i, j] for j in range(p)) + 0.5 * (u(1000 + i) - 0.5) + 2.0 for i in range(n)])
    return X, y


def ill(n=30, p=6):
    X = np.zeros((n, p))
    y = np.zeros(n)
    for i in range(n):
        t = 1.0 + i / (n - 1.0)
        v = t
        for j in range(p):
            X[i, j] = v
            v *= t
        y[i] = 1.0 / (1.0 + t) + 0.01 * (u(2000 + i) - 0.5)
    return X, y


def wide(n=12, p=20):
    X = np.array([[u(3000 + 20 * i + j) - 0.5 for j in range(p)] for i in range(n)])
    y = np.array([3.0 * X[i, 0] - 2.0 * X[i, 5] + 0.1 * (u(4000 + i) - 0.5) for i in range(n)])
    return X, y


def collinear(n=25):
    X = np.zeros((n, 4))
    y = np.zeros(n)
    for i in range(n):
        a, b, c = u(5000 + 3 * i), u(5001 + 3 * i), u(5002 + 3 * i)
        X[i] = [a, b, c, a + b]
        y[i] = 2.0 * a - b + 0.5 * c + 0.05 * (u(6000 + i) - 0.5)
    return X, y


def sparse_truth(n=100, p=8):
    X = np.array([[2.0 * u(7000 + p * i + j) - 1.0 for j in range(p)] for i in range(n)])
    for i in range(n):
        X[i, 1] += 0.5 * X[i, 0]
    w = [3.0, 0.0, -2.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    y = np.array([sum(w[j] * X[i, j] for j in range(p)) + 0.5 * (u(8000 + i) - 0.5) + 1.0 for i in range(n)])
    return X, y


out = []


def arr(name, a):
    a = np.asarray(a, dtype=float).ravel()
    out.append(f"    public static readonly double[] {name} = [{', '.join(repr(float(v)) for v in a)}];")


def num(name, v):
    out.append(f"    public static readonly double {name} = {repr(float(v))};")


def integer(name, v):
    out.append(f"    public const int {name} = {int(v)};")


# ---- chapter data: noisy sine (uniform ±0.2) on 40..316 degrees, and (normal 0.4) on 40..272 degrees
rs = np.random.RandomState(0)
x1 = np.array([np.pi / 180 * i for i in range(40, 320, 4)])
y1 = np.sin(x1) + rs.uniform(-0.2, 0.2, len(x1))
x2 = np.array([np.pi / 180 * i for i in range(40, 280, 8)])
y2 = np.sin(x2) + rs.normal(0, 0.4, len(x2))
arr("SineY", y1)
arr("Sine2Y", y2)

for deg in [1, 3, 10, 21]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c, res, rank, sv, rcond = np.polyfit(x1, y1, deg, full=True)
    arr(f"Polyfit{deg}Coef", c)
    integer(f"Polyfit{deg}Rank", rank)
    arr(f"Polyfit{deg}Singular", sv)
    arr(f"Polyfit{deg}Fitted", np.polyval(c, x1))
    integer(f"Polyfit{deg}Warned", int(rank < deg + 1))   # np.polyfit(full=False) raises RankWarning exactly then
wts = 1.0 + x1 / 10.0
cw = np.polyfit(x1, y1, 2, w=wts)
arr("PolyfitWeighted2Coef", cw)
ch = np.polynomial.Chebyshev.fit(x1, y1, 21)
arr("Cheb21Coef", ch.coef)
arr("Cheb21Fitted", ch(x1))

# ---- polynomial features
pf = PolynomialFeatures(3).fit(np.zeros((1, 2)))
out.append("    public static readonly string[] PolyFeatureNames3 = [" + ", ".join(f'"{s}"' for s in pf.get_feature_names_out()) + "];")
pf2 = PolynomialFeatures((2, 3), interaction_only=True, include_bias=False).fit(np.zeros((1, 4)))
out.append("    public static readonly string[] PolyFeatureNamesInteraction = [" + ", ".join(f'"{s}"' for s in pf2.get_feature_names_out()) + "];")
Xs = np.array([[0.5, -2.0], [3.0, 0.25]])
arr("PolyFeatureTransform3", PolynomialFeatures(3).fit_transform(Xs))

# ---- the chapter's pipeline
for alpha, tag in [(0.1, "01"), (10.0, "10")]:
    model = make_pipeline(PolynomialFeatures(degree=10), Ridge(alpha=alpha, solver="auto"))
    model.fit(x2.reshape(-1, 1), y2)
    arr(f"PipelineRidge{tag}Pred", model.predict(x2.reshape(-1, 1)))
    model = make_pipeline(PolynomialFeatures(degree=10), Ridge(alpha=alpha, solver="svd"))
    model.fit(x2.reshape(-1, 1), y2)
    arr(f"PipelineRidgeSvd{tag}Pred", model.predict(x2.reshape(-1, 1)))
    arr(f"PipelineRidgeSvd{tag}Coef", model[-1].coef_)
    num(f"PipelineRidgeSvd{tag}Intercept", model[-1].intercept_)

# alpha = 0 (the chapter's first panel): the centered bias column makes XᵀX singular, LAPACK's Cholesky fails and
# scikit-learn falls back to its svd solver
model = make_pipeline(PolynomialFeatures(degree=10), Ridge(alpha=0.0, solver="auto"))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    model.fit(x2.reshape(-1, 1), y2)
arr("PipelineRidge00Pred", model.predict(x2.reshape(-1, 1)))

# ---- least squares and ridge
sets = {"Dense": dense(), "Ill": ill(), "Wide": wide(), "Collinear": collinear(), "Sparse": sparse_truth()}
for name, (X, y) in sets.items():
    lr = LinearRegression().fit(X, y)
    arr(f"Lr{name}Coef", lr.coef_)
    num(f"Lr{name}Intercept", lr.intercept_)
    arr(f"Lr{name}Pred", lr.predict(X))
    integer(f"Lr{name}Rank", lr.rank_)
X, y = dense()
lr = LinearRegression(fit_intercept=False).fit(X, y)
arr("LrDenseNoInterceptCoef", lr.coef_)

ridge_cases = [("Dense", "cholesky", 0.5), ("Dense", "svd", 0.5), ("Ill", "svd", 1e-6), ("Ill", "cholesky", 1e-2),
               ("Wide", "svd", 0.3), ("Wide", "cholesky", 0.3), ("Collinear", "svd", 0.0), ("Sparse", "cholesky", 2.0)]
for name, solver, alpha in ridge_cases:
    X, y = sets[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = Ridge(alpha=alpha, solver=solver).fit(X, y)
    tag = f"Ridge{name}{solver.capitalize()}"
    arr(tag + "Coef", r.coef_)
    num(tag + "Intercept", r.intercept_)
    arr(tag + "Pred", r.predict(X))
X, y = dense()
r = Ridge(alpha=0.5, fit_intercept=False).fit(X, y)
arr("RidgeDenseNoInterceptCoef", r.coef_)
r = Ridge(alpha=0.5, solver="sparse_cg", tol=1e-12).fit(X, y)
arr("RidgeDenseCgCoef", r.coef_)
num("RidgeDenseCgIntercept", r.intercept_)
path_alphas = [0.01, 0.1, 1.0, 10.0]
arr("RidgePathAlphas", path_alphas)
Xi, yi = ill()
arr("RidgePathIllCoef", np.array([Ridge(alpha=a, solver="svd").fit(Xi, yi).coef_ for a in path_alphas]))
arr("RidgePathIllIntercept", [Ridge(alpha=a, solver="svd").fit(Xi, yi).intercept_ for a in path_alphas])

# ---- RidgeCV
cv_alphas = np.logspace(-3, 3, 13)
arr("RidgeCvAlphas", cv_alphas)
for name in ["Dense", "Ill", "Sparse"]:
    X, y = sets[name]
    rcv = RidgeCV(alphas=cv_alphas).fit(X, y)
    num(f"RidgeCvLoo{name}Alpha", rcv.alpha_)
    num(f"RidgeCvLoo{name}Score", rcv.best_score_)
    arr(f"RidgeCvLoo{name}Coef", rcv.coef_)
    num(f"RidgeCvLoo{name}Intercept", rcv.intercept_)
X, y = dense()
rcv = RidgeCV(alphas=cv_alphas, cv=5).fit(X, y)
num("RidgeCvKFoldDenseAlpha", rcv.alpha_)
num("RidgeCvKFoldDenseScore", rcv.best_score_)
arr("RidgeCvKFoldDenseCoef", rcv.coef_)
num("RidgeCvKFoldDenseIntercept", rcv.intercept_)
X, y = wide()
rcv = RidgeCV(alphas=cv_alphas).fit(X, y)
num("RidgeCvLooWideAlpha", rcv.alpha_)
num("RidgeCvLooWideScore", rcv.best_score_)
arr("RidgeCvLooWideCoef", rcv.coef_)

# ---- lasso / elastic net
def cd(tag, model, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    arr(tag + "Coef", model.coef_)
    num(tag + "Intercept", model.intercept_)
    integer(tag + "Iter", model.n_iter_)
    num(tag + "Gap", model.dual_gap_)
    integer(tag + "Warned", int(any("did not converge" in str(w.message) for w in caught)))

cd("LassoDense", Lasso(alpha=0.05), *dense())
cd("LassoDenseTight", Lasso(alpha=0.05, tol=1e-12, max_iter=100000), *dense())
cd("LassoSparse", Lasso(alpha=0.1), *sparse_truth())
cd("LassoSparsePositive", Lasso(alpha=0.02, positive=True), *sparse_truth())
cd("LassoIllShort", Lasso(alpha=1e-5, max_iter=50), *ill())
cd("EnetDense", ElasticNet(alpha=0.1, l1_ratio=0.3), *dense())
cd("EnetWide", ElasticNet(alpha=0.01, l1_ratio=0.7, tol=1e-10, max_iter=100000), *wide())
cd("LassoWide", Lasso(alpha=0.02), *wide())
cd("EnetSparseNoIntercept", ElasticNet(alpha=0.05, l1_ratio=0.5, fit_intercept=False), *sparse_truth())
# warm start: second fit starts from the first solution
X, y = sparse_truth()
m = Lasso(alpha=0.3, warm_start=True).fit(X, y)
m.set_params(alpha=0.1)
m.fit(X, y)
arr("LassoWarmCoef", m.coef_)
integer("LassoWarmIter", m.n_iter_)

X, y = sparse_truth()
alphas, coefs, gaps = lasso_path(X, y, n_alphas=20, eps=1e-2)
arr("LassoPathAlphas", alphas)
arr("LassoPathCoefs", coefs.T)
alphas, coefs, gaps = enet_path(X, y, l1_ratio=0.5, n_alphas=15, eps=1e-3)
arr("EnetPathAlphas", alphas)
arr("EnetPathCoefs", coefs.T)

lcv = LassoCV(cv=5, n_alphas=30).fit(X, y)
num("LassoCvAlpha", lcv.alpha_)
arr("LassoCvAlphas", lcv.alphas_)
arr("LassoCvMsePath", lcv.mse_path_)
arr("LassoCvCoef", lcv.coef_)
num("LassoCvIntercept", lcv.intercept_)
ecv = ElasticNetCV(l1_ratio=[0.2, 0.8], cv=4, n_alphas=20).fit(X, y)
num("EnetCvAlpha", ecv.alpha_)
num("EnetCvL1Ratio", ecv.l1_ratio_)
arr("EnetCvMsePath", ecv.mse_path_)
arr("EnetCvCoef", ecv.coef_)
num("EnetCvIntercept", ecv.intercept_)

# ---- model selection
X, y = dense()
arr("CrossValScoreRidgeDense", cross_val_score(Ridge(alpha=1.0), X, y, cv=KFold(5)))
arr("CrossValScoreRidgeDenseMse", cross_val_score(Ridge(alpha=1.0), X, y, cv=KFold(4), scoring="neg_mean_squared_error"))
degrees = [1, 2, 3, 5, 8]
tr, te = validation_curve(make_pipeline(PolynomialFeatures(), LinearRegression()), x1.reshape(-1, 1), y1,
                          param_name="polynomialfeatures__degree", param_range=degrees, cv=KFold(5, shuffle=False))
arr("ValidationCurveTrain", tr)
arr("ValidationCurveTest", te)
X, y = sparse_truth()
sizes, tr, te = learning_curve(Ridge(alpha=1.0), X, y, train_sizes=[0.1, 0.5, 1.0], cv=KFold(5))
arr("LearningCurveSizes", sizes)
arr("LearningCurveTrain", tr)
arr("LearningCurveTest", te)

print("// Generated by tests/reference/linear_reference.py with Debian python3-numpy "
      f"{np.__version__} and python3-sklearn {__import__('sklearn').__version__}. Do not edit by hand.")
print("namespace Overfit.Tests.LinearModels;\n")
print("internal static class LinearReference\n{")
print("\n".join(out))
print("}")
