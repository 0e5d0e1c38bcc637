using RnnGen.Generator.Contract;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits what a low-precision model (<see cref="QuantizedWeights"/>) adds to its class: the constants of its storages, the
/// storages and vector buffers, <c>IQuantizedModel</c> (<c>Precision</c>, <c>QuantizedTensors</c>, the storages, and
/// <c>QuantizeWeights</c>, which the runtime's <c>WeightQuantization.Quantize</c> implements), and Backward's refusal.
/// A float32 model gets none of it.
/// </summary>
internal static class QuantizedWeightsEmitter
{
    public const string Int8Field = "_int8Weights";
    public const string ScalesField = "_int8Scales";
    public const string BFloat16Field = "_bfloat16Weights";
    public const string RoundedField = "_roundedWeights";
    public const string VectorsField = "_int16Vectors";
    public const string LanesLoField = "_lanesLo";
    public const string LanesHiField = "_lanesHi";

    /// <summary>The constant of the offset, in <see cref="VectorsField"/> or the lane buffers, of the vector a later pass multiplies.</summary>
    public const string LaterVector = "LaterVector";

    /// <summary>The interface a low-precision model adds to its base interface.</summary>
    public const string Interface = "global::RnnGen.IQuantizedModel";

    public static void WriteConstants(SourceWriter w, ModelLayout layout)
    {
        if (layout.Quantized is not { } q) return;
        string n(long v) => SourceWriter.Number(v);
        w.Line($"// {q.Precision} copies of the recurrent weights (Step and Forward multiply by these; _parameters keeps the float32 master).");
        foreach (var sizes in q.Directions.Select(d => d.Sizes).Distinct())
        {
            if (sizes.Mode == ProductMode.Int8)
                w.Line($"private const int {sizes.Input} = {n(sizes.InputUnits)}, {sizes.Output} = {n(sizes.OutputUnits)}, {sizes.Hidden} = {n(sizes.HiddenUnits)};");
            else if (sizes.Mode == ProductMode.BFloat16)
                w.Line($"private const int {sizes.Input} = {n(sizes.InputUnits)}, {sizes.Output} = {n(sizes.OutputUnits)}, {sizes.Hidden} = {n(sizes.HiddenUnits)}, {sizes.Lanes} = {n(sizes.InputUnits + sizes.OutputUnits)};");
        }
        var counts = new List<string>();
        if (q.Int8Count > 0) counts.Add($"Int8WeightCount = {n(q.Int8Count)}");
        if (q.ScaleCount > 0) counts.Add($"Int8ScaleCount = {n(q.ScaleCount)}");
        if (q.BFloat16Count > 0) counts.Add($"BFloat16WeightCount = {n(q.BFloat16Count)}");
        if (q.RoundedCount > 0) counts.Add($"RoundedWeightCount = {n(q.RoundedCount)}");
        if (q.Int8Count > 0 || q.BFloat16Count > 0) counts.Add($"StoragePadding = {n(q.StoragePadding)}");
        if (q.VectorsA > 0) counts.Add($"{LaterVector} = {n(q.VectorsA)}");
        if (q.LanesA > 0) counts.Add($"{LaterVector} = {n(q.LanesA)}");
        w.Line($"private const int {string.Join(", ", counts)};");
        foreach (var d in q.Directions)
            w.Line($"private const int {string.Join(", ", d.Constants.Select(c => $"{c.Name} = {n(c.Value)}"))};");
        w.Line();
        w.Line("private static readonly global::RnnGen.QuantizedTensor[] s_quantizedTensors = new global::RnnGen.QuantizedTensor[]");
        w.Line("{");
        foreach (var d in q.Directions)
            foreach (var (name, arguments) in d.Tensors)
                w.Line($"    new global::RnnGen.QuantizedTensor(\"{name}\", global::RnnGen.QuantizedLayout.{arguments}),");
        w.Line("};");
        w.Line();
    }

    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        if (layout.Quantized is not { } q) return;
        w.Line($"// The {q.Precision} copies (QuantizedTensors says where each matrix is), rebuilt from _parameters by QuantizeWeights,");
        w.Line("// and the vectors the products multiply, prepared once per pass. Blocks read past the last matrix into the padding.");
        if (q.Int8Count > 0) w.Line($"private readonly sbyte[] {Int8Field} = {Globals.AlignedArrays}.AllocatePinned<sbyte>(Int8WeightCount + StoragePadding);");
        if (q.ScaleCount > 0) w.Line($"private readonly float[] {ScalesField} = new float[Int8ScaleCount + Padding];");
        if (q.BFloat16Count > 0) w.Line($"private readonly ushort[] {BFloat16Field} = {Globals.AlignedArrays}.AllocatePinned<ushort>(BFloat16WeightCount + StoragePadding);");
        if (q.RoundedCount > 0) w.Line($"private readonly float[] {RoundedField} = {Globals.AlignedArrays}.AllocatePinned<float>(RoundedWeightCount + ParameterPadding);");
        if (q.VectorsA > 0) w.Line($"private readonly short[] {VectorsField} = new short[{LaterVector} + {SourceWriter.Number(q.VectorsB)} + Padding];");
        if (q.LanesA > 0)
        {
            w.Line($"private readonly float[] {LanesLoField} = new float[{LaterVector} + {SourceWriter.Number(q.LanesB)} + Padding];");
            w.Line($"private readonly float[] {LanesHiField} = new float[{LaterVector} + {SourceWriter.Number(q.LanesB)} + Padding];");
        }
    }

    public static void WriteMembers(SourceWriter w, ModelLayout layout)
    {
        if (layout.Quantized is not { } q) return;
        string Span(string type, string field, string count, bool present) =>
            present ? $"{field}.AsSpan({Origin(field)}, {count})" : $"global::System.Span<{type}>.Empty";
        w.Lines($$"""
            /// <summary>
            /// {{q.Precision}}: Step and Forward multiply by copies of the recurrent weights made from <see cref="Parameters"/>.
            /// After writing <see cref="Parameters"/> directly, call <see cref="QuantizeWeights"/>, or the copies stay as they were.
            /// </summary>
            public global::RnnGen.WeightPrecision Precision => {{q.PrecisionExpression}};
            /// <inheritdoc />
            public global::System.Collections.Generic.IReadOnlyList<global::RnnGen.QuantizedTensor> QuantizedTensors => s_quantizedTensors;
            global::System.Span<sbyte> {{Interface}}.Int8Weights => {{Span("sbyte", Int8Field, "Int8WeightCount", q.Int8Count > 0)}};
            global::System.Span<float> {{Interface}}.Int8Scales => {{Span("float", ScalesField, "Int8ScaleCount", q.ScaleCount > 0)}};
            global::System.Span<ushort> {{Interface}}.BFloat16Weights => {{Span("ushort", BFloat16Field, "BFloat16WeightCount", q.BFloat16Count > 0)}};
            global::System.Span<float> {{Interface}}.RoundedWeights => {{Span("float", RoundedField, "RoundedWeightCount", q.RoundedCount > 0)}};
            /// <summary>
            /// Rebuilds the {{q.Precision}} copies from <see cref="Parameters"/>: call it after writing the parameters directly
            /// (LoadWeights, Initializer.Apply and the constructor do it themselves). Allocates nothing.
            /// </summary>
            /// <exception cref="global::System.InvalidOperationException">A weight is NaN or infinite; nothing changes.</exception>
            public void QuantizeWeights() => global::RnnGen.Weights.WeightQuantization.Quantize(this);

            """);
    }

    /// <summary>The first line of ValidateBackward: a low-precision model refuses Backward (docs/quantization.md says why).</summary>
    public static void WriteBackwardGuard(SourceWriter w, ModelLayout layout)
    {
        if (layout.Quantized is { } q)
            w.Line($"{Globals.ModelGuard}.Trainable({q.PrecisionExpression});");
    }

    /// <summary>The storage fields a model of <paramref name="layout"/> has, for copying build-time weights between instances.</summary>
    public static IReadOnlyList<string> StorageFields(ModelLayout layout)
    {
        if (layout.Quantized is not { } q) return [];
        var fields = new List<string>();
        if (q.Int8Count > 0) fields.Add(Int8Field);
        if (q.ScaleCount > 0) fields.Add(ScalesField);
        if (q.BFloat16Count > 0) fields.Add(BFloat16Field);
        if (q.RoundedCount > 0) fields.Add(RoundedField);
        return fields;
    }

    /// <summary>
    /// Where element 0 of a field sits: the weight copies (int8, bf16, rounded float) are pinned arrays read from their
    /// first element on a 64-byte boundary, as the parameters are; every other field (scales, vectors) is a plain array.
    /// </summary>
    public static string Origin(string field) =>
        field is Int8Field or BFloat16Field or RoundedField ? $"{Globals.AlignedArrays}.Origin({field})" : "0";

    /// <summary>The elements of a storage field its model uses (from its origin; the pinned arrays hold spare ones besides).</summary>
    public static string StorageLength(string field) => field switch
    {
        Int8Field => "Int8WeightCount + StoragePadding",
        ScalesField => "Int8ScaleCount + Padding",
        BFloat16Field => "BFloat16WeightCount + StoragePadding",
        _ => "RoundedWeightCount + ParameterPadding",
    };

    /// <summary>The element type of a storage field.</summary>
    public static string ElementType(string field) => field switch { Int8Field => "sbyte", BFloat16Field => "ushort", _ => "float" };

    /// <summary>Whether <paramref name="precision"/> is a low precision, i.e. the model implements <see cref="Interface"/>.</summary>
    public static bool IsQuantized(WeightPrecision precision) => precision != WeightPrecision.Float32;
}
