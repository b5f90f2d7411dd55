using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>Array and tensor entry points; they validate shapes and values, then call the span kernels.</summary>
public abstract partial class Kernel
{
    /// <summary>This kernel raised to a fixed power (scikit-learn's <c>kernel ** exponent</c>).</summary>
    public Kernel Pow(double exponent) => new Exponentiation(this, exponent);

    /// <summary>K(X, X) for x (n×d), as an n×n matrix (like calling a scikit-learn kernel with one argument).</summary>
    /// <exception cref="ArgumentException">x is empty or not finite.</exception>
    public double[,] K(double[,] x)
    {
        var (data, n, d) = GpInput.Matrix(x, nameof(x));
        var k = new double[ExactInference.Elements(n, n, nameof(x))];
        EvaluateSymmetric(data, n, d, k);
        return GpInput.ToMatrix(k, n, n);
    }

    /// <summary>K(X, Y) for x (n×d) and y (m×d), as an n×m matrix.</summary>
    /// <exception cref="ArgumentException">An input is empty or not finite, or the column counts differ.</exception>
    public double[,] K(double[,] x, double[,] y)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        var (yd, m, d2) = GpInput.Matrix(y, nameof(y));
        if (d != d2) throw new ArgumentException($"Y must have {d} columns like X, got {d2}", nameof(y));
        var k = new double[ExactInference.Elements(n, m, nameof(y))];
        Evaluate(xd, n, yd, m, d, k);
        return GpInput.ToMatrix(k, n, m);
    }

    /// <summary>diag K(X, X) for x (n×d) (scikit-learn's kernel.diag).</summary>
    /// <exception cref="ArgumentException">x is empty or not finite.</exception>
    public double[] Diag(double[,] x)
    {
        var (data, n, d) = GpInput.Matrix(x, nameof(x));
        var diag = new double[n];
        Diagonal(data, n, d, diag);
        return diag;
    }

    /// <summary>dK/dθ as an n×n×n_theta array (scikit-learn's eval_gradient layout).</summary>
    public double[,,] HyperparameterGradient(double[,] x)
    {
        var (data, n, d) = GpInput.Matrix(x, nameof(x));
        int p = ThetaCount;
        var g = new double[ExactInference.Elements((long)p * n, n, nameof(x))];
        HyperparameterGradients(data, n, d, g);
        var r = new double[n, n, p];
        for (int t = 0; t < p; t++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) r[i, j, t] = g[(t * n + i) * n + j];
        return r;
    }

    /// <summary>∂k(x, y_j)/∂x as an m×d array.</summary>
    public double[,] InputGradient(double[] x, double[,] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (yd, m, d) = GpInput.Matrix(y, nameof(y));
        if (x.Length != d) throw new ArgumentException($"x must have {d} entries like the columns of Y, got {x.Length}", nameof(x));
        GpInput.CheckFinite(x, nameof(x));
        var g = new double[m * d];
        InputGradient(x, yd, m, d, g);
        return GpInput.ToMatrix(g, m, d);
    }

    /// <summary>K(X, X) for x [n, d], as a Float64 tensor [n, n].</summary>
    public Tensor K(Tensor x) => Tensor.FromArray(K(GpInput.ToMatrix(x, nameof(x))));
    /// <summary>K(X, Y) for x [n, d] and y [m, d], as a Float64 tensor [n, m].</summary>
    public Tensor K(Tensor x, Tensor y) => Tensor.FromArray(K(GpInput.ToMatrix(x, nameof(x)), GpInput.ToMatrix(y, nameof(y))));
    /// <summary>diag K(X, X) for x [n, d], as a Float64 tensor [n].</summary>
    public Tensor Diag(Tensor x) => Tensor.FromArray(Diag(GpInput.ToMatrix(x, nameof(x))));
}
