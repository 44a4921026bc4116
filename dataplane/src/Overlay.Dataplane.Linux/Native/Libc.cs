using System.Runtime.InteropServices;
using System.Text;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>Our own libc imports: blittable signatures only, errno through
/// <see cref="Marshal.GetLastPInvokeError"/>. This part: file descriptors.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    private static partial int OpenRaw(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>fcntl(F_DUPFD_CLOEXEC): a new descriptor for the same open file.</summary>
    public static int Dup(int fd) => FcntlInt(fd, 1030 /* F_DUPFD_CLOEXEC */, 0);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlInt(int fd, int command, int argument);

    /// <summary>Pins the calling thread to the CPUs set in <paramref name="mask"/> (sched_setaffinity(0, ...)).</summary>
    [LibraryImport(Library, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    /// <summary>ioctl(2) with a pointer argument (ifreq, int, ...).</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    /// <summary>ioctl(2) with an integer argument (TUNSETPERSIST, TUNSETOFFLOAD).</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nuint argument);

    /// <summary>open(2) with a managed path, encoded to a NUL-terminated UTF-8 string on the stack.</summary>
    public static int Open(string path, int flags)
    {
        int max = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        if (max > 4096) throw new ArgumentException("path too long", nameof(path));
        byte* buffer = stackalloc byte[max];
        int length = Encoding.UTF8.GetBytes(path, new Span<byte>(buffer, max - 1));
        buffer[length] = 0;
        return OpenRaw(buffer, flags, 0);
    }

    /// <summary>Closes <paramref name="fd"/> when it is valid and marks it closed; safe to call twice.</summary>
    public static void CloseOnce(ref int fd)
    {
        int old = Interlocked.Exchange(ref fd, -1);
        if (old >= 0) Close(old);
    }
}
