using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnGen.Weights;

/// <summary>
/// The quantization rules of low-precision models, in one place: which tensors are quantized, how (int8: symmetric, one
/// scale per row, scale = max|row| / 127, q = round(w / scale) to nearest even; bfloat16: round to nearest even), and
/// the conversions between a model's storages (<see cref="IQuantizedModel"/>) and row-major safetensors tensors
/// (<c>I8</c> with an <c>F32</c> tensor <c>{name}_scale</c> of one scale per row, or <c>BF16</c>).
/// </summary>
public static partial class WeightQuantization
{
    /// <summary>The suffix of the per-row scales tensor that goes with an <c>I8</c> tensor: <c>weight_ih_l0_scale</c>.</summary>
    public const string ScaleSuffix = TensorNameMatching.ScaleSuffix;

    /// <summary>The largest magnitude of a quantized int8 weight (the range is symmetric, −127 … 127).</summary>
    public const int Int8Max = 127;

    /// <summary>Whether a low-precision model stores the tensor quantized: the recurrent weight matrices <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>weight_hr_l{k}</c> (any direction, any prefix).</summary>
    public static bool IsQuantized(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RecurrentWeight().IsMatch(name);
    }

    /// <summary>The scale of an int8 row: max |w| / 127 (0 for a row of zeros).</summary>
    public static float Int8Scale(ReadOnlySpan<float> row)
    {
        float max = 0f;
        foreach (float w in row) max = MathF.Max(max, MathF.Abs(w));
        return max / Int8Max;
    }

    /// <summary>round(w / scale) to nearest even, within ±127; 0 when the scale is 0.</summary>
    public static sbyte QuantizeInt8(float w, float scale) =>
        scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(w / scale), -Int8Max, Int8Max);

    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even), as its 16 bits; NaN stays NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>The float32 value of a bfloat16 (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>
    /// Rebuilds every quantized copy of <paramref name="model"/> from its float32 parameters (what the generated
    /// <c>QuantizeWeights</c> calls). Every value is checked first, so a non-finite weight changes nothing. Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A weight is NaN or infinite.</exception>
    public static void Quantize(IQuantizedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ReadOnlySpan<float> parameters = model.Parameters;
        IReadOnlyList<QuantizedTensor> tensors = model.QuantizedTensors;
        for (int k = 0; k < tensors.Count; k++)
        {
            QuantizedTensor t = tensors[k];
            ReadOnlySpan<float> values = parameters.Slice(t.ParameterOffset, t.Rows * t.Columns);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new InvalidOperationException(
                        $"Cannot quantize {t.Name}: the value at [{i / t.Columns}, {i % t.Columns}] is {values[i].ToString(CultureInfo.InvariantCulture)}; the parameters must be finite.");
            }
        }
        for (int k = 0; k < tensors.Count; k++)
        {
            QuantizedTensor t = tensors[k];
            for (int r = 0; r < t.Rows; r++)
            {
                ReadOnlySpan<float> row = parameters.Slice(t.ParameterOffset + r * t.Columns, t.Columns);
                if (model.Precision == WeightPrecision.Int8)
                {
                    float scale = Int8Scale(row);
                    model.Int8Scales[t.ScaleOffset + r] = scale;
                    for (int c = 0; c < row.Length; c++)
                        SetInt8(model, t, r, c, QuantizeInt8(row[c], scale), scale);
                }
                else
                {
                    for (int c = 0; c < row.Length; c++)
                        SetBFloat16(model, t, r, c, ToBFloat16(row[c]));
                }
            }
        }
    }

    /// <summary>
    /// The model's quantized copy of <paramref name="tensor"/> as safetensors tensors named <paramref name="name"/>: an
    /// <c>I8</c> tensor and its <c>F32</c> <c>{name}_scale</c>, or one <c>BF16</c> tensor.
    /// </summary>
    public static SafeTensor[] Export(IQuantizedModel model, QuantizedTensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensor);
        int[] shape = [tensor.Rows, tensor.Columns];
        var values = new float[tensor.Rows * tensor.Columns];
        if (model.Precision == WeightPrecision.Int8)
        {
            var scales = model.Int8Scales.Slice(tensor.ScaleOffset, tensor.Rows).ToArray();
            for (int r = 0; r < tensor.Rows; r++)
                for (int c = 0; c < tensor.Columns; c++)
                    values[r * tensor.Columns + c] = GetInt8(model, tensor, r, c, scales[r]);
            return [new SafeTensor(name, shape, values, SafeTensor.Int8), new SafeTensor(name + ScaleSuffix, [tensor.Rows], scales)];
        }
        for (int r = 0; r < tensor.Rows; r++)
            for (int c = 0; c < tensor.Columns; c++)
                values[r * tensor.Columns + c] = FromBFloat16(GetBFloat16(model, tensor, r, c));
        return [new SafeTensor(name, shape, values, SafeTensor.BFloat16)];
    }

    /// <summary>
    /// Sets the model's quantized copy of <paramref name="tensor"/> to exactly <paramref name="values"/> (an <c>I8</c> tensor,
    /// with <paramref name="scales"/>, for an Int8 model; a <c>BF16</c> tensor for a BFloat16 model), so that a file written
    /// by <see cref="Export"/> loads back bit for bit. The caller has checked the shapes and the master.
    /// </summary>
    public static void Import(IQuantizedModel model, QuantizedTensor tensor, SafeTensor values, SafeTensor? scales)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(values);
        float[] data = values.Data;
        if (model.Precision == WeightPrecision.Int8)
        {
            float[] s = (scales ?? throw new ArgumentNullException(nameof(scales))).Data;
            for (int r = 0; r < tensor.Rows; r++)
            {
                model.Int8Scales[tensor.ScaleOffset + r] = s[r];
                for (int c = 0; c < tensor.Columns; c++)
                    SetInt8(model, tensor, r, c, (sbyte)data[r * tensor.Columns + c], s[r]);
            }
            return;
        }
        for (int r = 0; r < tensor.Rows; r++)
            for (int c = 0; c < tensor.Columns; c++)
                SetBFloat16(model, tensor, r, c, ToBFloat16(data[r * tensor.Columns + c]));
    }

    /// <summary>
    /// <paramref name="values"/> (row-major, <paramref name="shape"/>[0] rows) quantized as a model of
    /// <paramref name="precision"/> would store it, as the safetensors tensors <see cref="Export"/> writes; a Float32
    /// precision returns the values unchanged.
    /// </summary>
    public static SafeTensor[] Quantize(string name, int[] shape, ReadOnlySpan<float> values, WeightPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var data = new float[values.Length];
        switch (precision)
        {
            case WeightPrecision.Int8:
            {
                int rows = shape.Length == 0 ? 1 : shape[0], columns = rows == 0 ? 0 : values.Length / rows;
                var scales = new float[rows];
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<float> row = values.Slice(r * columns, columns);
                    scales[r] = Int8Scale(row);
                    for (int c = 0; c < columns; c++) data[r * columns + c] = QuantizeInt8(row[c], scales[r]);
                }
                return [new SafeTensor(name, shape, data, SafeTensor.Int8), new SafeTensor(name + ScaleSuffix, [rows], scales)];
            }
            case WeightPrecision.BFloat16:
                for (int i = 0; i < data.Length; i++) data[i] = FromBFloat16(ToBFloat16(values[i]));
                return [new SafeTensor(name, shape, data, SafeTensor.BFloat16)];
            default:
                values.CopyTo(data);
                return [new SafeTensor(name, shape, data)];
        }
    }

    /// <summary>
    /// <paramref name="file"/> with every recurrent weight matrix (<see cref="IsQuantized"/>) quantized as a model of
    /// <paramref name="precision"/> quantizes it at load, by <see cref="Quantize(string, int[], ReadOnlySpan{float}, WeightPrecision)"/>:
    /// what <c>rnngen quantize</c> writes and what the build embeds for build-time weights of that precision. Every other
    /// tensor, the names and the metadata are kept; a matrix already in <paramref name="precision"/> (an <c>I8</c> one with
    /// its scales, or <c>BF16</c>) is kept as it is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="precision"/> is not Int8 or BFloat16.</exception>
    /// <exception cref="WeightFormatException">A recurrent matrix is in the other low precision (quantizing it again would round twice), or holds a value that is not finite.</exception>
    public static SafeTensorsFile Quantize(SafeTensorsFile file, WeightPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(file);
        string target = precision switch
        {
            WeightPrecision.Int8 => SafeTensor.Int8,
            WeightPrecision.BFloat16 => SafeTensor.BFloat16,
            _ => throw new ArgumentException($"{precision} is not a quantized precision: Int8 or BFloat16", nameof(precision)),
        };
        string fileName = file.FileName ?? SafeTensorsFile.UnnamedSource;
        var tensors = new List<SafeTensor>(file.Tensors.Count);
        foreach (SafeTensor t in file.Tensors)
        {
            if (!IsQuantized(t.Name) || t.DType == target)
            {
                tensors.Add(t);
                continue;
            }
            if (t.DType != SafeTensor.Float32)
                throw WeightFormatException.For(fileName, t.Name,
                    $"is {t.DType} already, so it cannot be quantized to {target} without rounding twice: start from the float32 file");
            float[] data = t.Data;
            for (int i = 0; i < data.Length; i++)
            {
                if (!float.IsFinite(data[i]))
                    throw WeightFormatException.For(fileName, t.Name,
                        $"value {data[i].ToString(CultureInfo.InvariantCulture)} at index {i} is not finite: the weights are corrupt, or training diverged");
            }
            tensors.AddRange(Quantize(t.Name, t.Shape, data, precision));
        }
        return new SafeTensorsFile(tensors, file.Metadata);
    }

    private static void SetInt8(IQuantizedModel model, QuantizedTensor t, int r, int c, sbyte q, float scale)
    {
        if (t.Layout == QuantizedLayout.Float32Rows)
            model.RoundedWeights[t.StorageOffset + r * t.Columns + c] = q * scale;
        else
            model.Int8Weights[t.StorageOffset + ((t.First + c / 2) * t.Stride + r) * 2 + (c & 1)] = q;
    }

    private static float GetInt8(IQuantizedModel model, QuantizedTensor t, int r, int c, float scale) =>
        t.Layout == QuantizedLayout.Float32Rows
            ? QuantizeInt8(model.RoundedWeights[t.StorageOffset + r * t.Columns + c], scale)
            : model.Int8Weights[t.StorageOffset + ((t.First + c / 2) * t.Stride + r) * 2 + (c & 1)];

    private static void SetBFloat16(IQuantizedModel model, QuantizedTensor t, int r, int c, ushort bits)
    {
        if (t.Layout == QuantizedLayout.Float32Rows)
            model.RoundedWeights[t.StorageOffset + r * t.Columns + c] = FromBFloat16(bits);
        else
            model.BFloat16Weights[BFloat16Index(t, r, c)] = bits;
    }

    private static ushort GetBFloat16(IQuantizedModel model, QuantizedTensor t, int r, int c) =>
        t.Layout == QuantizedLayout.Float32Rows
            ? ToBFloat16(model.RoundedWeights[t.StorageOffset + r * t.Columns + c])
            : model.BFloat16Weights[BFloat16Index(t, r, c)];

    private static int BFloat16Index(QuantizedTensor t, int r, int c) =>
        t.StorageOffset + (r * t.Stride + t.First + 4 * (c / 8) + (c & 3)) * 2 + ((c & 7) >> 2);

    [GeneratedRegex(@"(^|\.)weight_(ih|hh|hr)_l[0-9]+(_reverse)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RecurrentWeight();
}
