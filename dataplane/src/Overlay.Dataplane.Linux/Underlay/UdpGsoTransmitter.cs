using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// Transmits VXLAN datagrams through UDP sockets instead of the raw socket, so the kernel's UDP GSO
/// (UDP_SEGMENT) can carry a run of equal-sized datagrams of one flow to one VTEP as one super-packet: one
/// syscall and one trip through the stack for up to 64 datagrams. A UDP socket has one source port, so there is
/// one socket per source port of a small set (<see cref="VxlanSourcePorts"/>); the encapsulator hashes each flow
/// onto that set. Input packets are whole outer IP packets as the encapsulator built them: the IP and UDP headers
/// are read (source port, TTL, TOS) and skipped; the kernel writes its own and the UDP checksum (offloaded).
/// </summary>
public sealed unsafe partial class UdpGsoTransmitter : IDisposable
{
    /// <summary>UDP_SEGMENT carries at most this many segments (the kernel's UDP_MAX_SEGMENTS).</summary>
    public const int MaxSegments = 64;
    private const int MaxGsoBytes = 65507 - 8;
    private const int ControlBytes = 80;

    private readonly int[] _fds;
    private readonly ushort _portMin;
    private readonly int _portStep;
    private readonly bool _v6;
    private readonly int _family;
    private readonly int _outerLength;
    private readonly int _maxMessages;
    private readonly int _maxVectors;
    private readonly ushort _destinationPort;
    // Per socket: the messages queued for it in this Send call.
    private readonly MMsgHdr*[] _headers;
    private readonly int[] _messageCount;
    private readonly int[] _touched;
    private int _touchedCount;
    private void* _block;
    private IoVec* _vectors;
    private int _vectorCount;
    private byte* _names;
    private byte* _controls;
    private int _nextMessage;
    private bool _gso = true;

    public int SocketCount => _fds.Length;
    /// <summary>False after the kernel refused UDP_SEGMENT (EIO: no checksum offload on the egress device); each
    /// datagram then goes out alone, still batched with sendmmsg.</summary>
    public bool GsoEnabled => _gso;

    public long TxDatagrams { get; private set; }
    public long TxMessages { get; private set; }
    public long TxCalls { get; private set; }
    public long TxErrors { get; private set; }
    public long TxWouldBlock { get; private set; }
    public int LastErrno { get; private set; }

    private UdpGsoTransmitter(int[] fds, ushort portMin, int portStep, bool v6, int maxBatch, ushort destinationPort)
    {
        _fds = fds;
        _destinationPort = destinationPort;
        _portMin = portMin;
        _portStep = portStep;
        _v6 = v6;
        _family = v6 ? Sock.AF_INET6 : Sock.AF_INET;
        _outerLength = v6 ? 40 + 8 : 20 + 8;
        _maxMessages = maxBatch;
        _maxVectors = maxBatch;
        _headers = new MMsgHdr*[fds.Length];
        _messageCount = new int[fds.Length];
        _touched = new int[fds.Length];
        nuint headerBytes = (nuint)(fds.Length * _maxMessages * sizeof(MMsgHdr));
        nuint bytes = headerBytes + (nuint)(_maxVectors * sizeof(IoVec)) + (nuint)(_maxMessages * (SockAddr.Stride + ControlBytes));
        _block = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_block, bytes);
        for (int s = 0; s < fds.Length; s++) _headers[s] = (MMsgHdr*)_block + s * _maxMessages;
        _vectors = (IoVec*)((byte*)_block + headerBytes);
        _names = (byte*)(_vectors + _maxVectors);
        _controls = _names + _maxMessages * SockAddr.Stride;
    }

    /// <summary>Sends every packet of <paramref name="batch"/> (borrowed). Returns how many datagrams went out.</summary>
    public int Send(PacketBufferPool pool, PacketBatch batch)
    {
        _touchedCount = 0;
        _vectorCount = 0;
        _nextMessage = 0;
        int sent = 0;
        int i = 0;
        while (i < batch.Count)
        {
            if (_nextMessage == _maxMessages || _vectorCount == _maxVectors) sent += FlushAll();
            i = AddRun(pool, batch, i);
        }
        sent += FlushAll();
        TxDatagrams += sent;
        return sent;
    }

    /// <summary>Queues one message made of the run of packets starting at <paramref name="first"/> that can share
    /// a UDP_SEGMENT send: same VTEP, same source port, same TTL and TOS, equal sizes (the last may be
    /// shorter). Returns the index after the run.</summary>
    private int AddRun(PacketBufferPool pool, PacketBatch batch, int first)
    {
        byte* p0 = pool.Pointer(batch.Handles[first]) + batch.Offsets[first];
        int size = batch.Lengths[first] - _outerLength;
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(p0 + _outerLength - 8, 2));
        byte tos = _v6 ? (byte)(BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(p0, 2)) >> 4) : p0[1];
        byte ttl = _v6 ? p0[7] : p0[8];
        IpAddr peer = batch.Peers[first];

        int end = first;
        int bytes = 0;
        int vectorStart = _vectorCount;
        while (end < batch.Count && _vectorCount < _maxVectors)
        {
            int length = batch.Lengths[end] - _outerLength;
            byte* p = pool.Pointer(batch.Handles[end]) + batch.Offsets[end];
            if (end > first)
            {
                if (!_gso || end - first == MaxSegments || length > size || bytes + length > MaxGsoBytes
                    || batch.Peers[end] != peer
                    || BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(p + _outerLength - 8, 2)) != port
                    || (_v6 ? p[7] : p[8]) != ttl
                    || (_v6 ? (byte)(BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(p, 2)) >> 4) : p[1]) != tos)
                {
                    break;
                }
            }
            _vectors[_vectorCount].Base = p + _outerLength;
            _vectors[_vectorCount].Length = (nuint)length;
            _vectorCount++;
            bytes += length;
            end++;
            if (length < size) break; // a shorter datagram ends the run
        }

        int socket = SocketFor(port);
        int m = _nextMessage++;
        byte* name = _names + m * SockAddr.Stride;
        int nameLength = SockAddr.Write(name, peer, _destinationPort, _family);
        MMsgHdr* header = _headers[socket] + _messageCount[socket];
        header->Header.Name = name;
        header->Header.NameLength = (uint)nameLength;
        header->Header.Iov = _vectors + vectorStart;
        header->Header.IovLength = (nuint)(end - first);
        header->Header.Control = _controls + m * ControlBytes;
        header->Header.ControlLength = (nuint)WriteControl(_controls + m * ControlBytes, end - first > 1 ? size : 0, ttl, tos);
        header->Header.Flags = 0;
        header->Length = 0;
        if (_messageCount[socket]++ == 0) _touched[_touchedCount++] = socket;
        return end;
    }

    private int SocketFor(ushort port)
    {
        int index = (port - _portMin) / _portStep;
        return (uint)index < (uint)_fds.Length ? index : 0;
    }

    private int FlushAll()
    {
        int sent = 0;
        for (int t = 0; t < _touchedCount; t++)
        {
            int socket = _touched[t];
            sent += FlushSocket(socket, _messageCount[socket]);
            _messageCount[socket] = 0;
        }
        _touchedCount = 0;
        _vectorCount = 0;
        _nextMessage = 0;
        return sent;
    }

    private int FlushSocket(int socket, int count)
    {
        MMsgHdr* headers = _headers[socket];
        int start = 0;
        int datagrams = 0;
        while (start < count)
        {
            TxCalls++;
            int n = Libc.SendMmsg(_fds[socket], headers + start, (uint)(count - start), Sock.MSG_DONTWAIT);
            if (n > 0)
            {
                for (int k = start; k < start + n; k++) datagrams += (int)headers[k].Header.IovLength;
                TxMessages += n;
                start += n;
                continue;
            }
            int errno = n < 0 ? Errno.Last : Errno.EIO;
            if (errno == Errno.EINTR) continue;
            LastErrno = errno;
            if (errno == Errno.EIO && _gso)
            {
                // The egress device cannot checksum for us, which UDP_SEGMENT needs: send singly from now on.
                _gso = false;
                datagrams += SendSingly(socket, headers + start, count - start);
                return datagrams;
            }
            if (errno is Errno.EAGAIN or Errno.ENOBUFS)
            {
                TxWouldBlock += count - start;
                break;
            }
            TxErrors++;
            start++;
        }
        return datagrams;
    }

    /// <summary>Re-sends queued GSO messages one datagram each (after the kernel refused GSO). The UDP_SEGMENT
    /// control message is always written last, so dropping it is shortening the control length.</summary>
    private int SendSingly(int socket, MMsgHdr* messages, int count)
    {
        int sent = 0;
        for (int k = 0; k < count; k++)
        {
            MsgHdr single = messages[k].Header;
            IoVec* vectors = single.Iov;
            int segments = (int)single.IovLength;
            if (segments > 1) single.ControlLength -= (nuint)ControlMessages.SegmentSpace;
            single.IovLength = 1;
            for (int v = 0; v < segments; v++)
            {
                single.Iov = vectors + v;
                TxCalls++;
                if (Libc.SendMsg(_fds[socket], &single, Sock.MSG_DONTWAIT) >= 0) sent++;
                else TxErrors++;
            }
        }
        return sent;
    }

    /// <summary>TTL and TOS of this datagram's outer header (they may be inherited per packet), then the
    /// segment size when there is more than one segment.</summary>
    private int WriteControl(byte* control, int segmentSize, byte ttl, byte tos)
    {
        int length = ControlMessages.WriteInt(control, _v6 ? Sock.IPPROTO_IPV6 : Sock.IPPROTO_IP, _v6 ? Sock.IPV6_HOPLIMIT : Sock.IP_TTL, ttl);
        length += ControlMessages.WriteInt(control + length, _v6 ? Sock.IPPROTO_IPV6 : Sock.IPPROTO_IP, _v6 ? Sock.IPV6_TCLASS : Sock.IP_TOS, tos);
        if (segmentSize > 0) length += ControlMessages.WriteSegment(control + length, (ushort)segmentSize);
        return length;
    }

    public void Dispose()
    {
        foreach (int fd in _fds)
        {
            if (fd >= 0) Libc.Close(fd);
        }
        void* block = _block;
        _block = null;
        if (block != null) NativeMemory.AlignedFree(block);
    }
}
