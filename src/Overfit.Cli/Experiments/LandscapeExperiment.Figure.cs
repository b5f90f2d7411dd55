using Overfit.Landscape;
using Overfit.Plotting;
using ScottPlot;

namespace Overfit.Cli.Experiments;

internal sealed partial class LandscapeExperiment
{
    private static Figure DrawFittedSurface(double[] popt, double offset, IReadOnlyList<SurfaceTrajectory> runs)
    {
        var figure = new Figure(rows: 1, columns: 1, panelWidth: 760, panelHeight: 640);
        var fine = Linspace(-1, 1, 80);
        var z = new double[fine.Length, fine.Length];
        for (int i = 0; i < fine.Length; i++)
            for (int j = 0; j < fine.Length; j++) z[i, j] = GaussianSurface.Evaluate(popt, offset, fine[j], fine[i]);
        var panel = figure.Panel(0);
        panel.Surface("Fitted loss surface and SGD end points", "λ1 (top eigenvector)", "λ2 (second eigenvector)", "fitted loss", fine, fine, z, contourCount: 20);
        panel.Points(runs.Select(r => new LabelledPoint($"wd={r.WeightDecay:0.0}", r.FinalPosition[0], r.FinalPosition[1])), MarkerShape.FilledCircle);
        return figure;
    }

    private static Figure DrawSurface(double[] lambdas, double[,] z)
    {
        // Plane's z[i, j] is at (λ1[i], λ2[j]); the panel wants rows along y (λ2).
        int n = lambdas.Length;
        var t = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) t[j, i] = z[i, j];
        var figure = new Figure(rows: 1, columns: 2, panelWidth: 760, panelHeight: 640);
        figure.Panel(0).Surface("Loss along the top-2 Hessian eigenvectors", "λ1 (top eigenvector)", "λ2 (second eigenvector)", "cross-entropy", lambdas, lambdas, t);
        figure.Panel(1).Wireframe("The same surface in 3-D (height: cross-entropy)", "λ1 (top eigenvector)", "λ2 (second eigenvector)", lambdas, lambdas, t);
        return figure;
    }

    private static Figure DrawDensity(SpectralDensity density)
    {
        double lo = density.Nodes.SelectMany(n => n).Min(), hi = density.Nodes.SelectMany(n => n).Max();
        double pad = Math.Max(1e-3, 0.05 * (hi - lo));
        var grid = Enumerable.Range(0, 2000).Select(i => lo - pad + (hi - lo + 2 * pad) * i / 1999).ToArray();
        // A visible width: 1% of the spectrum's span (PyHessian's 1e-5 variance suits spectra of width ~1).
        double sigma = Math.Max(1e-3, 0.01 * (hi - lo));
        var values = density.Evaluate(grid, sigma * sigma).Select(v => Math.Max(v, 1e-12)).ToArray();
        var figure = new Figure(rows: 1, columns: 1, panelWidth: 760, panelHeight: 520);
        figure.Panel(0).Lines("Hessian eigenvalue density (stochastic Lanczos quadrature)", "eigenvalue", "density (log scale)",
            [new Series("density", grid, PanelExtensions.Log10(values))]);
        return figure;
    }
}
