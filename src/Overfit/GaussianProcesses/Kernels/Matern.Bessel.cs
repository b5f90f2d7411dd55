using MathNet.Numerics;

namespace Overfit.GaussianProcesses;

public sealed partial class Matern
{
    /// <summary>
    /// k(r) = 2^(1−ν)/Γ(ν)·z^ν·K_ν(z), z = √(2ν)·r, evaluated in logs with the exponentially scaled Bessel function
    /// e^z·K_ν(z) so that neither z^ν nor K_ν over- or underflows at large distances; k(0) = 1.
    /// </summary>
    private static double BesselValue(double nu, double r)
    {
        if (r == 0) return 1;
        double z = Math.Sqrt(2 * nu) * r;
        return Math.Exp((1 - nu) * Math.Log(2) - SpecialFunctions.GammaLn(nu) + nu * Math.Log(z) + Math.Log(SpecialFunctions.BesselKScaled(nu, z)) - z);
    }

    /// <summary>
    /// −(dk/dr)/r, the factor of the stationary gradient rule: d(z^ν K_ν(z))/dz = −z^ν K_(ν−1)(z) gives
    /// 2ν·2^(1−ν)/Γ(ν)·z^(ν−1)·K_(ν−1)(z) (K is even in its order). As r → 0 it tends to ν/(ν − 1) for ν &gt; 1; for
    /// ν ≤ 1 it diverges, but every squared component difference is then 0, so 0 is returned as for ν = ½.
    /// </summary>
    private static double BesselGradientFactor(double nu, double r)
    {
        if (r == 0) return nu > 1 ? nu / (nu - 1) : 0;
        double z = Math.Sqrt(2 * nu) * r;
        return 2 * nu * Math.Exp((1 - nu) * Math.Log(2) - SpecialFunctions.GammaLn(nu) + (nu - 1) * Math.Log(z)
            + Math.Log(SpecialFunctions.BesselKScaled(Math.Abs(nu - 1), z)) - z);
    }
}
