// The StreamChat Kestrel sample: the embedded in-memory default plus the browser test page.
// Settings come from appsettings.json and environment variables (StreamChat__MaxMessageLength=1000, ...).
var builder = WebApplication.CreateBuilder(args);

builder.Services
    .AddStreamChat(builder.Configuration.GetSection("StreamChat"))
    .ConfigureWebSockets(builder.Configuration.GetSection("StreamChatWebSockets"));

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapStreamChat("/chat");

app.Run();

/// <summary>The sample's entry point; public so tests can host it.</summary>
public partial class Program;
