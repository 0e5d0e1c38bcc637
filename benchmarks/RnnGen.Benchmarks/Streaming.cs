using BenchmarkDotNet.Attributes;
using RnnGen.Streaming;

namespace RnnGen.Benchmarks;

/// <summary>
/// One sample end to end through the streaming runtime: <see cref="ZScoreNormalizer"/> on 8 raw sensor values, then
/// <see cref="StreamRunner"/> (finiteness check, one Step of LSTM 8→64 + Dense(64→1), latency metering, counters)
/// with an <see cref="EmaSmoother"/> on the output.
/// </summary>
[MemoryDiagnoser]
public class Streaming
{
    private readonly ZScoreNormalizer _normalizer = new(Setup.Inputs(8), Enumerable.Repeat(0.5f, 8).ToArray());
    private readonly StreamRunner _runner = new(Setup.Randomised(new Lstm8x64()), new EmaSmoother(1, 0.2f));
    private readonly float[] _raw = Setup.Inputs(8), _normalised = new float[8];
    private long _tick;

    [Benchmark]
    public float Sample_Lstm8x64()
    {
        _normalizer.Normalize(_raw, _normalised);
        _runner.Push(_normalised, new FrameStamp(_tick, _tick * 0.01, false));
        _tick++;
        return _runner.Output[0];
    }
}
