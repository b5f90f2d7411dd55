using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Overfit.Optim;

/// <summary>
/// The gradient with coupled weight decay, d = g + wd·θ, for every optimizer that folds the decay into the gradient
/// (SGD, Adam). The term is added only where there is a decay, as PyTorch adds it: adding 0·θ would turn a gradient of
/// −0 into +0, and an infinite θ into NaN.
/// </summary>
internal static class CoupledDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Apply<T>(Vector512<T> g, Vector512<T> p, Vector512<T> weightDecay, bool decays) where T : unmanaged, IFloatingPointIeee754<T>
        => decays ? g + weightDecay * p : g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Apply<T>(Vector256<T> g, Vector256<T> p, Vector256<T> weightDecay, bool decays) where T : unmanaged, IFloatingPointIeee754<T>
        => decays ? g + weightDecay * p : g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply<T>(T g, T p, T weightDecay, bool decays) where T : unmanaged, IFloatingPointIeee754<T>
        => decays ? g + weightDecay * p : g;
}
