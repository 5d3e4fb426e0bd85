namespace CallCenter.Core.OpenAi;

public interface ICallSummaryModel
{
    Task<CallSummary> SummarizeAsync(string transcript, string language, CancellationToken ct = default);
}
