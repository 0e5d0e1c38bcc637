using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// The step-latency grid of <see cref="StepLatency"/> with int8 and bfloat16 recurrent weights: the same models, weights
/// and inputs, so <c>{Cell}_{I}x{H}_Int8</c> and <c>_BFloat16</c> compare with <c>_Generated</c> (float32) of the same run.
/// </summary>
[MemoryDiagnoser]
public class PrecisionLatency
{
    private readonly Lstm1x8Int8 _lstm1x8Int8 = Setup.Randomised(new Lstm1x8Int8());
    private readonly Lstm1x16Int8 _lstm1x16Int8 = Setup.Randomised(new Lstm1x16Int8());
    private readonly Lstm1x32Int8 _lstm1x32Int8 = Setup.Randomised(new Lstm1x32Int8());
    private readonly Lstm1x64Int8 _lstm1x64Int8 = Setup.Randomised(new Lstm1x64Int8());
    private readonly Lstm8x64Int8 _lstm8x64Int8 = Setup.Randomised(new Lstm8x64Int8());
    private readonly Lstm16x128Int8 _lstm16x128Int8 = Setup.Randomised(new Lstm16x128Int8());
    private readonly Gru1x8Int8 _gru1x8Int8 = Setup.Randomised(new Gru1x8Int8());
    private readonly Gru1x16Int8 _gru1x16Int8 = Setup.Randomised(new Gru1x16Int8());
    private readonly Gru1x32Int8 _gru1x32Int8 = Setup.Randomised(new Gru1x32Int8());
    private readonly Gru1x64Int8 _gru1x64Int8 = Setup.Randomised(new Gru1x64Int8());
    private readonly Gru8x64Int8 _gru8x64Int8 = Setup.Randomised(new Gru8x64Int8());
    private readonly Gru16x128Int8 _gru16x128Int8 = Setup.Randomised(new Gru16x128Int8());
    private readonly Lstm1x8BFloat16 _lstm1x8BFloat16 = Setup.Randomised(new Lstm1x8BFloat16());
    private readonly Lstm1x16BFloat16 _lstm1x16BFloat16 = Setup.Randomised(new Lstm1x16BFloat16());
    private readonly Lstm1x32BFloat16 _lstm1x32BFloat16 = Setup.Randomised(new Lstm1x32BFloat16());
    private readonly Lstm1x64BFloat16 _lstm1x64BFloat16 = Setup.Randomised(new Lstm1x64BFloat16());
    private readonly Lstm8x64BFloat16 _lstm8x64BFloat16 = Setup.Randomised(new Lstm8x64BFloat16());
    private readonly Lstm16x128BFloat16 _lstm16x128BFloat16 = Setup.Randomised(new Lstm16x128BFloat16());
    private readonly Gru1x8BFloat16 _gru1x8BFloat16 = Setup.Randomised(new Gru1x8BFloat16());
    private readonly Gru1x16BFloat16 _gru1x16BFloat16 = Setup.Randomised(new Gru1x16BFloat16());
    private readonly Gru1x32BFloat16 _gru1x32BFloat16 = Setup.Randomised(new Gru1x32BFloat16());
    private readonly Gru1x64BFloat16 _gru1x64BFloat16 = Setup.Randomised(new Gru1x64BFloat16());
    private readonly Gru8x64BFloat16 _gru8x64BFloat16 = Setup.Randomised(new Gru8x64BFloat16());
    private readonly Gru16x128BFloat16 _gru16x128BFloat16 = Setup.Randomised(new Gru16x128BFloat16());

    private readonly float[] _x1 = Setup.Inputs(1), _x8 = Setup.Inputs(8), _x16 = Setup.Inputs(16);
    private readonly float[] _y = new float[1];

    [Benchmark] public void Lstm_1x8_Int8() => _lstm1x8Int8.Step(_x1, _y);
    [Benchmark] public void Lstm_1x16_Int8() => _lstm1x16Int8.Step(_x1, _y);
    [Benchmark] public void Lstm_1x32_Int8() => _lstm1x32Int8.Step(_x1, _y);
    [Benchmark] public void Lstm_1x64_Int8() => _lstm1x64Int8.Step(_x1, _y);
    [Benchmark] public void Lstm_8x64_Int8() => _lstm8x64Int8.Step(_x8, _y);
    [Benchmark] public void Lstm_16x128_Int8() => _lstm16x128Int8.Step(_x16, _y);
    [Benchmark] public void Gru_1x8_Int8() => _gru1x8Int8.Step(_x1, _y);
    [Benchmark] public void Gru_1x16_Int8() => _gru1x16Int8.Step(_x1, _y);
    [Benchmark] public void Gru_1x32_Int8() => _gru1x32Int8.Step(_x1, _y);
    [Benchmark] public void Gru_1x64_Int8() => _gru1x64Int8.Step(_x1, _y);
    [Benchmark] public void Gru_8x64_Int8() => _gru8x64Int8.Step(_x8, _y);
    [Benchmark] public void Gru_16x128_Int8() => _gru16x128Int8.Step(_x16, _y);
    [Benchmark] public void Lstm_1x8_BFloat16() => _lstm1x8BFloat16.Step(_x1, _y);
    [Benchmark] public void Lstm_1x16_BFloat16() => _lstm1x16BFloat16.Step(_x1, _y);
    [Benchmark] public void Lstm_1x32_BFloat16() => _lstm1x32BFloat16.Step(_x1, _y);
    [Benchmark] public void Lstm_1x64_BFloat16() => _lstm1x64BFloat16.Step(_x1, _y);
    [Benchmark] public void Lstm_8x64_BFloat16() => _lstm8x64BFloat16.Step(_x8, _y);
    [Benchmark] public void Lstm_16x128_BFloat16() => _lstm16x128BFloat16.Step(_x16, _y);
    [Benchmark] public void Gru_1x8_BFloat16() => _gru1x8BFloat16.Step(_x1, _y);
    [Benchmark] public void Gru_1x16_BFloat16() => _gru1x16BFloat16.Step(_x1, _y);
    [Benchmark] public void Gru_1x32_BFloat16() => _gru1x32BFloat16.Step(_x1, _y);
    [Benchmark] public void Gru_1x64_BFloat16() => _gru1x64BFloat16.Step(_x1, _y);
    [Benchmark] public void Gru_8x64_BFloat16() => _gru8x64BFloat16.Step(_x8, _y);
    [Benchmark] public void Gru_16x128_BFloat16() => _gru16x128BFloat16.Step(_x16, _y);

    /// <summary>The models of this suite by benchmark group (e.g. <c>Lstm_16x128</c>), for the weight-byte columns of the report.</summary>
    public IEnumerable<(string Group, IQuantizedModel Int8, IQuantizedModel BFloat16)> Models() =>
    [
        ("Lstm_1x8", _lstm1x8Int8, _lstm1x8BFloat16), ("Lstm_1x16", _lstm1x16Int8, _lstm1x16BFloat16), ("Lstm_1x32", _lstm1x32Int8, _lstm1x32BFloat16),
        ("Lstm_1x64", _lstm1x64Int8, _lstm1x64BFloat16), ("Lstm_8x64", _lstm8x64Int8, _lstm8x64BFloat16), ("Lstm_16x128", _lstm16x128Int8, _lstm16x128BFloat16),
        ("Gru_1x8", _gru1x8Int8, _gru1x8BFloat16), ("Gru_1x16", _gru1x16Int8, _gru1x16BFloat16), ("Gru_1x32", _gru1x32Int8, _gru1x32BFloat16),
        ("Gru_1x64", _gru1x64Int8, _gru1x64BFloat16), ("Gru_8x64", _gru8x64Int8, _gru8x64BFloat16), ("Gru_16x128", _gru16x128Int8, _gru16x128BFloat16),
    ];
}
