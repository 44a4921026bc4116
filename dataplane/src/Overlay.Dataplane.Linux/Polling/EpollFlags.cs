namespace Overlay.Dataplane.Linux.Polling;

/// <summary>epoll event bits (sys/epoll.h).</summary>
[Flags]
public enum EpollFlags : uint
{
    None = 0,
    In = 0x001,
    Pri = 0x002,
    Out = 0x004,
    Err = 0x008,
    Hup = 0x010,
    RdHup = 0x2000,
    Exclusive = 1u << 28,
    OneShot = 1u << 30,
    EdgeTriggered = 1u << 31,
}
