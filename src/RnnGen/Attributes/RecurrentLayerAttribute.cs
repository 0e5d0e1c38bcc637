#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>Settings shared by the recurrent layer attributes. Layers stack in declaration order.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
abstract class RecurrentLayerAttribute : Attribute
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

    /// <summary>
    /// The PyTorch module that holds the layer's tensors, e.g. <c>"lstm"</c> for <c>self.lstm = nn.LSTM(…)</c>: its tensors are
    /// then <c>lstm.weight_ih_l{j}</c>, …, where consecutive layers with the same module are that module's layers j = 0, 1, …
    /// (separate modules, such as <c>lstm1</c> and <c>lstm2</c>, each start at 0). Null (default): RnnGen's default names,
    /// <c>rnn.weight_ih_l{k}</c> with a head or an embedding, else <c>weight_ih_l{k}</c>, k counting over the whole stack.
    /// </summary>
    public string? Module { get; set; }
}
