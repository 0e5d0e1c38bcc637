namespace RnnGen.Tests.Models;

/// <summary>
/// A model's inference copy (<c>ToInference()</c>): the same outputs and states as the model's Step for every cell kind,
/// on and off the vector grid (column cells on AVX-512, the model's own cells elsewhere); its weights are a snapshot that
/// later changes to the model do not reach; TryStep guards as the model's does. The PyTorch cases are stepped through
/// inference copies too (ConformanceTests, <c>inference.step.…</c>).
/// </summary>
public class InferenceTests
{
    private static void Randomize(IRecurrentModel model, int seed)
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 0.8 - 0.4);
        var s = model.State;
        for (int i = 0; i < s.Length; i++) s[i] = (float)(random.NextDouble() * 2 - 1);
    }

    private static void AssertClose(ReadOnlySpan<float> want, ReadOnlySpan<float> got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"{what}[{i}]: {got[i]}, want {want[i]}");
    }

    public static TheoryData<string> StepModels => new()
    {
        nameof(OffGridInference), nameof(L1BoundInference), nameof(GruResetBefore),
        nameof(GruRnnStack), nameof(LstmClassifier), nameof(RowBlockStackFast), nameof(RowBlockStackExact), nameof(PairCellsFast),
        nameof(PairCellsExact), nameof(PairCellsWideInput), nameof(MlpEveryStep), nameof(MlpStepLstm),
    };

    private static (IStepModel Model, IStepInference Inference) Create(string name, int seed)
    {
        IStepModel model = name switch
        {
            nameof(OffGridInference) => new OffGridInference(),
            nameof(L1BoundInference) => new L1BoundInference(),
            nameof(GruResetBefore) => new GruResetBefore(),
            nameof(GruRnnStack) => new GruRnnStack(),
            nameof(LstmClassifier) => new LstmClassifier(),
            nameof(RowBlockStackFast) => new RowBlockStackFast(),
            nameof(RowBlockStackExact) => new RowBlockStackExact(),
            nameof(PairCellsFast) => new PairCellsFast(),
            nameof(PairCellsExact) => new PairCellsExact(),
            nameof(PairCellsWideInput) => new PairCellsWideInput(),
            nameof(MlpEveryStep) => new MlpEveryStep(),
            nameof(MlpStepLstm) => new MlpStepLstm(),
            _ => throw new ArgumentException(name),
        };
        Randomize(model, seed);
        var inference = (IStepInference)model.GetType().GetMethod("ToInference")!.Invoke(model, null)!;
        return (model, inference);
    }

    [Theory]
    [MemberData(nameof(StepModels))]
    public void StepsAsTheModelSteps(string name)
    {
        var (model, inference) = Create(name, 11);
        AssertClose(model.State, inference.State, "initial state");
        var random = new Random(12);
        var x = new float[model.InputSize];
        float[] want = new float[model.OutputSize], got = new float[model.OutputSize];
        for (int t = 0; t < 40; t++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 4 - 2);
            model.Step(x, want);
            inference.Step(x, got);
            AssertClose(want, got, $"{name} output at step {t}");
            AssertClose(model.State, inference.State, $"{name} state at step {t}");
        }
        model.ResetState();
        inference.ResetState();
        Assert.All(inference.State.ToArray(), v => Assert.Equal(0f, v));
        model.Step(x, want);
        inference.Step(x, got);
        AssertClose(want, got, $"{name} output after ResetState");
    }

    [Fact]
    public void OnlyModelsThatStepOnFloat32WeightsHaveOne()
    {
        Assert.Null(typeof(MixedStack).GetMethod("ToInference"));
        Assert.Null(typeof(GruResetBeforeStack).GetMethod("ToInference"));
        Assert.Null(typeof(BidirectionalGru).GetMethod("ToInference"));
        Assert.NotNull(typeof(OffGridInference).GetMethod("ToInference"));
        Assert.True(typeof(ITokenStepInference).IsAssignableFrom(typeof(TokenLstm.Inference)));
    }

    [Fact]
    public void ALayerWhosePackedTilesWouldOverflowL1KeepsTheRowCells()
    {
        // L1BoundInference: LSTM 12→49 packs to 49.6 KB (over the 48 KB L1) where its row-major weights take 46.7 KB;
        // the LSTM 20 above it packs small. The generated class has a column cell for the second layer only.
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        Assert.Null(typeof(L1BoundInference).GetMethod("StepCellL0Columns", Private));
        Assert.NotNull(typeof(L1BoundInference).GetMethod("StepCellL0Rows16", Private));
        Assert.NotNull(typeof(L1BoundInference).GetMethod("StepCellL1Columns", Private));
        Assert.NotNull(typeof(OffGridInference).GetMethod("StepCellL0Columns", Private));
    }

    [Fact]
    public void ATokenModelsCopyStepsAsTheModelSteps()
    {
        var model = new TokenLstm();
        Randomize(model, 21);
        var inference = model.ToInference();
        float[] want = new float[TokenLstm.OutputSize], got = new float[TokenLstm.OutputSize];
        for (int t = 0; t < 20; t++)
        {
            model.Step(t % TokenLstm.VocabularySize, want);
            inference.Step(t % TokenLstm.VocabularySize, got);
            AssertClose(want, got, $"output at step {t}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => inference.Step(TokenLstm.VocabularySize, got));
    }

    [Fact]
    public void ItsWeightsAreASnapshotThatLaterChangesToTheModelDoNotReach()
    {
        var model = new OffGridInference();
        Randomize(model, 31);
        var inference = model.ToInference();
        var x = Enumerable.Range(0, OffGridInference.InputSize).Select(i => 0.1f * i).ToArray();
        float[] before = new float[OffGridInference.OutputSize], after = new float[OffGridInference.OutputSize];
        inference.ResetState();
        inference.Step(x, before);

        // A span held across the copy and written afterwards, as online adaptation would: the copy does not see it.
        Span<float> held = model.Parameters;
        held.Clear();
        model.ResetState();
        inference.ResetState();
        var again = model.ToInference();
        inference.Step(x, after);
        Assert.Equal(before, after);

        // A new copy takes the new weights: all zero, so a softmax over three equal logits.
        again.Step(x, after);
        Assert.All(after, v => Assert.Equal(1f / 3, v, 6));
    }

    [Fact]
    public void TryStepRefusesANonFiniteInputAndKeepsTheState()
    {
        var model = new OffGridInference();
        Randomize(model, 41);
        var inference = model.ToInference();
        var state = inference.State.ToArray();
        var output = Enumerable.Repeat(7f, OffGridInference.OutputSize).ToArray();
        Assert.False(inference.TryStep([1, float.NaN, 0, 0, 0], output));
        Assert.Equal(state, inference.State.ToArray());
        Assert.All(output, v => Assert.Equal(7f, v));
        Assert.True(inference.TryStep([1, 0, 0, 0, 0], output));
        Assert.Throws<ArgumentException>(() => inference.Step(new float[OffGridInference.InputSize + 1], output));
        Assert.Throws<ArgumentException>(() => inference.Step(new float[OffGridInference.InputSize], new float[OffGridInference.OutputSize - 1]));
        Assert.Throws<ArgumentNullException>(() => new OffGridInference.Inference(null!));
    }
}
