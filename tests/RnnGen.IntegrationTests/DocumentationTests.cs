using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NativePlugin;
using RnnGen.Weights;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The dependency-free safetensors writer of docs/weights.md, run as the page shows it: its files have the layout the
/// format prescribes, RnnGen reads back exactly the values given, and a PyTorch model saved with it gives PyTorch's outputs.
/// </summary>
public sealed class DocumentationTests : IDisposable
{
    private readonly TempDirectory _root = new("rnngen-docs");

    public void Dispose() => _root.Dispose();

    private static string Writer => Documentation.TestedBlock("docs/weights.md", "save_safetensors");

    [PythonFact]
    public void TheWeightsPageWriterWritesTheExactValuesInTheSafetensorsLayout()
    {
        string path = _root.Combine("lists.safetensors");
        Python.Run(Writer + $$"""

            save_safetensors({"w": [[1.5, -2.0, 3.25], [0.1, 1e-8, -7.0]], "b": (0.5, -0.25)}, {{Python.Literal(path)}},
                             metadata={"classes": "sine,square", "layers": 1})
            """, _root.Path);

        byte[] bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0ul, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(header.TrimEnd(' ').Length, header.TrimEnd().Length);
        using (var json = JsonDocument.Parse(header))
            Assert.Equal("F32", json.RootElement.GetProperty("w").GetProperty("dtype").GetString());
        Assert.Equal(8 + (long)headerLength + 8 * 4, bytes.Length);

        var file = SafeTensorsFile.Read(path);
        Assert.Equal([2, 3], file["w"].Shape);
        Assert.Equal([1.5f, -2f, 3.25f, 0.1f, 1e-8f, -7f], file["w"].Data);
        Assert.Equal([2], file["b"].Shape);
        Assert.Equal([0.5f, -0.25f], file["b"].Data);
        Assert.Equal("sine,square", file.Metadata["classes"]);
        Assert.Equal("1", file.Metadata["layers"]);
    }

    [TorchFact]
    public void APyTorchModelSavedWithTheWeightsPageWriterGivesPyTorchsOutputs()
    {
        string weights = _root.Combine("waveform.safetensors"), expected = _root.Combine("expected.json");
        Python.Run(Writer + $$"""

            import torch
            torch.manual_seed(3)
            class Net(torch.nn.Module):                       # the module names RnnGen's tensor names expect
                def __init__(self):
                    super().__init__()
                    self.rnn = torch.nn.LSTM(1, 16)
                    self.head = torch.nn.Linear(16, 3)
            model = Net()
            save_safetensors(model.state_dict(), {{Python.Literal(weights)}})
            x = torch.randn({{WaveformModel.SequenceLength}}, 1, 1, dtype=torch.float64)
            with torch.no_grad():
                model.double()
                out, _ = model.rnn(x)
                p = torch.softmax(model.head(out[-1, 0]), -1)
            json.dump({"x": x.flatten().tolist(), "p": p.tolist()}, open({{Python.Literal(expected)}}, "w"))
            """, _root.Path);

        using var json = JsonDocument.Parse(File.ReadAllText(expected));
        float[] x = json.RootElement.GetProperty("x").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        double[] want = json.RootElement.GetProperty("p").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var model = new WaveformModel();
        model.LoadWeights(weights);
        var got = new float[WaveformModel.OutputSize];
        model.Forward(x, got);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"output {i}: got {got[i]}, PyTorch {want[i]}");
    }
}

/// <summary>The machine's Python 3: Debian's /usr/bin/python3 first (where python3-torch installs), else python3 on PATH.</summary>
internal static class Python
{
    public static readonly string? Executable = Find();

    public static readonly Lazy<bool> HasTorch = new(() => Executable is not null && Probe("import torch"));

    public static void Run(string script, string directory)
    {
        string file = Path.Combine(directory, "script.py");
        File.WriteAllText(file, script);
        ProcessRunner.Run(Executable!, [file], directory, TimeSpan.FromMinutes(2)).AssertSuccess("python3 " + file);
    }

    /// <summary>A Python string literal of <paramref name="text"/> (JSON's escaping is valid Python).</summary>
    public static string Literal(string text) => JsonSerializer.Serialize(text);

    private static string? Find()
    {
        if (File.Exists("/usr/bin/python3")) return "/usr/bin/python3";
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(directory, "python3"))) return Path.Combine(directory, "python3");
        return null;
    }

    private static bool Probe(string statement)
    {
        try
        {
            return ProcessRunner.Run(Executable!, ["-c", statement], Path.GetTempPath(), TimeSpan.FromMinutes(1)).ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>A test that needs python3; reported Skipped, with the reason, where there is none.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (Python.Executable is null) Skip = "no python3 on this machine (neither /usr/bin/python3 nor one on PATH)";
    }
}

/// <summary>A test that needs PyTorch as the oracle; reported Skipped, with the reason, where python3 has no torch.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (!Python.HasTorch.Value) Skip = $"{Python.Executable ?? "python3"} has no torch module: apt-get install python3-torch to run this test";
    }
}
