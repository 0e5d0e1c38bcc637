using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnGen.Import.Tests.Oracles;

/// <summary>ONNX Runtime (the C# package) running a model file on one sequence, batch 1, in the file's own input layout.</summary>
internal static class OnnxRuntimeOracle
{
    /// <summary>The first output, flattened, for <paramref name="x"/> ([T][I] features) or <paramref name="tokens"/>; other inputs (initial states) get zeros.</summary>
    public static float[] Run(string path, UserCase c)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(path, options);
        var inputs = new List<NamedOnnxValue>();
        bool first = true;
        foreach (var (name, meta) in session.InputMetadata)
        {
            if (first)
            {
                first = false;
                int steps = c.Steps, features = c.Features;
                int[] dims = c.BatchFirst ? [1, steps] : [steps, 1];
                if (c.Tokens is { } tokens)
                {
                    inputs.Add(meta.ElementType == typeof(int)
                        ? NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(tokens, dims))
                        : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(tokens.Select(t => (long)t).ToArray(), dims)));
                }
                else
                {
                    var data = c.X!.SelectMany(r => r).Select(v => (float)v).ToArray();
                    inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, [.. dims, features])));
                }
                continue;
            }
            int[] shape = meta.Dimensions.Select(d => d <= 0 ? 1 : d).ToArray();
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(new float[shape.Aggregate(1, (a, d) => a * d)], shape)));
        }
        using var results = session.Run(inputs);
        return results.First().AsEnumerable<float>().ToArray();
    }
}
