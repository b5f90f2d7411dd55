"""Reference data for the batch-normalization experiment tests (tests/Overfit.Cli.Tests/Infrastructure/BatchNormExperimentTests.cs).

Reproduces the chapter's batch: numpy.random.seed(42); x = numpy.random.rand(50, 2) * 10, printed with
full precision so the C# test can feed exactly these points to BatchNormExperiment and compare its
statistics with the ones the chapter prints (mean [4.40716778 4.99644709], variance [8.89458134 8.45478364]).
Run with the Debian package python3-numpy: /usr/bin/python3 tests/reference/cli_batchnorm_data.py
"""
import numpy as np

np.random.seed(42)
x = np.random.rand(50, 2) * 10
print("// numpy", np.__version__)
print("private static readonly double[] ChapterBatch =")
print("[")
for row in x:
    print("    " + ", ".join(repr(float(v)) for v in row) + ",")
print("];")
print("// mean", repr(x.mean(axis=0).tolist()), "variance", repr(x.var(axis=0).tolist()))
