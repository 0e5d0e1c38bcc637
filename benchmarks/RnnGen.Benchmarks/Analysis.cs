namespace RnnGen.Benchmarks;

/// <summary>The hand-written part of docs/PERFORMANCE.md: how the generated code gets its speed and what limits it.</summary>
internal static class Analysis
{
    public const string Text = """
        ## How the generated Step gets there

        - **Row blocks (`Emit/RowBlockEmitter.cs`, `Kernels/RowBlocks.cs`).** For an LSTM without projection, a reset-after GRU
          or an RNN whose H is a multiple of 8, the forward cell works on 16 hidden units at a time (8 with AVX2 only): for each
          gate, the 16 weight rows are multiplied with `[x, h]` in 16 register accumulators (input and recurrent weights feed the
          same accumulators, so it is one fused pass; the accumulators start as the first chunk's products, not zeros), a
          transposing shuffle tree reduces them into one vector, and the activations and the c/h update run on that vector before
          the next block. The tree's first two levels stay inside 128-bit lanes (`vshufps`); only the last two cross them, on four
          vectors. Sizes are constants, so the loops have constant trip counts and there is no call, bounds check or span slicing
          inside a step. Other shapes keep the `TensorPrimitives` path, which is also the fallback on machines without AVX2.
        - **Paired rows for H = 8.** An 8-float row fills half a 512-bit vector, so with AVX-512 an H = 8 cell puts rows 2k and
          2k + 1 in one product (`RowBlocks.Pairs16/Pairs8`, `Cell{Id}Pairs`): the LSTM's 32 gate rows are 16 products and two
          three-level trees, against four 8-wide blocks with a tree each.
        - **A model's weights stay in PyTorch's row-major `state_dict` layout.** A transposed/interleaved copy would allow
          reduction-free column (axpy) kernels, but `Parameters` is a writable span (optimizers, `LoadWeights`, user code holding
          the span), so a copy could go stale without the model knowing and Step would return silently wrong numbers. Row-major
          dot products need no copy; their price is the reduction, about 45 shuffle/add instructions per 16 rows, which is most
          of the work when rows are short (H ≤ 32).
        - **The inference copy is where a packed copy is safe.** `ToInference()` (docs/inference.md) snapshots the weights into
          an object nothing can write, so with AVX-512 it packs them in tiles stored column by column (`ColumnBlocks`): one FMA
          per column, no reduction, and an off-grid width costs its columns. The step, RTNeural, ONNX Runtime and uniformity
          tables above time it beside the model's Step, on the same weights, its outputs checked equal to the Step's first.
        - **Activations.** `Fast` (the default) evaluates tanh as the 13/6 rational minimax used by Eigen and ONNX Runtime's MLAS,
          with Estrin's scheme for a short dependency chain, exactly ±1 beyond |x| = 9.1, and σ(x) = (1 + tanh(x/2))/2. Tested
          maximum errors: tanh 3e-7 absolute and 4e-7 relative, σ 2e-7 absolute (measured worst 2.6e-7, 3.0e-7, 1.5e-7).
          `[RecurrentModel(Activations = ActivationPrecision.Exact)]` keeps the e^x-based functions, within 1.2e-7 (about one
          float ulp, as `MathF`/`TensorPrimitives`); the table above shows what it costs. Both modes pass all 67 PyTorch
          conformance cases at `1e-5 + 1e-4·|want|` and the float64 reference with finite-difference gradients
          (`tests/RnnGen.Tests/Kernels/RowBlocksTests.cs`, `tests/RnnGen.Tests/Models/ReferenceTests.cs`).
        - **Every vector path is tested here.** The narrower cells never run on an AVX-512 machine by themselves, so integration
          tests run `rnngen verify` on the PyTorch cases in child processes that cannot take the wider paths: the 13 row-block
          cases with `DOTNET_EnableAVX512=0` (AVX2, `Avx2PathTests`); those and 10 off-grid and projection cases with
          `DOTNET_EnableAVX2=0` (SSE, `SsePathTests`); and on linux-arm64 (AdvSimd, `Arm64Tests`: the tool published self-contained
          for linux-arm64 and run under `qemu-aarch64`) the 13 row-block cases and one of each off-grid kind. Each also asks
          `rnngen bench` which path every layer took.
        - `Forward` runs the same cell per step. `Backward` uses `MatrixOps`: with AVX-512 and a width that is a multiple of 16,
          dW += da ⊗ [x, h] and dh = W_hhᵀ da are plain register-blocked loops (1.6× faster than one `TensorPrimitives` call
          per row at 16→128); other widths keep the per-row calls. Its weight gradients are still accumulated step by step,
          not batched over the sequence.

        ## What limits it

        - **Small models (H ≤ 32)** are bound by instruction count, not by the recurrence's latency: removing the dependency of one
          step on the previous one (an experiment, not shipped) saved under 10%. What remains per 16 gate rows is the shuffle
          reduction (about 45 instructions), the FMAs (16 per 16 columns) and the activations (about 20 per vector).
        - **16→128** streams 295 KB of LSTM weights (221 KB GRU) per step from L2 (48 KB L1). `StreamBound` measures the ceiling:
          one FMA per weight in address order and nothing else reaches 36–39% of the FMA peak (about 48 bytes per cycle from L2).
          The loads alone set it (`Stream_LoadsOnlyLstm16x128`, above: within a few percent of the FMA pass), and in a scratch
          experiment 16 accumulators instead of 8, two interleaved streams, or `prefetcht0` 512–2048 bytes ahead all stayed
          within 2% of it. Loading the weights alone takes as long as a whole Step at 37–40% of peak would, before a single
          reduction or activation runs, so 40% of peak is out of reach for any float32 Step of this size on this core; the generated Step gets about two thirds of the bound.
          Experiments in the cell that did not help (kept out of the code): software prefetch of the next block (1.6× slower),
          rows read in address order with x in registers (at most 7% faster, for much larger emitted code), 64-byte-aligned
          weights (within 3%), all gate products first and activations after (within 2%).
        - **The generated cells depend on the JIT inlining every kernel helper.** After a restart on 2026-11-30 this VM came
          back on a host with half the 512-bit FMA throughput (measured peak 262.9 → about 117 GFLOP/s a core), and the
          AVX-512 Step ran 3× slower than the AVX2 one (LSTM 1→16: 430 ns against 140 ns). The cause was ours, not the host's:
          the JIT had used up its inlining budget in the 16-row cells, so `FastTanh`, the FMA wrapper and the reduction's
          local functions stayed calls that passed 64-byte vectors through memory (3.5 KB stack frames). The FMAs are now
          written as intrinsics and every helper is marked for inlining; `KernelInliningTests` reads the JIT's own listing of
          generated cells and fails on any such call. The same budget ran out when a cell was inlined into its caller's small
          method (a benchmark's or a game loop's `model.Step(x, y)`), and under tiering the profile seen during warm-up decided
          the H = 8 paired-rows Step's speed (226 ns or 62 ns), so every generated cell is now `NoInlining` and
          `AggressiveOptimization` (`GeneratedCellInliningTests`). After the fixes the AVX-512 path is the faster tier again.
        - **Weights on a 64-byte boundary.** .NET puts an array's first element on an 8-byte boundary only; the cells load
          weight rows 64 bytes at a time, and rows that straddle cache lines cost more: one LSTM 1→64 Step measured 630 ns
          with its parameters on a 64-byte boundary and 690–786 ns at the other offsets (same process, same code, only the
          allocation order changed; 2026-11-30). Generated models now allocate their parameters, and the int8, bf16 and
          rounded copies of a low-precision model, on the pinned heap with spare elements, and read each from its first
          element on the boundary (`AlignedArrays`, `AlignedArraysTests`).
        - **Allocations** are counted process-wide by BenchmarkDotNet's in-process toolchain, so runtime background work (tiered
          JIT) can show up as a few bytes per operation on long benchmarks with few invocations: rerun that case alone with
          `benchmarks/run.sh --only <name>`. `tests/RnnGen.Tests/Models/AllocationTests.cs` asserts 0 bytes per thread.
        - **This machine is shared**: other work on the 2 cores and separate processes' code placement move single numbers by
          10–15% between runs (the FMA peak itself moved 7% in one session). Medians are robust to some of it, not all; ratios
          from the same run are more reliable than absolute numbers. Re-run `benchmarks/run.sh` on an idle machine for clean figures.

        """;
}
