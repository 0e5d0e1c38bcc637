using RnnGen.Weights;
using static RnnGen.Tests.Weights.WeightTestData;

namespace RnnGen.Tests.Weights;

/// <summary>Loading safetensors into a model: name matching, prefixes, shape and value checks, and all-or-nothing.</summary>
public class LoadWeightsTests
{
    /// <summary>A copy of <paramref name="source"/> with its tensor names rewritten.</summary>
    private static SafeTensorsFile Renamed(SafeTensorsFile source, Func<string, string> rename, params SafeTensor[] extra) =>
        new(source.Tensors.Select(t => new SafeTensor(rename(t.Name), t.Shape, (float[])t.Data.Clone())).Concat(extra), source.Metadata);

    private static WeightFormatException LoadFails(FakeModel model, SafeTensorsFile file, WeightLoadOptions? options, params string[] fragments)
    {
        float[] before = model.Parameters.ToArray();
        var ex = Assert.Throws<WeightFormatException>(() => model.LoadWeights(file, options));
        foreach (string fragment in fragments)
            Assert.Contains(fragment, ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        return ex;
    }

    [Fact]
    public void LoadsAPytorchExportIntoTheFlatBufferInLayoutOrder()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmSmall));
        FakeModel model = FakeModel.LstmSmall().WithDistinctValues();

        model.LoadWeights(PathOf(LstmSmall));

        float[] expected = [.. file["weight_ih_l0"].Data, .. file["weight_hh_l0"].Data, .. file["bias_ih_l0"].Data, .. file["bias_hh_l0"].Data];
        Assert.Equal(expected, model.Parameters.ToArray());
        // Independently decoded (Python struct): first of weight_ih_l0, element [7, 3] of weight_hh_l0, last of bias_hh_l0.
        Assert.Equal(0x3ee3ee9eu, Bits(model.Parameters[0]));
        Assert.Equal(0xbddc6429u, Bits(model.Parameters[60 + 38]));
        Assert.Equal(0x3edcb473u, Bits(model.Parameters[^1]));
    }

    [Fact]
    public void LoadsAModelWithAHeadUnderItsOwnPrefixedNames()
    {
        FakeModel model = FakeModel.LstmWithHead();

        model.LoadWeights(PathOf(LstmHead));

        Assert.Equal(0x3e9cfe58u, Bits(model.Tensor("rnn.weight_ih_l0")[0]));
        Assert.Equal(0x3cf2881bu, Bits(model.Tensor("head.weight")[22]));
        Assert.Equal(0x3ea89237u, Bits(model.Tensor("head.bias")[4]));
    }

    [Fact]
    public void AModelWithCanonicalNamesLoadsTheRnnPrefixedTensorsOfALargerModel()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmHead));
        FakeModel model = FakeModel.LstmWithoutHead();

        model.LoadWeights(file);

        Assert.Equal(file["rnn.weight_ih_l0"].Data, model.Tensor("weight_ih_l0"));
        Assert.Equal(file["rnn.weight_hh_l0"].Data, model.Tensor("weight_hh_l0"));
        Assert.Equal(file["rnn.bias_ih_l0"].Data, model.Tensor("bias_ih_l0"));
        Assert.Equal(file["rnn.bias_hh_l0"].Data, model.Tensor("bias_hh_l0"));
    }

    [Theory]
    [InlineData("model.")]
    [InlineData("encoder.")]
    [InlineData("seq2seq.encoder.")]
    public void DetectsTheModulePathAUserSavedTheModelUnder(string prefix)
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmHead));
        SafeTensorsFile file = Renamed(original, name => prefix + name);
        FakeModel model = FakeModel.LstmWithHead();

        model.LoadWeights(file);

        Assert.Equal(original["head.bias"].Data, model.Tensor("head.bias"));
        Assert.Equal(original["rnn.weight_hh_l0"].Data, model.Tensor("rnn.weight_hh_l0"));
    }

    [Fact]
    public void ADetectedPrefixEndsAtAModuleBoundary()
    {
        SafeTensorsFile file = Renamed(SafeTensorsFile.Read(PathOf(LstmSmall)), n => "my_" + n);

        LoadFails(FakeModel.LstmSmall(), file, null, "4 of the model's 4 tensors not found: weight_ih_l0 [20, 3]", "the file has 4 tensors: my_weight_ih_l0 [20, 3]");
        FakeModel model = FakeModel.LstmSmall();
        model.LoadWeights(file, new WeightLoadOptions { Prefix = "my_" });
        Assert.Equal(file["my_bias_hh_l0"].Data, model.Tensor("bias_hh_l0"));
    }

    [Fact]
    public void ExactNamesWinOverAPrefix()
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmSmall));
        var file = new SafeTensorsFile(
            original.Tensors.Concat(original.Tensors.Select(t => new SafeTensor("copy." + t.Name, t.Shape, new float[t.Data.Length]))));
        FakeModel model = FakeModel.LstmSmall();

        model.LoadWeights(file, new WeightLoadOptions { IgnoreExtraTensors = true });

        Assert.Equal(original["weight_ih_l0"].Data, model.Tensor("weight_ih_l0"));
    }

    [Fact]
    public void TwoCompletePrefixesAreAmbiguousAndAnExplicitPrefixSettlesIt()
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmSmall));
        var file = new SafeTensorsFile(
            Renamed(original, n => "encoder." + n).Tensors.Concat(
                original.Tensors.Select(t => new SafeTensor("decoder." + t.Name, t.Shape, t.Data.Select(v => -v).ToArray()))));
        FakeModel model = FakeModel.LstmSmall();

        LoadFails(model, file, null, "the model's tensors are all present under several prefixes ('encoder.', 'decoder.'); choose one with WeightLoadOptions.Prefix");

        model.LoadWeights(file, new WeightLoadOptions { Prefix = "decoder.", IgnoreExtraTensors = true });
        Assert.Equal(original["bias_ih_l0"].Data.Select(v => -v), model.Tensor("bias_ih_l0"));
    }

    [Fact]
    public void PrefixDetectionIsLinearInTheNumberOfTensors()
    {
        // 60,000 empty tensors, each naming a canonical tensor under its own module path, none complete. Detection used
        // to compare every candidate prefix with every other (quadratic: 6 s for 40,000, minutes for larger headers); now
        // it is one pass, in milliseconds. The deadline is a hang guard with a wide margin.
        var tensors = Enumerable.Range(0, 60_000).Select(i => new SafeTensor($"m{i}.bias_ih_l0", [0], []));
        var file = new SafeTensorsFile(tensors.Append(new SafeTensor("best.weight_ih_l0", [0], [])).Append(new SafeTensor("best.bias_hh_l0", [0], [])));
        FakeModel model = FakeModel.LstmSmall();

        var ex = Deadline.Run(TimeSpan.FromSeconds(3), () => Assert.Throws<WeightFormatException>(() => model.LoadWeights(file)));

        Assert.Contains("2 of the model's 4 tensors not found (looked for under the prefix 'best.')", ex.Message);
        Assert.Contains("the file has 60002 tensors", ex.Message);
        Assert.Contains("… and 59994 more", ex.Message);
    }

    [Fact]
    public void MissingTensorsAreListedWithWhatTheFileHas()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmSmall));
        var model = new FakeModel(("weight_ih_l0", [20, 3]), ("weight_hh_l0", [20, 5]), ("weight_hr_l0", [2, 5]), ("bias_ih_l0", [20]));

        var ex = LoadFails(model, file, null,
            "1 of the model's 4 tensors not found: weight_hr_l0 [2, 5]",
            "the file has 4 tensors: weight_ih_l0 [20, 3], weight_hh_l0 [20, 5], bias_ih_l0 [20], bias_hh_l0 [20]");
        Assert.Equal("weight_hr_l0", ex.TensorName);
        Assert.Contains(LstmSmall, ex.Message);
    }

    [Fact]
    public void MissingTensorsAreReportedUnderTheNearestPrefix()
    {
        SafeTensorsFile file = Renamed(SafeTensorsFile.Read(PathOf(LstmSmall)), n => "encoder." + n);
        var model = new FakeModel(("weight_ih_l0", [20, 3]), ("weight_hh_l0", [20, 5]), ("weight_ih_l0_reverse", [20, 3]), ("weight_hh_l0_reverse", [20, 5]));

        LoadFails(model, file, null,
            "2 of the model's 4 tensors not found (looked for under the prefix 'encoder.'): encoder.weight_ih_l0_reverse [20, 3], encoder.weight_hh_l0_reverse [20, 5]",
            "the file has 4 tensors: encoder.weight_ih_l0 [20, 3]");
    }

    [Fact]
    public void AFileOfAnotherModelListsAFewMissingNamesAndTheFilesNames()
    {
        var model = new FakeModel(Enumerable.Range(0, 12).Select(i => ($"layer{i}.weight", new[] { 2 })).ToArray());

        LoadFails(model, SafeTensorsFile.Read(PathOf(LstmSmall)), null,
            "12 of the model's 12 tensors not found: layer0.weight [2]", "layer7.weight [2], … and 4 more",
            "the file has 4 tensors: weight_ih_l0 [20, 3]");
    }

    [Fact]
    public void AnExplicitPrefixIsUsedAsGiven()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmHead));

        LoadFails(FakeModel.LstmWithHead(), file, new WeightLoadOptions { Prefix = "model." },
            "6 of the model's 6 tensors not found (looked for under the prefix 'model.'): model.rnn.weight_ih_l0 [32, 4]");
        LoadFails(FakeModel.LstmWithoutHead(), file, new WeightLoadOptions { Prefix = "" },
            "4 of the model's 4 tensors not found: weight_ih_l0 [32, 4]");
    }

    [Fact]
    public void AShapeMismatchNamesTheTensorAndBothShapes()
    {
        var model = new FakeModel(("weight_ih_l0", [20, 4]), ("weight_hh_l0", [20, 5]), ("bias_ih_l0", [20]), ("bias_hh_l0", [20]));

        var ex = LoadFails(model, SafeTensorsFile.Read(PathOf(LstmSmall)), null, "weight_ih_l0: expected [20, 4], file has [20, 3]");

        Assert.Equal("weight_ih_l0", ex.TensorName);
        Assert.DoesNotContain("weight_hh_l0", ex.Message);
    }

    [Fact]
    public void EveryShapeMismatchIsReportedAtOnce()
    {
        var model = new FakeModel(("rnn.weight_ih_l0", [32, 4]), ("rnn.weight_hh_l0", [32, 4]), ("rnn.bias_ih_l0", [32]), ("rnn.bias_hh_l0", [32]),
            ("head.weight", [8, 5]), ("head.bias", [5]));

        var ex = LoadFails(model, SafeTensorsFile.Read(PathOf(LstmHead)), null,
            "rnn.weight_hh_l0: expected [32, 4], file has [32, 8]; head.weight: expected [8, 5], file has [5, 8]");

        Assert.Null(ex.TensorName);
    }

    [Fact]
    public void ATensorOfTheSameSizeButAnotherShapeIsAMismatch() =>
        LoadFails(new FakeModel(("w", [6, 2])), new SafeTensorsFile([new SafeTensor("w", [3, 4], new float[12])]), null,
            "w: expected [6, 2], file has [3, 4]");

    [Fact]
    public void ExtraTensorsAreAnErrorUnlessIgnored()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmHead));
        var smaller = new FakeModel(("rnn.weight_ih_l0", [32, 4]), ("rnn.weight_hh_l0", [32, 8]), ("rnn.bias_ih_l0", [32]), ("rnn.bias_hh_l0", [32]));

        LoadFails(smaller, file, null, "2 tensors not in the model: head.weight [5, 8], head.bias [5]", "IgnoreExtraTensors");

        smaller.LoadWeights(file, new WeightLoadOptions { IgnoreExtraTensors = true });
        Assert.Equal(file["rnn.bias_hh_l0"].Data, smaller.Tensor("rnn.bias_hh_l0"));
    }

    [Fact]
    public void ExtraTensorsUnderADetectedPrefixAreAnError()
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmSmall));
        SafeTensorsFile file = Renamed(original, n => "rnn." + n,
            new SafeTensor("rnn.weight_ih_l1", [20, 5], new float[100]),
            new SafeTensor("head.weight", [2, 5], new float[10]));

        var ex = LoadFails(FakeModel.LstmSmall(), file, null, "1 tensor under the prefix 'rnn.' not in the model: rnn.weight_ih_l1 [20, 5]");

        Assert.DoesNotContain("head.weight", ex.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void ANonFiniteValueNamesTheTensorAndItsFirstIndex(float bad, string text)
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmSmall));
        float[] weights = (float[])original["weight_hh_l0"].Data.Clone();
        weights[38] = bad;
        weights[90] = float.NaN;
        var file = new SafeTensorsFile(original.Tensors.Select(t => t.Name == "weight_hh_l0" ? new SafeTensor(t.Name, t.Shape, weights) : t));

        var ex = LoadFails(FakeModel.LstmSmall(), file, null, $"tensor 'weight_hh_l0': value {text} at index 38 [7, 3] is not finite");

        Assert.Equal("weight_hh_l0", ex.TensorName);
    }

    [Fact]
    public void AFailureInTheLastTensorLeavesEveryEarlierParameterUnchanged()
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(LstmSmall));
        float[] lastBias = (float[])original["bias_hh_l0"].Data.Clone();
        lastBias[19] = float.NaN;
        var file = new SafeTensorsFile(original.Tensors.Select(t => t.Name == "bias_hh_l0" ? new SafeTensor(t.Name, t.Shape, lastBias) : t));
        FakeModel model = FakeModel.LstmSmall().WithDistinctValues();
        float[] before = model.Parameters.ToArray();

        Assert.Throws<WeightFormatException>(() => model.LoadWeights(file));

        Assert.Equal(before, model.Parameters.ToArray());
        model.LoadWeights(original);
        Assert.Equal(original["bias_hh_l0"].Data, model.Tensor("bias_hh_l0"));
    }

    [Fact]
    public void AFailedLoadAfterAGoodOneKeepsTheGoodWeights()
    {
        FakeModel model = FakeModel.LstmWithoutHead();
        model.LoadWeights(PathOf(LstmHead), new WeightLoadOptions { Prefix = "rnn." });
        float[] loaded = model.Parameters.ToArray();
        SafeTensorsFile file = Renamed(SafeTensorsFile.Read(PathOf(LstmHead)), n => n,
            new SafeTensor("rnn.weight_ih_l1", [32, 8], new float[256]));

        Assert.Throws<WeightFormatException>(() => model.LoadWeights(file));

        Assert.Equal(loaded, model.Parameters.ToArray());
        Assert.Equal(0x3e9cfe58u, Bits(model.Parameters[0]));
    }

    [Fact]
    public void AMalformedFileLeavesTheParametersUnchanged()
    {
        FakeModel model = FakeModel.LstmSmall().WithDistinctValues();
        float[] before = model.Parameters.ToArray();
        using var temp = new TempFile();
        byte[] truncated = Bytes(LstmSmall)[..^4];
        File.WriteAllBytes(temp.Path, truncated);

        var ex = Assert.Throws<WeightFormatException>(() => model.LoadWeights(temp.Path));

        Assert.Contains(temp.Path, ex.Message);
        Assert.Equal("bias_hh_l0", ex.TensorName);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void PartsOfTheBufferNoTensorDescribesAreKept()
    {
        var model = new FakeModel(4, new ParameterTensor("a", 0, 2), new ParameterTensor("b", 3, 1));
        model.Parameters.Fill(9f);

        model.LoadWeights(new SafeTensorsFile([new SafeTensor("a", [2], [1f, 2f]), new SafeTensor("b", [1], [3f])]));

        Assert.Equal([1f, 2f, 9f, 3f], model.Parameters.ToArray());
    }

    [Fact]
    public void AModelWhoseLayoutOverrunsItsBufferIsAModelBug()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FakeModel(3, new ParameterTensor("a", 0, 4)).LoadWeights(new SafeTensorsFile([new SafeTensor("a", [4], new float[4])])));

        Assert.Contains("a [4]", ex.Message);
    }
}
