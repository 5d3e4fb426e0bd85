using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace CallCenter.Core.Backup;

/// <summary>
/// One table row as one JSON line, each column with its Edm type so a restore writes back exactly what was
/// read. Columns are written in name order, so the same rows always give the same bytes.
/// </summary>
internal static class BackupRowCodec
{
    private static readonly HashSet<string> SystemColumns = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

    public static string Encode(string table, TableEntity row)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("table", table);
            json.WriteString("pk", row.PartitionKey);
            json.WriteString("rk", row.RowKey);
            json.WriteStartObject("columns");
            foreach (var (name, value) in row.Where(c => !SystemColumns.Contains(c.Key) && c.Value is not null).OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                json.WriteStartArray(name);
                WriteTyped(json, value);
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static (string Table, TableEntity Row) Decode(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var row = new TableEntity(root.GetProperty("pk").GetString(), root.GetProperty("rk").GetString());
        foreach (var column in root.GetProperty("columns").EnumerateObject())
        {
            var type = column.Value[0].GetString();
            var text = column.Value[1].GetString() ?? "";
            row[column.Name] = type switch
            {
                "String" => text,
                "Int32" => int.Parse(text, CultureInfo.InvariantCulture),
                "Int64" => long.Parse(text, CultureInfo.InvariantCulture),
                "Double" => double.Parse(text, CultureInfo.InvariantCulture),
                "Boolean" => bool.Parse(text),
                "DateTime" => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                "Guid" => Guid.Parse(text, CultureInfo.InvariantCulture),
                "Binary" => Convert.FromBase64String(text),
                _ => throw new FormatException($"Column {column.Name} has an unknown type '{type}'."),
            };
        }

        return (root.GetProperty("table").GetString() ?? throw new FormatException("A row without its table."), row);
    }

    private static void WriteTyped(Utf8JsonWriter json, object value)
    {
        var (type, text) = value switch
        {
            string s => ("String", s),
            int i => ("Int32", i.ToString(CultureInfo.InvariantCulture)),
            long l => ("Int64", l.ToString(CultureInfo.InvariantCulture)),
            double d => ("Double", d.ToString("R", CultureInfo.InvariantCulture)),
            bool b => ("Boolean", b ? "true" : "false"),
            DateTimeOffset t => ("DateTime", t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
            DateTime t => ("DateTime", t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            Guid g => ("Guid", g.ToString("D")),
            byte[] bytes => ("Binary", Convert.ToBase64String(bytes)),
            BinaryData data => ("Binary", Convert.ToBase64String(data.ToArray())),
            _ => throw new NotSupportedException($"A column of type {value.GetType()} cannot be exported."),
        };
        json.WriteStringValue(type);
        json.WriteStringValue(text);
    }
}
