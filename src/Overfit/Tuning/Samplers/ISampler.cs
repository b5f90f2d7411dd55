namespace Overfit.Tuning;

/// <summary>
/// Proposes parameter values (Optuna's BaseSampler). At the start of each trial the study asks for a relative search
/// space and samples it jointly (<see cref="SampleRelative"/>); every parameter outside it, or first met later, is
/// sampled on its own (<see cref="SampleIndependent"/>). Values are in the internal representation: the value for
/// float and int parameters, the choice index for categorical ones. Samplers see the study's trials only as immutable
/// <see cref="FrozenTrial"/> records and must be safe to call from several threads of one study.
/// </summary>
public interface ISampler
{
    /// <summary>The parameters to sample jointly for this trial; empty for samplers that only sample independently.</summary>
    IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial);

    /// <summary>Joint values for (a subset of) the relative search space; parameters left out are sampled independently.</summary>
    IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace);

    /// <summary>One value for one parameter, inside <paramref name="distribution"/>.</summary>
    double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution);

    /// <summary>Called when a trial starts, before its relative sampling.</summary>
    void BeforeTrial(Study study, FrozenTrial trial) { }

    /// <summary>Called when a trial is about to finish with <paramref name="state"/> and <paramref name="values"/> (before they are stored).</summary>
    void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) { }
}

/// <summary>Decides whether a running trial should stop early from its intermediate values (Optuna's BasePruner).</summary>
public interface IPruner
{
    /// <summary>True when <paramref name="trial"/> (its latest record, with the intermediate values reported so far) should be pruned.</summary>
    bool Prune(Study study, FrozenTrial trial);
}
