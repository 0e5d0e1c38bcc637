using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// One sample end to end through a streaming path: z-score normalisation of 8 raw sensor values, one Step of
/// LSTM 8→64 + Dense(64→1), exponential smoothing of the output. A stand-in: the project's streaming layer
/// (src/RnnGen/Streaming) is being written on another branch and is not in this tree yet.
/// </summary>
[MemoryDiagnoser]
public class Streaming
{
    private const float Smoothing = 0.2f;
    private readonly Lstm8x64 _model = Setup.Randomised(new Lstm8x64());
    private readonly float[] _raw = Setup.Inputs(8), _mean = Setup.Inputs(8), _invStd = new float[8], _normalised = new float[8];
    private readonly float[] _output = new float[1];
    private float _smoothed;

    public Streaming() => Array.Fill(_invStd, 2f);

    [Benchmark]
    public float Sample_Lstm8x64()
    {
        for (int i = 0; i < _raw.Length; i++) _normalised[i] = (_raw[i] - _mean[i]) * _invStd[i];
        _model.Step(_normalised, _output);
        _smoothed += Smoothing * (_output[0] - _smoothed);
        return _smoothed;
    }
}
