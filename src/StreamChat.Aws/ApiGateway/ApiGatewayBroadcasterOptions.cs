using System.ComponentModel.DataAnnotations;
using Amazon.Runtime;

namespace StreamChat.Aws.ApiGateway;

/// <summary>Options of the API Gateway Management API broadcaster (<c>POST /@connections/{id}</c>).</summary>
public sealed class ApiGatewayBroadcasterOptions
{
    /// <summary>
    /// Gets or sets the callback URL of the WebSocket API: <c>https://{api-id}.execute-api.{region}.amazonaws.com/{stage}</c>,
    /// or a custom domain with its base path.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: inside a StreamChat Lambda invocation the endpoint is then taken from the
    /// event (<c>https://{domainName}/{stage}</c>). Set it when clients connect through a custom domain, or when
    /// broadcasting from outside a Lambda invocation.
    /// </value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API's region, used to sign requests; <see langword="null"/> reads <c>AWS_REGION</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-\\d\\z")]
    public string? Region { get; set; }

    /// <summary>Gets or sets how many posts a broadcast has in flight at once.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 4_096)]
    public int MaxParallelism { get; set; } = 256;

    /// <summary>Gets or sets how often a post answered 429 or 5xx (or not answered) is retried, with exponential backoff and jitter.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the time-out of one post attempt.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets where the signing credentials come from; <see langword="null"/> uses AWSSDK.Core's default chain
    /// (environment variables, as on Lambda, then profiles, container and instance roles).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<IServiceProvider, AWSCredentials>? CredentialsFactory { get; set; }
}
