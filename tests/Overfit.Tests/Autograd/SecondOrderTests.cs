using Overfit.Autograd;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Tests.Autograd;

/// <summary>
/// Second-order gradient checks (gradgradcheck-style, Float64): every differentiable op's backward rule, run with
/// createGraph, is differentiated again and compared with central differences of first-order gradients, both in
/// the op's inputs and in the incoming gradient.
/// </summary>
public class SecondOrderTests
{
    private static Tensor R(int[] shape, ulong seed, double scale = 1, double shift = 0)
    {
        var t = Tensor.Randn(shape, new Generator(seed), DType.Float64).Mul(scale).Add(shift).Detach();
        t.RequiresGrad = true;
        return t;
    }

    private static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.GradGradCheck(f, inputs, 1e-5, 1e-5, 1e-4);
        Assert.True(r.Passed, r.Message);
    }

    public static TheoryData<string> Elementwise => new()
    {
        "Add", "Sub", "Mul", "Div", "Pow", "PowScalar", "Maximum", "Minimum", "Neg", "Exp", "Log", "Sqrt", "Abs", "Sin", "Cos",
        "Tanh", "Sigmoid", "Relu", "LeakyRelu", "Gelu", "Elu", "Silu", "Softplus", "Clamp", "Where", "Square",
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseOps(string op)
    {
        // Inputs are kept away from kinks (0 for ReLU/Abs, the clamp bounds) where finite differences are undefined.
        var a = R([3, 4], 1, 1, 0);
        var b = R([3, 4], 2, 0.5, 2);
        var pos = R([3, 4], 3, 0.2, 1.5);
        var row = R([4], 4);
        Func<Tensor[], Tensor> f = op switch
        {
            "Add" => t => t[0].Add(t[1]).Mul(t[0]),
            "Sub" => t => t[0].Sub(t[1]).Mul(t[0]),
            "Mul" => t => t[0].Mul(t[1]),
            "Div" => t => t[0].Div(t[1]),
            "Pow" => t => t[1].Pow(t[0].Mul(0.3)),
            "PowScalar" => t => t[1].Pow(3.0),
            "Maximum" => t => t[0].Maximum(t[1].Sub(2)).Mul(t[0]),
            "Minimum" => t => t[0].Minimum(t[1].Sub(2)).Mul(t[0]),
            "Neg" => t => t[0].Neg().Mul(t[0]),
            "Exp" => t => t[0].Exp(),
            "Log" => t => t[1].Log(),
            "Sqrt" => t => t[1].Sqrt(),
            "Abs" => t => t[0].Abs().Mul(t[0]),
            "Sin" => t => t[0].Sin(),
            "Cos" => t => t[0].Cos(),
            "Tanh" => t => t[0].Tanh(),
            "Sigmoid" => t => t[0].Sigmoid(),
            "Relu" => t => t[0].Relu().Mul(t[1]),
            "LeakyRelu" => t => t[0].LeakyRelu(0.1).Mul(t[1]),
            "Gelu" => t => t[0].Gelu(),
            "Elu" => t => t[0].Elu(0.7),
            "Silu" => t => t[0].Silu(),
            "Softplus" => t => t[0].Softplus(),
            "Clamp" => t => t[0].Clamp(-0.5, 0.5).Mul(t[1]),
            "Where" => t => Tensor.Where(t[0].Gt(0.0), t[0].Mul(t[1]), t[1].Mul(t[1])),
            "Square" => t => t[0].Square(),
            _ => throw new ArgumentException(op),
        };
        if (op == "Maximum" || op == "Minimum") Check(f, a, b);
        else Check(f, a, op is "Log" or "Sqrt" ? pos : b);
        Check(t => t[0].Mul(t[1]).Exp(), a, row);
    }

    public static TheoryData<string> Reductions => new()
    {
        "Sum", "SumDim", "Mean", "MeanDim", "Var", "Std", "Max", "Min", "LogSumExp", "Softmax", "LogSoftmax", "MatMul", "MatMulBatched",
        "Slice", "Gather", "IndexSelect", "Concat", "Transpose",
    };

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ReductionsMatMulAndIndexing(string op)
    {
        var a = R([3, 4], 5);
        var b = R([4, 2], 6);
        Func<Tensor[], Tensor> f = op switch
        {
            "Sum" => t => t[0].Mul(t[0]).Sum().Mul(t[0]),
            "SumDim" => t => t[0].Mul(t[0]).Sum(1, keepDim: true).Mul(t[0]),
            "Mean" => t => t[0].Mul(t[0]).Mean().Mul(t[0]),
            "MeanDim" => t => t[0].Mul(t[0]).Mean(0).Mul(t[0]),
            "Var" => t => t[0].Var(1),
            "Std" => t => t[0].Std(0),
            "Max" => t => t[0].Max(1).Values.Mul(t[0].Sum(1)),
            "Min" => t => t[0].Min(0).Values.Mul(t[0].Sum(0)),
            "LogSumExp" => t => t[0].LogSumExp(1),
            "Softmax" => t => t[0].Softmax(1),
            "LogSoftmax" => t => t[0].LogSoftmax(0),
            "MatMul" => t => t[0].MatMul(t[1]).Tanh(),
            "MatMulBatched" => t => t[0].Reshape(3, 1, 4).MatMul(t[1]).Mul(t[0].Reshape(3, 1, 4).Sum(2, keepDim: true)),
            "Slice" => t => t[0].Slice(1, 1, 4, 2).Mul(t[0].Slice(1, 0, 2)),
            "Gather" => t => t[0].Gather(1, [0, 3, 1, 2, 2, 0], [3, 2]).Square(),
            "IndexSelect" => t => t[0].IndexSelect(0, [2, 0, 2]).Square(),
            "Concat" => t => Tensor.Concat([t[0], t[0].Square()], 1).Square(),
            "Transpose" => t => t[0].Transpose(0, 1).MatMul(t[0]),
            _ => throw new ArgumentException(op),
        };
        Check(f, op.StartsWith("MatMul") ? [a, b] : [a]);
    }

    public static TheoryData<string> Losses => new() { "CrossEntropy", "CrossEntropySmoothing", "CrossEntropyNone", "CrossEntropyWeightedIgnore", "CrossEntropyWeightedSmoothingNone", "Mse", "Bce", "BceWeighted", "BceWithLogits", "Nll" };

    [Theory]
    [MemberData(nameof(Losses))]
    public void LossOps(string op)
    {
        var logits = R([4, 3], 7);
        var w = R([3, 3], 8);
        int[] labels = [0, 2, 1, 2];
        var target = Tensor.FromArray([0.2, 0.9, 0.0, 1.0, 0.5, 0.3, 0.7, 0.1, 0.4, 1.0, 0.0, 0.6], [4, 3]);
        Func<Tensor[], Tensor> f = op switch
        {
            "CrossEntropy" => t => Functional.CrossEntropy(t[0].MatMul(t[1]), labels),
            "CrossEntropySmoothing" => t => Functional.CrossEntropy(t[0].MatMul(t[1]), labels, labelSmoothing: 0.2),
            "CrossEntropyNone" => t => Functional.CrossEntropy(t[0].MatMul(t[1]), labels, Reduction.None),
            "CrossEntropyWeightedIgnore" => t => Functional.CrossEntropy(t[0].MatMul(t[1]), [0, -100, 1, 2], weight: Tensor.FromArray([0.5, 2.0, 1.5], [3])),
            "CrossEntropyWeightedSmoothingNone" => t => Functional.CrossEntropy(t[0].MatMul(t[1]), labels, Reduction.None, labelSmoothing: 0.2, weight: Tensor.FromArray([0.5, 2.0, 1.5], [3])),
            "Mse" => t => Functional.MseLoss(t[0].MatMul(t[1]), target),
            "Bce" => t => Functional.BinaryCrossEntropy(t[0].MatMul(t[1]).Sigmoid(), target),
            "BceWeighted" => t => Functional.BinaryCrossEntropy(t[0].MatMul(t[1]).Sigmoid(), target, weight: Tensor.FromArray([0.5, 2.0, 1.0], [3])),
            "BceWithLogits" => t => Functional.BinaryCrossEntropyWithLogits(t[0].MatMul(t[1]), target),
            "Nll" => t => Functional.NllLoss(t[0].MatMul(t[1]).LogSoftmax(1), labels),
            _ => throw new ArgumentException(op),
        };
        Check(f, logits, w);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LinearAndFusedLinearRelu(bool relu)
    {
        var x = R([5, 3], 9);
        var w = R([4, 3], 10);
        var b = R([4], 11, 0.1, 0.3);
        Check(t => (relu ? NNFunctional.LinearRelu(t[0], t[1], t[2]) : NNFunctional.Linear(t[0], t[1], t[2])).Square(), x, w, b);
        Check(t => NNFunctional.Relu(NNFunctional.Linear(t[0], t[1])).Mul(t[0].Sum(1, keepDim: true)), x, w);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormInTrainingAndEvaluation(bool training)
    {
        var x = R([4, 3, 2], 12);
        var gamma = R([3], 13, 0.3, 1);
        var beta = R([3], 14);
        var rm = Tensor.FromArray([0.1, -0.2, 0.3]);
        var rv = Tensor.FromArray([1.5, 0.7, 1.1]);
        Check(t => NNFunctional.BatchNorm(t[0], training ? null : rm, training ? null : rv, t[1], t[2], training).Square(), x, gamma, beta);
    }

    [Fact]
    public void LayerNormGroupNormAndDropout()
    {
        var x = R([2, 4, 3], 15);
        var ln = new LayerNorm(3, dtype: DType.Float64);
        Check(t => ln.Forward(t[0]).Square(), x);
        var gn = new GroupNorm(2, 4, dtype: DType.Float64);
        Check(t => gn.Forward(t[0]).Square(), x);
        // Dropout's mask must be the same in every evaluation: one generator state per call.
        Check(t => NNFunctional.Dropout(t[0], 0.3, training: true, generator: new Generator(3)).Square(), x);
        var eval = new LayerNorm(3, dtype: DType.Float64);
        eval.Eval();
        Check(t => eval.Forward(t[0]).Square(), x);
    }

    [Fact]
    public void RulesWithoutADifferentiableFormRefuseCreateGraph()
    {
        var a = Tensor.FromArray(new double[,] { { 4, 1 }, { 1, 3 } }, requiresGrad: true);
        var ex = Assert.Throws<NotSupportedException>(() => AG.Gradient(Overfit.Tensors.Linalg.Cholesky(a).Sum(), [a], createGraph: true));
        Assert.Contains("Cholesky", ex.Message);
        // First order still works.
        Assert.Equal([2, 2], AG.Gradient(Overfit.Tensors.Linalg.Cholesky(a).Sum(), [a])[0].Shape);
    }

    [Fact]
    public void BackwardWithCreateGraphKeepsTheGradientsGraph()
    {
        var x = Tensor.FromArray([1.0, 2.0], [2], requiresGrad: true);
        x.Mul(x).Mul(x).Sum().Backward(createGraph: true);
        var g = x.Grad!;
        Assert.True(g.RequiresGrad);
        var h = AG.Gradient(g.Sum(), [x])[0];
        // d/dx Σ 3x² = 6x
        Assert.Equal(6.0, h[0], 12);
        Assert.Equal(12.0, h[1], 12);
    }

    [Fact]
    public void FirstOrderBackwardIsUnchangedByTheCreateGraphRules()
    {
        // The fused fast path and the createGraph form give the same first-order gradients.
        var x = R([6, 5], 16);
        var w = R([3, 5], 17);
        var b = R([3], 18);
        var fast = AG.Gradient(Functional.CrossEntropy(NNFunctional.LinearRelu(x, w, b), [0, 1, 2, 0, 1, 2], labelSmoothing: 0.1), [x, w, b]);
        var graph = AG.Gradient(Functional.CrossEntropy(NNFunctional.LinearRelu(x, w, b), [0, 1, 2, 0, 1, 2], labelSmoothing: 0.1), [x, w, b], createGraph: true);
        for (int i = 0; i < 3; i++)
        {
            var (p, q) = (fast[i].ToDoubleArray(), graph[i].ToDoubleArray());
            for (int k = 0; k < p.Length; k++) Assert.Equal(p[k], q[k], 12);
            Assert.True(graph[i].RequiresGrad);
            Assert.False(fast[i].RequiresGrad);
        }
    }
}
