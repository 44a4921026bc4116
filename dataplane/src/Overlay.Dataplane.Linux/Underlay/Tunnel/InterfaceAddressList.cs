using System.Runtime.InteropServices;
using Overlay.Dataplane.Linux.Native;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>
/// getifaddrs(3) of the calling thread's network namespace, flattened into <see cref="Entry"/> values: one per
/// IPv4/IPv6 address (name, address) and one per link (AF_PACKET: name, index, MAC). Run it on a thread inside
/// the target namespace (<see cref="Netns.NetworkNamespace.Run{T}"/>). Setup only.
/// </summary>
internal static unsafe partial class InterfaceAddressList
{
    public const int AF_PACKET = 17;

    /// <summary>One getifaddrs row. Address rows have <see cref="Family"/> AF_INET/AF_INET6 and a
    /// <see cref="Address"/>; link rows have AF_PACKET, <see cref="IfIndex"/> and <see cref="Mac"/> (zero when the
    /// link's hardware address is not 6 bytes). For an IPv4 address with a label (eth0:1) the name is the label.</summary>
    public readonly record struct Entry(string Name, int Family, IpAddr Address, int IfIndex, MacAddress Mac)
    {
        public static Entry ForAddress(string name, IpAddr address) =>
            new(name, address.IsV4 ? Sock.AF_INET : Sock.AF_INET6, address, 0, default);

        public static Entry ForLink(string name, int ifIndex, MacAddress mac) => new(name, AF_PACKET, default, ifIndex, mac);
    }

    /// <summary>Reads the list; throws <see cref="LinuxIoException"/> when getifaddrs fails.</summary>
    public static List<Entry> Read(string where)
    {
        IfAddrs* list = null;
        if (GetIfAddrs(&list) != 0) throw LinuxIoException.FromLastError("getifaddrs" + where);
        try
        {
            var entries = new List<Entry>();
            for (var p = list; p != null; p = p->Next)
            {
                if (p->Name == null || p->Address == null) continue;
                string name = Marshal.PtrToStringUTF8((nint)p->Name) ?? "";
                byte* sa = p->Address;
                switch (*(ushort*)sa)
                {
                    case Sock.AF_INET:
                        entries.Add(Entry.ForAddress(name, IpAddr.ReadV4(new ReadOnlySpan<byte>(sa + 4, 4))));
                        break;
                    case Sock.AF_INET6:
                        entries.Add(Entry.ForAddress(name, IpAddr.ReadV6(new ReadOnlySpan<byte>(sa + 8, 16))));
                        break;
                    case AF_PACKET:
                        // sockaddr_ll: family u16, protocol u16, ifindex i32, hatype u16, pkttype u8, halen u8, addr[8]
                        int ifIndex = *(int*)(sa + 4);
                        var mac = sa[11] == 6 ? MacAddress.Read(new ReadOnlySpan<byte>(sa + 12, 6)) : MacAddress.Zero;
                        entries.Add(Entry.ForLink(name, ifIndex, mac));
                        break;
                }
            }
            return entries;
        }
        finally
        {
            FreeIfAddrs(list);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct IfAddrs
    {
        public IfAddrs* Next;
        public byte* Name;
        public uint Flags;
        public byte* Address;
        public byte* Netmask;
        public byte* BroadcastOrDestination;
        public void* Data;
    }

    [LibraryImport("libc", EntryPoint = "getifaddrs", SetLastError = true)]
    private static partial int GetIfAddrs(IfAddrs** list);

    [LibraryImport("libc", EntryPoint = "freeifaddrs")]
    private static partial void FreeIfAddrs(IfAddrs* list);
}
