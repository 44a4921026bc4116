using Microsoft.Extensions.Time.Testing;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;
using Overlay.Testing;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>VTEPs in memory: each a switch with its own pool, joined by one <see cref="InMemoryUnderlay"/>, on fake time.</summary>
internal sealed class SwitchRig
{
    public FakeTimeProvider Time { get; } = new();
    public InMemoryUnderlay Underlay { get; } = new();
    public List<Host> Hosts { get; } = [];

    public Host AddHost(string v4, Func<VxlanSettings, VxlanSettings>? tweak = null, string? v6 = null, int poolSize = 1024)
    {
        var settings = new VxlanSettings { LocalV4 = IpAddr.Parse(v4), LocalV6 = v6 is null ? default : IpAddr.Parse(v6) };
        if (tweak is not null) settings = tweak(settings);
        var addresses = new[] { settings.LocalV4, settings.LocalV6 }.Where(a => !a.IsNone).ToArray();
        var end = Underlay.Attach(addresses);
        var pool = new PacketBufferPool(poolSize);
        var host = new Host(new VxlanSwitch(pool, settings, end, Time), end, pool);
        Hosts.Add(host);
        return host;
    }

    /// <summary>Runs every host's ports and underlay until nothing is pending.</summary>
    public void Pump()
    {
        bool busy = true;
        while (busy)
        {
            busy = false;
            foreach (var h in Hosts) busy |= h.Pump();
        }
    }

    internal sealed class Host(VxlanSwitch sw, InMemoryUnderlay.End end, PacketBufferPool pool)
    {
        private readonly PacketBatch _rx = new(64);
        public VxlanSwitch Switch { get; } = sw;
        public InMemoryUnderlay.End End { get; } = end;
        public PacketBufferPool Pool { get; } = pool;
        public Dictionary<string, FakeInsidePort> PortDevices { get; } = [];

        public SwitchNetwork Network(uint vni, string? name = null, Func<NetworkSettings, NetworkSettings>? tweak = null)
        {
            if (Switch.TryGetNetwork(vni, out var n)) return n;
            var s = new NetworkSettings { Name = name ?? $"net{vni}", Vni = vni };
            return Switch.AddNetwork(tweak is null ? s : tweak(s));
        }

        public FakeInsidePort Port(string name, uint vni, int mtu = 1450)
        {
            var device = new FakeInsidePort();
            Switch.AddPort(name, device, Network(vni), mtu);
            PortDevices[name] = device;
            return device;
        }

        public bool Pump()
        {
            bool any = false;
            foreach (var p in Switch.Ports)
            {
                while (p.Device.Read(Pool, _rx) > 0)
                {
                    any = true;
                    Switch.ProcessInside(p.Index, _rx);
                }
            }
            while (End.Receive(Pool, _rx) > 0)
            {
                any = true;
                Switch.ProcessOutside(_rx);
            }
            return any;
        }
    }
}
