using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Buffers;

/// <summary>
/// Packet buffers carved from one pinned (POH) slab per size class, referenced by an <see cref="int"/> handle.
/// Every buffer starts with <see cref="Headroom"/> bytes so that an outer IPv6 + UDP + VXLAN header (and a
/// virtio-net header) can be written in front of a frame without moving it.
/// Two size classes: small buffers for ordinary frames and a few large ones for 64 KB super-frames, so a
/// small frame never pays for a large one. Not thread-safe: each worker owns its pool.
/// </summary>
public sealed unsafe class PacketBufferPool
{
    /// <summary>Bytes in front of every frame: virtio-net v1 hash+tunnel header (24) + IPv6 (40) + UDP (8) + VXLAN (8), rounded up.</summary>
    public const int Headroom = 128;

    public const int DefaultSmallSize = 2048;
    public const int DefaultLargeSize = Headroom + 65536 + 256;

    private readonly byte[] _small;
    private readonly byte[] _large;
    private readonly byte* _smallBase;
    private readonly byte* _largeBase;
    private readonly int[] _free;
    private int _freeCount;
    private readonly int[] _freeLarge;
    private int _freeLargeCount;
#if DEBUG
    private readonly bool[] _rented;
#endif

    public PacketBufferPool(int smallCount, int smallSize = DefaultSmallSize, int largeCount = 0, int largeSize = DefaultLargeSize)
    {
        if (smallCount <= 0) throw new ArgumentOutOfRangeException(nameof(smallCount));
        if (smallSize < Headroom + 64) throw new ArgumentOutOfRangeException(nameof(smallSize));
        if (largeCount < 0) throw new ArgumentOutOfRangeException(nameof(largeCount));
        SmallCount = smallCount;
        SmallSize = (smallSize + 63) & ~63;
        LargeCount = largeCount;
        LargeSize = (largeSize + 63) & ~63;

        _small = GC.AllocateUninitializedArray<byte>(SmallCount * SmallSize, pinned: true);
        _smallBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_small));
        _large = GC.AllocateUninitializedArray<byte>(Math.Max(1, LargeCount * LargeSize), pinned: true);
        _largeBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_large));

        _free = new int[SmallCount];
        for (int i = 0; i < SmallCount; i++) _free[i] = SmallCount - 1 - i;
        _freeCount = SmallCount;
        _freeLarge = new int[LargeCount];
        for (int i = 0; i < LargeCount; i++) _freeLarge[i] = SmallCount + LargeCount - 1 - i;
        _freeLargeCount = LargeCount;
#if DEBUG
        _rented = new bool[SmallCount + LargeCount];
#endif
    }

    public int SmallCount { get; }
    public int SmallSize { get; }
    public int LargeCount { get; }
    public int LargeSize { get; }

    /// <summary>The largest frame a small buffer holds after the headroom.</summary>
    public int SmallFrameCapacity => SmallSize - Headroom;
    public int LargeFrameCapacity => LargeSize - Headroom;

    /// <summary>Buffers rented and not yet returned, both classes.</summary>
    public int Outstanding => SmallCount - _freeCount + LargeCount - _freeLargeCount;
    public int Available => _freeCount;
    public int AvailableLarge => _freeLargeCount;

    /// <summary>Rents a small buffer; the caller owns it until <see cref="Return"/>.</summary>
    public bool TryRent(out int handle)
    {
        if (_freeCount == 0)
        {
            handle = -1;
            return false;
        }
        handle = _free[--_freeCount];
        MarkRented(handle);
        return true;
    }

    /// <summary>Rents a large (super-frame) buffer.</summary>
    public bool TryRentLarge(out int handle)
    {
        if (_freeLargeCount == 0)
        {
            handle = -1;
            return false;
        }
        handle = _freeLarge[--_freeLargeCount];
        MarkRented(handle);
        return true;
    }

    /// <summary>Takes back ownership of a buffer.</summary>
    public void Return(int handle)
    {
        MarkReturned(handle);
        if (handle < SmallCount) _free[_freeCount++] = handle;
        else _freeLarge[_freeLargeCount++] = handle;
    }

    public bool IsLarge(int handle) => handle >= SmallCount;

    public int SizeOf(int handle) => handle < SmallCount ? SmallSize : LargeSize;

    /// <summary>The whole buffer, headroom included. Borrowed: valid while the handle is rented.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Span(int handle) => handle < SmallCount
        ? new Span<byte>(_smallBase + (nint)handle * SmallSize, SmallSize)
        : new Span<byte>(_largeBase + (nint)(handle - SmallCount) * LargeSize, LargeSize);

    /// <summary>The buffer's first byte. The slab is pinned, so the pointer is stable for the pool's life.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Pointer(int handle) => handle < SmallCount
        ? _smallBase + (nint)handle * SmallSize
        : _largeBase + (nint)(handle - SmallCount) * LargeSize;

    [System.Diagnostics.Conditional("DEBUG")]
    private void MarkRented(int handle)
    {
#if DEBUG
        _rented[handle] = true;
#endif
    }

    [System.Diagnostics.Conditional("DEBUG")]
    private void MarkReturned(int handle)
    {
#if DEBUG
        if ((uint)handle >= (uint)_rented.Length || !_rented[handle])
            throw new InvalidOperationException($"buffer {handle} returned twice or never rented");
        _rented[handle] = false;
#endif
    }
}
