using System.Globalization;

namespace RnnGen.Streaming;

/// <summary>
/// How a stream handles bad samples: the <see cref="BadSamplePolicy"/> for each <see cref="BadSampleReason"/>, and the time
/// limits. Allowed combinations:
/// <list type="table">
/// <listheader><term>Reason</term><description>Allowed policies</description></listheader>
/// <item><term><see cref="BadSampleReason.NonFinite"/></term><description>all four (a non-finite timestamp is always dropped, or restarts under ResetState)</description></item>
/// <item><term><see cref="BadSampleReason.OutOfOrder"/></term><description>Drop, ResetState (there is no value to hold or interpolate at a time already passed)</description></item>
/// <item><term><see cref="BadSampleReason.Duplicate"/></term><description>Drop (the first sample at a timestamp wins), ResetState</description></item>
/// <item><term><see cref="BadSampleReason.Gap"/></term><description>all four</description></item>
/// <item><term><see cref="BadSampleReason.TimestampOutOfRange"/></term><description>none: always dropped</description></item>
/// </list>
/// The defaults recover by themselves: a gap restarts the stream, a late sample is dropped, a run of
/// <see cref="ReanchorAfterSamples"/> samples on a new timeline (a sensor clock reset, or the samples after one wild
/// timestamp) restarts the stream on that timeline, and a source silent for <see cref="DeadSourceSeconds"/> stops
/// holding back the others.
/// </summary>
public sealed class BadSampleHandling
{
    /// <summary>The largest <see cref="MaxGapSeconds"/> and finite <see cref="DeadSourceSeconds"/>: one day.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>The largest <see cref="ReanchorAfterSamples"/>.</summary>
    public const int MaxReanchorSamples = 1000;

    /// <summary>Policy for NaN or ±Infinity values. Default <see cref="BadSamplePolicy.HoldLast"/>.</summary>
    public BadSamplePolicy NonFinite { get; init; } = BadSamplePolicy.HoldLast;

    /// <summary>Policy for timestamps earlier than the last accepted one. Default <see cref="BadSamplePolicy.Drop"/>.</summary>
    public BadSamplePolicy OutOfOrder { get; init; } = BadSamplePolicy.Drop;

    /// <summary>Policy for a repeated timestamp. Default <see cref="BadSamplePolicy.Drop"/>.</summary>
    public BadSamplePolicy Duplicate { get; init; } = BadSamplePolicy.Drop;

    /// <summary>
    /// Policy for a silence longer than <see cref="MaxGapSeconds"/>. Default <see cref="BadSamplePolicy.ResetState"/>.
    /// Under HoldLast or Interpolate, a gap spanning more output ticks than the resampler's output capacity restarts
    /// the stream instead (counted in <see cref="StreamCounters.Restarts"/>): frames that could not all be kept are not
    /// made one by one.
    /// </summary>
    public BadSamplePolicy Gap { get; init; } = BadSamplePolicy.ResetState;

    /// <summary>
    /// The longest interval between two accepted samples of one source that is still treated as ordinary jitter
    /// (seconds, in (0, <see cref="MaxSeconds"/>]). Also bounds non-finite interpolation: a channel that stays non-finite
    /// longer than this is held. Default 0.25 s.
    /// </summary>
    public double MaxGapSeconds { get; init; } = 0.25;

    /// <summary>
    /// How long a source may stay silent, measured on the stream's clock (the newest timestamp of any source), before
    /// frames stop waiting for it: its channels then hold their last finite values (0 for a channel that never had one),
    /// counted in <see cref="StreamCounters.DeadSourceFrames"/>, until it speaks again. Seconds in
    /// [<see cref="MaxGapSeconds"/>, <see cref="MaxSeconds"/>], or <see cref="double.PositiveInfinity"/> to wait forever.
    /// Null (the default) means 4 × <see cref="MaxGapSeconds"/> (1 s with the defaults). Only matters with several sources.
    /// </summary>
    public double? DeadSourceSeconds { get; init; }

    /// <summary>
    /// After this many consecutive samples of one source that lie more than <see cref="MaxGapSeconds"/> before its last
    /// accepted sample and agree with each other (increasing, at most <see cref="MaxGapSeconds"/> apart, and not
    /// contradicted by the other sources' samples), the stream restarts on their timeline: the sensor's clock was reset,
    /// or the stream had followed one wild timestamp. Counted in <see cref="StreamCounters.Reanchors"/>. Applies while
    /// <see cref="OutOfOrder"/> is Drop; 0 turns it off. In [0, <see cref="MaxReanchorSamples"/>]; default 3.
    /// </summary>
    public int ReanchorAfterSamples { get; init; } = 3;

    /// <summary><see cref="DeadSourceSeconds"/> with its default applied.</summary>
    public double EffectiveDeadSourceSeconds => DeadSourceSeconds ?? 4 * MaxGapSeconds;

    /// <summary>The policy for <paramref name="reason"/> (<see cref="BadSamplePolicy.Drop"/> for <see cref="BadSampleReason.TimestampOutOfRange"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined reason.</exception>
    public BadSamplePolicy For(BadSampleReason reason) => reason switch
    {
        BadSampleReason.NonFinite => NonFinite,
        BadSampleReason.OutOfOrder => OutOfOrder,
        BadSampleReason.Duplicate => Duplicate,
        BadSampleReason.Gap => Gap,
        BadSampleReason.TimestampOutOfRange => BadSamplePolicy.Drop,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a BadSampleReason."),
    };

    /// <summary>Throws if a value is out of its range or a policy is not allowed for its reason (see the table above).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A time limit or count is out of its range, or a policy is not a defined value; the parameter name is the property's.</exception>
    /// <exception cref="ArgumentException">A policy is not allowed for its reason.</exception>
    public void Validate()
    {
        if (!(MaxGapSeconds > 0 && MaxGapSeconds <= MaxSeconds))
            throw new ArgumentOutOfRangeException(nameof(MaxGapSeconds), MaxGapSeconds, $"MaxGapSeconds must be in (0, {Format(MaxSeconds)}] seconds.");
        double dead = EffectiveDeadSourceSeconds;
        if (!(dead >= MaxGapSeconds && (dead <= MaxSeconds || double.IsPositiveInfinity(dead))))
            throw new ArgumentOutOfRangeException(nameof(DeadSourceSeconds), dead,
                $"DeadSourceSeconds must be in [MaxGapSeconds, {Format(MaxSeconds)}] seconds (MaxGapSeconds is {Format(MaxGapSeconds)}), or +Infinity to wait forever.");
        if (ReanchorAfterSamples is < 0 or > MaxReanchorSamples)
            throw new ArgumentOutOfRangeException(nameof(ReanchorAfterSamples), ReanchorAfterSamples, $"ReanchorAfterSamples must be in [0, {MaxReanchorSamples}] (0 turns re-anchoring off).");
        RequireDefined(nameof(NonFinite), NonFinite);
        RequireDefined(nameof(OutOfOrder), OutOfOrder);
        RequireDefined(nameof(Duplicate), Duplicate);
        RequireDefined(nameof(Gap), Gap);
        RequireDropOrReset(BadSampleReason.OutOfOrder, OutOfOrder);
        RequireDropOrReset(BadSampleReason.Duplicate, Duplicate);
    }

    private static void RequireDefined(string property, BadSamplePolicy policy)
    {
        if (policy is < BadSamplePolicy.Drop or > BadSamplePolicy.ResetState)
            throw new ArgumentOutOfRangeException(property, policy, $"{property} must be Drop, HoldLast, Interpolate or ResetState.");
    }

    private static void RequireDropOrReset(BadSampleReason reason, BadSamplePolicy policy)
    {
        if (policy is not (BadSamplePolicy.Drop or BadSamplePolicy.ResetState))
            throw new ArgumentException(
                $"{reason}: policy {policy} is not allowed; use Drop or ResetState. A sample whose time has already passed has no place to hold or interpolate it.");
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
