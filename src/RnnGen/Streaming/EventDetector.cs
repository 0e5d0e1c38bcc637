namespace RnnGen.Streaming;

/// <summary>
/// Turns a score per step (e.g. a smoothed class probability) into discrete events, one per episode, with hysteresis.
/// An episode begins when score ≥ <see cref="EnterThreshold"/> and lasts while score ≥ <see cref="ExitThreshold"/>;
/// the event fires once, on the step at which the episode has lasted <see cref="MinDurationSteps"/> steps. After an
/// episode ends, no new one may begin for <see cref="RefractorySteps"/> steps. So a gesture that crosses the threshold
/// a few times while it happens still fires once, and a blip shorter than the minimum duration never fires.
/// </summary>
public sealed class EventDetector
{
    private int _duration;
    private int _refractoryLeft;

    /// <summary>Creates a detector watching model output <paramref name="outputIndex"/>.</summary>
    /// <param name="outputIndex">Index of the watched score in the model's output row.</param>
    /// <param name="enterThreshold">Score at or above which an episode begins.</param>
    /// <param name="exitThreshold">Score below which an episode ends; at most <paramref name="enterThreshold"/>.</param>
    /// <param name="minDurationSteps">Steps an episode must last, counting its first, before it fires (≥ 1).</param>
    /// <param name="refractorySteps">Steps after an episode's end during which no episode may begin (≥ 0).</param>
    public EventDetector(int outputIndex, float enterThreshold, float exitThreshold, int minDurationSteps = 1, int refractorySteps = 0)
    {
        if (outputIndex < 0) throw new ArgumentOutOfRangeException(nameof(outputIndex), outputIndex, "The output index cannot be negative.");
        if (!float.IsFinite(enterThreshold))
            throw new ArgumentOutOfRangeException(nameof(enterThreshold), enterThreshold, "The enter threshold must be finite.");
        if (!float.IsFinite(exitThreshold) || exitThreshold > enterThreshold)
            throw new ArgumentOutOfRangeException(nameof(exitThreshold), exitThreshold, $"The exit threshold must be finite and at most the enter threshold ({enterThreshold}).");
        if (minDurationSteps < 1) throw new ArgumentOutOfRangeException(nameof(minDurationSteps), minDurationSteps, "The minimum duration is at least one step.");
        if (refractorySteps < 0) throw new ArgumentOutOfRangeException(nameof(refractorySteps), refractorySteps, "The refractory period cannot be negative.");
        OutputIndex = outputIndex;
        EnterThreshold = enterThreshold;
        ExitThreshold = exitThreshold;
        MinDurationSteps = minDurationSteps;
        RefractorySteps = refractorySteps;
    }

    /// <summary>Index of the watched score in the model's output row.</summary>
    public int OutputIndex { get; }

    /// <summary>Score at or above which an episode begins.</summary>
    public float EnterThreshold { get; }

    /// <summary>Score below which an episode ends.</summary>
    public float ExitThreshold { get; }

    /// <summary>Steps an episode must last before it fires.</summary>
    public int MinDurationSteps { get; }

    /// <summary>Steps after an episode during which no new one may begin.</summary>
    public int RefractorySteps { get; }

    /// <summary>True while an episode is under way.</summary>
    public bool InEpisode => _duration > 0;

    /// <summary>True once the current episode has fired.</summary>
    public bool HasFired { get; private set; }

    /// <summary>Feeds one step's score.</summary>
    /// <returns>True on the one step per episode at which the event fires.</returns>
    public bool Update(float score)
    {
        if (_duration > 0)
        {
            if (!(score >= ExitThreshold))
            {
                // NaN also ends the episode: an unknown score is not evidence that the gesture goes on.
                _duration = 0;
                HasFired = false;
                _refractoryLeft = RefractorySteps;
                return false;
            }
            _duration++;
        }
        else
        {
            if (_refractoryLeft > 0)
            {
                _refractoryLeft--;
                return false;
            }
            if (!(score >= EnterThreshold)) return false;
            _duration = 1;
        }

        if (HasFired || _duration < MinDurationSteps) return false;
        HasFired = true;
        return true;
    }

    /// <summary>Ends any episode and refractory period (after a restart of the stream).</summary>
    public void Reset()
    {
        _duration = 0;
        _refractoryLeft = 0;
        HasFired = false;
    }
}
