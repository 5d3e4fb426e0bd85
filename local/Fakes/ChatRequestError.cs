namespace CallCenter.Fakes;

/// <summary>A request OpenAI's chat completions refuse: its 400 <c>error</c> object's message, param and code.</summary>
public sealed record ChatRequestError(string Message, string? Param, string? Code);
