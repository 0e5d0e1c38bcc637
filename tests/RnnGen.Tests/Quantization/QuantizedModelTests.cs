using RnnGen.Training;
using RnnGen.Weights;

namespace RnnGen.Tests.Quantization;

/// <summary>
/// Low-precision models against their float32 twins. The oracle for the kernels is the twin running the weights the
/// low-precision model rounded (loaded from its own saved file): a bfloat16 model must agree with it to float32 noise,
/// an int8 model to the 16-bit quantization of its vectors. Then the contract around the copies: every load
/// re-quantizes, writing Parameters needs QuantizeWeights, saved files load back bit for bit, Backward refuses, and
/// Step and Forward allocate nothing.
/// </summary>
public class QuantizedModelTests
{
    // bf16: the same products in another order. int8: vectors quantized to 16 bits (relative 1.5e-5 a value).
    private const double BFloat16Tolerance = 2e-5, Int8Tolerance = 5e-4;

    private static TModel Initialised<TModel>(TModel model, ulong seed = 3) where TModel : IRecurrentModel
    {
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed);
        return model;
    }

    private static float[] Sequence(int steps, int inputSize, ulong seed = 5)
    {
        var random = new TestRandom(seed);
        var x = new float[steps * inputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.Jitter(1.5);
        return x;
    }

    private static float[] Forward(ISequenceModel model, float[] x)
    {
        model.ResetState();
        var y = new float[(model.OutputsEveryStep ? x.Length / model.InputSize : 1) * model.OutputSize];
        model.Forward(x, y);
        return y;
    }

    /// <summary>Every output of Step over the sequence, from a zero state.</summary>
    private static float[] Steps(IStepModel model, float[] x)
    {
        model.ResetState();
        int steps = x.Length / model.InputSize;
        var y = new float[steps * model.OutputSize];
        for (int t = 0; t < steps; t++) model.Step(x.AsSpan(t * model.InputSize, model.InputSize), y.AsSpan(t * model.OutputSize, model.OutputSize));
        return y;
    }

    private static IQuantizedModel Q(IQuantizedModel model) => model;

    private static double MaxError(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    /// <summary>The twin of <paramref name="model"/> running the weights it rounded.</summary>
    private static TTwin Rounded<TTwin>(IQuantizedModel model) where TTwin : IRecurrentModel, new()
    {
        var twin = new TTwin();
        twin.LoadWeights(model.ToSafeTensorsFile());
        return twin;
    }

    private static void StepsMatchTheRoundedTwin<TModel, TTwin>(double tolerance)
        where TModel : IStepModel, IQuantizedModel, new() where TTwin : IStepModel, new()
    {
        var source = Initialised(new TTwin());
        var model = new TModel();
        model.LoadWeights(source.ToSafeTensorsFile());
        var twin = Rounded<TTwin>(model);
        float[] x = Sequence(model.SequenceLength, model.InputSize);
        float[] got = Steps(model, x), want = Steps(twin, x), unrounded = Steps(source, x);
        Assert.InRange(MaxError(got, want), 0, tolerance);
        // The rounding is real: the float32 weights themselves give other outputs.
        Assert.True(MaxError(want, unrounded) > tolerance / 10, "the rounded weights should differ from the float32 ones");
        // Forward runs the same products as Step (its head sums in another order).
        float[] forward = Forward(model, x);
        Assert.InRange(MaxError(forward.AsSpan(forward.Length - model.OutputSize).ToArray(), got.AsSpan(got.Length - model.OutputSize).ToArray()), 0, 1e-6);
    }

    [Fact] public void LstmInt8StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<LstmInt8, LstmTwin>(Int8Tolerance);
    [Fact] public void LstmBFloat16StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<LstmBFloat16, LstmTwin>(BFloat16Tolerance);
    [Fact] public void GruStackInt8StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<GruInt8, GruTwin>(Int8Tolerance);
    [Fact] public void GruStackBFloat16StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<GruBFloat16, WideGruTwin>(BFloat16Tolerance);
    [Fact] public void ProjectionRnnAndSmallLayerInt8StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<MixedInt8, MixedTwin>(Int8Tolerance);
    [Fact] public void ProjectionRnnAndSmallLayerBFloat16StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<MixedBFloat16, WideMixedTwin>(BFloat16Tolerance);

    [Fact] public void MlpHeadOverFinalStateInt8StepsMatchTheRoundedTwin() => StepsMatchTheRoundedTwin<MlpHeadInt8, MlpHeadTwin>(Int8Tolerance);

    [Fact]
    public void FinalStatesHeadOfABidirectionalBFloat16LayerMatchesTheRoundedTwin()
    {
        var model = new FinalHeadBFloat16();
        model.LoadWeights(Initialised(new FinalHeadTwin()).ToSafeTensorsFile());
        float[] x = Sequence(FinalHeadBFloat16.SequenceLength, FinalHeadBFloat16.InputSize);
        Assert.Equal(QuantizedLayout.BFloat16Lanes, Q(model).QuantizedTensors[0].Layout);
        Assert.InRange(MaxError(Forward(model, x), Forward(Rounded<FinalHeadTwin>(model), x)), 0, BFloat16Tolerance);
    }

    [Fact]
    public void ALowPrecisionModelHasNoBatchAndItsTwinHasOne()
    {
        // docs/quantization.md, "Limits": the batch's lanes products are float32; batch the float32 twin.
        foreach (var type in new[] { typeof(LstmInt8), typeof(LstmBFloat16), typeof(TokenInt8), typeof(MlpHeadInt8) })
            Assert.Null(type.GetNestedType("Batch"));
        foreach (var type in new[] { typeof(LstmTwin), typeof(TokenTwin), typeof(MlpHeadTwin) })
            Assert.NotNull(type.GetNestedType("Batch"));
    }

    [Fact]
    public void TheRecordedDeclarationStatesThePrecision()
    {
        Assert.Contains("[RecurrentModel(InputSize = 16, SequenceLength = 12, Precision = WeightPrecision.Int8)]", LstmInt8.Declaration);
        Assert.Contains("Precision = WeightPrecision.BFloat16)]", LstmBFloat16.Declaration);
        Assert.DoesNotContain("Precision", LstmTwin.Declaration);
        Assert.Equal(LstmInt8.Declaration, new LstmInt8().ToSafeTensorsFile().Metadata[WeightsMetadata.Declaration]);
    }

    [Fact]
    public void TokenModelInt8MatchesTheRoundedTwin()
    {
        var model = new TokenInt8();
        model.LoadWeights(Initialised(new TokenTwin()).ToSafeTensorsFile());
        var twin = Rounded<TokenTwin>(model);
        int[] tokens = [1, 5, 10, 0, 3, 3, 7, 2, 9, 4, 6, 8];
        var got = new float[tokens.Length * TokenInt8.OutputSize];
        var want = new float[got.Length];
        model.Forward(tokens, got);
        twin.Forward(tokens, want);
        Assert.InRange(MaxError(got, want), 0, Int8Tolerance);
    }

    [Fact]
    public void BidirectionalBFloat16ForwardMatchesTheRoundedTwin()
    {
        var model = new BidirectionalBFloat16();
        model.LoadWeights(Initialised(new BidirectionalTwin()).ToSafeTensorsFile());
        float[] x = Sequence(BidirectionalBFloat16.SequenceLength, BidirectionalBFloat16.InputSize);
        Assert.InRange(MaxError(Forward(model, x), Forward(Rounded<BidirectionalTwin>(model), x)), 0, BFloat16Tolerance);
    }

    [Fact]
    public void TheModelsRunTheKernelsTheyAreMeantToTest()
    {
        // Layer by layer: the int8 or bf16 kernels where they pay, rounded float copies for the small last layers.
        Assert.Equal([QuantizedLayout.Int8ColumnPairs, QuantizedLayout.Int8ColumnPairs, QuantizedLayout.Int8ColumnPairs, QuantizedLayout.Int8ColumnPairs,
            QuantizedLayout.Int8ColumnPairs, QuantizedLayout.Float32Rows, QuantizedLayout.Float32Rows], Q(new MixedInt8()).QuantizedTensors.Select(t => t.Layout));
        Assert.Equal([QuantizedLayout.BFloat16Lanes, QuantizedLayout.BFloat16Lanes, QuantizedLayout.BFloat16Lanes, QuantizedLayout.BFloat16Lanes,
            QuantizedLayout.BFloat16Lanes, QuantizedLayout.Float32Rows, QuantizedLayout.Float32Rows], Q(new MixedBFloat16()).QuantizedTensors.Select(t => t.Layout));
        Assert.All(Q(new GruBFloat16()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.BFloat16Lanes, t.Layout));
        Assert.All(Q(new GruInt8()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Int8ColumnPairs, t.Layout));
        Assert.All(Q(new BidirectionalBFloat16()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.BFloat16Lanes, t.Layout));
        Assert.All(Q(new LstmInt8()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Int8ColumnPairs, t.Layout));
        Assert.All(Q(new LstmBFloat16()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.BFloat16Lanes, t.Layout));
        Assert.All(Q(new TokenInt8()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Int8ColumnPairs, t.Layout));
    }

    [Fact]
    public void SmallLayersRunRoundedCopiesBelowTheDocumentedThresholds()
    {
        // int8 kernels from 18,432 weights in a direction's W_ih and W_hh, bf16 kernels from 32,768 (docs/quantization.md).
        Assert.All(Q(new Int8AtThreshold()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Int8ColumnPairs, t.Layout));
        Assert.All(Q(new Int8BelowThreshold()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Float32Rows, t.Layout));
        Assert.All(Q(new BFloat16AtThreshold()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.BFloat16Lanes, t.Layout));
        Assert.All(Q(new BFloat16BelowThreshold()).QuantizedTensors, t => Assert.Equal(QuantizedLayout.Float32Rows, t.Layout));
    }

    [Fact]
    public void EveryLoadRequantizes()
    {
        var a = Initialised(new LstmTwin(), seed: 1).ToSafeTensorsFile();
        var b = Initialised(new LstmTwin(), seed: 2).ToSafeTensorsFile();
        var model = new LstmInt8();
        model.LoadWeights(a);
        var fresh = new LstmInt8();
        fresh.LoadWeights(b);
        float[] x = Sequence(6, LstmInt8.InputSize);

        model.LoadWeights(b);

        Assert.Equal(Steps(fresh, x), Steps(model, x));
        Assert.Equal(Q(fresh).Int8Weights.ToArray(), Q(model).Int8Weights.ToArray());
        Assert.Equal(Q(fresh).Int8Scales.ToArray(), Q(model).Int8Scales.ToArray());
    }

    [Fact]
    public void WritingParametersTakesEffectAtQuantizeWeights()
    {
        var model = new LstmBFloat16();
        model.LoadWeights(Initialised(new LstmTwin()).ToSafeTensorsFile());
        float[] x = Sequence(6, LstmBFloat16.InputSize);

        foreach (ref float p in model.Parameters) p *= 0.5f;
        var halved = new LstmBFloat16();
        halved.LoadWeights(model.ToSafeTensorsFile(WeightPrecision.Float32));
        Assert.NotEqual(Steps(halved, x), Steps(model, x)); // the recurrent products still run the old copies...

        model.QuantizeWeights();

        Assert.Equal(Steps(halved, x), Steps(model, x)); // ...until QuantizeWeights makes new ones
    }

    [Fact]
    public void InitializerRequantizes()
    {
        var model = new GruInt8();
        Initializer.Apply(model, InitScheme.PyTorchDefault, 9);
        var loaded = new GruInt8();
        loaded.LoadWeights(model.ToSafeTensorsFile(WeightPrecision.Float32));
        Assert.Equal(Q(loaded).Int8Weights.ToArray(), Q(model).Int8Weights.ToArray());
        Assert.Contains(Q(model).Int8Weights.ToArray(), q => q != 0);
    }

    [Fact]
    public void QuantizeWeightsRefusesNonFiniteParametersAndChangesNothing()
    {
        var model = new LstmInt8();
        model.LoadWeights(Initialised(new LstmTwin()).ToSafeTensorsFile());
        sbyte[] weights = Q(model).Int8Weights.ToArray();
        var tensor = model.QuantizedTensors[1];
        model.Parameters[tensor.ParameterOffset + 5] = float.NaN;

        var error = Assert.Throws<InvalidOperationException>(model.QuantizeWeights);

        Assert.Contains(tensor.Name, error.Message);
        Assert.Equal(weights, Q(model).Int8Weights.ToArray());
    }

    [Fact]
    public void SavedInt8FilesHoldI8AndScalesAndLoadBackExactly()
    {
        var model = new GruInt8();
        model.LoadWeights(Initialised(new GruTwin()).ToSafeTensorsFile());

        var file = SafeTensorsFile.Parse(model.ToSafeTensorsFile().ToBytes());
        var loaded = new GruInt8();
        loaded.LoadWeights(file);

        foreach (var t in model.QuantizedTensors)
        {
            Assert.Equal(SafeTensor.Int8, file[t.Name].DType);
            Assert.Equal(SafeTensor.Float32, file[t.Name + WeightQuantization.ScaleSuffix].DType);
            Assert.Equal([t.Rows], file[t.Name + WeightQuantization.ScaleSuffix].Shape);
        }
        Assert.Equal(SafeTensor.Float32, file["head.weight"].DType);
        Assert.Equal(Q(model).Int8Weights.ToArray(), Q(loaded).Int8Weights.ToArray());
        Assert.Equal(Q(model).Int8Scales.ToArray(), Q(loaded).Int8Scales.ToArray());
        Assert.Equal(Q(model).RoundedWeights.ToArray(), Q(loaded).RoundedWeights.ToArray());
    }

    [Fact]
    public void SavedBFloat16FilesLoadBackExactlyAndHalveTheRecurrentBytes()
    {
        var model = new MixedBFloat16();
        model.LoadWeights(Initialised(new WideMixedTwin()).ToSafeTensorsFile());

        var file = SafeTensorsFile.Parse(model.ToSafeTensorsFile().ToBytes());
        var loaded = new MixedBFloat16();
        loaded.LoadWeights(file);

        Assert.All(model.QuantizedTensors, t => Assert.Equal(SafeTensor.BFloat16, file[t.Name].DType));
        Assert.Equal(Q(model).BFloat16Weights.ToArray(), Q(loaded).BFloat16Weights.ToArray());
        Assert.Equal(Q(model).RoundedWeights.ToArray(), Q(loaded).RoundedWeights.ToArray());
    }

    [Fact]
    public void AFloat32ModelSavesWhatALowPrecisionModelRuns()
    {
        var twin = Initialised(new LstmTwin());
        var direct = new LstmInt8();
        direct.LoadWeights(twin.ToSafeTensorsFile());
        var viaFile = new LstmInt8();
        viaFile.LoadWeights(SafeTensorsFile.Parse(twin.ToSafeTensorsFile(WeightPrecision.Int8).ToBytes()));

        Assert.Equal(Q(direct).Int8Weights.ToArray(), Q(viaFile).Int8Weights.ToArray());
        Assert.Equal(Q(direct).Int8Scales.ToArray(), Q(viaFile).Int8Scales.ToArray());
        // The tensors a float32 model quantizes are the ones a low-precision model keeps copies of.
        var matrices = twin.ParameterTensors.Where(t => WeightQuantization.IsQuantized(t.Name)).ToList();
        Assert.Equal(direct.QuantizedTensors.Select(t => t.Name), matrices.Select(t => t.Name));
    }

    [Fact]
    public void BackwardRefusesAndNamesTheFloat32Twin()
    {
        var model = new GruInt8();
        float[] x = Sequence(GruInt8.SequenceLength, GruInt8.InputSize);
        var y = Forward(model, x);
        var error = Assert.Throws<InvalidOperationException>(() => model.Backward(y, default, default, default));
        Assert.Contains("float32 twin", error.Message);
        Assert.Throws<InvalidOperationException>(() => model.BackwardFromLogits(y, default, default, default));
    }

    [Fact]
    public void StepAndForwardAllocateNothing()
    {
        static long AllocatedBy(Action action)
        {
            action();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var int8 = new GruInt8();
        var bf16 = new MixedBFloat16();
        float[] x = Sequence(12, 7), y = new float[12 * 8];
        Assert.Equal(0, AllocatedBy(() => int8.Step(x.AsSpan(0, GruInt8.InputSize), y)));
        Assert.Equal(0, AllocatedBy(() => int8.Forward(x, y)));
        Assert.Equal(0, AllocatedBy(() => bf16.Step(x.AsSpan(0, MixedBFloat16.InputSize), y)));
        Assert.Equal(0, AllocatedBy(() => bf16.Forward(x.AsSpan(0, 12 * MixedBFloat16.InputSize), y)));
        Assert.Equal(0, AllocatedBy(int8.QuantizeWeights));
        var mlp = new MlpHeadInt8();
        Assert.Equal(0, AllocatedBy(() => mlp.Step(x.AsSpan(0, MlpHeadInt8.InputSize), y.AsSpan(0, MlpHeadInt8.OutputSize))));
        Assert.Equal(0, AllocatedBy(() => mlp.TryStep(x.AsSpan(0, MlpHeadInt8.InputSize), y.AsSpan(0, MlpHeadInt8.OutputSize))));
    }
}
