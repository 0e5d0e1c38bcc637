using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Tests.Shared;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// The packed tiles of an inference copy (<see cref="ColumnBlocks"/>): where <see cref="ColumnBlocks.Pack"/> puts every
/// weight, and the blocks of 16 rows and the tail tiles of 8 and 4 against double-precision dot products, for widths on
/// and off the vector grid (every remainder of four columns) and gates whose rows are not a multiple of 16.
/// </summary>
public class ColumnBlocksTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 16 }, { 3, 1, 10 }, { 4, 8, 13 }, { 3, 5, 21 }, { 4, 7, 50 }, { 1, 16, 37 }, { 2, 3, 4 }, { 3, 6, 8 }, { 4, 9, 100 },
    };

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void TilesAreWholeBlocksOf16ThenOneNarrowTileAGate()
    {
        Assert.Equal([0, 4, 4, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 0, 4], Enumerable.Range(0, 18).Select(ColumnBlocks.TailWidth));
        Assert.Equal(4 * 52, ColumnBlocks.PackedRows(4, 50));
        Assert.Equal(3 * 16, ColumnBlocks.PackedRows(3, 13));
        // LSTM 50: gate 2's second whole tile starts at packed row 2·48 + 16; gate 3's tail tile after the 4·48 whole rows.
        Assert.Equal(112, ColumnBlocks.TileRow(4, 50, 2, 20));
        Assert.Equal(4 * 48 + 3 * 4, ColumnBlocks.TileRow(4, 50, 3, 49));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackPutsEveryWeightInItsTileColumnAndZeroesTheSpareRows(int gates, int cols, int rows)
    {
        var w = Random(gates * rows * cols, 1);
        int length = ColumnBlocks.PackedRows(gates, rows) * cols;
        var packed = Enumerable.Repeat(float.NaN, length + 3).ToArray();
        ColumnBlocks.Pack(w, gates, rows, cols, packed);
        var written = new bool[length];
        for (int q = 0; q < gates; q++)
            for (int u = 0; u < rows; u++)
            {
                int width = u < rows / 16 * 16 ? 16 : ColumnBlocks.TailWidth(rows);
                for (int k = 0; k < cols; k++)
                {
                    int at = ColumnBlocks.TileRow(gates, rows, q, u) * cols + width * k + u % 16;
                    Assert.Equal(w[(q * rows + u) * cols + k], packed[at]);
                    Assert.False(written[at], $"two weights at {at}");
                    written[at] = true;
                }
            }
        for (int i = 0; i < length; i++)
            if (!written[i]) Assert.Equal(0f, packed[i]);
        Assert.All(packed.AsSpan(length).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void PackRefusesWhatItCannotHold()
    {
        var w = new float[2 * 5 * 3];
        Assert.Throws<ArgumentException>(() => ColumnBlocks.Pack(w.AsSpan(1), 2, 5, 3, new float[24]));
        Assert.Throws<ArgumentException>(() => ColumnBlocks.Pack(w, 2, 5, 3, new float[2 * 8 * 3 - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnBlocks.Pack([], 0, 5, 3, new float[24]));
    }

    [HardwareTheory(Isa.Avx512)]
    [MemberData(nameof(Shapes))]
    public void BlocksMatchDoublePrecisionDotProducts(int gates, int inputs, int hidden)
    {
        // W_ih [gates·H × I] and W_hh [gates·H × H] packed as a generated inference copy packs them; every block of every
        // gate (tiles of 16, and a gate's last rows in a tile of 4, 8 or 16), the bias added, against the same sums in
        // double precision. A tail tile's spare rows come out as the bias alone.
        var wIh = Random(gates * hidden * inputs, 2);
        var wHh = Random(gates * hidden * hidden, 3);
        var x = Random(inputs, 4);
        var h = Random(hidden, 5);
        var cIh = new float[ColumnBlocks.PackedRows(gates, hidden) * inputs];
        var cHh = new float[ColumnBlocks.PackedRows(gates, hidden) * hidden];
        ColumnBlocks.Pack(wIh, gates, hidden, inputs, cIh);
        ColumnBlocks.Pack(wHh, gates, hidden, hidden, cHh);
        var bias = Vector512.Create(0.25f, 0.5f, 0.75f, 1, 1.25f, 1.5f, 1.75f, 2, 2.25f, 2.5f, 2.75f, 3, 3.25f, 3.5f, 3.75f, 4);
        int whole = hidden / 16 * 16;
        for (int q = 0; q < gates; q++)
            for (int j = 0; j < hidden; j += 16)
            {
                int width = j < whole ? 16 : ColumnBlocks.TailWidth(hidden), row = ColumnBlocks.TileRow(gates, hidden, q, j);
                float[] both, input;
                switch (width)
                {
                    case 16:
                        both = ToArray(ColumnBlocks.Rows16(row, ref cIh[0], inputs, ref x[0], ref cHh[0], hidden, ref h[0], bias));
                        input = ToArray(ColumnBlocks.Rows16(row, ref cIh[0], inputs, ref x[0]));
                        break;
                    case 8:
                        both = ToArray(ColumnBlocks.Rows8(row, ref cIh[0], inputs, ref x[0], ref cHh[0], hidden, ref h[0], bias.GetLower()));
                        input = ToArray(ColumnBlocks.Rows8(row, ref cIh[0], inputs, ref x[0]));
                        break;
                    default:
                        both = ToArray(ColumnBlocks.Rows4(row, ref cIh[0], inputs, ref x[0], ref cHh[0], hidden, ref h[0], bias.GetLower().GetLower()));
                        input = ToArray(ColumnBlocks.Rows4(row, ref cIh[0], inputs, ref x[0]));
                        break;
                }
                for (int lane = 0; lane < width; lane++)
                {
                    int u = j + lane;
                    double wantInput = 0, wantHidden = 0;
                    if (u < hidden)
                    {
                        for (int k = 0; k < inputs; k++) wantInput += (double)wIh[(q * hidden + u) * inputs + k] * x[k];
                        for (int k = 0; k < hidden; k++) wantHidden += (double)wHh[(q * hidden + u) * hidden + k] * h[k];
                    }
                    double want = wantInput + wantHidden + bias[lane];
                    Assert.True(Math.Abs(both[lane] - want) <= 1e-5 * (1 + Math.Abs(want)), $"gate {q}, row {u} (tile of {width}): {both[lane]}, want {want}");
                    Assert.True(Math.Abs(input[lane] - wantInput) <= 1e-5 * (1 + Math.Abs(wantInput)), $"gate {q}, row {u}, W_ih x: {input[lane]}, want {wantInput}");
                }
            }
    }

    private static float[] ToArray(Vector512<float> v) => Enumerable.Range(0, 16).Select(i => v[i]).ToArray();
    private static float[] ToArray(Vector256<float> v) => Enumerable.Range(0, 8).Select(i => v[i]).ToArray();
    private static float[] ToArray(Vector128<float> v) => Enumerable.Range(0, 4).Select(i => v[i]).ToArray();
}
