using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class EmaSmootherTests
{
    [Fact]
    public void StartsAtTheFirstInputThenMovesAlphaOfTheWay()
    {
        var s = new EmaSmoother(2, 0.25f);
        Assert.False(s.HasValue);
        Assert.Equal([0.2f, 0.8f], s.Update([0.2f, 0.8f]).ToArray());
        // y = 0.2 + 0.25·(1 − 0.2) = 0.4 ; 0.8 + 0.25·(0 − 0.8) = 0.6
        s.Update([1f, 0f]);
        Assert.Equal(0.4f, s.Value[0], 6);
        Assert.Equal(0.6f, s.Value[1], 6);
        s.Reset();
        Assert.False(s.HasValue);
        Assert.Equal([1f, 0f], s.Update([1f, 0f]).ToArray());
    }

    [Fact]
    public void AlphaMustBeInTheUnitInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmaSmoother(2, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmaSmoother(2, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmaSmoother(2, float.NaN));
    }

    [Fact]
    public void UpdateAllocatesNothing()
    {
        var s = new EmaSmoother(8, 0.1f);
        float[] x = new float[8];
        long bytes = Allocations.Measure(() =>
        {
            x[3] += 1;
            s.Update(x);
        });
        Assert.Equal(0, bytes);
    }
}
