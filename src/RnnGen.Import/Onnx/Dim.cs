using System.Globalization;

namespace RnnGen.Import.Onnx;

/// <summary>
/// A dimension or shape value of the graph's glue as a monomial <c>c · B^b · T^t</c> over the batch size B and the
/// sequence length T. Exporters build initial states and reshapes from <c>Shape(x)</c>; products and exact quotients of
/// such values stay monomials, which is all that glue computes.
/// </summary>
internal readonly record struct Dim(long Coefficient, int BatchPower, int TimePower)
{
    public static readonly Dim Batch = new(1, 1, 0);
    public static readonly Dim Time = new(1, 0, 1);

    public static Dim Of(long value) => new(value, 0, 0);

    public bool IsConstant => BatchPower == 0 && TimePower == 0;

    public bool Is(long value) => IsConstant && Coefficient == value;

    public Dim Times(Dim other) => new(checked(Coefficient * other.Coefficient), BatchPower + other.BatchPower, TimePower + other.TimePower);

    /// <summary>The exact quotient, if there is one that is again a monomial.</summary>
    public bool TryDivide(Dim divisor, out Dim quotient)
    {
        quotient = default;
        if (divisor.Coefficient == 0 || Coefficient % divisor.Coefficient != 0) return false;
        if (BatchPower < divisor.BatchPower || TimePower < divisor.TimePower) return false;
        quotient = new(Coefficient / divisor.Coefficient, BatchPower - divisor.BatchPower, TimePower - divisor.TimePower);
        return true;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Coefficient != 1 || IsConstant) parts.Add(Coefficient.ToString(CultureInfo.InvariantCulture));
        if (BatchPower > 0) parts.Add(BatchPower == 1 ? "batch" : $"batch^{BatchPower}");
        if (TimePower > 0) parts.Add(TimePower == 1 ? "T" : $"T^{TimePower}");
        return string.Join("·", parts);
    }

    public static string Format(IEnumerable<Dim> shape) => "[" + string.Join(", ", shape) + "]";
}
