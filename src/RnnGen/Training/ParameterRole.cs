namespace RnnGen.Training;

/// <summary>
/// A tensor's kind and group: the recurrent layer and direction it belongs to (<c>rnn.l1_reverse</c>), or the linear
/// module (<c>head.</c>), so that tensors of the same layer can be found together.
/// </summary>
internal readonly record struct ParameterRole(ParameterKind Kind, string Group)
{
    private static readonly (string Prefix, ParameterKind Kind)[] RecurrentNames =
    [
        ("weight_ih_", ParameterKind.InputWeight),
        ("weight_hh_", ParameterKind.RecurrentWeight),
        ("bias_ih_", ParameterKind.InputBias),
        ("bias_hh_", ParameterKind.RecurrentBias),
        ("weight_hr_", ParameterKind.ProjectionWeight),
    ];

    /// <summary>
    /// <c>[module.]weight_ih_l{k}[_reverse]</c> and its siblings are recurrent; <c>[…]embedding.weight</c> is an
    /// embedding; any other <c>module.weight</c>/<c>module.bias</c> is a linear layer.
    /// </summary>
    /// <exception cref="ArgumentException">The name fits none of these.</exception>
    public static ParameterRole Of(ParameterTensor tensor)
    {
        string name = tensor.Name;
        int dot = name.LastIndexOf('.');
        string module = name[..(dot + 1)];
        string local = name[(dot + 1)..];

        foreach ((string prefix, ParameterKind kind) in RecurrentNames)
        {
            if (local.StartsWith(prefix, StringComparison.Ordinal) && IsLayerSuffix(local.AsSpan(prefix.Length)))
                return Checked(tensor, new ParameterRole(kind, module + local[prefix.Length..]));
        }

        if (local == "weight" && (module == "embedding." || module.EndsWith(".embedding.", StringComparison.Ordinal)))
            return Checked(tensor, new ParameterRole(ParameterKind.Embedding, module));
        if (local == "weight" && dot > 0)
            return Checked(tensor, new ParameterRole(ParameterKind.LinearWeight, module));
        if (local == "bias" && dot > 0)
            return Checked(tensor, new ParameterRole(ParameterKind.LinearBias, module));

        throw new ArgumentException(
            $"Cannot tell how to initialise '{name}': expected a PyTorch recurrent name (weight_ih_l0, weight_hh_l0, bias_ih_l0, " +
            "bias_hh_l0, weight_hr_l0, optionally with _reverse and a module prefix), 'embedding.weight', or a linear layer's " +
            "'<module>.weight' / '<module>.bias'.");
    }

    /// <summary>True for <c>l{digits}</c> or <c>l{digits}_reverse</c>.</summary>
    private static bool IsLayerSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.EndsWith("_reverse", StringComparison.Ordinal))
            suffix = suffix[..^"_reverse".Length];
        if (suffix.Length < 2 || suffix[0] != 'l')
            return false;
        foreach (char c in suffix[1..])
            if (!char.IsAsciiDigit(c))
                return false;
        return true;
    }

    private static ParameterRole Checked(ParameterTensor tensor, ParameterRole role)
    {
        bool isBias = role.Kind is ParameterKind.InputBias or ParameterKind.RecurrentBias or ParameterKind.LinearBias;
        int rank = tensor.ShapeSpan.Length;
        if (rank != (isBias ? 1 : 2))
            throw new ArgumentException($"'{tensor.Name}' has shape {tensor.ShapeText}; a {(isBias ? "bias" : "weight")} must have {(isBias ? 1 : 2)} dimension(s).");
        return role;
    }
}
