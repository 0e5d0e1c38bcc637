using RnnGen.Weights;
using static RnnGen.Tests.Weights.WeightTestData;

namespace RnnGen.Tests.Weights;

/// <summary>Saving a model's parameters, and loading them back.</summary>
public class SaveWeightsTests
{
    [Fact]
    public void SaveThenLoadRestoresEveryBit()
    {
        FakeModel saved = FakeModel.LstmWithHead();
        var random = new Random(7);
        for (int i = 0; i < saved.Parameters.Length; i++)
            saved.Parameters[i] = (float)(random.NextDouble() * 2 - 1);
        saved.Parameters[3] = -0f;
        saved.Parameters[4] = float.Epsilon;
        using var temp = new TempFile();

        saved.SaveWeights(temp.Path);
        FakeModel loaded = FakeModel.LstmWithHead();
        loaded.LoadWeights(temp.Path);

        Assert.Equal(saved.Parameters.ToArray().Select(Bits), loaded.Parameters.ToArray().Select(Bits));
    }

    /// <summary>A generated model records its declaration and generator version; keys the caller gives win.</summary>
    [Fact]
    public void AGeneratedModelRecordsItsDeclarationAndGeneratorVersion()
    {
        var model = new Models.MlpOverFinalBiLstm();
        using var temp = new TempFile();

        model.SaveWeights(temp.Path, new Dictionary<string, string> { ["epochs"] = "3" });
        var metadata = SafeTensorsFile.Read(temp.Path).Metadata;

        Assert.Equal(Models.MlpOverFinalBiLstm.Declaration, metadata[WeightsMetadata.Declaration]);
        Assert.Contains("[Dense(6, Activation.Tanh, Over = Steps.Final)]\n[Dense(5, Activation.Relu, Bias = false)]\n[Dense(3, Activation.Softmax)]\n", Models.MlpOverFinalBiLstm.Declaration);
        Assert.Equal(Models.MlpOverFinalBiLstm.GeneratorVersion, metadata[WeightsMetadata.GeneratorVersion]);
        Assert.Equal("3", metadata["epochs"]);

        model.SaveWeights(temp.Path, new Dictionary<string, string> { [WeightsMetadata.Declaration] = "mine" });
        Assert.Equal("mine", SafeTensorsFile.Read(temp.Path).Metadata[WeightsMetadata.Declaration]);
    }

    [Fact]
    public void SavedFileHasTheCanonicalNamesShapesAndGivenMetadata()
    {
        FakeModel model = FakeModel.LstmWithHead().WithDistinctValues();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epochs"] = "12" };
        using var temp = new TempFile();

        model.SaveWeights(temp.Path, metadata);
        SafeTensorsFile file = SafeTensorsFile.Read(temp.Path);

        Assert.Equal(model.ParameterTensors.Select(t => t.ToString()), file.Tensors.Select(t => t.ToString()));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(1000f, file["rnn.weight_ih_l0"].Data[0]);
        Assert.Equal(1000f + model.Parameters.Length - 1, file["head.bias"].Data[^1]);
    }

    [Theory]
    [InlineData(LstmSmall)]
    [InlineData(LstmHead)]
    public void ALoadedPytorchExportSavesBackToTheIdenticalFile(string caseName)
    {
        SafeTensorsFile original = SafeTensorsFile.Read(PathOf(caseName));
        FakeModel model = caseName == LstmSmall ? FakeModel.LstmSmall() : FakeModel.LstmWithHead();
        model.LoadWeights(original);

        Assert.Equal(Bytes(caseName), model.ToSafeTensorsFile(original.Metadata).ToBytes());
    }

    [Fact]
    public void SavingCopiesTheParameters()
    {
        FakeModel model = FakeModel.LstmSmall().WithDistinctValues();

        SafeTensorsFile file = model.ToSafeTensorsFile();
        model.Parameters.Clear();

        Assert.Equal(1000f, file["weight_ih_l0"].Data[0]);
    }
}
