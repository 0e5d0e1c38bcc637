namespace RnnGen.Streaming;

/// <summary>What a windowed <see cref="StreamRunner"/> does with the model's state between windows.</summary>
public enum WindowStatePolicy
{
    /// <summary>Call <see cref="IRecurrentModel.ResetState"/> before every window, so each window is judged on its own (as in training on independent windows).</summary>
    ResetEachWindow = 0,

    /// <summary>
    /// Carry the final state of one window into the next (a stateful RNN). Requires stride = window length, since with
    /// overlapping windows the overlapped frames would be fed twice.
    /// </summary>
    Carry = 1,
}
