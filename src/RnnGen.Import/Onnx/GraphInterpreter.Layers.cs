using System.Collections.Immutable;
using RnnGen.Import.Model;

namespace RnnGen.Import.Onnx;

/// <summary>The recurrent nodes, the dense layers and their activations.</summary>
internal sealed partial class GraphInterpreter
{
    private Value[] RecurrentNodeOutputs(Proto.NodeProto node)
    {
        var cell = node.OpType switch { "LSTM" => CellType.Lstm, "GRU" => CellType.Gru, _ => CellType.Rnn };
        int gates = cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
        if (In(node, 0) is not FlowValue x || x.Tokens)
            throw Fail(node, "X must be the sequence's features (or the embedding's or the previous layer's outputs)");

        long hidden = Int(node, "hidden_size", 0);
        if (hidden <= 0) throw Fail(node, "hidden_size must be given and positive");
        string direction = String(node, "direction") ?? "forward";
        if (direction == "reverse")
            throw Fail(node, "direction 'reverse' (a layer that only runs backwards in time, e.g. Keras go_backwards=True) has no RnnGen declaration; RnnGen layers run forward or bidirectional");
        if (direction is not ("forward" or "bidirectional")) throw Fail(node, $"unknown direction '{direction}'");
        int directions = direction == "bidirectional" ? 2 : 1;
        if (Attribute(node, "clip") is not null) throw Fail(node, "clip (cell clipping) is not supported: PyTorch and RnnGen cells do not clip");
        if (Attribute(node, "activation_alpha") is not null || Attribute(node, "activation_beta") is not null)
            throw Fail(node, "activation_alpha/activation_beta (parameterised activations) are not supported");
        if (cell == CellType.Lstm && Int(node, "input_forget", 0) != 0) throw Fail(node, "input_forget=1 (coupled input and forget gates) is not supported");
        bool resetAfter = cell != CellType.Gru || Int(node, "linear_before_reset", 0) != 0;
        bool relu = CheckActivations(node, cell, directions);

        long layout = Int(node, "layout", 0);
        if (layout is not (0 or 1)) throw Fail(node, $"layout {layout} is not 0 or 1");
        AxisRole[] expected = layout == 0 ? [AxisRole.Time, AxisRole.Batch, AxisRole.Features] : [AxisRole.Batch, AxisRole.Time, AxisRole.Features];
        if (!x.Axes.Select(a => a.Role).SequenceEqual(expected))
            throw Fail(node, $"X must be laid out [{string.Join(", ", expected).ToLowerInvariant()}] (layout={layout}), but it is {x}");
        CheckLayerInput(node, x.Axes[2]);

        var w = Const(node, 1, "W");
        var r = Const(node, 2, "R");
        int input = (int)x.Axes[2].Size.Coefficient;
        long rows = gates * hidden;
        CheckShape(node, w, "W", [directions, rows, input]);
        CheckShape(node, r, "R", [directions, rows, hidden]);
        ConstValue? b = null;
        if (Has(node, 3))
        {
            b = Const(node, 3, "B");
            CheckShape(node, b, "B", [directions, 2 * rows]);
        }
        if (w.IsInteger || r.IsInteger || b is { IsInteger: true }) throw Fail(node, "W, R and B must be floating point");

        var time = x.Axes[layout == 0 ? 0 : 1];
        if (Has(node, 4)) CheckSequenceLengths(node, In(node, 4), time.Size);
        CheckInitialState(node, 5, "initial_h", directions, hidden);
        if (cell == CellType.Lstm)
        {
            CheckInitialState(node, 6, "initial_c", directions, hidden);
            if (Has(node, 7)) throw Fail(node, "peephole weights (input P) are not supported: PyTorch and RnnGen LSTMs have no peepholes");
        }

        int k = Layers.Count;
        Layers.Add(new RecurrentNode(node.Name, cell, (int)hidden, input, directions == 2, resetAfter, relu, w, r, b));

        var batch = x.Axes[layout == 0 ? 1 : 0];
        var features = new Axis(AxisRole.Features, Dim.Of(hidden), [new Piece(PieceKind.Stacked, (int)hidden)]);
        Axis Stack(PieceKind kind) => Axis.Stack([.. Enumerable.Range(0, directions).Select(d => new Piece(kind, (int)hidden, k, d))]);
        FlowValue Output(params Axis[] axes) => new([.. axes]);
        var y = layout == 0 ? Output(time, Stack(PieceKind.Output), batch, features) : Output(batch, time, Stack(PieceKind.Output), features);
        var yh = layout == 0 ? Output(Stack(PieceKind.State), batch, features) : Output(batch, Stack(PieceKind.State), features);
        var yc = layout == 0 ? Output(Stack(PieceKind.CellState), batch, features) : Output(batch, Stack(PieceKind.CellState), features);
        return cell == CellType.Lstm ? [y, yh, yc] : [y, yh];
    }

    /// <summary>Checks the activations are the cell's defaults (an RNN may use Relu); returns whether the RNN is ReLU.</summary>
    private bool CheckActivations(Proto.NodeProto node, CellType cell, int directions)
    {
        var given = Attribute(node, "activations")?.Strings.Select(s => s.ToStringUtf8()).ToList();
        string[] defaults = cell switch { CellType.Lstm => ["Sigmoid", "Tanh", "Tanh"], CellType.Gru => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        if (given is null || given.Count == 0) return false;
        if (given.Count != defaults.Length * directions)
            throw Fail(node, $"activations lists {given.Count} functions; a {node.OpType} with {directions} direction(s) takes {defaults.Length * directions}");
        if (cell == CellType.Rnn)
        {
            if (given.All(a => a.Equals("Tanh", StringComparison.OrdinalIgnoreCase))) return false;
            if (given.All(a => a.Equals("Relu", StringComparison.OrdinalIgnoreCase))) return true;
            throw Fail(node, $"activations [{string.Join(", ", given)}]: RnnGen's RNN layers use Tanh or Relu, the same in both directions");
        }
        for (int i = 0; i < given.Count; i++)
        {
            if (!given[i].Equals(defaults[i % defaults.Length], StringComparison.OrdinalIgnoreCase))
                throw Fail(node, $"activations [{string.Join(", ", given)}]: RnnGen's {node.OpType} uses [{string.Join(", ", defaults)}] (Keras' hard_sigmoid, for one, is not supported)");
        }
        return false;
    }

    private void CheckShape(Proto.NodeProto node, ConstValue value, string name, long[] expected)
    {
        if (!value.Dims.SequenceEqual(expected))
            throw Fail(node, $"{name} is {value.ShapeText}, but hidden_size, the direction and the input's {expected[^1]} features need [{string.Join(", ", expected)}]");
    }

    /// <summary>Layer 0 reads the input or the embedding; layer k reads all of layer k−1's outputs, forward then reverse.</summary>
    private void CheckLayerInput(Proto.NodeProto node, Axis features)
    {
        var pieces = features.Pieces;
        if (Layers.Count == 0)
        {
            if (pieces.Length == 1 && pieces[0].Kind is PieceKind.Input or PieceKind.Embedded) return;
            throw Fail(node, $"the first recurrent layer must read the model's input or its embedding, not {features}");
        }
        var previous = Layers[^1];
        int k = Layers.Count - 1;
        var want = Enumerable.Range(0, previous.Bidirectional ? 2 : 1).Select(d => new Piece(PieceKind.Output, previous.Hidden, k, d)).ToList();
        if (pieces.SequenceEqual(want)) return;
        throw Fail(node, $"a stacked layer must read every step of layer {k}'s outputs ({string.Join(" + ", want)}), but it reads {features}");
    }

    private void CheckSequenceLengths(Proto.NodeProto node, Value lengths, Dim steps)
    {
        bool whole = lengths switch
        {
            ConstValue c => c.Count > 0 && steps.IsConstant && Enumerable.Range(0, c.Count).All(i => (long)c.At(i) == steps.Coefficient),
            FilledValue f => steps.IsConstant && (long)f.Fill == steps.Coefficient,
            ShapeValue s => s.Elements.All(e => e == steps),
            _ => false,
        };
        if (!whole) throw Fail(node, "sequence_lens shorter than the sequence (padded batches) are not supported; RnnGen runs each sequence to its end");
        AddNote("sequence_lens equals the sequence length: the whole sequence is run, as RnnGen does");
    }

    private void CheckInitialState(Proto.NodeProto node, int index, string name, int directions, long hidden)
    {
        if (!Has(node, index)) return;
        var value = In(node, index);
        switch (value)
        {
            case ConstValue c when Enumerable.Range(0, c.Count).All(i => c.At(i) == 0):
            case FilledValue { Fill: 0 }:
                if (ShapeOf(value) is { } shape && (shape.Length != 3 || !shape[0].Is(directions) || !shape[2].Is(hidden)))
                    throw Fail(node, $"{name} is {Dim.Format(shape)}, but {directions} direction(s) of {hidden} units need [{directions}, batch, {hidden}]");
                return;
            case GraphInputValue g:
                AddNote($"graph input '{g.Name}' is layer {Layers.Count}'s {name}: RnnGen starts each sequence from the model's State, zero after ResetState (set State to start from other values)");
                return;
            default:
                throw Fail(node, $"{name} must be zeros or a graph input; RnnGen cannot bake in a nonzero initial state");
        }
    }

    private static ImmutableArray<Dim>? ShapeOf(Value v) => v switch
    {
        ConstValue c => [.. c.Dims.Select(Dim.Of)],
        FilledValue f => f.Shape,
        _ => null,
    };

    // ------------------------------------------------------------------ dense head

    private Value MatMulNode(Proto.NodeProto node)
    {
        if (In(node, 0) is not FlowValue a) throw Fail(node, "the left operand must be the data path (features @ weight)");
        if (In(node, 1) is FlowValue) throw Fail(node, "a product of two data-path tensors (attention and the like) is not part of an RnnGen model");
        var w = Const(node, 1, "the weight");
        if (w.Rank != 2 || w.IsInteger) throw Fail(node, $"the weight must be a 2-D floating-point matrix [in, out], not {w.ShapeText}");
        int inputs = (int)w.Dims[0], outputs = (int)w.Dims[1];
        var weight = new double[outputs * inputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++) weight[o * inputs + i] = w.At(i * outputs + o);
        return AddDense(node, a, outputs, inputs, weight);
    }

    private Value GemmNode(Proto.NodeProto node)
    {
        if (In(node, 0) is not FlowValue a) throw Fail(node, "A must be the data path");
        if (a.Rank != 2) throw Fail(node, $"Gemm multiplies 2-D matrices; A is {a}");
        if (Int(node, "transA", 0) != 0) throw Fail(node, "transA=1 transposes the data path; RnnGen reads features as rows");
        var b = Const(node, 1, "B");
        if (b.Rank != 2 || b.IsInteger) throw Fail(node, $"B must be a 2-D floating-point matrix, not {b.ShapeText}");
        bool transB = Int(node, "transB", 0) != 0;
        double alpha = Float(node, "alpha", 1f), beta = Float(node, "beta", 1f);
        int outputs = (int)(transB ? b.Dims[0] : b.Dims[1]), inputs = (int)(transB ? b.Dims[1] : b.Dims[0]);
        var weight = new double[outputs * inputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++) weight[o * inputs + i] = alpha * b.At(transB ? o * inputs + i : i * outputs + o);
        var result = AddDense(node, a, outputs, inputs, weight);
        if (Has(node, 2))
        {
            var c = Const(node, 2, "C");
            Denses[^1].Bias = BiasVector(node, c, outputs, beta);
        }
        return result;
    }

    private FlowValue AddDense(Proto.NodeProto node, FlowValue a, int outputs, int inputs, double[] weight)
    {
        if (a.Tokens || a.Axes[^1].Role != AxisRole.Features) throw Fail(node, $"the last axis of the data path must be its features, not {a}");
        var features = a.Axes[^1];
        if (features.Size != Dim.Of(inputs)) throw Fail(node, $"the weight takes {inputs} inputs but the features are {features.Size} wide");
        var pieces = features.Pieces;
        bool overTime = a.Axes.Any(x => x.Role == AxisRole.Time);
        if (Denses.Count == 0)
        {
            if (Layers.Count == 0 || pieces.Any(p => p.Kind is not (PieceKind.Output or PieceKind.State)))
                throw Fail(node, pieces.Any(p => p.Kind == PieceKind.CellState)
                    ? "a head over the LSTM's cell state c_n is not supported; RnnGen heads read h"
                    : $"the first dense layer must read the recurrent layers' outputs, not {features}");
        }
        else
        {
            var last = Denses[^1];
            if (pieces.Length != 1 || pieces[0].Kind != PieceKind.Dense || pieces[0].Dense != Denses.Count - 1)
                throw Fail(node, $"a dense layer must read the previous dense layer's outputs, not {features}");
            if (overTime != last.OverTime) throw Fail(node, "dense layers of one head must all read every step or all read one row");
        }
        Denses.Add(new DenseNode(node.Name, outputs, inputs, weight, pieces, overTime));
        return a.With(a.Axes.SetItem(a.Rank - 1, Axis.Features(new Piece(PieceKind.Dense, outputs, Dense: Denses.Count - 1))));
    }

    private double[] BiasVector(Proto.NodeProto node, ConstValue c, int outputs, double scale)
    {
        if (c.IsInteger) throw Fail(node, "the bias must be floating point");
        bool broadcastScalar = c.Count == 1;
        bool vector = c.Rank >= 1 && c.Dims[^1] == outputs && c.Dims.Take(c.Rank - 1).All(d => d == 1);
        if (!broadcastScalar && !vector) throw Fail(node, $"the bias {c.ShapeText} must be [{outputs}] (or broadcast to it along the outputs only)");
        return Enumerable.Range(0, outputs).Select(o => scale * c.At(broadcastScalar ? 0 : o)).ToArray();
    }

    private Value AddBias(Proto.NodeProto node, Value a, Value b)
    {
        var (flow, other) = a is FlowValue fa ? (fa, b) : ((FlowValue)b, a);
        if (other is FlowValue) throw Fail(node, "adding two data-path tensors (a residual connection) is not part of an RnnGen model");
        var pieces = flow.Axes[^1].Pieces;
        if (Denses.Count == 0 || pieces.IsDefault || pieces.Length != 1 || pieces[0].Kind != PieceKind.Dense || pieces[0].Dense != Denses.Count - 1)
            throw Fail(node, "only a dense layer's bias can be added on the data path, right after its MatMul");
        var dense = Denses[^1];
        if (dense.Bias is not null || dense.Activation != Activation.Linear) throw Fail(node, $"dense layer '{dense.Node}' already has its bias");
        if (other is not ConstValue c) throw Fail(node, "the bias must be a constant");
        dense.Bias = BiasVector(node, c, dense.Outputs, 1);
        return flow;
    }

    private Value ActivationNode(Proto.NodeProto node)
    {
        if (In(node, 0) is not FlowValue f) throw Fail(node, "activations apply to the data path");
        var pieces = f.Axes[^1].Pieces;
        bool onDense = Denses.Count > 0 && f.Axes[^1].Role == AxisRole.Features && pieces.Length == 1 && pieces[0].Kind == PieceKind.Dense && pieces[0].Dense == Denses.Count - 1;
        if (!onDense) throw Fail(node, "RnnGen applies activations in the dense head only (to a dense layer's outputs)");
        var dense = Denses[^1];
        if (dense.Activation != Activation.Linear) throw Fail(node, $"dense layer '{dense.Node}' already has the activation {dense.Activation}");
        if (node.OpType == "Softmax")
        {
            long axis = Int(node, "axis", _opset >= 13 ? -1 : 1);
            if (NormalizeAxis(node, axis, f.Rank) != f.Rank - 1)
                throw Fail(node, $"softmax over axis {axis} of {f}: RnnGen's Softmax runs over the outputs, the last axis");
        }
        dense.Activation = node.OpType switch
        {
            "Relu" => Activation.Relu,
            "Tanh" => Activation.Tanh,
            "Sigmoid" => Activation.Sigmoid,
            _ => Activation.Softmax,
        };
        return f;
    }
}
