using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Tensors;

/// <summary>The one thread-count setting and its environment variable.</summary>
public class ThreadingTests
{
    [Theory]
    [InlineData("3", 3)]
    [InlineData("1", 1)]
    [InlineData("0", 7)]
    [InlineData("-2", 7)]
    [InlineData("two", 7)]
    [InlineData("", 7)]
    [InlineData(null, 7)]
    public void EnvironmentValueMustBeAPositiveInteger(string? value, int expected)
        => Assert.Equal(expected, Threading.FromEnvironment(value, fallback: 7));

    [Fact]
    public void SettingIsSharedByGemmAndBoundedByTheCores()
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            Assert.Equal(1, Gemm.MaxThreads);
            Assert.Equal(1, Threading.Effective);
            Gemm.MaxThreads = 10_000;
            Assert.Equal(10_000, Threading.NumThreads);
            Assert.Equal(Environment.ProcessorCount, Threading.Effective);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Threading.NumThreads = 0);
            Assert.Contains("got 0", e.Message);
        }
        finally { Threading.NumThreads = saved; }
    }
}
