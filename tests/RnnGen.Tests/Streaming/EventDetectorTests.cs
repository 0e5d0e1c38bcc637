using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class EventDetectorTests
{
    private static int[] FiringSteps(EventDetector d, params float[] scores)
    {
        var steps = new List<int>();
        for (int i = 0; i < scores.Length; i++)
            if (d.Update(scores[i])) steps.Add(i);
        return steps.ToArray();
    }

    [Fact]
    public void FiresOncePerEpisodeWhenTheMinimumDurationIsReached()
    {
        // Enter at 0.8, exit below 0.4, three steps. The dip to 0.5 at step 5 does not end the episode (hysteresis).
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Equal([4], FiringSteps(d, 0.1f, 0.5f, 0.85f, 0.9f, 0.95f, 0.5f, 0.9f, 0.9f, 0.3f));
        Assert.False(d.InEpisode);
    }

    [Fact]
    public void ABlipShorterThanTheMinimumNeverFires()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Empty(FiringSteps(d, 0.9f, 0.9f, 0.2f, 0.9f, 0.3f, 0.9f, 0.9f, 0.1f));
    }

    [Fact]
    public void TheMinimumDurationCountsStepsAboveExitAfterEntering()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Equal([2], FiringSteps(d, 0.9f, 0.5f, 0.5f, 0.5f));
    }

    [Fact]
    public void RefractoryPeriodBlocksNewEpisodesAfterOneEnds()
    {
        // Episode ends at step 2; steps 3–5 are refractory; the score is high from step 3, so the next episode begins at 6.
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 1, refractorySteps: 3);
        Assert.Equal([0, 6], FiringSteps(d, 0.9f, 0.9f, 0.1f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f));
    }

    [Fact]
    public void NaNEndsAnEpisodeAndNeverStartsOne()
    {
        var d = new EventDetector(0, 0.8f, 0.4f);
        Assert.Equal([0, 2], FiringSteps(d, 0.9f, float.NaN, 0.9f, float.NaN, float.NaN));
    }

    [Fact]
    public void ResetEndsTheEpisode()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, refractorySteps: 100);
        Assert.True(d.Update(0.9f));
        d.Reset();
        Assert.True(d.Update(0.9f));
    }

    [Fact]
    public void ThresholdsMustBeOrdered()
    {
        Assert.Equal("exitThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => new EventDetector(0, 0.4f, 0.8f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 0));
    }

    [Fact]
    public void UpdateAllocatesNothing()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, 2, 3);
        int i = 0;
        long bytes = Allocations.Measure(() => d.Update((i++ % 10) / 10f));
        Assert.Equal(0, bytes);
    }
}
