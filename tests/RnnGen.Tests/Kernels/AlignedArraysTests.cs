using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// Generated models read their parameters from a 64-byte boundary (<see cref="AlignedArrays"/>): the vector cells load
/// weight rows 64 bytes at a time, and an LSTM 1→64 Step ran 630 ns or up to 786 ns depending only on where the
/// allocator had put the parameters (2026-11-30).
/// </summary>
public sealed class AlignedArraysTests
{
    [Fact]
    public void EveryOriginIsOnTheBoundaryAndLeavesTheRequestedCount()
    {
        var keep = new List<float[]>();
        for (int count = 0; count < 300; count++)
        {
            float[] array = AlignedArrays.Allocate(count, out int origin);
            Assert.InRange(origin, 0, AlignedArrays.Spare);
            Assert.True(array.Length - origin >= count);
            if (origin < array.Length) Assert.Equal(0, Address(ref array[origin]) % AlignedArrays.Alignment);
            Assert.All(array, value => Assert.Equal(0f, value));
            keep.Add(array);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        foreach (float[] array in keep)
            if (array.Length > AlignedArrays.Spare)
                Assert.Equal(0, Address(ref array[AlignedArrays.Origin(array)]) % AlignedArrays.Alignment);
    }

    [Fact]
    public void GeneratedModelsAndTheirBatchesReadParametersFromTheBoundary()
    {
        using var batch = new Models.TokenLstm.Batch(4);
        var models = new IRecurrentModel[] { new Models.RowBlockStackFast(), new Models.TokenLstm(), new Models.GruResetBefore(), new Quantization.BuildTimeLstmFloat32() };
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); // pinned: a compacting collection leaves them
        foreach (var model in models)
        {
            Assert.Equal(0, Address(ref MemoryMarshal.GetReference(model.Parameters)) % AlignedArrays.Alignment);
            model.Parameters[0] = 0.25f; // the span is the storage the cells read, not a copy
            Assert.Equal(0.25f, model.Parameters[0]);
        }
        Assert.Equal(0, Address(ref MemoryMarshal.GetReference(batch.Parameters)) % AlignedArrays.Alignment);
    }

    [Fact]
    public void LowPrecisionCopiesAreReadFromTheBoundaryToo()
    {
        var int8 = new Quantization.RuntimeLstmInt8(); // int8 kernels
        var bf16 = new Quantization.RuntimeLstmBFloat16(); // bf16 kernels
        var rounded = new Quantization.RuntimeOnnxInt8(); // a small layer: float32 products of a rounded copy
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(0, Address(ref Unsafe.As<sbyte, float>(ref MemoryMarshal.GetReference(((IQuantizedModel)int8).Int8Weights))) % AlignedArrays.Alignment);
        Assert.Equal(0, Address(ref Unsafe.As<ushort, float>(ref MemoryMarshal.GetReference(((IQuantizedModel)bf16).BFloat16Weights))) % AlignedArrays.Alignment);
        Assert.Equal(0, Address(ref MemoryMarshal.GetReference(((IQuantizedModel)rounded).RoundedWeights)) % AlignedArrays.Alignment);
        Assert.True(((IQuantizedModel)rounded).RoundedWeights.Length > 0 && ((IQuantizedModel)int8).Int8Weights.Length > 0 && ((IQuantizedModel)bf16).BFloat16Weights.Length > 0);
    }

    private static unsafe long Address(ref float element) => (long)Unsafe.AsPointer(ref element);
}
