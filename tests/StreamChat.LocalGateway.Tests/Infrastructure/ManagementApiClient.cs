using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace StreamChat.LocalGateway.Tests.Infrastructure;

/// <summary>Calls the gateway's Management API as a function would: SigV4-signed with AWSSDK.Core's signer.</summary>
internal sealed class ManagementApiClient(LocalGateway gateway) : IDisposable
{
    private readonly HttpClient _http = new();

    public Task<HttpResponseMessage> PostAsync(string connectionId, byte[] body, string service = "execute-api", string region = "us-east-1", bool tamper = false) =>
        SendAsync(HttpMethod.Post, connectionId, body, service, region, tamper);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string connectionId, byte[]? body = null, string service = "execute-api", string region = "us-east-1", bool tamper = false, bool sign = true)
    {
        var uri = new Uri($"{gateway.ManagementEndpoint}/@connections/{Uri.EscapeDataString(connectionId)}");
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(tamper ? [.. body, (byte)'!'] : body);
        }

        if (sign)
        {
            var signing = new AWSSigningRequest { HttpMethod = method, RequestUri = uri };
            if (body is { Length: > 0 })
            {
                signing.Content = body;
            }

            var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
            {
                Credentials = new BasicAWSCredentials(gateway.Credentials["MessageFunction"].AccessKey, gateway.Credentials["MessageFunction"].SecretKey),
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
            });
            foreach (var header in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();
}
