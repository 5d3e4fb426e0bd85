namespace CallCenter.Web;

/// <summary>
/// The JSON body an endpoint reads, for the OpenAPI document. Not <c>IAcceptsMetadata</c>: routing would then refuse
/// other content types with a bare 415 before the key is checked, where the endpoints answer 401 first and a
/// problem-details 415 after.
/// </summary>
public sealed record RequestBodyMetadata(Type Type, bool IsOptional);
