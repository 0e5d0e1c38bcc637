namespace RnnGen.Benchmarks;

/// <summary>The hand-written part of docs/PERFORMANCE.md's precision section: how the low-precision Step works and what limits it.</summary>
internal static class PrecisionAnalysis
{
    public const string Text = """
        How the low-precision Step gets its speed, and what limits it:

        - **Fewer bytes per step.** At 16→128 the float32 weights (295 KB LSTM, 221 KB GRU) stream from L2 on every step, and
          the loads alone cost about as much as the whole Step (above). Int8 weights are a quarter of that (77.8 KB LSTM,
          58.4 KB GRU with the scales), bfloat16 half; the products need no more loads than before per weight.
        - **Int8: 16-bit vectors and exact integer sums, no reduction.** The weights are stored in column pairs (for each
          pair of columns, every row's two bytes side by side), so a block of 16 rows is one 32-byte load, sign-extended
          (`vpmovsxbw`), times a broadcast pair of the 16-bit vector (`vpmaddwd`), added in 32 bits: 3–4 instructions per 32
          weights where float32 needs 2 FMAs, but with no transposing reduction at the end of a block (the row-major float
          blocks spend about 45 instructions per 16 rows on it), and a quarter of the bytes. The per-step cost is the
          quantization of x and h (a max, a multiply, a conversion per value); int8 layers with fewer than 18,432 weights in
          W_ih and W_hh run the float kernels over rounded copies instead (with the kernels forced, LSTM 1→64, 16,640 weights,
          measured 1.2–1.4× slower than float32 and LSTM 8→64, 18,432, 1.27–1.4× faster; docs/quantization.md, "Measured").
          The alternative (`DequantizeFma`) widens each int8 weight to float: 3 instructions per 16 weights plus the FMA,
          measured slower than the integer products at every size above, so it is not shipped.
        - **bfloat16: widened in registers.** .NET 10 exposes no `vdpbf16ps`, so a 512-bit load of 32 bfloat16 weights
          becomes two float vectors by a shift and a mask, then the float32 FMAs and the same reduction as float32: twice the
          instructions of the float32 loop over half the bytes. It pays only where the bytes are the limit: layers whose
          W_ih and W_hh hold fewer than 32,768 weights (128 KB in float32) run the float kernels over rounded copies (with
          the kernels forced, every smaller size of the grid measured slower than float32, LSTM 8→64 no faster). Earlier
          runs had the GRU bf16 Step slower than float32 even at 16→128: the JIT had left kernel helpers as calls there
          (fixed; `KernelInliningTests`). With float32 now at the L2 bound, bf16 comes out near float32's speed.
        - **VNNI would be faster still.** `vpdpbusd` does 64 int8 products in one instruction. .NET 10 has it only as
          `AvxVnni` (VEX, 256 bits), which this AVX-512 machine does not report, and no AVX512-VNNI class, so it cannot be
          used here; on a machine with AVX-VNNI a 256-bit `vpdpbusd` path would replace `vpmovsxbw` + `vpmaddwd`.

        """;
}
