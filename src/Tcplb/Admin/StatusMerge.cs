using System.Text.Json;

namespace Tcplb.Admin;

/// <summary>
/// Makes one <c>/status</c> document of the documents of several worker processes, so that operators see one
/// balancer. The documents have the same shape; the merge walks them together:
/// <list type="bullet">
/// <item>a figure of <see cref="MetricCatalogue"/> merges by its rule (counts add up); any other number
/// (a weight, a cooldown) takes the largest value;</item>
/// <item><c>accepting</c> and other booleans hold when they hold in every process; strings come from the
/// first process, but a server's <c>state</c> follows its merged <c>up</c>;</item>
/// <item>arrays of objects (the servers) pair their items by the value of their first property (the
/// address): a server that only some workers list yet (during a reload) is shown with their figures.</item>
/// </list>
/// </summary>
internal static class StatusMerge
{
    private static readonly Dictionary<string, MetricMerge> Rules = BuildRules();

    public static byte[] Merge(IReadOnlyList<byte[]> documents)
    {
        if (documents.Count == 1)
        {
            return documents[0];
        }
        var parsed = new JsonDocument[documents.Count];
        try
        {
            for (var i = 0; i < parsed.Length; i++)
            {
                parsed[i] = JsonDocument.Parse(documents[i]);
            }
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                WriteObject(json, Array.ConvertAll(parsed, d => d.RootElement), "");
            }
            return buffer.ToArray();
        }
        finally
        {
            foreach (var document in parsed)
            {
                document?.Dispose();
            }
        }
    }

    private static void WriteObject(Utf8JsonWriter json, JsonElement[] objects, string prefix)
    {
        json.WriteStartObject();
        var up = Merged(objects, "up", MetricMerge.Min);
        foreach (var property in objects[0].EnumerateObject())
        {
            var path = prefix + property.Name;
            var values = Values(objects, property.Name);
            json.WritePropertyName(property.Name);
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    WriteObject(json, values, path + ".");
                    break;
                case JsonValueKind.Array:
                    WriteArray(json, values, path + "[].");
                    break;
                case JsonValueKind.Number:
                    json.WriteNumberValue(Merged(objects, property.Name, Rules.GetValueOrDefault(path, MetricMerge.Max)) ?? 0);
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    json.WriteBooleanValue(Array.TrueForAll(values, v => v.ValueKind == JsonValueKind.True));
                    break;
                case JsonValueKind.String when property.Name == "state" && up is not null:
                    json.WriteStringValue(MergedState(property.Value.GetString(), up == 1));
                    break;
                default:
                    property.Value.WriteTo(json);
                    break;
            }
        }
        json.WriteEndObject();
    }

    /// <summary>The first process's state, unless the merged <c>up</c> says otherwise (<c>draining</c> holds either way).</summary>
    private static string? MergedState(string? first, bool up) => first switch
    {
        "down" or "cooldown" when up => "up",
        "up" or "backup" when !up => "down",
        _ => first,
    };

    private static void WriteArray(Utf8JsonWriter json, JsonElement[] arrays, string prefix)
    {
        var first = arrays[0];
        if (first.GetArrayLength() == 0 || first[0].ValueKind != JsonValueKind.Object)
        {
            first.WriteTo(json); // plain values (a server's names): the first process's
            return;
        }
        var keys = new List<string>();
        var groups = new Dictionary<string, List<JsonElement>>();
        foreach (var array in arrays)
        {
            foreach (var item in array.EnumerateArray())
            {
                var key = Identity(item);
                if (!groups.TryGetValue(key, out var items))
                {
                    groups.Add(key, items = []);
                    keys.Add(key);
                }
                items.Add(item);
            }
        }
        json.WriteStartArray();
        foreach (var key in keys)
        {
            WriteObject(json, [.. groups[key]], prefix);
        }
        json.WriteEndArray();
    }

    /// <summary>What pairs an object with its counterparts in other processes: the value of its first property.</summary>
    private static string Identity(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            return property.Value.ToString();
        }
        return "";
    }

    private static JsonElement[] Values(JsonElement[] objects, string name)
    {
        var values = new List<JsonElement>(objects.Length);
        foreach (var element in objects)
        {
            if (element.TryGetProperty(name, out var value))
            {
                values.Add(value);
            }
        }
        return [.. values];
    }

    private static double? Merged(JsonElement[] objects, string name, MetricMerge rule)
    {
        double? result = null;
        foreach (var element in objects)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
            {
                continue;
            }
            var number = value.GetDouble();
            result = result is not { } r ? number : rule switch
            {
                MetricMerge.Sum => r + number,
                MetricMerge.Min => Math.Min(r, number),
                _ => Math.Max(r, number),
            };
        }
        return result;
    }

    private static Dictionary<string, MetricMerge> BuildRules()
    {
        var rules = new Dictionary<string, MetricMerge>();
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric.Json is { } path)
            {
                rules[path] = metric.Merge;
            }
        }
        AddItemRules(rules, MetricCatalogue.Servers);
        AddItemRules(rules, MetricCatalogue.Routes);
        return rules;
    }

    private static void AddItemRules<T>(Dictionary<string, MetricMerge> rules, ItemList<T> list)
    {
        foreach (var metric in list.Metrics)
        {
            if (metric.Json is { } key)
            {
                rules[list.Array + "[]." + key] = metric.Merge;
            }
        }
    }
}
