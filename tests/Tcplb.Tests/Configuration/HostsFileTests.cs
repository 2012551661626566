using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class HostsFileTests
{
    [Fact]
    public void Parse_TheReadmeExample_GivesEachServer()
    {
        var entries = HostsFile.Parse("localhost:5000\n127.0.0.1:5001\ndomain.com:80\n[::1]:5002\n", "hosts");
        Assert.Equal(
            [("localhost", 5000, 1), ("127.0.0.1", 5001, 2), ("domain.com", 80, 3), ("::1", 5002, 4)],
            entries.Select(e => (e.Host, e.Port, e.Line)));
        Assert.Equal("[::1]:5002", entries[3].Address);
    }

    [Fact]
    public void Parse_CommentsBlankLinesWeightsCrlfAndTabs_AreHandled()
    {
        var text = "# servers\r\n\r\n  a.example:80   weight=3  # big one\r\n\t10.0.0.2:80\tweight=1\r\n[fe80::1]:443 # v6\n";
        var entries = HostsFile.Parse(text, "hosts");
        Assert.Equal([("a.example", 80, 3, 3), ("10.0.0.2", 80, 1, 4), ("fe80::1", 443, 1, 5)],
            entries.Select(e => (e.Host, e.Port, e.Weight, e.Line)));
    }

    [Theory]
    [InlineData("a:1\nb:2\nc:99999\n", "hosts:3: port 99999 out of range (1-65535)")]
    [InlineData("a:0", "hosts:1: port 0 out of range (1-65535)")]
    [InlineData("\n\nlocalhost", "hosts:3: missing port in 'localhost' (write HOST:PORT)")]
    [InlineData("localhost:", "hosts:1: missing port in 'localhost:'")]
    [InlineData("localhost:http", "hosts:1: port 'http' is not a number")]
    [InlineData("::1:5000", "hosts:1: IPv6 address must be in brackets: '[::1]:5000'")]
    [InlineData("[::1:5000", "hosts:1: missing ']' in '[::1:5000'")]
    [InlineData("[::1]5000", "hosts:1: missing port in '[::1]5000' (write [IPv6]:PORT)")]
    [InlineData("[nothost]:80", "hosts:1: 'nothost' is not an IPv6 address")]
    [InlineData("bad%host:80", "hosts:1: 'bad%host' is not a host name or IP address")]
    [InlineData("bad..host:80", "hosts:1: 'bad..host' is not a host name or IP address")]
    [InlineData("-bad:80", "hosts:1: '-bad' is not a host name or IP address")]
    [InlineData("a:80 weight=0", "hosts:1: weight '0' must be a whole number from 1 to 256")]
    [InlineData("a:80 weight=x", "hosts:1: weight 'x' must be a whole number from 1 to 256")]
    [InlineData("a:80 weight=257", "hosts:1: weight '257' must be a whole number from 1 to 256")]
    [InlineData("a:80 backup=1", "hosts:1: unexpected 'backup=1' (only weight=N, maxconn=N, sni=NAME[,NAME], check-port=N, backup, drain may follow the address)")]
    [InlineData("a:1\na:80 draining", "hosts:2: unexpected 'draining' (only weight=N, maxconn=N, sni=NAME[,NAME], check-port=N, backup, drain may follow the address)")]
    [InlineData("a:80 weight", "hosts:1: unexpected 'weight' (only weight=N, maxconn=N, sni=NAME[,NAME], check-port=N, backup, drain may follow the address)")]
    [InlineData("a:80 size=3", "hosts:1: unexpected 'size=3' (only weight=N, maxconn=N, sni=NAME[,NAME], check-port=N, backup, drain may follow the address)")]
    [InlineData("a:1\na:80 maxconn=0", "hosts:2: maxconn '0' must be a whole number from 1 to 1000000")]
    [InlineData("a:80 maxconn=", "hosts:1: maxconn '' must be a whole number from 1 to 1000000")]
    [InlineData("a:80 maxconn=-1", "hosts:1: maxconn '-1' must be a whole number from 1 to 1000000")]
    [InlineData("a:443 sni=", "hosts:1: sni= needs a name, or names separated by commas")]
    [InlineData("a:443 sni=a.com,", "hosts:1: sni= needs a name, or names separated by commas")]
    [InlineData("a:1\na:443 sni=bad_%.com", "hosts:2: sni name 'bad_%.com' is not a host name or *.domain")]
    [InlineData("a:443 sni=*.*.example.com", "hosts:1: sni name '*.*.example.com' is not a host name or *.domain")]
    [InlineData("a:443 sni=api*.example.com", "hosts:1: sni name 'api*.example.com' is not a host name or *.domain")]
    [InlineData("a:443 sni=*", "hosts:1: sni name '*' is not a host name or *.domain")]
    [InlineData("a:443 sni=example.com.", "hosts:1: sni name 'example.com.' is not a host name or *.domain")]
    [InlineData("a:443 sni=10.0.0.1", "hosts:1: sni name '10.0.0.1' is an IP address (clients send no server name for those)")]
    [InlineData("a:443 sni=Default", "hosts:1: sni name 'default' is taken: it names the pool of the lines without sni=")]
    [InlineData("a:443 server=x", "hosts:1: unexpected 'server=x' (only weight=N, maxconn=N, sni=NAME[,NAME], check-port=N, backup, drain may follow the address)")]
    [InlineData("a:1\na:5432 check-port=x", "hosts:2: check-port 'x' must be a port number from 1 to 65535")]
    [InlineData("a:5432 check-port=0", "hosts:1: check-port '0' must be a port number from 1 to 65535")]
    [InlineData("a:5432 check-port=70000", "hosts:1: check-port '70000' must be a port number from 1 to 65535")]
    [InlineData("a:5432 check-port=", "hosts:1: check-port '' must be a port number from 1 to 65535")]
    [InlineData("# nothing\n\n", "hosts: no servers listed (one HOST:PORT per line)")]
    [InlineData("", "hosts: no servers listed (one HOST:PORT per line)")]
    public void Parse_BadLine_NamesFileAndLine(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigException>(() => HostsFile.Parse(text, "hosts")).Message);

    [Fact]
    public void Parse_MaxConn_AfterTheAddress_InAnyOrderWithTheWeight()
    {
        var entries = HostsFile.Parse("db1:5432 weight=2 maxconn=90\ndb2:5432 maxconn=5 weight=3\ndb3:5432\n", "hosts");
        Assert.Equal([(2, 90), (3, 5), (1, 0)], entries.Select(e => (e.Weight, e.MaxConnections)));
    }

    [Fact]
    public void Parse_CheckPort_AfterTheAddress_AndLinesWithoutItHaveNone()
    {
        var entries = HostsFile.Parse("db1:5432 check-port=8008 weight=2\ndb2:5432\n", "hosts");
        Assert.Equal([(8008, 2), (0, 1)], entries.Select(e => (e.CheckPort, e.Weight)));
    }

    [Fact]
    public void Parse_BackupAndDrain_AreBareWordsInAnyOrder()
    {
        var entries = HostsFile.Parse("a:80 backup\nb:80 drain weight=2\nc:80 weight=3 backup drain\nd:80\n", "hosts");
        Assert.Equal([(true, false), (false, true), (true, true), (false, false)], entries.Select(e => (e.Backup, e.Drain)));
        Assert.Equal(2, entries[1].Weight);
    }

    [Fact]
    public void Parse_SniNames_AreLowerCaseEachOnce_AndLinesWithoutThemHaveNone()
    {
        var entries = HostsFile.Parse("a:443 sni=API.example.com,*.Example.com,api.example.com weight=2\nb:443\nc:443 sni=localhost\n", "hosts");
        Assert.Equal(["api.example.com", "*.example.com"], entries[0].ServerNames);
        Assert.Equal(2, entries[0].Weight);
        Assert.Empty(entries[1].ServerNames);
        Assert.Equal(["localhost"], entries[2].ServerNames);
    }

    [Fact]
    public void Parse_ControlCharacters_AreNotEchoedRaw()
    {
        var message = Assert.Throws<ConfigException>(() => HostsFile.Parse("ho\u001bst:80", "hosts")).Message;
        Assert.Equal("hosts:1: 'ho?st' is not a host name or IP address", message);
    }

    [Fact]
    public void Parse_HugeLine_IsRejectedWithItsLineNumber()
    {
        var message = Assert.Throws<ConfigException>(() => HostsFile.Parse("a:1\n" + new string('x', 5000) + ":80", "hosts")).Message;
        Assert.Equal("hosts:2: line longer than 4096 characters", message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhichPathWasLookedFor()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "hosts");
        var message = Assert.Throws<ConfigException>(() => HostsFile.Load(path)).Message;
        Assert.Equal($"hosts file not found: {path}", message);
    }

    [Fact]
    public void Fuzz_RandomAndMutatedFiles_GiveAListOrALineNumberedError()
    {
        var random = new Random(1234);
        string[] seeds = ["localhost:5000\n", "[::1]:5002 weight=2\n", "# c\n10.0.0.1:80\n", "a.b-c_d:65535\r\n", "b:443 sni=x.y,*.z.y\n"];
        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(seeds[random.Next(seeds.Length)] + seeds[random.Next(seeds.Length)], random);
            try
            {
                var entries = HostsFile.Parse(text, "hosts");
                Assert.NotEmpty(entries);
                Assert.All(entries, e => Assert.InRange(e.Port, 1, 65535));
                Assert.All(entries.SelectMany(e => e.ServerNames), n => Assert.Matches("^(\\*\\.)?[a-z0-9_.-]+$", n));
            }
            catch (ConfigException e)
            {
                Assert.Matches(@"^hosts(:\d+)?: [^\n]+$", e.Message);
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        for (var n = random.Next(1, 6); n > 0; n--)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(4))
            {
                case 0 when chars.Count > 0 && at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, (char)random.Next(0, 0x3000));
                    break;
                case 2:
                    chars.InsertRange(at, new string(":[]# =\t\r\n0"[random.Next(10)], random.Next(1, 300)));
                    break;
                default:
                    chars.Insert(at, (char)random.Next(32, 127));
                    break;
            }
        }
        return new string([.. chars]);
    }
}
