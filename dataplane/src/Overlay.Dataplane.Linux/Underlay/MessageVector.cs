using System.Runtime.InteropServices;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// The argument of one recvmmsg/sendmmsg call, allocated once in native memory: <see cref="Capacity"/> mmsghdrs,
/// each with one iovec and one sockaddr slot already wired in. Per call only the iovec, the name length and the
/// flags change, so a batch call allocates nothing.
/// </summary>
internal sealed unsafe class MessageVector : IDisposable
{
    private void* _block;

    public MessageVector(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        nuint bytes = (nuint)capacity * (nuint)(sizeof(MMsgHdr) + sizeof(IoVec) + SockAddr.Stride);
        _block = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_block, bytes);
        Headers = (MMsgHdr*)_block;
        Vectors = (IoVec*)(Headers + capacity);
        Names = (byte*)(Vectors + capacity);
        for (int i = 0; i < capacity; i++)
        {
            Headers[i].Header.Iov = Vectors + i;
            Headers[i].Header.IovLength = 1;
            Headers[i].Header.Name = Names + i * SockAddr.Stride;
        }
    }

    public int Capacity { get; }
    public MMsgHdr* Headers { get; private set; }
    public IoVec* Vectors { get; private set; }
    public byte* Names { get; private set; }

    public byte* NameAt(int index) => Names + index * SockAddr.Stride;

    /// <summary>Points message <paramref name="index"/> at <paramref name="length"/> bytes at <paramref name="data"/>.</summary>
    public void Set(int index, byte* data, int length, int nameLength)
    {
        Vectors[index].Base = data;
        Vectors[index].Length = (nuint)length;
        MMsgHdr* m = Headers + index;
        m->Header.NameLength = (uint)nameLength;
        m->Header.Flags = 0;
        m->Length = 0;
    }

    public void Dispose()
    {
        void* block = _block;
        _block = null;
        Headers = null;
        Vectors = null;
        Names = null;
        if (block != null) NativeMemory.AlignedFree(block);
    }
}
