using BenchmarkDotNet.Attributes;
using RnnGen.Training;

namespace RnnGen.Benchmarks;

/// <summary>
/// Whole-sequence work at T = 50: Forward alone, Backward (BPTT, after one Forward) and one training step composed as
/// the training issue asks (Forward → SoftmaxCrossEntropy → BackwardFromLogits → Adam.Step), for LSTM and GRU 8→32
/// with a 4-class head on the last step, and Forward/Backward for LSTM 16→128.
/// </summary>
[MemoryDiagnoser]
public class Sequences
{
    private const int Steps = 50, Classes = 4;
    private readonly LstmTrain8x32 _lstm = Setup.Randomised(new LstmTrain8x32());
    private readonly GruTrain8x32 _gru = Setup.Randomised(new GruTrain8x32());
    private readonly Lstm16x128 _big = Setup.Randomised(new Lstm16x128());
    private readonly float[] _x8 = Setup.Inputs(Steps * 8), _x16 = Setup.Inputs(Steps * 16);
    private readonly float[] _out = new float[Classes], _dLogits = new float[Classes], _bigOut = new float[1];
    private readonly int[] _target = [2];
    private Adam _lstmAdam = null!, _gruAdam = null!;

    [GlobalSetup]
    public void Prepare()
    {
        _lstmAdam = new Adam(LstmTrain8x32.ParameterCount);
        _gruAdam = new Adam(GruTrain8x32.ParameterCount);
        _lstm.Forward(_x8, _out);
        _gru.Forward(_x8, _out);
        _big.Forward(_x16, _bigOut);
    }

    [Benchmark] public void Forward_Lstm8x32() { _lstm.ResetState(); _lstm.Forward(_x8, _out); }
    [Benchmark] public void Forward_Gru8x32() { _gru.ResetState(); _gru.Forward(_x8, _out); }
    [Benchmark] public void Forward_Lstm16x128() { _big.ResetState(); _big.Forward(_x16, _bigOut); }

    /// <summary>Backward over the 50 steps the last Forward recorded (parameter gradients accumulate; values do not matter for timing).</summary>
    [Benchmark] public void Backward_Lstm8x32() => _lstm.BackwardFromLogits(_dLogits, default, default, default);
    [Benchmark] public void Backward_Gru8x32() => _gru.BackwardFromLogits(_dLogits, default, default, default);
    [Benchmark] public void Backward_Lstm16x128() => _big.BackwardFromLogits(_bigOut, default, default, default);

    [Benchmark] public float TrainStep_Lstm8x32() => TrainStep(_lstm, _lstmAdam);
    [Benchmark] public float TrainStep_Gru8x32() => TrainStep(_gru, _gruAdam);

    // One optimisation step on one sequence, starting from a zero state, as PyTorch's loop in pytorch_train_step.py does.
    private float TrainStep(ISequenceModel model, Adam adam)
    {
        model.ResetState();
        model.ZeroGradients();
        model.Forward(_x8, _out);
        float loss = SoftmaxCrossEntropy.Compute(model.Logits, Classes, _target, _dLogits);
        model.BackwardFromLogits(_dLogits, default, default, default);
        adam.Step(model.Parameters, model.Gradients);
        return loss;
    }
}
