using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Net;

public class ResourcePressureTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _log = new();

    private int Warnings => _log.ToString().Split('\n').Count(line => line.Contains("out of file descriptors"));

    [Fact]
    public void Report_WarnsOnTheFirstEvent_ThenOncePerInterval()
    {
        var pressure = new ResourcePressure(new Log(_log, LogLevel.Info, _time), _time);
        pressure.Report("accept", SocketError.TooManyOpenSockets);
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            pressure.Report("server socket", SocketError.TooManyOpenSockets);
        }
        Assert.Equal(1, Warnings);
        _time.Advance(ResourcePressure.WarningInterval);
        pressure.Report("accept", SocketError.TooManyOpenSockets);
        Assert.Equal(2, Warnings);
        Assert.Contains("level=warn msg=\"out of file descriptors; accepting pauses, clients wait in the backlog\" at=accept error=TooManyOpenSockets", _log.ToString());
    }

    [Fact]
    public void Report_PausesAcceptingBriefly()
    {
        var pressure = new ResourcePressure(new Log(_log, LogLevel.Info, _time), _time);
        Assert.Equal(TimeSpan.Zero, pressure.PauseLeft());
        pressure.Report("accept", SocketError.TooManyOpenSockets);
        Assert.InRange(pressure.PauseLeft(), TimeSpan.FromMilliseconds(99), ResourcePressure.Pause);
        _time.Advance(ResourcePressure.Pause);
        Assert.Equal(TimeSpan.Zero, pressure.PauseLeft());
    }
}
