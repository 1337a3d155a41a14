using Microsoft.AspNetCore.Http;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// Refuses cross-site WebSocket hijacking: with cookie or other ambient authentication, any page could otherwise open a
/// chat socket as the visiting user. Browsers always send <c>Origin</c> on a WebSocket handshake; native clients send none.
/// </summary>
internal sealed class OriginCheck
{
    private readonly HashSet<string> _allowed;
    private readonly bool _anyOrigin;

    public OriginCheck(IEnumerable<string> allowedOrigins, bool developmentIdentity)
    {
        _allowed = new HashSet<string>(allowedOrigins.Select(static o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _anyOrigin = _allowed.Count == 0 && developmentIdentity;
    }

    /// <summary>
    /// Listed origins only, when there is a list (as on the Lambda host). Without one: no <c>Origin</c> and same-origin
    /// pages are accepted and cross-origin pages refused, unless development identity is on.
    /// </summary>
    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (_allowed.Count > 0)
        {
            return origin.Length > 0 && _allowed.Contains(origin.TrimEnd('/'));
        }

        if (origin.Length == 0 || _anyOrigin)
        {
            return true;
        }

        // Same origin: the page came from the host the socket is opened to (compared by authority, so a TLS-terminating
        // proxy in front of plain-HTTP Kestrel still matches).
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
               && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
