using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace StreamChat.LocalGateway.Gateway;

/// <summary>
/// The proxy events an API Gateway WebSocket API gives a Lambda integration, in the shapes AWS documents and sends
/// (request context, headers and multi-value headers, query strings only when present, base64 bodies for binary
/// frames): $connect carries the handshake's headers and query, a message its body and route, $disconnect the close.
/// </summary>
internal sealed class WebSocketEvents(string apiId, string stage, string domainName)
{
    public JsonObject Connect(GatewayConnection connection, HttpRequest request)
    {
        var headers = new JsonObject();
        var multiValueHeaders = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            // API Gateway keeps the client's spelling of header names and gives a repeated one's last value.
            headers[name] = values.ToString().Split(',').Last().Trim();
            multiValueHeaders[name] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        }

        headers["X-Forwarded-For"] = connection.SourceIp;
        multiValueHeaders["X-Forwarded-For"] = new JsonArray(connection.SourceIp);
        var context = Context(connection, "$connect", "CONNECT");
        var evt = new JsonObject
        {
            ["headers"] = headers,
            ["multiValueHeaders"] = multiValueHeaders,
            ["requestContext"] = context,
            ["isBase64Encoded"] = false,
        };
        if (request.Query.Count > 0)
        {
            evt["queryStringParameters"] = new JsonObject(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value[^1])));
            evt["multiValueQueryStringParameters"] = new JsonObject(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)new JsonArray(q.Value.Select(v => (JsonNode?)v).ToArray()))));
        }

        return evt;
    }

    public JsonObject Message(GatewayConnection connection, string routeKey, string body, bool isBase64Encoded)
    {
        var context = Context(connection, routeKey, "MESSAGE");
        context["messageId"] = NewId(12);
        return new JsonObject
        {
            ["requestContext"] = context,
            ["body"] = body,
            ["isBase64Encoded"] = isBase64Encoded,
        };
    }

    public JsonObject Disconnect(GatewayConnection connection, int statusCode, string reason)
    {
        var headers = new JsonObject { ["Host"] = domainName, ["x-api-key"] = string.Empty, ["X-Forwarded-For"] = string.Empty, ["x-restapi"] = string.Empty };
        var context = Context(connection, "$disconnect", "DISCONNECT");
        context["disconnectStatusCode"] = statusCode;
        context["disconnectReason"] = reason;
        return new JsonObject
        {
            ["headers"] = headers,
            ["multiValueHeaders"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonArray(h.Value!.GetValue<string>())))),
            ["requestContext"] = context,
            ["isBase64Encoded"] = false,
        };
    }

    private JsonObject Context(GatewayConnection connection, string routeKey, string eventType)
    {
        var now = DateTimeOffset.UtcNow;
        var requestId = NewId(12);
        var context = new JsonObject
        {
            ["routeKey"] = routeKey,
            ["eventType"] = eventType,
            ["extendedRequestId"] = requestId,
            ["requestTime"] = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            ["messageDirection"] = "IN",
            ["stage"] = stage,
            ["connectedAt"] = connection.ConnectedAt.ToUnixTimeMilliseconds(),
            ["requestTimeEpoch"] = now.ToUnixTimeMilliseconds(),
            ["identity"] = new JsonObject { ["userAgent"] = connection.UserAgent, ["sourceIp"] = connection.SourceIp },
            ["requestId"] = requestId,
            ["domainName"] = domainName,
            ["connectionId"] = connection.Id,
            ["apiId"] = apiId,
        };
        return context;
    }

    /// <summary>An id in API Gateway's style: base64 of random bytes, URL-safe enough for a path segment, ending in '='.</summary>
    public static string NewId(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=') + "=";
}
