using System.Globalization;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// Checks a request's SigV4 Authorization the way AWS does: the header's shape, the credential scope (key, date,
/// region, service), and the signature itself, recomputed from what actually arrived (method, raw path, host,
/// content type, target and body) with the test's known secret key. A body, header or host that changed after
/// signing fails here, as it would on AWS.
/// </summary>
internal static partial class SigV4Verifier
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    /// <summary>Returns what is wrong, or <see langword="null"/> when AWS would accept the signature.</summary>
    public static string? Check(HttpContext context, byte[] body, string service, string region, bool recompute = true)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            return "Missing or malformed SigV4 Authorization header: " + authorization;
        }

        if (match.Groups["key"].Value != AccessKey)
        {
            return "Unknown access key " + match.Groups["key"].Value + ".";
        }

        if (match.Groups["service"].Value != service)
        {
            return "Signed for service " + match.Groups["service"].Value + ", not " + service + ".";
        }

        if (match.Groups["region"].Value != region)
        {
            return "Signed for region " + match.Groups["region"].Value + ", not " + region + ".";
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

        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var signing = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(request.Method),
            RequestUri = new Uri("https://" + request.Host.Value + target),
        };
        if (body.Length > 0)
        {
            signing.Content = body;
        }

        if (request.Headers.ContentType.Count > 0 && signed.Contains("content-type"))
        {
            signing.Headers["Content-Type"] = request.Headers.ContentType.ToString();
        }

        if (request.Headers.TryGetValue("X-Amz-Target", out var amzTarget) && signed.Contains("x-amz-target"))
        {
            signing.Headers["X-Amz-Target"] = amzTarget.ToString();
        }

        var expected = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = Credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = signedAt,
        });
        var expectedAuthorization = expected.Headers.First(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value;
        return string.Equals(expectedAuthorization, authorization, StringComparison.Ordinal)
            ? null
            : "The request signature we calculated does not match the signature you provided.";
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Z0-9]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z-]+)/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=[0-9a-f]{64}$")]
    private static partial Regex AuthorizationPattern();
}
