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
    public void Fires_once_per_episode_when_the_minimum_duration_is_reached()
    {
        // Enter at 0.8, exit below 0.4, three steps. The dip to 0.5 at step 5 does not end the episode (hysteresis).
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Equal([4], FiringSteps(d, 0.1f, 0.5f, 0.85f, 0.9f, 0.95f, 0.5f, 0.9f, 0.9f, 0.3f));
        Assert.False(d.InEpisode);
    }

    [Fact]
    public void A_blip_shorter_than_the_minimum_never_fires()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Empty(FiringSteps(d, 0.9f, 0.9f, 0.2f, 0.9f, 0.3f, 0.9f, 0.9f, 0.1f));
    }

    [Fact]
    public void The_minimum_duration_counts_steps_above_exit_after_entering()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 3);
        Assert.Equal([2], FiringSteps(d, 0.9f, 0.5f, 0.5f, 0.5f));
    }

    [Fact]
    public void Refractory_period_blocks_new_episodes_after_one_ends()
    {
        // Episode ends at step 2; steps 3–5 are refractory; the score is high from step 3, so the next episode begins at 6.
        var d = new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 1, refractorySteps: 3);
        Assert.Equal([0, 6], FiringSteps(d, 0.9f, 0.9f, 0.1f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f));
    }

    [Fact]
    public void NaN_ends_an_episode_and_never_starts_one()
    {
        var d = new EventDetector(0, 0.8f, 0.4f);
        Assert.Equal([0, 2], FiringSteps(d, 0.9f, float.NaN, 0.9f, float.NaN, float.NaN));
    }

    [Fact]
    public void Reset_ends_the_episode()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, refractorySteps: 100);
        Assert.True(d.Update(0.9f));
        d.Reset();
        Assert.True(d.Update(0.9f));
    }

    [Fact]
    public void Thresholds_must_be_ordered()
    {
        Assert.Equal("exitThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => new EventDetector(0, 0.4f, 0.8f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventDetector(0, 0.8f, 0.4f, minDurationSteps: 0));
    }

    [Fact]
    public void Update_allocates_nothing()
    {
        var d = new EventDetector(0, 0.8f, 0.4f, 2, 3);
        int i = 0;
        long bytes = Allocations.Measure(() => d.Update((i++ % 10) / 10f));
        Assert.Equal(0, bytes);
    }
}
