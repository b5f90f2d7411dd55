using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>
/// Gradient checks (central differences, Float64) of the loss options — class weights, ignored targets,
/// positive weights, Huber/SmoothL1 thresholds, KL divergence — and their bad-input messages. Values against
/// PyTorch are in NN/LossFixtureTests.
/// </summary>
public class WeightedLossTests
{
    private static readonly Tensor ClassWeight = Tensor.FromArray([0.5, 2.0, 1.0, 0.25], [4]);

    [Theory]
    [InlineData(Reduction.Mean, 0.0)]
    [InlineData(Reduction.Sum, 0.1)]
    [InlineData(Reduction.None, 0.3)]
    [InlineData(Reduction.Mean, 0.2)]
    public void CrossEntropyWithWeightAndIgnoreIndex(Reduction reduction, double smoothing)
    {
        int[] targets = [3, -100, 0, 2, 1];
        AssertGradCheck(x => Weighted(Functional.CrossEntropy(x[0], targets, reduction, smoothing, ClassWeight)), Randn(1, 5, 4));
        AssertGradCheck(x => Weighted(Functional.CrossEntropy(x[0], [1, 0, 1], reduction, smoothing, ignoreIndex: 1)), TransposedLeaf(2, 3, 4));
    }

    [Fact]
    public void IgnoredRowsGetNeitherLossNorGradient()
    {
        var x = Randn(3, 3, 4);
        var loss = Functional.CrossEntropy(x, [1, -100, 2], Reduction.None, weight: ClassWeight);
        Assert.Equal(0.0, loss.ToDoubleArray()[1]);
        loss.Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray().Skip(4).Take(4), g => Assert.Equal(0.0, g));
        // The weighted mean divides by the selected weights w[1] + w[2] = 3, not by the row count.
        var sum = Functional.CrossEntropy(x.Detach(), [1, -100, 2], Reduction.Sum, weight: ClassWeight).Item();
        Assert.Equal(sum / 3, Functional.CrossEntropy(x.Detach(), [1, -100, 2], weight: ClassWeight).Item(), 12);
    }

    [Fact]
    public void Float32AgreesWithFloat64ToSinglePrecision()
    {
        var x64 = Randn(18, 5, 4);
        int[] targets = [3, -100, 0, 2, 1];
        var l64 = Functional.CrossEntropy(x64, targets, Reduction.Mean, 0.1, ClassWeight);
        l64.Backward();
        var x32 = x64.Detach().To(DType.Float32).WithGrad();
        var l32 = Functional.CrossEntropy(x32, targets, Reduction.Mean, 0.1, ClassWeight.To(DType.Float32));
        l32.Backward();
        Assert.Equal(DType.Float32, l32.DType);
        Assert.Equal(l64.Item(), l32.Item(), 5);
        var g64 = x64.Grad!.ToDoubleArray();
        var g32 = x32.Grad!.ToDoubleArray();
        for (int i = 0; i < g64.Length; i++) Assert.Equal(g64[i], g32[i], 5);
    }

    [Fact]
    public void NllWithWeightAndIgnoreIndex()
    {
        AssertGradCheck(x => Functional.NllLoss(x[0].LogSoftmax(1), [3, -100, 0, 2, 1], Reduction.Mean, ClassWeight), Randn(4, 5, 4));
        AssertGradCheck(x => Weighted(Functional.NllLoss(x[0], [3, 2, 0, 2], Reduction.None, ClassWeight, ignoreIndex: 2)), Randn(5, 4, 4));
    }

    [Fact]
    public void BinaryLossesWithWeights()
    {
        var t = Uniform(6, 0, 1, 3, 4).Detach();
        var w = Uniform(7, 0, 2, 3, 4).Detach();
        AssertGradCheck(x => Functional.BinaryCrossEntropy(x[0], t, Reduction.Mean, w), Uniform(8, 0.05, 0.95, 3, 4));
        AssertGradCheck(x => Weighted(Functional.BinaryCrossEntropy(x[0], t, Reduction.None, Tensor.FromArray([1.0, 0, 3], [3, 1]))), Uniform(9, 0.05, 0.95, 3, 4));
        var pos = Tensor.FromArray([3.0, 0.5, 1, 2], [4]);
        AssertGradCheck(x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.Mean, w, pos), Randn(10, 3, 4), Uniform(11, 0, 1, 3, 4));
        AssertGradCheck(x => Weighted(Functional.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.None, posWeight: pos)), Randn(12, 3, 4), Uniform(13, 0, 1, 3, 4));
    }

    [Theory]
    [InlineData(Reduction.Mean, 1.0)]
    [InlineData(Reduction.Sum, 0.5)]
    [InlineData(Reduction.None, 2.0)]
    public void HuberAndSmoothL1(Reduction reduction, double threshold)
    {
        // Differences kept 0.01 away from ±threshold and 0, where the second derivative jumps.
        var target = Randn(14, 4, 5).Detach();
        var input = target.Add(AwayFrom(15, [-threshold, 0, threshold], 0.01, 4, 5).Detach()).Detach().WithGrad();
        AssertGradCheck(x => Weighted(Functional.HuberLoss(x[0], x[1], reduction, threshold)), input, target.WithGrad());
        AssertGradCheck(x => Weighted(Functional.SmoothL1Loss(x[0], x[1], reduction, threshold)), input, target.WithGrad());
        AssertGradCheck(x => Weighted(Functional.SmoothL1Loss(x[0], x[1], reduction, 0)), input, target.WithGrad());
    }

    [Theory]
    [InlineData(Reduction.Mean, false)]
    [InlineData(Reduction.BatchMean, false)]
    [InlineData(Reduction.Sum, true)]
    [InlineData(Reduction.None, true)]
    public void KLDivergence(Reduction reduction, bool logTarget)
    {
        var target = Uniform(16, 0.1, 1, 3, 4).Detach();
        var input = Randn(17, 3, 4).LogSoftmax(1).Detach().WithGrad();
        AssertGradCheck(x => Weighted(Functional.KLDivLoss(x[0], x[1], reduction, logTarget)), input, (logTarget ? target.Log() : target).Detach().WithGrad());
    }

    [Fact]
    public void BadOptionsNameTheArgumentAndWhatCame()
    {
        var x = Tensor.Zeros([3, 4], DType.Float64);
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(x, [0, 1, 2], weight: Tensor.Ones([3], DType.Float64))), "weight", "[4]", "[3]");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(x, [0, 1, 2], weight: Tensor.FromArray([1.0, -1, 1, 1], [4]))), "weight", "non-negative", "-1");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.NllLoss(x, [0, 7, 2])), "target 7", "row 1", "0..3", "ignore index -100");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.NllLoss(x, [0, -100, 2], ignoreIndex: 2)), "target -100", "ignore index 2");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.NllLoss(x, [0, 1])), "2 targets", "3 rows");
        var p = Tensor.Full([3, 4], 0.5, DType.Float64);
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.BinaryCrossEntropy(p, p, weight: Tensor.Ones([2], DType.Float64))), "weight", "[2]", "[3, 4]");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.BinaryCrossEntropy(p, p, weight: Tensor.Full([4], -2, DType.Float64))), "weight", "-2");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.BinaryCrossEntropyWithLogits(p, p, posWeight: Tensor.Ones([3], DType.Float64))), "posWeight", "[3]", "[3, 4]");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.HuberLoss(p, p, delta: 0)), "delta", "positive", "0");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.SmoothL1Loss(p, p, beta: -1)), "beta", "-1");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.MseLoss(p, p, Reduction.BatchMean)), "BatchMean", "KLDivLoss");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(x, [0, 1, 2], Reduction.BatchMean)), "CrossEntropy", "BatchMean");
    }

    /// <summary>Σ c_k·loss_k with fixed c, so a None reduction is checked through a scalar with uneven weights.</summary>
    private static Tensor Weighted(Tensor loss)
    {
        var c = new double[loss.Numel];
        for (int k = 0; k < c.Length; k++) c[k] = Math.Cos(0.37 * k) + 0.2;
        return loss.Mul(Tensor.FromArray(c, loss.Shape)).Sum();
    }

    private static void AssertMessage(Exception e, params string[] parts)
    {
        foreach (var part in parts) Assert.Contains(part, e.Message);
    }
}
