using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>
/// A measured basis for a design not built yet (issue 13): the generated LSTM Step (row-major PyTorch weights, one
/// accumulator per row, a transposing reduction per block) beside a hand-written Step over a column-major copy of the
/// same weights (the four gates' rows stacked and padded to 16, columns [x | h], each column's 64 rows contiguous), which
/// needs no reduction and reads no padded column. Same model, I = 8, H on and off the grid; AVX-512 only. The setup checks
/// that both give the same output over 20 steps before anything is timed. Not part of <c>run.sh</c>'s report: run it
/// with <c>--only ColumnLayout</c>.
/// </summary>
/// <remarks>
/// The copy is why this is a probe and not the product: <c>Parameters</c> is a writable span, so a copy Step reads could
/// go stale without anything noticing (a span held across a Step and written after it). A product version needs a copy
/// nobody can write around, e.g. an explicit inference snapshot of the model.
/// </remarks>
[MemoryDiagnoser]
public class ColumnLayoutProbe
{
    private readonly float[] _x = Setup.Inputs(8), _y = new float[1];
    private readonly UniformLstm8 _lstm8 = Setup.Randomised(new UniformLstm8());
    private readonly UniformLstm10 _lstm10 = Setup.Randomised(new UniformLstm10());
    private readonly UniformLstm13 _lstm13 = Setup.Randomised(new UniformLstm13());
    private readonly UniformLstm16 _lstm16 = Setup.Randomised(new UniformLstm16());
    private readonly UniformLstm48 _lstm48 = Setup.Randomised(new UniformLstm48());
    private readonly UniformLstm50 _lstm50 = Setup.Randomised(new UniformLstm50());
    private ColumnLstm _column8 = null!, _column10 = null!, _column13 = null!, _column16 = null!, _column48 = null!, _column50 = null!;

    [GlobalSetup]
    public void CheckEqualOutputs()
    {
        if (!Avx512F.IsSupported) throw new PlatformNotSupportedException("ColumnLayoutProbe needs AVX-512.");
        _column8 = Checked(_lstm8, 8, c => ColumnLstm.Step(c, _x, 8));
        _column10 = Checked(_lstm10, 10, c => ColumnLstm.Step(c, _x, 10));
        _column13 = Checked(_lstm13, 13, c => ColumnLstm.Step(c, _x, 13));
        _column16 = Checked(_lstm16, 16, c => ColumnLstm.Step(c, _x, 16));
        _column48 = Checked(_lstm48, 48, c => ColumnLstm.Step(c, _x, 48));
        _column50 = Checked(_lstm50, 50, c => ColumnLstm.Step(c, _x, 50));
    }

    private ColumnLstm Checked(IStepModel model, int hidden, Func<ColumnLstm, float> step)
    {
        var column = new ColumnLstm(((IRecurrentModel)model).Parameters, 8, hidden);
        model.ResetState();
        for (int t = 0; t < 20; t++)
        {
            model.Step(_x, _y);
            float got = step(column), want = _y[0];
            if (!(Math.Abs(got - want) <= 1e-5 + 1e-4 * Math.Abs(want)))
                throw new InvalidOperationException($"column-major LSTM(8→{hidden}) step {t}: {got}, the generated Step {want}");
        }
        model.ResetState();
        column.Reset();
        return column;
    }

    [Benchmark] public void Generated_Lstm_8() => _lstm8.Step(_x, _y);
    [Benchmark] public float Column_Lstm_8() => ColumnLstm.Step(_column8, _x, 8);
    [Benchmark] public void Generated_Lstm_10() => _lstm10.Step(_x, _y);
    [Benchmark] public float Column_Lstm_10() => ColumnLstm.Step(_column10, _x, 10);
    [Benchmark] public void Generated_Lstm_13() => _lstm13.Step(_x, _y);
    [Benchmark] public float Column_Lstm_13() => ColumnLstm.Step(_column13, _x, 13);
    [Benchmark] public void Generated_Lstm_16() => _lstm16.Step(_x, _y);
    [Benchmark] public float Column_Lstm_16() => ColumnLstm.Step(_column16, _x, 16);
    [Benchmark] public void Generated_Lstm_48() => _lstm48.Step(_x, _y);
    [Benchmark] public float Column_Lstm_48() => ColumnLstm.Step(_column48, _x, 48);
    [Benchmark] public void Generated_Lstm_50() => _lstm50.Step(_x, _y);
    [Benchmark] public float Column_Lstm_50() => ColumnLstm.Step(_column50, _x, 50);
}

/// <summary>
/// LSTM(I→H) + Dense(H→1) over a column-major copy of PyTorch's weights: rows of all four gates stacked (4H, padded to a
/// multiple of 64), in groups of 64 rows; within a group, column c's 64 floats are contiguous. A Step broadcasts each of
/// x and h's I + H values once per group and adds it times its column to four 16-row accumulators, then runs the gates
/// 16 units at a time. <see cref="Step"/> is inlined into each caller with constant sizes, as the generated cells are.
/// </summary>
internal sealed class ColumnLstm
{
    private readonly float[] _panel, _bias, _gates, _xh, _cell, _head;
    private readonly float _headBias;

    public ColumnLstm(ReadOnlySpan<float> p, int inputs, int hidden)
    {
        int g = 4 * hidden, c = inputs + hidden, groups = (g + 63) / 64;
        _panel = new float[groups * 64 * c];
        _bias = new float[groups * 64];
        _gates = new float[groups * 64 + 16];
        _xh = new float[c + 16];
        _cell = new float[hidden + 16];
        _head = new float[hidden + 16];
        // PyTorch order: weight_ih (4H × I), weight_hh (4H × H), bias_ih, bias_hh, then the head's weight (1 × H) and bias.
        int wIh = 0, wHh = g * inputs, bIh = wHh + g * hidden, bHh = bIh + g, head = bHh + g;
        for (int r = 0; r < g; r++)
        {
            int group = r / 64, lane = r % 64;
            for (int k = 0; k < inputs; k++) _panel[(group * c + k) * 64 + lane] = p[wIh + r * inputs + k];
            for (int k = 0; k < hidden; k++) _panel[(group * c + inputs + k) * 64 + lane] = p[wHh + r * hidden + k];
            _bias[r] = p[bIh + r] + p[bHh + r];
        }
        p.Slice(head, hidden).CopyTo(_head);
        _headBias = p[head + hidden];
    }

    public void Reset()
    {
        Array.Clear(_xh);
        Array.Clear(_cell);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(ColumnLstm m, ReadOnlySpan<float> x, int hidden)
    {
        const int inputs = 8;
        int g = 4 * hidden, columns = inputs + hidden, vectors = (g + 15) / 16;
        ref float xh = ref m._xh[0];
        x.CopyTo(m._xh);
        for (int group = 0; group * 4 < vectors; group++)
        {
            int live = vectors - group * 4;
            ref float bias = ref m._bias[group * 64];
            ref float panel = ref m._panel[group * 64 * columns];
            var a0 = RowBlocks.Load16(ref bias, 0);
            var a1 = RowBlocks.Load16(ref bias, 16);
            var a2 = RowBlocks.Load16(ref bias, 32);
            var a3 = RowBlocks.Load16(ref bias, 48);
            for (int c = 0; c < columns; c++)
            {
                var v = Vector512.Create(Unsafe.Add(ref xh, c));
                int column = c * 64;
                a0 = Avx512F.FusedMultiplyAdd(RowBlocks.Load16(ref panel, column), v, a0);
                if (live > 1) a1 = Avx512F.FusedMultiplyAdd(RowBlocks.Load16(ref panel, column + 16), v, a1);
                if (live > 2) a2 = Avx512F.FusedMultiplyAdd(RowBlocks.Load16(ref panel, column + 32), v, a2);
                if (live > 3) a3 = Avx512F.FusedMultiplyAdd(RowBlocks.Load16(ref panel, column + 48), v, a3);
            }
            ref float gates = ref m._gates[group * 64];
            RowBlocks.Store16(a0, ref gates, 0);
            RowBlocks.Store16(a1, ref gates, 16);
            RowBlocks.Store16(a2, ref gates, 32);
            RowBlocks.Store16(a3, ref gates, 48);
        }
        ref float pre = ref m._gates[0];
        ref float cell = ref m._cell[0];
        ref float headWeight = ref m._head[0];
        ref float h = ref m._xh[inputs];
        float y = m._headBias;
        for (int j = 0; j < hidden; j += 16)
        {
            var i = RowBlocks.FastSigmoid(RowBlocks.Load16(ref pre, j));
            var f = RowBlocks.FastSigmoid(RowBlocks.Load16(ref pre, hidden + j));
            var gg = RowBlocks.FastTanh(RowBlocks.Load16(ref pre, 2 * hidden + j));
            var o = RowBlocks.FastSigmoid(RowBlocks.Load16(ref pre, 3 * hidden + j));
            var c = f * RowBlocks.Load16(ref cell, j) + i * gg;
            var next = o * RowBlocks.FastTanh(c);
            int count = Math.Min(16, hidden - j);
            RowBlocks.StorePartial(c, ref cell, j, count);
            RowBlocks.StorePartial(next, ref h, j, count);
            y += RowBlocks.DotPartial(next, ref headWeight, j, count);
        }
        return y;
    }
}
