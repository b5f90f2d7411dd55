namespace Overfit.Cli.Experiments;

/// <summary>
/// Every experiment of the chapter available as a command and in <c>overfit tour</c>, in tour order.
/// Adding an experiment is one line here.
/// </summary>
public static class ExperimentRegistry
{
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new PolyfitExperiment(),
        new RidgeExperiment(),
        new GpBikeRouteExperiment(),
        new GpRegressExperiment(),
        new BatchNormExperiment(),
        new DropoutExperiment(),
        new RegularizeExperiment(),
        new BayesOptExperiment(),
    ];
}
