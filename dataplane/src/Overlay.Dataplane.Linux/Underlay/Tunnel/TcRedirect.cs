using System.Numerics;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>
/// The tc rules of the fast underlay path, installed with iproute2's <c>tc</c> (<see cref="TcCommands"/> has the
/// exact syntax):
/// <list type="bullet">
/// <item>underlay ingress, pref 49152 (only with a minLength): VXLAN (UDP to local:port) shorter than minLength goes
/// on to the host stack (our UDP socket);</item>
/// <item>underlay ingress, pref 49153: all other VXLAN to local:port that is not an IP fragment is redirected to
/// the TAP's egress, where the daemon reads it (GSO super-packets);</item>
/// <item>TAP ingress, pref 49152: everything the daemon writes into the TAP is redirected to the underlay
/// device's egress.</item>
/// </list>
/// Those preferences on those two devices are ours: Install first deletes whatever sits there (the rules of a
/// daemon that crashed, which would otherwise send large packets to a TAP that no longer exists), so run one
/// TcRedirect per underlay device and namespace. <see cref="Dispose"/> deletes exactly the filters it added, then
/// the TAP's clsact qdisc, then the underlay's clsact qdisc if Install created it and it is empty.
/// Setup only: each step runs a process.
/// </summary>
public sealed class TcRedirect : IDisposable
{
    private readonly List<string[]> _undo = []; // run in reverse order
    private readonly List<string> _cleanupErrors = [];
    private bool _removeUnderlayClsact;
    private int _disposed;

    private TcRedirect(string? ns, string underlayDevice, string tapDevice, IpAddr local, ushort port, int minLength)
    {
        Namespace = ns;
        UnderlayDevice = underlayDevice;
        TapDevice = tapDevice;
        Local = local;
        Port = port;
        MinLength = minLength;
    }

    /// <summary>The namespace name (under /var/run/netns) the rules live in; null: the caller's.</summary>
    public string? Namespace { get; }

    public string UnderlayDevice { get; }
    public string TapDevice { get; }
    public IpAddr Local { get; }
    public ushort Port { get; }

    /// <summary>IP packets at least this long (IPv4 total length; IPv6 see <see cref="TcCommands.ToStack"/>) go to
    /// the TAP.</summary>
    public int MinLength { get; }

    /// <summary>Commands that failed during <see cref="Dispose"/> (Dispose never throws), for the caller to log.</summary>
    public IReadOnlyList<string> CleanupErrors => _cleanupErrors;

    /// <summary>
    /// Installs the rules. <paramref name="ns"/> is a namespace name under /var/run/netns (passed as
    /// <c>tc -n NS</c>) or null for the caller's namespace; <paramref name="minLength"/> is 0 (every VXLAN packet for
    /// us that is not a fragment and has no IP options goes to the TAP) or a power of two
    /// from 128 to 32768 (u32 compares lengths with a mask). Throws <see cref="ArgumentException"/> for bad
    /// arguments and <see cref="InvalidOperationException"/> naming the tc command and its stderr when tc is
    /// missing or a step fails; whatever was already added is removed first.
    /// </summary>
    public static TcRedirect Install(string? ns, string underlayDevice, string tapDevice, IpAddr local, ushort port, int minLength = 2048)
    {
        IpRoute2.ValidateNamespaceName(ns, nameof(ns));
        IpRoute2.ValidateDeviceName(underlayDevice, nameof(underlayDevice));
        IpRoute2.ValidateDeviceName(tapDevice, nameof(tapDevice));
        if (underlayDevice == tapDevice) throw new ArgumentException($"the TAP and the underlay device are both '{tapDevice}'", nameof(tapDevice));
        if (local.IsNone) throw new ArgumentException("the local address is not set", nameof(local));
        if (port == 0) throw new ArgumentOutOfRangeException(nameof(port), "the VXLAN port must be 1-65535");
        if (minLength != 0 && (minLength < 128 || minLength > 32768 || !BitOperations.IsPow2(minLength)))
        {
            throw new ArgumentOutOfRangeException(nameof(minLength), minLength, "minLength must be 0 or a power of two from 128 to 32768 (u32 matches lengths by mask)");
        }

        var redirect = new TcRedirect(ns, underlayDevice, tapDevice, local, port, minLength);
        try
        {
            redirect.Add();
        }
        catch
        {
            redirect.Dispose();
            throw;
        }
        return redirect;
    }

    /// <summary>
    /// Removes the underlay device's rules an earlier run left behind (a daemon killed before it could clean up
    /// leaves a redirect to a TAP that is gone, which drops every large VXLAN packet). Only our two preferences, and
    /// only when the redirect rule there is a mirred redirect. Never throws; returns true when rules were removed.
    /// </summary>
    public static bool RemoveStale(string? ns, string underlayDevice)
    {
        try
        {
            IpRoute2.ValidateNamespaceName(ns, nameof(ns));
            IpRoute2.ValidateDeviceName(underlayDevice, nameof(underlayDevice));
            var shown = IpRoute2.Run("tc", ns, ["filter", "show", "dev", underlayDevice, "ingress", "pref", TcCommands.RedirectPreference.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (!shown.Succeeded || !shown.Output.Contains("mirred (Egress Redirect", StringComparison.Ordinal)) return false;
            IpRoute2.Run("tc", ns, TcCommands.DeleteIngressFilter(underlayDevice, TcCommands.RedirectPreference));
            IpRoute2.Run("tc", ns, TcCommands.DeleteIngressFilter(underlayDevice, TcCommands.ToStackPreference));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Removes what Install added. Never throws; failures are in <see cref="CleanupErrors"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        for (int i = _undo.Count - 1; i >= 0; i--) Cleanup(_undo[i]);
        if (_removeUnderlayClsact && IsEmpty(UnderlayDevice)) Cleanup(TcCommands.DeleteClsact(UnderlayDevice));
    }

    public override string ToString() =>
        $"tc redirect {(Local.IsV4 ? Local.ToString() : "[" + Local + "]")}:{Port}{(MinLength > 0 ? $" >= {MinLength} bytes" : "")} {UnderlayDevice} <-> {TapDevice}{(Namespace is null ? "" : " in netns " + Namespace)}";

    private void Add()
    {
        _removeUnderlayClsact = EnsureClsact(UnderlayDevice);
        EnsureClsact(TapDevice);
        _undo.Add(TcCommands.DeleteClsact(TapDevice));

        // Leftovers of an earlier run at our preferences; "not found" is the usual answer.
        Tc(TcCommands.DeleteIngressFilter(UnderlayDevice, TcCommands.RedirectPreference));
        Tc(TcCommands.DeleteIngressFilter(UnderlayDevice, TcCommands.ToStackPreference));
        Tc(TcCommands.DeleteIngressFilter(TapDevice, TcCommands.TapPreference));

        // Order: the TAP's way out first, then the to-stack rule before the redirect, so small packets never
        // reach the TAP, not even for a moment.
        Must(TcCommands.TapToUnderlay(TapDevice, UnderlayDevice));
        _undo.Add(TcCommands.DeleteIngressFilter(TapDevice, TcCommands.TapPreference));
        if (MinLength > 0)
        {
            Must(TcCommands.ToStack(UnderlayDevice, Local, Port, MinLength));
            _undo.Add(TcCommands.DeleteIngressFilter(UnderlayDevice, TcCommands.ToStackPreference));
        }
        Must(TcCommands.Redirect(UnderlayDevice, TapDevice, Local, Port));
        _undo.Add(TcCommands.DeleteIngressFilter(UnderlayDevice, TcCommands.RedirectPreference));
    }

    /// <summary>Adds a clsact qdisc; true when this call created it. One that is already there is fine (tc says
    /// "File exists" or "Exclusivity flag on" depending on the version, so ask rather than parse the error).</summary>
    private bool EnsureClsact(string device)
    {
        var added = Tc(TcCommands.AddClsact(device));
        if (added.Succeeded) return true;
        var shown = Tc(TcCommands.ShowQdiscs(device));
        if (shown.Succeeded && shown.Output.Contains("qdisc clsact ", StringComparison.Ordinal)) return false;
        throw Failed(added);
    }

    private bool IsEmpty(string device)
    {
        try
        {
            var ingress = Tc(TcCommands.ShowFilters(device, "ingress"));
            var egress = Tc(TcCommands.ShowFilters(device, "egress"));
            return ingress.Succeeded && egress.Succeeded
                && string.IsNullOrWhiteSpace(ingress.Output) && string.IsNullOrWhiteSpace(egress.Output);
        }
        catch (Exception e)
        {
            _cleanupErrors.Add("tc filter show: " + e.Message);
            return false;
        }
    }

    private void Must(string[] args)
    {
        var result = Tc(args);
        if (!result.Succeeded) throw Failed(result);
    }

    private void Cleanup(string[] args)
    {
        try
        {
            var result = Tc(args);
            if (!result.Succeeded) _cleanupErrors.Add(result.Describe());
        }
        catch (Exception e)
        {
            _cleanupErrors.Add($"tc {string.Join(' ', args)}: {e.Message}");
        }
    }

    private IpRoute2.Result Tc(string[] args) => IpRoute2.Run("tc", Namespace, args);

    private InvalidOperationException Failed(IpRoute2.Result result) => new($"{this}: {result.Describe()}");
}
