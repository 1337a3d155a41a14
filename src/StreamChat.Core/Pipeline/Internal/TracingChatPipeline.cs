using System.Diagnostics;
using StreamChat.Core.Diagnostics.Internal;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// Wraps the pipeline in spans (connect, message, disconnect) on <see cref="StreamChat.Core.Diagnostics.StreamChatActivitySource"/>,
/// as ASP.NET Core SignalR wraps hub invocations: the pipeline itself stays a dispatcher, and with no listener a span is
/// never created.
/// </summary>
internal sealed class TracingChatPipeline : IChatPipeline
{
    private readonly ChatPipeline _inner;

    public TracingChatPipeline(ChatPipeline inner) => _inner = inner;

    public async ValueTask<ConnectResult> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = ChatTracing.Start(ChatTracing.Connect, request.ConnectionId, ActivityKind.Server);
        activity?.SetTag(ChatTracing.RpcMethod, "connect");
        activity?.SetTag(ChatTracing.StreamId, request.StreamId);
        try
        {
            var result = await _inner.ConnectAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("streamchat.connect.status", result.StatusCode);
            return result;
        }
        catch (Exception ex)
        {
            ChatTracing.Fail(activity, ex);
            throw;
        }
    }

    public ValueTask WelcomeAsync(string connectionId, CancellationToken cancellationToken = default) => _inner.WelcomeAsync(connectionId, cancellationToken);

    public async ValueTask MessageAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken = default)
    {
        using var activity = ChatTracing.Start(ChatTracing.Message, connectionId, ActivityKind.Server);
        try
        {
            await _inner.MessageAsync(connectionId, utf8Frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ChatTracing.Fail(activity, ex);
            throw;
        }
    }

    public async ValueTask BinaryFrameAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        using var activity = ChatTracing.Start(ChatTracing.Message, connectionId, ActivityKind.Server);
        activity?.SetTag(ChatTracing.RpcMethod, "binary");
        await _inner.BinaryFrameAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisconnectAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        using var activity = ChatTracing.Start(ChatTracing.Disconnect, connectionId, ActivityKind.Server);
        activity?.SetTag(ChatTracing.RpcMethod, "disconnect");
        try
        {
            await _inner.DisconnectAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ChatTracing.Fail(activity, ex);
            throw;
        }
    }

    public Task CompleteDeferredWorkAsync(CancellationToken cancellationToken = default) => _inner.CompleteDeferredWorkAsync(cancellationToken);
}
