using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The generated side of <see cref="OnnxRuntimePeer"/>'s Forward and batch rows, on the same weights
/// (<see cref="Setup.Randomised"/>): <c>{Cell}_{I}x{H}_Forward50</c> continues one stream for 50 steps (Forward, which
/// also records what Backward needs), and <c>{Cell}_{I}x{H}_Batch64</c> advances 64 independent streams by one step
/// with one model, swapping each stream's state in and out of <see cref="IRecurrentModel.State"/> around its Step
/// (the batched API of issue 15 will replace this loop). Every call is direct: the helpers are inlined into methods
/// that know the model's type.
/// </summary>
[MemoryDiagnoser]
public class PeerWorkloads
{
    private const int Steps = OnnxRuntimeRunner.SequenceLength, Streams = OnnxRuntimeRunner.Batch;

    private readonly Lstm1x8 _lstm1x8 = Setup.Randomised(new Lstm1x8());
    private readonly Lstm1x16 _lstm1x16 = Setup.Randomised(new Lstm1x16());
    private readonly Lstm1x32 _lstm1x32 = Setup.Randomised(new Lstm1x32());
    private readonly Lstm1x64 _lstm1x64 = Setup.Randomised(new Lstm1x64());
    private readonly Lstm8x64 _lstm8x64 = Setup.Randomised(new Lstm8x64());
    private readonly Lstm16x128 _lstm16x128 = Setup.Randomised(new Lstm16x128());
    private readonly Gru1x8 _gru1x8 = Setup.Randomised(new Gru1x8());
    private readonly Gru1x16 _gru1x16 = Setup.Randomised(new Gru1x16());
    private readonly Gru1x32 _gru1x32 = Setup.Randomised(new Gru1x32());
    private readonly Gru1x64 _gru1x64 = Setup.Randomised(new Gru1x64());
    private readonly Gru8x64 _gru8x64 = Setup.Randomised(new Gru8x64());
    private readonly Gru16x128 _gru16x128 = Setup.Randomised(new Gru16x128());

    // Inputs as OnnxRuntimePeers feeds ONNX Runtime: the benchmark input row repeated over the steps or the streams.
    private readonly float[] _x1 = Repeat(Setup.Inputs(1)), _x8 = Repeat(Setup.Inputs(8)), _x16 = Repeat(Setup.Inputs(16));
    private readonly float[] _y = new float[Streams];
    private readonly float[] _states = new float[Streams * 2 * 128];

    private static float[] Repeat(float[] row)
    {
        var all = new float[Math.Max(Steps, Streams) * row.Length];
        for (int i = 0; i < all.Length; i++) all[i] = row[i % row.Length];
        return all;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Forward<TModel>(TModel model, float[] x) where TModel : ISequenceModel
        => model.Forward(x.AsSpan(0, Steps * model.InputSize), _y.AsSpan(0, 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Batch<TModel>(TModel model, float[] x) where TModel : IStepModel
    {
        int size = model.InputSize, state = model.State.Length;
        for (int b = 0; b < Streams; b++)
        {
            _states.AsSpan(b * state, state).CopyTo(model.State);
            model.Step(x.AsSpan(b * size, size), _y.AsSpan(b, 1));
            model.State.CopyTo(_states.AsSpan(b * state, state));
        }
    }

    [Benchmark] public void Lstm_1x8_Forward50() => Forward(_lstm1x8, _x1);
    [Benchmark] public void Lstm_1x16_Forward50() => Forward(_lstm1x16, _x1);
    [Benchmark] public void Lstm_1x32_Forward50() => Forward(_lstm1x32, _x1);
    [Benchmark] public void Lstm_1x64_Forward50() => Forward(_lstm1x64, _x1);
    [Benchmark] public void Lstm_8x64_Forward50() => Forward(_lstm8x64, _x8);
    [Benchmark] public void Lstm_16x128_Forward50() => Forward(_lstm16x128, _x16);
    [Benchmark] public void Gru_1x8_Forward50() => Forward(_gru1x8, _x1);
    [Benchmark] public void Gru_1x16_Forward50() => Forward(_gru1x16, _x1);
    [Benchmark] public void Gru_1x32_Forward50() => Forward(_gru1x32, _x1);
    [Benchmark] public void Gru_1x64_Forward50() => Forward(_gru1x64, _x1);
    [Benchmark] public void Gru_8x64_Forward50() => Forward(_gru8x64, _x8);
    [Benchmark] public void Gru_16x128_Forward50() => Forward(_gru16x128, _x16);

    [Benchmark] public void Lstm_1x8_Batch64() => Batch(_lstm1x8, _x1);
    [Benchmark] public void Lstm_1x16_Batch64() => Batch(_lstm1x16, _x1);
    [Benchmark] public void Lstm_1x32_Batch64() => Batch(_lstm1x32, _x1);
    [Benchmark] public void Lstm_1x64_Batch64() => Batch(_lstm1x64, _x1);
    [Benchmark] public void Lstm_8x64_Batch64() => Batch(_lstm8x64, _x8);
    [Benchmark] public void Lstm_16x128_Batch64() => Batch(_lstm16x128, _x16);
    [Benchmark] public void Gru_1x8_Batch64() => Batch(_gru1x8, _x1);
    [Benchmark] public void Gru_1x16_Batch64() => Batch(_gru1x16, _x1);
    [Benchmark] public void Gru_1x32_Batch64() => Batch(_gru1x32, _x1);
    [Benchmark] public void Gru_1x64_Batch64() => Batch(_gru1x64, _x1);
    [Benchmark] public void Gru_8x64_Batch64() => Batch(_gru8x64, _x8);
    [Benchmark] public void Gru_16x128_Batch64() => Batch(_gru16x128, _x16);
}
