namespace Tcplb.Cli;

/// <summary>The texts of <c>--help</c> and of a usage error.</summary>
internal static class Usage
{
    public const string Line = "usage: tcplb [ADDR:]PORT [options]   (tcplb --help for the options)";

    public const string Help = """
        tcplb - a small, fast TCP load balancer

        usage: tcplb [ADDR:]PORT [options]
               tcplb [ADDR:]PORT [options] --validate   check options and hosts file, print the servers, exit
               tcplb --help | --version | --probe ADDR:PORT

        Listens on PORT (every interface, IPv4 and IPv6), or on one address only
        (127.0.0.1:7777, [::1]:7777; 0.0.0.0:7777 is IPv4 only, [::]:7777 both),
        and spreads connections over the servers in the hosts file, one HOST:PORT
        per line (optional weight=N, maxconn=N, check-port=N, backup, drain;
        # comments).
        Lines with sni=NAME[,NAME] (exact or *.domain) serve TLS clients asking for
        those names; the other lines serve everyone else. TLS is never decrypted.

        options (each also read from its environment variable; a flag wins):
          --hosts PATH             TCPLB_HOSTS             servers file (./hosts)
          --balance NAME           TCPLB_BALANCE           round-robin | least-conn | random2 | source-hash (round-robin)
          --cooldown DUR           TCPLB_COOLDOWN          how long a failed server is avoided, doubling on repeats (10s)
          --connect-timeout DUR    TCPLB_CONNECT_TIMEOUT   per attempt; then the next server is tried (3s)
          --idle-timeout DUR       TCPLB_IDLE_TIMEOUT      close connections idle both ways this long (0: never)
          --max-conns N            TCPLB_MAX_CONNS         connections held at once; past it accepting pauses (10000)
          --buffer-size BYTES      TCPLB_BUFFER_SIZE       per direction per connection, used from 16K up (65536)
          --drain DUR              TCPLB_DRAIN             on SIGTERM/SIGINT, wait this long for live connections (30s)
          --shutdown-delay DUR     TCPLB_SHUTDOWN_DELAY    on SIGTERM: /healthz 503 at once, keep accepting this long, then drain (0)
          --admin ADDR:PORT        TCPLB_ADMIN             HTTP /metrics, /status, /healthz (off)
          --proxy-protocol v1|v2   TCPLB_PROXY_PROTOCOL    send a PROXY protocol header to servers (off)
          --resolve-interval DUR   TCPLB_RESOLVE_INTERVAL  how often host names are resolved again (30s)
          --access-log             TCPLB_ACCESS_LOG=1      one line per finished connection (off)
          --log-level LEVEL        TCPLB_LOG_LEVEL         debug | info | warn | error (info)
          --workers N|auto         TCPLB_WORKERS           processes sharing the port, each on one thread (auto: one per core)
          --sni-timeout DUR        TCPLB_SNI_TIMEOUT       with sni= lines: how long to wait for a ClientHello (5s)

        health checks and limits (all off by default):
          --check-interval DUR     TCPLB_CHECK_INTERVAL    check every server this often, +-10% (0: off)
          --check-timeout DUR      TCPLB_CHECK_TIMEOUT     limit per check (the connect timeout)
          --check-send STR         TCPLB_CHECK_SEND        send this after connecting (escapes \r \n \t \\ \xHH)
          --check-expect STR       TCPLB_CHECK_EXPECT      pass only if the answer holds this (first 16K)
          --check-port N           TCPLB_CHECK_PORT        check this port (the server's; hosts check-port=N wins)
          --check-http PATH        TCPLB_CHECK_HTTP        HTTP check: GET PATH, pass on 2xx/3xx (not with --check-send)
          --check-http-status LIST TCPLB_CHECK_HTTP_STATUS statuses that pass instead, such as 200,204
          --on-down keep|shutdown  TCPLB_ON_DOWN           reset a server's connections when checks take it down (keep)
          --on-up keep|shutdown-backup
                                   TCPLB_ON_UP             reset backups' connections once a primary is usable again (keep)
          --check-fall N           TCPLB_CHECK_FALL        failed checks in a row that mark a server down (3)
          --check-rise N           TCPLB_CHECK_RISE        passed checks in a row that mark it up again (2)
          --slow-start DUR         TCPLB_SLOW_START        a server that comes up ramps from 1/10 of its weight (0: off)
          --queue-timeout DUR      TCPLB_QUEUE_TIMEOUT     how long a client waits when all servers are at maxconn (3s)
          --max-conns-per-client N TCPLB_MAX_CONNS_PER_CLIENT  per client address (IPv6: /64); more are reset (0: none)
          --max-conn-rate-per-client N
                                   TCPLB_MAX_CONN_RATE_PER_CLIENT  new connections per second per address, burst N (0: none)
          --retries N              TCPLB_RETRIES           try a client on at most N+1 servers (every server once)
          --fail-threshold N       TCPLB_FAIL_THRESHOLD    failed connects in a row that put a server in cooldown (1)

          --allow CIDR[,CIDR...]   TCPLB_ALLOW             only these clients may connect; others are reset (all)
          --deny CIDR[,CIDR...]    TCPLB_DENY              these clients are reset at accept; wins over --allow (none)
                                   (flags, so a reload of the hosts file keeps them; a bare address is /32 or /128)
          --accept-proxy CIDR[,..] TCPLB_ACCEPT_PROXY      these sources (a front balancer) send a PROXY v1/v2 header
                                   within 3s; the client it names is the client everywhere (none)

        sockets:
          --tcp-keepalive IDLE[:INTERVAL[:COUNT]]
                                   TCPLB_TCP_KEEPALIVE     keep-alive probes, e.g. 60s:10s:6 (the kernel's: 2h)
          --source ADDR            TCPLB_SOURCE            local address of server connections (kernel's choice)

        durations: 500ms, 3s, 2m, 1h.  exit codes: 0 done, 1 runtime failure, 2 bad arguments or hosts file.
        """;
}
