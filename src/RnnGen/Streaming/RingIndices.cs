using System.Runtime.InteropServices;

namespace RnnGen.Streaming;

[StructLayout(LayoutKind.Explicit, Size = 384)]
internal struct RingIndices
{
    [FieldOffset(128)] public long Head;
    [FieldOffset(136)] public long CachedTail;
    [FieldOffset(144)] public long Overruns;
    [FieldOffset(256)] public long Tail;
    [FieldOffset(264)] public long CachedHead;
}
