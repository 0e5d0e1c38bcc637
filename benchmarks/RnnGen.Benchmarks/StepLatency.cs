using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Baselines;

namespace RnnGen.Benchmarks;

/// <summary>
/// One stateful Step (batch 1, float32) of model (I→H) + Dense(H→1): generated code and the same model's inference copy
/// (<c>ToInference()</c>, made in <see cref="CopyAndCheck"/> from the weights set here) beside a textbook scalar and a
/// <c>TensorPrimitives</c> implementation with run-time sizes. Method names are <c>{Cell}_{I}x{H}_{Implementation}</c>;
/// <see cref="Report"/> reads them. Every call is a direct call on a concrete type, so no benchmark pays for dispatch.
/// </summary>
[MemoryDiagnoser]
public class StepLatency
{
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
    private Lstm1x8.Inference _lstm1x8Inference = null!;
    private Lstm1x16.Inference _lstm1x16Inference = null!;
    private Lstm1x32.Inference _lstm1x32Inference = null!;
    private Lstm1x64.Inference _lstm1x64Inference = null!;
    private Lstm8x64.Inference _lstm8x64Inference = null!;
    private Lstm16x128.Inference _lstm16x128Inference = null!;
    private Gru1x8.Inference _gru1x8Inference = null!;
    private Gru1x16.Inference _gru1x16Inference = null!;
    private Gru1x32.Inference _gru1x32Inference = null!;
    private Gru1x64.Inference _gru1x64Inference = null!;
    private Gru8x64.Inference _gru8x64Inference = null!;
    private Gru16x128.Inference _gru16x128Inference = null!;
    private readonly Rnn8x64 _rnn8x64 = Setup.Randomised(new Rnn8x64());
    private readonly LstmStack8x64x64 _stack = Setup.Randomised(new LstmStack8x64x64());
    private readonly Lstm1x8Exact _lstm1x8Exact = Setup.Randomised(new Lstm1x8Exact());
    private readonly Lstm1x32Exact _lstm1x32Exact = Setup.Randomised(new Lstm1x32Exact());
    private readonly Lstm16x128Exact _lstm16x128Exact = Setup.Randomised(new Lstm16x128Exact());
    private readonly Gru1x8Exact _gru1x8Exact = Setup.Randomised(new Gru1x8Exact());
    private readonly Gru1x32Exact _gru1x32Exact = Setup.Randomised(new Gru1x32Exact());

    private readonly ScalarLstm _scalarLstm1x8 = new(1, 8), _scalarLstm1x16 = new(1, 16), _scalarLstm1x32 = new(1, 32),
        _scalarLstm1x64 = new(1, 64), _scalarLstm8x64 = new(8, 64), _scalarLstm16x128 = new(16, 128);
    private readonly ScalarGru _scalarGru1x8 = new(1, 8), _scalarGru1x16 = new(1, 16), _scalarGru1x32 = new(1, 32),
        _scalarGru1x64 = new(1, 64), _scalarGru8x64 = new(8, 64), _scalarGru16x128 = new(16, 128);
    private readonly TensorPrimitivesLstm _tpLstm1x8 = new(1, 8), _tpLstm1x16 = new(1, 16), _tpLstm1x32 = new(1, 32),
        _tpLstm1x64 = new(1, 64), _tpLstm8x64 = new(8, 64), _tpLstm16x128 = new(16, 128);
    private readonly TensorPrimitivesGru _tpGru1x8 = new(1, 8), _tpGru1x16 = new(1, 16), _tpGru1x32 = new(1, 32),
        _tpGru1x64 = new(1, 64), _tpGru8x64 = new(8, 64), _tpGru16x128 = new(16, 128);

    private readonly float[] _x1 = Setup.Inputs(1), _x8 = Setup.Inputs(8), _x16 = Setup.Inputs(16);
    private readonly float[] _y = new float[1];

    /// <summary>The inference copies of the twelve models, made after their weights are set and checked against their Step.</summary>
    [GlobalSetup]
    public void CopyAndCheck()
    {
        _lstm1x8Inference = Setup.Checked(_lstm1x8, _lstm1x8.ToInference());
        _lstm1x16Inference = Setup.Checked(_lstm1x16, _lstm1x16.ToInference());
        _lstm1x32Inference = Setup.Checked(_lstm1x32, _lstm1x32.ToInference());
        _lstm1x64Inference = Setup.Checked(_lstm1x64, _lstm1x64.ToInference());
        _lstm8x64Inference = Setup.Checked(_lstm8x64, _lstm8x64.ToInference());
        _lstm16x128Inference = Setup.Checked(_lstm16x128, _lstm16x128.ToInference());
        _gru1x8Inference = Setup.Checked(_gru1x8, _gru1x8.ToInference());
        _gru1x16Inference = Setup.Checked(_gru1x16, _gru1x16.ToInference());
        _gru1x32Inference = Setup.Checked(_gru1x32, _gru1x32.ToInference());
        _gru1x64Inference = Setup.Checked(_gru1x64, _gru1x64.ToInference());
        _gru8x64Inference = Setup.Checked(_gru8x64, _gru8x64.ToInference());
        _gru16x128Inference = Setup.Checked(_gru16x128, _gru16x128.ToInference());
    }

    [Benchmark] public void Lstm_1x8_Generated() => _lstm1x8.Step(_x1, _y);
    [Benchmark] public void Lstm_1x8_Inference() => _lstm1x8Inference.Step(_x1, _y);
    [Benchmark] public float Lstm_1x8_Scalar() => _scalarLstm1x8.Step(_x1);
    [Benchmark] public float Lstm_1x8_TensorPrimitives() => _tpLstm1x8.Step(_x1);
    [Benchmark] public void Lstm_1x16_Generated() => _lstm1x16.Step(_x1, _y);
    [Benchmark] public void Lstm_1x16_Inference() => _lstm1x16Inference.Step(_x1, _y);
    [Benchmark] public float Lstm_1x16_Scalar() => _scalarLstm1x16.Step(_x1);
    [Benchmark] public float Lstm_1x16_TensorPrimitives() => _tpLstm1x16.Step(_x1);
    [Benchmark] public void Lstm_1x32_Generated() => _lstm1x32.Step(_x1, _y);
    [Benchmark] public void Lstm_1x32_Inference() => _lstm1x32Inference.Step(_x1, _y);
    [Benchmark] public float Lstm_1x32_Scalar() => _scalarLstm1x32.Step(_x1);
    [Benchmark] public float Lstm_1x32_TensorPrimitives() => _tpLstm1x32.Step(_x1);
    [Benchmark] public void Lstm_1x64_Generated() => _lstm1x64.Step(_x1, _y);
    [Benchmark] public void Lstm_1x64_Inference() => _lstm1x64Inference.Step(_x1, _y);
    [Benchmark] public float Lstm_1x64_Scalar() => _scalarLstm1x64.Step(_x1);
    [Benchmark] public float Lstm_1x64_TensorPrimitives() => _tpLstm1x64.Step(_x1);
    [Benchmark] public void Lstm_8x64_Generated() => _lstm8x64.Step(_x8, _y);
    [Benchmark] public void Lstm_8x64_Inference() => _lstm8x64Inference.Step(_x8, _y);
    [Benchmark] public float Lstm_8x64_Scalar() => _scalarLstm8x64.Step(_x8);
    [Benchmark] public float Lstm_8x64_TensorPrimitives() => _tpLstm8x64.Step(_x8);
    [Benchmark] public void Lstm_16x128_Generated() => _lstm16x128.Step(_x16, _y);
    [Benchmark] public void Lstm_16x128_Inference() => _lstm16x128Inference.Step(_x16, _y);
    [Benchmark] public float Lstm_16x128_Scalar() => _scalarLstm16x128.Step(_x16);
    [Benchmark] public float Lstm_16x128_TensorPrimitives() => _tpLstm16x128.Step(_x16);

    [Benchmark] public void Gru_1x8_Generated() => _gru1x8.Step(_x1, _y);
    [Benchmark] public void Gru_1x8_Inference() => _gru1x8Inference.Step(_x1, _y);
    [Benchmark] public float Gru_1x8_Scalar() => _scalarGru1x8.Step(_x1);
    [Benchmark] public float Gru_1x8_TensorPrimitives() => _tpGru1x8.Step(_x1);
    [Benchmark] public void Gru_1x16_Generated() => _gru1x16.Step(_x1, _y);
    [Benchmark] public void Gru_1x16_Inference() => _gru1x16Inference.Step(_x1, _y);
    [Benchmark] public float Gru_1x16_Scalar() => _scalarGru1x16.Step(_x1);
    [Benchmark] public float Gru_1x16_TensorPrimitives() => _tpGru1x16.Step(_x1);
    [Benchmark] public void Gru_1x32_Generated() => _gru1x32.Step(_x1, _y);
    [Benchmark] public void Gru_1x32_Inference() => _gru1x32Inference.Step(_x1, _y);
    [Benchmark] public float Gru_1x32_Scalar() => _scalarGru1x32.Step(_x1);
    [Benchmark] public float Gru_1x32_TensorPrimitives() => _tpGru1x32.Step(_x1);
    [Benchmark] public void Gru_1x64_Generated() => _gru1x64.Step(_x1, _y);
    [Benchmark] public void Gru_1x64_Inference() => _gru1x64Inference.Step(_x1, _y);
    [Benchmark] public float Gru_1x64_Scalar() => _scalarGru1x64.Step(_x1);
    [Benchmark] public float Gru_1x64_TensorPrimitives() => _tpGru1x64.Step(_x1);
    [Benchmark] public void Gru_8x64_Generated() => _gru8x64.Step(_x8, _y);
    [Benchmark] public void Gru_8x64_Inference() => _gru8x64Inference.Step(_x8, _y);
    [Benchmark] public float Gru_8x64_Scalar() => _scalarGru8x64.Step(_x8);
    [Benchmark] public float Gru_8x64_TensorPrimitives() => _tpGru8x64.Step(_x8);
    [Benchmark] public void Gru_16x128_Generated() => _gru16x128.Step(_x16, _y);
    [Benchmark] public void Gru_16x128_Inference() => _gru16x128Inference.Step(_x16, _y);
    [Benchmark] public float Gru_16x128_Scalar() => _scalarGru16x128.Step(_x16);
    [Benchmark] public float Gru_16x128_TensorPrimitives() => _tpGru16x128.Step(_x16);

    [Benchmark] public void Rnn_8x64_Generated() => _rnn8x64.Step(_x8, _y);
    [Benchmark] public void LstmStack_8x64x64_Generated() => _stack.Step(_x8, _y);

    [Benchmark] public void Lstm_1x8_Exact() => _lstm1x8Exact.Step(_x1, _y);
    [Benchmark] public void Lstm_1x32_Exact() => _lstm1x32Exact.Step(_x1, _y);
    [Benchmark] public void Lstm_16x128_Exact() => _lstm16x128Exact.Step(_x16, _y);
    [Benchmark] public void Gru_1x8_Exact() => _gru1x8Exact.Step(_x1, _y);
    [Benchmark] public void Gru_1x32_Exact() => _gru1x32Exact.Step(_x1, _y);
}
