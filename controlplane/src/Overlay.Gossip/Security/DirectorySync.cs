using System.Runtime.InteropServices;

namespace Overlay.Gossip.Security;

/// <summary>fsync(2) of a directory, which .NET cannot open: makes a rename in it durable. Blittable libc imports,
/// errno through <see cref="Marshal.GetLastPInvokeError"/>.</summary>
internal static unsafe partial class DirectorySync
{
    private const string Library = "libc";
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;
    private const int InvalidArgument = 22; // EINVAL: the file system cannot sync a directory; nothing more to do

    /// <summary>Syncs <paramref name="directory"/>; 0, or the errno of what failed.</summary>
    public static int Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        int length = System.Text.Encoding.UTF8.GetByteCount(directory);
        Span<byte> path = length < 1024 ? stackalloc byte[length + 1] : new byte[length + 1];
        System.Text.Encoding.UTF8.GetBytes(directory, path);
        path[length] = 0;
        int fd;
        fixed (byte* p = path)
        {
            fd = Open(p, ReadOnly | CloseOnExec, 0);
        }
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }
        int error = Fsync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        Close(fd);
        return error == InvalidArgument ? 0 : error;
    }

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "close")]
    private static partial int Close(int fd);
}
