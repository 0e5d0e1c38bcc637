using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>
/// The two int8 products the precision issue names, measured on the gate pre-activations of an LSTM step (all 4H rows of
/// W_ih x + W_hh h + b) at three sizes, beside the float32 row blocks on the same weights:
/// <list type="bullet">
/// <item><c>IntegerDot</c> (shipped): x and h quantized to 16 bits each step, int8 × int16 pair products summed exactly
/// (<c>RowBlocks.QuantizeInt16</c>, <c>Int8Sums16</c>, <c>Dequantize16</c>).</item>
/// <item><c>DequantizeFma</c> (not shipped): the same int8 weights widened to float in registers (<c>vpmovsxbd</c> +
/// <c>vcvtdq2ps</c>) and multiplied by the float vectors with FMAs.</item>
/// </list>
/// VNNI (<c>vpdpbusd</c>), the third option, is not exposed by .NET 10 on this AVX-512 machine (docs/quantization.md).
/// Without AVX-512 every method returns at once.
/// </summary>
[MemoryDiagnoser]
public class Int8Products
{
    private readonly Gates _g16x128 = new(16, 128), _g8x64 = new(8, 64), _g1x32 = new(1, 32);

    [Benchmark] public float Int8Products_16x128_IntegerDot() => _g16x128.IntegerDot();
    [Benchmark] public float Int8Products_16x128_DequantizeFma() => _g16x128.DequantizeFma();
    [Benchmark] public float Int8Products_16x128_Float32() => _g16x128.Float32();
    [Benchmark] public float Int8Products_8x64_IntegerDot() => _g8x64.IntegerDot();
    [Benchmark] public float Int8Products_8x64_DequantizeFma() => _g8x64.DequantizeFma();
    [Benchmark] public float Int8Products_8x64_Float32() => _g8x64.Float32();
    [Benchmark] public float Int8Products_1x32_IntegerDot() => _g1x32.IntegerDot();
    [Benchmark] public float Int8Products_1x32_DequantizeFma() => _g1x32.DequantizeFma();
    [Benchmark] public float Int8Products_1x32_Float32() => _g1x32.Float32();

    /// <summary>An LSTM's stacked gate weights, in float32 rows and in int8 column pairs (W_ih's pairs, then W_hh's).</summary>
    private sealed class Gates
    {
        private readonly int _i, _h, _rows, _inputPairs, _hiddenPairs;
        private readonly float[] _wIh, _wHh, _bias, _x, _hidden, _out, _scalesIh, _scalesHh;
        private readonly sbyte[] _q;
        private readonly short[] _vectors;

        public Gates(int inputs, int hidden)
        {
            _i = inputs;
            _h = hidden;
            _rows = 4 * hidden;
            _inputPairs = (inputs + 1) / 2;
            _hiddenPairs = (hidden + 1) / 2;
            var random = new Random(7);
            float Next() => (float)(random.NextDouble() * 2 - 1) * 0.15f;
            _wIh = new float[_rows * inputs + 16 * (inputs + 16)];
            _wHh = new float[_rows * hidden + 16 * (hidden + 16)];
            for (int k = 0; k < _rows * inputs; k++) _wIh[k] = Next();
            for (int k = 0; k < _rows * hidden; k++) _wHh[k] = Next();
            _bias = new float[_rows + 16];
            _x = new float[inputs + 16];
            _hidden = new float[hidden + 16];
            for (int k = 0; k < inputs; k++) _x[k] = Next() * 5;
            for (int k = 0; k < hidden; k++) _hidden[k] = Next() * 5;
            _out = new float[_rows + 16];
            _q = new sbyte[(_inputPairs + _hiddenPairs) * _rows * 2 + 128];
            _scalesIh = new float[_rows + 16];
            _scalesHh = new float[_rows + 16];
            for (int r = 0; r < _rows; r++)
            {
                _scalesIh[r] = Weights.WeightQuantization.Int8Scale(_wIh.AsSpan(r * inputs, inputs));
                _scalesHh[r] = Weights.WeightQuantization.Int8Scale(_wHh.AsSpan(r * hidden, hidden));
                for (int c = 0; c < inputs; c++) _q[((c / 2) * _rows + r) * 2 + (c & 1)] = Weights.WeightQuantization.QuantizeInt8(_wIh[r * inputs + c], _scalesIh[r]);
                for (int c = 0; c < hidden; c++) _q[((_inputPairs + c / 2) * _rows + r) * 2 + (c & 1)] = Weights.WeightQuantization.QuantizeInt8(_wHh[r * hidden + c], _scalesHh[r]);
            }
            _vectors = new short[2 * (_inputPairs + _hiddenPairs) + 16];
        }

        public float IntegerDot()
        {
            if (!Avx512BW.IsSupported) return 0;
            ref short a = ref _vectors[0];
            ref short ah = ref Unsafe.Add(ref a, 2 * _inputPairs);
            float xScale = RowBlocks.QuantizeInt16(ref _x[0], _i, ref a, RowBlocks.Int16Limit(_i));
            float hScale = RowBlocks.QuantizeInt16(ref _hidden[0], _h, ref ah, RowBlocks.Int16Limit(_h));
            ref sbyte q = ref _q[0];
            for (int r = 0; r < _rows; r += 16)
            {
                var sx = RowBlocks.Int8Sums16(r, ref q, _rows, 0, _inputPairs, ref a);
                var sh = RowBlocks.Int8Sums16(r, ref q, _rows, _inputPairs, _hiddenPairs, ref ah);
                RowBlocks.Store16(RowBlocks.Dequantize16(sx, ref _scalesIh[0], r, xScale) + RowBlocks.Dequantize16(sh, ref _scalesHh[0], r, hScale) + RowBlocks.Load16(ref _bias[0], r), ref _out[0], r);
            }
            return _out[_rows - 1];
        }

        public float DequantizeFma()
        {
            if (!Avx512BW.IsSupported) return 0;
            ref sbyte q = ref _q[0];
            for (int r = 0; r < _rows; r += 16)
            {
                var px = Dequantized(r, ref q, _rows, 0, _inputPairs, _x);
                var ph = Dequantized(r, ref q, _rows, _inputPairs, _hiddenPairs, _hidden);
                RowBlocks.Store16(px * RowBlocks.Load16(ref _scalesIh[0], r) + ph * RowBlocks.Load16(ref _scalesHh[0], r) + RowBlocks.Load16(ref _bias[0], r), ref _out[0], r);
            }
            return _out[_rows - 1];
        }

        public float Float32()
        {
            if (!Avx512F.IsSupported) return 0;
            for (int r = 0; r < _rows; r += 16)
                RowBlocks.Store16(RowBlocks.Rows16(r, ref _wIh[0], _i, ref _x[0], ref _wHh[0], _h, ref _hidden[0], RowBlocks.Load16(ref _bias[0], r)), ref _out[0], r);
            return _out[_rows - 1];
        }

        /// <summary>
        /// Σ_c q[row + u, c] · v[c] in float for 16 rows: each pair's 32 bytes widened to two vectors of 16 int32 (rows
        /// 0–7 and 8–15, two columns each), converted and multiplied by [v(2g), v(2g + 1)] repeated; adjacent lanes
        /// summed at the end.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Dequantized(int row, ref sbyte w, int stride, int first, int pairs, float[] v)
        {
            ref sbyte block = ref Unsafe.Add(ref w, (first * stride + row) * 2);
            Vector512<float> low = default, high = default;
            for (int g = 0; g < pairs; g++)
            {
                ref sbyte chunk = ref Unsafe.Add(ref block, g * stride * 2);
                float v0 = v[2 * g], v1 = 2 * g + 1 < v.Length ? v[2 * g + 1] : 0f;
                var x = Vector512.Create(Vector128.Create(v0, v1, v0, v1));
                low = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref chunk))), x, low);
                high = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref chunk, 16))), x, high);
            }
            var sums = Avx512F.Shuffle(low, high, 0b10_00_10_00) + Avx512F.Shuffle(low, high, 0b11_01_11_01);
            return Avx512F.PermuteVar16x32(sums, Vector512.Create(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15));
        }
    }
}
