using RnnGen.Tests.Shared;

namespace RnnGen.Tests.Models;

/// <summary>
/// Generated models against <see cref="ReferenceNetwork"/> (float64): forward outputs and final states, and every
/// gradient of Backward against central finite differences of the reference. This is the oracle for what PyTorch
/// cannot check: the reset-before GRU, embeddings, non-linear and MLP heads, heads over the final states, mixed and
/// bidirectional stacks.
/// </summary>
public class ReferenceTests
{
    private const double Absolute = 1e-5, Relative = 1e-4;

    public static TheoryData<string> ModelNames => new() { "GruResetBefore", "GruResetBeforeStack", "TokenLstm", "MixedStack", "GruRnnStack", "NestedLstm", "RowBlockStackFast", "RowBlockStackExact", "PairCellsFast", "PairCellsExact", "PairCellsWideInput", "MlpOverFinalBiLstm", "FinalOverBiGruStack", "MlpEveryStep", "MlpStepLstm" };

    private static (IRecurrentModel Model, ReferenceNetwork Reference) Create(string name) => name switch
    {
        "GruResetBefore" => (new GruResetBefore(), new ReferenceNetwork([new(ReferenceCell.GruResetBefore, 4)])),
        "GruResetBeforeStack" => (new GruResetBeforeStack(), new ReferenceNetwork(
            [new(ReferenceCell.GruResetBefore, 4, Bias: false), new(ReferenceCell.GruResetBefore, 3, Bidirectional: true)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true))),
        "TokenLstm" => (new TokenLstm(), new ReferenceNetwork([new(ReferenceCell.Lstm, 5, Projection: 2)],
            new ReferenceHead(7, Activation.Softmax, EveryStep: true), embedding: true)),
        "MixedStack" => (new MixedStack(), new ReferenceNetwork(
            [new(ReferenceCell.RnnRelu, 3, Bidirectional: true), new(ReferenceCell.Lstm, 4)],
            new ReferenceHead(3, Activation.Sigmoid, EveryStep: false))),
        "GruRnnStack" => (new GruRnnStack(), new ReferenceNetwork([new(ReferenceCell.GruResetAfter, 5), new(ReferenceCell.RnnTanh, 3)],
            new ReferenceHead(3, Activation.Relu, EveryStep: true, Bias: false))),
        "NestedLstm" => (new Nested.InnerModel(), new ReferenceNetwork([new(ReferenceCell.Lstm, 3)])),
        "RowBlockStackFast" => (new RowBlockStackFast(), new ReferenceNetwork(
            [new(ReferenceCell.Lstm, 16), new(ReferenceCell.GruResetAfter, 16), new(ReferenceCell.RnnTanh, 8)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true))),
        "PairCellsFast" => (new PairCellsFast(), new ReferenceNetwork(
            [new(ReferenceCell.GruResetAfter, 8), new(ReferenceCell.Lstm, 8), new(ReferenceCell.RnnTanh, 8)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true))),
        "PairCellsExact" => (new PairCellsExact(), new ReferenceNetwork(
            [new(ReferenceCell.Lstm, 8), new(ReferenceCell.GruResetAfter, 8), new(ReferenceCell.RnnRelu, 8)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true))),
        "PairCellsWideInput" => (new PairCellsWideInput(), new ReferenceNetwork(
            [new(ReferenceCell.Lstm, 8, Bias: false), new(ReferenceCell.GruResetAfter, 8, Bias: false)])),
        "RowBlockStackExact" => (new RowBlockStackExact(), new ReferenceNetwork(
            [new(ReferenceCell.Lstm, 16), new(ReferenceCell.GruResetAfter, 16), new(ReferenceCell.RnnRelu, 8)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true))),
        "MlpOverFinalBiLstm" => (new MlpOverFinalBiLstm(), new ReferenceNetwork([new(ReferenceCell.Lstm, 4, Bidirectional: true)],
            new ReferenceHead(3, Activation.Softmax, EveryStep: false, Hidden: [new(6, Activation.Tanh), new(5, Activation.Relu, Bias: false)], Final: true))),
        "FinalOverBiGruStack" => (new FinalOverBiGruStack(), new ReferenceNetwork(
            [new(ReferenceCell.GruResetAfter, 5, Bidirectional: true), new(ReferenceCell.GruResetAfter, 3, Bidirectional: true)],
            new ReferenceHead(2, Activation.Sigmoid, EveryStep: false, Final: true))),
        "MlpEveryStep" => (new MlpEveryStep(), new ReferenceNetwork([new(ReferenceCell.RnnTanh, 4)],
            new ReferenceHead(2, Activation.Tanh, EveryStep: true, Hidden: [new(5, Activation.Sigmoid)]))),
        "MlpStepLstm" => (new MlpStepLstm(), new ReferenceNetwork([new(ReferenceCell.Lstm, 16)],
            new ReferenceHead(2, Activation.Linear, EveryStep: false, Hidden: [new(8, Activation.Relu)], Final: true))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>A model with random parameters and state, a random input of T − 1 steps, and the reference's view of it.</summary>
    private sealed class Subject
    {
        public Subject(string name, int seed)
        {
            (Model, Reference) = Create(name);
            var random = new Random(seed);
            foreach (ref float p in Model.Parameters) p = (float)(random.NextDouble() * 1.2 - 0.6);
            foreach (ref float s in Model.State) s = (float)(random.NextDouble() - 0.5);
            InitialState = Model.State.ToArray();
            Steps = Model.SequenceLength - 1;
            if (Model.VocabularySize > 0) Tokens = Enumerable.Range(0, Steps).Select(_ => random.Next(Model.VocabularySize)).ToArray();
            else Inputs = Enumerable.Range(0, Steps * Model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            OutputGradient = Enumerable.Range(0, OutputLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            StateGradient = Enumerable.Range(0, Model.State.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        }

        public IRecurrentModel Model { get; }
        public ReferenceNetwork Reference { get; }
        public float[] InitialState { get; }
        public int Steps { get; }
        public int[]? Tokens { get; }
        public float[]? Inputs { get; }
        public double[] OutputGradient { get; }
        public double[] StateGradient { get; }
        public int OutputLength => (Model.OutputsEveryStep ? Steps : 1) * Model.OutputSize;

        public float[] RunGenerated()
        {
            InitialState.CopyTo(Model.State);
            var outputs = new float[OutputLength];
            if (Tokens is not null) ((ITokenSequenceModel)Model).Forward(Tokens, outputs);
            else ((ISequenceModel)Model).Forward(Inputs, outputs);
            return outputs;
        }

        /// <summary>The reference's outputs and final state (in the model's state layout) for the given parameters, inputs and initial state.</summary>
        public (double[] Outputs, double[] FinalState) RunReference(double[] parameters, double[] inputs, double[] initialState)
            => Reference.RunModel(Model, parameters, initialState, Tokens is null ? inputs : null, Tokens);

        public double Loss(double[] parameters, double[] inputs, double[] initialState)
        {
            var (outputs, final) = RunReference(parameters, inputs, initialState);
            double loss = 0;
            for (int i = 0; i < outputs.Length; i++) loss += outputs[i] * OutputGradient[i];
            for (int i = 0; i < final.Length; i++) loss += final[i] * StateGradient[i];
            return loss;
        }
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ForwardMatchesDoublePrecisionReference(string name)
    {
        var subject = new Subject(name, seed: 11);
        float[] outputs = subject.RunGenerated();
        var (want, wantState) = subject.RunReference(
            subject.Model.Parameters.ToArray().Select(v => (double)v).ToArray(),
            subject.Inputs?.Select(v => (double)v).ToArray() ?? [],
            subject.InitialState.Select(v => (double)v).ToArray());
        AssertClose("outputs", outputs.Select(v => (double)v).ToArray(), want);
        AssertClose("final state", subject.Model.State.ToArray().Select(v => (double)v).ToArray(), wantState);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        var subject = new Subject(name, seed: 23);
        var model = subject.Model;
        subject.RunGenerated();
        model.ZeroGradients();
        var dInputs = new float[subject.Inputs?.Length ?? 0];
        var dInitial = new float[model.State.Length];
        model.Backward(subject.OutputGradient.Select(v => (float)v).ToArray(), dInputs, subject.StateGradient.Select(v => (float)v).ToArray(), dInitial);

        double[] parameters = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        double[] inputs = subject.Inputs?.Select(v => (double)v).ToArray() ?? [];
        double[] initial = subject.InitialState.Select(v => (double)v).ToArray();

        AssertClose("dL/dparameters", model.Gradients.ToArray().Select(v => (double)v).ToArray(), NumericAssert.CentralDifference(p => subject.Loss(p, inputs, initial), parameters), model);
        AssertClose("dL/dinitial state", dInitial.Select(v => (double)v).ToArray(), NumericAssert.CentralDifference(s => subject.Loss(parameters, inputs, s), initial));
        if (subject.Inputs is not null)
            AssertClose("dL/dinputs", dInputs.Select(v => (double)v).ToArray(), NumericAssert.CentralDifference(x => subject.Loss(parameters, x, initial), inputs));
    }

    [Fact]
    public void BackwardAccumulatesUntilZeroed()
    {
        var subject = new Subject("GruResetBeforeStack", seed: 5);
        var model = subject.Model;
        subject.RunGenerated();
        model.ZeroGradients();
        var gradient = subject.OutputGradient.Select(v => (float)v).ToArray();
        model.Backward(gradient, default, default, default);
        float[] once = model.Gradients.ToArray();
        model.Backward(gradient, default, default, default);
        float[] twice = model.Gradients.ToArray();
        for (int i = 0; i < once.Length; i++)
            Assert.True(Math.Abs(twice[i] - 2 * once[i]) <= 1e-6f * (1 + Math.Abs(once[i])), $"gradient {i}: {twice[i]} after two passes, {once[i]} after one");
        Assert.Contains(once, v => v != 0);
        model.ZeroGradients();
        Assert.All(model.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    private static void AssertClose(string what, double[] got, double[] want, IRecurrentModel? model = null)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            if (Math.Abs(got[i] - want[i]) <= Absolute + Relative * Math.Abs(want[i])) continue;
            string where = model?.ParameterTensors.LastOrDefault(t => t.Offset <= i) is { } t ? $" ({t.Name}[{i - t.Offset}])" : "";
            Assert.Fail($"{what}[{i}]{where}: got {got[i]:R}, want {want[i]:R}");
        }
    }
}
