using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.Landscape;

/// <summary>
/// Eval-mode BatchNorm1d (a fixed per-feature affine map given the running statistics) and LayerNorm on the R-operator's
/// path, against the double backward through the whole graph (Float64, 1e-10): with and without affine parameters, with
/// γ and β in or out of the parameter set, and the BatchNorm fallbacks (training mode, inputs that are not [N, C] rows).
/// </summary>
public class PearlmutterNormalizationTests
{
    private static readonly Func<Tensor, Batch, Tensor> CrossEntropy = (o, b) => Functional.CrossEntropy(o, b.Labels!);
    private static readonly Func<Tensor, Batch, Tensor> Mse = (o, b) => Functional.MseLoss(o, b.Targets!);

    /// <summary>Linear, BatchNorm1d (affine), Tanh, Linear, BatchNorm1d (no affine), ReLU, Linear; running statistics from a few training batches.</summary>
    private static (Sequential Model, Batch[] Batches) Problem()
    {
        var gen = new Generator(21);
        var model = new Sequential(new Flatten(), new Linear(4, 6, generator: gen, dtype: DType.Float64), new BatchNorm1d(6, dtype: DType.Float64),
            new Tanh(), new Linear(6, 5, generator: gen, dtype: DType.Float64), new BatchNorm1d(5, affine: false, dtype: DType.Float64),
            new ReLU(), new Linear(5, 3, generator: gen, dtype: DType.Float64));
        var batches = new List<Batch>();
        foreach (int n in new[] { 8, 13 })
            batches.Add(new Batch(Tensor.Randn([n, 2, 2], gen, DType.Float64).Mul(1.5), Enumerable.Range(0, n).Select(_ => gen.NextInt(3)).ToArray(),
                Tensor.Randn([n, 3], gen, DType.Float64)));
        model.Train();
        using (Overfit.Autograd.Autograd.NoGrad())
            for (int i = 0; i < 3; i++) model.Forward(Tensor.Randn([16, 2, 2], gen, DType.Float64).Add(0.3));
        // γ and β away from their initial 1 and 0, so that every term of the R rules counts.
        foreach (var bn in model.NamedModules().Select(m => m.Module).OfType<BatchNorm1d>().Where(b => b.Affine))
        {
            bn.Weight!.CopyFrom(Tensor.Randn([bn.NumFeatures], gen, DType.Float64).Mul(0.5).Add(1));
            bn.Bias!.CopyFrom(Tensor.Randn([bn.NumFeatures], gen, DType.Float64).Mul(0.5));
        }
        model.Eval();
        return (model, [.. batches]);
    }

    [Theory]
    [InlineData("ce")]
    [InlineData("mse")]
    public void EvalModeBatchNormTakesTheROperatorAndEqualsTheDoubleBackward(string loss)
    {
        var (model, batches) = Problem();
        var lossFn = loss == "ce" ? CrossEntropy : Mse;
        var analysis = AssertROperatorMatches(model, lossFn, batches);
        var top = analysis.TopEigen(k: 1, maxIter: 50, seed: 3);
        var slowLoss = (Func<Tensor, Batch, Tensor>)((o, b) => lossFn(o, b).Add(analysis.Parameters[0].Sum().Mul(0.0)));
        var slow = new HessianAnalysis(model, slowLoss, batches).TopEigen(k: 1, maxIter: 50, seed: 3);
        Assert.Equal(slow.Iterations, top.Iterations);
        Assert.Equal(slow.Eigenvalues[0], top.Eigenvalues[0], 9);
    }

    [Fact]
    public void BatchNormParametersInOrOutOfTheSetAndTheBatchNormAsTheFirstParameterizedStep()
    {
        var (model, batches) = Problem();
        var bn = model.NamedModules().Select(m => m.Module).OfType<BatchNorm1d>().First();
        var linears = model.NamedModules().Select(m => m.Module).OfType<Linear>().ToArray();
        foreach (var ps in new Tensor[][]
        {
            [linears[0].Weight, bn.Weight!, linears[2].Weight, linears[2].Bias!], // γ without β
            [bn.Bias!, linears[1].Weight],                                      // the BatchNorm is the first parameterized step
            [bn.Weight!],
        })
        {
            AssertROperatorMatches(model, CrossEntropy, batches, ps);
        }
    }

    [Fact]
    public void TrainingModeAndInputsThatAreNotRowsFallBackToTheDoubleBackward()
    {
        var (model, batches) = Problem();
        var analysis = new HessianAnalysis(model, CrossEntropy, batches);
        model.Train();
        Assert.False(analysis.UsesROperator);
        var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(5));
        AssertClose(PearlmutterHvpTests.Reference(model, CrossEntropy, batches, analysis.Parameters, v), ParameterVector.Flatten(analysis.Hvp(v)));
        model.Eval();

        // [N, C, L] inputs: BatchNorm1d normalizes dimension 1, which the R rules for rows do not cover.
        var gen = new Generator(6);
        var seq = new Sequential(new Linear(3, 4, generator: gen, dtype: DType.Float64), new BatchNorm1d(2, dtype: DType.Float64), new Tanh(),
            new Flatten(), new Linear(8, 3, generator: gen, dtype: DType.Float64));
        seq.Eval();
        Batch[] rank3 = [new(Tensor.Randn([5, 2, 3], gen, DType.Float64), [0, 1, 2, 1, 0])];
        var fallback = new HessianAnalysis(seq, CrossEntropy, rank3);
        var u = ParameterVector.Gaussian(fallback.Parameters, new Generator(7));
        AssertClose(PearlmutterHvpTests.Reference(seq, CrossEntropy, rank3, fallback.Parameters, u), ParameterVector.Flatten(fallback.Hvp(u)));
        Assert.False(fallback.UsesROperator);
    }

    /// <summary>The analysis takes the R-operator, and its products for two directions equal the double backward's.</summary>
    private static HessianAnalysis AssertROperatorMatches(Module model, Func<Tensor, Batch, Tensor> loss, Batch[] batches, Tensor[]? parameters = null)
    {
        var analysis = new HessianAnalysis(model, loss, batches, parameters);
        Assert.True(analysis.UsesROperator);
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(seed));
            AssertClose(PearlmutterHvpTests.Reference(model, loss, batches, analysis.Parameters, v), ParameterVector.Flatten(analysis.Hvp(v)));
        }
        Assert.True(analysis.UsesROperator);
        return analysis;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-10 * scale, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    /// <summary>Linear, LayerNorm (affine, γ and β moved off 1 and 0), Tanh, Linear, LayerNorm (no affine), GELU, Linear.</summary>
    private static (Sequential Model, Batch[] Batches, LayerNorm Affine) LayerNormProblem()
    {
        var gen = new Generator(31);
        var ln = new LayerNorm(6, dtype: DType.Float64);
        var model = new Sequential(new Flatten(), new Linear(4, 6, generator: gen, dtype: DType.Float64), ln, new Tanh(),
            new Linear(6, 5, generator: gen, dtype: DType.Float64), new LayerNorm(5, elementwiseAffine: false, dtype: DType.Float64), new GELU(),
            new Linear(5, 3, generator: gen, dtype: DType.Float64));
        foreach (var (name, p) in ln.NamedParameters())
            p.CopyFrom(Tensor.Randn([6], gen, DType.Float64).Mul(0.5).Add(name == "weight" ? 1 : 0));
        model.Eval();
        var batches = new List<Batch>();
        foreach (int n in new[] { 7, 10 })
            batches.Add(new Batch(Tensor.Randn([n, 2, 2], gen, DType.Float64).Mul(1.5), Enumerable.Range(0, n).Select(_ => gen.NextInt(3)).ToArray(),
                Tensor.Randn([n, 3], gen, DType.Float64)));
        return (model, [.. batches], ln);
    }

    [Theory]
    [InlineData("ce")]
    [InlineData("mse")]
    public void LayerNormTakesTheROperatorAndEqualsTheDoubleBackward(string loss)
    {
        var (model, batches, _) = LayerNormProblem();
        AssertROperatorMatches(model, loss == "ce" ? CrossEntropy : Mse, batches);
    }

    [Fact]
    public void LayerNormParametersInOrOutOfTheSetAndTheLayerNormAsTheFirstParameterizedStep()
    {
        var (model, batches, ln) = LayerNormProblem();
        var (gamma, beta) = (ln.NamedParameters().First(p => p.Name == "weight").Parameter, ln.NamedParameters().First(p => p.Name == "bias").Parameter);
        var linears = model.NamedModules().Select(m => m.Module).OfType<Linear>().ToArray();
        foreach (var ps in new Tensor[][]
        {
            [linears[0].Weight, gamma, linears[2].Bias!], // γ without β
            [beta, linears[1].Weight],                    // the LayerNorm is the first parameterized step
            [gamma],
            [linears[1].Weight, linears[2].Weight],       // no LayerNorm parameter: R x alone goes through it
        })
        {
            AssertROperatorMatches(model, CrossEntropy, batches, ps);
        }
    }
}
