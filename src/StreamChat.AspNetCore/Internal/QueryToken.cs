using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// Browsers cannot set headers on a WebSocket, so a chat handshake carries its JWT in the query string as <c>token</c>
/// (the protocol's name) or <c>access_token</c> (SignalR's). This hands it to every JwtBearer scheme the app configured,
/// for StreamChat endpoints only; the app's own <c>OnMessageReceived</c> runs first and wins. (An app that sets
/// <c>JwtBearerOptions.EventsType</c> replaces the events object per request, and reads the query itself.)
/// </summary>
internal sealed class QueryToken : IPostConfigureOptions<JwtBearerOptions>
{
    public static bool IsTokenName(ReadOnlySpan<char> name) =>
        name.Equals("token", StringComparison.Ordinal) || name.Equals("access_token", StringComparison.Ordinal);

    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events ??= new JwtBearerEvents();
        var inner = options.Events.OnMessageReceived;
        options.Events.OnMessageReceived = async context =>
        {
            await inner(context).ConfigureAwait(false);
            if (context.Token is null
                && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<StreamChatEndpointMetadata>() is not null
                && Read(context.Request.QueryString.Value) is { } token)
            {
                context.Token = token;
            }
        };
    }

    /// <summary>
    /// The one token in the query, or <see langword="null"/> when there is none or more than one (ambiguous, so refused).
    /// Read in one pass, not through <c>HttpRequest.Query</c>: that would keep the parsed collection alive for as long as
    /// the socket is open, on every chat connection, since this runs for every handshake.
    /// </summary>
    private static string? Read(string? queryString)
    {
        string? token = null;
        var count = 0;
        foreach (var pair in new QueryStringEnumerable(queryString))
        {
            if (!pair.EncodedValue.IsEmpty && IsTokenName(pair.DecodeName().Span))
            {
                count++;
                token = pair.DecodeValue().ToString();
            }
        }

        return count == 1 ? token : null;
    }
}

/// <summary>Marks the endpoints <c>MapStreamChat</c> maps.</summary>
internal sealed class StreamChatEndpointMetadata;
