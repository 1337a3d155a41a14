using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace StreamChat.LocalGateway.Template;

/// <summary>A Lambda function of the template, with the Globals applied and its environment resolved.</summary>
/// <param name="LogicalId">The resource's logical id (<c>MessageFunction</c>).</param>
/// <param name="FunctionName">Its name, as <c>!Ref</c> gives it.</param>
/// <param name="Runtime">The runtime (<c>dotnet10</c>, <c>provided.al2023</c>).</param>
/// <param name="Handler">The handler string (ignored by custom runtimes).</param>
/// <param name="CodeUri">The code folder, relative to the template unless rooted.</param>
/// <param name="Timeout">The invocation time-out.</param>
/// <param name="MemorySize">The memory size in MB.</param>
/// <param name="Environment">The environment variables, intrinsics resolved; <c>AWS::NoValue</c> ones left out.</param>
/// <param name="Statements">Its inline IAM policy statements, resources resolved to ARNs; <see langword="null"/> when
/// it has policies the gateway cannot read (SAM policy templates, managed policies), which then go unchecked.</param>
internal sealed record TemplateFunction(
    string LogicalId,
    string FunctionName,
    string Runtime,
    string? Handler,
    string CodeUri,
    TimeSpan Timeout,
    int MemorySize,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<PolicyStatement>? Statements = null);

/// <summary>One IAM policy statement: what it allows or denies, on which resources (ARN patterns with <c>*</c>).</summary>
internal sealed record PolicyStatement(bool Allow, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources);

/// <summary>A DynamoDB table of the template.</summary>
/// <param name="LogicalId">The resource's logical id.</param>
/// <param name="TableName">Its name, as <c>!Ref</c> gives it.</param>
/// <param name="Properties">Its <c>Properties</c> node (key schema, attributes, indexes).</param>
internal sealed record TemplateTable(string LogicalId, string TableName, YamlMappingNode Properties);

/// <summary>
/// What the gateway needs of an AWS SAM template: the WebSocket API's route selection expression and stage, which
/// function each route invokes, the functions (Globals applied, environment resolved) and the DynamoDB tables.
/// Short-form (<c>!Ref</c>, <c>!Sub</c>, <c>!GetAtt</c>, <c>!If</c>, <c>!Not</c>, <c>!Equals</c>) and long-form
/// (<c>Ref</c>, <c>Fn::…</c>) intrinsics are resolved locally: a table's name is <c>STACK-LogicalId</c>, a
/// function's <c>STACK-LogicalId</c> unless it sets <c>FunctionName</c>, pseudo parameters take local values.
/// </summary>
internal sealed partial class SamTemplate
{
    private readonly YamlMappingNode _resources;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YamlNode> _conditions = new(StringComparer.Ordinal);
    private readonly string _stackName;
    private readonly string _region;

    private SamTemplate(YamlMappingNode root, string stackName, string region, IReadOnlyDictionary<string, string> parameterOverrides)
    {
        _stackName = stackName;
        _region = region;
        _resources = Child(root, "Resources") as YamlMappingNode ?? throw new TemplateException("The template has no Resources.");
        if (Child(root, "Parameters") is YamlMappingNode parameters)
        {
            foreach (var (key, value) in parameters.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                var fallback = Child(value, "Default") is YamlScalarNode d ? d.Value ?? string.Empty : null;
                if (parameterOverrides.TryGetValue(name, out var given))
                {
                    _parameters[name] = given;
                }
                else if (fallback is not null)
                {
                    _parameters[name] = fallback;
                }
                else
                {
                    throw new TemplateException($"Parameter {name} has no Default; give it with --parameter {name}=VALUE.");
                }
            }
        }

        foreach (var name in parameterOverrides.Keys.Where(k => !_parameters.ContainsKey(k)))
        {
            throw new TemplateException($"--parameter {name}: the template declares no such parameter.");
        }

        if (Child(root, "Conditions") is YamlMappingNode conditions)
        {
            foreach (var (key, value) in conditions.Children)
            {
                _conditions[((YamlScalarNode)key).Value!] = value;
            }
        }

        var globals = Child(Child(root, "Globals"), "Function") as YamlMappingNode;
        Functions = ResourcesOfType("AWS::Serverless::Function").Select(r => ReadFunction(r.Id, r.Properties, globals)).ToDictionary(f => f.LogicalId, StringComparer.Ordinal);
        Tables = ResourcesOfType("AWS::DynamoDB::Table").Select(r => new TemplateTable(r.Id, TableName(r.Id, r.Properties), r.Properties)).ToArray();

        var api = ResourcesOfType("AWS::ApiGatewayV2::Api").SingleOrDefault(r => Text(Child(r.Properties, "ProtocolType")) == "WEBSOCKET");
        if (api.Properties is null)
        {
            throw new TemplateException("The template has no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET.");
        }

        RouteSelectionExpression = Text(Child(api.Properties, "RouteSelectionExpression")) ?? throw new TemplateException($"{api.Id} has no RouteSelectionExpression.");
        StageName = ResourcesOfType("AWS::ApiGatewayV2::Stage").Select(s => Resolve(Child(s.Properties, "StageName"))).FirstOrDefault() ?? "prod";
        Routes = ReadRoutes();
    }

    /// <summary>Gets the route selection expression, e.g. <c>$request.body.action</c>.</summary>
    public string RouteSelectionExpression { get; }

    /// <summary>Gets the stage name (the path of the API's URL).</summary>
    public string StageName { get; }

    /// <summary>Gets the function each route key invokes.</summary>
    public IReadOnlyDictionary<string, TemplateFunction> Routes { get; }

    /// <summary>Gets the functions by logical id.</summary>
    public IReadOnlyDictionary<string, TemplateFunction> Functions { get; }

    /// <summary>Gets the DynamoDB tables.</summary>
    public IReadOnlyList<TemplateTable> Tables { get; }

    /// <summary>Reads a template file.</summary>
    /// <param name="path">The template's path.</param>
    /// <param name="stackName">The local stack name (prefix of table and function names).</param>
    /// <param name="region">The region pseudo parameter.</param>
    /// <param name="parameterOverrides">Parameter values that replace the defaults.</param>
    /// <returns>The template.</returns>
    /// <exception cref="TemplateException">The template lacks what the gateway needs, or uses what it cannot resolve.</exception>
    public static SamTemplate Load(string path, string stackName, string region, IReadOnlyDictionary<string, string> parameterOverrides)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new TemplateException($"{path} is not valid YAML: {e.Message}");
        }

        return new SamTemplate((YamlMappingNode)stream.Documents.Single().RootNode, stackName, region, parameterOverrides);
    }

    private IEnumerable<(string Id, YamlMappingNode Properties)> ResourcesOfType(string type) =>
        _resources.Children
            .Where(r => Text(Child(r.Value, "Type")) == type)
            .Select(r => (((YamlScalarNode)r.Key).Value!, Child(r.Value, "Properties") as YamlMappingNode ?? new YamlMappingNode()));

    private TemplateFunction ReadFunction(string id, YamlMappingNode properties, YamlMappingNode? globals)
    {
        YamlNode? Property(string name) => Child(properties, name) ?? Child(globals, name);

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { globals, properties })
        {
            if (Child(Child(source, "Environment"), "Variables") is YamlMappingNode variables)
            {
                foreach (var (key, value) in variables.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    if (Resolve(value) is { } resolved)
                    {
                        environment[name] = resolved;
                    }
                    else
                    {
                        environment.Remove(name);
                    }
                }
            }
        }

        var runtime = Resolve(Property("Runtime")) ?? throw new TemplateException($"{id} has no Runtime.");
        var codeUri = Resolve(Property("CodeUri")) ?? throw new TemplateException($"{id} has no CodeUri.");
        var timeout = int.Parse(Resolve(Property("Timeout")) ?? "3", CultureInfo.InvariantCulture);
        var memory = int.Parse(Resolve(Property("MemorySize")) ?? "128", CultureInfo.InvariantCulture);
        return new TemplateFunction(id, FunctionName(id, properties), runtime, Resolve(Property("Handler")), codeUri, TimeSpan.FromSeconds(timeout), memory, environment, ReadStatements(properties));
    }

    /// <summary>The inline statements of a function's <c>Policies</c>, or <see langword="null"/> when any policy is of another kind.</summary>
    private List<PolicyStatement>? ReadStatements(YamlMappingNode properties)
    {
        var statements = new List<PolicyStatement>();
        if (Child(properties, "Policies") is not YamlSequenceNode policies)
        {
            return Child(properties, "Policies") is null ? statements : null;
        }

        foreach (var policy in policies.Children)
        {
            if (Child(policy, "Statement") is not YamlSequenceNode list)
            {
                return null;
            }

            foreach (var statement in list.Children)
            {
                statements.Add(new PolicyStatement(
                    Text(Child(statement, "Effect")) != "Deny",
                    Strings(Child(statement, "Action")),
                    Strings(Child(statement, "Resource"))));
            }
        }

        return statements;
    }

    private List<string> Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode sequence when sequence.Tag.IsEmpty || sequence.Tag.IsNonSpecific => sequence.Children.Select(Resolve).OfType<string>().ToList(),
        null => [],
        _ => Resolve(node) is { } one ? [one] : [],
    };


    private Dictionary<string, TemplateFunction> ReadRoutes()
    {
        var integrations = ResourcesOfType("AWS::ApiGatewayV2::Integration").ToDictionary(i => i.Id, i => i.Properties, StringComparer.Ordinal);
        var routes = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        foreach (var (id, properties) in ResourcesOfType("AWS::ApiGatewayV2::Route"))
        {
            var routeKey = Text(Child(properties, "RouteKey")) ?? throw new TemplateException($"{id} has no RouteKey.");
            var target = Child(properties, "Target") is { } t ? Raw(t) : throw new TemplateException($"{id} has no Target.");
            var integrationId = IntegrationReference().Match(target) is { Success: true } m ? m.Groups[1].Value : throw new TemplateException($"{id}: cannot read the integration of Target '{target}'.");
            if (!integrations.TryGetValue(integrationId, out var integration))
            {
                throw new TemplateException($"{id} targets {integrationId}, which is not an AWS::ApiGatewayV2::Integration.");
            }

            var type = Text(Child(integration, "IntegrationType"));
            if (type != "AWS_PROXY")
            {
                throw new TemplateException($"{integrationId}: IntegrationType {type} is not supported by the local gateway (AWS_PROXY to a Lambda function is).");
            }

            var uri = Child(integration, "IntegrationUri") is { } u ? Raw(u) : string.Empty;
            var functionId = FunctionArnReference().Match(uri) is { Success: true } f ? f.Groups[1].Value : throw new TemplateException($"{integrationId}: cannot read the function of IntegrationUri '{uri}'.");
            routes[routeKey] = Functions.TryGetValue(functionId, out var function)
                ? function
                : throw new TemplateException($"{integrationId} invokes {functionId}, which is not an AWS::Serverless::Function.");
        }

        if (!routes.ContainsKey("$connect") && !routes.ContainsKey("$default"))
        {
            throw new TemplateException("The WebSocket API has neither a $connect nor a $default route.");
        }

        return routes;
    }

    private string TableName(string id, YamlMappingNode properties) => Resolve(Child(properties, "TableName")) ?? $"{_stackName}-{id}";

    private string FunctionName(string id, YamlMappingNode properties) => Resolve(Child(properties, "FunctionName")) ?? $"{_stackName}-{id}";

    /// <summary>The value of a node with its intrinsics resolved; <see langword="null"/> for <c>AWS::NoValue</c> or a missing node.</summary>
    internal string? Resolve(YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar when scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific:
                return scalar.Value;
            case YamlScalarNode scalar:
                return Intrinsic(scalar.Tag.Value.TrimStart('!'), scalar);
            case YamlSequenceNode sequence when !sequence.Tag.IsEmpty && !sequence.Tag.IsNonSpecific:
                return Intrinsic(sequence.Tag.Value.TrimStart('!'), sequence);
            case YamlMappingNode mapping when mapping.Children.Count == 1 && ((YamlScalarNode)mapping.Children.Keys.First()).Value is { } key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)):
                return Intrinsic(key.Replace("Fn::", string.Empty, StringComparison.Ordinal), mapping.Children.Values.First());
            default:
                throw new TemplateException($"Cannot resolve {node} to a string.");
        }
    }

    private string? Intrinsic(string function, YamlNode argument)
    {
        switch (function)
        {
            case "Ref":
                return Ref(Text(argument)!);
            case "GetAtt":
                var parts = argument is YamlSequenceNode s ? s.Children.Select(Text).ToArray() : Text(argument)!.Split('.', 2);
                return Attribute(parts[0]!, parts[1]!);
            case "Sub":
                var template = argument is YamlSequenceNode withVariables ? Text(withVariables.Children[0])! : Text(argument)!;
                return Substitution().Replace(template, m =>
                {
                    var name = m.Groups[1].Value;
                    var dot = name.IndexOf('.', StringComparison.Ordinal);
                    return dot > 0 && !name.StartsWith("AWS::", StringComparison.Ordinal) ? Attribute(name[..dot], name[(dot + 1)..]) : Ref(name) ?? string.Empty;
                });
            case "If":
                var branches = (YamlSequenceNode)argument;
                return Condition(Text(branches.Children[0])!) ? Resolve(branches.Children[1]) : Resolve(branches.Children[2]);
            default:
                throw new TemplateException($"The local gateway cannot resolve the intrinsic {function} here.");
        }
    }

    private bool Condition(string name) =>
        _conditions.TryGetValue(name, out var node) ? Evaluate(node) : throw new TemplateException($"Unknown condition {name}.");

    private bool Evaluate(YamlNode node)
    {
        var (function, argument) = node switch
        {
            YamlSequenceNode s when !s.Tag.IsEmpty => (s.Tag.Value.TrimStart('!'), (YamlNode)s),
            YamlScalarNode c when c.Tag.Value == "!Condition" => ("Condition", c),
            YamlMappingNode m when m.Children.Count == 1 => (((YamlScalarNode)m.Children.Keys.First()).Value!.Replace("Fn::", string.Empty, StringComparison.Ordinal), m.Children.Values.First()),
            _ => throw new TemplateException($"Cannot evaluate the condition {node}."),
        };
        var items = argument is YamlSequenceNode list ? list.Children : [];
        return function switch
        {
            "Not" => !Evaluate(items[0]),
            "Equals" => string.Equals(Resolve(items[0]), Resolve(items[1]), StringComparison.Ordinal),
            "And" => items.All(Evaluate),
            "Or" => items.Any(Evaluate),
            "Condition" => Condition(Text(argument)!),
            _ => throw new TemplateException($"The local gateway cannot evaluate the condition function {function}."),
        };
    }

    private string? Ref(string name)
    {
        switch (name)
        {
            case "AWS::NoValue":
                return null;
            case "AWS::Region":
                return _region;
            case "AWS::StackName":
                return _stackName;
            case "AWS::AccountId":
                return LocalAccountId;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
        }

        if (_parameters.TryGetValue(name, out var value))
        {
            return value;
        }

        if (Child(_resources, name) is not { } resource)
        {
            throw new TemplateException($"!Ref {name}: no such parameter or resource.");
        }

        var properties = Child(resource, "Properties") as YamlMappingNode ?? new YamlMappingNode();
        return Text(Child(resource, "Type")) switch
        {
            "AWS::DynamoDB::Table" => TableName(name, properties),
            "AWS::Serverless::Function" => FunctionName(name, properties),
            _ => $"{_stackName}-{name}",
        };
    }

    private string Attribute(string resource, string attribute) => (attribute, Text(Child(Child(_resources, resource), "Type"))) switch
    {
        ("Arn", "AWS::DynamoDB::Table") => $"arn:aws:dynamodb:{_region}:{LocalAccountId}:table/{Ref(resource)}",
        ("Arn", "AWS::Serverless::Function") => $"arn:aws:lambda:{_region}:{LocalAccountId}:function:{Ref(resource)}",
        _ => $"arn:aws:local:{_region}:{LocalAccountId}:{resource}/{attribute}",
    };

    /// <summary>The account id that the local pseudo parameter and ARNs carry.</summary>
    public const string LocalAccountId = "000000000000";

    /// <summary>A node's text before resolution (the <c>!Sub</c> string itself), for reading references out of it.</summary>
    private static string Raw(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? string.Empty,
        YamlSequenceNode sequence => Raw(sequence.Children[0]),
        YamlMappingNode mapping when mapping.Children.Count == 1 => Raw(mapping.Children.Values.First()),
        _ => node.ToString(),
    };

    internal static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    [GeneratedRegex(@"integrations/\$\{(\w+)\}")]
    private static partial Regex IntegrationReference();

    [GeneratedRegex(@"functions/\$\{(\w+)\.Arn\}/invocations")]
    private static partial Regex FunctionArnReference();

    [GeneratedRegex(@"\$\{([\w:.]+)\}")]
    private static partial Regex Substitution();
}

/// <summary>The template cannot be run locally as it is; the message says why.</summary>
internal sealed class TemplateException(string message) : Exception(message);
