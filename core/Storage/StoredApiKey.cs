namespace CallCenter.Core.Storage;

internal sealed record StoredApiKey(byte[] Hash, DateTimeOffset? RevokedAt, bool ManagesKeys);
