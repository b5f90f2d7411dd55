using System.Numerics;
using Overfit.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.NN;

public static partial class NNFunctional
{
    /// <summary>
    /// Batch normalization of x [N, C, *] per channel, in one recorded op. With
    /// <paramref name="useBatchStatistics"/> it normalizes with the batch mean and BIASED variance over
    /// (N, *) and, when running buffers are given, updates them in place with the UNBIASED variance:
    /// running = (1 − f)·running + f·batch. Otherwise it uses the running statistics.
    /// Backward (batch statistics), with x̂ = (x − μ)/√(σ² + ε):
    /// dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂)).
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool useBatchStatistics, double averagingFactor = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2) throw new ArgumentException($"BatchNorm: input must be [N, C, *], got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        int n = input.ShapeSpan[0], c = input.ShapeSpan[1];
        int spatial = input.Numel / Math.Max(1, n * c);
        foreach (var (t, name) in new[] { (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)), (weight, nameof(weight)), (bias, nameof(bias)) })
            if (t is not null && (t.Rank != 1 || t.ShapeSpan[0] != c || t.DType != input.DType || !t.IsContiguous))
                throw new ArgumentException($"BatchNorm: {name} must be a contiguous [{c}] {input.DType} tensor, got {ShapeUtil.Format(t.ShapeSpan)} {t.DType}", name);
        if (!useBatchStatistics && (runningMean is null || runningVar is null))
            throw new ArgumentException("BatchNorm: evaluation with running statistics needs runningMean and runningVar", nameof(runningMean));
        int m = n * spatial;
        if (useBatchStatistics && m <= 1)
            throw new ArgumentException($"BatchNorm: expected more than 1 value per channel when training, got input of shape {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));

        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.Shape, input.DType);
        var mean = new double[c];
        var invStd = new double[c];
        if (input.DType == DType.Float32) BatchNormForward<float>(x, y, runningMean, runningVar, weight, bias, useBatchStatistics, averagingFactor, eps, n, c, spatial, mean, invStd);
        else BatchNormForward<double>(x, y, runningMean, runningVar, weight, bias, useBatchStatistics, averagingFactor, eps, n, c, spatial, mean, invStd);

        Tensor[] inputs = [input, weight ?? Tensor.Scalar(0, input.DType), bias ?? Tensor.Scalar(0, input.DType)];
        return Record(y, "BatchNorm", inputs, g =>
        {
            if (IsCreatingGraph) return UnfusedGradient(inputs, () => BatchNormUnfused(input, runningMean, runningVar, weight, bias, useBatchStatistics, eps, mean, invStd), g);
            var gc = g.Contiguous();
            var dx = input.RequiresGrad ? Tensor.Empty(input.Shape, input.DType) : null;
            var dgamma = weight is not null && weight.RequiresGrad ? Tensor.Empty([c], input.DType) : null;
            var dbeta = bias is not null && bias.RequiresGrad ? Tensor.Empty([c], input.DType) : null;
            if (input.DType == DType.Float32) BatchNormBackward<float>(gc, x, weight, dx, dgamma, dbeta, useBatchStatistics, n, c, spatial, mean, invStd);
            else BatchNormBackward<double>(gc, x, weight, dx, dgamma, dbeta, useBatchStatistics, n, c, spatial, mean, invStd);
            return [dx, dgamma, dbeta];
        });
    }

    /// <summary>
    /// The same normalization from recorded tensor ops (for createGraph mode): batch statistics are recomputed
    /// from x so that their dependence on x is differentiated; running statistics are the saved constants.
    /// </summary>
    private static Tensor BatchNormUnfused(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool batchStats, double eps, double[] mean, double[] invStd)
    {
        int n = input.ShapeSpan[0], c = input.ShapeSpan[1];
        var x = input.Reshape(n, c, -1);
        Tensor xhat;
        if (batchStats) xhat = Normalization.Standardize(x, [0, 2], eps);
        else
        {
            var mu = Tensor.FromArray(mean, [1, c, 1]).To(input.DType);
            var inv = Tensor.FromArray(invStd, [1, c, 1]).To(input.DType);
            xhat = x.Sub(mu).Mul(inv);
        }
        return Normalization.ChannelAffine(xhat, weight, bias ?? (weight is null ? null : Tensor.Zeros([c], input.DType))).Reshape(input.Shape);
    }

    private static void BatchNormForward<T>(Tensor xt, Tensor yt, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool batchStats, double factor, double eps, int n, int c, int spatial, double[] mean, double[] invStd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = xt.AsSpan<T>();
        var y = yt.AsSpan<T>();
        int m = n * spatial;
        for (int ch = 0; ch < c; ch++)
        {
            double mu, variance;
            if (batchStats)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) foreach (var v in x.Slice((i * c + ch) * spatial, spatial)) sum += double.CreateTruncating(v);
                mu = sum / m;
                double sq = 0;
                for (int i = 0; i < n; i++) foreach (var v in x.Slice((i * c + ch) * spatial, spatial)) { double d = double.CreateTruncating(v) - mu; sq += d * d; }
                variance = sq / m;
                if (runningMean is not null && runningVar is not null)
                {
                    var rm = runningMean.AsSpan<T>(); var rv = runningVar.AsSpan<T>();
                    rm[ch] = T.CreateTruncating((1 - factor) * double.CreateTruncating(rm[ch]) + factor * mu);
                    rv[ch] = T.CreateTruncating((1 - factor) * double.CreateTruncating(rv[ch]) + factor * sq / (m - 1));
                }
            }
            else
            {
                mu = double.CreateTruncating(runningMean!.AsSpan<T>()[ch]);
                variance = double.CreateTruncating(runningVar!.AsSpan<T>()[ch]);
            }
            double inv = 1 / Math.Sqrt(variance + eps);
            mean[ch] = mu;
            invStd[ch] = inv;
            double gamma = weight is null ? 1 : double.CreateTruncating(weight.AsSpan<T>()[ch]);
            double beta = bias is null ? 0 : double.CreateTruncating(bias.AsSpan<T>()[ch]);
            // y = scale·x + shift with scale = γ/σ, shift = β − μ·γ/σ
            T scale = T.CreateTruncating(gamma * inv), shift = T.CreateTruncating(beta - mu * gamma * inv);
            for (int i = 0; i < n; i++)
            {
                int off = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) y[off + s] = scale * x[off + s] + shift;
            }
        }
    }

    private static void BatchNormBackward<T>(Tensor gt, Tensor xt, Tensor? weight, Tensor? dxt, Tensor? dgammat, Tensor? dbetat,
        bool batchStats, int n, int c, int spatial, double[] mean, double[] invStd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = gt.AsSpan<T>();
        var x = xt.AsSpan<T>();
        int m = n * spatial;
        for (int ch = 0; ch < c; ch++)
        {
            double mu = mean[ch], inv = invStd[ch];
            double sumG = 0, sumGXhat = 0;
            for (int i = 0; i < n; i++)
            {
                int off = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++)
                {
                    double gv = double.CreateTruncating(g[off + s]);
                    sumG += gv;
                    sumGXhat += gv * (double.CreateTruncating(x[off + s]) - mu) * inv;
                }
            }
            if (dgammat is not null) dgammat.AsSpan<T>()[ch] = T.CreateTruncating(sumGXhat);
            if (dbetat is not null) dbetat.AsSpan<T>()[ch] = T.CreateTruncating(sumG);
            if (dxt is null) continue;
            var dx = dxt.AsSpan<T>();
            double gamma = weight is null ? 1 : double.CreateTruncating(weight.AsSpan<T>()[ch]);
            double k = gamma * inv;
            // With running statistics the normalization is an affine map: dx = γ/σ · dy.
            double meanG = batchStats ? sumG / m : 0, meanGXhat = batchStats ? sumGXhat / m : 0;
            for (int i = 0; i < n; i++)
            {
                int off = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++)
                {
                    double xhat = (double.CreateTruncating(x[off + s]) - mu) * inv;
                    dx[off + s] = T.CreateTruncating(k * (double.CreateTruncating(g[off + s]) - meanG - xhat * meanGXhat));
                }
            }
        }
    }
}
