using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>Inverted dropout while training (zero with probability p, scale survivors by 1/(1−p)); identity in eval.</summary>
public sealed class Dropout : Module
{
    private readonly Generator _generator;

    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1], got {p}");
        P = p;
        _generator = generator ?? Generator.Default;
    }

    public double P { get; }

    protected override Tensor ForwardCore(Tensor input) => NNFunctional.Dropout(input, P, Training, _generator);

    public override string ToString() => $"Dropout(p={P})";
}
