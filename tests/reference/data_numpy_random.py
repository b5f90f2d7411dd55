"""Reference values for Overfit.Data.RandomState (NumPy's legacy numpy.random.RandomState).

    /usr/bin/python3 tests/reference/data_numpy_random.py      # Debian python3-numpy 1.24

The printed values are pasted into tests/Overfit.Tests/Data/RandomStateTests.cs.
"""
import numpy as np

np.set_printoptions(precision=17, floatmode="unique", linewidth=200)
r = lambda: repr  # noqa


def show(label, values):
    print(label, ", ".join(repr(float(v)) if isinstance(v, (float, np.floating)) else str(int(v)) for v in np.ravel(values)))


rs = np.random.RandomState(42)
show("seed42 raw uint32 x5:", [rs.randint(0, 2**32, dtype=np.uint64) for _ in range(0)] or rs.tomaxint(0) if False else np.random.RandomState(42).get_state()[1][:5])
show("seed42 rand x6:", np.random.RandomState(42).rand(6))
show("seed0 rand x4:", np.random.RandomState(0).rand(4))
show("seed 2**32-1 rand x3:", np.random.RandomState(2**32 - 1).rand(3))
show("seed 123456789 rand x3:", np.random.RandomState(123456789).rand(3))
show("seed42 randn x7:", np.random.RandomState(42).randn(7))
rs = np.random.RandomState(42)
a = rs.rand(3); b = rs.randn(3); c = rs.rand(2)
show("seed42 rand3 randn3 rand2:", np.concatenate([a, b, c]))
show("seed1 uniform(-0.2,0.2,5):", np.random.RandomState(1).uniform(-0.2, 0.2, 5))
show("seed1 normal(0,0.4,5):", np.random.RandomState(1).normal(0, 0.4, 5))
show("seed42 randint(0,10,12):", np.random.RandomState(42).randint(0, 10, 12))
show("seed42 randint(-5,1000,6):", np.random.RandomState(42).randint(-5, 1000, 6))
show("seed7 randint(0,2**31-1,4):", np.random.RandomState(7).randint(0, 2**31 - 1, 4))
show("seed42 permutation(10):", np.random.RandomState(42).permutation(10))
show("seed0 permutation(20):", np.random.RandomState(0).permutation(20))
arr = np.arange(8); np.random.RandomState(3).shuffle(arr)
show("seed3 shuffle(arange 8):", arr)
x = np.random.RandomState(42).rand(50, 2) * 10
show("seed42 rand(50,2)*10 mean:", x.mean(axis=0))
show("seed42 rand(50,2)*10 var:", x.var(axis=0))
show("seed42 rand(50,2)*10 first row:", x[0])
# chapter's dropout data: X = randn(2000, 30).astype(float32), label rule, then
# train_test_split(test_size=0.3, random_state=42) = RandomState(42).permutation(2000)[:600] test.
perm = np.random.RandomState(42).permutation(2000)
show("seed42 permutation(2000) first 8:", perm[:8])
show("seed42 permutation(2000) test part last 3 (600):", perm[597:600])
