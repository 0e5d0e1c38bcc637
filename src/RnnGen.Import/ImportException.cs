namespace RnnGen.Import;

/// <summary>Why an import failed: the file could not be read as ONNX, or it was read but holds a model RnnGen does not build.</summary>
public enum ImportFailure
{
    /// <summary>Missing, unreadable, too large, truncated or not an ONNX protobuf.</summary>
    Unreadable,
    /// <summary>A valid ONNX file whose graph or attributes RnnGen cannot map (an unknown op, peepholes, a layout mismatch…).</summary>
    Unsupported,
}

/// <summary>An import failed; the message names the file and, for graphs, the node, its op type and its inputs.</summary>
public sealed class ImportException(ImportFailure failure, string message) : Exception(message)
{
    public ImportFailure Failure { get; } = failure;
}
