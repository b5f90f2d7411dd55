namespace Overfit.Tensors.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Runs two independent pieces of work (typically two products of the same size, such as a layer's input and
    /// weight gradients) at the same time on two cores when <see cref="MaxThreads"/> allows it; products started
    /// inside each piece stay on that piece's thread. Mid-sized products gain more this way than by being split
    /// in two, which packs the shared operand twice and synchronizes once per product.
    /// </summary>
    internal static void Concurrently(Action first, Action second)
    {
        if (Threading.Effective < 2 || GemmWorkers.InsideJob)
        {
            first();
            second();
            return;
        }
        GemmWorkers.Run(2, i => (i == 0 ? first : second)());
    }
}
