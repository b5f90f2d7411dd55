using Overfit.Tensors.Kernels;

namespace Overfit.Optim;

/// <summary>
/// Where an optimizer's pass over one parameter splits for two cores. The updates are bound by their arithmetic, so the
/// second core pays off on the large weight matrices: a parameter of at least 2^15 elements, when two threads may run,
/// goes in two halves whose boundary is a multiple of 64 elements (whole vectors on both sides).
/// </summary>
internal static class ParameterHalves
{
    private const int MinLength = 1 << 15;

    /// <summary>The first index of the second half, or 0 when <paramref name="n"/> elements run in one pass.</summary>
    public static int Split(int n) => n < MinLength || Threading.Effective < 2 ? 0 : n / 2 / 64 * 64;

    /// <summary>The range [from, to) of half <paramref name="i"/> (0 or 1) of <paramref name="n"/> elements split at <paramref name="half"/>.</summary>
    public static (int From, int To) Range(int i, int half, int n) => i == 0 ? (0, half) : (half, n);
}
