using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StreamChat.Testing;

/// <summary>Tokens as an identity provider would issue them, and ones an attacker or a misconfigured issuer would send.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://issuer.streamchat.test";
    public const string Audience = "streamchat-tests";

    /// <summary>The HS256 secret both hosts are configured with, base64 as configuration carries it.</summary>
    public static readonly string SharedSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static SigningCredentials Hs256 => new(new SymmetricSecurityKey(Convert.FromBase64String(SharedSecret)), SecurityAlgorithms.HmacSha256);

    /// <summary>Signs like the real issuer but with a secret the hosts do not know.</summary>
    public static SigningCredentials WrongHs256 => new(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256);

    public static string Create(
        SigningCredentials credentials,
        string sub = "ana-42",
        string name = "Ana",
        string? role = null,
        string issuer = Issuer,
        string audience = Audience,
        TimeSpan? expiresIn = null,
        TimeSpan? validFrom = null)
    {
        var now = DateTime.UtcNow;
        var notBefore = now + (validFrom ?? TimeSpan.FromMinutes(-1));
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new List<Claim> { new("sub", sub), new("name", name) };
        if (role is not null)
        {
            claims.Add(new Claim("role", role));
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            NotBefore = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            Expires = expires,
            SigningCredentials = credentials,
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature: valid claims, nothing vouching for them.</summary>
    public static string Unsigned(string sub = "ana-42")
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"sub":"{{sub}}","name":"Ana","iss":"{{Issuer}}","aud":"{{Audience}}","nbf":{{now.AddMinutes(-1).ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(10).ToUnixTimeSeconds()}}}""");
        return header + "." + payload + ".";
    }

    /// <summary>The refused kinds of token, by name, for theories.</summary>
    public static string Refused(string kind) => kind switch
    {
        "expired" => Create(Hs256, expiresIn: TimeSpan.FromMinutes(-10), validFrom: TimeSpan.FromMinutes(-30)),
        "not-yet-valid" => Create(Hs256, validFrom: TimeSpan.FromMinutes(10), expiresIn: TimeSpan.FromMinutes(30)),
        "alg-none" => Unsigned(),
        "wrong-signature" => Create(WrongHs256),
        "wrong-audience" => Create(Hs256, audience: "some-other-service"),
        "wrong-issuer" => Create(Hs256, issuer: "https://evil.example.net"),
        "malformed" => "not.a.token",
        "garbage" => Encoding.ASCII.GetString(RandomNumberGenerator.GetBytes(24).Select(static b => (byte)('a' + (b % 26))).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>An RS256 or ES256 key pair whose public half an issuer publishes in its JWKS.</summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private TestSigningKey(string kid, RSA? rsa, ECDsa? ecdsa)
    {
        KeyId = kid;
        _rsa = rsa;
        _ecdsa = ecdsa;
    }

    public string KeyId { get; }

    public static TestSigningKey Rsa(string kid) => new(kid, RSA.Create(2048), null);

    public static TestSigningKey EcdsaP256(string kid) => new(kid, null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public SigningCredentials Credentials => _rsa is not null
        ? new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256)
        : new SigningCredentials(new ECDsaSecurityKey(_ecdsa!) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256);

    /// <summary>The public key as a JWK (RFC 7517), as an issuer's JWKS lists it.</summary>
    public string PublicJwk()
    {
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            return $$"""{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{KeyId}}","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}""";
        }

        var q = _ecdsa!.ExportParameters(false).Q;
        return $$"""{"kty":"EC","use":"sig","alg":"ES256","crv":"P-256","kid":"{{KeyId}}","x":"{{Base64UrlEncoder.Encode(q.X)}}","y":"{{Base64UrlEncoder.Encode(q.Y)}}"}""";
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }
}
