using System.Buffers.Binary;
using System.Text;
using Overlay.Gossip.Membership;

namespace Overlay.Gossip.Simulator;

/// <summary>
/// A stand-in for the endpoint table: a last-writer-wins map key -> (version, value). A user broadcast carries one
/// entry; an entry that is new to this node is applied and broadcast again under its key (so the newest version
/// of a key replaces older ones still queued), whether it came by gossip or by push/pull. The push/pull user state
/// is the whole map.
/// </summary>
public sealed class SimDelegate : ISimApplication
{
    private readonly SimulatedNetwork _network;
    private readonly SimHost _host;
    private readonly Dictionary<string, (long Version, byte[] Value)> _entries = new(StringComparer.Ordinal);

    internal SimDelegate(SimulatedNetwork network, SimHost host)
    {
        _network = network;
        _host = host;
    }

    public IReadOnlyDictionary<string, (long Version, byte[] Value)> Entries => _entries;

    public long VersionOf(string key) => _entries.TryGetValue(key, out var e) ? e.Version : -1;

    /// <summary>Sets an entry locally and broadcasts it (an endpoint add on this host).</summary>
    public void Publish(string key, long version, byte[] value)
    {
        Apply(key, version, value, Encode(key, version, value));
    }

    public void NotifyUserMessage(byte[] payload)
    {
        int offset = 0;
        (string key, long version, byte[] value) = Decode(payload, ref offset);
        Apply(key, version, value, payload);
    }

    public byte[]? LocalState(bool join)
    {
        if (_entries.Count == 0)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        foreach ((string key, (long version, byte[] value)) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            buffer.Write(Encode(key, version, value));
        }
        return buffer.ToArray();
    }

    public void MergeRemoteState(byte[] state, bool join)
    {
        int offset = 0;
        while (offset < state.Length)
        {
            int start = offset;
            (string key, long version, byte[] value) = Decode(state, ref offset);
            Apply(key, version, value, state[start..offset]);
        }
    }

    public void NotifyJoin(in Member member)
    {
    }

    public void NotifyLeave(in Member member) => _network.OnLeave(_host, member);

    private void Apply(string key, long version, byte[] value, byte[] encoded)
    {
        if (_entries.TryGetValue(key, out var current) && current.Version >= version)
        {
            return;
        }
        _entries[key] = (version, value);
        _network.OnUserState(_host, key, version);
        _host.Node!.Broadcast(key, encoded);
    }

    private static byte[] Encode(string key, long version, byte[] value)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        var buffer = new byte[2 + keyBytes.Length + 8 + 2 + value.Length];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)keyBytes.Length);
        keyBytes.CopyTo(buffer, 2);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(2 + keyBytes.Length), version);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(10 + keyBytes.Length), (ushort)value.Length);
        value.CopyTo(buffer, 12 + keyBytes.Length);
        return buffer;
    }

    private static (string Key, long Version, byte[] Value) Decode(byte[] data, ref int offset)
    {
        int keyLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
        string key = Encoding.UTF8.GetString(data, offset + 2, keyLength);
        offset += 2 + keyLength;
        long version = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(offset));
        int valueLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset + 8));
        byte[] value = data.AsSpan(offset + 10, valueLength).ToArray();
        offset += 10 + valueLength;
        return (key, version, value);
    }
}
