namespace CallCenter.Core.Calls;

/// <summary>
/// Prices a call from its stored usage by a price table: one line per item used (tokens per 1M, Twilio per started
/// minute). A model the table does not know is priced at 0 and named so in its line, rather than leave the call unpriced.
/// </summary>
public static class CallPricing
{
    private const string PerMillion = "1M tokens";
    private const string Minute = "minute";

    public static CallCost Price(CallLog call, PricingOptions table)
    {
        var lines = new List<CostLine>();
        if (call.RealtimeUsage is { } rt)
        {
            var p = Prices(table, rt.Model, out var label);
            Tokens(lines, $"{label} input text", rt.InputTextTokens - rt.CachedTextTokens, p?.InputText);
            Tokens(lines, $"{label} cached input text", rt.CachedTextTokens, p?.CachedInputText);
            Tokens(lines, $"{label} input audio", rt.InputAudioTokens - rt.CachedAudioTokens, p?.InputAudio);
            Tokens(lines, $"{label} cached input audio", rt.CachedAudioTokens, p?.CachedInputAudio);
            Tokens(lines, $"{label} output text", rt.OutputTextTokens, p?.OutputText);
            Tokens(lines, $"{label} output audio", rt.OutputAudioTokens, p?.OutputAudio);
        }

        if (call.TranscriptionUsage is { } tr)
        {
            var p = Prices(table, tr.Model, out var label);
            Tokens(lines, $"{label} transcription input audio", tr.InputTokens, p?.InputAudio);
            Tokens(lines, $"{label} transcription output text", tr.OutputTokens, p?.OutputText);
            if (tr.Seconds > 0)
            {
                Line(lines, $"{label} transcription audio", (decimal)Math.Round(tr.Seconds / 60, 4), Minute, p?.AudioMinute);
            }
        }

        if (call.SummaryUsage is { } su)
        {
            var p = Prices(table, su.Model, out var label);
            Tokens(lines, $"{label} summary input text", su.InputTokens, p?.InputText);
            Tokens(lines, $"{label} summary output text", su.OutputTokens, p?.OutputText);
        }

        var twilio = table.Twilio;
        var callMinutes = CallMinutes(call);
        var inbound = call.Direction == CallDirection.Inbound;
        Line(lines, inbound ? "twilio inbound call" : "twilio outbound call", callMinutes, Minute, inbound ? twilio.InboundMinute : twilio.OutboundMinute, keepZero: true);
        Line(lines, "twilio recording", RecordingMinutes(call), Minute, twilio.RecordingMinute);
        return new CallCost(table.Currency, lines.Sum(l => l.Amount), table.Version, lines);
    }

    /// <summary>Twilio bills a call leg per started minute of its CallDuration.</summary>
    public static int CallMinutes(CallLog call) => StartedMinutes(call.DurationSeconds);

    public static int RecordingMinutes(CallLog call) => StartedMinutes(call.RecordingSeconds);

    private static int StartedMinutes(int? seconds) => seconds is { } s and > 0 ? (int)Math.Ceiling(s / 60.0) : 0;

    private static ModelPrices? Prices(PricingOptions table, string? model, out string label)
    {
        label = model ?? "unknown model";
        if (model is not null && table.Models.TryGetValue(model, out var prices))
        {
            return prices;
        }

        label += " (no price)";
        return null;
    }

    private static void Tokens(List<CostLine> lines, string item, long tokens, decimal? perMillion)
    {
        if (tokens > 0)
        {
            // Quantity in the unit priced, so amount = quantity × unit price holds line by line.
            Line(lines, item, tokens / 1_000_000m, PerMillion, perMillion);
        }
    }

    private static void Line(List<CostLine> lines, string item, decimal quantity, string unit, decimal? unitPrice, bool keepZero = false)
    {
        if (quantity <= 0 && !keepZero)
        {
            return;
        }

        var price = unitPrice ?? 0m;
        lines.Add(new CostLine(item, quantity, unit, price, Math.Round(quantity * price, 6)));
    }
}
