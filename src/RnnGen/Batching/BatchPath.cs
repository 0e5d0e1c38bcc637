namespace RnnGen.Batching;

/// <summary>How a batch computes: which path its calls take on this machine.</summary>
public enum BatchPath
{
    /// <summary>Entities in the lanes of 512-bit vectors, 16 to a block; register-blocked matrix–matrix products (AVX-512).</summary>
    Lanes16,

    /// <summary>
    /// One entity after another through the model's own single-entity Step, Forward and Backward: the path of cells that
    /// have no batched body yet (GRU with <c>ResetAfter = false</c>, LSTM with a projection), of machines without AVX-512,
    /// and of <c>RNNGEN_PORTABLE_KERNELS=1</c>. Same results to float rounding, without the batched speed-up.
    /// </summary>
    PerEntity,
}
