using System.Collections.Immutable;
using System.Text;
using RnnGen.Import.Model;
using RnnGen.Import.Onnx.Proto;

namespace RnnGen.Import.Onnx;

/// <summary>A recurrent node of the graph, in ONNX terms (W [D, G·H, in], R [D, G·H, H], B [D, 2·G·H] or none).</summary>
internal sealed record RecurrentNode(string Node, CellType Cell, int Hidden, int Input, bool Bidirectional, bool ResetAfter, bool Relu, ConstValue W, ConstValue R, ConstValue? B);

/// <summary>A dense layer found in the graph: y = act(W x + b) with W [Outputs, Inputs] row-major.</summary>
internal sealed class DenseNode(string node, int outputs, int inputs, double[] weight, ImmutableArray<Piece> inputPieces, bool overTime)
{
    public string Node { get; } = node;
    public int Outputs { get; } = outputs;
    public int Inputs { get; } = inputs;
    public double[] Weight { get; set; } = weight;
    public double[]? Bias { get; set; }
    public Activation Activation { get; set; } = Activation.Linear;
    public ImmutableArray<Piece> InputPieces { get; } = inputPieces;
    public bool OverTime { get; } = overTime;
}

/// <summary>
/// Evaluates an ONNX graph abstractly: constants are computed, shape glue is kept as symbolic monomials over batch and T
/// (<see cref="Dim"/>), and the tensors on the data path are described axis by axis (<see cref="FlowValue"/>) so that
/// each recurrent node, each dense layer and the output can be mapped onto RnnGen's layers. Anything else is an
/// <see cref="ImportException"/> naming the node, its op type and its inputs.
/// </summary>
internal sealed partial class GraphInterpreter
{
    private readonly GraphProto _graph;
    private readonly string _file;
    private readonly long _opset;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);

    public List<RecurrentNode> Layers { get; } = [];
    public List<DenseNode> Denses { get; } = [];
    public (string Node, ConstValue Table)? Embedding { get; private set; }
    public List<string> Notes { get; } = [];

    /// <summary>How many nodes were evaluated before a failure: the input-layout hypothesis that got further explains the error better.</summary>
    public int Progress { get; private set; }

    public GraphInterpreter(GraphProto graph, long opset, string file, IReadOnlyDictionary<string, ConstValue> initializers)
    {
        _graph = graph;
        _opset = opset;
        _file = file;
        foreach (var (name, value) in initializers) _values[name] = value;
    }

    /// <summary>Runs the nodes the output depends on, in graph order, with the sequence input described as <paramref name="input"/>.</summary>
    public Value Run(string inputName, FlowValue input, IEnumerable<string> stateInputs, string outputName, IReadOnlySet<int> needed)
    {
        _values[inputName] = input;
        foreach (string name in stateInputs) _values[name] = new GraphInputValue(name);
        for (int i = 0; i < _graph.Node.Count; i++)
        {
            if (!needed.Contains(i)) continue;
            var node = _graph.Node[i];
            Evaluate(node);
            Progress++;
        }
        return _values.TryGetValue(outputName, out var output)
            ? output
            : throw new ImportException(ImportFailure.Unsupported, $"{_file}: no node produces the graph output '{outputName}'");
    }

    private void Evaluate(NodeProto node)
    {
        try
        {
            EvaluateNode(node);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidCastException or IndexOutOfRangeException or InvalidOperationException)
        {
            // The file is untrusted: whatever it holds that the checks above did not foresee is this node's error, not a crash.
            throw Fail(node, e.Message);
        }
    }

    private void EvaluateNode(NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx"))
            throw Fail(node, $"operators of domain '{node.Domain}' are not supported (only the standard ai.onnx operators)");
        Value[] results = node.OpType switch
        {
            "Constant" => [ConstantNode(node)],
            "Identity" => [In(node, 0)],
            "Dropout" => DropoutNode(node),
            "Cast" => [CastNode(node)],
            "Shape" => [ShapeNode(node)],
            "Gather" => [GatherNode(node)],
            "Unsqueeze" => [UnsqueezeNode(node)],
            "Squeeze" => [SqueezeNode(node)],
            "Concat" => [ConcatNode(node)],
            "Slice" => [SliceNode(node)],
            "Reshape" => [ReshapeNode(node)],
            "Transpose" => [TransposeNode(node)],
            "ConstantOfShape" => [ConstantOfShapeNode(node)],
            "Expand" => [ExpandNode(node)],
            "Add" or "Sub" or "Mul" or "Div" => [ArithmeticNode(node)],
            "LSTM" or "GRU" or "RNN" => RecurrentNodeOutputs(node),
            "MatMul" => [MatMulNode(node)],
            "Gemm" => [GemmNode(node)],
            "Relu" or "Tanh" or "Sigmoid" or "Softmax" => [ActivationNode(node)],
            "LogSoftmax" => throw Fail(node, "LogSoftmax is not one of RnnGen's head activations (Linear, Relu, Tanh, Sigmoid, Softmax); export the logits or the Softmax instead"),
            _ => throw Fail(node, "this operator is not supported. RnnGen imports LSTM, GRU, RNN, Gemm, MatMul + Add, Relu, Tanh, Sigmoid, Softmax, Gather on an embedding table, and the shape glue exporters put around them"),
        };
        for (int i = 0; i < node.Output.Count && i < results.Length; i++)
            if (node.Output[i].Length > 0) _values[node.Output[i]] = results[i];
    }

    // ------------------------------------------------------------------ inputs, attributes, errors

    private ImportException Fail(NodeProto node, string reason)
    {
        var inputs = new StringBuilder();
        for (int i = 0; i < node.Input.Count; i++)
        {
            if (i > 0) inputs.Append(", ");
            inputs.Append(node.Input[i].Length == 0 ? "(none)" : $"'{node.Input[i]}'");
            if (node.Input[i].Length > 0 && _values.TryGetValue(node.Input[i], out var v)) inputs.Append(' ').Append(Describe(v));
        }
        string name = node.Name.Length > 0 ? $"'{node.Name}'" : $"producing '{string.Join("', '", node.Output)}'";
        return new ImportException(ImportFailure.Unsupported, $"{_file}: node {name} ({node.OpType} of {inputs}): {reason}");
    }

    private static string Describe(Value v) => v switch
    {
        ConstValue c => $"constant {c.ShapeText}",
        ShapeValue s => $"shape values {s}",
        FilledValue f => $"filled {Dim.Format(f.Shape)}",
        GraphInputValue => "graph input",
        FlowValue f => f.ToString(),
        _ => "",
    };

    private bool Has(NodeProto node, int i) => i < node.Input.Count && node.Input[i].Length > 0;

    private Value In(NodeProto node, int i)
    {
        if (!Has(node, i)) throw Fail(node, $"input {i} is missing");
        return _values.TryGetValue(node.Input[i], out var v)
            ? v
            : throw Fail(node, $"input '{node.Input[i]}' is not produced by any earlier node, initializer or graph input (the graph must be topologically sorted)");
    }

    private ConstValue Const(NodeProto node, int i, string what)
    {
        var v = In(node, i);
        if (v is ConstValue c) return c;
        if (v is ShapeValue s && s.Elements.All(e => e.IsConstant))
            return s.IsScalar ? ConstValue.Scalar(s.Elements[0].Coefficient) : ConstValue.Vector(s.Elements.Select(e => e.Coefficient).ToArray());
        throw Fail(node, $"{what} must be a constant, but it is {Describe(v)}");
    }

    private long[] ConstInts(NodeProto node, int i, string what)
    {
        var c = Const(node, i, what);
        return Enumerable.Range(0, c.Count).Select(k => (long)c.At(k)).ToArray();
    }

    private static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long Int(NodeProto node, string name, long fallback) => Attribute(node, name) is { } a ? a.I : fallback;

    private static float Float(NodeProto node, string name, float fallback) => Attribute(node, name) is { } a ? a.F : fallback;

    private static string? String(NodeProto node, string name) => Attribute(node, name) is { } a ? a.S.ToStringUtf8() : null;

    private static long[]? Ints(NodeProto node, string name) => Attribute(node, name) is { } a ? a.Ints.ToArray() : null;

    private int NormalizeAxis(NodeProto node, long axis, int rank)
    {
        if (axis < -rank || axis >= rank) throw Fail(node, $"axis {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>The value as integers with symbols: a shape vector, or a small integer constant of rank 0 or 1.</summary>
    private static bool TryDims(Value v, out ImmutableArray<Dim> dims, out bool scalar)
    {
        switch (v)
        {
            case ShapeValue s:
                dims = s.Elements;
                scalar = s.IsScalar;
                return true;
            case ConstValue { IsInteger: true, Rank: <= 1 } c:
                dims = Enumerable.Range(0, c.Count).Select(i => Dim.Of((long)c.At(i))).ToImmutableArray();
                scalar = c.Rank == 0;
                return true;
            default:
                dims = default;
                scalar = false;
                return false;
        }
    }

    /// <summary>Keeps symbolic vectors symbolic and turns fully known ones back into constants.</summary>
    private static Value DimsValue(ImmutableArray<Dim> dims, bool scalar)
        => dims.All(d => d.IsConstant)
            ? scalar ? ConstValue.Scalar(dims[0].Coefficient) : ConstValue.Vector(dims.Select(d => d.Coefficient).ToArray())
            : new ShapeValue(dims, scalar);

    // ------------------------------------------------------------------ constants and glue

    private Value ConstantNode(NodeProto node)
    {
        var a = node.Attribute.FirstOrDefault() ?? throw Fail(node, "a Constant needs a value attribute");
        return a.Name switch
        {
            "value" => Decode(node, a.T),
            "value_float" => new ConstValue([], [a.F], null),
            "value_floats" => new ConstValue([a.Floats.Count], a.Floats.Select(f => (double)f).ToArray(), null),
            "value_int" => ConstValue.Scalar(a.I),
            "value_ints" => ConstValue.Vector(a.Ints.ToArray()),
            _ => throw Fail(node, $"Constant attribute '{a.Name}' is not supported"),
        };
    }

    private ConstValue Decode(NodeProto node, TensorProto? tensor)
    {
        if (tensor is null) throw Fail(node, "the value attribute holds no tensor");
        return OnnxFile.Decode(tensor, $"{_file}: node '{node.Name}' value");
    }

    private Value[] DropoutNode(NodeProto node)
    {
        if (Has(node, 2))
        {
            var training = In(node, 2);
            if (training is not ConstValue t || t.Count != 1 || t.At(0) != 0)
                throw Fail(node, "training_mode must be a constant false: RnnGen runs inference, where dropout passes its input through");
        }
        AddNote("dropout: a no-op at inference, nothing to declare");
        var input = In(node, 0);
        return [input];
    }

    private Value CastNode(NodeProto node)
    {
        var v = In(node, 0);
        var to = (TensorProto.Types.DataType)Int(node, "to", 0);
        bool integer = to is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Int8
            or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool or TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16
            or TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64;
        return v switch
        {
            ConstValue c when integer && !c.IsInteger => ConstOps.Create(c.Dims, true, i => to == TensorProto.Types.DataType.Bool ? (c.At(i) != 0 ? 1 : 0) : Math.Truncate(c.At(i))),
            ConstValue c when !integer && c.IsInteger => ConstOps.Create(c.Dims, false, i => c.At(i)),
            FlowValue f when f.Tokens != integer => throw Fail(node, f.Tokens ? "token ids cast to floating point cannot be followed" : "the sequence's features cast to integers cannot be followed"),
            _ => v,
        };
    }

    private Value ShapeNode(NodeProto node)
    {
        var v = In(node, 0);
        ImmutableArray<Dim> dims = v switch
        {
            ConstValue c => c.Dims.Select(Dim.Of).ToImmutableArray(),
            FilledValue f => f.Shape,
            FlowValue f => f.Axes.Select(a => a.Size).ToImmutableArray(),
            _ => throw Fail(node, "the shape of this input is not known"),
        };
        long start = Int(node, "start", 0), end = Int(node, "end", dims.Length);
        int s = (int)Math.Clamp(start < 0 ? start + dims.Length : start, 0, dims.Length);
        int e = (int)Math.Clamp(end < 0 ? end + dims.Length : end, 0, dims.Length);
        return DimsValue(dims[s..Math.Max(s, e)], scalar: false);
    }

    private Value ConstantOfShapeNode(NodeProto node)
    {
        if (!TryDims(In(node, 0), out var shape, out _)) throw Fail(node, "the shape must be a 1-D integer vector");
        double fill = 0;
        if (Attribute(node, "value") is { } a)
        {
            var value = Decode(node, a.T);
            if (value.Count != 1) throw Fail(node, "value must hold one element");
            fill = value.At(0);
        }
        return new FilledValue(shape, fill);
    }

    private Value ExpandNode(NodeProto node)
    {
        var input = In(node, 0);
        if (!TryDims(In(node, 1), out var shape, out _)) throw Fail(node, "the shape must be a 1-D integer vector");
        double fill;
        ImmutableArray<Dim> inputShape;
        switch (input)
        {
            case ConstValue c when c.Count > 0 && Enumerable.Range(0, c.Count).All(i => c.At(i) == c.At(0)):
                fill = c.At(0);
                inputShape = c.Dims.Select(Dim.Of).ToImmutableArray();
                break;
            case FilledValue f:
                fill = f.Fill;
                inputShape = f.Shape;
                break;
            default:
                throw Fail(node, "only tensors of one repeated value (zero initial states) can be expanded");
        }
        int rank = Math.Max(shape.Length, inputShape.Length);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim a = i - (rank - inputShape.Length) >= 0 ? inputShape[i - (rank - inputShape.Length)] : Dim.Of(1);
            Dim b = i - (rank - shape.Length) >= 0 ? shape[i - (rank - shape.Length)] : Dim.Of(1);
            result[i] = a.Is(1) ? b : b.Is(1) || a == b ? a : throw Fail(node, $"shapes {Dim.Format(inputShape)} and {Dim.Format(shape)} do not broadcast");
        }
        return new FilledValue([.. result], fill);
    }

    private Value ArithmeticNode(NodeProto node)
    {
        var a = In(node, 0);
        var b = In(node, 1);
        if (node.OpType == "Add" && (a is FlowValue || b is FlowValue)) return AddBias(node, a, b);
        if (a is ConstValue ca && b is ConstValue cb)
        {
            bool integer = ca.IsInteger && cb.IsInteger;
            Func<double, double, double> op = node.OpType switch
            {
                "Add" => (x, y) => x + y,
                "Sub" => (x, y) => x - y,
                "Mul" => (x, y) => x * y,
                _ => integer ? (x, y) => y == 0 ? throw Fail(node, "division by zero") : Math.Truncate(x / y) : (x, y) => x / y,
            };
            try
            {
                return ConstOps.Binary(ca, cb, op, integer);
            }
            catch (ArgumentException e)
            {
                throw Fail(node, e.Message);
            }
        }
        if (TryDims(a, out var da, out bool sa) && TryDims(b, out var db, out bool sb) && (da.Length == db.Length || da.Length == 1 || db.Length == 1))
        {
            int n = Math.Max(da.Length, db.Length);
            var result = new Dim[n];
            for (int i = 0; i < n; i++)
            {
                var x = da[da.Length == 1 ? 0 : i];
                var y = db[db.Length == 1 ? 0 : i];
                result[i] = node.OpType switch
                {
                    "Mul" => x.Times(y),
                    "Div" when x.TryDivide(y, out var q) => q,
                    "Add" when x.IsConstant && y.IsConstant => Dim.Of(x.Coefficient + y.Coefficient),
                    "Sub" when x.IsConstant && y.IsConstant => Dim.Of(x.Coefficient - y.Coefficient),
                    "Sub" when y.Is(0) => x,
                    "Add" when y.Is(0) => x,
                    "Add" when x.Is(0) => y,
                    _ => throw Fail(node, $"{x} {node.OpType} {y} is not a product or exact quotient of batch and T, which is all the shape glue RnnGen follows"),
                };
            }
            return DimsValue([.. result], sa && sb);
        }
        throw Fail(node, node.OpType == "Add"
            ? "only a dense layer's bias can be added on the data path"
            : $"{node.OpType} on the data path (scaling, residual connections) is not part of an RnnGen model");
    }

    private void AddNote(string note)
    {
        if (!Notes.Contains(note)) Notes.Add(note);
    }
}
