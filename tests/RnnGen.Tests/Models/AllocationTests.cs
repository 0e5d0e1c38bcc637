namespace RnnGen.Tests.Models;

/// <summary>Step, Forward and Backward allocate nothing once the model exists.</summary>
public class AllocationTests
{
    /// <summary>
    /// The bytes <paramref name="repeat"/> calls allocate after a first one, the smallest of three rounds
    /// (<see cref="Streaming.Allocations.Measure"/>): a call that allocates does so in every round; a one-off of the
    /// runtime on this thread does not. One such one-off, 7,688 bytes in one round of 20 BiLSTM Backward calls, failed a
    /// full run once (2026-11-30) and did not repeat.
    /// </summary>
    private static long AllocatedBy(Action action, int repeat = 20) => Streaming.Allocations.Measure(action, warmup: 1, iterations: repeat);

    [Fact]
    public void LstmClassifierStepForwardBackward()
    {
        var model = new LstmClassifier();
        var x = new float[LstmClassifier.SequenceLength * LstmClassifier.InputSize];
        var output = new float[LstmClassifier.OutputSize];
        var dOutput = new float[LstmClassifier.OutputSize];
        var dx = new float[x.Length];
        var dState = new float[LstmClassifier.StateSize];
        Assert.Equal(0, AllocatedBy(() => model.Step(x.AsSpan(0, LstmClassifier.InputSize), output)));
        Assert.Equal(0, AllocatedBy(() => model.Forward(x, output)));
        Assert.Equal(0, AllocatedBy(() => model.Backward(dOutput, dx, dState, dState)));
        Assert.Equal(0, AllocatedBy(() => model.BackwardFromLogits(dOutput, default, default, default)));
        Assert.Equal(0, AllocatedBy(() => { model.ResetState(); model.ZeroGradients(); _ = model.Logits; _ = model.HiddenOutputs; }));
    }

    [Fact]
    public void InferenceCopyStep()
    {
        // Column cells (off the grid, every kind) and a layer kept on the row cells (L1BoundInference's LSTM 12→49).
        var offGrid = new OffGridInference().ToInference();
        var l1Bound = new L1BoundInference().ToInference();
        var token = new TokenLstm().ToInference();
        var x = new float[L1BoundInference.InputSize];
        var output = new float[OffGridInference.OutputSize + TokenLstm.OutputSize];
        Assert.Equal(0, AllocatedBy(() => offGrid.Step(x.AsSpan(0, OffGridInference.InputSize), output)));
        Assert.Equal(0, AllocatedBy(() => offGrid.TryStep(x.AsSpan(0, OffGridInference.InputSize), output)));
        Assert.Equal(0, AllocatedBy(() => l1Bound.Step(x, output)));
        Assert.Equal(0, AllocatedBy(() => token.Step(3, output)));
        Assert.Equal(0, AllocatedBy(() => { offGrid.ResetState(); _ = offGrid.State; }));
    }

    [Fact]
    public void BidirectionalStackForwardBackward()
    {
        var model = new BidirectionalGru();
        var x = new float[BidirectionalGru.SequenceLength * BidirectionalGru.InputSize];
        var outputs = new float[BidirectionalGru.SequenceLength * BidirectionalGru.OutputSize];
        Assert.Equal(0, AllocatedBy(() => model.Forward(x, outputs)));
        Assert.Equal(0, AllocatedBy(() => model.Backward(outputs, x, default, default)));
    }

    [Fact]
    public void MlpHeadOverTheFinalStatesForwardBackward()
    {
        var model = new MlpOverFinalBiLstm();
        var x = new float[MlpOverFinalBiLstm.SequenceLength * MlpOverFinalBiLstm.InputSize];
        var output = new float[MlpOverFinalBiLstm.OutputSize];
        var dState = new float[MlpOverFinalBiLstm.StateSize];
        Assert.Equal(0, AllocatedBy(() => model.Forward(x, output)));
        Assert.Equal(0, AllocatedBy(() => model.Backward(output, x, dState, dState)));
        Assert.Equal(0, AllocatedBy(() => model.BackwardFromLogits(output, default, default, default)));
    }

    [Fact]
    public void MlpHeadStepForwardBackward()
    {
        var model = new MlpStepLstm();
        var x = new float[MlpStepLstm.SequenceLength * MlpStepLstm.InputSize];
        var output = new float[MlpStepLstm.OutputSize];
        Assert.Equal(0, AllocatedBy(() => model.Step(x.AsSpan(0, MlpStepLstm.InputSize), output)));
        Assert.Equal(0, AllocatedBy(() => model.Forward(x, output)));
        Assert.Equal(0, AllocatedBy(() => model.Backward(output, x, default, default)));
    }

    [Fact]
    public void TokenModelStepForwardBackward()
    {
        var model = new TokenRnn();
        var tokens = new int[TokenRnn.SequenceLength];
        var outputs = new float[TokenRnn.SequenceLength * TokenRnn.OutputSize];
        Assert.Equal(0, AllocatedBy(() => model.Step(2, outputs.AsSpan(0, TokenRnn.OutputSize))));
        Assert.Equal(0, AllocatedBy(() => model.Forward(tokens, outputs)));
        Assert.Equal(0, AllocatedBy(() => model.Backward(outputs, default, default, default)));
    }
}
