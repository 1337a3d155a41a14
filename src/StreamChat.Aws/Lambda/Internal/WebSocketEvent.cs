using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamChat.Aws.Lambda.Internal;

/// <summary>
/// The Lambda proxy event of an API Gateway WebSocket API (only the fields StreamChat reads). Header and
/// query names arrive in mixed case; lookups go through <see cref="Header"/> and <see cref="Query"/>.
/// </summary>
internal sealed class WebSocketEvent
{
    [JsonPropertyName("headers")]
    public Dictionary<string, string?>? Headers { get; set; }

    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string?>? QueryStringParameters { get; set; }

    [JsonPropertyName("multiValueQueryStringParameters")]
    public Dictionary<string, string?[]?>? MultiValueQueryStringParameters { get; set; }

    [JsonPropertyName("requestContext")]
    public WebSocketRequestContext? RequestContext { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    /// <summary>A header by case-insensitive name.</summary>
    public string? Header(string name)
    {
        if (Headers is null)
        {
            return null;
        }

        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>True when the query string carries <paramref name="name"/> more than once.</summary>
    public bool IsRepeated(string name) =>
        MultiValueQueryStringParameters is not null
        && MultiValueQueryStringParameters.TryGetValue(name, out var values)
        && values is { Length: > 1 };

    /// <summary>
    /// A query parameter. A repeated parameter is ambiguous, so it reads as empty (invalid), not as its first value,
    /// exactly as on the ASP.NET Core host.
    /// </summary>
    public string? Query(string name)
    {
        if (IsRepeated(name))
        {
            return string.Empty;
        }

        return QueryStringParameters is not null && QueryStringParameters.TryGetValue(name, out var value) ? value : null;
    }
}

/// <summary>The <c>requestContext</c> of a WebSocket proxy event.</summary>
internal sealed class WebSocketRequestContext
{
    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    [JsonPropertyName("eventType")]
    public string? EventType { get; set; }

    [JsonPropertyName("connectionId")]
    public string? ConnectionId { get; set; }

    [JsonPropertyName("connectedAt")]
    public long ConnectedAt { get; set; }

    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    [JsonPropertyName("domainName")]
    public string? DomainName { get; set; }

    [JsonPropertyName("stage")]
    public string? Stage { get; set; }

    [JsonPropertyName("apiId")]
    public string? ApiId { get; set; }

    [JsonPropertyName("disconnectStatusCode")]
    public int? DisconnectStatusCode { get; set; }

    [JsonPropertyName("disconnectReason")]
    public string? DisconnectReason { get; set; }

    /// <summary>
    /// What a Lambda authorizer returned: <c>principalId</c> and its context keys (values are stringified by
    /// API Gateway, but read leniently).
    /// </summary>
    [JsonPropertyName("authorizer")]
    public Dictionary<string, JsonElement>? Authorizer { get; set; }

    /// <summary>Who called: <c>sourceIp</c> is the client's address as API Gateway saw it.</summary>
    [JsonPropertyName("identity")]
    public WebSocketCallerIdentity? Identity { get; set; }

    public string? AuthorizerValue(string key)
    {
        if (Authorizer is null || !Authorizer.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }
}

/// <summary>The proxy response: <c>{"statusCode":200}</c>, with a body for refusals.</summary>
internal sealed class WebSocketCallerIdentity
{
    [JsonPropertyName("sourceIp")]
    public string? SourceIp { get; set; }
}

internal sealed class WebSocketResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(WebSocketEvent))]
[JsonSerializable(typeof(WebSocketResponse))]
[JsonSerializable(typeof(LambdaRuntimeError))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;

/// <summary>The error document the Lambda Runtime API takes for a failed init or invocation.</summary>
internal sealed class LambdaRuntimeError
{
    [JsonPropertyName("errorMessage")]
    public string ErrorMessage { get; init; } = string.Empty;

    [JsonPropertyName("errorType")]
    public string ErrorType { get; init; } = string.Empty;
}
