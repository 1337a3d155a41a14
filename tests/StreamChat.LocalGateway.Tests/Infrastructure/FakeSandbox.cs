using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace StreamChat.LocalGateway.Tests.Infrastructure;

/// <summary>
/// A function played by the test through the gateway's real Runtime API: it polls <c>invocation/next</c>, records
/// every event, answers with what <see cref="Handler"/> returns (a proxy response), or reports an error when it
/// returns <see langword="null"/>.
/// </summary>
internal sealed class FakeSandbox : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeSandbox(string runtimeApi)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };
        _loop = Task.Run(LoopAsync);
    }

    public ConcurrentQueue<JsonElement> Events { get; } = new();

    /// <summary>Gets the deadline each invocation came with (<c>Lambda-Runtime-Deadline-Ms</c>), in order.</summary>
    public ConcurrentQueue<DateTimeOffset> Deadlines { get; } = new();

    /// <summary>Gets or sets the answer to an event: a proxy response's JSON, or <see langword="null"/> for an error.</summary>
    public Func<JsonElement, Task<string?>> Handler { get; set; } = static _ => Task.FromResult<string?>("""{"statusCode":200}""");

    public JsonElement[] Of(string eventType) =>
        Events.Where(e => e.GetProperty("requestContext").GetProperty("eventType").GetString() == eventType).ToArray();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpResponseMessage next;
            try
            {
                next = await _http.GetAsync("invocation/next", _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                return;
            }

            using (next)
            {
                var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
                Deadlines.Enqueue(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(next.Headers.GetValues("Lambda-Runtime-Deadline-Ms").Single(), System.Globalization.CultureInfo.InvariantCulture)));
                using var document = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
                var evt = document.RootElement.Clone();
                Events.Enqueue(evt);
                var answer = await Handler(evt);
                using var content = new StringContent(answer ?? """{"errorMessage":"boom","errorType":"Exception"}""", Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                (await _http.PostAsync($"invocation/{id}/{(answer is null ? "error" : "response")}", content)).Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
