using Overfit.Tensors;

namespace Overfit.Tests.Tensors;

/// <summary>Bad input fails with a message naming the op, what was expected and what came.</summary>
public class BadInputTests
{
    private static void AssertMessage(Exception e, params string[] parts)
    {
        foreach (var p in parts) Assert.Contains(p, e.Message);
    }

    [Fact]
    public void ShapesWhoseSizeWrapsAroundAreRefused()
    {
        // 65,536⁴ = 2⁶⁴ wrapped a long product to 0 elements; 65,536² = 2³² wraps an int product to 0.
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Zeros([65_536, 65_536, 65_536, 65_536])), "[65536, 65536, 65536, 65536]", "more than 2147483647 elements");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Zeros([65_536, 65_536])), "more than 2147483647 elements");
        Assert.Throws<ArgumentException>(() => Tensor.Zeros([4, -1]));
        Assert.Equal(0, Tensor.Zeros([0, 65_536, 65_536, 65_536]).Numel);
    }

    [Fact]
    public void ShapeMismatchesNameBothShapesAndTheOp()
    {
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4]);
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Add(b)), "Add", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Mul(b)), "Mul", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Maximum(b)), "Maximum", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Gt(b)), "Gt", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Where(a, a, b)), "Where", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.MatMul(Tensor.Zeros([2, 3]))), "MatMul", "[2, 3]", "(3 vs 2)");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 2, 3]).MatMul(Tensor.Zeros([3, 3, 1]))), "MatMul", "[2]", "[3]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Concat([a, Tensor.Zeros([3, 3])], 1)), "Concat", "[2, 3]", "[3, 3]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Stack([a, Tensor.Zeros([3, 2])])), "Stack", "[2, 3]", "[3, 2]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Reshape(4, 2)), "Reshape", "[2, 3]", "[4, 2]");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.BroadcastTo(3, 3)), "BroadcastTo", "[2, 3]", "[3, 3]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.MseLoss(a, b)), "MseLoss", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.BinaryCrossEntropy(a, b)), "BinaryCrossEntropy", "[2, 3]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.SquaredDistance(a, Tensor.Zeros([2, 4]))), "SquaredDistance", "[2, 3]", "[2, 4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(b, [0])), "CrossEntropy", "[N, C]", "[4]");
        AssertMessage(Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(a, [0, 1, 2])), "CrossEntropy", "3 targets", "2 rows");
    }

    [Fact]
    public void DTypeMismatchesNameBothDTypes()
    {
        var f = Tensor.Zeros([2], DType.Float32);
        var d = Tensor.Zeros([2], DType.Float64);
        AssertMessage(Assert.Throws<ArgumentException>(() => f.Add(d)), "Add", "float32", "float64");
        AssertMessage(Assert.Throws<ArgumentException>(() => d.Sub(f)), "Sub", "float64", "float32");
        AssertMessage(Assert.Throws<ArgumentException>(() => f.MatMul(d)), "MatMul", "float32", "float64");
        AssertMessage(Assert.Throws<ArgumentException>(() => f.Lt(d)), "Lt", "float32", "float64");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Concat([f, d])), "Concat", "float32", "float64");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Where(f, f, d)), "Where", "float32", "float64");
        AssertMessage(Assert.Throws<ArgumentException>(() => f.CopyFrom(d)), "CopyFrom", "float32", "float64");
    }

    [Fact]
    public void OutOfRangeDimsAndIndicesSayWhatWasAllowed()
    {
        var a = Tensor.Zeros([2, 3]);
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => a.Sum(2)), "Sum", "dim 2", "-2..1");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => a.Softmax(-3)), "Softmax", "dim -3");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Sum([1, -1])), "Sum", "twice");
        AssertMessage(Assert.Throws<IndexOutOfRangeException>(() => a.IndexSelect(1, [3])), "IndexSelect", "index 3", "size 3");
        AssertMessage(Assert.Throws<IndexOutOfRangeException>(() => a.Gather(1, [5, 0, 0, 0, 0, 0], [2, 3])), "Gather", "index 5");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(a, [0, 3])), "target 3", "0..2");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot([0, 4], 3)), "label 4", "0..2");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Permute(0, 0)), "Permute", "repeated");
        AssertMessage(Assert.Throws<ArgumentException>(() => a.Clamp(1, 0)), "Clamp", "min 1", "max 0");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Zeros([0, 2]).Max(0)), "Max", "size 0");
        AssertMessage(Assert.Throws<ArgumentException>(() => Tensor.Zeros([-1])), "shape", "[-1]");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(a, [0, 1], Reduction.Mean, 1.5)), "labelSmoothing", "1.5");
    }
}
