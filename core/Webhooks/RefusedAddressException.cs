namespace CallCenter.Core.Webhooks;

/// <summary>An endpoint's host resolved, at delivery, to an address webhooks may not reach.</summary>
public sealed class RefusedAddressException(string message) : Exception(message);
