using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The training objective of a <see cref="DeepKernelRegressor"/> over fixed training data: the exact marginal log
/// likelihood per point (plus the base kernel's log priors) at the model's current parameters, and on request the
/// gradient of its negative (the loss) in every parameter's <see cref="Tensor.Grad"/>: the network's through autograd from
/// ∂LML/∂features, θ's and the noise's directly. The Float64 GP algebra runs in the one <see cref="MarginalLikelihood"/>,
/// whose input buffer receives the features before every evaluation.
/// </summary>
internal sealed class DeepKernelObjective(DeepKernelRegressor model, Tensor x, double[] y)
{
    private MarginalLikelihood? _likelihood;
    private double[] _features = [];
    private int _d = -1;

    /// <summary>Exact MLL / n (+ log prior / n); with <paramref name="backward"/>, accumulates ∂(−that)/∂parameter into the gradients.</summary>
    public double Evaluate(bool backward)
    {
        var kernel = model.Kernel;
        kernel.SyncBaseKernel();
        Tensor z;
        if (backward) z = kernel.Forward(x);
        else using (Autograd.Autograd.NoGrad()) z = kernel.Forward(x);
        int n = y.Length, d = z.Size(1);
        if (_likelihood is null || d != _d)
        {
            _features = new double[ExactInference.Elements(n, d, nameof(x))];
            _likelihood = new MarginalLikelihood(kernel.BaseKernel, _features, n, d, y, model.Noise);
            _d = d;
        }
        z.Detach().Contiguous().ToDoubleArray().CopyTo(_features, 0);
        foreach (double v in _features)
            if (!double.IsFinite(v))
                throw new InvalidOperationException($"the feature extractor produced a non-finite feature ({v}); the network's weights diverged: lower the learning rate");
        double noise = model.Noise;
        var theta = kernel.BaseKernel.Theta;
        var thetaGradient = new double[theta.Length];
        var featureGradient = new double[_features.Length];
        double lml = _likelihood.EvaluateWithInputs(theta, noise, thetaGradient, featureGradient, out double noiseGradient);
        if (!double.IsFinite(lml)) throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(n));
        double value = (lml + kernel.BaseKernel.LogPrior()) / n;
        if (!backward) return value;
        for (int i = 0; i < featureGradient.Length; i++) featureGradient[i] = -featureGradient[i] / n;
        z.Backward(Tensor.FromArray(featureGradient, [n, d]));
        if (kernel.RawTheta is { } rawTheta)
        {
            var priorGradient = kernel.BaseKernel.LogPriorGradient();
            for (int i = 0; i < theta.Length; i++) thetaGradient[i] = -(thetaGradient[i] + priorGradient[i]) / n;
            Accumulate(rawTheta, thetaGradient);
        }
        // noise = exp(raw): ∂/∂raw = noise·∂/∂noise.
        Accumulate(model.RawNoise, [-noise * noiseGradient / n]);
        return value;
    }

    private static void Accumulate(Tensor parameter, double[] gradient)
    {
        var g = Tensor.FromArray(gradient, parameter.Shape);
        parameter.Grad = parameter.Grad is null ? g : parameter.Grad.Add(g);
    }
}
