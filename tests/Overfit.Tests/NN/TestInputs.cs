using Overfit.Tensors;

namespace Overfit.Tests.NN;

/// <summary>The formula inputs of tests/fixtures/reference/nn/nn_layers.py.</summary>
internal static class TestInputs
{
    /// <summary>x[k] = 2·sin(0.7k + 0.3) over the flattened index, Float64, requiring grad.</summary>
    public static Tensor Input(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var data = new double[n];
        for (int k = 0; k < n; k++) data[k] = Math.Sin(0.7 * k + 0.3) * 2;
        return Tensor.FromArray(data, shape, requiresGrad: true);
    }

    /// <summary>c[k] = cos(0.37k): the weights of the scalar sum(c·y) whose gradient is checked.</summary>
    public static Tensor Weights(int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var data = new double[n];
        for (int k = 0; k < n; k++) data[k] = Math.Cos(0.37 * k);
        return Tensor.FromArray(data, shape);
    }

    public static void AssertClose(double[] expected, double[] actual, double tol = 1e-9, string what = "")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
