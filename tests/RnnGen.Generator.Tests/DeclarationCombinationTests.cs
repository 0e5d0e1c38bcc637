using RnnGen.Cli.Conformance;
using RnnGen.Tests.Shared;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Every combination of input kind, cell, directions, bias and head (none, one layer over the last or every step, an MLP
/// over the final states) generates code that compiles and computes what
/// the independent float64 <see cref="ReferenceNetwork"/> computes: Forward's outputs and final state, and for
/// unidirectional models the output and state after the same inputs fed one Step at a time — through the model and
/// through its Batch (the reference's sequence in row 17 of 19 entities, the others random).
/// </summary>
public class DeclarationCombinationTests
{
    private const int Steps = 4;

    private static readonly (string Declaration, ReferenceLayer Layer)[] FirstLayers =
    [
        ("Lstm(6)", new(ReferenceCell.Lstm, 6)),
        ("Lstm(6, ProjectionSize = 3)", new(ReferenceCell.Lstm, 6, Projection: 3)),
        ("Gru(5)", new(ReferenceCell.GruResetAfter, 5)),
        ("Gru(5, ResetAfter = false)", new(ReferenceCell.GruResetBefore, 5)),
        ("Rnn(4)", new(ReferenceCell.RnnTanh, 4)),
        ("Rnn(4, Activation = global::RnnGen.Activation.Relu)", new(ReferenceCell.RnnRelu, 4)),
    ];

    private static readonly (string Declaration, ReferenceHead? Head)[] Heads =
    [
        ("", null),
        ("[global::RnnGen.Dense(3)]", new ReferenceHead(3, Activation.Linear, EveryStep: false)),
        ("[global::RnnGen.Dense(3, global::RnnGen.Activation.Softmax, Over = global::RnnGen.Steps.Every)]", new ReferenceHead(3, Activation.Softmax, EveryStep: true)),
        // An MLP over h_n: on a bidirectional layer the two final states, on a unidirectional one the last step.
        ("[global::RnnGen.Dense(4, global::RnnGen.Activation.Relu, Over = global::RnnGen.Steps.Final)][global::RnnGen.Dense(3, global::RnnGen.Activation.Sigmoid)]",
            new ReferenceHead(3, Activation.Sigmoid, EveryStep: false, Hidden: [new(4, Activation.Relu)], Final: true)),
    ];

    private sealed record Combination(string TypeName, bool Tokens, ReferenceNetwork Reference, bool CanStep);

    private static readonly Lazy<(CompiledModels Models, List<Combination> Combinations)> Compiled = new(CompileAll);

    private static (CompiledModels, List<Combination>) CompileAll()
    {
        var source = new System.Text.StringBuilder("namespace Combinations;\n");
        var combinations = new List<Combination>();
        int index = 0;
        foreach (bool tokens in new[] { false, true })
            foreach (var (cell, first) in FirstLayers)
                foreach (bool bidirectional in new[] { false, true })
                    foreach (var (headDeclaration, head) in Heads)
                    {
                        bool bias = index % 2 == 0;
                        string options = (bidirectional ? ", Bidirectional = true" : "") + (bias ? "" : ", Bias = false");
                        string layer = cell.Contains('(') ? cell.Insert(cell.Length - 1, options) : cell;
                        string name = "M" + index;
                        source.AppendLine(tokens
                            ? $"[global::RnnGen.RecurrentModel(SequenceLength = {Steps})][global::RnnGen.Embedding(7, 3)][global::RnnGen.{layer}][global::RnnGen.Gru(2)]{headDeclaration} public partial class {name} {{ }}"
                            : $"[global::RnnGen.RecurrentModel(InputSize = 3, SequenceLength = {Steps})][global::RnnGen.{layer}][global::RnnGen.Lstm(2)]{headDeclaration} public partial class {name} {{ }}");
                        var second = tokens ? new ReferenceLayer(ReferenceCell.GruResetAfter, 2) : new ReferenceLayer(ReferenceCell.Lstm, 2);
                        var reference = new ReferenceNetwork([first with { Bidirectional = bidirectional, Bias = bias }, second], head, embedding: tokens);
                        combinations.Add(new Combination("Combinations." + name, tokens, reference, CanStep: !bidirectional));
                        index++;
                    }
        return (ModelCompiler.Compile([source.ToString()]), combinations);
    }

    public static TheoryData<int> Indices() => [.. Enumerable.Range(0, 2 * 6 * 2 * 4)];

    [Theory]
    [MemberData(nameof(Indices))]
    public void EveryCombinationMatchesTheReferenceNetwork(int index)
    {
        var (models, combinations) = Compiled.Value;
        var combination = combinations[index];
        IRecurrentModel model = models.Create(combination.TypeName);
        var random = new Random(index);
        foreach (ref float p in model.Parameters) p = (float)(random.NextDouble() - 0.5);
        foreach (ref float s in model.State) s = (float)(random.NextDouble() - 0.5);
        float[] initialState = model.State.ToArray();
        int[]? tokens = combination.Tokens ? Enumerable.Range(0, Steps).Select(_ => random.Next(model.VocabularySize)).ToArray() : null;
        float[]? inputs = combination.Tokens ? null : Enumerable.Range(0, Steps * model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        var (want, wantState) = combination.Reference.RunModel(model,
            model.Parameters.ToArray().Select(v => (double)v).ToArray(),
            initialState.Select(v => (double)v).ToArray(),
            inputs?.Select(v => (double)v).ToArray(), tokens);

        var outputs = new float[(model.OutputsEveryStep ? Steps : 1) * model.OutputSize];
        if (tokens is not null) ((ITokenSequenceModel)model).Forward(tokens, outputs);
        else ((ISequenceModel)model).Forward(inputs, outputs);
        AssertClose($"{combination.TypeName} Forward outputs", want, outputs);
        AssertClose($"{combination.TypeName} Forward final state", wantState, model.State.ToArray());

        AssertBatchMatches(combination, model, initialState, inputs, tokens, want, wantState);
        if (!combination.CanStep) return;
        initialState.CopyTo(model.State);
        var output = new float[model.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            if (tokens is not null) ((ITokenStepModel)model).Step(tokens[t], output);
            else ((IStepModel)model).Step(inputs.AsSpan(t * model.InputSize, model.InputSize), output);
        }
        // After the last step, Step's output is the last row of an every-step output, or the one row of a last-step head.
        AssertClose($"{combination.TypeName} Step output", want.AsSpan(want.Length - model.OutputSize).ToArray(), output);
        AssertClose($"{combination.TypeName} Step final state", wantState, model.State.ToArray());
    }

    private static void AssertBatchMatches(Combination combination, IRecurrentModel model, float[] initialState, float[]? inputs, int[]? tokens, double[] want, double[] wantState)
    {
        const int Entities = 19, Row = 17;
        var type = model.GetType().GetNestedType("Batch")!;
        using var batch = (global::RnnGen.Batching.RecurrentBatch)Activator.CreateInstance(type, model, Entities)!;
        var random = new Random(Entities);
        int perStep = tokens is null ? model.InputSize : 1;
        var sequences = new float[Entities * Steps * perStep];
        var sequenceTokens = new int[Entities * Steps];
        for (int e = 0; e < Entities; e++)
        {
            int slot = batch.Add();
            if (e == Row) batch.SetState(slot, initialState);
            else batch.SetState(slot, Enumerable.Range(0, batch.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
            for (int i = 0; i < Steps * perStep; i++)
            {
                sequences[e * Steps * perStep + i] = e == Row && inputs is not null ? inputs[i] : (float)(random.NextDouble() * 2 - 1);
                sequenceTokens[e * Steps + i % Steps] = e == Row && tokens is not null ? tokens[i % Steps] : random.Next(Math.Max(1, model.VocabularySize));
            }
        }
        int perRow = (model.OutputsEveryStep ? Steps : 1) * model.OutputSize;
        var outputs = new float[Entities * perRow];
        if (tokens is not null) ((global::RnnGen.Batching.ITokenSequenceBatch)batch).Forward(sequenceTokens, outputs);
        else ((global::RnnGen.Batching.ISequenceBatch)batch).Forward(sequences, outputs);
        AssertClose($"{combination.TypeName} Batch Forward outputs", want, outputs.AsSpan(Row * perRow, perRow).ToArray());
        var state = new float[batch.StateSize];
        batch.GetState(batch.ActiveSlots[Row], state);
        AssertClose($"{combination.TypeName} Batch Forward final state", wantState, state);
        if (!combination.CanStep) return;

        batch.SetState(batch.ActiveSlots[Row], initialState);
        var stepOutputs = new float[Entities * model.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            if (tokens is not null)
                ((global::RnnGen.Batching.ITokenStepBatch)batch).Step(Enumerable.Range(0, Entities).Select(e => sequenceTokens[e * Steps + t]).ToArray(), stepOutputs);
            else
                ((global::RnnGen.Batching.IStepBatch)batch).Step(
                    Enumerable.Range(0, Entities).SelectMany(e => sequences.AsSpan((e * Steps + t) * perStep, perStep).ToArray()).ToArray(), stepOutputs);
        }
        AssertClose($"{combination.TypeName} Batch Step output", want.AsSpan(want.Length - model.OutputSize).ToArray(), stepOutputs.AsSpan(Row * model.OutputSize, model.OutputSize).ToArray());
        batch.GetState(batch.ActiveSlots[Row], state);
        AssertClose($"{combination.TypeName} Batch Step final state", wantState, state);
    }

    private static void AssertClose(string what, double[] want, float[] got)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"{what}[{i}]: got {got[i]}, want {want[i]}");
    }
}
