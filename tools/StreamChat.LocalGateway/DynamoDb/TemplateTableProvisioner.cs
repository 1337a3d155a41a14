using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway.Template;
using YamlDotNet.RepresentationModel;

namespace StreamChat.LocalGateway.DynamoDb;

/// <summary>
/// Creates the template's DynamoDB tables (key schema, attributes, global and local secondary indexes) in a local
/// DynamoDB (DynamoDB Local or dynalite), as CloudFormation would; tables that exist are left as they are.
/// </summary>
internal sealed partial class TemplateTableProvisioner(IAmazonDynamoDB dynamo, ILogger<TemplateTableProvisioner> logger)
{
    public async Task EnsureAsync(IReadOnlyList<TemplateTable> tables, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            try
            {
                await dynamo.CreateTableAsync(ToRequest(table), cancellationToken);
                Log.Created(logger, table.TableName, table.LogicalId);
            }
            catch (ResourceInUseException)
            {
                Log.Exists(logger, table.TableName);
            }

            // CreateTable returns while the table is CREATING; wait until it can be used.
            for (var attempt = 0; ; attempt++)
            {
                var status = (await dynamo.DescribeTableAsync(table.TableName, cancellationToken)).Table.TableStatus;
                if (status == TableStatus.ACTIVE)
                {
                    break;
                }

                if (attempt > 200)
                {
                    throw new InvalidOperationException($"Table {table.TableName} did not become ACTIVE.");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>The CreateTable request for one table of the template (on-demand billing; TTL is not set locally).</summary>
    internal static CreateTableRequest ToRequest(TemplateTable table)
    {
        var properties = table.Properties;
        var request = new CreateTableRequest
        {
            TableName = table.TableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = Items(properties, "AttributeDefinitions")
                .Select(a => new AttributeDefinition(Field(a, "AttributeName"), new ScalarAttributeType(Field(a, "AttributeType"))))
                .ToList(),
            KeySchema = KeySchema(properties),
        };
        var global = Items(properties, "GlobalSecondaryIndexes").Select(i => new GlobalSecondaryIndex
        {
            IndexName = Field(i, "IndexName"),
            KeySchema = KeySchema(i),
            Projection = Projection(i),
        }).ToList();
        if (global.Count > 0)
        {
            request.GlobalSecondaryIndexes = global;
        }

        var local = Items(properties, "LocalSecondaryIndexes").Select(i => new LocalSecondaryIndex
        {
            IndexName = Field(i, "IndexName"),
            KeySchema = KeySchema(i),
            Projection = Projection(i),
        }).ToList();
        if (local.Count > 0)
        {
            request.LocalSecondaryIndexes = local;
        }

        return request;
    }

    private static List<KeySchemaElement> KeySchema(YamlNode node) =>
        Items(node, "KeySchema").Select(k => new KeySchemaElement(Field(k, "AttributeName"), new KeyType(Field(k, "KeyType")))).ToList();

    private static Projection Projection(YamlNode index)
    {
        var node = SamTemplate.Child(index, "Projection");
        var projection = new Projection { ProjectionType = new ProjectionType(SamTemplate.Text(SamTemplate.Child(node, "ProjectionType")) ?? "ALL") };
        if (SamTemplate.Child(node, "NonKeyAttributes") is YamlSequenceNode attributes)
        {
            projection.NonKeyAttributes = attributes.Children.Select(a => SamTemplate.Text(a)!).ToList();
        }

        return projection;
    }

    private static IEnumerable<YamlNode> Items(YamlNode node, string key) =>
        SamTemplate.Child(node, key) is YamlSequenceNode sequence ? sequence.Children : [];

    private static string Field(YamlNode node, string key) =>
        SamTemplate.Text(SamTemplate.Child(node, key)) ?? throw new TemplateException($"A table definition lacks {key}: {node}");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created table {TableName} ({LogicalId}).")]
        public static partial void Created(ILogger logger, string tableName, string logicalId);

        [LoggerMessage(2, LogLevel.Debug, "Table {TableName} exists; left as it is.")]
        public static partial void Exists(ILogger logger, string tableName);
    }
}
