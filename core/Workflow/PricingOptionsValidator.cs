using System.Text.RegularExpressions;
using CallCenter.Core.Calls;
using CallCenter.Core.OpenAi;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Refuses a price table that would price calls wrongly, at start-up: no version or currency, a negative or
/// absurd price, or a model the workflow uses (<see cref="OpenAiOptions"/>) that has no price.
/// </summary>
internal sealed partial class PricingOptionsValidator(IOptions<OpenAiOptions> openAi) : IValidateOptions<PricingOptions>
{
    // Far above any real price per 1M tokens or per minute: a figure this large is a typo (per token, not per 1M).
    private const decimal MaxPrice = 10_000m;

    public ValidateOptionsResult Validate(string? name, PricingOptions options)
    {
        var failures = new List<string>();
        if (!VersionPattern().IsMatch(options.Version ?? ""))
        {
            failures.Add("Pricing:Version must be 1-40 letters, digits, '.', '_' or '-'.");
        }

        if (!CurrencyPattern().IsMatch(options.Currency ?? ""))
        {
            failures.Add("Pricing:Currency must be an ISO 4217 code such as USD.");
        }

        foreach (var (model, prices) in options.Models ?? [])
        {
            if (string.IsNullOrWhiteSpace(model) || prices is null)
            {
                failures.Add("Pricing:Models has an entry without a name or prices.");
                continue;
            }

            failures.AddRange(prices.All().Where(p => !Sane(p.Price)).Select(p => $"Pricing:Models:{model}:{p.Name} must be between 0 and {MaxPrice}."));
        }

        var twilio = options.Twilio ?? new TwilioPrices();
        foreach (var (item, price) in new[] { ("InboundMinute", twilio.InboundMinute), ("OutboundMinute", twilio.OutboundMinute), ("RecordingMinute", twilio.RecordingMinute) })
        {
            if (!Sane(price))
            {
                failures.Add($"Pricing:Twilio:{item} must be between 0 and {MaxPrice}.");
            }
        }

        var o = openAi.Value;
        foreach (var used in new[] { o.RealtimeModel, o.TranscriptionModel, o.ChatModel }.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (options.Models?.ContainsKey(used) != true)
            {
                failures.Add($"Pricing:Models has no price for {used}, which OpenAI options use.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool Sane(decimal price) => price is >= 0 and <= MaxPrice;

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,40}\z")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyPattern();
}
