using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.Landscape;

/// <summary>
/// The R passes keep their intermediates in buffers of the batch state and can write the product into the caller's
/// buffers: products on one state must not carry anything from one direction to the next, and a product written into
/// buffers must equal one written into new tensors, bit for bit; the double backward is the reference for the values.
/// </summary>
public class PearlmutterBufferTests
{
    private static readonly Func<Tensor, Batch, Tensor> CrossEntropy = (o, b) => Functional.CrossEntropy(o, b.Labels!);

    private static (Sequential Model, Batch[] Batches) Problem(Module activation)
    {
        var gen = new Generator(11);
        var model = new Sequential(new Flatten(), new Linear(4, 6, generator: gen, dtype: DType.Float64), activation,
            new Linear(6, 5, generator: gen, dtype: DType.Float64), activation, new Linear(5, 3, generator: gen, dtype: DType.Float64));
        model.Eval();
        var batches = new List<Batch>();
        foreach (int n in new[] { 9, 6 })
            batches.Add(new Batch(Tensor.Randn([n, 2, 2], gen, DType.Float64).Mul(1.5), Enumerable.Range(0, n).Select(i => i % 3).ToArray()));
        return (model, [.. batches]);
    }

    private static Tensor[] Filled(IReadOnlyList<Tensor> like, double value)
        => like.Select(p => Tensor.Full(p.Shape, value, p.DType)).ToArray();

    [Theory]
    [InlineData("ReLU")]
    [InlineData("Softplus")]
    public void ProductsOnOneStateCarryNothingOverAndBuffersGetTheSameBits(string activation)
    {
        var (model, batches) = Problem(activation == "ReLU" ? new ReLU() : new Softplus());
        var ps = model.Parameters().ToArray();
        var plan = PearlmutterPlan.TryCreate(model, ps)!;
        using var state = plan.Prepare(batches[0], CrossEntropy)!;
        var v1 = ParameterVector.Gaussian(ps, new Generator(1));
        var v2 = ParameterVector.Gaussian(ps, new Generator(2));
        var first = ParameterVector.Flatten(plan.Hvp(state, v1));
        var second = ParameterVector.Flatten(plan.Hvp(state, v2));
        Assert.Equal(first, ParameterVector.Flatten(plan.Hvp(state, v1)));
        using (var fresh = plan.Prepare(batches[0], CrossEntropy)!) Assert.Equal(second, ParameterVector.Flatten(plan.Hvp(fresh, v2)));

        // Into buffers that hold garbage: the same bits, in the caller's tensors.
        var into = Filled(ps, double.NaN);
        var hv = plan.Hvp(state, v2, into);
        for (int k = 0; k < into.Length; k++) Assert.Same(into[k], hv[k]);
        Assert.Equal(second, ParameterVector.Flatten(into));
        AssertClose(PearlmutterHvpTests.Reference(model, CrossEntropy, [batches[0]], ps, v2), second);
    }

    [Fact]
    public void RowsThatGetNoProductAreClearedInTheCallersBuffers()
    {
        // A loss linear in the output has no curvature there: no R δ reaches the biases, whose rows of H·v are zero.
        var (model, batches) = Problem(new Tanh());
        Tensor Linear(Tensor o, Batch b) => o.Sum().Mul(0.25);
        var analysis = new HessianAnalysis(model, Linear, [batches[0]]);
        Assert.True(analysis.UsesROperator);
        var v = ParameterVector.Gaussian(analysis.Parameters, new Generator(3));
        var into = Filled(analysis.Parameters, double.NaN);
        analysis.HvpInto(v, into);
        var expected = PearlmutterHvpTests.Reference(model, Linear, [batches[0]], analysis.Parameters, v);
        AssertClose(expected, ParameterVector.Flatten(into));
        Assert.All(into[^1].ToDoubleArray(), x => Assert.Equal(0.0, x));
        Assert.Contains(ParameterVector.Flatten(into), x => x != 0);
    }

    [Fact]
    public void HvpIntoEqualsHvpOnEveryPath()
    {
        var (model, batches) = Problem(new GELU());
        var one = new HessianAnalysis(model, CrossEntropy, [batches[0]]);
        var two = new HessianAnalysis(model, CrossEntropy, batches);
        var w = one.Parameters[0];
        // Zero times a weight: the same Hessian, but the loss reads the weights, so the double backward runs.
        var slow = new HessianAnalysis(model, (o, b) => CrossEntropy(o, b).Add(w.Sum().Mul(0.0)), [batches[0]]);
        var v = ParameterVector.Gaussian(one.Parameters, new Generator(4));
        foreach (var analysis in new[] { one, two, slow })
        {
            var into = Filled(analysis.Parameters, double.NaN);
            int before = analysis.HvpCount;
            analysis.HvpInto(v, into);
            Assert.Equal(before + 1, analysis.HvpCount);
            Assert.Equal(ParameterVector.Flatten(analysis.Hvp(v)), ParameterVector.Flatten(into));
        }
        Assert.False(slow.UsesROperator);
        AssertClose(PearlmutterHvpTests.Reference(model, CrossEntropy, batches, two.Parameters, v), ParameterVector.Flatten(two.Hvp(v)));
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-10 * scale, $"element {i}: {actual[i]} vs {expected[i]}");
    }
}
