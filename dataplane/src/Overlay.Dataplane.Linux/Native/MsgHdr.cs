using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>struct msghdr (LP64, 56 bytes). Our own so that every field is a plain settable field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
