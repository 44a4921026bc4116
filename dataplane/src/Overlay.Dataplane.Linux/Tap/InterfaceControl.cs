using System.Buffers.Binary;
using System.Globalization;
using Overlay.Dataplane.Linux.Native;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>
/// Interface configuration through the classic SIOC* ioctls on a datagram socket. The socket is opened in the
/// calling thread's network namespace and acts on interfaces of that namespace, so create it on the thread that
/// is inside the target namespace. Every failure throws a <see cref="LinuxIoException"/> naming the ioctl, the
/// interface and <c>where</c> (e.g. " in netns ep1").
/// </summary>
internal sealed unsafe class InterfaceControl : IDisposable
{
    private readonly string _where;
    private int _inet = -1;
    private int _inet6 = -1;

    public InterfaceControl(string where)
    {
        _where = where;
        _inet = Libc.Socket(Sock.AF_INET, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC, 0);
        if (_inet < 0) throw Fail("socket AF_INET");
    }

    /// <summary>The interface index, or 0 when no interface has that name.</summary>
    public int TryGetIndex(string name)
    {
        var req = Request(name);
        return Libc.Ioctl(_inet, Sockios.SIOCGIFINDEX, &req) == 0 ? req.Value : 0;
    }

    public int GetIndex(string name) => Get(name, Sockios.SIOCGIFINDEX, "SIOCGIFINDEX").Value;

    public int GetMtu(string name) => Get(name, Sockios.SIOCGIFMTU, "SIOCGIFMTU").Value;

    public void SetMtu(string name, int mtu)
    {
        var req = Request(name);
        req.Value = mtu;
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFMTU, &req) != 0) throw Fail($"SIOCSIFMTU {mtu} {name}");
    }

    /// <summary>The device's transmit queue length (for a TAP: how many packets wait for the reader).</summary>
    public void SetTxQueueLength(string name, int length)
    {
        var req = Request(name);
        req.Value = length;
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFTXQLEN, &req) != 0) throw Fail($"SIOCSIFTXQLEN {length} {name}");
    }

    public MacAddress GetMac(string name)
    {
        var req = Get(name, Sockios.SIOCGIFHWADDR, "SIOCGIFHWADDR");
        return MacAddress.Read(new ReadOnlySpan<byte>(req.Data, 6));
    }

    public void SetMac(string name, MacAddress mac)
    {
        var req = Request(name);
        req.Family = Sockios.ARPHRD_ETHER;
        mac.Write(new Span<byte>(req.Data, 6));
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFHWADDR, &req) != 0) throw Fail($"SIOCSIFHWADDR {mac} {name}");
    }

    /// <summary>Adds an IPv4 address. <paramref name="alias"/> 0 sets the primary address, n &gt; 0 the alias
    /// label NAME:n (the classic ioctls hold one IPv4 address per label).</summary>
    public void AddIPv4(string name, int alias, InterfaceAddress address)
    {
        string label = alias == 0 ? name : name + ":" + alias.ToString(CultureInfo.InvariantCulture);
        var req = Request(label);
        req.Family = Sock.AF_INET;
        address.Address.WriteV4(new Span<byte>(req.Data + 2, 4));
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFADDR, &req) != 0) throw Fail($"SIOCSIFADDR {address} {label}");

        req = Request(label);
        req.Family = Sock.AF_INET;
        uint mask = address.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - address.PrefixLength);
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(req.Data + 2, 4), mask);
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFNETMASK, &req) != 0) throw Fail($"SIOCSIFNETMASK {address} {label}");
    }

    /// <summary>Adds an IPv6 address (in6_ifreq on an AF_INET6 socket). The kernel runs DAD on it as usual.</summary>
    public void AddIPv6(string name, int ifIndex, InterfaceAddress address)
    {
        if (_inet6 < 0)
        {
            _inet6 = Libc.Socket(Sock.AF_INET6, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC, 0);
            if (_inet6 < 0) throw Fail("socket AF_INET6");
        }
        In6IfReq req = default;
        address.Address.WriteV6(new Span<byte>(req.Address, 16));
        req.PrefixLength = (uint)address.PrefixLength;
        req.IfIndex = ifIndex;
        if (Libc.Ioctl(_inet6, Sockios.SIOCSIFADDR, &req) != 0) throw Fail($"SIOCSIFADDR {address} {name}");
    }

    public void SetUp(string name)
    {
        var req = Get(name, Sockios.SIOCGIFFLAGS, "SIOCGIFFLAGS");
        req.Flags |= Sockios.IFF_UP;
        if (Libc.Ioctl(_inet, Sockios.SIOCSIFFLAGS, &req) != 0) throw Fail($"SIOCSIFFLAGS up {name}");
    }

    public void Dispose()
    {
        Libc.CloseOnce(ref _inet);
        Libc.CloseOnce(ref _inet6);
    }

    private IfReq Get(string name, uint request, string requestName)
    {
        var req = Request(name);
        if (Libc.Ioctl(_inet, request, &req) != 0) throw Fail($"{requestName} {name}");
        return req;
    }

    private static IfReq Request(string name)
    {
        IfReq req = default;
        if (!req.TrySetName(name)) throw new ArgumentException($"interface name '{name}' is longer than 15 bytes", nameof(name));
        return req;
    }

    private LinuxIoException Fail(string what) => LinuxIoException.FromLastError(what + _where);
}
