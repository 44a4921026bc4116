using System.Buffers.Binary;

namespace Overlay.Gossip.Net;

/// <summary>Remembers the AES-GCM nonces of the last <c>capacity</c> authenticated messages, so an encrypted
/// packet or stream message captured and sent again is dropped. Senders pick nonces at random (96 bits), so a
/// legitimate repeat does not happen. Only authenticated nonces are recorded: forged traffic cannot evict or
/// pre-empt real ones. Plaintext has no nonce; its replays are stale news the protocol already ignores.</summary>
internal sealed class ReplayWindow
{
    private readonly Lock _lock = new();
    private readonly UInt128[] _ring;
    private readonly HashSet<UInt128> _seen;
    private int _next;
    private int _count;

    public ReplayWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new UInt128[capacity];
        _seen = new HashSet<UInt128>(capacity);
    }

    /// <summary>Records <paramref name="nonce"/> (12 bytes); false if it is already in the window.</summary>
    public bool TryAccept(ReadOnlySpan<byte> nonce) => TryAccept(Key(nonce));

    /// <summary>Records a nonce already in key form (<see cref="Key"/>); false if it is already in the window.</summary>
    public bool TryAccept(UInt128 key)
    {
        lock (_lock)
        {
            if (!_seen.Add(key))
            {
                return false;
            }
            if (_count == _ring.Length)
            {
                _seen.Remove(_ring[_next]);
            }
            else
            {
                _count++;
            }
            _ring[_next] = key;
            _next = (_next + 1) % _ring.Length;
            return true;
        }
    }

    public static UInt128 Key(ReadOnlySpan<byte> nonce)
    {
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        nonce[..Math.Min(nonce.Length, 16)].CopyTo(padded);
        return BinaryPrimitives.ReadUInt128BigEndian(padded);
    }
}
