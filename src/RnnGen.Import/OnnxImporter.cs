using System.Collections.Immutable;
using RnnGen.Import.Model;
using RnnGen.Import.Onnx;
using RnnGen.Import.Onnx.Proto;
using RnnGen.Weights;

namespace RnnGen.Import;

/// <summary>An ONNX model read into RnnGen's terms.</summary>
/// <param name="Model">The layers, head and input layout.</param>
/// <param name="Tensors">The weights under the declaration contract's default names, PyTorch layouts and gate orders, in state_dict order.</param>
/// <param name="Notes">Every choice the import made that the user may want to know (input layout, dropped dropout, state inputs…).</param>
/// <param name="InputName">The graph input that is the sequence.</param>
/// <param name="OutputName">The graph output the model computes.</param>
/// <param name="FixedSteps">The sequence length when the graph fixes it (a static export), else null.</param>
public sealed record ImportedModel(ModelDescription Model, IReadOnlyList<SafeTensor> Tensors, IReadOnlyList<string> Notes, string InputName, string OutputName, int? FixedSteps = null)
{
    /// <summary>The metadata key under which <see cref="ToSafeTensors"/> records the declaration, for <c>rnngen verify</c> and <c>inspect</c>.</summary>
    public const string DeclarationKey = WeightsMetadata.Declaration;

    /// <summary>The metadata key saying where the weights came from: <see cref="SourceOf"/> for an import.</summary>
    public const string SourceKey = "source";

    /// <summary>The source an import records, <c>rnngen import model.onnx</c> (the generator's ONNX check keys on its prefix).</summary>
    public static string SourceOf(string onnxFileName) => "rnngen import " + onnxFileName;

    /// <summary>Whether an import wrote the file with this metadata (a file <c>SaveWeights</c> wrote records a declaration too).</summary>
    public static bool WrittenByImport(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue(SourceKey, out var source) && source.StartsWith(SourceOf(""), StringComparison.Ordinal);

    /// <summary>
    /// A safetensors file of <see cref="Tensors"/>, recording <paramref name="declaration"/> (when given), the version of the
    /// generator it is for (when given) and where it came from.
    /// </summary>
    public SafeTensorsFile ToSafeTensors(string? declaration = null, string? source = null, string? generatorVersion = null)
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (source is not null) metadata[SourceKey] = source;
        metadata["input_layout"] = Model.Layout == InputLayout.BatchFirst ? "batch_first" : "time_major";
        if (declaration is not null) metadata[DeclarationKey] = declaration;
        if (generatorVersion is not null) metadata[WeightsMetadata.GeneratorVersion] = generatorVersion;
        return new SafeTensorsFile(Tensors, metadata);
    }

    /// <summary>
    /// The file the build embeds for <c>[RecurrentModel(Weights = "model.onnx")]</c> (RnnGen.OnnxWeights, and <c>rnngen emit</c>
    /// without MSBuild): the weights, with the declaration <c>rnngen import</c> prints and the source
    /// <c>rnngen import {file}</c>, from which the generator checks that the declaration computes what the graph does.
    /// </summary>
    public SafeTensorsFile ToBuildTimeWeights(string onnxFileName)
        => ToSafeTensors(DeclarationText.Write(Model, "Model", FixedSteps ?? DefaultSequenceLength), SourceOf(onnxFileName));

    /// <summary>The SequenceLength a declaration gets when the graph does not fix T.</summary>
    public const int DefaultSequenceLength = 50;
}

/// <summary>
/// Imports ONNX recurrent models: <c>LSTM</c>, <c>GRU</c> (linear_before_reset 0 or 1) and <c>RNN</c> (Tanh or Relu)
/// layers, forward or bidirectional, stacked; an optional <c>Gather</c> on an embedding table; a head of <c>Gemm</c> or
/// <c>MatMul</c> + <c>Add</c> layers with <c>Relu</c>/<c>Tanh</c>/<c>Sigmoid</c>/<c>Softmax</c>, over every step, the last
/// step or the final state; and the glue exporters emit around them, evaluated symbolically. Weights are converted to
/// PyTorch's state_dict layout: ONNX gate blocks LSTM (i, o, f, c) → (i, f, g, o), GRU (z, r, h) → (r, z, n), and
/// B = [Wb, Rb] → bias_ih, bias_hh.
/// </summary>
public static class OnnxImporter
{
    /// <exception cref="ImportException">The file cannot be read, or its graph is not an RnnGen model (the message says which node and why).</exception>
    public static ImportedModel Import(string path) => Import(OnnxFile.Read(path), path);

    /// <exception cref="ImportException">As <see cref="Import(string)"/>.</exception>
    public static ImportedModel Import(byte[] bytes, string name = "<onnx data>") => Import(OnnxFile.Parse(bytes, name), name);

    private static ImportedModel Import(ModelProto model, string file)
    {
        var graph = model.Graph;
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset == 0) throw new ImportException(ImportFailure.Unsupported, $"{file}: the model imports no ai.onnx operator set");

        var initializers = new Dictionary<string, ConstValue>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            initializers[t.Name] = OnnxFile.Decode(t, $"{file}: initializer '{t.Name}'");
        if (graph.SparseInitializer.Count > 0)
            throw new ImportException(ImportFailure.Unsupported, $"{file}: sparse initializers are not supported");

        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count == 0) throw new ImportException(ImportFailure.Unsupported, $"{file}: the graph has no input besides its initializers");
        var sequence = inputs[0];
        if (graph.Output.Count == 0) throw new ImportException(ImportFailure.Unsupported, $"{file}: the graph has no output");
        string outputName = graph.Output[0].Name;
        var needed = NodesFor(graph, outputName);

        var notes = new List<string>();
        if (graph.Output.Count > 1)
            notes.Add($"the graph has {graph.Output.Count} outputs; the model computes the first, '{outputName}' (others: {string.Join(", ", graph.Output.Skip(1).Select(o => $"'{o.Name}'"))})");

        var attempts = new List<(InputLayout Layout, GraphInterpreter? Interpreter, ImportedModel? Result, ImportException? Error)>();
        foreach (var layout in new[] { InputLayout.BatchFirst, InputLayout.TimeMajor })
        {
            var interpreter = new GraphInterpreter(graph, opset, file, initializers);
            try
            {
                var input = InputFlow(sequence, layout, file);
                var output = interpreter.Run(sequence.Name, input, inputs.Skip(1).Select(i => i.Name), outputName, needed);
                var result = Map(interpreter, output, layout, sequence, outputName, file);
                attempts.Add((layout, interpreter, result with { Notes = [.. notes, .. LayoutNote(sequence, layout), .. result.Notes] }, null));
            }
            catch (ImportException e) when (e.Failure == ImportFailure.Unsupported)
            {
                attempts.Add((layout, interpreter, null, e));
            }
        }
        var succeeded = attempts.Where(a => a.Result is not null).ToList();
        if (succeeded.Count > 0) return succeeded[0].Result!;
        throw attempts.OrderByDescending(a => a.Interpreter?.Progress ?? 0).First().Error!;
    }

    private static IEnumerable<string> LayoutNote(ValueInfoProto input, InputLayout layout)
    {
        var dims = input.Type.TensorType.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam.Length > 0 ? d.DimParam : "?") ?? [];
        yield return $"input '{input.Name}' [{string.Join(", ", dims)}] is {(layout == InputLayout.BatchFirst ? "batch-first [batch, T, …]" : "time-major [T, batch, …]")}; the C# model takes one sequence, step by step";
    }

    /// <summary>The nodes the output depends on (the rest, e.g. unused Y_c or exporter leftovers, is not evaluated).</summary>
    private static IReadOnlySet<int> NodesFor(GraphProto graph, string output)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
            foreach (string o in graph.Node[i].Output)
                if (o.Length > 0) producer[o] = i;
        var needed = new HashSet<int>();
        var pending = new Stack<string>([output]);
        while (pending.Count > 0)
        {
            if (!producer.TryGetValue(pending.Pop(), out int i) || !needed.Add(i)) continue;
            foreach (string input in graph.Node[i].Input)
                if (input.Length > 0) pending.Push(input);
        }
        return needed;
    }

    /// <summary>The sequence input described under one layout hypothesis: floats [B, T, I] / [T, B, I], or token ids [B, T] / [T, B].</summary>
    private static FlowValue InputFlow(ValueInfoProto input, InputLayout layout, string file)
    {
        var tensor = input.Type?.TensorType ?? throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' is not a tensor");
        var type = (TensorProto.Types.DataType)tensor.ElemType;
        bool tokens = type is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32;
        if (!tokens && type is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double))
            throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' has element type {type}; RnnGen takes float features or int token ids");
        var dims = tensor.Shape?.Dim.ToList() ?? throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' has no shape");
        int rank = tokens ? 2 : 3;
        if (dims.Count != rank)
            throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' has rank {dims.Count}; a sequence of {(tokens ? "token ids is [batch, T] or [T, batch]" : "features is [batch, T, I] or [T, batch, I]")}");
        if (dims.Any(d => d.DimValue > OnnxFile.MaxTensorElements))
            throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' has a dimension over {OnnxFile.MaxTensorElements}");
        Dim Size(int axis, Dim symbol) => dims[axis].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[axis].DimValue > 0 ? Dim.Of(dims[axis].DimValue) : symbol;
        int batchAxis = layout == InputLayout.BatchFirst ? 0 : 1, timeAxis = 1 - batchAxis;
        var axes = new Axis[rank];
        axes[batchAxis] = new Axis(AxisRole.Batch, Size(batchAxis, Dim.Batch));
        axes[timeAxis] = new Axis(AxisRole.Time, Size(timeAxis, Dim.Time));
        if (!tokens)
        {
            if (dims[2].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[2].DimValue <= 0)
                throw new ImportException(ImportFailure.Unsupported, $"{file}: input '{input.Name}' must have a fixed feature size (its last dimension)");
            axes[2] = Axis.Features(new Piece(PieceKind.Input, (int)dims[2].DimValue));
        }
        return new FlowValue([.. axes], tokens);
    }

    /// <summary>Turns the evaluated graph into layers, head, over-steps and PyTorch-named tensors.</summary>
    private static ImportedModel Map(GraphInterpreter g, Value output, InputLayout layout, ValueInfoProto input, string outputName, string file)
    {
        ImportException Unsupported(string reason) => new(ImportFailure.Unsupported, $"{file}: {reason}");
        if (g.Layers.Count == 0) throw Unsupported("the graph has no LSTM, GRU or RNN node on the way to its output");
        if (output is not FlowValue result || result.Tokens || result.Axes.Length == 0 || result.Axes[^1].Role != AxisRole.Features)
            throw Unsupported($"the output '{outputName}' is not computed from the sequence by the recurrent layers");
        if (result.Axes.Any(a => a.Role == AxisRole.Stack))
            throw Unsupported($"the output '{outputName}' is {result}: stacked states are not a model output RnnGen has");

        var top = g.Layers[^1];
        int topLayer = g.Layers.Count - 1;
        int directions = top.Bidirectional ? 2 : 1;
        var over = HeadSteps.Every;
        var outputPieces = result.Axes[^1].Pieces;
        if (g.Denses.Count == 0)
        {
            var every = Enumerable.Range(0, directions).Select(d => new Piece(PieceKind.Output, top.Hidden, topLayer, d)).ToList();
            if (!outputPieces.SequenceEqual(every) || result.Axes.All(a => a.Role != AxisRole.Time))
                throw Unsupported($"the output '{outputName}' is {result}; without a dense head an RnnGen model outputs the top layer at every step");
        }
        else
        {
            if (outputPieces.Length != 1 || outputPieces[0].Kind != PieceKind.Dense || outputPieces[0].Dense != g.Denses.Count - 1)
                throw Unsupported($"the output '{outputName}' is {result}, not the last dense layer's output");
            over = HeadOver(g.Denses[0], top, topLayer, Unsupported);
        }

        var embedding = g.Embedding is { } e ? new EmbeddingLayer((int)e.Table.Dims[0], (int)e.Table.Dims[1]) : null;
        var layers = g.Layers.Select(l => new RecurrentLayer(l.Cell, l.Hidden, l.Bidirectional, l.B is not null, l.ResetAfter, l.Relu)).ToList();
        var head = g.Denses.Select(d => new DenseLayer(d.Outputs, d.Activation, d.Bias is not null)).ToList();
        var description = new ModelDescription(g.Layers[0].Input, embedding, layers, head, over, layout);

        var notes = new List<string>(g.Notes);
        if (head.Count > 0 && over == HeadSteps.Last && g.Denses[0].InputPieces.Any(p => p.Kind == PieceKind.State) && !top.Bidirectional)
            notes.Add("the head reads h_n of a unidirectional layer, which is its last step: declared Over = Steps.Last (the same values)");
        if (layers.Any(l => l.Cell == CellType.Gru && !l.ResetAfter))
            notes.Add("GRU with linear_before_reset=0: the reset gate applies before the recurrent matmul, declared ResetAfter = false");

        var time = input.Type.TensorType.Shape.Dim[layout == InputLayout.BatchFirst ? 1 : 0];
        int? fixedSteps = time.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && time.DimValue is > 0 and <= int.MaxValue ? (int)time.DimValue : null;
        return new ImportedModel(description, Tensors(description, g), notes, input.Name, outputName, fixedSteps);
    }

    /// <summary>
    /// Which steps the first dense layer reads, from the pieces of its input: every step; the last step; or h_n, where
    /// the forward direction's last step and the reverse direction's state after t = 0 are the final states. The
    /// directions may come in either order; the weight's columns are put in RnnGen's [forward, reverse] order.
    /// </summary>
    private static HeadSteps HeadOver(DenseNode dense, RecurrentNode top, int topLayer, Func<string, ImportException> unsupported)
    {
        int directions = top.Bidirectional ? 2 : 1;
        var pieces = dense.InputPieces;
        if (pieces.Any(p => p.Layer != topLayer || p.Kind is not (PieceKind.Output or PieceKind.State)))
            throw unsupported($"the head reads {string.Join(" + ", pieces)}; it must read the top layer ({topLayer})");
        if (pieces.Length != directions || pieces.Select(p => p.Direction).Distinct().Count() != directions)
            throw unsupported($"the head reads {string.Join(" + ", pieces)}; it must read each of the top layer's {directions} direction(s) once");

        bool IsFinal(Piece p) => p.Kind == PieceKind.State || (p.Direction == 0 && p.Step == StepSelection.Last) || (p.Direction == 1 && p.Step == StepSelection.First);
        HeadSteps over;
        if (dense.OverTime)
        {
            if (pieces.Any(p => p.Kind != PieceKind.Output || p.Step != StepSelection.Every))
                throw unsupported($"the head reads {string.Join(" + ", pieces)} at every step");
            over = HeadSteps.Every;
        }
        else if (pieces.All(IsFinal))
        {
            over = directions == 1 ? HeadSteps.Last : HeadSteps.Final;
        }
        else if (pieces.All(p => p.Kind == PieceKind.Output && p.Step == StepSelection.Last))
        {
            over = HeadSteps.Last;
        }
        else
        {
            throw unsupported($"the head reads {string.Join(" + ", pieces)}: RnnGen heads read every step, the last step (output[-1]) or the final states (h_n)");
        }

        if (pieces[0].Direction != 0)
        {
            // [reverse, forward] → [forward, reverse]: swap the two column blocks of the weight.
            int h = top.Hidden, inputs = dense.Inputs;
            var swapped = new double[dense.Weight.Length];
            for (int o = 0; o < dense.Outputs; o++)
            {
                Array.Copy(dense.Weight, o * inputs + h, swapped, o * inputs, h);
                Array.Copy(dense.Weight, o * inputs, swapped, o * inputs + h, h);
            }
            dense.Weight = swapped;
        }
        return over;
    }

    /// <summary>The weights under the contract's default names, with ONNX gate blocks reordered to PyTorch's.</summary>
    private static List<SafeTensor> Tensors(ModelDescription model, GraphInterpreter g)
    {
        var values = new List<float[]>();
        if (g.Embedding is { } e) values.Add(ToFloats(e.Table.Floats!));
        foreach (var layer in g.Layers)
        {
            int gates = layer.Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
            int[] order = layer.Cell switch { CellType.Lstm => [0, 2, 3, 1], CellType.Gru => [1, 0, 2], _ => [0] };
            int h = layer.Hidden, rows = gates * h;
            for (int d = 0; d < (layer.Bidirectional ? 2 : 1); d++)
            {
                values.Add(Blocks(layer.W.Floats!, d * rows * layer.Input, layer.Input, h, order));
                values.Add(Blocks(layer.R.Floats!, d * rows * h, h, h, order));
                if (layer.B is { } b)
                {
                    values.Add(Blocks(b.Floats!, d * 2 * rows, 1, h, order));
                    values.Add(Blocks(b.Floats!, d * 2 * rows + rows, 1, h, order));
                }
            }
        }
        foreach (var dense in g.Denses)
        {
            values.Add(ToFloats(dense.Weight));
            if (dense.Bias is { } bias) values.Add(ToFloats(bias));
        }

        var names = TensorNames.For(model);
        if (names.Count != values.Count) throw new InvalidOperationException($"{names.Count} tensor names for {values.Count} tensors");
        return names.Select((n, i) => new SafeTensor(n.Name, n.Shape, values[i])).ToList();
    }

    /// <summary>Gate blocks of <paramref name="h"/> rows × <paramref name="columns"/> taken from <paramref name="offset"/> in <paramref name="order"/>.</summary>
    private static float[] Blocks(double[] source, int offset, int columns, int h, int[] order)
    {
        int block = h * columns;
        var result = new float[order.Length * block];
        for (int g = 0; g < order.Length; g++)
            for (int i = 0; i < block; i++) result[g * block + i] = (float)source[offset + order[g] * block + i];
        return result;
    }

    private static float[] ToFloats(double[] values) => values.Select(v => (float)v).ToArray();
}
