using System.Text;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tap;

/// <summary>How to create a TAP device (<see cref="TapDevice.Create"/>).</summary>
public sealed class TapOptions
{
    /// <summary>The interface name, at most 15 bytes (a kernel pattern such as "ovl%d" is allowed).</summary>
    public required string Name { get; init; }

    /// <summary>The network namespace to create it in: a name under /var/run/netns or a path. Null: the calling
    /// thread's namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The MAC address; <see cref="MacAddress.Zero"/> keeps the kernel's random one.</summary>
    public MacAddress Mac { get; init; }

    public int Mtu { get; init; } = 1500;

    /// <summary>IPv4 and IPv6 addresses to add. IPv4 addresses after the first get alias labels (NAME:1, ...).</summary>
    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = [];

    /// <summary>Offloads to ask the kernel for; those it refuses are dropped (see <see cref="TapDevice.Offloads"/>).</summary>
    public TapOffloads Offloads { get; init; }

    /// <summary>Brings the link up after configuring it.</summary>
    public bool Up { get; init; } = true;

    /// <summary>Create a multi-queue device (IFF_MULTI_QUEUE): <see cref="TapDevice.OpenQueue"/> then opens more
    /// queues, one per worker; the kernel keeps each flow on one queue.</summary>
    public bool MultiQueue { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Encoding.UTF8.GetByteCount(Name) > 15 || Name.Contains('/') || Name.Contains(':')
            || Name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Tap Name '{Name}' must be 1-15 bytes without '/', ':' or spaces", nameof(Name));
        }
        if (Namespace is { Length: 0 }) throw new ArgumentException("Tap Namespace must be null or non-empty", nameof(Namespace));
        if (!Mac.IsZero && !Mac.IsValidUnicast) throw new ArgumentException($"Tap Mac {Mac} is not a unicast address", nameof(Mac));
        if (Mtu < 68 || Mtu > 65535) throw new ArgumentException($"Tap Mtu {Mtu} is outside 68..65535", nameof(Mtu));
        int v4 = 0;
        foreach (var a in Addresses)
        {
            if (!a.IsValid) throw new ArgumentException($"Tap address {a} is not valid", nameof(Addresses));
            if (a.Address.IsV6 && Mtu < 1280) throw new ArgumentException($"Tap Mtu {Mtu} is below 1280, so IPv6 address {a} cannot be added", nameof(Mtu));
            if (a.Address.IsV4 && v4++ > 0 && Encoding.UTF8.GetByteCount(Name) + 1 + (v4 - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length > 15)
            {
                throw new ArgumentException($"Tap Name '{Name}' is too long for the alias label a second IPv4 address needs", nameof(Name));
            }
        }
    }
}
