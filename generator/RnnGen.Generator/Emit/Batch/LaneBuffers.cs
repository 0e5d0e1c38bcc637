using RnnGen.Generator.Emit.Cells;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// The lane arrays of a batch's Forward and Backward, named and sized in one place. Each holds, per block of 16
/// entities, <see cref="Slots"/> slots of <see cref="Length"/> vectors (one per value, 16 lanes each):
/// the vector of value k in slot s of block b is at float <c>((b·Slots + s)·Length + k)·16</c>.
/// </summary>
/// <param name="Field">The field, e.g. <c>_laneGatesL0</c>.</param>
/// <param name="Length">Values per slot, a constant expression (e.g. <c>L0Gates</c>).</param>
/// <param name="Slots">Slots per block: <c>SequenceLength</c> (one per step) or <c>SequenceLength + 2</c> (the previous
/// state of the first step of each direction around the steps: slot 0 before a forward t = 0, slot steps + 1 before a
/// reverse t = steps − 1, slot t + 1 holds step t).</param>
internal sealed record LaneBuffer(string Field, string Length, string Slots)
{
    /// <summary>Vectors between one block and the next.</summary>
    public string BlockVectors => $"({Slots}) * {Length}";

    private const string Kernels = "global::RnnGen.Kernels.BatchKernels";

    /// <summary>A <c>ref float</c> expression at slot <paramref name="slot"/> of block <paramref name="block"/>, plus <paramref name="offset"/> vectors.</summary>
    public string At(string block, string slot, string offset = "0")
    {
        string at = $"ref {Kernels}.Slot({Field}, {block}, {slot}, {Slots}, {Length})";
        return offset == "0" ? at : $"ref {Globals.Unsafe}.Add({at}, ({offset}) * Lanes)";
    }

    /// <summary>The rest of the array from slot <paramref name="slot"/> of block <paramref name="block"/>, plus <paramref name="offset"/> vectors.</summary>
    public string From(string block, string slot, string offset = "0")
    {
        string from = $"{Kernels}.SlotSpan({Field}, {block}, {slot}, {Slots}, {Length})";
        return offset == "0" ? from : $"{from}.Slice(({offset}) * Lanes)";
    }

    /// <summary>The allocation for <c>blocks</c> blocks, as a long expression.</summary>
    public string Floats => $"(long)blocks * ({Slots}) * ({Length}) * Lanes";

    public static string Capitalized(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    // Inside the nested Batch class the base's instance properties (InputSize, SequenceLength, …) hide the model's
    // constants of the same names, so those are qualified with the model's type name T.
    public static LaneBuffer Input(string t) => new("_laneInput", $"{t}.InputSize", $"{t}.SequenceLength");
    public static LaneBuffer GradInput(string t) => new("_laneGradInput", $"{t}.InputSize", $"{t}.SequenceLength");
    public static LaneBuffer GradLogits(string t) => new("_laneGradLogits", $"{t}.OutputSize", $"{t}.SequenceLength");
    public static LaneBuffer Output(string t, LayerLayout layer) => new("_laneOutput" + layer.Name, layer.WidthConstant, $"{t}.SequenceLength + 2");
    public static LaneBuffer GradOutput(string t, LayerLayout layer) => new("_laneGradOutput" + layer.Name, layer.WidthConstant, $"{t}.SequenceLength");

    /// <summary>A record of the cell: the carried state's record has the two extra slots, the others one slot per step.</summary>
    public static LaneBuffer Record(string t, CellEmitter cell, RecordBuffer record) => new(
        "_lane" + Capitalized(record.Argument) + cell.Direction.Id, record.StepLength,
        cell.CellState?.Record == record ? $"{t}.SequenceLength + 2" : $"{t}.SequenceLength");

    public static LaneBuffer Gradient(string t, CellEmitter cell, LaneGradient gradient) => new(
        "_lane" + Capitalized(gradient.Name) + cell.Direction.Id,
        gradient.Length == Size.G ? cell.Direction.Layer.GatesConstant : cell.Direction.Layer.HiddenConstant, $"{t}.SequenceLength");
}
