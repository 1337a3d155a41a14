using System.Reflection;
using Amazon.DynamoDBv2.Model;
using StreamChat.Aws.ApiGateway;
using StreamChat.Aws.Comprehend;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.DynamoDb.Internal;
using StreamChat.Aws.Lambda;
using StreamChat.Core;
using StreamChat.Samples.Lambda;
using YamlDotNet.RepresentationModel;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// samples/StreamChat.Samples.Lambda/template.yaml, parsed and checked resource by resource: the WebSocket API and its
/// four routes, both functions (handler string resolves to real code), tables identical to what the provisioner
/// creates, TTL, on-demand billing, log retention, least-privilege IAM, and environment variables that bind to real
/// options. (No CloudFormation linter is usable here: PyPI's cfn-lint is unreachable, and npm's cfn-lint 1.9.7 predates
/// dotnet10, LoggingConfig and Architectures in Globals, so it reports false errors.)
/// </summary>
public sealed class SamTemplateTests
{
    private static readonly YamlMappingNode Root = Load();

    private static YamlMappingNode Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Samples", "template.yaml");
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)node[new YamlScalarNode(key)];

    private static YamlNode? Find(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node, string key) => ((YamlScalarNode)node[new YamlScalarNode(key)]).Value!;

    private static YamlMappingNode Resources => Map(Root, "Resources");

    private static IEnumerable<(string Name, YamlMappingNode Properties)> OfType(string type) =>
        Resources.Children
            .Where(r => Scalar(r.Value, "Type") == type)
            .Select(r => (((YamlScalarNode)r.Key).Value!, (YamlMappingNode)r.Value[new YamlScalarNode("Properties")]));

    private static YamlMappingNode Resource(string name, string type)
    {
        var resource = Map(Resources, name);
        Assert.Equal(type, Scalar(resource, "Type"));
        return Map(resource, "Properties");
    }

    /// <summary>A short-form intrinsic (<c>!Ref X</c>, <c>!GetAtt X.Arn</c>, <c>!Sub ...</c>) as "tag value".</summary>
    private static string Intrinsic(YamlNode node) => node is YamlScalarNode scalar
        ? (scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? scalar.Value! : $"{scalar.Tag.Value} {scalar.Value}")
        : node.ToString();

    [Fact]
    public void IsASamTemplate()
    {
        Assert.Equal("2010-09-09", Scalar(Root, "AWSTemplateFormatVersion"));
        Assert.Equal("AWS::Serverless-2016-10-31", Scalar(Root, "Transform"));
        Assert.Contains("wss://", Intrinsic(Map(Map(Root, "Outputs"), "WebSocketUrl")[new YamlScalarNode("Value")]), StringComparison.Ordinal);
    }

    [Fact]
    public void WebSocketApi_RoutesEveryRouteToAFunction_AndDeploysAfterThem()
    {
        var api = Resource("WebSocketApi", "AWS::ApiGatewayV2::Api");
        Assert.Equal("WEBSOCKET", Scalar(api, "ProtocolType"));
        Assert.Equal("$request.body.action", Scalar(api, "RouteSelectionExpression"));

        var routes = OfType("AWS::ApiGatewayV2::Route").ToDictionary(r => Scalar(r.Properties, "RouteKey"), r => r);
        Assert.Equal(["$connect", "$default", "$disconnect", "message"], routes.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, (name, route)) in routes)
        {
            Assert.Equal("!Ref WebSocketApi", Intrinsic(route[new YamlScalarNode("ApiId")]));
            var target = Intrinsic(route[new YamlScalarNode("Target")]);
            Assert.Matches(@"^!Sub integrations/\$\{(Connection|Message)Integration\}$", target);
            var integration = Resource(target[("!Sub integrations/${".Length)..^1], "AWS::ApiGatewayV2::Integration");
            Assert.Equal("AWS_PROXY", Scalar(integration, "IntegrationType"));
            var function = key is "$connect" or "$disconnect" ? "ConnectionFunction" : "MessageFunction";
            Assert.Contains("${" + function + ".Arn}/invocations", Intrinsic(integration[new YamlScalarNode("IntegrationUri")]), StringComparison.Ordinal);
            Assert.Contains(name, ((YamlSequenceNode)Map(Resources, "Deployment")[new YamlScalarNode("DependsOn")]).Select(n => ((YamlScalarNode)n).Value));
        }

        var stage = Resource("Stage", "AWS::ApiGatewayV2::Stage");
        Assert.Equal("!Ref Deployment", Intrinsic(stage[new YamlScalarNode("DeploymentId")]));
        Assert.Equal("!Ref StageName", Intrinsic(stage[new YamlScalarNode("StageName")]));

        foreach (var function in new[] { "ConnectionFunction", "MessageFunction" })
        {
            var permission = OfType("AWS::Lambda::Permission").Single(p => Intrinsic(p.Properties[new YamlScalarNode("FunctionName")]) == "!Ref " + function).Properties;
            Assert.Equal("apigateway.amazonaws.com", Scalar(permission, "Principal"));
            Assert.Equal("lambda:InvokeFunction", Scalar(permission, "Action"));
            Assert.Contains(":${WebSocketApi}/", Intrinsic(permission[new YamlScalarNode("SourceArn")]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Runtime_IsNativeAotByDefault_ManagedAsAnOption_AndTheManagedHandlerNamesRealCode()
    {
        var runtime = Map(Map(Root, "Parameters"), "FunctionRuntime");
        Assert.Equal("provided.al2023", Scalar(runtime, "Default"));
        Assert.Equal(["provided.al2023", "dotnet10"], ((YamlSequenceNode)runtime[new YamlScalarNode("AllowedValues")]).Children.Select(c => ((YamlScalarNode)c).Value));
        var architecture = Map(Map(Root, "Parameters"), "FunctionArchitecture");
        Assert.Equal(["x86_64", "arm64"], ((YamlSequenceNode)architecture[new YamlScalarNode("AllowedValues")]).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Equal("!Equals", ((YamlSequenceNode)Map(Root, "Conditions")[new YamlScalarNode("IsManagedRuntime")]).Tag.Value);

        var globals = Map(Map(Root, "Globals"), "Function");
        Assert.Equal("!Ref FunctionRuntime", Intrinsic(globals[new YamlScalarNode("Runtime")]));
        Assert.Equal("!Ref FunctionArchitecture", Intrinsic(((YamlSequenceNode)globals[new YamlScalarNode("Architectures")]).Children.Single()));
        var handlerChoice = (YamlSequenceNode)globals[new YamlScalarNode("Handler")];
        Assert.Equal("!If", handlerChoice.Tag.Value);
        Assert.Equal(["IsManagedRuntime", "bootstrap"], new[] { handlerChoice.Children[0], handlerChoice.Children[2] }.Select(c => ((YamlScalarNode)c).Value));

        // The custom runtime's bootstrap is the sample's own executable: Program.cs runs the Runtime API loop.
        var handler = ((YamlScalarNode)handlerChoice.Children[1]).Value!.Split("::");
        Assert.Equal(3, handler.Length);

        var assembly = typeof(Function).Assembly;
        Assert.NotNull(assembly.EntryPoint);
        Assert.Equal(handler[0], assembly.GetName().Name);
        var type = assembly.GetType(handler[1], throwOnError: true)!;
        Assert.False(type.IsGenericType);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static), m => m.Name == handler[2]);
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
    }

    [Fact]
    public void Tables_MatchWhatTheProvisionerCreates_OnDemandWithTtl()
    {
        var defaults = new DynamoDbStoreOptions();
        var expected = new Dictionary<string, CreateTableRequest>
        {
            ["ConnectionsTable"] = DynamoDbTableProvisioner.ConnectionsTable("c", defaults.StreamIndexName, defaults.UserIndexName),
            ["MessagesTable"] = DynamoDbTableProvisioner.KeyedTable("m", DynamoDbConstants.StreamId, DynamoDbConstants.MessageId),
            ["AuditTable"] = DynamoDbTableProvisioner.KeyedTable("a", DynamoDbConstants.StreamId, DynamoDbConstants.DecidedAt),
            ["SanctionsTable"] = DynamoDbTableProvisioner.KeyedTable("s", DynamoDbConstants.StreamId, DynamoDbConstants.Subject),
            ["RateLimitsTable"] = DynamoDbTableProvisioner.HashTable("r", DynamoDbConstants.CounterKey),
        };

        foreach (var (name, request) in expected)
        {
            var table = Resource(name, "AWS::DynamoDB::Table");
            Assert.Equal("PAY_PER_REQUEST", Scalar(table, "BillingMode"));
            Assert.Equal("ttl", Scalar(Map(table, "TimeToLiveSpecification"), "AttributeName"));
            Assert.Equal("true", Scalar(Map(table, "TimeToLiveSpecification"), "Enabled"));
            Assert.Equal(
                request.KeySchema.Select(k => $"{k.AttributeName} {k.KeyType}"),
                ((YamlSequenceNode)table[new YamlScalarNode("KeySchema")]).Select(k => $"{Scalar(k, "AttributeName")} {Scalar(k, "KeyType")}"));
            Assert.Equal(
                request.AttributeDefinitions.Select(a => $"{a.AttributeName} {a.AttributeType}").Order(StringComparer.Ordinal),
                ((YamlSequenceNode)table[new YamlScalarNode("AttributeDefinitions")]).Select(a => $"{Scalar(a, "AttributeName")} {Scalar(a, "AttributeType")}").Order(StringComparer.Ordinal));
            var indexes = Find(table, "GlobalSecondaryIndexes") as YamlSequenceNode;
            Assert.Equal(request.GlobalSecondaryIndexes?.Count ?? 0, indexes?.Children.Count ?? 0);
            foreach (var index in request.GlobalSecondaryIndexes ?? [])
            {
                var yaml = Assert.Single(indexes!.Children, i => Scalar(i, "IndexName") == index.IndexName);
                Assert.Equal(index.KeySchema.Select(k => $"{k.AttributeName} {k.KeyType}"), ((YamlSequenceNode)yaml[new YamlScalarNode("KeySchema")]).Select(k => $"{Scalar(k, "AttributeName")} {Scalar(k, "KeyType")}"));
                var projection = Map(yaml, "Projection");
                Assert.Equal(index.Projection.ProjectionType.Value, Scalar(projection, "ProjectionType"));
                var nonKey = Find(projection, "NonKeyAttributes") as YamlSequenceNode;
                Assert.Equal(index.Projection.NonKeyAttributes ?? [], nonKey?.Select(n => ((YamlScalarNode)n).Value!) ?? []);
            }
        }
    }

    [Theory]
    [InlineData("ConnectionFunction", "ConnectionFunctionLogGroup")]
    [InlineData("MessageFunction", "MessageFunctionLogGroup")]
    public void Functions_HaveSizedMemoryAndTimeouts_AndLogGroupsWithRetention(string function, string logGroup)
    {
        var properties = Resource(function, "AWS::Serverless::Function");
        Assert.InRange(int.Parse(Scalar(properties, "MemorySize"), System.Globalization.CultureInfo.InvariantCulture), 256, 3008);
        Assert.InRange(int.Parse(Scalar(properties, "Timeout"), System.Globalization.CultureInfo.InvariantCulture), 3, 29);
        Assert.Equal("!Ref " + logGroup, Intrinsic(Map(properties, "LoggingConfig")[new YamlScalarNode("LogGroup")]));
        var group = Resource(logGroup, "AWS::Logs::LogGroup");
        Assert.Equal("!Ref LogRetentionDays", Intrinsic(group[new YamlScalarNode("RetentionInDays")]));
        var name = Intrinsic(properties[new YamlScalarNode("FunctionName")])["!Sub ".Length..];
        Assert.Equal("!Sub /aws/lambda/" + name, Intrinsic(group[new YamlScalarNode("LogGroupName")]));
    }

    private static List<(string Sid, string[] Actions, string[] Resources)> Statements(string function)
    {
        var policies = (YamlSequenceNode)Resource(function, "AWS::Serverless::Function")[new YamlScalarNode("Policies")];
        return policies.Children
            .SelectMany(p => ((YamlSequenceNode)p[new YamlScalarNode("Statement")]).Children)
            .Select(s =>
            {
                Assert.Equal("Allow", Scalar(s, "Effect"));
                var actions = ((YamlSequenceNode)s[new YamlScalarNode("Action")]).Select(a => ((YamlScalarNode)a).Value!).ToArray();
                var resource = s[new YamlScalarNode("Resource")];
                var resources = resource is YamlSequenceNode list ? list.Select(Intrinsic).ToArray() : [Intrinsic(resource)];
                return (Scalar(s, "Sid"), actions, resources);
            })
            .ToList();
    }

    [Theory]
    [InlineData("ConnectionFunction", "dynamodb:GetItem dynamodb:PutItem dynamodb:DeleteItem dynamodb:BatchGetItem dynamodb:BatchWriteItem dynamodb:Query dynamodb:UpdateItem execute-api:ManageConnections")]
    [InlineData("MessageFunction", "dynamodb:GetItem dynamodb:DeleteItem dynamodb:BatchGetItem dynamodb:BatchWriteItem dynamodb:Query dynamodb:PutItem dynamodb:UpdateItem execute-api:ManageConnections comprehend:DetectSentiment comprehend:DetectPiiEntities comprehend:DetectToxicContent")]
    public void Iam_IsLeastPrivilege_OnThisStacksTablesIndexAndConnectionsOnly(string function, string needed)
    {
        var statements = Statements(function);

        Assert.Equal(needed.Split(' ').Order(StringComparer.Ordinal), statements.SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal));
        foreach (var (sid, actions, resources) in statements)
        {
            Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
            foreach (var resource in resources)
            {
                if (actions.All(a => a.StartsWith("comprehend:Detect", StringComparison.Ordinal)))
                {
                    Assert.Equal("*", resource); // Comprehend's Detect* actions take no resource ARNs
                }
                else if (actions.All(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)))
                {
                    Assert.Matches(@"^(!GetAtt (Connections|Messages|Audit|Sanctions|RateLimits)Table\.Arn|!Sub \$\{ConnectionsTable\.Arn\}/index/(streamId|streamUser)-index)$", resource);
                    Assert.True(!resource.Contains("/index/", StringComparison.Ordinal) || actions.SequenceEqual(["dynamodb:Query"]), $"{sid}: the index is for Query only.");
                }
                else
                {
                    Assert.Equal(["execute-api:ManageConnections"], actions);
                    Assert.Matches(@"^!Sub arn:\$\{AWS::Partition\}:execute-api:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{WebSocketApi\}/\$\{StageName\}/(POST|DELETE)/@connections/\*$", resource);
                }
            }
        }
    }

    [Theory]
    [InlineData("ConnectionFunction", "POST")]
    [InlineData("MessageFunction", "POST DELETE")]
    public void Iam_ManageConnections_CoversPostEverywhere_AndDeleteWhereConnectionsAreClosed(string function, string methods)
    {
        var resources = Statements(function).Where(s => s.Actions.SequenceEqual(["execute-api:ManageConnections"])).SelectMany(s => s.Resources);

        Assert.Equal(methods.Split(' '), resources.Select(r => r.Split('/')[^3]));
    }

    [Fact]
    public void EnvironmentVariables_BindToRealOptions_AndNameTheStacksTables()
    {
        var sections = new Dictionary<string, Type>
        {
            ["StreamChat"] = typeof(StreamChatOptions),
            ["StreamChatDynamoDb"] = typeof(DynamoDbStoreOptions),
            ["StreamChatApiGateway"] = typeof(ApiGatewayBroadcasterOptions),
            ["StreamChatComprehend"] = typeof(ComprehendModerationOptions),
            ["StreamChatLambda"] = typeof(StreamChatLambdaOptions),
            ["StreamChatEmbedding"] = typeof(StreamChat.Moderation.Onnx.EmbeddingHostilityOptions),
        };
        var variables = Map(Map(Map(Map(Root, "Globals"), "Function"), "Environment"), "Variables");

        foreach (var (key, value) in variables.Children)
        {
            var path = ((YamlScalarNode)key).Value!.Split("__");
            Assert.True(sections.TryGetValue(path[0], out var type), $"{path[0]} is not a StreamChat configuration section.");
            foreach (var part in path.Skip(1).TakeWhile(p => !p.All(char.IsDigit)))
            {
                var property = type!.GetProperty(part);
                Assert.True(property is not null, $"{string.Join("__", path)}: {type.Name} has no {part}.");
                type = property!.PropertyType;
            }
        }

        Assert.Equal("!Ref ConnectionsTable", Intrinsic(variables[new YamlScalarNode("StreamChatDynamoDb__ConnectionsTableName")]));
        Assert.Equal("!Ref MessagesTable", Intrinsic(variables[new YamlScalarNode("StreamChatDynamoDb__MessagesTableName")]));
        Assert.Equal("!Ref AuditTable", Intrinsic(variables[new YamlScalarNode("StreamChatDynamoDb__AuditTableName")]));
    }

    [Fact]
    public void EmbeddingHostility_IsOffByDefault_AndItsParametersSetTheRealOptions()
    {
        var parameters = Map(Root, "Parameters");
        var variables = Map(Map(Map(Map(Root, "Globals"), "Function"), "Environment"), "Variables");

        Assert.Equal("false", Scalar(Map(parameters, "EmbeddingHostility"), "Default"));
        Assert.Equal("!Ref EmbeddingHostility", Intrinsic(variables[new YamlScalarNode("StreamChatEmbedding__Enabled")]));
        Assert.Equal("0", Scalar(Map(parameters, "ComprehendUntrustedFrom"), "Default"));
        Assert.Equal("!Ref ComprehendUntrustedFrom", Intrinsic(variables[new YamlScalarNode("StreamChatComprehend__UntrustedFrom")]));

        // The pattern lets through exactly what the option accepts (0 to 1).
        var pattern = new System.Text.RegularExpressions.Regex(Scalar(Map(parameters, "ComprehendUntrustedFrom"), "AllowedPattern"));
        Assert.All(new[] { "0", "0.1", "0.05", "1", "1.0" }, v => Assert.Matches(pattern, v));
        Assert.All(new[] { "", "-0.1", "1.5", "2", ".1", "0,1", "abc" }, v => Assert.DoesNotMatch(pattern, v));
    }
}
