using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// A local Amazon Comprehend that checks each request as AWS would (POST /, JSON 1.1 content type, a known
/// X-Amz-Target, a SigV4 signature for comprehend in its region, the documented body shape and size limits) and
/// answers with the documented shapes and errors. Its verdicts follow marker words in the text:
/// "awful" is NEGATIVE 0.95, "meh-negative" is NEGATIVE 0.6, "idiot" is an INSULT at 0.92, "damn" is PROFANITY at
/// 0.9, "Jane Smith" is a NAME and "12 Main Street" an ADDRESS at 0.99, "throttle-once" is throttled on its first
/// call, "server-error" always fails with 500, "slow" answers after 3 s.
/// </summary>
internal sealed partial class ComprehendStandIn : IAsyncDisposable
{
    private const string Prefix = "Comprehend_20171127.";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    private ComprehendStandIn(WebApplication app, string region)
    {
        _app = app;
        Region = region;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string Region { get; }

    /// <summary>Every accepted call: operation and the text it judged.</summary>
    public ConcurrentQueue<(string Operation, string Text)> Calls { get; } = new();

    public ConcurrentBag<string> Rejections { get; } = [];

    public int CallCount(string operation) => Calls.Count(c => c.Operation == operation);

    public static async Task<ComprehendStandIn> StartAsync(string region = "eu-west-2")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ComprehendStandIn(app, region);
        app.Run(server.HandleAsync);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (context.Request.Method != "POST" || context.Request.Path != "/")
        {
            await ErrorAsync(context, 404, "UnknownOperationException", "Only POST / is served.");
            return;
        }

        var problem = SigV4Verifier.Check(context, body, "comprehend", Region);
        if (problem is not null)
        {
            Rejections.Add(problem);
            await ErrorAsync(context, problem.Contains("signature", StringComparison.OrdinalIgnoreCase) ? 403 : 400,
                problem.Contains("signature", StringComparison.OrdinalIgnoreCase) ? "InvalidSignatureException" : "IncompleteSignatureException", problem);
            return;
        }

        if (context.Request.ContentType != "application/x-amz-json-1.1")
        {
            Rejections.Add("content type " + context.Request.ContentType);
            await ErrorAsync(context, 400, "SerializationException", "Expected Content-Type application/x-amz-json-1.1.");
            return;
        }

        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(Prefix, StringComparison.Ordinal) ? target[Prefix.Length..] : string.Empty;
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            await ErrorAsync(context, 400, "SerializationException", "The body is not a JSON object.");
            return;
        }

        if (request["LanguageCode"]?.GetValue<string>() is not { Length: > 0 } language)
        {
            await ErrorAsync(context, 400, "ValidationException", "1 validation error detected: Value null at 'languageCode' failed to satisfy constraint: Member must not be null");
            return;
        }

        string text;
        switch (operation)
        {
            case "DetectSentiment" or "DetectPiiEntities":
                text = request["Text"]?.GetValue<string>() ?? string.Empty;
                var limit = operation == "DetectSentiment" ? 5_000 : 100_000;
                if (text.Length == 0)
                {
                    await ErrorAsync(context, 400, "ValidationException", "Text must have length at least 1.");
                    return;
                }

                if (Encoding.UTF8.GetByteCount(text) > limit)
                {
                    await ErrorAsync(context, 400, "TextSizeLimitExceededException", $"Input text size exceeds limit. Max length of request text allowed is {limit} bytes.");
                    return;
                }

                break;
            case "DetectToxicContent":
                if (language != "en")
                {
                    await ErrorAsync(context, 400, "UnsupportedLanguageException", "DetectToxicContent supports en only.");
                    return;
                }

                var segments = request["TextSegments"] as JsonArray;
                if (segments is null || segments.Count is 0 or > 10
                    || segments.Any(s => s?["Text"]?.GetValue<string>() is not { Length: > 0 } t || Encoding.UTF8.GetByteCount(t) > 1_000))
                {
                    await ErrorAsync(context, 400, "TextSizeLimitExceededException", "1 to 10 TextSegments of at most 1 KB each are allowed.");
                    return;
                }

                text = string.Join("", segments.Select(s => s!["Text"]!.GetValue<string>()));
                break;
            default:
                await ErrorAsync(context, 400, "UnknownOperationException", "Unknown operation " + target);
                return;
        }

        var attempt = _attempts.AddOrUpdate(operation + "|" + text, 1, static (_, n) => n + 1);
        if (text.Contains("throttle-once", StringComparison.Ordinal) && attempt == 1)
        {
            await ErrorAsync(context, 400, "ThrottlingException", "Rate exceeded");
            return;
        }

        if (text.Contains("server-error", StringComparison.Ordinal))
        {
            await ErrorAsync(context, 500, "InternalServerException", "Internal server error");
            return;
        }

        if (text.Contains("slow", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        Calls.Enqueue((operation, text));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(operation switch
        {
            "DetectSentiment" => Sentiment(text),
            "DetectPiiEntities" => Pii(text),
            _ => Toxic((JsonArray)request["TextSegments"]!),
        });
    }

    private static string Sentiment(string text)
    {
        var (sentiment, negative) = text.Contains("awful", StringComparison.OrdinalIgnoreCase) ? ("NEGATIVE", 0.95)
            : text.Contains("meh-negative", StringComparison.OrdinalIgnoreCase) ? ("NEGATIVE", 0.6)
            : ("NEUTRAL", 0.02);
        var rest = (1 - negative) / 3;
        return JsonSerializer.Serialize(new
        {
            Sentiment = sentiment,
            SentimentScore = new { Positive = rest, Negative = negative, Neutral = rest, Mixed = rest },
        });
    }

    private static string Pii(string text)
    {
        var entities = new List<object>();
        foreach (var (pattern, type) in new[] { ("Jane Smith", "NAME"), ("12 Main Street", "ADDRESS") })
        {
            var index = text.IndexOf(pattern, StringComparison.Ordinal);
            if (index >= 0)
            {
                entities.Add(new { Score = 0.99, Type = type, BeginOffset = index, EndOffset = index + pattern.Length });
            }
        }

        return JsonSerializer.Serialize(new { Entities = entities });
    }

    private static string Toxic(JsonArray segments)
    {
        var results = segments.Select(s =>
        {
            var text = s!["Text"]!.GetValue<string>();
            var insult = InsultPattern().IsMatch(text) ? 0.92 : 0.01;
            var profanity = text.Contains("damn", StringComparison.OrdinalIgnoreCase) ? 0.9 : 0.01;
            return new
            {
                Labels = new object[]
                {
                    new { Name = "PROFANITY", Score = profanity },
                    new { Name = "HATE_SPEECH", Score = 0.01 },
                    new { Name = "INSULT", Score = insult },
                    new { Name = "GRAPHIC", Score = 0.01 },
                    new { Name = "HARASSMENT_OR_ABUSE", Score = 0.02 },
                    new { Name = "SEXUAL", Score = 0.01 },
                    new { Name = "VIOLENCE_OR_THREAT", Score = 0.01 },
                },
                Toxicity = Math.Max(insult, profanity),
            };
        });
        return JsonSerializer.Serialize(new { ResultList = results });
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__type"] = "com.amazonaws.comprehend#" + type,
            ["message"] = message,
        }));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex(@"\bidiot\b", RegexOptions.IgnoreCase)]
    private static partial Regex InsultPattern();
}
