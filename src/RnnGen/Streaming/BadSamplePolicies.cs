namespace RnnGen.Streaming;

/// <summary>
/// The policy for each <see cref="BadSampleReason"/>, and the gap limit. Allowed combinations:
/// <list type="table">
/// <listheader><term>Reason</term><description>Allowed policies</description></listheader>
/// <item><term><see cref="BadSampleReason.NonFinite"/></term><description>all four (a non-finite timestamp is always dropped, or restarts under ResetState)</description></item>
/// <item><term><see cref="BadSampleReason.OutOfOrder"/></term><description>Drop, ResetState (there is no value to hold or interpolate at a time already passed)</description></item>
/// <item><term><see cref="BadSampleReason.Duplicate"/></term><description>Drop (the first sample at a timestamp wins), ResetState</description></item>
/// <item><term><see cref="BadSampleReason.Gap"/></term><description>all four</description></item>
/// </list>
/// </summary>
public sealed class BadSamplePolicies
{
    /// <summary>Policy for NaN or ±Infinity values. Default <see cref="BadSamplePolicy.HoldLast"/>.</summary>
    public BadSamplePolicy NonFinite { get; init; } = BadSamplePolicy.HoldLast;

    /// <summary>Policy for timestamps earlier than the last accepted one. Default <see cref="BadSamplePolicy.Drop"/>.</summary>
    public BadSamplePolicy OutOfOrder { get; init; } = BadSamplePolicy.Drop;

    /// <summary>Policy for a repeated timestamp. Default <see cref="BadSamplePolicy.Drop"/>.</summary>
    public BadSamplePolicy Duplicate { get; init; } = BadSamplePolicy.Drop;

    /// <summary>Policy for a silence longer than <see cref="MaxGapSeconds"/>. Default <see cref="BadSamplePolicy.ResetState"/>.</summary>
    public BadSamplePolicy Gap { get; init; } = BadSamplePolicy.ResetState;

    /// <summary>
    /// The longest interval between two accepted samples of one source that is still treated as ordinary jitter
    /// (seconds, &gt; 0). Also bounds non-finite interpolation: a channel that stays non-finite longer than this is held.
    /// Default 0.25 s.
    /// </summary>
    public double MaxGapSeconds { get; init; } = 0.25;

    /// <summary>The policy for <paramref name="reason"/>.</summary>
    public BadSamplePolicy For(BadSampleReason reason) => reason switch
    {
        BadSampleReason.NonFinite => NonFinite,
        BadSampleReason.OutOfOrder => OutOfOrder,
        BadSampleReason.Duplicate => Duplicate,
        _ => Gap,
    };

    /// <summary>Throws if a policy is not allowed for its reason (see the table above) or the gap limit is not a positive finite number.</summary>
    /// <exception cref="ArgumentException">A combination is not allowed.</exception>
    public void Validate()
    {
        if (!(MaxGapSeconds > 0) || double.IsInfinity(MaxGapSeconds))
            throw new ArgumentException($"MaxGapSeconds must be a positive finite number of seconds, not {MaxGapSeconds}.");
        RequireDefined(BadSampleReason.NonFinite, NonFinite);
        RequireDefined(BadSampleReason.Gap, Gap);
        RequireDropOrReset(BadSampleReason.OutOfOrder, OutOfOrder);
        RequireDropOrReset(BadSampleReason.Duplicate, Duplicate);
    }

    private static void RequireDefined(BadSampleReason reason, BadSamplePolicy policy)
    {
        if (policy is < BadSamplePolicy.Drop or > BadSamplePolicy.ResetState)
            throw new ArgumentException($"{reason}: unknown policy {(int)policy}.");
    }

    private static void RequireDropOrReset(BadSampleReason reason, BadSamplePolicy policy)
    {
        if (policy is not (BadSamplePolicy.Drop or BadSamplePolicy.ResetState))
            throw new ArgumentException(
                $"{reason}: policy {policy} is not allowed; use Drop or ResetState. A sample whose time has already passed has no place to hold or interpolate it.");
    }
}
