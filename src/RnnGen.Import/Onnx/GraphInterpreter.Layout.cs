using System.Collections.Immutable;

namespace RnnGen.Import.Onnx;

/// <summary>The layout operators (Gather, Slice, Squeeze, Unsqueeze, Concat, Transpose, Reshape) on every kind of value.</summary>
internal sealed partial class GraphInterpreter
{
    /// <summary>ONNX's "to the end" for Slice ends: any value at least this large.</summary>
    private const long SliceToEnd = int.MaxValue;

    private Value GatherNode(Proto.NodeProto node)
    {
        var data = In(node, 0);
        var indices = In(node, 1);
        long axisAttribute = Int(node, "axis", 0);

        if (data is ConstValue table && indices is FlowValue { Tokens: true } tokens)
        {
            if (table.Rank != 2 || table.IsInteger || NormalizeAxis(node, axisAttribute, 2) != 0)
                throw Fail(node, "an embedding lookup gathers rows (axis 0) of a 2-D floating-point table");
            if (Embedding is not null) throw Fail(node, "the model looks up a second embedding table; RnnGen models have one");
            if (Layers.Count > 0) throw Fail(node, "an embedding must feed the first recurrent layer");
            Embedding = (node.Name, table);
            var width = new Piece(PieceKind.Embedded, checked((int)table.Dims[1]));
            return tokens with { Tokens = false, Axes = tokens.Axes.Add(Axis.Features(width)) };
        }
        if (indices is FlowValue) throw Fail(node, "token ids can only index a constant embedding table");

        var index = Const(node, 1, "the indices");
        if (!index.IsInteger) throw Fail(node, "the indices must be integers");
        switch (data)
        {
            case ConstValue c:
                try
                {
                    return ConstOps.Gather(c, index, NormalizeAxis(node, axisAttribute, c.Rank));
                }
                catch (ArgumentException e)
                {
                    throw Fail(node, e.Message);
                }
            case ShapeValue s:
            {
                if (s.IsScalar) throw Fail(node, "cannot gather from a scalar");
                var picked = Enumerable.Range(0, index.Count).Select(i =>
                {
                    long k = (long)index.At(i);
                    if (k < -s.Elements.Length || k >= s.Elements.Length) throw Fail(node, $"index {k} is out of range for {s.Elements.Length} shape values");
                    return s.Elements[(int)(k < 0 ? k + s.Elements.Length : k)];
                }).ToImmutableArray();
                return DimsValue(picked, index.Rank == 0);
            }
            case FlowValue f:
                return GatherFlow(node, f, NormalizeAxis(node, axisAttribute, f.Rank), index);
            default:
                throw Fail(node, "cannot gather from this input");
        }
    }

    private FlowValue GatherFlow(Proto.NodeProto node, FlowValue f, int axis, ConstValue index)
    {
        if (index.Count != 1 || index.Rank > 1) throw Fail(node, "only one index at a time can be taken on the data path");
        var a = f.Axes[axis];
        long k = (long)index.At(0);
        bool keep = index.Rank == 1;
        switch (a.Role)
        {
            case AxisRole.Time:
            {
                StepSelection step = SelectedStep(node, a.Size, k, k + 1 == 0 ? SliceToEnd : k + 1);
                var picked = SelectSteps(f, step);
                return picked.With(keep ? picked.Axes.SetItem(axis, Axis.Unit()) : picked.Axes.RemoveAt(axis));
            }
            case AxisRole.Stack:
            {
                int n = a.Pieces.Length;
                if (k < -n || k >= n) throw Fail(node, $"index {k} is out of range for {n} stacked states");
                int entry = (int)(k < 0 ? k + n : k);
                return keep ? f.With(f.Axes.SetItem(axis, Axis.Stack(a.Pieces[entry]))) : f.SelectStackEntry(axis, entry);
            }
            case AxisRole.Batch or AxisRole.Unit when k is 0 or -1:
                return keep ? f : f.With(f.Axes.RemoveAt(axis));
            case AxisRole.Features:
                throw Fail(node, "picking single features of a recurrent output is not something an RnnGen head can do");
            default:
                throw Fail(node, $"index {k} of the {a.Role.ToString().ToLowerInvariant()} axis: RnnGen runs one sequence (batch 1)");
        }
    }

    /// <summary>Which step the range [start, end) on the time axis picks: the last one or the first one.</summary>
    private StepSelection SelectedStep(Proto.NodeProto node, Dim size, long start, long end)
    {
        bool toEnd = end >= SliceToEnd || (size.IsConstant && end >= size.Coefficient);
        if (start == -1 && toEnd) return StepSelection.Last;
        if (size.IsConstant && start == size.Coefficient - 1 && toEnd) return StepSelection.Last;
        if (start == 0 && end == 1) return StepSelection.First;
        if (size.IsConstant && size.Coefficient > 0 && start == -size.Coefficient && end == 1 - size.Coefficient) return StepSelection.First;
        throw Fail(node, $"steps [{start}, {(end >= SliceToEnd ? "end" : end.ToString(System.Globalization.CultureInfo.InvariantCulture))}) of the sequence: an RnnGen head reads every step, the last step or the final state");
    }

    private static FlowValue SelectSteps(FlowValue f, StepSelection step)
        => f.MapPieces(p => p.Kind == PieceKind.Output && p.Step == StepSelection.Every ? p with { Step = step } : p);

    private Value SliceNode(Proto.NodeProto node)
    {
        var data = In(node, 0);
        long[] starts, ends, axes, steps;
        if (_opset < 10)
        {
            starts = Ints(node, "starts") ?? throw Fail(node, "starts is required");
            ends = Ints(node, "ends") ?? throw Fail(node, "ends is required");
            axes = Ints(node, "axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        else
        {
            starts = ConstInts(node, 1, "starts");
            ends = ConstInts(node, 2, "ends");
            axes = Has(node, 3) ? ConstInts(node, 3, "axes") : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Has(node, 4) ? ConstInts(node, 4, "steps") : Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw Fail(node, "starts, ends, axes and steps must have the same length");

        Value current = data;
        for (int i = 0; i < starts.Length; i++)
            current = SliceOne(node, current, axes[i], starts[i], ends[i], steps[i]);
        return current;
    }

    private Value SliceOne(Proto.NodeProto node, Value v, long axisValue, long start, long end, long step)
    {
        if (step == 0) throw Fail(node, "a slice step of 0");
        switch (v)
        {
            case ConstValue c:
            {
                int axis = NormalizeAxis(node, axisValue, c.Rank);
                var (s, n) = Range(c.Dims[axis], start, end, step);
                return ConstOps.Slice(c, axis, s, n, step);
            }
            case ShapeValue sv when !sv.IsScalar:
            {
                NormalizeAxis(node, axisValue, 1);
                var (s, n) = Range(sv.Elements.Length, start, end, step);
                return DimsValue(Enumerable.Range(0, (int)n).Select(i => sv.Elements[(int)(s + i * step)]).ToImmutableArray(), false);
            }
            case FilledValue f:
            {
                int axis = NormalizeAxis(node, axisValue, f.Shape.Length);
                var size = f.Shape[axis];
                if (size.IsConstant)
                {
                    var (_, n) = Range(size.Coefficient, start, end, step);
                    return f with { Shape = f.Shape.SetItem(axis, Dim.Of(n)) };
                }
                if (start == 0 && end >= SliceToEnd && step == 1) return f;
                throw Fail(node, $"slicing an axis of symbolic size {size} other than whole");
            }
            case FlowValue f:
                return SliceFlow(node, f, NormalizeAxis(node, axisValue, f.Rank), start, end, step);
            default:
                throw Fail(node, "cannot slice this input");
        }
    }

    /// <summary>The first index and count of ONNX's slice [start, end) with step on an axis of <paramref name="size"/>.</summary>
    private static (long Start, long Count) Range(long size, long start, long end, long step)
    {
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            return (start, Math.Max(0, (end - start + step - 1) / step));
        }
        start = Math.Clamp(start, 0, size - 1);
        end = Math.Clamp(end, -1, size - 1);
        return (start, Math.Max(0, (start - end - step - 1) / -step));
    }

    private FlowValue SliceFlow(Proto.NodeProto node, FlowValue f, int axis, long start, long end, long step)
    {
        var a = f.Axes[axis];
        bool whole = step == 1 && (start == 0 || (a.Size.IsConstant && start <= -a.Size.Coefficient))
            && (end >= SliceToEnd || (a.Size.IsConstant && end >= a.Size.Coefficient));
        if (whole) return f;
        if (step != 1) throw Fail(node, $"a slice with step {step} on the data path");
        switch (a.Role)
        {
            case AxisRole.Time:
            {
                var picked = SelectSteps(f, SelectedStep(node, a.Size, start, end));
                return picked.With(picked.Axes.SetItem(axis, Axis.Unit()));
            }
            case AxisRole.Stack:
            {
                var (s, n) = Range(a.Pieces.Length, start, end, 1);
                if (n == 0) throw Fail(node, "the slice selects no state");
                return f.With(f.Axes.SetItem(axis, Axis.Stack([.. a.Pieces.Skip((int)s).Take((int)n)])));
            }
            case AxisRole.Batch or AxisRole.Unit:
                return f;
            default:
                throw Fail(node, "slicing part of the features: an RnnGen head reads all of a layer's outputs");
        }
    }

    private long[] AxesOf(Proto.NodeProto node, int inputIndex)
        => _opset >= 13 ? (Has(node, inputIndex) ? ConstInts(node, inputIndex, "axes") : []) : Ints(node, "axes") ?? [];

    private Value UnsqueezeNode(Proto.NodeProto node)
    {
        var v = In(node, 0);
        long[] axes = AxesOf(node, 1);
        if (axes.Length == 0) throw Fail(node, "axes are required");
        switch (v)
        {
            case ConstValue c:
                return ConstOps.Reshape(c, InsertOnes(node, c.Dims.Select(Dim.Of).ToList(), axes).Select(d => d.Coefficient).ToArray());
            case ShapeValue s when s.IsScalar && axes.Length == 1 && axes[0] is 0 or -1:
                return new ShapeValue(s.Elements, false);
            case FilledValue f:
                return f with { Shape = [.. InsertOnes(node, [.. f.Shape], axes)] };
            case FlowValue f:
            {
                var result = f.Axes.ToList();
                int rank = result.Count + axes.Length;
                foreach (int axis in axes.Select(a => NormalizeAxis(node, a, rank)).Order()) result.Insert(axis, Axis.Unit());
                return f.With([.. result]);
            }
            default:
                throw Fail(node, "cannot unsqueeze this input");
        }
    }

    private List<Dim> InsertOnes(Proto.NodeProto node, List<Dim> dims, long[] axes)
    {
        int rank = dims.Count + axes.Length;
        foreach (int axis in axes.Select(a => NormalizeAxis(node, a, rank)).Order()) dims.Insert(axis, Dim.Of(1));
        return dims;
    }

    private Value SqueezeNode(Proto.NodeProto node)
    {
        var v = In(node, 0);
        long[] axes = AxesOf(node, 1);
        switch (v)
        {
            case ConstValue c:
            {
                var keep = Enumerable.Range(0, c.Rank).Where(i => !(axes.Length == 0 ? c.Dims[i] == 1 : axes.Select(a => NormalizeAxis(node, a, c.Rank)).Contains(i)));
                return ConstOps.Reshape(c, keep.Select(i => c.Dims[i]).ToArray());
            }
            case ShapeValue s when !s.IsScalar && s.Elements.Length == 1:
                return new ShapeValue(s.Elements, true);
            case FilledValue f:
            {
                var drop = axes.Length == 0 ? Enumerable.Range(0, f.Shape.Length).Where(i => f.Shape[i].Is(1)).ToHashSet() : axes.Select(a => NormalizeAxis(node, a, f.Shape.Length)).ToHashSet();
                return f with { Shape = [.. f.Shape.Where((_, i) => !drop.Contains(i))] };
            }
            case FlowValue f:
            {
                var drop = axes.Length == 0
                    ? Enumerable.Range(0, f.Rank).Where(i => f.Axes[i].Size.Is(1) || f.Axes[i].Role == AxisRole.Batch).ToList()
                    : axes.Select(a => NormalizeAxis(node, a, f.Rank)).Distinct().ToList();
                var result = f;
                foreach (int axis in drop.OrderDescending()) result = DropAxis(node, result, axis);
                return result;
            }
            default:
                throw Fail(node, "cannot squeeze this input");
        }
    }

    /// <summary>Removes a size-1 axis: a unit, the batch (RnnGen runs batch 1), or a stack of one state.</summary>
    private FlowValue DropAxis(Proto.NodeProto node, FlowValue f, int axis)
    {
        var a = f.Axes[axis];
        return a.Role switch
        {
            AxisRole.Unit => f.With(f.Axes.RemoveAt(axis)),
            AxisRole.Batch => f.With(f.Axes.RemoveAt(axis)),
            AxisRole.Stack when a.Pieces.Length == 1 => f.SelectStackEntry(axis, 0),
            _ => throw Fail(node, $"axis {axis} ({a}) does not have size 1"),
        };
    }

    private Value ConcatNode(Proto.NodeProto node)
    {
        var parts = Enumerable.Range(0, node.Input.Count).Where(i => Has(node, i)).Select(i => In(node, i)).ToList();
        if (parts.Count == 0) throw Fail(node, "no inputs");
        long axisAttribute = Attribute(node, "axis") is { } a ? a.I : throw Fail(node, "axis is required");

        if (parts.All(p => p is ConstValue))
        {
            var consts = parts.Cast<ConstValue>().ToList();
            int axis = NormalizeAxis(node, axisAttribute, consts[0].Rank);
            if (consts.Any(c => c.Rank != consts[0].Rank || Enumerable.Range(0, c.Rank).Any(i => i != axis && c.Dims[i] != consts[0].Dims[i])))
                throw Fail(node, "the constants' shapes differ off the concatenation axis");
            return ConstOps.Concat(consts, axis);
        }
        if (parts.All(p => TryDims(p, out _, out bool scalar) && !scalar))
        {
            NormalizeAxis(node, axisAttribute, 1);
            return DimsValue([.. parts.SelectMany(p => { TryDims(p, out var d, out _); return d; })], false);
        }
        if (parts.All(p => p is FlowValue))
            return ConcatFlows(node, parts.Cast<FlowValue>().ToList(), axisAttribute);
        if (parts.All(p => p is FilledValue or ConstValue))
            throw Fail(node, "concatenating initial-state tensors of different origins");
        throw Fail(node, "the inputs mix the data path with constants");
    }

    private FlowValue ConcatFlows(Proto.NodeProto node, List<FlowValue> flows, long axisAttribute)
    {
        var first = flows[0];
        int axis = NormalizeAxis(node, axisAttribute, first.Rank);
        foreach (var f in flows)
        {
            if (f.Rank != first.Rank) throw Fail(node, "the inputs have different ranks");
            for (int i = 0; i < f.Rank; i++)
            {
                if (i == axis) continue;
                var (x, y) = (f.Axes[i], first.Axes[i]);
                bool same = x.Role == y.Role && x.Size == y.Size && (x.Role != AxisRole.Features || x.Pieces.SequenceEqual(y.Pieces) || (x.Pieces.All(p => p.Kind == PieceKind.Stacked) && y.Pieces.All(p => p.Kind == PieceKind.Stacked)));
                if (!same) throw Fail(node, $"the inputs differ on axis {i} ({x} and {y})");
            }
        }
        var role = first.Axes[axis].Role;
        if (role is not (AxisRole.Features or AxisRole.Stack))
            throw Fail(node, $"concatenation along the {role.ToString().ToLowerInvariant()} axis: RnnGen concatenates directions' features only");
        var pieces = flows.SelectMany(f => f.Axes[axis].Pieces).ToArray();
        var merged = role == AxisRole.Features ? Axis.Features(pieces) : Axis.Stack(pieces);
        return first.With(first.Axes.SetItem(axis, merged));
    }

    private Value TransposeNode(Proto.NodeProto node)
    {
        var v = In(node, 0);
        int rank = v switch { ConstValue c => c.Rank, FilledValue f => f.Shape.Length, FlowValue f => f.Rank, _ => throw Fail(node, "cannot transpose this input") };
        long[] permValues = Ints(node, "perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        if (permValues.Length != rank || permValues.Order().Select((p, i) => p == i).Any(ok => !ok))
            throw Fail(node, $"perm [{string.Join(", ", permValues)}] is not a permutation of {rank} axes");
        int[] perm = permValues.Select(p => (int)p).ToArray();
        return v switch
        {
            ConstValue c => ConstOps.Transpose(c, perm),
            FilledValue f => f with { Shape = [.. perm.Select(p => f.Shape[p])] },
            FlowValue f => f.With([.. perm.Select(p => f.Axes[p])]),
            _ => throw Fail(node, "cannot transpose this input"),
        };
    }

    private Value ReshapeNode(Proto.NodeProto node)
    {
        var v = In(node, 0);
        if (!TryDims(In(node, 1), out var target, out _)) throw Fail(node, "the new shape must be a 1-D integer vector");
        bool allowZero = Int(node, "allowzero", 0) == 1;
        ImmutableArray<Dim> source = v switch
        {
            ConstValue c => [.. c.Dims.Select(Dim.Of)],
            FilledValue f => f.Shape,
            FlowValue f => [.. f.Axes.Select(a => a.Size)],
            _ => throw Fail(node, "cannot reshape this input"),
        };
        var resolved = ResolveShape(node, source, target, allowZero);
        return v switch
        {
            ConstValue c => ReshapeConst(node, c, resolved),
            FilledValue f => f with { Shape = resolved },
            FlowValue f => ReshapeFlow(node, f, resolved),
            _ => throw Fail(node, "cannot reshape this input"),
        };
    }

    private ConstValue ReshapeConst(Proto.NodeProto node, ConstValue c, ImmutableArray<Dim> shape)
    {
        var dims = shape.Select(d => d.IsConstant ? d.Coefficient : throw Fail(node, "a constant reshaped to a symbolic shape")).ToArray();
        if (ConstOps.Count(dims) != c.Count) throw Fail(node, $"{c.ShapeText} holds {c.Count} elements, [{string.Join(", ", dims)}] would hold {ConstOps.Count(dims)}");
        return ConstOps.Reshape(c, dims);
    }

    /// <summary>Target dims with 0 (copy) and -1 (the rest) resolved.</summary>
    private ImmutableArray<Dim> ResolveShape(Proto.NodeProto node, ImmutableArray<Dim> source, ImmutableArray<Dim> target, bool allowZero)
    {
        var dims = new Dim[target.Length];
        int inferred = -1;
        for (int i = 0; i < target.Length; i++)
        {
            var d = target[i];
            if (d.Is(0) && !allowZero)
            {
                if (i >= source.Length) throw Fail(node, $"dimension {i} copies an input dimension that does not exist");
                dims[i] = source[i];
            }
            else if (d.Is(-1))
            {
                if (inferred >= 0) throw Fail(node, "two dimensions are -1");
                inferred = i;
            }
            else if (d.IsConstant && d.Coefficient < 0)
            {
                throw Fail(node, $"negative dimension {d.Coefficient}");
            }
            else
            {
                dims[i] = d;
            }
        }
        if (inferred >= 0)
        {
            var total = source.Aggregate(Dim.Of(1), (a, b) => a.Times(b));
            var known = dims.Where((_, i) => i != inferred).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
            if (!total.TryDivide(known, out var rest)) throw Fail(node, $"{Dim.Format(source)} cannot be reshaped to {Dim.Format(target)}");
            dims[inferred] = rest;
        }
        return [.. dims];
    }

    /// <summary>
    /// Reshapes a data-path tensor by grouping consecutive axes whose sizes multiply to each new dimension: a stack of
    /// directions merged with the hidden units becomes the concatenated features (forward first, as PyTorch lays them
    /// out), and axes of size 1 (units, a batch of one, a single direction) are absorbed; a features axis split into
    /// equal pieces becomes a stack again.
    /// </summary>
    private FlowValue ReshapeFlow(Proto.NodeProto node, FlowValue f, ImmutableArray<Dim> target)
    {
        var result = new List<Axis>();
        int cursor = 0;
        for (int t = 0; t < target.Length; t++)
        {
            var want = target[t];
            if (want.Is(1))
            {
                // A dimension of 1 takes a size-1 axis where there is one, else it is a new unit axis.
                bool take = cursor < f.Rank && f.Axes[cursor].Size.Is(1);
                result.Add(take ? Merge(node, [f.Axes[cursor++]]) : Axis.Unit());
                continue;
            }
            if (cursor < f.Rank && f.Axes[cursor].Role == AxisRole.Features && f.Axes[cursor].Size != want
                && t + 1 < target.Length && want.Times(target[t + 1]) == f.Axes[cursor].Size)
            {
                result.Add(SplitFeatures(node, f.Axes[cursor], want, target[t + 1]));
                result.Add(new Axis(AxisRole.Features, target[t + 1], [new Piece(PieceKind.Stacked, (int)target[t + 1].Coefficient)]));
                cursor++;
                t++;
                continue;
            }
            var group = new List<Axis>();
            var product = Dim.Of(1);
            while (cursor < f.Rank && product != want)
            {
                var next = product.Times(f.Axes[cursor].Size);
                if (!want.TryDivide(next, out _)) throw Fail(node, $"{f} cannot be reshaped to {Dim.Format(target)} by merging neighbouring axes");
                group.Add(f.Axes[cursor++]);
                product = next;
            }
            if (product != want) throw Fail(node, $"{f} cannot be reshaped to {Dim.Format(target)}");
            result.Add(Merge(node, group));
        }
        for (; cursor < f.Rank; cursor++)
            if (!f.Axes[cursor].Size.Is(1)) throw Fail(node, $"{f} cannot be reshaped to {Dim.Format(target)}");

        var flow = f.With([.. result]);
        // A single stacked state absorbed into another axis selects itself.
        if (flow.Axes.All(a => a.Role != AxisRole.Stack) && f.Axes.FirstOrDefault(a => a.Role == AxisRole.Stack && a.Pieces.Length == 1) is { } single)
            flow = flow.MapPieces(p => p.Kind == PieceKind.Stacked ? single.Pieces[0] : p);
        return flow;
    }

    private Axis SplitFeatures(Proto.NodeProto node, Axis features, Dim count, Dim width)
    {
        if (!count.IsConstant || !width.IsConstant || features.Pieces.Length != count.Coefficient || features.Pieces.Any(p => p.Width != width.Coefficient))
            throw Fail(node, $"features ({features}) cannot be split into {count} × {width}");
        return Axis.Stack([.. features.Pieces]);
    }

    private Axis Merge(Proto.NodeProto node, List<Axis> group)
    {
        var meaningful = group.Where(a => !(a.Role == AxisRole.Unit || (a.Role == AxisRole.Stack && a.Pieces.Length == 1))).ToList();
        if (meaningful.Count == 0) return group.FirstOrDefault(a => a.Role == AxisRole.Batch) ?? Axis.Unit();
        if (meaningful.Count == 1) return meaningful[0];
        var roles = meaningful.Select(a => a.Role).ToList();
        if (roles.SequenceEqual([AxisRole.Stack, AxisRole.Features]) && meaningful[1].Pieces.All(p => p.Kind == PieceKind.Stacked))
            return Axis.Features([.. meaningful[0].Pieces]);
        var withoutBatch = meaningful.Where(a => a.Role != AxisRole.Batch).ToList();
        if (withoutBatch.Count == 1)
        {
            AddNote("a reshape merges the batch axis into another one: RnnGen runs one sequence at a time, so the batch is 1");
            return withoutBatch[0];
        }
        throw Fail(node, $"merging {string.Join(" and ", meaningful)} into one axis cannot be followed");
    }
}
