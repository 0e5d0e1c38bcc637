namespace RnnGen.Weights;

/// <summary>
/// A weight file is malformed, or does not fit the model it is loaded into. The message names the file and,
/// where one is involved, the tensor, with the expected and the actual value.
/// </summary>
public sealed class WeightFormatException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public WeightFormatException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WeightFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public WeightFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal WeightFormatException(string message, string fileName, string? tensorName, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
        TensorName = tensorName;
    }

    /// <summary>"file: problem", or "file: tensor 'name': problem".</summary>
    internal static WeightFormatException For(string fileName, string? tensorName, string problem, Exception? innerException = null) =>
        new(tensorName is null ? $"{fileName}: {problem}" : $"{fileName}: tensor '{tensorName}': {problem}", fileName, tensorName, innerException);

    /// <summary>The file (or stream) the problem was found in, when known.</summary>
    public string? FileName { get; }

    /// <summary>The name of the tensor at fault, as the file spells it, when one tensor is.</summary>
    public string? TensorName { get; }
}
