using Overfit.Autograd;
using Overfit.NN;
using Overfit.Tensors;
using static Overfit.Tests.NN.TestInputs;

namespace Overfit.Tests.NN;

public class NormalizationTests
{
    private static void SetAffine(Module m)
    {
        foreach (var (name, p) in m.NamedParameters())
        {
            var v = new double[p.Numel];
            for (int i = 0; i < v.Length; i++) v[i] = name == "weight" ? 1 + 0.1 * i : 0.05 * i;
            p.CopyFrom(Tensor.FromArray(v, p.Shape));
        }
    }

    /// <summary>Runs the module like nn_norm.py's show() and compares output, input grad and (accumulated) parameter grads.</summary>
    private static void Show(string name, Module m, int[] shape, Func<Tensor, Tensor>? transform = null)
    {
        var x = Input(shape);
        var y = m.Forward(transform is null ? x : transform(x));
        y.Mul(Weights(y.Shape)).Sum().Backward();
        var (output, grad) = NormReference.Values[name];
        AssertClose(output, y.ToDoubleArray(), 1e-8, name);
        AssertClose(grad, x.Grad!.ToDoubleArray(), 1e-8, name + " input grad");
        if (NormReference.Values.TryGetValue(name + ".params", out var pg))
        {
            var ps = m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            AssertClose(pg.A, ps["weight"].Grad!.ToDoubleArray(), 1e-8, name + " weight grad");
            AssertClose(pg.B, ps["bias"].Grad!.ToDoubleArray(), 1e-8, name + " bias grad");
        }
    }

    private static void Running(string name, BatchNormBase bn)
    {
        var (mean, var) = NormReference.Values[name + ".running"];
        AssertClose(mean, bn.RunningMean!.ToDoubleArray(), 1e-9, name + " running_mean");
        AssertClose(var, bn.RunningVar!.ToDoubleArray(), 1e-9, name + " running_var");
    }

    [Fact]
    public void BatchNorm1d_2D_TrainTwiceThenEval_MatchesTorch()
    {
        var bn = new BatchNorm1d(3, dtype: DType.Float64);
        SetAffine(bn);
        Show("bn1d_2d", bn, [4, 3]);
        Show("bn1d_2d_second", bn, [4, 3], x => x.Mul(0.5).Add(1));
        Running("bn1d_2d", bn);
        Assert.Equal(2, bn.NumBatchesTracked);
        bn.Eval();
        Show("bn1d_2d_eval", bn, [4, 3]);
        Running("bn1d_2d", bn);
    }

    [Fact]
    public void BatchNorm1d_3D_MatchesTorch()
    {
        var bn = new BatchNorm1d(3, dtype: DType.Float64);
        SetAffine(bn);
        Show("bn1d_3d", bn, [4, 3, 5]);
        Running("bn1d_3d", bn);
    }

    [Fact]
    public void BatchNorm2d_Momentum_TrainThenEval_MatchesTorch()
    {
        var bn = new BatchNorm2d(3, momentum: 0.3, dtype: DType.Float64);
        SetAffine(bn);
        Show("bn2d", bn, [2, 3, 2, 3]);
        Running("bn2d", bn);
        bn.Eval();
        Show("bn2d_eval", bn, [2, 3, 2, 3]);
    }

    [Fact]
    public void BatchNorm_NullMomentum_IsCumulativeAverage()
    {
        var bn = new BatchNorm1d(3, momentum: null, affine: false, dtype: DType.Float64);
        var x = Input(5, 3).Detach();
        bn.Forward(x); bn.Forward(x.Mul(2).Sub(1)); bn.Forward(x.Mul(x));
        Running("bn_cumulative", bn);
        Assert.Equal(3, bn.NumBatchesTracked);
        Assert.Empty(bn.Parameters());
    }

    [Fact]
    public void BatchNorm_WithoutRunningStats_UsesBatchStatisticsInEval()
    {
        var bn = new BatchNorm1d(3, trackRunningStats: false, dtype: DType.Float64);
        bn.Eval();
        Show("bn_untracked_eval", bn, [4, 3]);
        Assert.Null(bn.RunningMean);
        Assert.DoesNotContain("running_mean", bn.StateDict().Keys);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FusedBatchNormBackward_AgreesWithAutogradComposition(bool spatial)
    {
        int[] shape = spatial ? [3, 2, 4] : [6, 2];
        var x = Tensor.Randn(shape, new Generator(11), DType.Float64, requiresGrad: true);
        var gamma = Tensor.FromArray(new[] { 1.3, -0.7 }, [2], requiresGrad: true);
        var beta = Tensor.FromArray(new[] { 0.2, 0.5 }, [2], requiresGrad: true);
        var c = Tensor.Randn(shape, new Generator(12), DType.Float64);
        var fused = NNFunctional.BatchNorm(x, null, null, gamma, beta, useBatchStatistics: true).Mul(c).Sum();
        var gf = global::Overfit.Autograd.Autograd.Gradient(fused, [x, gamma, beta]);
        int[] dims = spatial ? [0, 2] : [0];
        int[] pshape = spatial ? [1, 2, 1] : [1, 2];
        var mean = x.Mean(dims, keepDim: true);
        var composed = x.Sub(mean).Div(x.Var(dims, unbiased: false, keepDim: true).Add(1e-5).Sqrt()).Mul(gamma.Reshape(pshape)).Add(beta.Reshape(pshape)).Mul(c).Sum();
        var gc = global::Overfit.Autograd.Autograd.Gradient(composed, [x, gamma, beta]);
        Assert.Equal(composed.Item(), fused.Item(), 10);
        for (int i = 0; i < 3; i++) AssertClose(gc[i].ToDoubleArray(), gf[i].ToDoubleArray(), 1e-9, $"gradient {i}");
    }

    [Fact]
    public void FusedBatchNorm_PassesGradCheck_InTrainAndEval()
    {
        var x = Tensor.Randn([4, 3, 2], new Generator(5), DType.Float64, requiresGrad: true);
        var gamma = Tensor.Randn([3], new Generator(6), DType.Float64, requiresGrad: true);
        var beta = Tensor.Randn([3], new Generator(7), DType.Float64, requiresGrad: true);
        var train = GradCheck.Check(t => NNFunctional.BatchNorm(t[0], null, null, t[1], t[2], true), [x, gamma, beta], 1e-6, 1e-6, 1e-5);
        Assert.True(train.Passed, train.Message);
        var rm = Tensor.FromArray(new[] { 0.1, -0.2, 0.3 }, [3]);
        var rv = Tensor.FromArray(new[] { 1.5, 0.5, 2.0 }, [3]);
        var eval = GradCheck.Check(t => NNFunctional.BatchNorm(t[0], rm, rv, t[1], t[2], false), [x, gamma, beta], 1e-6, 1e-6, 1e-5);
        Assert.True(eval.Passed, eval.Message);
    }

    [Fact]
    public void BatchNorm_BadInput_NamesWhatWasExpected()
    {
        var bn = new BatchNorm1d(3);
        var ex = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([4, 5])));
        Assert.Contains("3 channels", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros([4, 3])));
        var one = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([1, 3])));
        Assert.Contains("more than 1 value per channel", one.Message);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(3, momentum: 2)).ParamName);
    }

    [Fact]
    public void LayerNorm_MatchesTorch()
    {
        var ln = new LayerNorm(5, dtype: DType.Float64);
        SetAffine(ln);
        Show("layernorm_last", ln, [2, 3, 5]);
        var ln2 = new LayerNorm([3, 5], dtype: DType.Float64);
        SetAffine(ln2);
        Show("layernorm_two", ln2, [2, 3, 5]);
        Assert.Throws<ArgumentException>(() => ln.Forward(Tensor.Zeros([2, 4], DType.Float64)));
    }

    [Fact]
    public void InstanceNorm_MatchesTorch()
    {
        Show("instancenorm1d", new InstanceNorm1d(3, dtype: DType.Float64), [2, 3, 5]);
        var in2 = new InstanceNorm2d(3, affine: true, dtype: DType.Float64);
        SetAffine(in2);
        Show("instancenorm2d_affine", in2, [2, 3, 2, 3]);
    }

    [Fact]
    public void InstanceNorm_TrackedRunningStats_MatchTorch()
    {
        var m = new InstanceNorm1d(3, momentum: 0.2, trackRunningStats: true, dtype: DType.Float64);
        m.Forward(Input(2, 3, 5).Detach());
        var (mean, var) = NormReference.Values["instancenorm1d_tracked.running"];
        var state = m.StateDict();
        AssertClose(mean, state["running_mean"].ToDoubleArray(), 1e-9, "running_mean");
        AssertClose(var, state["running_var"].ToDoubleArray(), 1e-9, "running_var");
        m.Eval();
        Show("instancenorm1d_tracked_eval", m, [2, 3, 5]);
    }

    [Fact]
    public void GroupNorm_MatchesTorch()
    {
        var gn = new GroupNorm(2, 4, dtype: DType.Float64);
        SetAffine(gn);
        Show("groupnorm", gn, [2, 4, 3]);
        var ex = Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4));
        Assert.Equal("numChannels", ex.ParamName);
    }

    [Fact]
    public void NoDecayGroup_TakesNormalizationParametersAndBiases()
    {
        var model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new LayerNorm(4), new Linear(4, 2, bias: false));
        var groups = Overfit.Optim.ParameterGroups.WithNoDecayOnBiasAndNorm(model, 0.01);
        Assert.Equal(2, groups[0].Parameters.Count); // the two Linear weights
        Assert.Equal(5, groups[1].Parameters.Count); // one bias + BN weight/bias + LN weight/bias
        Assert.All(groups[0].Parameters, p => Assert.Equal(2, p.Rank));
    }
}
