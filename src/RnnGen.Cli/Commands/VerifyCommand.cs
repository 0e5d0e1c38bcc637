using System.CommandLine;
using System.Globalization;
using RnnGen.Cli.Conformance;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen verify CASE_DIR... [--declaration FILE.cs] [--precision int8|bf16] [--batch N [--threads K]]</c>: runs oracle cases
/// (rnn-oracle-case/1), user cases (rnngen-user-case/1: model.onnx and/or model.safetensors beside case.json) and
/// low-precision cases (rnngen-quant-case/1) through models built by this generator and prints one line per case and
/// model (max abs error per array, PASS/FAIL) and a total. With <c>--precision</c> the models are compiled in that
/// precision and held to the bounds of <see cref="PrecisionCheck"/> (forward only). Exit code 0 if all pass, 1 if any
/// fails (a declaration the generator rejects fails its case), 2 for unusable input.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var directories = new Argument<string[]>("CASE_DIR")
        {
            Description = "Case directories (case.json with model.safetensors and/or model.onnx), or folders of such directories.",
            Arity = ArgumentArity.OneOrMore,
        };
        var forwardOnly = new Option<bool>("--forward-only") { Description = "Check outputs, states and loss but not gradients." };
        var declaration = new Option<string?>("--declaration") { Description = "For user cases: a .cs file declaring the model that loads model.safetensors (when the file records none)." };
        var precision = PrecisionOption.Create("Compile the models with their recurrent weights in this precision and check them against the low-precision bounds (forward only): float32, int8 or bf16.");
        var batch = new Option<int>("--batch")
        {
            Description = $"Also run each reference case through the model's Batch of N entities (the case in one row, the others random), 1 to {Batching.RecurrentBatch.MaxCapacity}.",
        };
        var threads = new Option<int>("--threads") { Description = "Threads the --batch runs use.", DefaultValueFactory = _ => 1 };
        batch.Validators.Add(r => { if (r.GetValue(batch) is < 0 or > Batching.RecurrentBatch.MaxCapacity) r.AddError($"--batch must be 1 to {Batching.RecurrentBatch.MaxCapacity}"); });
        threads.Validators.Add(r => { if (r.GetValue(threads) is < 1 or > Batching.BatchThreads.MaxThreads) r.AddError($"--threads must be 1 to {Batching.BatchThreads.MaxThreads}"); });
        var command = new Command("verify", "Check models built by this generator against PyTorch-computed reference cases, users' own cases and low-precision cases.")
        {
            directories,
            forwardOnly,
            declaration,
            precision,
            batch,
            threads,
        };
        command.SetAction(parse => Run(parse.GetValue(directories)!, !parse.GetValue(forwardOnly), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error,
            parse.GetValue(declaration), PrecisionOption.Read(parse, precision), parse.GetValue(batch), parse.GetValue(threads)));
        return command;
    }

    public static int Run(IReadOnlyList<string> directories, bool gradients, TextWriter output, TextWriter error, string? declarationPath = null,
        WeightPrecision precision = WeightPrecision.Float32, int batchEntities = 0, int batchThreads = 1)
        => CommandRunner.Run("verify", error, () => Verify(directories, gradients, output, error, declarationPath, precision, batchEntities, batchThreads));

    private static int Verify(IReadOnlyList<string> directories, bool gradients, TextWriter output, TextWriter error, string? declarationPath,
        WeightPrecision precision, int batchEntities, int batchThreads)
    {
        var results = new List<CaseResult>();
        var notes = new List<string>();
        var expanded = ExpandCaseDirectories(directories).ToList();
        var user = expanded.Where(UserCase.IsUserCase).ToList();
        if (batchEntities > 0 && precision != WeightPrecision.Float32)
            throw new CommandException(ExitCodes.UnusableInput,
                $"--batch and --precision {DeclarationPrecision.Name(precision)} do not combine: a low-precision model has no Batch (docs/quantization.md); verify the float32 model's batch without --precision");
        var quant = expanded.Where(QuantCase.IsQuantCase).ToList();
        var cases = expanded.Except(user).Except(quant).Select(ReferenceCase.Load).ToList();
        if (cases.Count > 0) results.AddRange(CaseRunner.Run(cases, gradients, precision, batchEntities, batchThreads));
        if (user.Count > 0) results.AddRange(UserCaseRunner.Run(user.Select(UserCase.Load).ToList(), declarationPath, notes, precision, error));
        if (quant.Count > 0) results.AddRange(PrecisionCheck.Run(quant.Select(QuantCase.Load).ToList(), precision));
        if (precision != WeightPrecision.Float32)
        {
            if (gradients && cases.Count > 0) notes.Add($"gradients not checked: a model in {DeclarationPrecision.Name(precision)} is inference-only");
            notes.Add(PrecisionCheck.Explanation);
        }
        foreach (var result in results)
            output.WriteLine(FormatLine(result));
        foreach (string note in notes)
            output.WriteLine("note: " + note);
        int passed = results.Count(r => r.Pass);
        output.WriteLine($"{passed} passed, {results.Count - passed} failed");
        return passed == results.Count ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    internal static string FormatLine(CaseResult result)
    {
        string verdict = result.Pass ? "PASS" : "FAIL";
        if (result.Error is not null) return $"{verdict}  {result.Name}  error: {result.Error}";
        var arrays = result.Arrays.Select(a => $"{a.Name} {a.MaxAbsError.ToString("0.0e+00", CultureInfo.InvariantCulture)}{(a.Bound is null ? "" : " " + a.Bound)}{(a.Pass ? "" : " (!)")}");
        return $"{verdict}  {result.Name}  {string.Join("  ", arrays)}";
    }

    /// <summary>A directory with case.json is a case; otherwise its subdirectories that have one are, in name order.</summary>
    private static IEnumerable<string> ExpandCaseDirectories(IReadOnlyList<string> directories)
    {
        foreach (string directory in directories)
        {
            CommandRunner.InputDirectory(directory, "a case directory");
            if (File.Exists(Path.Combine(directory, "case.json")))
            {
                yield return directory;
                continue;
            }
            var children = Directory.GetDirectories(directory).Where(d => File.Exists(Path.Combine(d, "case.json"))).Order(StringComparer.Ordinal).ToList();
            if (children.Count == 0) throw new CaseFormatException($"{directory}: no case.json in it or in its subdirectories");
            foreach (string child in children) yield return child;
        }
    }
}
