namespace RnnGen;

/// <summary>How a <see cref="QuantizedTensor"/> is stored; the formulas give where element (r, c) lives.</summary>
public enum QuantizedLayout
{
    /// <summary>
    /// Int8 in column pairs: <c>Int8Weights[StorageOffset + ((First + c / 2) · Stride + r) · 2 + c % 2]</c>, scale of row r at
    /// <c>Int8Scales[ScaleOffset + r]</c>; value = q · scale. Stride is the row count of the matrix block the tensor shares
    /// with others (W_ih and W_hh of a direction share one, W_ih's pairs first).
    /// </summary>
    Int8ColumnPairs = 0,

    /// <summary>
    /// BFloat16 in 32-bit lanes of two, row-major: of each 8 columns, lane i &lt; 4 holds column 8m + i in its low half and
    /// 8m + 4 + i in its high half: <c>BFloat16Weights[StorageOffset + (r · Stride + First + 4 · (c / 8) + c % 4) · 2 + (c % 8) / 4]</c>,
    /// Stride being lanes per row (W_ih's lanes first, then W_hh's, in one row).
    /// </summary>
    BFloat16Lanes = 1,

    /// <summary>
    /// Float32 row-major values already rounded to the model's precision: <c>RoundedWeights[StorageOffset + r · Columns + c]</c>
    /// (for Int8, q · scale with the scale at <c>Int8Scales[ScaleOffset + r]</c>). Used where the float kernels are faster
    /// than the quantized ones (docs/PERFORMANCE.md).
    /// </summary>
    Float32Rows = 2,
}
