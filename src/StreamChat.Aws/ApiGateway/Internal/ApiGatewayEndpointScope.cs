namespace StreamChat.Aws.ApiGateway.Internal;

/// <summary>
/// The Management API endpoint of the invocation in flight: the Lambda handler sets it from the event's
/// domain name and stage, and the broadcaster reads it when no endpoint is configured. It flows with the
/// async context, so concurrent invocations (tests, a host that serves several APIs) never mix.
/// </summary>
internal static class ApiGatewayEndpointScope
{
    private static readonly AsyncLocal<string?> BasePath = new();

    public static string? Current => BasePath.Value;

    /// <summary>Sets the endpoint for the rest of this async flow: https://{domainName}/{stage}/@connections/.</summary>
    public static void Enter(string domainName, string stage)
    {
        ArgumentException.ThrowIfNullOrEmpty(domainName);
        ArgumentException.ThrowIfNullOrEmpty(stage);
        BasePath.Value = FromEvent(domainName, stage);
    }

    public static string FromEvent(string domainName, string stage) =>
        ApiGatewayManagementClient.BasePath(new Uri("https://" + domainName + "/" + Uri.EscapeDataString(stage)));
}
