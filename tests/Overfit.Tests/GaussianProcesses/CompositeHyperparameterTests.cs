using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>A composite kernel's renamed hyperparameter list is built once and rebuilt only when an operand's hyperparameter objects change.</summary>
public class CompositeHyperparameterTests
{
    [Fact]
    public void TheRenamedListIsReusedAndSharesValuesWithTheOperands()
    {
        var matern = new Matern([0.8, 1.1], nu: 2.5);
        var kernel = new ConstantKernel(2.0) * matern + new WhiteKernel(0.1);
        var first = kernel.Hyperparameters;
        Assert.Same(first, kernel.Hyperparameters);
        Assert.Equal(["k1__k1__constant_value", "k1__k2__length_scale", "k2__noise_level"], first.Select(h => h.Name));
        var powered = new Exponentiation(kernel, 2.0);
        Assert.Same(powered.Hyperparameters, powered.Hyperparameters);
        Assert.Equal("kernel__k1__k2__length_scale", powered.Hyperparameters[1].Name);

        // Writing theta through the cached view reaches the operands, and reading it back sees the new values.
        double[] theta = [Math.Log(3.0), Math.Log(0.5), Math.Log(0.7), Math.Log(0.2)];
        powered.Theta = theta;
        Assert.Equal(0.5, matern.LengthScale[0], 15);
        Assert.Equal(0.7, matern.LengthScale[1], 15);
        Assert.Equal(theta, kernel.Theta);
        Assert.Same(first, kernel.Hyperparameters);
    }

    [Fact]
    public void AnOperandThatHandsOutNewHyperparametersIsNoticed()
    {
        var swapping = new Swapping(new Hyperparameter("scale", [1.5], 1e-3, 1e3));
        var kernel = swapping + new WhiteKernel(0.1);
        var before = kernel.Hyperparameters;
        Assert.Equal(1.5, before[0].Values[0]);
        swapping.Current = new Hyperparameter("scale", [4.0], 1e-3, 1e3, isFixed: true);
        var after = kernel.Hyperparameters;
        Assert.NotSame(before, after);
        Assert.Equal("k1__scale", after[0].Name);
        Assert.Equal(4.0, after[0].Values[0]);
        Assert.True(after[0].IsFixed);
        Assert.Equal(1, kernel.ThetaCount); // only the noise level is free now
    }

    /// <summary>A user kernel whose hyperparameter object can be replaced (the library's own kernels never do).</summary>
    private sealed class Swapping(Hyperparameter initial) : Kernel
    {
        public Hyperparameter Current { get; set; } = initial;
        public override IReadOnlyList<Hyperparameter> Hyperparameters => [Current];
        public override Kernel Clone() => new Swapping(Current);
        public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k) => k[..(n * m)].Fill(Current.Values[0]);
        public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => k[..(n * n)].Fill(Current.Values[0]);
        public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(Current.Values[0]);
        public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads) => grads.Clear();
        public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad) => throw new NotSupportedException();
        public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => grad.Clear();
    }
}
