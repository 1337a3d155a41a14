var builder = WebApplication.CreateBuilder(args);
builder.Services.AddStreamChat(o => o.AllowDevelopmentIdentity = true);

var app = builder.Build();
app.MapStreamChat("/chat");
app.Run();
