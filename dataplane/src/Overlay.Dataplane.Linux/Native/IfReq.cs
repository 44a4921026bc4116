using System.Runtime.InteropServices;
using System.Text;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>struct ifreq (40 bytes): an interface name and a 24-byte union (flags, mtu, ifindex, sockaddr).</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct IfReq
{
    public const int NameSize = 16;

    [FieldOffset(0)] public fixed byte Name[NameSize];

    /// <summary>ifr_flags (a short in the kernel ABI).</summary>
    [FieldOffset(16)] public short Flags;

    /// <summary>ifr_mtu / ifr_ifindex / ifr_metric.</summary>
    [FieldOffset(16)] public int Value;

    /// <summary>ifr_addr / ifr_netmask / ifr_hwaddr: sa_family at 16, sa_data from 18 (an IPv4 address at 20).</summary>
    [FieldOffset(16)] public ushort Family;
    [FieldOffset(18)] public fixed byte Data[14];

    /// <summary>Sets the name; false when it does not fit (15 bytes and a NUL).</summary>
    public bool TrySetName(string name)
    {
        fixed (byte* p = Name)
        {
            var span = new Span<byte>(p, NameSize);
            span.Clear();
            if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > NameSize - 1) return false;
            Encoding.UTF8.GetBytes(name, span);
            return true;
        }
    }

    public string GetName()
    {
        fixed (byte* p = Name)
        {
            var span = new ReadOnlySpan<byte>(p, NameSize);
            int end = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
    }
}
