using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.LinearModels;

/// <summary>
/// Common shape of the linear estimators: y ≈ X·w + b. Subclasses store their settings in the constructor and learn
/// <see cref="Coefficients"/> and <see cref="Intercept"/> in Fit (which returns the estimator itself).
/// </summary>
public abstract class LinearModel : IRegressor
{
    protected LinearModel(bool fitIntercept) { FitIntercept = fitIntercept; }

    public bool FitIntercept { get; }

    /// <summary>Learned weights, one per feature (empty before Fit).</summary>
    public double[] Coefficients { get; protected set; } = [];

    /// <summary>Learned intercept (0 when FitIntercept is false).</summary>
    public double Intercept { get; protected set; }

    public bool IsFitted => Coefficients.Length > 0;

    /// <summary>Learns from X (n×p, row-major) and y (n); inputs are already checked.</summary>
    private protected abstract void FitCore(MatrixView x, double[] y);

    private protected void FitChecked(MatrixView x, double[] y)
    {
        DenseInput.CheckXy(x, y, checkX: !ChecksFiniteWhileFitting);
        FitCore(x, y);
    }

    /// <summary>True when FitCore itself rejects a non-finite X (from its one pass over the rows), so X is not scanned twice.</summary>
    private protected virtual bool ChecksFiniteWhileFitting => false;

    private protected void FitMatrix(double[,] x, double[] y) => FitChecked(DenseInput.Matrix(x, nameof(x)), DenseInput.Vector(y, nameof(y)));
    private protected void FitMatrix(Tensor x, Tensor y) => FitChecked(DenseInput.Matrix(x, nameof(x)), DenseInput.Vector(y, nameof(y)));

    public double[] Predict(double[,] x) => Predict(DenseInput.Matrix(x, nameof(x)));

    public Tensor Predict(Tensor x)
    {
        var p = Predict(DenseInput.Matrix(x, nameof(x)));
        return Tensor.FromArray(p, [p.Length]);
    }

    internal double[] Predict(MatrixView x)
    {
        if (!IsFitted) throw new InvalidOperationException($"{GetType().Name} is not fitted yet: call Fit before Predict");
        DenseInput.CheckFeatures(Coefficients.Length, x.Cols, "x");
        var span = x.Span;
        var result = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++) result[i] = TensorPrimitives.Dot(span.Slice(i * x.Cols, x.Cols), Coefficients) + Intercept;
        return result;
    }

    /// <summary>R² of the predictions on (X, y).</summary>
    public double Score(double[,] x, double[] y) => RegressionScore.R2(y, Predict(x));

    IRegressor IRegressor.Fit(double[,] x, double[] y) { FitMatrix(x, y); return this; }

    public IRegressor CloneUnfitted()
    {
        var c = (LinearModel)MemberwiseClone();
        c.Coefficients = [];
        c.Intercept = 0;
        c.ResetLearnedState();
        return c;
    }

    /// <summary>Clears subclass-specific learned state in clones.</summary>
    private protected virtual void ResetLearnedState() { }
}
