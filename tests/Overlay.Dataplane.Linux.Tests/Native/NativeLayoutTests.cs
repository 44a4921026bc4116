using Overlay.Dataplane.Linux.Native;
using Tmds.Linux;

namespace Overlay.Dataplane.Linux.Tests.Native;

/// <summary>Our structs and constants against the kernel ABI, with Tmds.LibC as the oracle where it has them.</summary>
public sealed unsafe class NativeLayoutTests
{
    [Fact]
    public void Structs_have_the_kernel_sizes()
    {
        Assert.Equal(sizeof(msghdr), sizeof(MsgHdr));
        Assert.Equal(sizeof(mmsghdr), sizeof(MMsgHdr));
        Assert.Equal(sizeof(iovec), sizeof(IoVec));
        Assert.Equal(64, sizeof(MMsgHdr));
        Assert.Equal(40, sizeof(IfReq));
        Assert.Equal(24, sizeof(In6IfReq));
        Assert.Equal(Sock.SockAddrIn4Size, sizeof(sockaddr_in));
        Assert.Equal(Sock.SockAddrIn6Size, sizeof(sockaddr_in6));
        Assert.True(SockAddr.Stride >= sizeof(sockaddr_in6));
    }

    [Fact]
    public void MsgHdr_fields_are_where_the_kernel_reads_them()
    {
        MsgHdr m = default;
        byte* b = (byte*)&m;
        Assert.Equal(8, (byte*)&m.NameLength - b);
        Assert.Equal(16, (byte*)&m.Iov - b);
        Assert.Equal(24, (byte*)&m.IovLength - b);
        Assert.Equal(32, (byte*)&m.Control - b);
        Assert.Equal(40, (byte*)&m.ControlLength - b);
        Assert.Equal(48, (byte*)&m.Flags - b);
        MMsgHdr mm = default;
        Assert.Equal(56, (byte*)&mm.Length - (byte*)&mm);
    }

    [Fact]
    public void Constants_match_Tmds_LibC()
    {
        Assert.Equal(Sock.AF_INET, (int)LibC.AF_INET);
        Assert.Equal(Sock.AF_INET6, (int)LibC.AF_INET6);
        Assert.Equal(Sock.SOCK_DGRAM, LibC.SOCK_DGRAM);
        Assert.Equal(Sock.SOCK_RAW, LibC.SOCK_RAW);
        Assert.Equal(Sock.SOCK_NONBLOCK, LibC.SOCK_NONBLOCK);
        Assert.Equal(Sock.SOCK_CLOEXEC, LibC.SOCK_CLOEXEC);
        Assert.Equal(Sock.IPPROTO_UDP, LibC.IPPROTO_UDP);
        Assert.Equal(Sock.IPPROTO_IPV6, LibC.IPPROTO_IPV6);
        Assert.Equal(Sock.IPPROTO_RAW, LibC.IPPROTO_RAW);
        Assert.Equal(Sock.SOL_SOCKET, LibC.SOL_SOCKET);
        Assert.Equal(Sock.SO_SNDBUF, LibC.SO_SNDBUF);
        Assert.Equal(Sock.SO_RCVBUF, LibC.SO_RCVBUF);
        Assert.Equal(Sock.SO_NO_CHECK, LibC.SO_NO_CHECK);
        Assert.Equal(Sock.SO_SNDBUFFORCE, LibC.SO_SNDBUFFORCE);
        Assert.Equal(Sock.SO_RCVBUFFORCE, LibC.SO_RCVBUFFORCE);
        Assert.Equal(Sock.IP_HDRINCL, LibC.IP_HDRINCL);
        Assert.Equal(Sock.IP_MTU_DISCOVER, LibC.IP_MTU_DISCOVER);
        Assert.Equal(Sock.IPV6_V6ONLY, LibC.IPV6_V6ONLY);
        Assert.Equal(Sock.IPV6_HDRINCL, LibC.IPV6_HDRINCL);
        Assert.Equal(Sock.MSG_TRUNC, LibC.MSG_TRUNC);
        Assert.Equal(Sock.MSG_DONTWAIT, LibC.MSG_DONTWAIT);
        Assert.Equal(Sys.O_RDWR, LibC.O_RDWR);
        Assert.Equal(Sys.O_NONBLOCK, LibC.O_NONBLOCK);
        Assert.Equal(Sys.O_CLOEXEC, LibC.O_CLOEXEC);
        Assert.Equal(Sys.EPOLL_CLOEXEC, LibC.EPOLL_CLOEXEC);
        Assert.Equal(Sys.EPOLL_CTL_ADD, LibC.EPOLL_CTL_ADD);
        Assert.Equal(Sys.EPOLL_CTL_DEL, LibC.EPOLL_CTL_DEL);
        Assert.Equal(Sys.EFD_NONBLOCK, LibC.EFD_NONBLOCK);
        Assert.Equal(Sys.EFD_CLOEXEC, LibC.EFD_CLOEXEC);
        Assert.Equal(Sys.CLONE_NEWNET, LibC.CLONE_NEWNET);
        Assert.Equal((int)Sockios.SIOCGIFINDEX, LibC.SIOCGIFINDEX);
        Assert.Equal(Errno.EAGAIN, LibC.EAGAIN);
        Assert.Equal(Errno.EMSGSIZE, LibC.EMSGSIZE);
        Assert.Equal(Errno.ENOBUFS, LibC.ENOBUFS);
        Assert.Equal(Errno.EADDRINUSE, LibC.EADDRINUSE);
    }

    [Theory]
    [InlineData(Tun.TUNSETIFF, 1u, 202u)]
    [InlineData(Tun.TUNSETPERSIST, 1u, 203u)]
    [InlineData(Tun.TUNGETFEATURES, 2u, 207u)]
    [InlineData(Tun.TUNSETOFFLOAD, 1u, 208u)]
    [InlineData(Tun.TUNGETIFF, 2u, 210u)]
    [InlineData(Tun.TUNSETVNETHDRSZ, 1u, 216u)]
    [InlineData(Tun.TUNSETQUEUE, 1u, 217u)]
    public void Tun_ioctls_are_IOW_or_IOR_T_int(uint value, uint direction, uint number)
    {
        // _IOC(dir, 'T', nr, sizeof(int)) with dir 1 = write, 2 = read
        uint expected = (direction << 30) | (4u << 16) | ((uint)'T' << 8) | number;
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Errno_names()
    {
        Assert.Equal("EPERM", Errno.Name(1));
        Assert.Equal("EBUSY", Errno.Name(16));
        Assert.Equal("EMSGSIZE", Errno.Name(90));
        Assert.Equal("errno 4095", Errno.Name(4095));
        var e = new LinuxIoException("TUNSETIFF tap-ep1 in netns ep1", Errno.EPERM);
        Assert.StartsWith("TUNSETIFF tap-ep1 in netns ep1: EPERM (", e.Message);
        Assert.Equal("EPERM", e.ErrnoName);
    }
}
