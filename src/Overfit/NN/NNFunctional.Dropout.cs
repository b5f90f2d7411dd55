using Overfit.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.NN;

public static partial class NNFunctional
{
    /// <summary>
    /// Inverted dropout: with <paramref name="training"/>, zero each element with probability
    /// <paramref name="p"/> and scale the survivors by 1/(1−p); otherwise the identity.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1], got {p}");
        if (!training || p == 0) return input;
        if (p == 1) return input.Mul(0.0);
        var gen = generator ?? Generator.Default;
        double scale = 1 / (1 - p);
        var mask = Tensor.Empty(input.Shape, input.DType);
        if (input.DType == DType.Float32)
        {
            var m = mask.AsSpan<float>();
            for (int i = 0; i < m.Length; i++) m[i] = gen.NextDouble() < p ? 0f : (float)scale;
        }
        else
        {
            var m = mask.AsSpan<double>();
            for (int i = 0; i < m.Length; i++) m[i] = gen.NextDouble() < p ? 0.0 : scale;
        }
        var y = input.Detach().Mul(mask);
        return Record(y, "Dropout", [input], g => [g.Mul(mask)]);
    }
}
