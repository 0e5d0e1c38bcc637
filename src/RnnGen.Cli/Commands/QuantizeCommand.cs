using System.CommandLine;
using System.Globalization;
using RnnGen.Cli.Conformance;
using RnnGen.Cli.Inspection;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen quantize IN.safetensors -o OUT.safetensors --precision int8|bf16</c>: writes the file with every recurrent
/// weight matrix (<c>weight_ih</c>, <c>weight_hh</c>, <c>weight_hr</c>) quantized exactly as a model of that precision
/// quantizes it at load (<see cref="WeightQuantization"/>: int8 as <c>I8</c> plus an <c>F32</c> <c>{name}_scale</c>,
/// bfloat16 as <c>BF16</c>); every other tensor, the names and the metadata are kept. It then compiles the model
/// <c>inspect</c> infers in float32 and in that precision, loads IN into the first and OUT into the second, runs both on a
/// seeded sample input and reports the largest output difference, with the file and weight sizes. Exit code 0, 2
/// (unusable input or output) or 3 (no RnnGen model fits the tensors).
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A safetensors file of float32 weights, as for inspect." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the quantized safetensors file.", Required = true };
        var precision = PrecisionOption.Create("The precision of the recurrent weights: int8 (per-row scales) or bf16.", required: true);
        var steps = new Option<int?>("--steps") { Description = "Steps of the sample input the output error is measured on (default: the window T)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the sample input, uniform in [-1, 1].", DefaultValueFactory = _ => 1 };
        steps.Validators.Add(r => { if (r.GetValue(steps) is int s && s <= 0) r.AddError("--steps must be positive"); });
        var options = new ModelOptions();
        var command = new Command("quantize", "Write a weights file with its recurrent weights in int8 or bfloat16, and report the output error that costs.")
        {
            input, output, precision, steps, seed,
        };
        options.AddTo(command);
        command.SetAction(parse => CommandRunner.Run("quantize", parse.InvocationConfiguration.Error, () => Run(
            parse.GetValue(input)!, parse.GetValue(output)!, PrecisionOption.Read(parse, precision), options.Read(parse, parse.GetValue(input)!),
            parse.GetValue(steps), parse.GetValue(seed), parse.InvocationConfiguration.Output)));
        return command;
    }

    public static int Run(string inputPath, string outputPath, WeightPrecision precision, InferenceOptions options, int? steps, int seed, TextWriter output)
    {
        if (precision == WeightPrecision.Float32)
            throw new CommandException(ExitCodes.UnusableInput, "--precision must be int8 or bf16: float32 is what the file holds already");
        var inferred = ArchitectureInference.Infer(WeightsFileReader.ReadHeader(inputPath), options);
        if (inferred.Model is null || inferred.Declaration("RnnGen.Quantize") is not { } declaration)
            throw new CommandException(ExitCodes.Unsupported, $"{inputPath}: no RnnGen model fits these tensors; run 'rnngen inspect {inputPath}' for details");

        var file = SafeTensorsFile.Read(inputPath);
        if (file.Tensors.FirstOrDefault(t => t.DType != SafeTensor.Float32) is { } quantized)
            throw new CommandException(ExitCodes.UnusableInput, $"{inputPath}: tensor '{quantized.Name}' is {quantized.DType} already; quantize a float32 file");
        SafeTensorsFile result;
        try
        {
            result = WeightQuantization.Quantize(file, precision);
        }
        catch (WeightFormatException e)
        {
            throw new CommandException(ExitCodes.UnusableInput, e.Message);
        }
        byte[] bytes = result.ToBytes();

        // The error report: the float32 model on the input file against the low-precision model on the bytes just made.
        IRecurrentModel reference, model;
        try
        {
            reference = Single(ModelCompiler.Compile([declaration]));
            model = Single(ModelCompiler.Compile([DeclarationPrecision.Apply(declaration, precision)]));
        }
        catch (ModelCompilationException e)
        {
            throw new CommandException(ExitCodes.Unsupported, e.Message);
        }
        reference.LoadWeights(file);
        model.LoadWeights(SafeTensorsFile.Parse(bytes, outputPath));
        int count = Math.Min(steps ?? model.SequenceLength, model.SequenceLength);
        var (error, largest) = OutputError(reference, model, count, seed);

        result.Write(outputPath);
        long inputBytes = new FileInfo(inputPath).Length;
        output.WriteLine($"Wrote {outputPath}: {bytes.Length:N0} bytes, {(double)bytes.Length / inputBytes:0.000}× of {inputPath}'s {inputBytes:N0}.");
        output.WriteLine(BenchCommand.WeightBytes(model));
        output.WriteLine($"Output error on a sample input ({count} steps of x ~ U(-1, 1), seed {seed}, from a zero state): "
            + $"max |y_{DeclarationPrecision.Name(precision)} - y_float32| = {error.ToString("0.0e+00", CultureInfo.InvariantCulture)} "
            + $"(largest |y_float32| {largest.ToString("0.###", CultureInfo.InvariantCulture)}).");
        return ExitCodes.Success;
    }

    private static IRecurrentModel Single(CompiledModels models) => models.Create(models.ModelTypeNames.Single());

    /// <summary>The largest |y_model − y_reference| over every output of a Forward on a seeded input, and the largest |y_reference|.</summary>
    private static (double Error, double Largest) OutputError(IRecurrentModel reference, IRecurrentModel model, int steps, int seed)
    {
        var random = new Random(seed);
        var tokens = new int[steps];
        var x = new float[steps * model.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(Math.Max(1, model.VocabularySize));
        float[] Run(IRecurrentModel m)
        {
            m.ResetState();
            var y = new float[(m.OutputsEveryStep ? steps : 1) * m.OutputSize];
            if (m is ITokenSequenceModel t) t.Forward(tokens, y);
            else ((ISequenceModel)m).Forward(x, y);
            return y;
        }
        float[] want = Run(reference), got = Run(model);
        double error = 0, largest = 0;
        for (int i = 0; i < want.Length; i++)
        {
            error = Math.Max(error, Math.Abs(got[i] - want[i]));
            largest = Math.Max(largest, Math.Abs(want[i]));
        }
        return (error, largest);
    }
}
