namespace RnnGen.Tests.Models;

/// <summary>What a generated model promises besides its numbers: Step agrees with Forward, state can be saved and restored, and bad arguments are clear errors.</summary>
public class ModelBehaviourTests
{
    private static void Randomize(IRecurrentModel model, int seed)
    {
        var random = new Random(seed);
        foreach (ref float p in model.Parameters) p = (float)(random.NextDouble() - 0.5);
    }

    private static float[] RandomInputs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public static TheoryData<string> SteppableModels => new() { "GruRnnStack", "NestedLstm", "TokenLstm" };

    /// <summary>Runs a few steps both ways from a random state; Step's in-place state update must equal Forward's recorded one.</summary>
    [Theory]
    [MemberData(nameof(SteppableModels))]
    public void StepByStepEqualsForward(string name)
    {
        IRecurrentModel model = name switch { "GruRnnStack" => new GruRnnStack(), "NestedLstm" => new Nested.InnerModel(), _ => new TokenLstm() };
        Randomize(model, 1);
        var random = new Random(9);
        foreach (ref float s in model.State) s = (float)(random.NextDouble() - 0.5);
        float[] start = model.State.ToArray();
        int steps = model.SequenceLength, width = model.OutputSize;
        int[] tokens = Enumerable.Range(0, steps).Select(t => (t * 5 + 1) % Math.Max(1, model.VocabularySize)).ToArray();
        float[] x = RandomInputs(steps * model.InputSize, 2);
        var forward = new float[steps * width];
        var stepped = new float[steps * width];

        if (model is ITokenStepModel tokenModel) tokenModel.Forward(tokens, forward);
        else ((IStepModel)model).Forward(x, forward);
        float[] finalByForward = model.State.ToArray();

        start.CopyTo(model.State);
        for (int t = 0; t < steps; t++)
        {
            if (model is ITokenStepModel tokenStepper) tokenStepper.Step(tokens[t], stepped.AsSpan(t * width, width));
            else ((IStepModel)model).Step(x.AsSpan(t * model.InputSize, model.InputSize), stepped.AsSpan(t * width, width));
        }
        // The cells are the same arithmetic in Step and Forward, so the states agree to the bit. A small head is folded
        // into Step's last layer, summing W h' block by block instead of row by row: its outputs agree to float rounding.
        Assert.Equal(finalByForward, model.State.ToArray());
        for (int i = 0; i < forward.Length; i++)
            Assert.True(Math.Abs(stepped[i] - forward[i]) <= 1e-6f * (1 + Math.Abs(forward[i])), $"output {i}: Step {stepped[i]}, Forward {forward[i]}");
    }

    [Fact]
    public void StepDoesNotDisturbTheRecordedSequence()
    {
        var model = new LstmClassifier();
        Randomize(model, 3);
        float[] x = RandomInputs(10 * LstmClassifier.InputSize, 4);
        var output = new float[LstmClassifier.OutputSize];
        var gradient = new float[] { 0.1f, -0.2f, 0.3f, -0.4f };
        model.Forward(x, output);
        model.Backward(gradient, default, default, default);
        float[] expected = model.Gradients.ToArray();

        model.ZeroGradients();
        model.ResetState();
        model.Forward(x, output);
        for (int i = 0; i < 7; i++) model.Step(x.AsSpan(0, LstmClassifier.InputSize), output);
        model.Backward(gradient, default, default, default);
        Assert.Equal(expected, model.Gradients.ToArray());
    }

    /// <summary>Step writes an MLP head's hidden activations to Step's own slot, never to the rows Backward reads.</summary>
    [Fact]
    public void StepDoesNotDisturbTheRecordedHiddenLayersOfAnMlpHead()
    {
        var model = new MlpStepLstm();
        Randomize(model, 3);
        float[] x = RandomInputs(6 * MlpStepLstm.InputSize, 4);
        var output = new float[MlpStepLstm.OutputSize];
        var gradient = new float[] { 0.7f, -0.3f };
        model.Forward(x, output);
        model.Backward(gradient, default, default, default);
        float[] expected = model.Gradients.ToArray();
        Assert.Contains(expected, g => g != 0f);

        model.ZeroGradients();
        model.ResetState();
        model.Forward(x, output);
        for (int i = 0; i < 5; i++) model.Step(x.AsSpan(i * MlpStepLstm.InputSize, MlpStepLstm.InputSize), output);
        model.Backward(gradient, default, default, default);
        Assert.Equal(expected, model.Gradients.ToArray());
    }

    /// <summary>On a unidirectional layer Steps.Final is h_n = the last step's h: after T steps Step's output is Forward's.</summary>
    [Fact]
    public void StepOverAFinalStateHeadEqualsForward()
    {
        var model = new MlpStepLstm();
        Randomize(model, 8);
        float[] x = RandomInputs(MlpStepLstm.SequenceLength * MlpStepLstm.InputSize, 5);
        var forward = new float[MlpStepLstm.OutputSize];
        var stepped = new float[MlpStepLstm.OutputSize];
        model.Forward(x, forward);
        model.ResetState();
        for (int t = 0; t < MlpStepLstm.SequenceLength; t++) model.Step(x.AsSpan(t * MlpStepLstm.InputSize, MlpStepLstm.InputSize), stepped);
        for (int i = 0; i < forward.Length; i++)
            Assert.True(Math.Abs(stepped[i] - forward[i]) <= 1e-6f * (1 + Math.Abs(forward[i])), $"output {i}: Step {stepped[i]}, Forward {forward[i]}");
    }

    [Fact]
    public void ForwardContinuesFromTheCurrentStateLikeOneLongerSequence()
    {
        var tokens = new TokenRnn();
        Randomize(tokens, 6);
        int[] sequence = [0, 1, 2, 3, 2, 1, 0, 3];
        var whole = new float[sequence.Length * TokenRnn.OutputSize];
        tokens.Forward(sequence, whole);
        tokens.ResetState();
        var first = new float[4 * TokenRnn.OutputSize];
        var second = new float[4 * TokenRnn.OutputSize];
        tokens.Forward(sequence.AsSpan(0, 4), first);
        tokens.Forward(sequence.AsSpan(4), second);
        Assert.Equal(whole, first.Concat(second).ToArray());
    }

    [Fact]
    public void StateCanBeSnapshotAndRestored()
    {
        var model = new TokenRnn();
        Randomize(model, 7);
        var output = new float[TokenRnn.OutputSize];
        model.Step(1, output);
        float[] snapshot = model.State.ToArray();
        model.Step(2, output);
        float[] afterTwo = output.ToArray();
        model.Step(3, output);
        snapshot.CopyTo(model.State);
        model.Step(2, output);
        Assert.Equal(afterTwo, output);
        Assert.Equal(["h_l0"], model.StateTensors.Select(s => s.Name));
    }

    [Fact]
    public void StateTensorsDescribeEveryLayerAndDirection()
    {
        var model = new BidirectionalGru();
        Assert.Equal(["h_l0", "h_l0_reverse", "h_l1"], model.StateTensors.Select(s => s.Name));
        Assert.Equal([0, 32, 64], model.StateTensors.Select(s => s.Offset));
        Assert.Equal(BidirectionalGru.StateSize, model.State.Length);
        var lstm = new TokenLstm();
        Assert.Equal(["h_l0", "c_l0"], lstm.StateTensors.Select(s => s.Name));
        Assert.Equal([2, 5], lstm.StateTensors.Select(s => s.Length));
    }

    [Fact]
    public void ParameterTensorsFollowPyTorchStateDictNamesAndOrder()
    {
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            new BidirectionalGru().ParameterTensors.Select(t => t.Name));
        var tokenLstm = new TokenLstm();
        Assert.Equal(["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "rnn.weight_hr_l0", "head.weight", "head.bias"],
            tokenLstm.ParameterTensors.Select(t => t.Name));
        Assert.Equal([20, 3], tokenLstm.ParameterTensors[1].Shape);
        Assert.Equal([2, 5], tokenLstm.ParameterTensors[5].Shape);
        Assert.Equal(TokenLstm.ParameterCount, tokenLstm.ParameterTensors.Sum(t => t.Length));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var model = new LstmClassifier();
        var output = new float[LstmClassifier.OutputSize];
        var tooLong = new float[(LstmClassifier.SequenceLength + 1) * LstmClassifier.InputSize];
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(tooLong, output));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("1 to 50 steps of 8 values", ex.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(new float[13], output));
        Assert.Throws<ArgumentException>(() => model.Forward(ReadOnlySpan<float>.Empty, output));
        Assert.Throws<ArgumentException>(() => model.Forward(new float[16], new float[3]));
        Assert.Throws<ArgumentException>(() => model.Step(new float[7], output));
        Assert.Throws<ArgumentException>(() => model.Step(new float[8], new float[2]));
        var noForward = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[4], default, default, default));
        Assert.Contains("call Forward first", noForward.Message);

        model.Forward(new float[16], output);
        Assert.Throws<ArgumentException>(() => model.Backward(new float[3], default, default, default));
        Assert.Throws<ArgumentException>(() => model.Backward(new float[4], new float[15], default, default));
        Assert.Throws<ArgumentException>(() => model.Backward(new float[4], default, new float[1], default));

        var tokens = new TokenRnn();
        var row = new float[TokenRnn.OutputSize];
        var badToken = Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Step(4, row));
        Assert.Contains("outside the vocabulary [0, 4)", badToken.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Forward([0, 1, -1], new float[3 * TokenRnn.OutputSize]));
        tokens.Forward([0, 1], new float[2 * TokenRnn.OutputSize]);
        Assert.Throws<ArgumentException>(() => tokens.Backward(new float[2 * TokenRnn.OutputSize], new float[2], default, default));
    }

    [Fact]
    public void BidirectionalModelsHaveNoStep()
    {
        Assert.False(typeof(IStepModel).IsAssignableFrom(typeof(BidirectionalGru)));
        Assert.Null(typeof(BidirectionalGru).GetMethod("Step"));
        Assert.True(typeof(IStepModel).IsAssignableFrom(typeof(LstmClassifier)));
        Assert.True(typeof(ITokenStepModel).IsAssignableFrom(typeof(TokenRnn)));
    }
}
