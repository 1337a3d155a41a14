using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace StreamChat.Aws.DynamoDb.Internal;

internal static class AttributeValues
{
    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static string GetString(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : throw new DynamoDbStoreException($"Item is missing string attribute '{name}'.");

    public static string? GetOptionalString(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static long GetNumber(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new DynamoDbStoreException($"Item is missing number attribute '{name}'.");

    /// <summary>True when the item's <c>ttl</c> (epoch seconds) is at or before <paramref name="now"/>: expired, even if DynamoDB has not deleted it yet.</summary>
    public static bool IsExpired(this Dictionary<string, AttributeValue> item, DateTimeOffset now) =>
        item.TryGetValue(DynamoDbConstants.Ttl, out var value) && value.N is not null
        && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl)
        && ttl <= now.ToUnixTimeSeconds();

    public static Dictionary<string, string> TtlName() => new() { ["#ttl"] = DynamoDbConstants.Ttl };
}
