using MathNet.Numerics;

namespace Overfit.BayesianOptimization;

/// <summary>Standard normal pieces used by the acquisition functions, written to stay finite far in the tails.</summary>
public static class NormalMath
{
    private static readonly double InvSqrt2 = 1 / Math.Sqrt(2);
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double LogSqrtHalfPi = 0.5 * Math.Log(Math.PI / 2);
    private static readonly double InvSqrtEps = 1 / Math.Sqrt(2.220446049250313e-16);

    /// <summary>Standard normal density φ(z).</summary>
    public static double Pdf(double z) => Math.Exp(-0.5 * z * z - LogSqrt2Pi);
    /// <summary>log φ(z), exact for any z.</summary>
    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;
    /// <summary>Standard normal CDF Φ(z) via erfc (accurate in the lower tail).</summary>
    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z * InvSqrt2);

    /// <summary>log Φ(z), finite for very negative z through erfcx.</summary>
    public static double LogCdf(double z)
    {
        if (z > -5) return Math.Log(Cdf(z));
        double x = -z * InvSqrt2;
        return Math.Log(Erfcx(x) / 2) - x * x;
    }

    /// <summary>Scaled complementary error function exp(x²) erfc(x) (for x &lt; 0 it may overflow).</summary>
    public static double Erfcx(double x)
    {
        if (x < 25) return Math.Exp(x * x) * SpecialFunctions.Erfc(x);
        // Asymptotic series 1/(x√π) (1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶) + 105/(16x⁸)); relative error < 1e-13 here.
        double t = 1 / (2 * x * x);
        double series = 1 - t * (1 - 3 * t * (1 - 5 * t * (1 - 7 * t)));
        return series / (x * Math.Sqrt(Math.PI));
    }

    /// <summary>h(z) = φ(z) + zΦ(z), expected improvement of a unit normal over 0 shifted by z.</summary>
    public static double ExpectedImprovementCore(double z) => Pdf(z) + z * Cdf(z);

    /// <summary>
    /// log h(z) computed stably (Ament et al. 2023): direct for z > -1; for smaller z
    /// log φ(z) + log1mexp(log(erfcx(-z/√2)|z|) + log√(π/2)); beyond -1/√eps the asymptote -z²/2 - log√(2π) - 2 log|z|.
    /// </summary>
    public static double LogExpectedImprovementCore(double z)
    {
        if (z > -1) return Math.Log(ExpectedImprovementCore(z));
        if (z > -InvSqrtEps)
        {
            double w = Math.Log(Erfcx(-z * InvSqrt2) * Math.Abs(z)) + LogSqrtHalfPi;
            return LogPdf(z) + Log1MExp(w);
        }
        return -0.5 * z * z - LogSqrt2Pi - 2 * Math.Log(Math.Abs(z));
    }

    /// <summary>d log h(z)/dz = Φ(z)/h(z), evaluated in log space.</summary>
    public static double LogExpectedImprovementCoreDerivative(double z)
    {
        if (z > -1) return Cdf(z) / ExpectedImprovementCore(z);
        if (z > -InvSqrtEps) return Math.Exp(LogCdf(z) - LogExpectedImprovementCore(z));
        return -z - 2 / z;
    }

    /// <summary>Φ⁻¹(p), the standard normal quantile (−∞ at 0, +∞ at 1).</summary>
    public static double InvCdf(double p) => -Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * p);

    /// <summary>log(Φ(b) − Φ(a)) for a ≤ b, the mass of [a, b], computed in the tail where it is small so it stays finite.</summary>
    public static double LogGaussMass(double a, double b)
    {
        if (b <= 0) return a == double.NegativeInfinity ? LogCdf(b) : LogCdf(b) + Log1MExp(LogCdf(a) - LogCdf(b));
        if (a >= 0) return b == double.PositiveInfinity ? LogCdf(-a) : LogCdf(-a) + Log1MExp(LogCdf(-b) - LogCdf(-a));
        // Both tails below Φ(−8.5) ≈ 1e-17: the mass is 1 to double precision (saves two erfc calls for narrow kernels).
        if (a < -8.5 && b > 8.5) return 0;
        return double.LogP1(-Cdf(a) - Cdf(-b));
    }

    /// <summary>log(1 - exp(w)) for w &lt; 0, accurate on both sides of -log 2.</summary>
    public static double Log1MExp(double w)
        => w > -Math.Log(2) ? Math.Log(-double.ExpM1(w)) : Math.Log(1 - Math.Exp(w));
}
