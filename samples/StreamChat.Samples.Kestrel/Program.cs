// The StreamChat Kestrel sample: the embedded in-memory default plus the browser test page.
// Settings come from appsettings.json and environment variables (StreamChat__MaxMessageLength=1000, ...).
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using StreamChat.Aws.DynamoDb;

var builder = WebApplication.CreateBuilder(args);

// JWT identity, switched on by configuration alone (the section `dotnet user-jwts` writes), e.g.
//   Authentication__Schemes__Bearer__ValidIssuer=https://issuer.example
//   Authentication__Schemes__Bearer__ValidAudiences__0=streamchat
//   Authentication__Schemes__Bearer__SigningKeys__0__Issuer=https://issuer.example
//   Authentication__Schemes__Bearer__SigningKeys__0__Value=BASE64-HS256-KEY
// Clients pass the token as ?token=JWT (or ?access_token=). Query-string identity (userId, username, role) is on only in
// the Development environment (appsettings.Development.json); StreamChat__AllowDevelopmentIdentity=false turns it off.
builder.Services.AddAuthentication().AddJwtBearer();

var chat = builder.Services
    .AddStreamChat(builder.Configuration.GetSection("StreamChat"))
    .ConfigureWebSockets(builder.Configuration.GetSection("StreamChatWebSockets"));

// Optional: keep connections, history and the moderation audit trail in DynamoDB instead of memory.
//   Sample__Storage=DynamoDb                          use DynamoDB (credentials and region from the AWS default chain)
//   Sample__DynamoDbServiceUrl=http://127.0.0.1:4567  a local DynamoDB-compatible server (DynamoDB Local, dynalite)
//   Sample__ProvisionTables=true                      create the tables, index and TTL setting at start-up if missing
var sample = builder.Configuration.GetSection("Sample");
if (string.Equals(sample["Storage"], "DynamoDb", StringComparison.OrdinalIgnoreCase))
{
    if (sample["DynamoDbServiceUrl"] is { Length: > 0 } serviceUrl)
    {
        builder.Services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1" }));
    }

    chat.AddDynamoDbStores(builder.Configuration.GetSection("StreamChatDynamoDb")).AddDynamoDbAuditTrail();
}

// Optional: run several nodes behind a load balancer, sharing one Redis (broadcasts, presence, history, bans, limits).
//   ConnectionStrings__Redis=127.0.0.1:6379            the StackExchange.Redis configuration string; nothing else is needed
//   StreamChatRedis__KeyPrefix=myapp:                  keep several apps apart on one Redis (default streamchat:)
if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 })
{
    chat.AddStackExchangeRedis(builder.Configuration.GetSection("StreamChatRedis"));
}

// Optional: hostility found with sentence embeddings as well as the word patterns (StreamChat.Moderation.Onnx: about
// 90 MB and about 2 ms of one core per message; the model loads on the first message).
//   Sample__EmbeddingHostility=true                    switch it on
//   StreamChatEmbedding__MaxTextLength=500             its options (EmbeddingHostilityOptions)
if (sample.GetValue<bool>("EmbeddingHostility"))
{
    chat.AddSentenceEmbeddingHostility(builder.Configuration.GetSection("StreamChatEmbedding"));
}

// Health: the DynamoDB and Redis checks (registered by AddDynamoDbStores and AddStackExchangeRedis) answer at /healthz;
// on the in-memory default there is nothing to check and it answers Healthy.
builder.Services.AddHealthChecks();

var app = builder.Build();

if (sample.GetValue<bool>("ProvisionTables"))
{
    await app.Services.GetRequiredService<IDynamoDbTableProvisioner>().EnsureTablesAsync();
}

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapStreamChat("/chat");
app.MapHealthChecks("/healthz");

await app.RunAsync();

/// <summary>The sample's entry point; public so tests can host it.</summary>
public partial class Program;
