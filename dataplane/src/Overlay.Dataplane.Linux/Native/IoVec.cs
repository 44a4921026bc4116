using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>struct iovec (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
