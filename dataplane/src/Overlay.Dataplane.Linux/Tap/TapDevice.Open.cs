using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Linux.Netns;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>Opening: create a device or attach to an existing one, here or inside another namespace.</summary>
public sealed unsafe partial class TapDevice
{
    /// <summary>
    /// Creates a non-persistent TAP (it must not exist yet), sets its MAC, MTU and addresses and brings it up.
    /// With <see cref="TapOptions.Namespace"/> all of that happens on a thread inside that namespace; the
    /// returned fd works from any thread. The kernel removes the device when the fd closes.
    /// Throws <see cref="LinuxIoException"/> naming the failed step.
    /// </summary>
    public static TapDevice Create(TapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Namespace is null
            ? CreateHere(options)
            : NetworkNamespace.Run(options.Namespace, () => CreateHere(options));
    }

    /// <summary>
    /// Attaches to an existing persistent TAP named <paramref name="name"/> (made e.g. by
    /// <c>ip tuntap add mode tap</c>) without changing its settings. It stays after <see cref="Dispose"/>.
    /// </summary>
    public static TapDevice Attach(string name, string? ns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ns is null ? AttachHere(name, null) : NetworkNamespace.Run(ns, () => AttachHere(name, ns));
    }

    private static TapDevice CreateHere(TapOptions options)
    {
        string where = Where(options.Namespace);
        int fd = OpenTun(options.Name, where);
        try
        {
            short flags = Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_TUN_EXCL;
            if (options.Offloads != TapOffloads.None) flags |= Tun.IFF_VNET_HDR;
            if (options.MultiQueue) flags |= Tun.IFF_MULTI_QUEUE;
            string name = SetInterface(fd, options.Name, flags, where);
            // Offloads are set before the link comes up, so the stack sees them from its first frame.
            TapOffloads offloads = options.Offloads == TapOffloads.None ? TapOffloads.None : Negotiate(fd, options.Offloads);
            using var control = new InterfaceControl(where);
            if (!options.Mac.IsZero) control.SetMac(name, options.Mac);
            control.SetMtu(name, options.Mtu);
            int ifIndex = control.GetIndex(name);
            int alias = 0;
            foreach (var address in options.Addresses)
            {
                if (address.Address.IsV4) control.AddIPv4(name, alias++, address);
                else control.AddIPv6(name, ifIndex, address);
            }
            if (options.Up) control.SetUp(name);
            var device = new TapDevice(fd, name, options.Namespace, ifIndex, control.GetMtu(name), control.GetMac(name), owned: true)
            {
                _queueFlags = (short)(flags & ~Tun.IFF_TUN_EXCL),
            };
            if (options.Offloads != TapOffloads.None) device.EnableVnet(offloads);
            fd = -1;
            return device;
        }
        finally
        {
            if (fd >= 0) Libc.Close(fd); // the half-made device goes away with it
        }
    }

    private static TapDevice AttachHere(string name, string? ns)
    {
        string where = Where(ns);
        using var control = new InterfaceControl(where);
        // TUNSETIFF on a free name would create a new device: make sure it exists first.
        int ifIndex = control.TryGetIndex(name);
        if (ifIndex == 0) throw new LinuxIoException($"attach {name}{where}: no such interface", Errno.ENODEV);
        int fd = OpenTun(name, where);
        try
        {
            const short flags = Tun.IFF_TAP | Tun.IFF_NO_PI;
            IfReq req = default;
            req.TrySetName(name);
            req.Flags = flags;
            int rc = Libc.Ioctl(fd, Tun.TUNSETIFF, &req);
            if (rc != 0 && Errno.Last == Errno.EINVAL)
            {
                // The queue mode must match the device's: retry as a queue of a multi-queue device.
                req.Flags = flags | Tun.IFF_MULTI_QUEUE;
                rc = Libc.Ioctl(fd, Tun.TUNSETIFF, &req);
            }
            if (rc != 0) throw LinuxIoException.FromLastError($"TUNSETIFF attach {name}{where}");
            short queueFlags = req.Flags;
            if (control.GetIndex(name) != ifIndex)
            {
                throw new LinuxIoException($"attach {name}{where}: the interface was replaced while attaching", Errno.ENODEV);
            }
            var device = new TapDevice(fd, name, ns, ifIndex, control.GetMtu(name), control.GetMac(name), owned: false)
            {
                _queueFlags = queueFlags,
            };
            fd = -1;
            return device;
        }
        finally
        {
            if (fd >= 0) Libc.Close(fd);
        }
    }

    /// <summary>True when the device has several queues (IFF_MULTI_QUEUE): <see cref="OpenQueue"/> works.</summary>
    public bool IsMultiQueue => (_queueFlags & Tun.IFF_MULTI_QUEUE) != 0;

    /// <summary>
    /// Opens one more queue of this multi-queue device, for another worker: its own fd, read and written by that
    /// worker alone, with the same offloads. The kernel spreads flows over the queues and keeps each flow on one.
    /// The device lives until its last queue closes.
    /// </summary>
    public TapDevice OpenQueue()
    {
        if (!IsMultiQueue) throw new InvalidOperationException($"{this} is not a multi-queue device");
        return Namespace is null ? OpenQueueHere() : NetworkNamespace.Run(Namespace, OpenQueueHere);
    }

    private TapDevice OpenQueueHere()
    {
        string where = Where(Namespace);
        int fd = OpenTun(Name, where);
        try
        {
            SetInterface(fd, Name, _queueFlags, where);
            if (Offloads != TapOffloads.None && Negotiate(fd, Offloads) != Offloads)
            {
                throw new LinuxIoException($"queue of {Name}{where}: the kernel refused offloads {Offloads}", Errno.EINVAL);
            }
            var queue = new TapDevice(fd, Name, Namespace, IfIndex, Mtu, Mac, owned: IsOwned) { _queueFlags = _queueFlags };
            if (Offloads != TapOffloads.None) queue.EnableVnet(Offloads);
            fd = -1;
            return queue;
        }
        finally
        {
            if (fd >= 0) Libc.Close(fd);
        }
    }

    /// <summary>
    /// Another handle on this single-queue device for a worker that only writes to it (dup(2) of the fd: the
    /// kernel takes concurrent writes to one queue frame by frame). Only the first handle may be read.
    /// </summary>
    public TapDevice ShareForWriting()
    {
        int fd = Libc.Dup(_fd);
        if (fd < 0) throw LinuxIoException.FromLastError($"dup {this}");
        var shared = new TapDevice(fd, Name, Namespace, IfIndex, Mtu, Mac, owned: false) { _queueFlags = _queueFlags };
        if (Offloads != TapOffloads.None) shared.EnableVnet(Offloads);
        return shared;
    }

    internal static int OpenTun(string name, string where)
    {
        int fd = Libc.Open(Tun.DevicePath, Sys.O_RDWR | Sys.O_NONBLOCK | Sys.O_CLOEXEC);
        if (fd < 0) throw LinuxIoException.FromLastError($"open {Tun.DevicePath} for {name}{where}");
        return fd;
    }

    internal static string SetInterface(int fd, string name, short flags, string where)
    {
        IfReq req = default;
        req.TrySetName(name);
        req.Flags = flags;
        if (Libc.Ioctl(fd, Tun.TUNSETIFF, &req) != 0) throw LinuxIoException.FromLastError($"TUNSETIFF {name}{where}");
        return req.GetName();
    }

    private static string Where(string? ns) => ns is null ? "" : " in netns " + ns;
}
