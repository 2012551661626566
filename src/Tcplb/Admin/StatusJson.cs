using System.Text.Json;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>The <c>/status</c> document, written with <see cref="Utf8JsonWriter"/>: no reflection, safe under Native AOT.</summary>
internal static class StatusJson
{
    public static byte[] Write(LoadBalancer balancer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var time = balancer.Context.Time;
            var now = time.GetTimestamp();
            json.WriteStartObject();
            json.WriteBoolean("accepting", balancer.Accepting);
            json.WriteNumber("uptime_seconds", Math.Round(balancer.Uptime.TotalSeconds, 1));
            json.WriteStartObject("connections");
            json.WriteNumber("active", balancer.Stats.Active);
            json.WriteNumber("total", balancer.Stats.Total);
            json.WriteNumber("rejected", balancer.Stats.Rejected);
            json.WriteEndObject();
            json.WriteStartObject("buffers");
            json.WriteNumber("slices", balancer.Context.Slab.Capacity);
            json.WriteNumber("slices_in_use", balancer.Context.Slab.InUse);
            json.WriteNumber("slice_bytes", balancer.Context.Slab.SliceSize);
            json.WriteEndObject();
            json.WriteStartArray("servers");
            foreach (var server in balancer.Pool.Servers)
            {
                var up = server.IsAvailable(now);
                json.WriteStartObject();
                json.WriteString("address", server.Name);
                json.WriteString("host", server.Host);
                json.WriteNumber("weight", server.Weight);
                json.WriteString("state", up ? "up" : "down");
                json.WriteNumber("cooldown_seconds", up ? 0 : Math.Round((double)(server.DownUntil - now) / time.TimestampFrequency, 1));
                json.WriteNumber("consecutive_failures", server.ConsecutiveFailures);
                json.WriteNumber("active", server.Active);
                json.WriteNumber("total", server.Connections);
                json.WriteNumber("connect_failures", server.ConnectFailures);
                json.WriteNumber("bytes_sent", server.BytesSent);
                json.WriteNumber("bytes_received", server.BytesReceived);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
