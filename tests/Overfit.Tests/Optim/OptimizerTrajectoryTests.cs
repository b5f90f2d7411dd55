using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

public class OptimizerTrajectoryTests
{
    private static readonly Tensor A = Tensor.FromArray(new double[,] { { 1.0, 2.0, -1.0 }, { 0.5, -0.3, 2.0 } });
    private static readonly Tensor Y = Tensor.FromArray(new double[] { 1.0, -2.0 }, [2]);

    /// <summary>The fixed problem of nn_optim.py: loss = Σ(A·w + b − y)², 5 steps, parameters compared after each.</summary>
    private static void Follow(string name, Func<Tensor[], Optimizer> make)
    {
        var w = Tensor.FromArray(new[] { 0.5, -1.2, 0.3 }, [3], requiresGrad: true);
        var b = Tensor.FromArray(new[] { 0.1 }, [1], requiresGrad: true);
        var opt = make([w, b]);
        var expected = OptimReference.Trajectories[name];
        for (int step = 0; step < 5; step++)
        {
            opt.ZeroGrad();
            var r = A.MatMul(w).Add(b).Sub(Y);
            r.Mul(r).Sum().Backward();
            opt.Step();
            var got = w.ToDoubleArray().Append(b.Item()).ToArray();
            for (int j = 0; j < 4; j++)
                Assert.True(Math.Abs(expected[step, j] - got[j]) < 1e-6, $"{name} step {step + 1} parameter {j}: expected {expected[step, j]}, got {got[j]}");
        }
    }

    [Fact] public void Sgd() => Follow("sgd", p => new SGD(p, lr: 0.01));

    [Fact] public void SgdMomentumDampeningWeightDecay() => Follow("sgd_momentum", p => new SGD(p, lr: 0.01, momentum: 0.9, dampening: 0.1, weightDecay: 0.05));

    [Fact] public void SgdNesterov() => Follow("sgd_nesterov", p => new SGD(p, lr: 0.01, momentum: 0.9, weightDecay: 0.05, nesterov: true));

    [Fact] public void AdamCoupledWeightDecay() => Follow("adam", p => new Adam(p, lr: 0.1, weightDecay: 0.05));

    [Fact] public void AdamAmsgrad() => Follow("adam_amsgrad", p => new Adam(p, lr: 0.1, amsgrad: true));

    [Fact] public void AdamWDecoupled() => Follow("adamw", p => new AdamW(p, lr: 0.1, weightDecay: 0.1));

    [Fact] public void RmsProp() => Follow("rmsprop", p => new RMSprop(p, lr: 0.01, weightDecay: 0.05));

    [Fact] public void RmsPropCenteredMomentum() => Follow("rmsprop_centered_momentum", p => new RMSprop(p, lr: 0.01, momentum: 0.9, centered: true));

    [Fact] public void AdagradDecayAndInitialAccumulator() => Follow("adagrad", p => new Adagrad(p, lr: 0.1, lrDecay: 0.01, weightDecay: 0.05, initialAccumulatorValue: 0.1));

    [Fact]
    public void Adam_Float32VectorPath_AgreesWithFloat64()
    {
        // 37 elements: exercises the SIMD body and the scalar tail.
        var g = new Generator(3);
        var p64 = Tensor.Randn([37], g, DType.Float64, requiresGrad: true);
        var p32 = p64.Detach().To(DType.Float32).Clone(); p32.RequiresGrad = true;
        var o64 = new Adam([p64], lr: 0.01, weightDecay: 0.1);
        var o32 = new Adam([p32], lr: 0.01, weightDecay: 0.1);
        for (int s = 0; s < 3; s++)
        {
            var grad = Tensor.Randn([37], g, DType.Float64);
            p64.Grad = grad.Clone(); p32.Grad = grad.To(DType.Float32);
            o64.Step(); o32.Step();
        }
        var a = p64.ToDoubleArray(); var b = p32.ToDoubleArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 5);
    }

    [Fact]
    public void ParameterGroups_HaveTheirOwnLrAndDecay_AndBiasesGetNoDecay()
    {
        var model = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
        var groups = ParameterGroups.WithNoDecayOnBiasAndNorm(model, 0.1);
        var opt = new SGD(groups, lr: 0.5);
        Assert.Equal(2, opt.ParamGroups[0].Parameters.Count);
        Assert.Equal(2, opt.ParamGroups[1].Parameters.Count);
        Assert.All(opt.ParamGroups[1].Parameters, p => Assert.Equal(1, p.Rank));
        Assert.Equal(0.1, opt.ParamGroups[0].WeightDecay);
        Assert.Equal(0.0, opt.ParamGroups[1].WeightDecay);
        // With zero gradients, only decayed parameters move: θ -= lr·wd·θ.
        var w = model.NamedParameters().First().Parameter;
        var bias = model.NamedParameters().ElementAt(1).Parameter;
        var w0 = w.ToDoubleArray(); var b0 = bias.ToDoubleArray();
        foreach (var p in model.Parameters()) p.Grad = Tensor.ZerosLike(p);
        opt.Step();
        Assert.Equal(w0.Select(v => v * (1 - 0.5 * 0.1)).ToArray(), w.ToDoubleArray(), new ToleranceComparer(1e-6));
        Assert.Equal(b0, bias.ToDoubleArray());
        var custom = new Adam([new ParameterGroup([w], lr: 0.01), new ParameterGroup([bias])], lr: 0.2);
        Assert.Equal(0.01, custom.ParamGroups[0].Lr);
        Assert.Equal(0.2, custom.ParamGroups[1].Lr);
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tol;

        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void BadSettings_NameTheArgument()
    {
        var p = Tensor.Zeros([2], requiresGrad: true);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD([p], lr: -1)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => new SGD([p], lr: 0.1, nesterov: true));
        Assert.Contains("momentum", ex.Message);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0)).ParamName);
        Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<Tensor>()));
        Assert.Throws<ArgumentException>(() => new Adam([p, p]));
    }

    [Fact]
    public void ZeroGrad_DropsOrZeroesInPlace()
    {
        var p = Tensor.Ones([3], requiresGrad: true);
        var opt = new SGD([p], lr: 0.1);
        p.Grad = Tensor.Ones([3]);
        var g = p.Grad;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g, p.Grad);
        Assert.All(g.ToDoubleArray(), v => Assert.Equal(0, v));
        opt.ZeroGrad();
        Assert.Null(p.Grad);
    }
}
