using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits one direction's cell: <c>Cell{Id}</c> (one time step forward, writing the records Backward needs) and
/// <c>CellBackward{Id}</c> (that step's vector–Jacobian product). Both take the same leading arguments,
/// <c>(x, hPrev, [cPrev,] h, records...)</c>; the equations are in each emitted comment and in FORMULAS.md.
/// Local constants I, H, P, G are the layer's input, hidden, output (P) and stacked-gate (G·H) sizes.
/// </summary>
internal static class CellEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static void EmitForward(SourceWriter w, DirectionLayout d, bool exactActivations)
    {
        var layer = d.Layer.Spec;
        string records = string.Concat(d.Records.Select(r => $", {Span} {RecordName(r, d)}"));
        string cPrev = layer.Cell == CellKind.Lstm ? $", {ReadOnlySpan} cPrev" : "";
        string parameters = $"{ReadOnlySpan} x, {ReadOnlySpan} hPrev{cPrev}, {Span} h{records}";
        w.Open($"private void Cell{d.Id}({parameters})");
        string arguments = string.Join(", ", new[] { "x", "hPrev" }.Concat(layer.Cell == CellKind.Lstm ? ["cPrev"] : [])
            .Append("h").Concat(d.Records.Select(r => RecordName(r, d))));
        RowBlockEmitter.EmitDispatch(w, d, arguments);
        var body = new SourceWriter(w.Indent);
        body.Line($"{ReadOnlySpan} p = _parameters;");
        switch (layer.Cell)
        {
            case CellKind.Lstm: LstmForward(body, d); break;
            case CellKind.Gru when layer.ResetAfter: GruResetAfterForward(body, d); break;
            case CellKind.Gru: GruResetBeforeForward(body, d); break;
            default: RnnForward(body, d); break;
        }
        WriteConstants(w, d, body.ToString());
        w.Append(body.ToString());
        w.Close();
        RowBlockEmitter.EmitCells(w, d, parameters, exactActivations);
    }

    public static void EmitBackward(SourceWriter w, DirectionLayout d)
    {
        var layer = d.Layer.Spec;
        string records = string.Concat(d.Records.Select(r => $", {ReadOnlySpan} {RecordName(r, d)}"));
        bool lstm = layer.Cell == CellKind.Lstm;
        w.Open($"private void CellBackward{d.Id}({ReadOnlySpan} x, {ReadOnlySpan} hPrev{(lstm ? $", {ReadOnlySpan} cPrev" : "")}, {ReadOnlySpan} h{records}, " +
               $"{ReadOnlySpan} dh, {Span} dhCarry{(lstm ? $", {Span} dcCarry" : "")}, {Span} dx)");
        var body = new SourceWriter(w.Indent);
        body.Line($"{ReadOnlySpan} p = _parameters;");
        body.Line($"{Span} grad = _gradients;");
        switch (layer.Cell)
        {
            case CellKind.Lstm: LstmBackward(body, d); break;
            case CellKind.Gru when layer.ResetAfter: GruResetAfterBackward(body, d); break;
            case CellKind.Gru: GruResetBeforeBackward(body, d); break;
            default: RnnBackward(body, d); break;
        }
        WriteConstants(w, d, body.ToString());
        w.Append(body.ToString());
        w.Close();
    }

    /// <summary>The argument name a record buffer has inside the cell methods.</summary>
    public static string RecordName(RecordBuffer record, DirectionLayout d)
    {
        string field = record.Field.Substring(1, record.Field.Length - 1 - d.Id.Length);
        return field;
    }

    /// <summary>Declares the local size constants that <paramref name="body"/> uses (unused locals would warn).</summary>
    private static void WriteConstants(SourceWriter w, DirectionLayout d, string body)
    {
        string l = d.Layer.Name;
        var used = new[] { ("I", "Input"), ("H", "Hidden"), ("P", "Output"), ("G", "Gates") }
            .Where(c => System.Text.RegularExpressions.Regex.IsMatch(body, $@"\b{c.Item1}\b"))
            .Select(c => $"{c.Item1} = {l}{c.Item2}")
            .ToList();
        if (used.Count > 0) w.Line($"const int {string.Join(", ", used)};");
    }

    /// <summary>a = b_ih + b_hh + W_ih x + W_hh h into <paramref name="target"/> (all G rows, or the first <paramref name="rows"/>).</summary>
    private static void PreActivation(SourceWriter w, DirectionLayout d, string target)
    {
        if (d.BiasIh is not null)
            w.Line($"TensorPrimitives.Add(p.Slice({d.BiasIh}, G), p.Slice({d.BiasHh}, G), {target});");
        else
            w.Line($"{target}.Clear();");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightIh}, G * I), x, {target});");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightHh}, G * P), hPrev, {target});");
    }

    private static void LstmForward(SourceWriter w, DirectionLayout d)
    {
        w.Line("// a = W_ih x + b_ih + W_hh h + b_hh, stacked in gate order i, f, g, o");
        PreActivation(w, d, "gates");
        w.Lines("""
            // i, f = σ(a_i, a_f); g = tanh(a_g); o = σ(a_o)
            TensorPrimitives.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            TensorPrimitives.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            TensorPrimitives.Sigmoid(gates.Slice(3 * H, H), gates.Slice(3 * H, H));
            // c' = f ⊙ c + i ⊙ g
            TensorPrimitives.Multiply(gates.Slice(H, H), cPrev, cell);
            TensorPrimitives.MultiplyAdd(gates.Slice(0, H), gates.Slice(2 * H, H), cell, cell);
            TensorPrimitives.Tanh(cell, tanhCell);
            """);
        if (d.WeightHr is null)
        {
            w.Line("// h' = o ⊙ tanh(c')");
            w.Line("TensorPrimitives.Multiply(gates.Slice(3 * H, H), tanhCell, h);");
        }
        else
        {
            w.Line("// h' = W_hr (o ⊙ tanh(c'))");
            w.Line("TensorPrimitives.Multiply(gates.Slice(3 * H, H), tanhCell, unprojected);");
            w.Line($"MatrixOps.Gemv(p.Slice({d.WeightHr}, P * H), unprojected, h);");
        }
    }

    private static void LstmBackward(SourceWriter w, DirectionLayout d)
    {
        w.Line($"{Span} da = _gradGates.AsSpan(0, G);");
        if (d.WeightHr is null)
        {
            w.Line($"{ReadOnlySpan} dm = dh;");
        }
        else
        {
            w.Line("// h = W_hr m: dW_hr += dh ⊗ m, dm = W_hrᵀ dh");
            w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightHr}, P * H), dh, unprojected);");
            w.Line($"{Span} dmBuffer = _gradUnprojected.AsSpan(0, H);");
            w.Line("dmBuffer.Clear();");
            w.Line($"MatrixOps.GemvTransposedAdd(p.Slice({d.WeightHr}, P * H), dh, dmBuffer);");
            w.Line($"{ReadOnlySpan} dm = dmBuffer;");
        }
        w.Lines("""
            // m = o ⊙ tanh(c), c = f ⊙ cPrev + i ⊙ g; da = dL/d(pre-activations), dcCarry becomes dL/d(cPrev)
            for (int j = 0; j < H; j++)
            {
                float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j], tc = tanhCell[j];
                float dc = dcCarry[j] + dm[j] * o * (1f - tc * tc);
                da[j] = dc * g * i * (1f - i);
                da[H + j] = dc * cPrev[j] * f * (1f - f);
                da[2 * H + j] = dc * i * (1f - g * g);
                da[3 * H + j] = dm[j] * tc * o * (1f - o);
                dcCarry[j] = dc * f;
            }
            """);
        SharedGateGradients(w, d, "da");
    }

    private static void GruResetAfterForward(SourceWriter w, DirectionLayout d)
    {
        w.Line($"{Span} recurrent = _scratchGates.AsSpan(0, G);");
        w.Line("// gi = W_ih x + b_ih, gh = W_hh h + b_hh, stacked in gate order r, z, n");
        BiasOrClear(w, d.BiasIh, "gates");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightIh}, G * I), x, gates);");
        BiasOrClear(w, d.BiasHh, "recurrent");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightHh}, G * P), hPrev, recurrent);");
        w.Lines("""
            // r, z = σ(gi + gh)
            TensorPrimitives.Add(gates.Slice(0, 2 * H), recurrent.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            TensorPrimitives.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            // n = tanh(gi_n + r ⊙ (W_hn h + b_hn)): the reset gate applies after the matmul
            recurrent.Slice(2 * H, H).CopyTo(recurrentCandidate);
            TensorPrimitives.MultiplyAdd(gates.Slice(0, H), recurrentCandidate, gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            TensorPrimitives.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            """);
        GruStateUpdate(w);
    }

    private static void GruResetAfterBackward(SourceWriter w, DirectionLayout d)
    {
        w.Line($"{Span} dgi = _gradGates.AsSpan(0, G);");
        w.Line($"{Span} dgh = _gradRecurrent.AsSpan(0, G);");
        w.Lines("""
            // h' = n + z ⊙ (h − n), n = tanh(gi_n + r ⊙ gh_n); dhCarry starts as the direct path z ⊙ dh
            for (int j = 0; j < H; j++)
            {
                float r = gates[j], z = gates[H + j], n = gates[2 * H + j];
                float dn = dh[j] * (1f - z) * (1f - n * n);
                float dz = dh[j] * (hPrev[j] - n) * z * (1f - z);
                float dr = dn * recurrentCandidate[j] * r * (1f - r);
                dgi[j] = dr; dgi[H + j] = dz; dgi[2 * H + j] = dn;
                dgh[j] = dr; dgh[H + j] = dz; dgh[2 * H + j] = dn * r;
                dhCarry[j] = dh[j] * z;
            }
            """);
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightIh}, G * I), dgi, x);");
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightHh}, G * P), dgh, hPrev);");
        if (d.BiasIh is not null)
        {
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasIh}, G), dgi, grad.Slice({d.BiasIh}, G));");
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasHh}, G), dgh, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) MatrixOps.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), dgi, dx);");
        w.Line($"MatrixOps.GemvTransposedAdd(p.Slice({d.WeightHh}, G * P), dgh, dhCarry);");
    }

    private static void GruResetBeforeForward(SourceWriter w, DirectionLayout d)
    {
        w.Line("// gi = W_ih x + b_ih, stacked in gate order r, z, n");
        BiasOrClear(w, d.BiasIh, "gates");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightIh}, G * I), x, gates);");
        w.Line("// r, z = σ(gi + W_h{r,z} h + b_h{r,z})");
        if (d.BiasHh is not null)
            w.Line($"TensorPrimitives.Add(gates.Slice(0, 2 * H), p.Slice({d.BiasHh}, 2 * H), gates.Slice(0, 2 * H));");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightHh}, 2 * H * P), hPrev, gates.Slice(0, 2 * H));");
        w.Line("TensorPrimitives.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));");
        w.Line("// n = tanh(gi_n + W_hn (r ⊙ h) + b_hn): the reset gate applies before the matmul");
        w.Line("TensorPrimitives.Multiply(gates.Slice(0, H), hPrev, resetHidden);");
        if (d.BiasHh is not null)
            w.Line($"TensorPrimitives.Add(gates.Slice(2 * H, H), p.Slice({d.BiasHh} + 2 * H, H), gates.Slice(2 * H, H));");
        w.Line($"MatrixOps.GemvAdd(p.Slice({d.WeightHh} + 2 * H * P, H * P), resetHidden, gates.Slice(2 * H, H));");
        w.Line("TensorPrimitives.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));");
        GruStateUpdate(w);
    }

    private static void GruResetBeforeBackward(SourceWriter w, DirectionLayout d)
    {
        w.Line($"{Span} da = _gradGates.AsSpan(0, G);");
        w.Line($"{Span} dResetHidden = _gradRecurrent.AsSpan(0, H);");
        w.Lines("""
            // h' = n + z ⊙ (h − n); dhCarry starts as the direct path z ⊙ dh
            for (int j = 0; j < H; j++)
            {
                float z = gates[H + j], n = gates[2 * H + j];
                da[H + j] = dh[j] * (hPrev[j] - n) * z * (1f - z);
                da[2 * H + j] = dh[j] * (1f - z) * (1f - n * n);
                dhCarry[j] = dh[j] * z;
            }
            // n = tanh(... + W_hn (r ⊙ h)): d(r ⊙ h) = W_hnᵀ da_n, then split into r and h
            dResetHidden.Clear();
            """);
        w.Line($"MatrixOps.GemvTransposedAdd(p.Slice({d.WeightHh} + 2 * H * P, H * P), da.Slice(2 * H, H), dResetHidden);");
        w.Lines("""
            for (int j = 0; j < H; j++)
            {
                float r = gates[j];
                da[j] = dResetHidden[j] * hPrev[j] * r * (1f - r);
                dhCarry[j] += dResetHidden[j] * r;
            }
            """);
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightIh}, G * I), da, x);");
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightHh}, 2 * H * P), da.Slice(0, 2 * H), hPrev);");
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightHh} + 2 * H * P, H * P), da.Slice(2 * H, H), resetHidden);");
        if (d.BiasIh is not null)
        {
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasIh}, G), da, grad.Slice({d.BiasIh}, G));");
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasHh}, G), da, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) MatrixOps.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), da, dx);");
        w.Line($"MatrixOps.GemvTransposedAdd(p.Slice({d.WeightHh}, 2 * H * P), da.Slice(0, 2 * H), dhCarry);");
    }

    private static void GruStateUpdate(SourceWriter w) => w.Lines("""
        // h' = (1 − z) ⊙ n + z ⊙ h
        for (int j = 0; j < H; j++)
        {
            float n = gates[2 * H + j];
            h[j] = n + gates[H + j] * (hPrev[j] - n);
        }
        """);

    private static void RnnForward(SourceWriter w, DirectionLayout d)
    {
        bool relu = d.Layer.Spec.Cell == CellKind.RnnRelu;
        w.Line($"{Span} a = _scratchGates.AsSpan(0, G);");
        w.Line("// a = W_ih x + b_ih + W_hh h + b_hh");
        PreActivation(w, d, "a");
        if (relu)
        {
            w.Line("// h' = relu(a)");
            w.Line("TensorPrimitives.Max(a, 0f, h);");
        }
        else
        {
            w.Line("// h' = tanh(a)");
            w.Line("TensorPrimitives.Tanh(a, h);");
        }
    }

    private static void RnnBackward(SourceWriter w, DirectionLayout d)
    {
        w.Line($"{Span} da = _gradGates.AsSpan(0, G);");
        if (d.Layer.Spec.Cell == CellKind.RnnRelu)
        {
            w.Line("// relu'(a) = 1 where h > 0, else 0 (also at 0, as PyTorch)");
            w.Line("for (int j = 0; j < H; j++) da[j] = h[j] > 0f ? dh[j] : 0f;");
        }
        else
        {
            w.Line("// tanh'(a) = 1 − h²");
            w.Line("for (int j = 0; j < H; j++) da[j] = dh[j] * (1f - h[j] * h[j]);");
        }
        SharedGateGradients(w, d, "da");
    }

    /// <summary>
    /// For cells whose input and recurrent pre-activations share one gradient <paramref name="da"/> (LSTM, RNN):
    /// dW_ih += da ⊗ x, dW_hh += da ⊗ hPrev, db += da, dx += W_ihᵀ da, dhCarry = W_hhᵀ da.
    /// </summary>
    private static void SharedGateGradients(SourceWriter w, DirectionLayout d, string da)
    {
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightIh}, G * I), {da}, x);");
        w.Line($"MatrixOps.OuterAdd(grad.Slice({d.WeightHh}, G * P), {da}, hPrev);");
        if (d.BiasIh is not null)
        {
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasIh}, G), {da}, grad.Slice({d.BiasIh}, G));");
            w.Line($"TensorPrimitives.Add(grad.Slice({d.BiasHh}, G), {da}, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) MatrixOps.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), {da}, dx);");
        w.Line("dhCarry.Clear();");
        w.Line($"MatrixOps.GemvTransposedAdd(p.Slice({d.WeightHh}, G * P), {da}, dhCarry);");
    }

    private static void BiasOrClear(SourceWriter w, string? bias, string target)
        => w.Line(bias is not null ? $"p.Slice({bias}, G).CopyTo({target});" : $"{target}.Clear();");
}
