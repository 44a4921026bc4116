using System.Collections.Concurrent;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net;

/// <summary>The highest protocol version each peer address announced (Vsn[1] of its alive message or push/pull
/// state), learned as those pass through the transport, so a packet gets memberlist's CRC header only when the
/// receiver understands it (PMax >= 5). Bounded: when full it starts over, and until a peer is heard of again it
/// simply gets no CRC, which every version accepts.</summary>
internal sealed class PeerVersions(int capacity = 16384)
{
    private const int VsnProtocolMax = 1;
    private readonly ConcurrentDictionary<GossipEndPoint, byte> _protocolMax = new();

    public void Learn(ReadOnlySpan<byte> address, ushort port, byte[]? vsn)
    {
        if (vsn is not { Length: > VsnProtocolMax } || address.Length is not (4 or 16))
        {
            return;
        }
        var endPoint = GossipEndPoint.FromBytes(address, port);
        if (_protocolMax.TryGetValue(endPoint, out byte known) && known == vsn[VsnProtocolMax])
        {
            return;
        }
        if (_protocolMax.Count >= capacity)
        {
            _protocolMax.Clear();
        }
        _protocolMax[endPoint] = vsn[VsnProtocolMax];
    }

    public bool WantsCrc(GossipEndPoint to) =>
        _protocolMax.TryGetValue(to, out byte max) && max >= Wire.CrcHeader.MinProtocolVersion;
}
