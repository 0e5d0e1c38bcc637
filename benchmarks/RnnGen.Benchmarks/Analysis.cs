namespace RnnGen.Benchmarks;

/// <summary>The hand-written part of docs/PERFORMANCE.md: how the generated code gets its speed and what limits it.</summary>
internal static class Analysis
{
    public const string Text = """
        ## How the generated Step gets there

        - **Row blocks (`Emit/RowBlockEmitter.cs`, `Kernels/RowBlocks.cs`).** For an LSTM without projection, a reset-after GRU
          or an RNN whose H is a multiple of 8, the forward cell works on 16 hidden units at a time (8 with AVX2 only): for each
          gate, the 16 weight rows are multiplied with `[x, h]` in 16 register accumulators (input and recurrent weights feed the
          same accumulators, so it is one fused pass), a transposing shuffle tree reduces them into one vector, and the
          activations and the c/h update run on that vector before the next block. Sizes are constants, so the loops have
          constant trip counts and there is no call, bounds check or span slicing inside a step. Other shapes keep the
          `TensorPrimitives` path, which is also the fallback on machines without AVX2.
        - **Weights stay in PyTorch's row-major `state_dict` layout.** A transposed/interleaved copy would allow reduction-free
          column (axpy) kernels, but `Parameters` is a writable span (optimizers, `LoadWeights`, user code), so a copy could go
          stale without the model knowing. Row-major dot products need no copy; their price is the reduction: about 47 shuffle/add
          instructions per 16 rows, which is most of the work when rows are short (H ≤ 32) and ~25% at 16→128.
        - **Activations** are vector polynomials evaluated in registers (`RowBlocks.Exp/Sigmoid/Tanh`), accurate to about one
          float ulp — tested maximum errors: e^x 1.2e-7 relative, σ and tanh 1.2e-7 absolute, tanh 4e-7 relative
          (`tests/RnnGen.Tests/Kernels/RowBlocksTests.cs`). There is no lower-accuracy mode: at this accuracy they are not
          the bottleneck. All 67 PyTorch conformance cases still pass `1e-5 + 1e-4·|want|`.
        - `Forward` runs the same cell per step. `Backward` uses `MatrixOps`: with AVX-512 and a width that is a multiple of 16,
          dW += da ⊗ [x, h] and dh = W_hhᵀ da are plain register-blocked loops (1.6× faster than one `TensorPrimitives` call
          per row at 16→128); other widths keep the per-row calls. Its weight gradients are still accumulated step by step,
          not batched over the sequence.

        ## What limits it

        - **Small models (H ≤ 32)** are dominated by fixed per-step work: argument checks, the dispatch call, the head
          (a `TensorPrimitives.Dot` call), the shuffle reductions and ~30 instructions per activation vector.
        - **16→128** streams 295 KB of LSTM weights (221 KB GRU) per step from L2 (48 KB L1): one 64-byte load per 16-lane FMA,
          so the step is bound by L2 bandwidth rather than FMA throughput. The measured FMA peak of this core is high (two
          512-bit FMA pipes); 40% of it would need ~50 bytes per cycle from L2, close to its theoretical 64.
        - **Allocations** are counted process-wide by BenchmarkDotNet's in-process toolchain, so runtime background work (tiered
          JIT) can show up as a few bytes per operation on long benchmarks with few invocations: rerun that case alone with
          `benchmarks/run.sh --only <name>`. `tests/RnnGen.Tests/Models/AllocationTests.cs` asserts 0 bytes per thread.
        - **This machine is shared**: other builds ran on the 2 cores during the measurement (load average is printed above the
          tables when known). Medians are robust to some of it, not all; ratios from the same run are more reliable than
          absolute numbers. Re-run `benchmarks/run.sh` on an idle machine for clean figures.

        """;
}
