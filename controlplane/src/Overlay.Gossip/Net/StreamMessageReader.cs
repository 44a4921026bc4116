using System.Buffers;
using System.Net.Sockets;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>Reads the one message a memberlist stream carries in each direction. A plaintext stream message has
/// no length, so bytes are read and decoding retried until it stops saying <see cref="WireError.Truncated"/>;
/// the buffer is pooled and never grows past the message limit (plus the label and encryption headers). The
/// caller bounds the time with the cancellation token.</summary>
internal static class StreamMessageReader
{
    private const int InitialBuffer = 4096;
    private const int NonceOffset = StreamEnvelope.EncryptHeaderLength + PayloadCipher.VersionSize;

    public static async ValueTask<StreamRead> ReadAsync(Socket socket, GossipSecurityOptions security, StreamLimits limits,
        bool expectLabel, CancellationToken cancellationToken)
    {
        int max = limits.MaxMessageBytes + StreamEnvelope.EncryptHeaderLength + LabelHeader.Overhead(LabelHeader.MaxLabelLength);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBuffer, max));
        try
        {
            int count = 0;
            int start = 0;
            bool labelDone = !expectLabel;
            while (true)
            {
                // Decode once the bytes on hand are read (or the buffer is full), not after every segment: a large
                // plaintext message has no length and is decoded from its start each time.
                if (count > start && (socket.Available == 0 || count == Math.Min(buffer.Length, max)))
                {
                    StreamRead? done = TryDecode(buffer.AsSpan(0, count), security, limits, ref labelDone, ref start);
                    if (done is { } result)
                    {
                        return result;
                    }
                }
                int capacity = Math.Min(buffer.Length, max); // a pooled array may be larger than asked for
                if (count == capacity)
                {
                    if (capacity == max)
                    {
                        return StreamRead.Failed(WireError.TooLarge);
                    }
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(max, capacity * 2));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    capacity = Math.Min(buffer.Length, max);
                }
                int read = await socket.ReceiveAsync(buffer.AsMemory(count, capacity - count), SocketFlags.None, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    return StreamRead.Failed(WireError.Truncated); // closed before a whole message
                }
                count += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One decoding attempt over what has been read: null means "read more".</summary>
    private static StreamRead? TryDecode(ReadOnlySpan<byte> buffered, GossipSecurityOptions security, in StreamLimits limits,
        ref bool labelDone, ref int start)
    {
        if (!labelDone)
        {
            WireError le = StreamEnvelope.TryAcceptLabel(buffered, security, out int labelLength);
            if (le == WireError.Truncated)
            {
                return null;
            }
            if (le != WireError.None)
            {
                return StreamRead.Failed(le);
            }
            labelDone = true;
            start = labelLength;
            if (buffered.Length == start)
            {
                return null;
            }
        }
        ReadOnlySpan<byte> body = buffered[start..];
        WireError e = StreamEnvelope.TryOpen(body, security, limits, out _, out DecodedMessage message);
        if (e == WireError.Truncated)
        {
            return null;
        }
        if (e != WireError.None)
        {
            return StreamRead.Failed(e);
        }
        UInt128? nonce = null;
        if (body[0] == (byte)MessageType.Encrypt)
        {
            nonce = ReplayWindow.Key(body.Slice(NonceOffset, PayloadCipher.NonceSize));
        }
        return new StreamRead(WireError.None, message, nonce);
    }
}
