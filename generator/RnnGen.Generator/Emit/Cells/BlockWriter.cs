namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// A cell with a vectorised forward step. Its body is written once, against <see cref="BlockWriter"/>, and every
/// vector strategy renders it: a block's lanes are hidden units of one step (row blocks) or whatever the strategy
/// makes them.
/// </summary>
internal interface IVectorCell
{
    /// <summary>Whether this layer's shape has a vector body (an LSTM with projection, for one, has none yet).</summary>
    bool HasVectorBody { get; }

    /// <summary>One block: the gates, their activations, the records, the carried state and the next h.</summary>
    void WriteBlock(SourceWriter w, BlockWriter b);

    /// <summary>The whole H = 8 step with two 8-float gate rows per 512-bit product (AVX-512).</summary>
    void WritePairs(SourceWriter w, PairsWriter b);
}

/// <summary>Which products a gate's pre-activation sums: both W_ih x and W_hh h, or one of them (the GRU's candidate).</summary>
internal enum Products { Both, InputOnly, HiddenOnly }

/// <summary>
/// What a cell's vector body asks of the strategy that runs it. Each member writes or returns C# for one block of
/// lanes: values are vector expressions of the block's lanes, and the strategy decides where they come from and go to —
/// which products give a pre-activation, whether records are kept, where h and the carried state are written.
/// </summary>
internal abstract class BlockWriter(bool exactActivations)
{
    private readonly (string Sigmoid, string Tanh) _activations = Activations(exactActivations);

    /// <summary>The σ and tanh vectorised cells call: the rational (Fast) or e^x-based (Exact) pair.</summary>
    internal static (string Sigmoid, string Tanh) Activations(bool exact) =>
        exact ? ($"{Globals.RowBlocks}.Sigmoid", $"{Globals.RowBlocks}.Tanh") : ($"{Globals.RowBlocks}.FastSigmoid", $"{Globals.RowBlocks}.FastTanh");

    public string Sigmoid(string x) => $"{_activations.Sigmoid}({x})";
    public string Tanh(string x) => $"{_activations.Tanh}({x})";
    public static string Relu(string x) => $"{Globals.RowBlocks}.Relu({x})";

    /// <summary>
    /// Declares <c>var {name}</c> = gate <paramref name="q"/>'s pre-activation for the block (W_ih x and/or W_hh h, plus
    /// the matching biases), with whatever locals it needs declared first.
    /// </summary>
    public abstract void PreActivation(SourceWriter w, string name, int q, Products products);

    /// <summary>Declares gate <paramref name="q"/>'s pre-activation <c>a{Name}</c> (both products) and <c>var {name} = activation(a{Name})</c>.</summary>
    public void Gate(SourceWriter w, string name, int q, Func<string, string> activation)
    {
        string preActivation = "a" + char.ToUpperInvariant(name[0]) + name.Substring(1);
        PreActivation(w, preActivation, q, Products.Both);
        w.Line($"var {name} = {activation(preActivation)};");
    }

    /// <summary>The block of the previous hidden state h.</summary>
    public abstract string PreviousHidden { get; }

    /// <summary>The block of the previous value of a carried state (the LSTM's c).</summary>
    public abstract string Previous(CarriedState state);

    /// <summary>Keeps <paramref name="value"/> in <paramref name="record"/> for Backward (gate <paramref name="gate"/>'s rows of a gate record); a strategy that only infers skips it.</summary>
    public abstract void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null);

    /// <summary>Writes the next value of a carried state.</summary>
    public abstract void StoreCarried(SourceWriter w, string value, CarriedState state);

    /// <summary>Writes the next hidden state h'.</summary>
    public abstract void StoreHidden(SourceWriter w, string value);
}
