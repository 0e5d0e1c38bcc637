namespace RnnGen.Import.Onnx;

/// <summary>
/// ONNX operators on fully known tensors, for the glue and weight preparation exporters leave in graphs (constant
/// folding usually removes most of it). Row-major, numpy broadcasting; sizes are bounded by <see cref="OnnxFile.MaxTensorElements"/>.
/// </summary>
internal static class ConstOps
{
    public static long Count(IReadOnlyList<long> dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
            if (d < 0 || count > OnnxFile.MaxTensorElements) throw new ArgumentException($"shape [{string.Join(", ", dims)}] is negative or too large");
        }
        return count;
    }

    public static ConstValue Create(long[] dims, bool integer, Func<int, double> value)
    {
        int n = (int)Count(dims);
        if (integer)
        {
            var ints = new long[n];
            for (int i = 0; i < n; i++) ints[i] = (long)value(i);
            return new ConstValue(dims, null, ints);
        }
        var floats = new double[n];
        for (int i = 0; i < n; i++) floats[i] = value(i);
        return new ConstValue(dims, floats, null);
    }

    private static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    /// <summary>Index of a flat output position in a source of <paramref name="sourceDims"/>, through <paramref name="map"/> (output coordinate → source coordinate).</summary>
    private static ConstValue Gathered(ConstValue source, long[] outDims, Func<long[], long[]> map)
    {
        var outStrides = Strides(outDims);
        var sourceStrides = Strides(source.Dims);
        var coordinate = new long[outDims.Length];
        return Create(outDims, source.IsInteger, flat =>
        {
            long rest = flat;
            for (int a = 0; a < outDims.Length; a++)
            {
                coordinate[a] = rest / outStrides[a];
                rest %= outStrides[a];
            }
            var from = map(coordinate);
            long index = 0;
            for (int a = 0; a < from.Length; a++) index += from[a] * sourceStrides[a];
            return source.At((int)index);
        });
    }

    public static ConstValue Reshape(ConstValue source, long[] dims) => source with { Dims = dims };

    public static ConstValue Transpose(ConstValue source, int[] perm)
    {
        var outDims = perm.Select(p => source.Dims[p]).ToArray();
        return Gathered(source, outDims, c =>
        {
            var from = new long[perm.Length];
            for (int a = 0; a < perm.Length; a++) from[perm[a]] = c[a];
            return from;
        });
    }

    public static ConstValue Concat(IReadOnlyList<ConstValue> parts, int axis)
    {
        var outDims = (long[])parts[0].Dims.Clone();
        outDims[axis] = parts.Sum(p => p.Dims[axis]);
        bool integer = parts.All(p => p.IsInteger);
        var offsets = new long[parts.Count + 1];
        for (int i = 0; i < parts.Count; i++) offsets[i + 1] = offsets[i] + parts[i].Dims[axis];
        var outStrides = Strides(outDims);
        var coordinate = new long[outDims.Length];
        return Create(outDims, integer, flat =>
        {
            long rest = flat;
            for (int a = 0; a < outDims.Length; a++)
            {
                coordinate[a] = rest / outStrides[a];
                rest %= outStrides[a];
            }
            int part = 0;
            while (coordinate[axis] >= offsets[part + 1]) part++;
            var p = parts[part];
            var strides = Strides(p.Dims);
            long index = 0;
            for (int a = 0; a < outDims.Length; a++) index += (a == axis ? coordinate[a] - offsets[part] : coordinate[a]) * strides[a];
            return p.At((int)index);
        });
    }

    public static ConstValue Gather(ConstValue source, ConstValue indices, int axis)
    {
        long size = source.Dims[axis];
        var idx = new long[indices.Count];
        for (int i = 0; i < idx.Length; i++)
        {
            long v = (long)indices.At(i);
            if (v < -size || v >= size) throw new ArgumentException($"index {v} is out of range for an axis of {size}");
            idx[i] = v < 0 ? v + size : v;
        }
        var outDims = source.Dims.Take(axis).Concat(indices.Dims).Concat(source.Dims.Skip(axis + 1)).ToArray();
        var indexStrides = Strides(indices.Dims);
        return Gathered(source, outDims, c =>
        {
            var from = new long[source.Rank];
            for (int a = 0; a < axis; a++) from[a] = c[a];
            long flatIndex = 0;
            for (int a = 0; a < indices.Rank; a++) flatIndex += c[axis + a] * indexStrides[a];
            from[axis] = idx[flatIndex];
            for (int a = axis + 1; a < source.Rank; a++) from[a] = c[a + indices.Rank - 1];
            return from;
        });
    }

    /// <summary>One axis sliced: <paramref name="start"/> and <paramref name="step"/> already clamped as ONNX specifies.</summary>
    public static ConstValue Slice(ConstValue source, int axis, long start, long length, long step)
    {
        var outDims = (long[])source.Dims.Clone();
        outDims[axis] = length;
        return Gathered(source, outDims, c =>
        {
            var from = (long[])c.Clone();
            from[axis] = start + c[axis] * step;
            return from;
        });
    }

    /// <summary>Element-wise binary operation with numpy broadcasting.</summary>
    public static ConstValue Binary(ConstValue a, ConstValue b, Func<double, double, double> op, bool integer)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        long[] Pad(long[] d) => Enumerable.Repeat(1L, rank - d.Length).Concat(d).ToArray();
        var da = Pad(a.Dims);
        var db = Pad(b.Dims);
        var outDims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            if (da[i] != db[i] && da[i] != 1 && db[i] != 1) throw new ArgumentException($"shapes {a.ShapeText} and {b.ShapeText} do not broadcast");
            outDims[i] = Math.Max(da[i], db[i]);
        }
        var sa = Strides(da);
        var sb = Strides(db);
        var so = Strides(outDims);
        return Create(outDims, integer, flat =>
        {
            long rest = flat, ia = 0, ib = 0;
            for (int i = 0; i < rank; i++)
            {
                long c = rest / so[i];
                rest %= so[i];
                if (da[i] != 1) ia += c * sa[i];
                if (db[i] != 1) ib += c * sb[i];
            }
            return op(a.At((int)ia), b.At((int)ib));
        });
    }
}
