namespace CallCenter.MediaBridge.Sessions;

/// <summary>A function call the model made: run only once its response has completed.</summary>
internal readonly record struct FunctionCall(string CallId, string Name, string Arguments);
