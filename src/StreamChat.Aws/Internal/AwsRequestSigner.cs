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
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly string _service;

    public AwsRequestSigner(string service, string? region, AWSCredentials? credentials, string regionSettingName)
    {
        _service = service;
        _region = region is { Length: > 0 } name
            ? RegionEndpoint.GetBySystemName(name)
            : FallbackRegionFactory.GetRegionEndpoint() ?? throw new InvalidOperationException(
                $"No region for signing {service} requests: set {regionSettingName} or the AWS_REGION environment variable.");
        _credentials = credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
    }

    public string RegionName => _region.SystemName;

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

        var result = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = _region, Service = _service });
        var request = new HttpRequestMessage(method, uri);
        if (!body.IsEmpty || contentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            if (contentType is not null)
            {
                // A header value object of its own: they are mutable, so requests never share one.
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        foreach (var header in result.Headers)
        {
            if (!string.Equals(header.Key, "X-Amz-Target", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return request;
    }
}
