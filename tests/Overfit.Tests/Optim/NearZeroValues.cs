namespace Overfit.Tests.Optim;

/// <summary>Values the optimizers' state takes near zero, for the tests of their near-zero paths.</summary>
internal static class NearZeroValues
{
    /// <summary>A moment a long run of zero gradients leaves: subnormal, in the lowest binades, below 2^-110, or zero.</summary>
    public static float TinyOrZero(Random rng)
    {
        float sign = rng.Next(2) == 0 ? 1 : -1;
        return rng.Next(4) switch
        {
            0 => sign * BitConverter.Int32BitsToSingle(rng.Next(1, 1 << 23)),
            1 => sign * BitConverter.Int32BitsToSingle(rng.Next(1 << 23, 1 << 24)),
            2 => sign * MathF.ScaleB(1 + rng.NextSingle(), rng.Next(-126, -110)),
            _ => sign * 0f,
        };
    }
}
