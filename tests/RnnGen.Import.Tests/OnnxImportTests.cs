using Google.Protobuf;
using RnnGen.Import.Model;
using RnnGen.Import.Onnx.Proto;
using RnnGen.Import.Tests.Oracles;
using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// ONNX import on every fixture, checked against both oracles: the float64 reference model built from the imported
/// declaration text and safetensors must compute PyTorch's (or numpy's) expected output and ONNX Runtime's output of the
/// same file. Then the errors: every unsupported construct names the node, its op type and its inputs.
/// </summary>
public sealed class OnnxImportTests
{
    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ImportedModelComputesWhatPyTorchAndOnnxRuntimeCompute(string name)
    {
        string directory = Fixtures.Directory(name);
        string onnx = Path.Combine(directory, "model.onnx");
        var c = UserCase.Load(directory);
        var imported = OnnxImporter.Import(onnx);
        Assert.Equal(c.BatchFirst ? InputLayout.BatchFirst : InputLayout.TimeMajor, imported.Model.Layout);

        // Through the text and the file a user gets: the declaration is re-read from C#, the weights from safetensors bytes.
        string declaration = DeclarationText.Write(imported.Model, "Imported", 16);
        var weights = SafeTensorsFile.Parse(imported.ToSafeTensors(declaration).ToBytes());
        var got = new ReferenceModel(DeclaredModel.Parse(declaration), weights).Run(c.X, c.Tokens);

        Fixtures.AssertClose(c.Expected, got, $"{name}: imported model against PyTorch (or numpy)");
        var runtime = OnnxRuntimeOracle.Run(onnx, c);
        Fixtures.AssertClose([.. runtime.Select(v => (double)v)], got, $"{name}: imported model against ONNX Runtime");
    }

    [Theory]
    [InlineData("bilstm_hn_head", "[Lstm(12, Bidirectional = true)]", "[Dense(3, Over = Steps.Final)]")]
    [InlineData("stacked_lstm_mlp", "[Lstm(20)]\n[Lstm(20)]", "[Dense(32, Activation.Relu, Over = Steps.Last)]\n[Dense(3)]")]
    [InlineData("char_gru", "[Embedding(30, 8)]\n[Gru(16)]", "[Dense(30, Over = Steps.Every)]")]
    [InlineData("rnn_relu_sigmoid", "[Rnn(12, Activation = Activation.Relu)]", "[Dense(1, Activation.Sigmoid, Over = Steps.Last)]")]
    [InlineData("gru_reset_before_onnx", "[Gru(6, ResetAfter = false)]", "[Dense(3, Activation.Softmax, Over = Steps.Last)]")]
    [InlineData("two_lstm_modules", "[Lstm(24)]\n[Lstm(16)]", "[Dense(2, Over = Steps.Last)]")]
    [InlineData("lstm_no_bias_static", "[Lstm(8, Bias = false)]", "[Dense(3, Over = Steps.Every, Bias = false)]")]
    [InlineData("keras_lstm_tf2onnx", "[Lstm(12)]", "[Dense(3, Activation.Softmax, Over = Steps.Last)]")]
    public void TheDeclarationNamesWhatTheGraphComputes(string name, string layers, string head)
    {
        var imported = OnnxImporter.Import(Path.Combine(Fixtures.Directory(name), "model.onnx"));
        string declaration = DeclarationText.Write(imported.Model, "Model", 16);
        Assert.Contains(layers + "\n" + head + "\npublic partial class Model { }", declaration);
        Assert.Equal(TensorNames.For(imported.Model).Select(t => t.Name), imported.Tensors.Select(t => t.Name));
    }

    /// <summary>The oracles can tell a wrong gate order: ONNX's own (i, o, f, c) left in place does not match PyTorch.</summary>
    [Fact]
    public void OnnxGateOrderLeftInPlaceFailsTheOracle()
    {
        string directory = Fixtures.Directory("lstm_classifier");
        var c = UserCase.Load(directory);
        var imported = OnnxImporter.Import(Path.Combine(directory, "model.onnx"));
        var swapped = imported.Tensors.Select(t => t.Name.Contains("_ih_") || t.Name.Contains("_hh_") ? SwapBlocks(t, 1, 3) : t).ToList();
        string declaration = DeclarationText.Write(imported.Model, "Imported", 16);
        var got = new ReferenceModel(DeclaredModel.Parse(declaration), new SafeTensorsFile(swapped)).Run(c.X, c.Tokens);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Fixtures.AssertClose(c.Expected, got, "swapped f and o"));
    }

    private static SafeTensor SwapBlocks(SafeTensor t, int a, int b)
    {
        int block = t.Data.Length / 4;
        var data = (float[])t.Data.Clone();
        Array.Copy(t.Data, a * block, data, b * block, block);
        Array.Copy(t.Data, b * block, data, a * block, block);
        return new SafeTensor(t.Name, t.Shape, data);
    }

    /// <summary>ONNX's layout=1 (batch-first X, Y_h [batch, D, H]) maps like the time-major default: the same model, matching numpy and ONNX Runtime.</summary>
    [Fact]
    public void BatchFirstLayoutAttributeIsFollowed()
    {
        var model = Fixture("keras_lstm_tf2onnx");
        var lstm = Node(model, "LSTM");
        model.Graph.Node.Remove(Node(model, "Transpose"));
        lstm.Input[0] = "input_1";
        lstm.Attribute.Add(IntAttribute("layout", 1));
        model.Graph.Initializer.Add(new TensorProto { Name = "const_axes1", DataType = 7, Dims = { 1 }, Int64Data = { 1 } });
        Node(model, "Squeeze").Input[1] = "const_axes1";
        var imported = OnnxImporter.Import(model.ToByteArray(), "layout1.onnx");
        string declaration = DeclarationText.Write(imported.Model, "Imported", 16);
        var c = UserCase.Load(Fixtures.Directory("keras_lstm_tf2onnx"));
        var got = new ReferenceModel(DeclaredModel.Parse(declaration), new SafeTensorsFile(imported.Tensors)).Run(c.X, c.Tokens);
        Fixtures.AssertClose(c.Expected, got, "layout=1 against numpy");
    }

    /// <summary>
    /// Glue written differently from the fixtures' exporter: the last step taken with Slice + Squeeze, and the h_n halves
    /// concatenated reverse-first (the weight's columns are swapped into RnnGen's order). ONNX Runtime on the edited file
    /// is the oracle.
    /// </summary>
    [Theory]
    [InlineData("lstm_classifier", "slice")]
    [InlineData("bilstm_hn_head", "reversed")]
    public void GlueVariantsMatchOnnxRuntime(string name, string variant)
    {
        var model = Fixture(name);
        if (variant == "slice")
        {
            var gather = model.Graph.Node.First(n => n.OpType == "Gather" && n.Attribute.Any(a => a.Name == "axis" && a.I == 1));
            int at = model.Graph.Node.IndexOf(gather);
            model.Graph.Node.RemoveAt(at);
            model.Graph.Initializer.Add(new TensorProto { Name = "s_start", DataType = 7, Dims = { 1 }, Int64Data = { -1 } });
            model.Graph.Initializer.Add(new TensorProto { Name = "s_end", DataType = 7, Dims = { 1 }, Int64Data = { long.MaxValue } });
            model.Graph.Initializer.Add(new TensorProto { Name = "s_axis", DataType = 7, Dims = { 1 }, Int64Data = { 1 } });
            model.Graph.Node.Insert(at, new NodeProto { Name = "last_step", OpType = "Slice", Input = { gather.Input[0], "s_start", "s_end", "s_axis" }, Output = { "sliced" } });
            model.Graph.Node.Insert(at + 1, new NodeProto { Name = "drop_time", OpType = "Squeeze", Input = { "sliced", "s_axis" }, Output = { gather.Output[0] } });
        }
        else
        {
            var concat = Node(model, "Concat");
            if (concat.Input.Count != 2 || concat.Attribute[0].I != 1) concat = model.Graph.Node.Last(n => n.OpType == "Concat");
            (concat.Input[0], concat.Input[1]) = (concat.Input[1], concat.Input[0]);
        }
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{variant}-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, model.ToByteArray());
            var c = UserCase.Load(Fixtures.Directory(name));
            var imported = OnnxImporter.Import(path);
            string declaration = DeclarationText.Write(imported.Model, "Imported", 16);
            var got = new ReferenceModel(DeclaredModel.Parse(declaration), new SafeTensorsFile(imported.Tensors)).Run(c.X, c.Tokens);
            Fixtures.AssertClose([.. OnnxRuntimeOracle.Run(path, c).Select(v => (double)v)], got, $"{name} with {variant} glue against ONNX Runtime");
            if (variant == "slice") Fixtures.AssertClose(c.Expected, got, "the same model as PyTorch's");
            else Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Fixtures.AssertClose(c.Expected, got, "a different model from PyTorch's"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImportNotesTheChoicesItMade()
    {
        var imported = OnnxImporter.Import(Path.Combine(Fixtures.Directory("gru_reset_before_onnx"), "model.onnx"));
        Assert.Contains(imported.Notes, n => n.Contains("graph input 'h0' is layer 0's initial_h"));
        Assert.Contains(imported.Notes, n => n.Contains("ResetAfter = false"));
        Assert.Contains(imported.Notes, n => n.Contains("input 'x' [batch, T, 4] is batch-first"));
    }

    // ------------------------------------------------------------------ errors

    private static ModelProto Fixture(string name) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(Fixtures.Directory(name), "model.onnx")));

    private static ImportException ImportFails(ModelProto model, ImportFailure failure = ImportFailure.Unsupported)
    {
        var e = Assert.Throws<ImportException>(() => OnnxImporter.Import(model.ToByteArray(), "bad.onnx"));
        Assert.Equal(failure, e.Failure);
        Assert.StartsWith("bad.onnx: ", e.Message);
        return e;
    }

    private static NodeProto Node(ModelProto model, string opType) => model.Graph.Node.First(n => n.OpType == opType);

    private static AttributeProto IntAttribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Strings(string name, params string[] values)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Strings, Strings = { values.Select(ByteString.CopyFromUtf8) } };

    [Fact]
    public void PeepholesAreRejectedNamingTheNodeAndItsInputs()
    {
        var model = Fixture("lstm_classifier");
        var lstm = Node(model, "LSTM");
        model.Graph.Initializer.Add(new TensorProto { Name = "P", DataType = 1, Dims = { 1, 48 }, FloatData = { new float[48] } });
        lstm.Input.Add("P");
        var e = ImportFails(model);
        Assert.Contains("node '/lstm/LSTM' (LSTM of '/lstm/Transpose_output_0' ", e.Message);
        Assert.Contains("peephole weights (input P) are not supported", e.Message);
    }

    [Theory]
    [InlineData("clip", "clip (cell clipping) is not supported")]
    [InlineData("input_forget", "input_forget=1")]
    [InlineData("reverse", "direction 'reverse'")]
    [InlineData("activations", "Keras' hard_sigmoid, for one, is not supported")]
    [InlineData("activation count", "activations lists 1 functions; a LSTM with 1 direction(s) takes 3")]
    public void LstmAttributesRnnGenCannotMapAreErrors(string attribute, string message)
    {
        var model = Fixture("lstm_classifier");
        var lstm = Node(model, "LSTM");
        switch (attribute)
        {
            case "clip": lstm.Attribute.Add(new AttributeProto { Name = "clip", Type = AttributeProto.Types.AttributeType.Float, F = 3 }); break;
            case "input_forget": lstm.Attribute.Add(IntAttribute("input_forget", 1)); break;
            case "reverse": lstm.Attribute.Add(new AttributeProto { Name = "direction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("reverse") }); break;
            case "activations": lstm.Attribute.Add(Strings("activations", "HardSigmoid", "Tanh", "Tanh")); break;
            default: lstm.Attribute.Add(Strings("activations", "Sigmoid")); break;
        }
        var e = ImportFails(model);
        Assert.Contains("(LSTM of ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AnUnknownOperatorIsNamedWithItsInputs()
    {
        var model = Fixture("lstm_classifier");
        var gemm = Node(model, "Gemm");
        gemm.OpType = "Conv";
        var e = ImportFails(model);
        Assert.Contains("node '/fc/Gemm' (Conv of '/Gather_output_0' [batch=batch, features(layer 0 forward h at the last step)], 'fc.weight' constant [4, 16], 'fc.bias' constant [4]): this operator is not supported", e.Message);
    }

    [Fact]
    public void ANonzeroInitialStateIsAnError()
    {
        var model = Fixture("keras_lstm_tf2onnx");
        var zeros = Node(model, "ConstantOfShape");
        zeros.Attribute[0].T = new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 0.5f } };
        Assert.Contains("initial_h must be zeros or a graph input", ImportFails(model).Message);
    }

    [Fact]
    public void SoftmaxOverTimeIsAnError()
    {
        var model = Fixture("bigru_tagger");
        Node(model, "Softmax").Attribute[0].I = 0;
        Assert.Contains("softmax over axis 0", ImportFails(model).Message);
    }

    [Fact]
    public void AnActivationOnTheRecurrentOutputIsAnError()
    {
        var model = Fixture("rnn_tanh_time_major");
        var matmul = Node(model, "MatMul");
        model.Graph.Node.Insert(model.Graph.Node.IndexOf(matmul), new NodeProto { Name = "relu_before_head", OpType = "Relu", Input = { matmul.Input[0] }, Output = { "relu_out" } });
        matmul.Input[0] = "relu_out";
        var e = ImportFails(model);
        Assert.Contains("node 'relu_before_head' (Relu of", e.Message);
        Assert.Contains("activations in the dense head only", e.Message);
    }

    [Fact]
    public void AHeadOverCellStateIsAnError()
    {
        var model = Fixture("keras_lstm_tf2onnx");
        var lstm = Node(model, "LSTM");
        lstm.Output[2] = "Y_c";
        Node(model, "Squeeze").Input[0] = "Y_c";
        Assert.Contains("cell state c_n is not supported", ImportFails(model).Message);
    }

    [Fact]
    public void LogSoftmaxSaysWhatToExportInstead()
    {
        var model = Fixture("gru_h50");
        Node(model, "Softmax").OpType = "LogSoftmax";
        Assert.Contains("LogSoftmax is not one of RnnGen's head activations", ImportFails(model).Message);
    }

    [Fact]
    public void ExternalDataIsAnError()
    {
        var model = Fixture("lstm_classifier");
        var w = model.Graph.Initializer.First(t => t.Dims.Count == 3);
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        Assert.Contains("its data is in an external file", ImportFails(model).Message);
    }

    [Fact]
    public void TensorDataThatDoesNotFitItsDimsIsUnreadable()
    {
        var model = Fixture("lstm_classifier");
        var w = model.Graph.Initializer.First(t => t.Dims.Count == 3);
        w.RawData = ByteString.CopyFrom(w.RawData.Span[..^4]);
        var e = ImportFails(model, ImportFailure.Unreadable);
        Assert.Contains("raw_data has", e.Message);
    }

    /// <summary>
    /// Files are untrusted: corrupted variants of fixtures (bytes changed where the graph's nodes are, or cut short)
    /// import or fail with an <see cref="ImportException"/>, never with anything else.
    /// </summary>
    [Theory]
    [InlineData("bigru_tagger")]
    [InlineData("char_gru")]
    [InlineData("keras_lstm_tf2onnx")]
    public void CorruptedFilesFailWithImportExceptionsOnly(string name)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(Fixtures.Directory(name), "model.onnx"));
        int graphBytes = Math.Min(original.Length, 6000);
        var random = new Random(20261130);
        int failures = 0;
        for (int i = 0; i < 400; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int c = 1 + random.Next(3); c > 0; c--) bytes[random.Next(graphBytes)] = (byte)random.Next(256);
            if (i % 4 == 0) bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                OnnxImporter.Import(bytes, "fuzz.onnx");
            }
            catch (ImportException e)
            {
                Assert.StartsWith("fuzz.onnx: ", e.Message);
                failures++;
            }
        }
        Assert.InRange(failures, 100, 400);
    }

    [Fact]
    public void FilesThatAreNotOnnxAreUnreadable()
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Directory("lstm_classifier"), "model.onnx"));
        var truncated = Assert.Throws<ImportException>(() => OnnxImporter.Import(onnx[..(onnx.Length / 2)], "half.onnx"));
        Assert.Equal(ImportFailure.Unreadable, truncated.Failure);
        Assert.StartsWith("half.onnx: not an ONNX model", truncated.Message);

        byte[] safetensors = File.ReadAllBytes(Path.Combine(Fixtures.Directory("lstm_classifier"), "model.safetensors"));
        var wrongKind = Assert.Throws<ImportException>(() => OnnxImporter.Import(safetensors, "weights.onnx"));
        Assert.Equal(ImportFailure.Unreadable, wrongKind.Failure);
        Assert.Contains("safetensors", wrongKind.Message);

        var empty = Assert.Throws<ImportException>(() => OnnxImporter.Import([], "empty.onnx"));
        Assert.Contains("the file is empty", empty.Message);

        var missing = Assert.Throws<ImportException>(() => OnnxImporter.Import(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".onnx")));
        Assert.Contains("no such file", missing.Message);
    }
}
