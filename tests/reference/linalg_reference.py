"""Reference values for tests/Overfit.Tests/Linalg (numpy/scipy). Run: python3 tests/reference/linalg_reference.py"""
import numpy as np
import scipy.linalg as sla

np.set_printoptions(precision=17)

# A fixed SPD matrix with integer entries (so the C# test builds exactly the same input).
A = np.array([[4.0, 2.0, -2.0, 1.0],
              [2.0, 10.0, 4.0, -3.0],
              [-2.0, 4.0, 9.0, 2.0],
              [1.0, -3.0, 2.0, 7.0]])
B = np.array([[1.0, -2.0],
              [0.5, 3.0],
              [-1.0, 0.0],
              [2.0, 1.0]])


def show(name, x):
    flat = np.asarray(x).ravel()
    print(f"{name} = [" + ", ".join(repr(float(v)) for v in flat) + "]")


L = np.linalg.cholesky(A)
show("CholeskyL", L)
show("LogDet", [np.linalg.slogdet(A)[1]])
show("SolveLower", sla.solve_triangular(L, B, lower=True))
show("SolveLowerTransposed", sla.solve_triangular(L, B, lower=True, trans='T'))
U = L.T.copy()
show("SolveUpper", sla.solve_triangular(U, B, lower=False))
show("SolveUpperTransposed", sla.solve_triangular(U, B, lower=False, trans='T'))
show("CholeskySolve", sla.cho_solve((L, True), B))
w, V = np.linalg.eigh(A)
# Same sign convention as Overfit: each eigenvector's largest-magnitude component is positive.
for j in range(V.shape[1]):
    if V[np.argmax(np.abs(V[:, j])), j] < 0:
        V[:, j] = -V[:, j]
show("EigenValues", w)
show("EigenVectors", V)
