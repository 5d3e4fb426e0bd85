namespace CallCenter.Web;

/// <summary>
/// One HTTP route of the app. <see cref="Handler"/> is what the local host maps (its parameters bound as minimal
/// APIs bind them); the OpenAPI document reads its request and response types from the handler's signature.
/// </summary>
public sealed record ApiRoute(string Method, string Path, string Name, string Summary, string Auth, Delegate Handler);
