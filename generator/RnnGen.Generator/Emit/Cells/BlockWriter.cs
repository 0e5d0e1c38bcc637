namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// A cell with a vectorised forward step. Its body is written once, as passes of blocks against <see cref="BlockWriter"/>,
/// and every vector strategy renders it: a block's lanes are rows of one step (row blocks) or whatever the strategy makes
/// them.
/// </summary>
internal interface IVectorCell
{
    /// <summary>
    /// The passes of one step, in order. Most cells need one, over the H hidden units. A cell whose later rows need all
    /// of an earlier pass's results has more: the reset-before GRU's W_hn (r ⊙ h), the projected LSTM's h = W_hr m. Values a
    /// later pass reads go through <see cref="BlockWriter.Keep"/> and come back through <see cref="BlockWriter.Load"/>.
    /// </summary>
    IReadOnlyList<VectorPass> Passes { get; }
}

/// <summary>A single-pass cell that also has a paired-rows body for H = 8 on AVX-512 (see <see cref="PairsWriter"/>).</summary>
internal interface IPairedRowsCell
{
    /// <summary>The whole H = 8 step with two 8-float gate rows per 512-bit product.</summary>
    void WritePairs(SourceWriter w, PairsWriter b);
}

/// <summary>One pass over <see cref="Rows"/> rows (<see cref="Size.H"/> or <see cref="Size.P"/>), writing one block at a time.</summary>
internal sealed record VectorPass(Size Rows, Action<SourceWriter, BlockWriter> WriteBlock);

/// <summary>Which products a gate's pre-activation sums: both W_ih x and W_hh h, or one of them (the GRU's candidate).</summary>
internal enum Products { Both, InputOnly, HiddenOnly }

/// <summary>
/// A weight matrix a block multiplies by a vector: the ref local holding its first float, its column count constant, the
/// ref local of the vector it multiplies, and the ref local of the bias added to each row (or null).
/// </summary>
internal sealed record MatrixProduct(string Matrix, Size Columns, string Vector, string? Bias = null);

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

    /// <summary>Declares <c>var {name}</c> = rows (gate <paramref name="q"/>'s, for a stacked matrix) of the block of <paramref name="product"/>.</summary>
    public abstract void Product(SourceWriter w, string name, int q, MatrixProduct product);

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

    /// <summary>The block of a record a previous pass kept (gate <paramref name="gate"/>'s rows of a gate record).</summary>
    public abstract string Load(RecordBuffer record, int? gate = null);

    /// <summary>Keeps <paramref name="value"/> in <paramref name="record"/> for Backward only; a strategy that only infers skips it.</summary>
    public abstract void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null);

    /// <summary>Keeps <paramref name="value"/> in <paramref name="record"/> for a later pass (and for Backward): always written.</summary>
    public abstract void Keep(SourceWriter w, string value, RecordBuffer record, int? gate = null);

    /// <summary>Writes the next value of a carried state.</summary>
    public abstract void StoreCarried(SourceWriter w, string value, CarriedState state);

    /// <summary>Writes the next hidden state h'.</summary>
    public abstract void StoreHidden(SourceWriter w, string value);
}
