namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The matrix products of a low-precision direction (<see cref="QuantizedDirection"/>), as the row-block strategy's
/// writer asks for them: int8 products (<c>RowBlocks.Int8Sums{W}</c>, dequantized per row) or bfloat16 products
/// (<c>RowBlocks.BFloat16Rows{W}</c>) instead of <c>RowBlocks.Rows{W}</c>. The vectors they multiply are prepared once
/// per pass, before its blocks (<see cref="WritePreparation"/>): quantized to 16-bit integers with a scale each (int8) or
/// split into the lanes the bfloat16 rows pair with. One instance serves one variant; its blocks share the refs it declares.
/// </summary>
internal sealed class QuantizedProducts
{
    private readonly CellEmitter _cell;
    private readonly QuantizedDirection _q;
    private readonly BlockUsage _usage;

    // What the current pass multiplies: x, h, and at most one vector a previous pass kept (the "later" vector).
    private bool _x, _h;
    private (string Reference, Size Columns)? _later;

    private QuantizedProducts(CellEmitter cell, QuantizedDirection q, BlockUsage usage)
    {
        _cell = cell;
        _q = q;
        _usage = usage;
    }

    /// <summary>The products of a direction whose layer runs the int8 or bfloat16 kernels; null otherwise.</summary>
    public static QuantizedProducts? For(CellEmitter cell, BlockUsage usage) =>
        cell.Direction.Quantized is { UsesKernels: true } q ? new QuantizedProducts(cell, q, usage) : null;

    private bool Int8 => _q.Mode == ProductMode.Int8;
    private LayerSizes Sizes => _q.Sizes;
    private LayerLayout Layer => _cell.Direction.Layer;

    /// <summary>Starts a pass: the vectors it multiplies are collected anew.</summary>
    public void BeginPass()
    {
        _x = _h = false;
        _later = null;
    }

    /// <summary>
    /// Writes the statements a pre-activation's products need and returns its value: the products of W_ih x and/or
    /// W_hh h for the block's rows from <paramref name="row"/>, plus <paramref name="bias"/> when given.
    /// </summary>
    public string PreActivation(SourceWriter w, string name, int width, string row, Products products, string? bias)
    {
        bool input = products != Products.HiddenOnly, hidden = products != Products.InputOnly;
        _x |= input;
        _h |= hidden;
        var terms = new List<string>();
        if (Int8)
        {
            string block = Ref("q8");
            if (input)
            {
                w.Line($"var {name}X = {Globals.RowBlocks}.Int8Sums{width}({row}, ref {block}, {Layer.GatesConstant}, 0, {Sizes.Input}, ref {Ref("xQ")});");
                terms.Add($"{Globals.RowBlocks}.Dequantize{width}({name}X, ref {Ref("sIh")}, {row}, xScale)");
            }
            if (hidden)
            {
                w.Line($"var {name}H = {Globals.RowBlocks}.Int8Sums{width}({row}, ref {block}, {Layer.GatesConstant}, {Sizes.Input}, {Sizes.Output}, ref {Ref("hQ")});");
                terms.Add($"{Globals.RowBlocks}.Dequantize{width}({name}H, ref {Ref("sHh")}, {row}, hScale)");
            }
        }
        else
        {
            // W_ih's lanes come first in each row and x's first in the split vector, so both products are one segment.
            string block = Ref("w16");
            terms.Add(products switch
            {
                Products.Both => $"{Globals.RowBlocks}.BFloat16Rows{width}({row}, ref {block}, {Sizes.Lanes}, 0, {Sizes.Lanes}, ref {Ref("actLo")}, ref {Ref("actHi")})",
                Products.InputOnly => $"{Globals.RowBlocks}.BFloat16Rows{width}({row}, ref {block}, {Sizes.Lanes}, 0, {Sizes.Input}, ref {Ref("actLo")}, ref {Ref("actHi")})",
                _ => $"{Globals.RowBlocks}.BFloat16Rows{width}({row}, ref {block}, {Sizes.Lanes}, {Sizes.Input}, {Sizes.Output}, ref {Ref("actLoH")}, ref {Ref("actHiH")})",
            });
        }
        if (bias is not null) terms.Add(bias);
        return string.Join(" + ", terms);
    }

    /// <summary>
    /// Writes the statements of a product with a vector a previous pass kept (W_hr m, W_hn (r ⊙ h)) and returns its value
    /// for the block's rows from <paramref name="row"/> (of the product's gate), plus <paramref name="bias"/> when given.
    /// </summary>
    public string Product(SourceWriter w, string name, int width, string row, MatrixProduct product, string? bias)
    {
        if (_later is { } other && other.Reference != product.Vector)
            throw new InvalidOperationException($"A pass multiplies both {other.Reference} and {product.Vector}; quantized products prepare one kept vector a pass.");
        _later = (product.Vector, product.Columns);
        bool projection = product.Matrix == "wHr";
        if (product.Matrix is not ("wHr" or "wHh"))
            throw new InvalidOperationException($"No quantized copy of {product.Matrix}.");
        string value;
        if (Int8)
        {
            string block = projection ? Ref("q8Hr") : Ref("q8");
            string call = projection
                ? $"{Globals.RowBlocks}.Int8Sums{width}({row}, ref {block}, {Layer.OutputConstant}, 0, {Sizes.Hidden}, ref {Ref("vQ")})"
                : $"{Globals.RowBlocks}.Int8Sums{width}({row}, ref {block}, {Layer.GatesConstant}, {Sizes.Input}, {Sizes.Output}, ref {Ref("vQ")})";
            w.Line($"var {name}V = {call};");
            value = $"{Globals.RowBlocks}.Dequantize{width}({name}V, ref {Ref(projection ? "sHr" : "sHh")}, {row}, vScale)";
        }
        else
        {
            value = projection
                ? $"{Globals.RowBlocks}.BFloat16Rows{width}({row}, ref {Ref("w16Hr")}, {Sizes.Hidden}, 0, {Sizes.Hidden}, ref {Ref("vecLo")}, ref {Ref("vecHi")})"
                : $"{Globals.RowBlocks}.BFloat16Rows{width}({row}, ref {Ref("w16")}, {Sizes.Lanes}, {Sizes.Input}, {Sizes.Output}, ref {Ref("vecLo")}, ref {Ref("vecHi")})";
        }
        return bias is null ? value : $"{value} + {bias}";
    }

    /// <summary>Before a pass's blocks: prepares each vector its products multiply.</summary>
    public void WritePreparation(SourceWriter w)
    {
        if (!_x && !_h && _later is null) return;
        string Count(Size size)
        {
            _usage.Sizes.Add(size);
            return size.ToString();
        }
        if (Int8)
        {
            w.Line("// The vectors as 16-bit integers with one scale each (max |v| / limit), for the int8 products");
            if (_x) w.Line($"float xScale = {Globals.RowBlocks}.QuantizeInt16(ref {_usage.Ref("xRef")}, {Count(Size.I)}, ref {Ref("xQ")}, {Globals.RowBlocks}.Int16Limit(I));");
            if (_h) w.Line($"float hScale = {Globals.RowBlocks}.QuantizeInt16(ref {_usage.Ref("hRef")}, {Count(Size.P)}, ref {Ref("hQ")}, {Globals.RowBlocks}.Int16Limit(P));");
            if (_later is { } v)
                w.Line($"float vScale = {Globals.RowBlocks}.QuantizeInt16(ref {_usage.Ref(v.Reference)}, {Count(v.Columns)}, ref {Ref("vQ")}, {Globals.RowBlocks}.Int16Limit({v.Columns}));");
        }
        else
        {
            w.Line("// The vectors split into the lanes the bfloat16 rows pair with: of each 8 values, the first 4 and the last 4");
            if (_x) w.Line($"{Globals.RowBlocks}.SplitBFloat16Lanes(ref {_usage.Ref("xRef")}, {Count(Size.I)}, ref {Ref("actLo")}, ref {Ref("actHi")});");
            if (_h) w.Line($"{Globals.RowBlocks}.SplitBFloat16Lanes(ref {_usage.Ref("hRef")}, {Count(Size.P)}, ref {Ref("actLoH")}, ref {Ref("actHiH")});");
            if (_later is { } v)
                w.Line($"{Globals.RowBlocks}.SplitBFloat16Lanes(ref {_usage.Ref(v.Reference)}, {Count(v.Columns)}, ref {Ref("vecLo")}, ref {Ref("vecHi")});");
        }
    }

    /// <summary>Declares the refs the blocks used: the direction's blocks and scales, and the vector buffers.</summary>
    public void WriteReferences(SourceWriter w)
    {
        const string mm = Globals.MemoryMarshal, un = Globals.Unsafe;
        string At(string field, string offset)
        {
            string origin = QuantizedWeightsEmitter.Origin(field);
            string from = origin == "0" ? offset : offset == "0" ? origin : $"{origin} + {offset}";
            return from == "0"
                ? $"ref {mm}.GetArrayDataReference({field})"
                : $"ref {un}.Add(ref {mm}.GetArrayDataReference({field}), {from})";
        }
        var declarations = new (string Name, string Type, string Field, string Offset)[]
        {
            ("q8", "sbyte", QuantizedWeightsEmitter.Int8Field, _q.BlockConstant),
            ("q8Hr", "sbyte", QuantizedWeightsEmitter.Int8Field, _q.HrBlockConstant),
            ("sIh", "float", QuantizedWeightsEmitter.ScalesField, _q.ScalesIhConstant),
            ("sHh", "float", QuantizedWeightsEmitter.ScalesField, _q.ScalesHhConstant),
            ("sHr", "float", QuantizedWeightsEmitter.ScalesField, _q.ScalesHrConstant),
            ("xQ", "short", QuantizedWeightsEmitter.VectorsField, "0"),
            ("hQ", "short", QuantizedWeightsEmitter.VectorsField, $"2 * {Sizes.Input}"),
            ("vQ", "short", QuantizedWeightsEmitter.VectorsField, QuantizedWeightsEmitter.LaterVector),
            ("w16", "ushort", QuantizedWeightsEmitter.BFloat16Field, _q.BlockConstant),
            ("w16Hr", "ushort", QuantizedWeightsEmitter.BFloat16Field, _q.HrBlockConstant),
            ("actLo", "float", QuantizedWeightsEmitter.LanesLoField, "0"),
            ("actHi", "float", QuantizedWeightsEmitter.LanesHiField, "0"),
            ("actLoH", "float", QuantizedWeightsEmitter.LanesLoField, Sizes.Input),
            ("actHiH", "float", QuantizedWeightsEmitter.LanesHiField, Sizes.Input),
            ("vecLo", "float", QuantizedWeightsEmitter.LanesLoField, QuantizedWeightsEmitter.LaterVector),
            ("vecHi", "float", QuantizedWeightsEmitter.LanesHiField, QuantizedWeightsEmitter.LaterVector),
        };
        foreach (var (name, type, field, offset) in declarations)
            if (_usage.Refs.Contains(name))
                w.Line($"ref {type} {name} = {At(field, offset)};");
    }

    private string Ref(string name) => _usage.Ref(name);

    /// <summary>
    /// The portable body's product: <paramref name="target"/> (+)= rows [firstRow, firstRow + rows) of W_ih, W_hh or W_hr
    /// (<paramref name="matrix"/> = "Ih", "Hh", "Hr") times <paramref name="vector"/>, from the quantized copy.
    /// </summary>
    public static void WritePortable(SourceWriter w, QuantizedDirection q, string matrix, string? firstRow, string rows, string vector, string target, bool accumulate)
    {
        var l = q.Direction.Layer;
        string first = firstRow ?? "0";
        if (!accumulate) w.Line($"{target}.Clear();");
        string columns = matrix switch { "Ih" => "I", "Hh" => "P", _ => "H" };
        string columnsOfVector = $"{vector}.Slice(0, {columns})";
        switch (q.Mode)
        {
            case ProductMode.Int8:
            {
                var (block, stride, pair, scales) = matrix switch
                {
                    "Ih" => (q.BlockConstant, l.GatesConstant, "0", q.ScalesIhConstant),
                    "Hh" => (q.BlockConstant, l.GatesConstant, q.Sizes.Input, q.ScalesHhConstant),
                    _ => (q.HrBlockConstant, l.OutputConstant, "0", q.ScalesHrConstant),
                };
                string scaleSlice = $"{QuantizedWeightsEmitter.ScalesField}.AsSpan({scales}{(firstRow is null ? "" : " + " + firstRow)}, {rows})";
                w.Wrapped("global::RnnGen.Kernels.QuantizedMatrixOps.GemvAddInt8",
                    [QuantizedWeightsEmitter.Int8Field, $"{QuantizedWeightsEmitter.Origin(QuantizedWeightsEmitter.Int8Field)} + {block}", stride, pair, first, scaleSlice, columnsOfVector, target], ";");
                break;
            }
            case ProductMode.BFloat16:
            {
                var (block, stride, lane) = matrix switch
                {
                    "Ih" => (q.BlockConstant, q.Sizes.Lanes, "0"),
                    "Hh" => (q.BlockConstant, q.Sizes.Lanes, q.Sizes.Input),
                    _ => (q.HrBlockConstant, q.Sizes.Hidden, "0"),
                };
                w.Wrapped("global::RnnGen.Kernels.QuantizedMatrixOps.GemvAddBFloat16",
                    [QuantizedWeightsEmitter.BFloat16Field, $"{QuantizedWeightsEmitter.Origin(QuantizedWeightsEmitter.BFloat16Field)} + {block}", stride, lane, first, columnsOfVector, target], ";");
                break;
            }
            default:
            {
                string offset = q.RoundedConstant("w" + matrix)! + (firstRow is null ? "" : $" + {firstRow} * {columns}");
                w.Line($"{Globals.MatrixOps}.GemvAdd({QuantizedWeightsEmitter.RoundedField}.AsSpan({QuantizedWeightsEmitter.Origin(QuantizedWeightsEmitter.RoundedField)} + {offset}, {rows} * {columns}), {vector}, {target});");
                break;
            }
        }
    }
}
