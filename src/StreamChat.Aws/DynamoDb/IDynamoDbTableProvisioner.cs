namespace StreamChat.Aws.DynamoDb;

/// <summary>Creates StreamChat's DynamoDB tables, the stream index and the TTL setting where they are missing.</summary>
/// <remarks>
/// Idempotent and safe to run at every start-up: existing tables are checked, not changed (a table whose
/// keys differ from StreamChat's is reported). Needs <c>dynamodb:CreateTable</c>, <c>DescribeTable</c>,
/// <c>UpdateTimeToLive</c> and <c>DescribeTimeToLive</c>; production stacks usually create the tables in
/// their deployment template instead and never call this.
/// </remarks>
public interface IDynamoDbTableProvisioner
{
    /// <summary>Ensures the connections and messages tables (and the audit table, after <c>AddDynamoDbAuditTrail()</c>) exist, are active and have TTL on <c>ttl</c>.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every table is active.</returns>
    Task EnsureTablesAsync(CancellationToken cancellationToken = default);
}
