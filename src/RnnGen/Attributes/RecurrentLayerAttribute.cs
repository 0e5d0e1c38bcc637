namespace RnnGen;

/// <summary>Settings shared by the recurrent layer attributes. Layers stack in declaration order.</summary>
public abstract class RecurrentLayerAttribute : Attribute
{
    private protected RecurrentLayerAttribute(int hiddenSize) => HiddenSize = hiddenSize;

    /// <summary>Size H of the hidden (and cell) state of one direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Run a second, reverse-time direction and concatenate [forward, backward] as in PyTorch. Such a model has no <c>Step</c>.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>Whether the layer has the two bias vectors <c>bias_ih</c> and <c>bias_hh</c> (PyTorch <c>bias=True</c>).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>LSTM only: size P of the projected hidden state (PyTorch <c>proj_size</c>); 0 means none. Must be smaller than the hidden size.</summary>
    public int ProjectionSize { get; set; }
}

/// <summary>A long short-term memory layer, PyTorch <c>nn.LSTM</c> semantics and gate order (i, f, g, o).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize);

/// <summary>A gated recurrent unit layer, gate order (r, z, n).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize)
{
    /// <summary>
    /// Where the reset gate applies. <c>true</c> (default): after the recurrent matmul,
    /// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c> (PyTorch, Keras <c>reset_after=True</c>, ONNX <c>linear_before_reset=1</c>).
    /// <c>false</c>: before it, <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c> (Cho et al.; Keras <c>reset_after=False</c>, ONNX default).
    /// </summary>
    public bool ResetAfter { get; set; } = true;
}

/// <summary>A vanilla (Elman) recurrent layer: <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>, PyTorch <c>nn.RNN</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RnnAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize)
{
    /// <summary>The nonlinearity: <see cref="RnnGen.Activation.Tanh"/> (default) or <see cref="RnnGen.Activation.Relu"/>.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
}
