using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

public class SchedulerTests
{
    private static SGD Opt() => new([Tensor.Zeros([1], requiresGrad: true)], lr: 0.1);

    private static void Follow(string name, Optimizer opt, Action step, int steps)
    {
        var expected = OptimReference.LearningRates[name];
        Assert.Equal(expected[0], opt.Lr, 12);
        for (int i = 1; i <= steps; i++)
        {
            step();
            Assert.True(Math.Abs(expected[i] - opt.Lr) < 1e-12, $"{name} after step {i}: expected {expected[i]}, got {opt.Lr}");
        }
    }

    [Fact]
    public void StepLR_MatchesTorch()
    {
        var opt = Opt(); var s = new StepLR(opt, 3, 0.5);
        Follow("step", opt, s.Step, 8);
    }

    [Fact]
    public void CosineAnnealing_MatchesTorch()
    {
        var opt = Opt(); var s = new CosineAnnealingLR(opt, 5, 0.01);
        Follow("cosine", opt, s.Step, 5);
    }

    [Fact]
    public void LinearWarmup_MatchesTorchLinearLR()
    {
        var opt = Opt(); var s = new LinearWarmupLR(opt, 0.25, 1.0, 4);
        Follow("linear_warmup", opt, s.Step, 8);
    }

    [Fact]
    public void ReduceLROnPlateau_MatchesTorch()
    {
        double[] metrics = [1.0, 0.9, 0.95, 0.92, 0.91, 0.91, 0.85, 0.86, 0.87, 0.88];
        var opt = Opt(); var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 2);
        int i = 0;
        Follow("plateau", opt, () => s.Step(metrics[i++]), 10);
    }

    [Fact]
    public void ClipGradNorm_MatchesTorch()
    {
        var w = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        var v = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        w.Grad = Tensor.FromArray(new[] { 3.0, -4.0 }, [2]);
        v.Grad = Tensor.FromArray(new[] { 12.0 }, [1]);
        double norm = GradientClipping.ClipGradNorm([w, v], 1.0);
        // torch.nn.utils.clip_grad_norm_ (nn_optim.py): norm 13, grads scaled by 1/(13 + 1e-6)
        Assert.Equal(13.0, norm, 12);
        Assert.Equal(0.23076921301775288, w.Grad!.ToDoubleArray()[0], 12);
        Assert.Equal(-0.3076922840236705, w.Grad!.ToDoubleArray()[1], 12);
        Assert.Equal(0.9230768520710115, v.Grad!.ToDoubleArray()[0], 12);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([w], -1)).ParamName);
    }

    [Fact]
    public void Schedulers_RejectBadSettings()
    {
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Opt(), 0)).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Opt(), 0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), factor: 1.5)).ParamName);
    }
}
