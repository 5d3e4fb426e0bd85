namespace CallCenter.Core.Auth;

internal sealed record StoredApiKey(byte[] Hash, DateTimeOffset? RevokedAt, bool ManagesKeys);
