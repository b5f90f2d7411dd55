"""Reference data for Overfit's Sobol engine (scipy 1.10, Debian python3-scipy).

1. Prints the Joe & Kuo (new-joe-kuo-6.21201) primitive polynomials and initial direction numbers
   for the first 32 dimensions, as shipped with scipy, in the layout of SobolDirectionNumbers.cs.
2. Prints unscrambled Sobol points (scipy.stats.qmc.Sobol(scramble=False)) pasted into SobolTests.cs.
"""
import os
import numpy as np
import scipy.stats._qmc as qmc_impl
from scipy.stats import qmc

data = np.load(os.path.join(os.path.dirname(qmc_impl.__file__), "_sobol_direction_numbers.npz"))
print("// polynomials")
print(", ".join(str(int(p)) for p in data["poly"][:32]))
print("// initial direction numbers")
for row in data["vinit"][:32]:
    nz = [int(v) for v in row if v != 0]
    print("[" + ", ".join(str(v) for v in nz) + "],")

print("// first 8 points in 3-D")
print(qmc.Sobol(3, scramble=False).random(8).tolist())
print("// points 0..15 in 21-D, last coordinate")
pts = qmc.Sobol(21, scramble=False).random(16)
print(pts[:, 20].tolist())
print("// point 1000 in 21-D")
print(qmc.Sobol(21, scramble=False).random(1001)[1000].tolist())
