using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>struct mmsghdr (64 bytes): a message and, after the call, how many bytes it carried.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}
