namespace RnnGen.Training;

/// <summary>
/// Hidden size H and gate count G of one recurrent layer and direction, inferred from its tensor shapes:
/// H is the column count of <c>weight_hr</c> [P, H] when there is one, else of <c>weight_hh</c> [G·H, H];
/// G is the row count of <c>weight_hh</c> divided by H, and must be 1 (RNN), 3 (GRU) or 4 (LSTM).
/// This is unambiguous for every PyTorch layout, so callers never pass a gate count.
/// </summary>
internal readonly record struct RecurrentLayerShape(int HiddenSize, int Gates)
{
    /// <summary>The shape of every recurrent group among <paramref name="tensors"/>.</summary>
    /// <exception cref="ArgumentException">A layer has no <c>weight_hh</c>, or shapes that are not a PyTorch RNN, GRU or LSTM.</exception>
    public static Dictionary<string, RecurrentLayerShape> Infer(IReadOnlyList<ParameterTensor> tensors, IReadOnlyList<ParameterRole> roles)
    {
        var recurrent = new Dictionary<string, ParameterTensor>();
        var projection = new Dictionary<string, ParameterTensor>();
        for (int i = 0; i < tensors.Count; i++)
        {
            if (roles[i].Kind == ParameterKind.RecurrentWeight) recurrent[roles[i].Group] = tensors[i];
            if (roles[i].Kind == ParameterKind.ProjectionWeight) projection[roles[i].Group] = tensors[i];
        }

        var shapes = new Dictionary<string, RecurrentLayerShape>();
        for (int i = 0; i < tensors.Count; i++)
        {
            ParameterRole role = roles[i];
            if (role.Kind is ParameterKind.LinearWeight or ParameterKind.LinearBias or ParameterKind.Embedding || shapes.ContainsKey(role.Group))
                continue;
            if (!recurrent.TryGetValue(role.Group, out ParameterTensor? hh))
                throw new ArgumentException($"'{tensors[i].Name}' has no matching weight_hh in layer '{role.Group}', so its hidden size and gate count cannot be inferred.");

            ReadOnlySpan<int> hhShape = hh.ShapeSpan;
            int hidden = hhShape[1];
            if (projection.TryGetValue(role.Group, out ParameterTensor? hr))
            {
                if (hr.ShapeSpan[0] != hhShape[1])
                    throw new ArgumentException($"'{hr.Name}' {hr.ShapeText} must have as many rows as '{hh.Name}' {hh.ShapeText} has columns (P).");
                hidden = hr.ShapeSpan[1];
            }
            int gates = hidden > 0 && hhShape[0] % hidden == 0 ? hhShape[0] / hidden : 0;
            if (gates is not (1 or 3 or 4) || (hr is not null && gates != 4))
                throw new ArgumentException(
                    $"'{hh.Name}' {hh.ShapeText} with hidden size {hidden} is not G·H rows for G = 1 (RNN), 3 (GRU) or 4 (LSTM" +
                    (hr is not null ? ", the only cell with a projection" : "") + ").");
            shapes[role.Group] = new RecurrentLayerShape(hidden, gates);
        }

        for (int i = 0; i < tensors.Count; i++)
        {
            ParameterRole role = roles[i];
            if (!shapes.TryGetValue(role.Group, out RecurrentLayerShape shape) || role.Kind == ParameterKind.ProjectionWeight)
                continue;
            if (tensors[i].ShapeSpan[0] != shape.Gates * shape.HiddenSize)
                throw new ArgumentException($"'{tensors[i].Name}' {tensors[i].ShapeText} should have G·H = {shape.Gates}·{shape.HiddenSize} = {shape.Gates * shape.HiddenSize} rows, as its weight_hh implies.");
        }
        return shapes;
    }
}
