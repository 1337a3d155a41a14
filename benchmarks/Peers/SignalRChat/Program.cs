// The peer: a SignalR chat hub written the way the SignalR documentation teaches it (a Hub, one group per
// stream, the default JSON protocol, default options). benchmarks/run.sh runs it against StreamChat; with
// ConnectionStrings__Redis set it uses SignalR's Redis backplane.
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var signalr = builder.Services.AddSignalR();

// Scale-out the way the SignalR documentation teaches it: its own Redis backplane (benchmarks/run.sh scaleout-*).
if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
{
    signalr.AddStackExchangeRedis(redis);
}

var app = builder.Build();
app.MapHub<ChatHub>("/chathub");
app.MapGet("/", () => "SignalR chat peer: hub at /chathub");
app.Run();

/// <summary>Viewers join a stream's group and send messages to it; everyone in the group receives them.</summary>
public sealed class ChatHub : Hub
{
    public async Task JoinStream(string streamId, string username)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, streamId);
        Context.Items["streamId"] = streamId;
        Context.Items["username"] = username;
        await Clients.OthersInGroup(streamId).SendAsync("UserJoined", username);
    }

    public Task SendMessage(string message)
    {
        var streamId = (string)Context.Items["streamId"]!;
        var username = (string)Context.Items["username"]!;
        return Clients.Group(streamId).SendAsync("ReceiveMessage", username, message);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue("streamId", out var streamId) && streamId is string id)
        {
            await Clients.OthersInGroup(id).SendAsync("UserLeft", Context.Items["username"]);
        }

        await base.OnDisconnectedAsync(exception);
    }
}
