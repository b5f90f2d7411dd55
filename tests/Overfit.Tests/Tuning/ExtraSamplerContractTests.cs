using Overfit.BayesianOptimization;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class CmaEsSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new CmaEsSampler(seed: seed);
}

public class IpopCmaEsSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new CmaEsSampler(seed: seed, restartStrategy: CmaEsRestartStrategy.Ipop, popsize: 4);
}

public class NsgaIISamplerContractTests : SamplerContractTests
{
    // Small generations so that crossover and mutation run within the suite's 30 trials.
    protected override ISampler CreateSampler(ulong seed) => new NsgaIISampler(populationSize: 6, seed: seed);
}

public class SbxNsgaIISamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new NsgaIISampler(populationSize: 6, seed: seed, crossover: new SbxCrossover());
}

public class BlxAlphaNsgaIISamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new NsgaIISampler(populationSize: 6, seed: seed, crossover: new BlxAlphaCrossover());
}

public class GPSamplerContractTests : SamplerContractTests
{
    // Fewer acquisition restarts and raw samples keep the suite quick; the model and decoding are the default ones.
    protected override ISampler CreateSampler(ulong seed)
        => new GPSampler(seed: seed, nStartupTrials: 5, options: new BoTorchLoopOptions { NumRestarts = 2, RawSamples = 64 });
}
