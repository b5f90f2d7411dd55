using Overfit.Data;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

/// <summary>
/// <see cref="Optimizer.BackwardAndStep"/> updates each parameter while the backward pass runs. Every test trains
/// two identical copies, one with Backward then Step (the reference) and one with BackwardAndStep, over several
/// steps, and requires the parameters, gradients and optimizer states to be bit-identical after each step.
/// </summary>
public sealed class OptimizerInBackwardTests
{
    public static TheoryData<string, bool> Optimizers()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "adam", "adam_wd", "adam_amsgrad", "adamw", "sgd", "sgd_momentum_wd", "sgd_nesterov", "rmsprop", "adagrad" })
        {
            data.Add(name, true);
            data.Add(name, false);
        }
        return data;
    }

    private static Optimizer Make(string name, IEnumerable<Tensor> p) => name switch
    {
        "adam" => new Adam(p, lr: 1e-2),
        "adam_wd" => new Adam(p, lr: 1e-2, weightDecay: 0.05),
        "adam_amsgrad" => new Adam(p, lr: 1e-2, amsgrad: true),
        "adamw" => new AdamW(p, lr: 1e-2, weightDecay: 0.1),
        "sgd" => new SGD(p, lr: 0.05),
        "sgd_momentum_wd" => new SGD(p, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.05),
        "sgd_nesterov" => new SGD(p, lr: 0.05, momentum: 0.9, weightDecay: 0.05, nesterov: true),
        "rmsprop" => new RMSprop(p, lr: 1e-2, momentum: 0.9, centered: true),
        "adagrad" => new Adagrad(p, lr: 0.1, weightDecay: 0.05),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static SimpleNetwork Net(int inputs, int[] hidden, DType dtype) =>
        new(new ReLU(), inputSize: inputs, numLabels: 3, hidden: hidden, generator: new Generator(5), dtype: dtype);

    /// <summary>Cross-entropy plus an L2 penalty on every parameter, so a weight gets one gradient written by its fused Linear rule and one summed in by the engine.</summary>
    private static Tensor Loss(Module model, Tensor x, int[] labels) =>
        new CrossEntropyLoss().Forward(model.Forward(x), labels).Reshape().Add(Penalties.L2(model.Parameters(), 1e-3));

    private static void AssertSame(Module reference, Module overlapped, Optimizer refOpt, Optimizer opt, string what)
    {
        var a = reference.Parameters().ToArray();
        var b = overlapped.Parameters().ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(a[i].ToDoubleArray().SequenceEqual(b[i].ToDoubleArray()), $"{what}: parameter {i} differs");
            Assert.Equal(a[i].Grad is null, b[i].Grad is null);
            if (a[i].Grad is not null) Assert.True(a[i].Grad!.ToDoubleArray().SequenceEqual(b[i].Grad!.ToDoubleArray()), $"{what}: gradient {i} differs");
            var sa = refOpt.StateOf(a[i]);
            var sb = opt.StateOf(b[i]);
            Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
            foreach (var (key, value) in sa) Assert.True(value.ToDoubleArray().SequenceEqual(sb[key].ToDoubleArray()), $"{what}: state {key} of parameter {i} differs");
        }
    }

    private static void Train(string name, bool zeroGrad, int inputs, int[] hidden, DType dtype, int steps = 5)
    {
        var reference = Net(inputs, hidden, dtype);
        var overlapped = Net(inputs, hidden, dtype);
        var refOpt = Make(name, reference.Parameters());
        var opt = Make(name, overlapped.Parameters());
        var gen = new Generator(3);
        for (int step = 0; step < steps; step++)
        {
            var x = Tensor.Randn([20, inputs], gen, dtype);
            var labels = Enumerable.Range(0, 20).Select(_ => gen.NextInt(3)).ToArray();
            if (zeroGrad) refOpt.ZeroGrad(setToNone: false);
            Loss(reference, x, labels).Backward();
            refOpt.Step();
            opt.BackwardAndStep(Loss(overlapped, x, labels), zeroGrad: zeroGrad);
            AssertSame(reference, overlapped, refOpt, opt, $"{name}, zeroGrad {zeroGrad}, step {step + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void EveryOptimizer_MatchesBackwardThenStep_BitForBit(string name, bool zeroGrad) => Train(name, zeroGrad, 12, [16, 8], DType.Float32);

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd_momentum_wd")]
    public void Float64_MatchesBackwardThenStep_BitForBit(string name) => Train(name, zeroGrad: true, 12, [16, 8], DType.Float64);

    [Fact]
    public void LargeLayers_TwoCoreAdamAndConcurrentBackward_MatchBitForBit()
    {
        // 120 x 300 = 36,000 weights: Adam splits them across two cores, and the layer's two backward products run
        // at the same time; the first step also creates the gradient buffers (nothing to overwrite yet).
        Train("adam", zeroGrad: true, 120, [300, 16], DType.Float32, steps: 3);
        Train("adamw", zeroGrad: false, 120, [300, 16], DType.Float32, steps: 3);
    }

    [Fact]
    public void UpdatesRunDuringTheBackwardPass_AsEachGradientBecomesFinal()
    {
        var gen = new Generator(7);
        var w1 = Tensor.Randn([6, 4], gen, requiresGrad: true);
        var w2 = Tensor.Randn([3, 6], gen, requiresGrad: true);
        var log = new List<string>();
        var opt = new LoggingSgd([w1, w2], log, new() { [w1] = "w1", [w2] = "w2" });
        var h = NNFunctional.LinearRelu(Tensor.Randn([5, 4], gen), w1);
        // An identity op between the layers whose rule logs when it runs: w2's gradient is final before it.
        var probe = Overfit.Autograd.Autograd.Record(h.Detach(), "Probe", [h], g => { log.Add("rule between the layers"); return [g]; });
        var loss = NNFunctional.Linear(probe, w2).Sum();
        opt.BackwardAndStep(loss);
        Assert.Equal(["update w2", "rule between the layers", "update w1"], log);
    }

    [Fact]
    public void FailingBackward_KeepsTheUpdatesMade_AndZeroesTheGradientsNotReached()
    {
        var gen = new Generator(10);
        var w1 = Tensor.Randn([6, 4], gen, requiresGrad: true);
        var w2 = Tensor.Randn([3, 6], gen, requiresGrad: true);
        w1.Grad = Tensor.Ones([6, 4]);
        w2.Grad = Tensor.Ones([3, 6]);
        var w1Before = w1.ToDoubleArray();
        var w2Before = w2.ToDoubleArray();
        var opt = new SGD([w1, w2], lr: 0.1);
        var h = NNFunctional.LinearRelu(Tensor.Randn([5, 4], gen), w1);
        var broken = Overfit.Autograd.Autograd.Record(h.Detach(), "Broken", [h], _ => throw new InvalidOperationException("rule failed"));
        var loss = NNFunctional.Linear(broken, w2).Sum();
        Assert.Throws<InvalidOperationException>(() => opt.BackwardAndStep(loss, zeroGrad: true));
        // w2's gradient was final (and w2 updated) before the failing rule; w1 was never reached.
        Assert.NotEqual(w2Before, w2.ToDoubleArray());
        Assert.Equal(w1Before, w1.ToDoubleArray());
        Assert.All(w1.Grad!.ToDoubleArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void TiedWeight_IsUpdatedOnceAfterItsLastUse()
    {
        Tensor Make(out Tensor w)
        {
            var gen = new Generator(8);
            w = Tensor.Randn([6, 6], gen, requiresGrad: true);
            return Tensor.Randn([5, 6], gen);
        }
        var x = Make(out var w);
        var xr = Make(out var wr);
        var opt = new Adam([w], lr: 0.1);
        var refOpt = new Adam([wr], lr: 0.1);
        for (int step = 0; step < 3; step++)
        {
            refOpt.ZeroGrad(setToNone: false);
            NNFunctional.Linear(NNFunctional.LinearRelu(xr, wr), wr).Square().Sum().Backward();
            refOpt.Step();
            opt.BackwardAndStep(NNFunctional.Linear(NNFunctional.LinearRelu(x, w), w).Square().Sum(), zeroGrad: true);
            Assert.Equal(wr.ToDoubleArray(), w.ToDoubleArray());
            Assert.Equal(wr.Grad!.ToDoubleArray(), w.Grad!.ToDoubleArray());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParametersTheLossMisses_AreSteppedAtTheEnd_AndStridedGradientsZeroed(bool zeroGrad)
    {
        // "unused" holds a gradient from elsewhere but takes no part in the loss; "strided" has a transposed gradient
        // (not one the engine writes in place); "none" never gets a gradient and must stay untouched.
        (Tensor W, Tensor Unused, Tensor Strided, Tensor None, Tensor X) Setup()
        {
            var gen = new Generator(9);
            var w = Tensor.Randn([4, 3], gen, requiresGrad: true);
            var unused = Tensor.Randn([5], gen, requiresGrad: true);
            unused.Grad = Tensor.Randn([5], gen);
            var strided = Tensor.Randn([4, 2], gen, requiresGrad: true);
            strided.Grad = Tensor.Randn([2, 4], gen).Transpose(0, 1);
            var none = Tensor.Randn([2], gen, requiresGrad: true);
            return (w, unused, strided, none, Tensor.Randn([7, 3], gen));
        }
        var r = Setup();
        var o = Setup();
        var refOpt = new Adam([r.W, r.Unused, r.Strided, r.None], lr: 0.1, weightDecay: 0.01);
        var opt = new Adam([o.W, o.Unused, o.Strided, o.None], lr: 0.1, weightDecay: 0.01);
        for (int step = 0; step < 3; step++)
        {
            if (zeroGrad) refOpt.ZeroGrad(setToNone: false);
            NNFunctional.Linear(r.X, r.W).MatMul(r.Strided).Sum().Backward();
            refOpt.Step();
            opt.BackwardAndStep(NNFunctional.Linear(o.X, o.W).MatMul(o.Strided).Sum(), zeroGrad: zeroGrad);
            foreach (var (a, b) in new[] { (r.W, o.W), (r.Unused, o.Unused), (r.Strided, o.Strided), (r.None, o.None) })
            {
                Assert.Equal(a.ToDoubleArray(), b.ToDoubleArray());
                Assert.Equal(a.Grad?.ToDoubleArray(), b.Grad?.ToDoubleArray());
            }
        }
        Assert.Null(o.None.Grad);
        Assert.Empty(opt.StateOf(o.None));
    }

    [Fact]
    public void RetainedGraph_SecondPassMatchesTheReference()
    {
        var r = Net(12, [16], DType.Float32);
        var o = Net(12, [16], DType.Float32);
        var refOpt = new SGD(r.Parameters(), lr: 0.1, momentum: 0.9);
        var opt = new SGD(o.Parameters(), lr: 0.1, momentum: 0.9);
        var x = Tensor.Randn([10, 12], new Generator(4));
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
        var lr = Loss(r, x, labels);
        var lo = Loss(o, x, labels);
        for (int pass = 0; pass < 2; pass++)
        {
            lr.Backward(retainGraph: true);
            refOpt.Step();
            opt.BackwardAndStep(lo, retainGraph: true);
            AssertSame(r, o, refOpt, opt, $"pass {pass + 1}");
        }
    }

    [Fact]
    public void BadInput_IsRejected()
    {
        var w = Tensor.Randn([3], new Generator(1), requiresGrad: true);
        var opt = new SGD([w], lr: 0.1);
        Assert.Throws<ArgumentNullException>(() => opt.BackwardAndStep(null!));
        Assert.Throws<InvalidOperationException>(() => opt.BackwardAndStep(Tensor.Ones([1])));
        Assert.Throws<InvalidOperationException>(() => opt.BackwardAndStep(w.Mul(2.0)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.5)]
    public void Trainer_MatchesTheManualLoop_WithAndWithoutClipping(double? maxGradNorm)
    {
        var gen = new Generator(6);
        var batches = Enumerable.Range(0, 4).Select(_ => new Batch(Tensor.Randn([16, 12], gen), Enumerable.Range(0, 16).Select(_ => gen.NextInt(3)).ToArray())).ToList();
        var trained = Net(12, [16, 8], DType.Float32);
        var manual = Net(12, [16, 8], DType.Float32);
        var trainer = new Trainer(trained, new Adam(trained.Parameters(), lr: 1e-2, weightDecay: 1e-3)) { MaxGradNorm = maxGradNorm };
        var opt = new Adam(manual.Parameters(), lr: 1e-2, weightDecay: 1e-3);
        foreach (var batch in batches)
        {
            trainer.TrainStep(batch);
            opt.ZeroGrad(setToNone: false);
            new CrossEntropyLoss().Forward(manual.Forward(batch.Inputs), batch.Labels!).Backward();
            if (maxGradNorm is double max) GradientClipping.ClipGradNorm(manual.Parameters(), max);
            opt.Step();
            AssertSame(manual, trained, opt, trainer.Optimizer, "trainer step");
        }
    }

    /// <summary>Plain SGD that logs each parameter's update, to see when the updates run.</summary>
    private sealed class LoggingSgd(Tensor[] parameters, List<string> log, Dictionary<Tensor, string> names)
        : Optimizer([new ParameterGroup(parameters)], lr: 0.1, weightDecay: 0)
    {
        protected override void Update<T>(ParameterGroup group, Span<T> param, ReadOnlySpan<T> grad, Dictionary<string, Tensor> state, Tensor parameter)
        {
            log.Add($"update {names[parameter]}");
            T lr = T.CreateTruncating(group.Lr);
            for (int i = 0; i < param.Length; i++) param[i] -= lr * grad[i];
        }
    }
}
