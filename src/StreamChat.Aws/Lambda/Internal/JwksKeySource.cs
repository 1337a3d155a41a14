using Microsoft.IdentityModel.Tokens;

namespace StreamChat.Aws.Lambda.Internal;

/// <summary>
/// The issuer's public keys from its JSON Web Key Set: fetched on first use, kept for the cache duration, and fetched
/// again when a token names a <c>kid</c> the set lacks (at most once per minimum refresh interval, so forged
/// <c>kid</c>s cannot turn every handshake into a fetch). Parsing is IdentityModel's <see cref="JsonWebKeySet"/>.
/// </summary>
internal sealed partial class JwksKeySource : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly TimeSpan _minimumRefresh;
    private readonly TimeSpan _cacheDuration;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySet? _current;

    public JwksKeySource(Uri uri, TimeSpan minimumRefresh, TimeSpan cacheDuration, TimeProvider timeProvider, HttpMessageHandler? handler)
    {
        _uri = uri;
        _minimumRefresh = minimumRefresh;
        _cacheDuration = cacheDuration;
        _timeProvider = timeProvider;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: handler is null)
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>The keys to validate a token with <paramref name="kid"/>; fetched first when the cache cannot have it.</summary>
    public async ValueTask<IList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && !NeedsFetch(current, kid))
        {
            return current.Keys;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another handshake may have fetched while this one waited.
            current = _current;
            if (current is not null && !NeedsFetch(current, kid))
            {
                return current.Keys;
            }

            using var response = await _http.GetAsync(_uri, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var set = new JsonWebKeySet(json);
            current = new KeySet(set.GetSigningKeys(), _timeProvider.GetUtcNow());
            _current = current;
            return current.Keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool NeedsFetch(KeySet set, string? kid)
    {
        var age = _timeProvider.GetUtcNow() - set.FetchedAt;
        if (age >= _cacheDuration)
        {
            return true;
        }

        var known = kid is null || set.Keys.Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));
        return !known && age >= _minimumRefresh;
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private sealed record KeySet(IList<SecurityKey> Keys, DateTimeOffset FetchedAt);
}
