using System.Globalization;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace StreamChat.LocalGateway.Gateway;

/// <summary>
/// Checks a request's SigV4 signature as AWS would: the Authorization header's shape, the credential scope (a known
/// access key, the date, the region, the service, e.g. <c>execute-api</c> for the Management API), a fresh
/// <c>X-Amz-Date</c>, and the signature recomputed with AWSSDK.Core's signer from what actually arrived (method, raw
/// path, host and every signed header and the body), so a request changed after signing fails as it would on AWS.
/// The test suites' AWS stand-ins (Comprehend, the Management API) use it too.
/// </summary>
internal sealed partial class SigV4Check(IReadOnlyCollection<ImmutableCredentials> accepted, string region, string service = SigV4Check.ExecuteApi)
{
    public const string ExecuteApi = "execute-api";

    /// <summary>Returns what AWS would answer (403) about the signature, or <see langword="null"/> when it holds.</summary>
    /// <param name="context">The request.</param>
    /// <param name="body">Its body, as it arrived.</param>
    /// <param name="recompute">Whether to recompute the signature, or only check the header and its scope.</param>
    public string? Problem(HttpContext context, byte[] body, bool recompute = true)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return "Missing Authentication Token";
        }

        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            return "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).";
        }

        var credentials = accepted.FirstOrDefault(c => c.AccessKey == match.Groups["key"].Value);
        if (credentials is null)
        {
            return "The security token included in the request is invalid.";
        }

        if (match.Groups["service"].Value != service)
        {
            return $"Credential should be scoped to correct service: signed for service {match.Groups["service"].Value}, not {service}.";
        }

        if (match.Groups["region"].Value != region)
        {
            return $"Credential should be scoped to a valid region: signed for region {match.Groups["region"].Value}, not {region}.";
        }

        var date = request.Headers["X-Amz-Date"].ToString();
        if (!date.StartsWith(match.Groups["date"].Value, StringComparison.Ordinal)
            || !DateTime.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return "X-Amz-Date is missing or does not match the credential scope.";
        }

        if (Math.Abs((DateTime.UtcNow - signedAt).TotalMinutes) > 5)
        {
            return "Signature expired: X-Amz-Date is more than 5 minutes from now.";
        }

        var signed = match.Groups["signed"].Value.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date"))
        {
            return "host and x-amz-date must be signed.";
        }

        if (!recompute)
        {
            return null;
        }

        var signing = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(request.Method),
            RequestUri = new Uri("https://" + request.Host.Value + context.Features.Get<IHttpRequestFeature>()!.RawTarget),
        };
        if (body.Length > 0)
        {
            signing.Content = body;
        }

        foreach (var name in signed.Where(h => h is not ("host" or "x-amz-date" or "x-amz-content-sha256")))
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                signing.Headers[name] = value.ToString();
            }
        }

        if (credentials.UseToken)
        {
            signing.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var expected = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey),
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = signedAt,
        });
        var expectedSignature = SignaturePattern().Match(expected.Headers.First(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value).Value;
        return string.Equals(expectedSignature, SignaturePattern().Match(authorization).Value, StringComparison.Ordinal)
            ? null
            : "The request signature we calculated does not match the signature you provided.";
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Za-z0-9]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=[0-9a-f]{64}$")]
    private static partial Regex AuthorizationPattern();

    [GeneratedRegex("Signature=[0-9a-f]{64}")]
    private static partial Regex SignaturePattern();
}
