namespace Overfit.Cli.Experiments;

/// <summary>
/// Every experiment of the chapter available as a command and in <c>overfit tour</c>, in the chapter's order, which is the tour's.
/// Adding an experiment is one line here.
/// </summary>
internal static class ExperimentRegistry
{
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new PolyfitExperiment(),
        new RidgeExperiment(),
        new RegularizeExperiment(),
        new DropoutExperiment(),
        new DiagnoseExperiment(),
        new BatchNormExperiment(),
        new BayesOptExperiment(),
        new GpBikeRouteExperiment(),
        new GpRegressExperiment(),
        new UncertaintyExperiment(),
        new LandscapeExperiment(),
        new DklExperiment(),
        new HpoCompareExperiment(),
    ];
}
