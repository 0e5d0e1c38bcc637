namespace RnnGen;

/// <summary>Which part of a layer's recurrent state a <see cref="StateTensor"/> holds.</summary>
public enum StateKind
{
    /// <summary>The hidden state h (size P: the projection size, or H).</summary>
    Hidden = 0,
    /// <summary>The LSTM cell state c (size H).</summary>
    Cell = 1,
}
