using System.Text;
using Tcplb.Backends;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

public class ReloadTests
{
    [Fact]
    public async Task NewList_NewConnectionsFollowIt_AndEstablishedOnesToARemovedServerGoOn()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var proxy = new TestProxy([a.EndPoint]);
        using var established = await proxy.ConnectAsync();
        Eventually.True(() => proxy.Proxy.Routes.Servers[0].State.Active == 1, () => "not connected to a");

        proxy.Proxy.Routes.Replace([new Backend(b.EndPoint, b.EndPoint.ToString(), 1)]);

        Assert.Equal("b", await HttpBackend.AskAsync(proxy));
        await established.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith("a\n", Encoding.ASCII.GetString(await Eventually.Within(established.ReadToEndAsync())));
    }
}
