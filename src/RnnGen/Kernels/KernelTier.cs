namespace RnnGen.Kernels;

/// <summary>The kernel tiers generated cells have, from the portable path to the widest vectors.</summary>
public enum KernelTier
{
    /// <summary>The readable scalar and <c>TensorPrimitives</c> body of each cell: every machine, and the one to debug.</summary>
    Portable = 0,
    /// <summary>Row blocks of 4 on 128-bit vectors: ARM64 AdvSimd, x86 without AVX2.</summary>
    Vector128 = 1,
    /// <summary>Row blocks of 8 with AVX2 and FMA.</summary>
    Avx2 = 2,
    /// <summary>Row blocks of 16 with AVX-512 (and the paired-rows cells for H = 8).</summary>
    Avx512 = 3,
}
