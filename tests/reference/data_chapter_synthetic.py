"""Reference values for Overfit.Data.Synthetic.ChapterData, TrainTestSplit and StandardScaler.

    /usr/bin/python3 tests/reference/data_chapter_synthetic.py   # Debian python3-numpy 1.24, python3-sklearn 1.2.1

Generates the chapter's data with the chapter's own code and prints values pasted into
tests/Overfit.Tests/Data/ChapterDataTests.cs and PreprocessingTests.cs.
"""
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def show(label, values):
    print(label, ", ".join(repr(float(v)) if np.issubdtype(np.asarray(v).dtype, np.floating) else str(int(v)) for v in np.ravel(values)))


# Noisy sine (chapter's first experiment), seeded here with 0 for the test.
np.random.seed(0)
x = np.array([np.pi / 180 * i for i in range(40, 320, 4)])
y = np.sin(x) + np.random.uniform(-0.2, 0.2, len(x))
show("noisy sine seed0 n:", [len(x)])
show("noisy sine seed0 y[0,1,69]:", y[[0, 1, 69]])
# Gaussian variant, seed 0.
np.random.seed(0)
x = np.array([np.pi / 180 * i for i in range(40, 280, 8)])
y = np.sin(x) + np.random.normal(0, 0.4, len(x))
show("gaussian sine seed0 n:", [len(x)])
show("gaussian sine seed0 y[0,1,29]:", y[[0, 1, 29]])

# Dropout data (dldna chapter_06 plot_dropout.generate_data + prepare_data_loaders scaling).
np.random.seed(42)
X = np.random.randn(2000, 30).astype(np.float32)
yd = (np.sin(X[:, 0] * 2) + X[:, 1] * X[:, 2] + np.random.randn(2000) * 0.2 > 0).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, yd, test_size=0.3, random_state=42)
scaler = StandardScaler()
X_train_s = scaler.fit_transform(X_train)
X_test_s = scaler.transform(X_test)
show("dropout y sum:", [yd.sum()])
show("dropout y_train sum, y_test sum:", [y_train.sum(), y_test.sum()])
show("dropout X[0,:3] raw:", X[0, :3])
show("dropout scaler mean[:3]:", scaler.mean_[:3])
show("dropout scaler var[:3]:", scaler.var_[:3])
show("dropout X_train_s[0,:3]:", X_train_s[0, :3])
show("dropout X_test_s[599,27:]:", X_test_s[599, 27:])
show("dropout y_train[:10]:", y_train[:10])

# Stratified split: 3 unbalanced classes.
labels = np.array([0] * 7 + [1] * 11 + [2] * 5)
idx = np.arange(len(labels))
tr, te = train_test_split(idx, test_size=0.3, random_state=3, stratify=labels)
show("stratified train:", tr)
show("stratified test:", te)
tr, te = train_test_split(idx, test_size=0.25, random_state=0, shuffle=False)
show("no-shuffle train last, test:", [tr[-1]] + list(te))

# DKL data.
np.random.seed(42)
xk = np.linspace(-10, 10, 100)
yk = np.sin(xk) + 0.1 * np.random.randn(100)
show("dkl y[0,50,99]:", yk[[0, 50, 99]])

# StandardScaler on a small float64 matrix with a constant column.
M = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, -1.0], [4.0, 5.0, 7.5], [-2.0, 5.0, 0.25]])
s = StandardScaler().fit(M)
show("scaler mean:", s.mean_)
show("scaler var:", s.var_)
show("scaler scale:", s.scale_)
show("scaler transform row 2:", s.transform(M)[2])
