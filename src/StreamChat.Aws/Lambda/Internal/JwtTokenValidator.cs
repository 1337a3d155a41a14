using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StreamChat.Aws.Lambda.Internal;

/// <summary>
/// Validates a handshake's JWT with Microsoft.IdentityModel: signed (never <c>alg: none</c>) with a configured HS256
/// secret or a key from the JWKS, within its lifetime, from a configured issuer, for a configured audience.
/// </summary>
internal sealed partial class JwtTokenValidator : IDisposable
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly StreamChatJwtOptions _options;
    private readonly SecurityKey[] _sharedKeys;
    private readonly JwksKeySource? _jwks;
    private readonly ILogger _logger;

    public JwtTokenValidator(StreamChatJwtOptions options, TimeProvider timeProvider, HttpMessageHandler? jwksHandler, ILogger logger)
    {
        _options = options;
        _sharedKeys = options.SigningKeys.Select(static k => (SecurityKey)new SymmetricSecurityKey(Convert.FromBase64String(k))).ToArray();
        _jwks = options.JwksUri is { } uri ? new JwksKeySource(uri, options.JwksMinimumRefreshInterval, options.JwksCacheDuration, timeProvider, jwksHandler) : null;
        _logger = logger;
    }

    /// <summary>The token's principal, or <see langword="null"/> when the token is not valid (the reason is logged at Debug).</summary>
    public async ValueTask<ClaimsPrincipal?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!_handler.CanReadToken(token))
        {
            Log.TokenRefused(_logger, "malformed");
            return null;
        }

        IEnumerable<SecurityKey> keys = _sharedKeys;
        if (_jwks is not null)
        {
            try
            {
                var jwksKeys = await _jwks.GetKeysAsync(_handler.ReadJsonWebToken(token).Kid, cancellationToken).ConfigureAwait(false);
                keys = _sharedKeys.Concat(jwksKeys);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException && !cancellationToken.IsCancellationRequested)
            {
                // Logged once per failure; the handshake is refused, never accepted unchecked.
                Log.JwksFailed(_logger, ex);
            }
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = _options.Issuers,
            ValidAudiences = _options.Audiences,
            IssuerSigningKeys = keys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = _options.ClockSkew,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            Log.TokenRefused(_logger, result.Exception?.GetType().Name ?? "invalid");
            return null;
        }

        return new ClaimsPrincipal(result.ClaimsIdentity);
    }

    public void Dispose() => _jwks?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "A handshake's token was refused: {Problem}.", EventName = "TokenRefused")]
        public static partial void TokenRefused(ILogger logger, string problem);

        [LoggerMessage(2, LogLevel.Warning, "Fetching the JSON Web Key Set failed; tokens signed with its keys are refused until it can be read.", EventName = "JwksFailed")]
        public static partial void JwksFailed(ILogger logger, Exception exception);
    }
}
