using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.Landscape;

/// <summary>PyHessian's tools on a small MLP whose dense Hessian (from HVPs with unit vectors) is the reference.</summary>
public class HessianAnalysisTests
{
    internal static (SimpleNetwork Model, Batch[] Batches) SmallProblem(int batches = 2)
    {
        var model = new SimpleNetwork(new Tanh(), inputSize: 4, numLabels: 3, hidden: [5], generator: new Generator(3), dtype: DType.Float64);
        var gen = new Generator(4);
        var list = new List<Batch>();
        for (int b = 0; b < batches; b++)
        {
            int n = 6 + 2 * b; // unequal sizes exercise the weighting
            var labels = Enumerable.Range(0, n).Select(_ => gen.NextInt(3)).ToArray();
            list.Add(new Batch(Tensor.Randn([n, 4], gen, DType.Float64), labels));
        }
        return (model, [.. list]);
    }

    internal static HessianAnalysis Analysis(SimpleNetwork model, Batch[] batches)
        => new(model, (output, batch) => Functional.CrossEntropy(output, batch.Labels!), batches);

    /// <summary>The dense Hessian, column by column, and its eigen decomposition from Linalg.SymmetricEigen.</summary>
    internal static (double[,] H, double[] Values) Dense(HessianAnalysis a)
    {
        int n = (int)a.Dimension;
        var h = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            var e = new double[n];
            e[j] = 1;
            var col = ParameterVector.Flatten(a.Hvp(Split(e, a.Parameters)));
            for (int i = 0; i < n; i++) h[i, j] = col[i];
        }
        var values = Overfit.Tensors.Linalg.SymmetricEigen(Tensor.FromArray(h)).Values.ToDoubleArray();
        return (h, values);
    }

    /// <summary>The gradient of the loss averaged over the batches (weighted by their sizes), flattened.</summary>
    internal static double[] AveragedGradient(Module model, Func<Tensor, Batch, Tensor> loss, Batch[] batches, Tensor[] ps)
    {
        int total = batches.Sum(b => b.Count);
        double[]? sum = null;
        foreach (var b in batches)
        {
            var g = ParameterVector.Flatten(Overfit.Autograd.Autograd.Gradient(loss(model.Forward(b.Inputs), b), ps));
            sum ??= new double[g.Length];
            for (int i = 0; i < sum.Length; i++) sum[i] += g[i] * b.Count / total;
        }
        return sum!;
    }

    /// <summary>(g(θ + ε·e) − g(θ − ε·e)) / 2ε for element <paramref name="element"/> of a Float64 parameter: a Hessian column.</summary>
    internal static double[] CentralDifference(Tensor parameter, int element, Func<double[]> gradient, double eps = 1e-6)
    {
        var data = (double[])parameter.Storage;
        double saved = data[parameter.Offset + element];
        data[parameter.Offset + element] = saved + eps;
        var plus = gradient();
        data[parameter.Offset + element] = saved - eps;
        var minus = gradient();
        data[parameter.Offset + element] = saved;
        return plus.Zip(minus, (a, b) => (a - b) / (2 * eps)).ToArray();
    }

    internal static Tensor[] Split(double[] flat, IReadOnlyList<Tensor> like)
    {
        var r = new Tensor[like.Count];
        int o = 0;
        for (int k = 0; k < r.Length; k++)
        {
            r[k] = Tensor.FromArray(flat[o..(o + like[k].Numel)], like[k].Shape).To(like[k].DType);
            o += like[k].Numel;
        }
        return r;
    }

    [Fact]
    public void BatchAveragedHvpEqualsTheHvpOfTheWholeDataSet()
    {
        var (model, batches) = SmallProblem();
        var v = ParameterVector.Gaussian(model.Parameters().ToList(), new Generator(9));
        var split = ParameterVector.Flatten(Analysis(model, batches).Hvp(v));
        var whole = new Batch(Tensor.Concat([batches[0].Inputs, batches[1].Inputs]), [.. batches[0].Labels!, .. batches[1].Labels!]);
        var joined = ParameterVector.Flatten(Analysis(model, [whole]).Hvp(v));
        for (int i = 0; i < split.Length; i++) Assert.Equal(joined[i], split[i], 12);
    }

    [Fact]
    public void HvpColumnsEqualFiniteDifferencesOfFirstOrderGradients()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        var (h, _) = Dense(analysis);
        var ps = model.Parameters().ToArray();
        Tensor Loss(Tensor o, Batch b) => Functional.CrossEntropy(o, b.Labels!);
        // A few columns: perturb one parameter element, difference the batch-averaged gradients.
        foreach (var (k, e, column) in new[] { (0, 3, 3), (1, 2, 20 + 2), (2, 7, 25 + 7) })
        {
            var fd = CentralDifference(ps[k], e, () => AveragedGradient(model, Loss, batches, ps));
            for (int i = 0; i < fd.Length; i++) Assert.Equal(fd[i], h[i, column], 6);
        }
    }

    [Fact]
    public void DenseHessianIsSymmetric()
    {
        var (model, batches) = SmallProblem();
        var (h, _) = Dense(Analysis(model, batches));
        for (int i = 0; i < h.GetLength(0); i++)
            for (int j = 0; j < i; j++) Assert.Equal(h[i, j], h[j, i], 12);
    }

    [Fact]
    public void PowerIterationAndLanczosFindTheDenseTopEigenvalues()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        var (_, values) = Dense(analysis);
        int n = values.Length;
        var power = analysis.TopEigen(k: 2, maxIter: 1000, tol: 1e-10, seed: 1);
        Assert.Equal(values[n - 1], power.Eigenvalues[0], 6);
        Assert.Equal(values[n - 2], power.Eigenvalues[1], 5);
        var lanczos = analysis.TopEigenLanczos(k: 2, iter: n, seed: 1);
        Assert.Equal(values[n - 1], lanczos.Eigenvalues[0], 8);
        Assert.Equal(values[n - 2], lanczos.Eigenvalues[1], 8);
        // The eigenvector satisfies H v = λ v.
        var hv = ParameterVector.Flatten(analysis.Hvp(lanczos.Eigenvectors[0]));
        var v = ParameterVector.Flatten(lanczos.Eigenvectors[0]);
        for (int i = 0; i < v.Length; i++) Assert.Equal(lanczos.Eigenvalues[0] * v[i], hv[i], 7);
    }

    [Fact]
    public void PowerIterationWithPyHessianDefaultsIsSeededAndClose()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        var (_, values) = Dense(analysis);
        var a = analysis.TopEigen(k: 1, seed: 5);
        var b = analysis.TopEigen(k: 1, seed: 5);
        Assert.Equal(a.Eigenvalues[0], b.Eigenvalues[0]);
        Assert.InRange(a.Iterations[0], 2, 100);
        Assert.Equal(values[^1], a.Eigenvalues[0], 0.02 * Math.Abs(values[^1]));
    }

    [Fact]
    public void HutchinsonSamplesAreRademacherQuadraticFormsAndTheMeanApproachesTheTrace()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        var (h, _) = Dense(analysis);
        int n = h.GetLength(0);
        double exact = Enumerable.Range(0, n).Sum(i => h[i, i]);
        var t = analysis.Trace(maxIter: 400, tol: 0, seed: 2);
        Assert.Equal(400, t.Samples.Length);
        // Var(vᵀHv) = 2 Σ_{i≠j} H_ij²: the mean of 400 samples lies within 4 standard errors.
        double offDiagonal = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) offDiagonal += h[i, j] * h[i, j];
        Assert.Equal(exact, t.Trace, 4 * Math.Sqrt(2 * offDiagonal / 400));
        Assert.Equal(t.Samples.Average(), t.Trace, 12);
    }

    [Fact]
    public void DensityWeightsAreNonNegativeSumToOneAndCoverTheSpectrum()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        var (_, values) = Dense(analysis);
        var density = analysis.Density(iter: values.Length, nv: 2, seed: 3);
        foreach (var w in density.Weights)
        {
            Assert.All(w, x => Assert.True(x >= 0));
            Assert.Equal(1.0, w.Sum(), 10);
        }
        // A full-length run's Ritz values are the eigenvalues themselves.
        var nodes = density.Nodes[0].OrderBy(x => x).ToArray();
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], nodes[i], 6);
        double lo = values[0] - 0.1, hi = values[^1] + 0.1;
        var grid = Enumerable.Range(0, 20001).Select(i => lo + (hi - lo) * i / 20000).ToArray();
        var d = density.Evaluate(grid, sigmaSquared: 1e-3);
        Assert.Equal(1.0, d.Sum() * (grid[1] - grid[0]), 10);
        Assert.All(d, x => Assert.True(x >= 0));
        // The quadrature's mean Σ w λ estimates tr(H)/n for a unit start vector (exact in expectation).
        Assert.All(density.Weights, w => Assert.True(w.Max() < 1));
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        var (model, batches) = SmallProblem();
        var analysis = Analysis(model, batches);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => analysis.TopEigen(k: 0)).ParamName);
        Assert.Equal("batches", Assert.Throws<ArgumentException>(() => Analysis(model, [])).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => analysis.Hvp([Tensor.Zeros([1])])).ParamName);
    }
}
