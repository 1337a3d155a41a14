using Amazon.Runtime;
using Microsoft.AspNetCore.Http;
using StreamChat.LocalGateway.Gateway;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// The stand-ins' signature check: the local gateway's <see cref="SigV4Check"/> (the header's shape, the credential
/// scope, a fresh X-Amz-Date and the signature recomputed with AWSSDK.Core's signer from what arrived), with the
/// tests' known key.
/// </summary>
internal static class SigV4Verifier
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    /// <summary>Returns what is wrong, or <see langword="null"/> when AWS would accept the signature.</summary>
    public static string? Check(HttpContext context, byte[] body, string service, string region, bool recompute = true) =>
        new SigV4Check([new ImmutableCredentials(AccessKey, SecretKey, null)], region, service).Problem(context, body, recompute);
}
