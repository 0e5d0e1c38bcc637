using System.Globalization;
using RnnGen.Weights;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// Checks of models in a low precision (<c>rnngen verify --precision int8|bf16</c>). A model passes an array when its
/// largest error against the float32 expectation is at most 1.5 × a reference's error, plus 1e-6. The reference is
/// PyTorch's own where the case has it: <c>quantize_dynamic</c>'s output for int8, the module with bfloat16-rounded
/// weights for bf16 (<see cref="QuantCase"/>). For other cases it is the float32 model of the same declaration running
/// the low-precision model's rounded weights, so the bound measures what rounding the weights costs on that case and
/// the check measures the low-precision kernels against it.
/// </summary>
public static class PrecisionCheck
{
    /// <summary>How much more than the reference's error a model may have.</summary>
    public const double Slack = 1.5, Floor = 1e-6;

    /// <summary>Compiles each quant case's model in <paramref name="precision"/> and runs it; Float32 checks at the float tolerance.</summary>
    public static IReadOnlyList<CaseResult> Run(IReadOnlyList<QuantCase> cases, WeightPrecision precision)
    {
        var sources = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var metadata = SafeTensorsFile.Read(cases[i].WeightsPath).Metadata;
            sources.Add("namespace RnnGen.Verify;\n" + ModelSource.Declare(metadata, cases[i].Steps, TypeName(i), precision));
        }
        var models = ModelCompiler.Compile(sources);
        var results = new List<CaseResult>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            string name = $"{c.Name} ({DeclarationPrecision.Name(precision)})";
            try
            {
                var model = models.Create("RnnGen.Verify." + TypeName(i));
                model.LoadWeights(c.WeightsPath);
                float[] y = Outputs(model, c.X);
                results.Add(new CaseResult(name, [precision == WeightPrecision.Float32
                    ? CaseRunner.Compare("y", y, c.Expected)
                    : Bounded("y", y, c.Expected, c.Bound(precision))]));
            }
            catch (Exception e) when (e is WeightFormatException or ArgumentException or InvalidOperationException or IOException)
            {
                results.Add(new CaseResult(name, [], e.Message));
            }
        }
        return results;
    }

    /// <summary>
    /// Compares <paramref name="got"/> (a low-precision model's array) with <paramref name="want"/>, passing when its
    /// largest error is at most <see cref="Slack"/> × <paramref name="reference"/>'s + <see cref="Floor"/>.
    /// </summary>
    public static ArrayComparison AgainstReference(string name, IReadOnlyList<float> got, IReadOnlyList<float> reference, IReadOnlyList<double> want)
    {
        if (reference.Count != want.Count)
            return new ArrayComparison($"{name} (length {reference.Count}, expected {want.Count})", double.PositiveInfinity, false);
        return Bounded(name, got, want, Slack * MaxError(reference, want) + Floor);
    }

    /// <summary>The float32 twin of a low-precision model running the weights the low-precision model runs (the reference).</summary>
    public static void LoadRoundedWeights(IRecurrentModel twin, IQuantizedModel model) => twin.LoadWeights(model.ToSafeTensorsFile());

    /// <summary>What the bounds printed beside low-precision results are, for the end of verify's output.</summary>
    public const string Explanation =
        "low-precision bounds are 1.5 × a reference's largest error + 1e-6; the reference is PyTorch's quantize_dynamic (int8) or the module with "
        + "bf16-rounded weights (bf16) in rnngen-quant-case/1 cases, and the float32 model running the same rounded weights in other cases";

    private static ArrayComparison Bounded(string name, IReadOnlyList<float> got, IReadOnlyList<double> want, double bound)
    {
        if (got.Count != want.Count)
            return new ArrayComparison($"{name} (length {got.Count}, expected {want.Count})", double.PositiveInfinity, false);
        double error = MaxError(got, want);
        return new ArrayComparison(name, error, error <= bound, $"≤ {bound.ToString("0.0e+00", CultureInfo.InvariantCulture)}");
    }

    private static double MaxError(IReadOnlyList<float> got, IReadOnlyList<double> want)
    {
        double max = 0;
        for (int i = 0; i < got.Count; i++)
        {
            double error = Math.Abs(got[i] - want[i]);
            if (!(error <= max)) max = error;
        }
        return max;
    }

    private static float[] Outputs(IRecurrentModel model, float[] x)
    {
        int steps = x.Length / model.InputSize;
        if (steps > model.SequenceLength)
            throw new InvalidOperationException($"x has {steps} steps but the model's SequenceLength is {model.SequenceLength}");
        model.ResetState();
        var outputs = new float[(model.OutputsEveryStep ? steps : 1) * model.OutputSize];
        ((ISequenceModel)model).Forward(x, outputs);
        return outputs;
    }

    private static string TypeName(int i) => "QuantCase" + i.ToString(CultureInfo.InvariantCulture);
}
