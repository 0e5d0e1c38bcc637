using RnnGen.Cli.Commands;

namespace RnnGen.Generator.Tests;

/// <summary>The <c>rnngen verify</c> command's output format and exit codes, on real and deliberately broken cases.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "rnngen-verify-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    private static (int Exit, string Output, string Error) Verify(params string[] directories)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = VerifyCommand.Run(directories, gradients: true, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string CopyCase(string name)
    {
        string target = Path.Combine(_scratch, Guid.NewGuid().ToString("N"), Path.GetFileName(name));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(ConformanceFixture.CaseDirectory(name)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    [Fact]
    public void PassingCasesPrintOneLineEachAndATotal()
    {
        var (exit, output, _) = Verify(ConformanceFixture.CaseDirectory("shared/gru_small_L1_uni_bias"), ConformanceFixture.CaseDirectory("shared/char_rnn_hello"));
        Assert.Equal(0, exit);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("PASS  gru_small_L1_uni_bias  y ", lines[0]);
        Assert.Contains("grads.params.weight_hh_l0 ", lines[0]);
        Assert.StartsWith("PASS  char_rnn_hello  ", lines[1]);
        Assert.Contains(" logits ", lines[1]);
        Assert.Equal("2 passed, 0 failed", lines[2]);
    }

    [Fact]
    public void AWrongExpectationFailsWithExitCode1()
    {
        string directory = CopyCase("shared/rnn_tanh_small_L1_uni_bias");
        string json = Path.Combine(directory, "case.json");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!;
        doc["expected"]!["hT"]![0]![0] = doc["expected"]!["hT"]![0]![0]!.GetValue<double>() + 1e-3;
        File.WriteAllText(json, doc.ToJsonString());

        var (exit, output, _) = Verify(directory);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL  rnn_tanh_small_L1_uni_bias", output);
        Assert.Contains("hT 1.0e-03 (!)", output);
        Assert.EndsWith("0 passed, 1 failed", output.Trim());
    }

    [Fact]
    public void UnusableInputExitsWith2AndSaysWhy()
    {
        var (exit, _, error) = Verify(Path.Combine(Path.GetTempPath(), "no-such-case-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(2, exit);
        Assert.Contains("no such directory", error);

        string truncated = CopyCase("shared/lstm_small_L1_uni_bias");
        string weights = Path.Combine(truncated, "model.safetensors");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);
        (exit, _, error) = Verify(truncated);
        Assert.Equal(2, exit);
        Assert.Contains("model.safetensors", error);

        string badJson = CopyCase("shared/gru_small_L1_uni_bias");
        File.WriteAllText(Path.Combine(badJson, "case.json"), "{ not json");
        (exit, _, error) = Verify(badJson);
        Assert.Equal(2, exit);
        Assert.Contains("case.json", error);
    }
}
