using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>Inverted dropout while training (zero with probability p, scale survivors by 1/(1−p)); identity in eval.</summary>
public sealed class Dropout : Module
{
    private readonly Generator _generator;

    /// <summary>Dropout with drop probability <paramref name="p"/> (like torch.nn.Dropout; default 0.5).</summary>
    /// <param name="p">Probability of zeroing each element, in [0, 1].</param>
    /// <param name="generator">Source of the masks (null: <see cref="Generator.Default"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1].</exception>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1], got {p}");
        P = p;
        _generator = generator ?? Generator.Default;
    }

    /// <summary>Probability of zeroing each element while training.</summary>
    public double P { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => NNFunctional.Dropout(input, P, Training, _generator);

    /// <summary>PyTorch-style description, e.g. "Dropout(p=0.5)".</summary>
    public override string ToString() => $"Dropout(p={P})";
}
