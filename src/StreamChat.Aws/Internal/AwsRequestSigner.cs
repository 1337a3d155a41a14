using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;

namespace StreamChat.Aws.Internal;

/// <summary>
/// Builds <see cref="HttpRequestMessage"/>s signed with AWSSDK.Core's SigV4 signer for one service and
/// region. Credentials come from the caller or AWSSDK.Core's default chain; they are resolved per
/// signature by the SDK, so rotated role credentials are picked up. Nothing here hand-rolls SigV4.
/// </summary>
internal sealed class AwsRequestSigner
{
    // One set of parameters for every signature (no SignedAt: each is signed at the moment it is made).
    private readonly AWSSigV4Parameters _parameters;

    public AwsRequestSigner(string service, string? region, AWSCredentials? credentials, string regionSettingName)
    {
        var regionEndpoint = region is { Length: > 0 } name
            ? RegionEndpoint.GetBySystemName(name)
            : FallbackRegionFactory.GetRegionEndpoint() ?? throw new InvalidOperationException(
                $"No region for signing {service} requests: set {regionSettingName} or the AWS_REGION environment variable.");
        _parameters = new AWSSigV4Parameters
        {
            Credentials = credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(null),
            Region = regionEndpoint,
            Service = service,
        };
    }

    public string RegionName => _parameters.Region.SystemName;

    public HttpRequestMessage Create(HttpMethod method, Uri uri, ReadOnlyMemory<byte> body, string? contentType, string? target = null)
    {
        var signing = new AWSSigningRequest { HttpMethod = method, RequestUri = uri };
        if (!body.IsEmpty)
        {
            signing.Content = MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : body.ToArray();
        }

        if (contentType is not null)
        {
            signing.Headers["Content-Type"] = contentType;
        }

        if (target is not null)
        {
            signing.Headers["X-Amz-Target"] = target;
        }

        var result = AWSSigV4Signer.Sign(signing, _parameters);
        var request = new HttpRequestMessage(method, uri);
        if (!body.IsEmpty || contentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            if (contentType is not null)
            {
                // A header value object of its own: they are mutable, so requests never share one.
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            }
        }

        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        // The signer returns only what it adds (Authorization, X-Amz-Date, X-Amz-Content-SHA256, the session token).
        foreach (var header in result.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }
}
