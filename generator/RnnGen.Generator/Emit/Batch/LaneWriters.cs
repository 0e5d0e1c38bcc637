using RnnGen.Generator.Emit.Cells;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// Finds which pre-activations a cell's vector body asks for (gate q with which products), in order, by running the
/// body once against a writer that only listens. The lanes strategy computes exactly those sums in its product phase.
/// </summary>
internal sealed class LaneProbe() : BlockWriter(exactActivations: false)
{
    private readonly List<(int Gate, Products Products)> _sets = [];

    /// <summary>The pre-activation sums of <paramref name="cell"/>'s body, in the order it asks for them.</summary>
    public static IReadOnlyList<(int Gate, Products Products)> Sets(IVectorCell cell)
    {
        var probe = new LaneProbe();
        cell.Passes[0].WriteBlock(new SourceWriter(), probe);
        return probe._sets;
    }

    public override void PreActivation(SourceWriter w, string name, int q, Products products)
    {
        if (!_sets.Contains((q, products))) _sets.Add((q, products));
    }

    // The lanes path takes single-pass cells only (LaneStrategy.Supports): their bodies ask for no other product, no
    // record a later pass reads, and keep nothing for one.
    public override void Product(SourceWriter w, string name, int q, MatrixProduct product) => throw SinglePassOnly();
    public override string Load(RecordBuffer record, int? gate = null) => throw SinglePassOnly();
    public override void Keep(SourceWriter w, string value, RecordBuffer record, int? gate = null) => throw SinglePassOnly();

    internal static InvalidOperationException SinglePassOnly() =>
        new("The lanes path renders single-pass cells; a two-pass cell reached it (see LaneStrategy.Supports).");

    public override string PreviousHidden => "h";
    public override string Previous(CarriedState state) => "c";
    public override void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null) { }
    public override void StoreCarried(SourceWriter w, string value, CarriedState state) { }
    public override void StoreHidden(SourceWriter w, string value) { }
}

/// <summary>
/// The lanes strategy's <see cref="BlockWriter"/>: a block is one hidden unit <c>j</c> of 16 entities (lane l = entity
/// 16·blk + l). Pre-activations come from the product phase's scratch (<c>preActivations</c>, set k at vector
/// <c>k·sets + at</c>); the previous and next h and carried state are lane arrays with a block stride in vectors
/// (<c>hPrevLanes</c>/<c>hPrevBlock</c>, …); records go to <c>{argument}Lanes</c> with stride <c>{argument}Block</c> when the
/// emitted method's <c>records</c> is true (Forward), and are skipped in Step.
/// </summary>
internal sealed class LaneBlockWriter(IReadOnlyList<(int Gate, Products Products)> sets, bool exactActivations) : BlockWriter(exactActivations)
{
    private const string Kernels = "global::RnnGen.Kernels.BatchKernels";

    /// <summary>Vector <paramref name="index"/> of the lane array <paramref name="origin"/>.</summary>
    public static string Load(string origin, string index) => $"{Kernels}.Lane(ref {origin}, {index})";

    /// <summary>A statement storing <paramref name="value"/> as vector <paramref name="index"/> of <paramref name="origin"/>.</summary>
    public static string Store(string value, string origin, string index) => $"{Kernels}.Store({value}, ref {origin}, {index});";

    public override void PreActivation(SourceWriter w, string name, int q, Products products)
    {
        int set = IndexOf(q, products);
        w.Line($"var {name} = {Load("preActivations", set == 0 ? "at" : $"{set} * sets + at")};");
    }

    private int IndexOf(int q, Products products)
    {
        for (int i = 0; i < sets.Count; i++)
            if (sets[i] == (q, products)) return i;
        throw new InvalidOperationException($"The cell asked for gate {q} ({products}), which its probe did not see.");
    }

    public override string PreviousHidden => Load("hPrevLanes", "blk * hPrevBlock + j");

    public override string Previous(CarriedState state) => Load(state.Previous + "Lanes", $"blk * {state.Previous}Block + j");

    public override void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null)
    {
        w.Line("if (records) " + Store(value, record.Argument + "Lanes", $"blk * {record.Argument}Block + {(gate is int q ? RowBlockWriter.GateRow(q) : "j")}"));
    }

    public override void StoreCarried(SourceWriter w, string value, CarriedState state) =>
        w.Line(Store(value, state.Name + "NextLanes", $"blk * {state.Name}NextBlock + j"));

    public override void StoreHidden(SourceWriter w, string value) => w.Line(Store(value, "hNextLanes", "blk * hNextBlock + j"));

    public override void Product(SourceWriter w, string name, int q, MatrixProduct product) => throw LaneProbe.SinglePassOnly();
    public override string Load(RecordBuffer record, int? gate = null) => throw LaneProbe.SinglePassOnly();
    public override void Keep(SourceWriter w, string value, RecordBuffer record, int? gate = null) => throw LaneProbe.SinglePassOnly();
}

/// <summary>
/// What a cell's lanes backward body reads and writes for one hidden unit <c>j</c> of one block of 16 entities at step t:
/// dL/dh' (the output gradient plus the carry), the step's records, h', h and the carried state before and after, the
/// carried state's gradient, the gate-gradient buffers and the direct term of dL/d(h_prev). <c>one</c> is a vector of 1s.
/// </summary>
internal sealed class LaneBackwardWriter
{
    /// <summary>dL/dh' of this unit: the gradient arriving from above at step t plus the one carried back from t + 1.</summary>
    public string HiddenGradient => $"{LaneBlockWriter.Load("gradOutputLanes", "blk * gradOutputBlock + j")} + {LaneBlockWriter.Load("dhCarryLanes", "blk * P + j")}";

    /// <summary>A record of step t: gate <paramref name="gate"/>'s row of a gate record, or unit j of another.</summary>
    public string Recorded(RecordBuffer record, int? gate = null) =>
        LaneBlockWriter.Load(record.Argument + "Lanes", $"blk * {record.Argument}Block + {(gate is int q ? RowBlockWriter.GateRow(q) : "j")}");

    /// <summary>h' of step t.</summary>
    public string Hidden => LaneBlockWriter.Load("hLanes", "blk * hBlock + j");

    /// <summary>h before step t.</summary>
    public string PreviousHidden => LaneBlockWriter.Load("hPrevLanes", "blk * hBlock + j");

    /// <summary>The carried state before step t.</summary>
    public string PreviousCarried(CarriedState state) => LaneBlockWriter.Load(state.Previous + "Lanes", $"blk * {state.Name}Block + j");

    /// <summary>dL/d(carried state after step t), carried back from step t + 1.</summary>
    public string CarriedGradient(CarriedState state) => LaneBlockWriter.Load(state.GradientCarry + "Lanes", $"blk * H + j");

    /// <summary>Stores dL/d(carried state before step t), carried on to step t − 1.</summary>
    public void StoreCarriedGradient(SourceWriter w, string value, CarriedState state) =>
        w.Line(LaneBlockWriter.Store(value, state.GradientCarry + "Lanes", "blk * H + j"));

    /// <summary>Stores a gate gradient: gate <paramref name="gate"/>'s row of <paramref name="buffer"/>, or unit j of it.</summary>
    public void StoreGradient(SourceWriter w, string value, LaneGradient buffer, int? gate) =>
        w.Line(LaneBlockWriter.Store(value, buffer.Name + "Lanes", $"blk * {buffer.Name}Block + {(gate is int q ? RowBlockWriter.GateRow(q) : "j")}"));

    /// <summary>Stores the direct term of dL/d(h before step t), which the recurrent product then adds to.</summary>
    public void StoreDirectHiddenGradient(SourceWriter w, string value) =>
        w.Line(LaneBlockWriter.Store(value, "dhCarryLanes", "blk * P + j"));
}
