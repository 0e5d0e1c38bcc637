using RnnGen.Generator.Contract;

namespace RnnGen.Generator.Emit;

/// <summary>How Step and Forward multiply a low-precision layer's weights.</summary>
internal enum ProductMode
{
    /// <summary>Int8 column pairs times 16-bit vectors (<c>RowBlocks.Int8Sums{W}</c>).</summary>
    Int8,
    /// <summary>BFloat16 lanes widened to float32 in registers (<c>RowBlocks.BFloat16Rows{W}</c>).</summary>
    BFloat16,
    /// <summary>The float32 kernels over a copy of the weights rounded to the model's precision: where they are faster.</summary>
    Rounded,
}

/// <summary>
/// Where a low-precision model keeps the quantized copies of its recurrent matrices (the runtime's
/// <c>QuantizedLayout</c> describes each layout; this class lays the storages out): one int8 block or bfloat16 block per
/// direction holding W_ih and W_hh side by side (the same rows), one more for W_hr, the int8 scales, and the vectors the
/// products multiply. Null for a float32 model. Which <see cref="ProductMode"/> a layer takes is decided here, once.
/// </summary>
internal sealed class QuantizedWeights
{
    /// <summary>
    /// Int8 layers whose W_ih and W_hh (one direction) hold fewer weights than this run the float32 kernels over rounded
    /// copies (<see cref="ProductMode.Rounded"/>): there the int8 kernels were not reliably faster. Measured with the
    /// kernels forced (BenchmarkDotNet, 2026-11-30): LSTM 8→64 (18,432 weights) 1.27–1.4× faster than float32, LSTM 1→64
    /// (16,640) 1.2–1.4× slower, LSTM and GRU 1→16 and 1→32 slower, GRU 8→64 (13,824) within 10% (docs/quantization.md).
    /// </summary>
    public const int Int8MinimumWeights = 18432;

    /// <summary>
    /// BFloat16 layers whose W_ih and W_hh (one direction) hold fewer weights than this run the float32 kernels over
    /// rounded copies: widening costs instructions that pay only where the float32 weights stream from L2. Measured with
    /// the kernels forced (BenchmarkDotNet, 2026-11-30): slower than float32 at every size of the grid below 16→128
    /// (LSTM 8→64, 18,432 weights, no faster); at 16→128 LSTM 1.36× faster, GRU slower (docs/quantization.md, "Limits").
    /// </summary>
    public const int BFloat16MinimumWeights = 32768;

    /// <summary>How a layer of a model in <paramref name="precision"/> multiplies: the low-precision kernels where they pay, else rounded copies.</summary>
    public static ProductMode ModeOf(LayerLayout layer, WeightPrecision precision)
    {
        var ls = layer.Spec;
        long weights = (long)ls.GateCount * ls.HiddenSize * (layer.Input + ls.OutputSize);
        if (precision == WeightPrecision.Int8)
            return weights >= Int8MinimumWeights ? ProductMode.Int8 : ProductMode.Rounded;
        return weights >= BFloat16MinimumWeights ? ProductMode.BFloat16 : ProductMode.Rounded;
    }

    /// <summary>Why <see cref="ModeOf"/> chose rounded copies for a layer, in words (for <c>rnngen bench</c>).</summary>
    public static string RoundedReason(WeightPrecision precision) =>
        $"fewer than {(precision == WeightPrecision.Int8 ? Int8MinimumWeights : BFloat16MinimumWeights).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} weights in W_ih and W_hh";

    private readonly List<QuantizedDirection> _directions = [];

    private QuantizedWeights(ModelLayout layout)
    {
        Precision = layout.Spec.Precision;
        foreach (var layer in layout.Layers)
        {
            var ls = layer.Spec;
            int gates = ls.GateCount * ls.HiddenSize, p = ls.OutputSize, h = ls.HiddenSize;
            bool projection = ls.ProjectionSize > 0;
            var mode = ModeOf(layer, Precision);
            var sizes = new LayerSizes(layer, mode);
            foreach (var d in layer.Directions)
            {
                var q = new QuantizedDirection(d, this, mode, sizes);
                if (Precision == WeightPrecision.Int8)
                {
                    q.ScalesIh = ScaleCount; ScaleCount += gates;
                    q.ScalesHh = ScaleCount; ScaleCount += gates;
                    if (projection) { q.ScalesHr = ScaleCount; ScaleCount += p; }
                }
                switch (mode)
                {
                    case ProductMode.Int8:
                        q.Block = Int8Count; Int8Count += (sizes.InputUnits + sizes.OutputUnits) * gates * 2;
                        if (projection) { q.HrBlock = Int8Count; Int8Count += sizes.HiddenUnits * p * 2; }
                        VectorsA = Math.Max(VectorsA, 2 * (sizes.InputUnits + sizes.OutputUnits));
                        VectorsB = Math.Max(VectorsB, 2 * Math.Max(sizes.HiddenUnits, sizes.OutputUnits));
                        break;
                    case ProductMode.BFloat16:
                        q.Block = BFloat16Count; BFloat16Count += gates * (sizes.InputUnits + sizes.OutputUnits) * 2;
                        if (projection) { q.HrBlock = BFloat16Count; BFloat16Count += p * sizes.HiddenUnits * 2; }
                        LanesA = Math.Max(LanesA, sizes.InputUnits + sizes.OutputUnits);
                        LanesB = Math.Max(LanesB, Math.Max(sizes.HiddenUnits, sizes.OutputUnits));
                        MaxLaneStride = Math.Max(MaxLaneStride, Math.Max(sizes.InputUnits + sizes.OutputUnits, sizes.HiddenUnits));
                        break;
                    default:
                        q.RoundedIh = RoundedCount; RoundedCount += gates * layer.Input;
                        q.RoundedHh = RoundedCount; RoundedCount += gates * p;
                        if (projection) { q.RoundedHr = RoundedCount; RoundedCount += p * h; }
                        break;
                }
                d.Quantized = q;
                _directions.Add(q);
            }
        }
    }

    /// <summary>The layout of <paramref name="layout"/>'s copies, also set on each direction; null for a float32 model.</summary>
    public static QuantizedWeights? For(ModelLayout layout) =>
        layout.Spec.Precision == WeightPrecision.Float32 ? null : new QuantizedWeights(layout);

    public WeightPrecision Precision { get; }

    /// <summary>The precision as the emitted code names it: <c>global::RnnGen.WeightPrecision.Int8</c>.</summary>
    public string PrecisionExpression => "global::RnnGen.WeightPrecision." + Precision;

    public IReadOnlyList<QuantizedDirection> Directions => _directions;

    /// <summary>Bytes of int8 weights, floats of int8 scales, bfloat16 values, floats of rounded copies.</summary>
    public int Int8Count { get; private set; }
    public int ScaleCount { get; private set; }
    public int BFloat16Count { get; private set; }
    public int RoundedCount { get; private set; }

    /// <summary>16-bit values of the int8 products' vectors: [x | h] first, a later pass's vector from <see cref="VectorsA"/>.</summary>
    public int VectorsA { get; private set; }
    public int VectorsB { get; private set; }

    /// <summary>Floats of each bfloat16 lane vector (lo and hi): [x | h] first, a later pass's vector from <see cref="LanesA"/>.</summary>
    public int LanesA { get; private set; }
    public int LanesB { get; private set; }

    /// <summary>The widest bfloat16 row in lanes: the storage's padding covers the rows a last block reads past its matrix.</summary>
    public int MaxLaneStride { get; private set; }

    /// <summary>Bytes (int8) or values (bfloat16) after the storage that blocks may read past its last matrix (never used).</summary>
    public int StoragePadding => Precision == WeightPrecision.Int8 ? 128 : 2 * (16 * MaxLaneStride + 32);
}

/// <summary>
/// A layer's sizes in the units of its quantized layout: column pairs (int8) or lanes of 8 columns' halves (bfloat16) of
/// the input (I), of h (P) and of the hidden units (H, W_hr's columns), and the constants that name them.
/// </summary>
internal sealed class LayerSizes
{
    public LayerSizes(LayerLayout layer, ProductMode mode)
    {
        Layer = layer;
        Mode = mode;
        int Units(int columns) => mode == ProductMode.Int8 ? (columns + 1) / 2 : (columns + 7) / 8 * 4;
        InputUnits = Units(layer.Input);
        OutputUnits = Units(layer.Spec.OutputSize);
        HiddenUnits = Units(layer.Spec.HiddenSize);
    }

    public LayerLayout Layer { get; }
    public ProductMode Mode { get; }
    public int InputUnits { get; }
    public int OutputUnits { get; }
    public int HiddenUnits { get; }

    private string Unit => Mode == ProductMode.Int8 ? "Pairs" : "Lanes";

    /// <summary>e.g. <c>L0InputPairs</c>, <c>L0OutputLanes</c>, <c>L0HiddenPairs</c>; <c>L0Lanes</c> is a bfloat16 row of W_ih and W_hh.</summary>
    public string Input => Layer.Name + "Input" + Unit;
    public string Output => Layer.Name + "Output" + Unit;
    public string Hidden => Layer.Name + "Hidden" + Unit;
    public string Lanes => Layer.Name + "Lanes";
}

/// <summary>One direction's place in the storages: the offsets of its blocks (or rounded copies) and of its scales.</summary>
internal sealed class QuantizedDirection(DirectionLayout direction, QuantizedWeights model, ProductMode mode, LayerSizes sizes)
{
    public DirectionLayout Direction { get; } = direction;
    public QuantizedWeights Model { get; } = model;
    public ProductMode Mode { get; } = mode;
    public LayerSizes Sizes { get; } = sizes;

    public int Block { get; set; } = -1;
    public int HrBlock { get; set; } = -1;
    public int ScalesIh { get; set; } = -1;
    public int ScalesHh { get; set; } = -1;
    public int ScalesHr { get; set; } = -1;
    public int RoundedIh { get; set; } = -1;
    public int RoundedHh { get; set; } = -1;
    public int RoundedHr { get; set; } = -1;

    /// <summary>Whether the products run the int8 or bfloat16 kernels (not the float32 ones over rounded copies).</summary>
    public bool UsesKernels => Mode != ProductMode.Rounded;

    private string Id => Direction.Id;
    private string Prefix => Mode == ProductMode.Int8 ? "Int8" : "BFloat16";

    /// <summary>The constants naming this direction's offsets (what <see cref="Constants"/> declares).</summary>
    public string BlockConstant => Prefix + Id;
    public string HrBlockConstant => Prefix + "Hr" + Id;
    public string ScalesIhConstant => "ScalesIh" + Id;
    public string ScalesHhConstant => "ScalesHh" + Id;
    public string ScalesHrConstant => "ScalesHr" + Id;

    /// <summary>The constant of a rounded copy, for the float kernels' weight refs (<c>wIh</c>, <c>wHh</c>, <c>wHr</c>), or null.</summary>
    public string? RoundedConstant(string weightRef) => Mode != ProductMode.Rounded ? null : weightRef switch
    {
        "wIh" => "RoundedIh" + Id,
        "wHh" => "RoundedHh" + Id,
        "wHr" => "RoundedHr" + Id,
        _ => null,
    };

    /// <summary>This direction's offset constants with their values.</summary>
    public IEnumerable<(string Name, int Value)> Constants
    {
        get
        {
            if (ScalesIh >= 0) { yield return (ScalesIhConstant, ScalesIh); yield return (ScalesHhConstant, ScalesHh); }
            if (ScalesHr >= 0) yield return (ScalesHrConstant, ScalesHr);
            if (Block >= 0) yield return (BlockConstant, Block);
            if (HrBlock >= 0) yield return (HrBlockConstant, HrBlock);
            if (RoundedIh >= 0) { yield return ("RoundedIh" + Id, RoundedIh); yield return ("RoundedHh" + Id, RoundedHh); }
            if (RoundedHr >= 0) yield return ("RoundedHr" + Id, RoundedHr);
        }
    }

    /// <summary>
    /// The <c>QuantizedTensor</c> descriptors of W_ih, W_hh and W_hr, as constructor arguments after the name: layout,
    /// parameter offset, rows, columns, storage offset, stride, first pair or lane, scale offset.
    /// </summary>
    public IEnumerable<(string Name, string Arguments)> Tensors
    {
        get
        {
            var d = Direction;
            var l = d.Layer;
            string noScale = "-1";
            string Scales(string constant) => Model.Precision == WeightPrecision.Int8 ? constant : noScale;
            switch (Mode)
            {
                case ProductMode.Int8:
                    yield return (d.Tensors.WeightIh.Name, $"Int8ColumnPairs, {d.WeightIh}, {l.GatesConstant}, {l.InputConstant}, {BlockConstant}, {l.GatesConstant}, 0, {ScalesIhConstant}");
                    yield return (d.Tensors.WeightHh.Name, $"Int8ColumnPairs, {d.WeightHh}, {l.GatesConstant}, {l.OutputConstant}, {BlockConstant}, {l.GatesConstant}, {Sizes.Input}, {ScalesHhConstant}");
                    if (d.WeightHr is not null)
                        yield return (d.Tensors.WeightHr!.Name, $"Int8ColumnPairs, {d.WeightHr}, {l.OutputConstant}, {l.HiddenConstant}, {HrBlockConstant}, {l.OutputConstant}, 0, {ScalesHrConstant}");
                    break;
                case ProductMode.BFloat16:
                    yield return (d.Tensors.WeightIh.Name, $"BFloat16Lanes, {d.WeightIh}, {l.GatesConstant}, {l.InputConstant}, {BlockConstant}, {Sizes.Lanes}, 0, {noScale}");
                    yield return (d.Tensors.WeightHh.Name, $"BFloat16Lanes, {d.WeightHh}, {l.GatesConstant}, {l.OutputConstant}, {BlockConstant}, {Sizes.Lanes}, {Sizes.Input}, {noScale}");
                    if (d.WeightHr is not null)
                        yield return (d.Tensors.WeightHr!.Name, $"BFloat16Lanes, {d.WeightHr}, {l.OutputConstant}, {l.HiddenConstant}, {HrBlockConstant}, {Sizes.Hidden}, 0, {noScale}");
                    break;
                default:
                    yield return (d.Tensors.WeightIh.Name, $"Float32Rows, {d.WeightIh}, {l.GatesConstant}, {l.InputConstant}, RoundedIh{Id}, {l.InputConstant}, 0, {Scales(ScalesIhConstant)}");
                    yield return (d.Tensors.WeightHh.Name, $"Float32Rows, {d.WeightHh}, {l.GatesConstant}, {l.OutputConstant}, RoundedHh{Id}, {l.OutputConstant}, 0, {Scales(ScalesHhConstant)}");
                    if (d.WeightHr is not null)
                        yield return (d.Tensors.WeightHr!.Name, $"Float32Rows, {d.WeightHr}, {l.OutputConstant}, {l.HiddenConstant}, RoundedHr{Id}, {l.HiddenConstant}, 0, {Scales(ScalesHrConstant)}");
                    break;
            }
        }
    }
}
