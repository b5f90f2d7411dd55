using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Tests.Landscape;

/// <summary>
/// Hessian-vector products by Pearlmutter's R-operator against the double backward through the whole graph
/// (AG.HessianVectorProduct, itself checked against finite differences and dense Hessians), Float64, two batches of
/// unequal size averaged.
/// </summary>
public class PearlmutterHvpTests
{
    private static readonly Func<Tensor, Batch, Tensor> CrossEntropy = (o, b) => Functional.CrossEntropy(o, b.Labels!);
    private static readonly Func<Tensor, Batch, Tensor> SmoothedCrossEntropy = (o, b) => Functional.CrossEntropy(o, b.Labels!, labelSmoothing: 0.1);
    private static readonly Func<Tensor, Batch, Tensor> Mse = (o, b) => Functional.MseLoss(o, b.Targets!);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var act in new[] { "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "Softplus", "ELU", "SiLU" })
            foreach (var loss in new[] { "ce", "ce-smoothed", "mse" }) data.Add(act, loss);
        return data;
    }

    private static Module Activation(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(0.1),
        "Tanh" => new Tanh(),
        "Sigmoid" => new Sigmoid(),
        "GELU" => new GELU(),
        "Softplus" => new Softplus(),
        "ELU" => new ELU(0.7),
        _ => new SiLU(),
    };

    private static Func<Tensor, Batch, Tensor> Loss(string name) => name switch
    {
        "ce" => CrossEntropy,
        "ce-smoothed" => SmoothedCrossEntropy,
        _ => Mse,
    };

    /// <summary>Flatten, three Linear layers with the activation between, an eval-mode Dropout in the middle; images [n, 2, 2].</summary>
    private static Sequential Network(string activation, ulong seed = 3)
    {
        var gen = new Generator(seed);
        var model = new Sequential(new Flatten(), new Linear(4, 6, generator: gen, dtype: DType.Float64), Activation(activation),
            new Dropout(0.4, gen), new Linear(6, 5, generator: gen, dtype: DType.Float64), Activation(activation),
            new Sequential(new Linear(5, 3, generator: gen, dtype: DType.Float64)));
        model.Eval();
        return model;
    }

    private static Batch[] Batches(ulong seed = 4)
    {
        var gen = new Generator(seed);
        var list = new List<Batch>();
        foreach (int n in new[] { 7, 11 })
        {
            var labels = Enumerable.Range(0, n).Select(_ => gen.NextInt(3)).ToArray();
            // Scaled so that ReLU/ELU units sit on both sides of their kinks.
            list.Add(new Batch(Tensor.Randn([n, 2, 2], gen, DType.Float64).Mul(1.5), labels, Tensor.Randn([n, 3], gen, DType.Float64)));
        }
        return [.. list];
    }

    /// <summary>Σ over batches of share·H_b·v by double backward through the whole graph.</summary>
    internal static double[] Reference(Module model, Func<Tensor, Batch, Tensor> loss, Batch[] batches, IReadOnlyList<Tensor> ps, Tensor[] v)
    {
        int total = batches.Sum(b => b.Count);
        double[]? sum = null;
        foreach (var b in batches)
        {
            var hv = ParameterVector.Flatten(AG.HessianVectorProduct(loss(model.Forward(b.Inputs), b), [.. ps], v));
            sum ??= new double[hv.Length];
            for (int i = 0; i < hv.Length; i++) sum[i] += hv[i] * b.Count / total;
        }
        return sum!;
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * scale, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ROperatorEqualsTheDoubleBackward(string activation, string loss)
    {
        var model = Network(activation);
        var batches = Batches();
        var analysis = new HessianAnalysis(model, Loss(loss), batches);
        Assert.True(analysis.UsesROperator);
        foreach (ulong seed in new ulong[] { 9, 10 })
        {
            var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(seed));
            var expected = Reference(model, Loss(loss), batches, analysis.Parameters, v);
            AssertClose(expected, ParameterVector.Flatten(analysis.Hvp(v)), 1e-10);
        }
        Assert.True(analysis.UsesROperator);
    }

    [Fact]
    public void ROperatorColumnsEqualFiniteDifferencesOfGradients()
    {
        var model = Network("GELU");
        var batches = Batches();
        var analysis = new HessianAnalysis(model, SmoothedCrossEntropy, batches);
        Assert.True(analysis.UsesROperator);
        var ps = analysis.Parameters.ToArray();
        int offset = 0;
        for (int k = 0; k < ps.Length; k++)
        {
            int e = ps[k].Numel / 2;
            var unit = new double[(int)analysis.Dimension];
            unit[offset + e] = 1;
            var column = ParameterVector.Flatten(analysis.Hvp(HessianAnalysisTests.Split(unit, ps)));
            var fd = HessianAnalysisTests.CentralDifference(ps[k], e, () => HessianAnalysisTests.AveragedGradient(model, SmoothedCrossEntropy, batches, ps));
            for (int i = 0; i < fd.Length; i++) Assert.Equal(fd[i], column[i], 7);
            offset += ps[k].Numel;
        }
    }

    [Fact]
    public void ASubsetOfTheParametersTakesTheROperator()
    {
        var model = Network("Tanh");
        var batches = Batches();
        var linears = model.NamedModules().Select(m => m.Module).OfType<Linear>().ToArray();
        Tensor[] ps = [linears[2].Weight, linears[0].Bias!, linears[1].Weight];
        var analysis = new HessianAnalysis(model, CrossEntropy, batches, ps);
        Assert.True(analysis.UsesROperator);
        var v = ParameterVector.Gaussian(ps, new Generator(5));
        AssertClose(Reference(model, CrossEntropy, batches, ps, v), ParameterVector.Flatten(analysis.Hvp(v)), 1e-10);
    }

    [Fact]
    public void LinearLayersOnRowsOfHigherRankInputsAndLayersWithoutBias()
    {
        // [n, 3, 4] → Linear over the last dimension → Tanh → Flatten mid-chain → Linear(15, 3) without bias.
        var gen = new Generator(11);
        var model = new Sequential(new Linear(4, 5, generator: gen, dtype: DType.Float64), new Tanh(), new Flatten(), new Identity(),
            new Linear(15, 3, bias: false, generator: gen, dtype: DType.Float64));
        Batch[] batches = [new(Tensor.Randn([6, 3, 4], gen, DType.Float64), [0, 1, 2, 2, 1, 0]), new(Tensor.Randn([3, 3, 4], gen, DType.Float64), [1, 1, 0])];
        var analysis = new HessianAnalysis(model, CrossEntropy, batches);
        Assert.True(analysis.UsesROperator);
        var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(12));
        AssertClose(Reference(model, CrossEntropy, batches, analysis.Parameters, v), ParameterVector.Flatten(analysis.Hvp(v)), 1e-10);
    }

    [Fact]
    public void Float32ProductsAgreeWithTheDoubleBackward()
    {
        var model = new SimpleNetwork(new ReLU(), inputSize: 16, numLabels: 4, hidden: [12, 8], generator: new Generator(1));
        model.Eval();
        var gen = new Generator(2);
        Batch[] batches = [new(Tensor.Randn([32, 16], gen), Enumerable.Range(0, 32).Select(i => i % 4).ToArray())];
        var analysis = new HessianAnalysis(model, CrossEntropy, batches);
        Assert.True(analysis.UsesROperator);
        var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(3));
        AssertClose(Reference(model, CrossEntropy, batches, analysis.Parameters, v), ParameterVector.Flatten(analysis.Hvp(v)), 1e-5);
    }

    [Fact]
    public void UnsupportedModulesModesAndLossesFallBackToTheDoubleBackward()
    {
        var batches = Batches();
        var gen = new Generator(6);
        var normed = new Sequential(new Flatten(), new Linear(4, 6, generator: gen, dtype: DType.Float64), new GroupNorm(2, 6, dtype: DType.Float64),
            new Tanh(), new Linear(6, 3, generator: gen, dtype: DType.Float64));
        var withNorm = new HessianAnalysis(normed, CrossEntropy, batches);
        Assert.False(withNorm.UsesROperator);
        var v = ParameterVector.Gaussian(withNorm.Parameters, new Generator(7));
        AssertClose(Reference(normed, CrossEntropy, batches, withNorm.Parameters, v), ParameterVector.Flatten(withNorm.Hvp(v)), 1e-12);

        // Dropout that is training draws masks: no fixed Hessian for the R passes.
        var model = Network("Tanh");
        var analysis = new HessianAnalysis(model, CrossEntropy, batches);
        Assert.True(analysis.UsesROperator);
        model.Train();
        Assert.False(analysis.UsesROperator);
        model.Eval();

        // A loss that reads the weights itself (an L2 penalty) is not a loss of the output alone.
        var weights = analysis.Parameters.ToArray();
        Tensor Penalized(Tensor o, Batch b) => Functional.CrossEntropy(o, b.Labels!).Add(weights[0].Mul(weights[0]).Sum().Mul(0.3));
        var penalized = new HessianAnalysis(model, Penalized, batches);
        var u = ParameterVector.Gaussian(penalized.Parameters, new Generator(8));
        AssertClose(Reference(model, Penalized, batches, penalized.Parameters, u), ParameterVector.Flatten(penalized.Hvp(u)), 1e-12);
        Assert.False(penalized.UsesROperator);
    }

    [Fact]
    public void IterativeMethodsGiveTheDoubleBackwardsResults()
    {
        var model = Network("Softplus");
        var batches = Batches();
        var fast = new HessianAnalysis(model, CrossEntropy, batches);
        // The same loss plus zero times a weight: equal values and Hessian, but the double backward runs it.
        var w = fast.Parameters[0];
        var slow = new HessianAnalysis(model, (o, b) => CrossEntropy(o, b).Add(w.Sum().Mul(0.0)), batches);
        Assert.True(fast.UsesROperator);
        var a = fast.TopEigen(k: 2, maxIter: 100, tol: 1e-3, seed: 1);
        var b = slow.TopEigen(k: 2, maxIter: 100, tol: 1e-3, seed: 1);
        Assert.False(slow.UsesROperator);
        Assert.Equal(b.Iterations, a.Iterations);
        for (int e = 0; e < 2; e++) Assert.Equal(b.Eigenvalues[e], a.Eigenvalues[e], 10);
        AssertClose(ParameterVector.Flatten(b.Eigenvectors[0]), ParameterVector.Flatten(a.Eigenvectors[0]), 1e-8);
        var la = fast.TopEigenLanczos(k: 2, iter: 20, seed: 2);
        var lb = slow.TopEigenLanczos(k: 2, iter: 20, seed: 2);
        for (int e = 0; e < 2; e++) Assert.Equal(lb.Eigenvalues[e], la.Eigenvalues[e], 10);
        Assert.Equal(slow.Trace(maxIter: 30, tol: 0, seed: 3).Trace, fast.Trace(maxIter: 30, tol: 0, seed: 3).Trace, 10);
        var da = fast.Density(iter: 15, nv: 2, seed: 4);
        var db = slow.Density(iter: 15, nv: 2, seed: 4);
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < da.Nodes[s].Length; i++) Assert.Equal(db.Nodes[s][i], da.Nodes[s][i], 9);
        // Held state is dropped after each method: moving the weights changes the next product.
        var v = ParameterVector.Gaussian(fast.Parameters, new Generator(5));
        var before = ParameterVector.Flatten(fast.Hvp(v));
        ((double[])fast.Parameters[0].Storage)[0] += 0.5;
        AssertClose(Reference(model, CrossEntropy, batches, fast.Parameters, v), ParameterVector.Flatten(fast.Hvp(v)), 1e-10);
        Assert.NotEqual(before, ParameterVector.Flatten(fast.Hvp(v)));
    }
}
