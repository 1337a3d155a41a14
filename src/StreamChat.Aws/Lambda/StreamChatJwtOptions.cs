namespace StreamChat.Aws.Lambda;

/// <summary>
/// JWT identity on the Lambda host (configuration section <c>StreamChatLambda:Jwt</c>): the token a client passes as
/// <c>?token=</c> (or <c>?access_token=</c>) is validated in <c>$connect</c>, and its <c>sub</c>, <c>name</c> and
/// role claims become the connection's identity. Off until <see cref="SigningKeys"/> or <see cref="JwksUri"/> is set.
/// </summary>
public sealed class StreamChatJwtOptions
{
    /// <summary>Gets the accepted issuers (<c>iss</c>); required when JWT identity is on.</summary>
    public IList<string> Issuers { get; } = [];

    /// <summary>Gets the accepted audiences (<c>aud</c>); required when JWT identity is on.</summary>
    public IList<string> Audiences { get; } = [];

    /// <summary>Gets base64-encoded HS256 shared secrets (at least 32 bytes each); several allow a rotation.</summary>
    public IList<string> SigningKeys { get; } = [];

    /// <summary>
    /// Gets or sets the address of a JSON Web Key Set with the issuer's RS256/ES256 public keys. Keys are cached, and a
    /// token signed with an unknown <c>kid</c> makes the set be fetched again, so a key rollover needs no redeploy.
    /// </summary>
    /// <value>The default value is <see langword="null"/>. It must be https (or http on a loopback address, for tests).</value>
    public Uri? JwksUri { get; set; }

    /// <summary>Gets or sets the shortest time between two fetches of the key set (an unknown <c>kid</c> cannot force more).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a fetched key set is used before it is fetched again.</summary>
    /// <value>The default value is 12 hours.</value>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Gets or sets the clock skew allowed on <c>exp</c> and <c>nbf</c>.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets a value indicating whether JWT identity is on.</summary>
    public bool IsEnabled => SigningKeys.Count > 0 || JwksUri is not null;
}
