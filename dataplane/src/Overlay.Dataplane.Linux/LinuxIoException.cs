using System.Runtime.InteropServices;

namespace Overlay.Dataplane.Linux;

/// <summary>A system call failed while setting something up (opening a TAP, binding a socket, entering a
/// namespace). The message names the call, its subject and the errno, e.g.
/// "TUNSETIFF tap-ep1 in netns ep1: EPERM (Operation not permitted)". Never thrown on the packet path.</summary>
public sealed class LinuxIoException : IOException
{
    public LinuxIoException(string operation, int errno)
        : base($"{operation}: {Native.Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>What was being done, e.g. "TUNSETIFF tap-ep1 in netns ep1".</summary>
    public string Operation { get; }

    /// <summary>The errno the call failed with.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, e.g. "EPERM".</summary>
    public string ErrnoName => Native.Errno.Name(Errno);

    /// <summary>Builds the exception from the errno of the last P/Invoke on this thread.</summary>
    internal static LinuxIoException FromLastError(string operation) => new(operation, Native.Errno.Last);
}
