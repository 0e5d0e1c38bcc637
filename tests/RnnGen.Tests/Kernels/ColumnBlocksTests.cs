using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Tests.Shared;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// The packed tiles of an inference copy (<see cref="ColumnBlocks"/>): where <see cref="ColumnBlocks.Pack"/> puts every
/// weight, and the blocks of 16 rows against double-precision dot products, for widths on and off the vector grid
/// (every remainder of four columns) and gates whose rows are not a multiple of 16.
/// </summary>
public class ColumnBlocksTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 16 }, { 3, 1, 10 }, { 4, 8, 13 }, { 3, 5, 21 }, { 4, 7, 50 }, { 1, 16, 37 },
    };

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackPutsEveryWeightInItsTileColumnAndZeroesThePadding(int gates, int cols, int rows)
    {
        int padded = (rows + 15) / 16 * 16;
        var w = Random(gates * rows * cols, 1);
        var packed = Enumerable.Repeat(float.NaN, gates * padded * cols + 3).ToArray();
        ColumnBlocks.Pack(w, gates, rows, cols, packed, padded);
        for (int q = 0; q < gates; q++)
            for (int u = 0; u < padded; u++)
                for (int k = 0; k < cols; k++)
                {
                    int r = q * padded + u;
                    float got = packed[(r - r % 16) * cols + 16 * k + r % 16];
                    Assert.Equal(u < rows ? w[(q * rows + u) * cols + k] : 0f, got);
                }
        Assert.All(packed.AsSpan(gates * padded * cols).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void PackRefusesWhatItCannotHold()
    {
        var w = new float[2 * 5 * 3];
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnBlocks.Pack(w, 2, 5, 3, new float[96], 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnBlocks.Pack(w, 2, 5, 3, new float[96], 4));
        Assert.Throws<ArgumentException>(() => ColumnBlocks.Pack(w.AsSpan(1), 2, 5, 3, new float[96], 16));
        Assert.Throws<ArgumentException>(() => ColumnBlocks.Pack(w, 2, 5, 3, new float[95], 16));
    }

    [HardwareTheory(Isa.Avx512)]
    [MemberData(nameof(Shapes))]
    public void BlocksMatchDoublePrecisionDotProducts(int gates, int inputs, int hidden)
    {
        // W_ih [gates·H × I] and W_hh [gates·H × H] packed as a generated inference copy packs them; every block of every
        // gate, the bias added, against the same sums in double precision. Rows past H in a gate's last block are padding
        // and come out as the bias alone.
        int padded = (hidden + 15) / 16 * 16;
        var wIh = Random(gates * hidden * inputs, 2);
        var wHh = Random(gates * hidden * hidden, 3);
        var x = Random(inputs, 4);
        var h = Random(hidden, 5);
        var cIh = new float[gates * padded * inputs];
        var cHh = new float[gates * padded * hidden];
        ColumnBlocks.Pack(wIh, gates, hidden, inputs, cIh, padded);
        ColumnBlocks.Pack(wHh, gates, hidden, hidden, cHh, padded);
        var bias = Vector512.Create(0.25f, 0.5f, 0.75f, 1, 1.25f, 1.5f, 1.75f, 2, 2.25f, 2.5f, 2.75f, 3, 3.25f, 3.5f, 3.75f, 4);
        for (int q = 0; q < gates; q++)
            for (int j = 0; j < padded; j += 16)
            {
                var both = ColumnBlocks.Rows16(q * padded + j, ref cIh[0], inputs, ref x[0], ref cHh[0], hidden, ref h[0], bias);
                var input = ColumnBlocks.Rows16(q * padded + j, ref cIh[0], inputs, ref x[0]);
                for (int lane = 0; lane < 16; lane++)
                {
                    int u = j + lane;
                    double wantInput = 0, wantHidden = 0;
                    if (u < hidden)
                    {
                        for (int k = 0; k < inputs; k++) wantInput += (double)wIh[(q * hidden + u) * inputs + k] * x[k];
                        for (int k = 0; k < hidden; k++) wantHidden += (double)wHh[(q * hidden + u) * hidden + k] * h[k];
                    }
                    double want = wantInput + wantHidden + bias[lane];
                    Assert.True(Math.Abs(both[lane] - want) <= 1e-5 * (1 + Math.Abs(want)), $"gate {q}, row {u}: {both[lane]}, want {want}");
                    Assert.True(Math.Abs(input[lane] - wantInput) <= 1e-5 * (1 + Math.Abs(wantInput)), $"gate {q}, row {u}, W_ih x: {input[lane]}, want {wantInput}");
                }
            }
    }
}
