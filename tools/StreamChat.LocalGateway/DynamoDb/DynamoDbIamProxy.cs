using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway.Template;

namespace StreamChat.LocalGateway.DynamoDb;

/// <summary>
/// Sits between the sandboxes and the local DynamoDB and does what IAM does on AWS: each function signs with its own
/// access key (its role), and a request whose action (<c>dynamodb:UpdateItem</c>) on its table or index ARN the
/// function's policy statements in the template do not allow is refused with DynamoDB's AccessDeniedException, as AWS
/// would refuse it. A missing grant in template.yaml thus fails locally, not after a deployment. Allowed requests are
/// passed on unchanged.
/// </summary>
internal sealed partial class DynamoDbIamProxy : IAsyncDisposable
{
    private const string TargetPrefix = "DynamoDB_20120810.";

    private readonly WebApplication _app;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
    private readonly Uri _target;
    private readonly IReadOnlyDictionary<string, TemplateFunction> _byAccessKey;
    private readonly string _region;
    private readonly ILogger _logger;
    private long _denied;

    private DynamoDbIamProxy(WebApplication app, Uri target, IReadOnlyDictionary<string, TemplateFunction> byAccessKey, string region, ILogger logger)
    {
        _app = app;
        _target = target;
        _byAccessKey = byAccessKey;
        _region = region;
        _logger = logger;
    }

    /// <summary>Gets the address the sandboxes use as their DynamoDB endpoint.</summary>
    public Uri Endpoint { get; private init; } = null!;

    /// <summary>Gets the number of requests refused so far.</summary>
    public long Denied => Interlocked.Read(ref _denied);

    public static async Task<DynamoDbIamProxy> StartAsync(Uri target, IReadOnlyDictionary<string, TemplateFunction> byAccessKey, string region, ILogger logger)
    {
        DynamoDbIamProxy? proxy = null;
        var (app, address) = await LoopbackServer.StartAsync(0, 16 * 1024 * 1024, context => proxy!.HandleAsync(context));
        proxy = new DynamoDbIamProxy(app, target, byAccessKey, region, logger) { Endpoint = address };
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var operation = context.Request.Headers["X-Amz-Target"].ToString();
        var accessKey = AccessKey().Match(context.Request.Headers.Authorization.ToString()) is { Success: true } m ? m.Groups[1].Value : null;
        if (operation.StartsWith(TargetPrefix, StringComparison.Ordinal)
            && accessKey is not null
            && _byAccessKey.TryGetValue(accessKey, out var function)
            && function.Statements is { } statements)
        {
            var action = "dynamodb:" + operation[TargetPrefix.Length..];
            foreach (var resource in Resources(body))
            {
                if (!Allows(statements, action, resource))
                {
                    Interlocked.Increment(ref _denied);
                    Log.Denied(_logger, function.LogicalId, action, resource);
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "application/x-amz-json-1.0";
                    await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                    {
                        ["__type"] = "com.amazon.coral.service#AccessDeniedException",
                        ["Message"] = $"User: arn:aws:sts::{SamTemplate.LocalAccountId}:assumed-role/{function.FunctionName}-role/{function.FunctionName} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action",
                    }));
                    return;
                }
            }
        }

        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_target, context.Request.Path + context.Request.QueryString))
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await _http.SendAsync(forward, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>The ARNs a request acts on: its table (and index), or every table of a batch.</summary>
    private List<string> Resources(byte[] body)
    {
        var resources = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("TableName", out var table) && table.ValueKind == JsonValueKind.String)
            {
                var arn = TableArn(table.GetString()!);
                resources.Add(root.TryGetProperty("IndexName", out var index) && index.ValueKind == JsonValueKind.String ? $"{arn}/index/{index.GetString()}" : arn);
            }

            if (root.TryGetProperty("RequestItems", out var items) && items.ValueKind == JsonValueKind.Object)
            {
                resources.AddRange(items.EnumerateObject().Select(i => TableArn(i.Name)));
            }
        }
        catch (JsonException)
        {
            // DynamoDB answers it; nothing to check
        }

        return resources.Count > 0 ? resources : ["*"];
    }

    private string TableArn(string table) => $"arn:aws:dynamodb:{_region}:{SamTemplate.LocalAccountId}:table/{table}";

    /// <summary>IAM's rule: an explicit deny wins, otherwise some allow must match the action and the resource.</summary>
    internal static bool Allows(IReadOnlyList<PolicyStatement> statements, string action, string resource)
    {
        bool Matches(PolicyStatement s) =>
            s.Actions.Any(a => Wildcard(a, action, ignoreCase: true)) && s.Resources.Any(r => Wildcard(r, resource, ignoreCase: false));

        return !statements.Any(s => !s.Allow && Matches(s)) && statements.Any(s => s.Allow && Matches(s));
    }

    private static bool Wildcard(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }

    [GeneratedRegex("Credential=([A-Za-z0-9]+)/")]
    private static partial Regex AccessKey();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "{Function}: AccessDenied: the template grants no {Action} on {Resource}.")]
        public static partial void Denied(ILogger logger, string function, string action, string resource);
    }
}
