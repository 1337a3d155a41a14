namespace StreamChat.Aws.Lambda;

/// <summary>
/// Options of the Lambda host (configuration section <c>StreamChatLambda</c>). Identity and chat rules live in
/// <see cref="Core.StreamChatOptions"/>, exactly as on the ASP.NET Core host.
/// </summary>
public sealed class StreamChatLambdaOptions
{
    /// <summary>
    /// Gets the origins (e.g. <c>https://watch.example.com</c>) whose pages may open a chat connection.
    /// </summary>
    /// <value>
    /// Empty by default: any origin, and clients that send none (wscat, native apps), may connect (API Gateway never
    /// serves the page, so there is no same origin to fall back to). When it has
    /// entries, a <c>$connect</c> whose <c>Origin</c> header is missing or not listed is refused with 403.
    /// </value>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Gets or sets the key of the Lambda authorizer's context that holds the display name.
    /// </summary>
    /// <value>
    /// The default is <c>username</c>. The user id is always the authorizer's <c>principalId</c>; without a display name
    /// the user id is shown.
    /// </value>
    public string AuthorizerUsernameKey { get; set; } = "username";

    /// <summary>Gets JWT identity: tokens in the query string validated in <c>$connect</c> (off until keys are configured).</summary>
    public StreamChatJwtOptions Jwt { get; } = new();
}
