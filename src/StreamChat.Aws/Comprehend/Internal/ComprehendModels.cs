using System.Text.Json.Serialization;

namespace StreamChat.Aws.Comprehend.Internal;

internal sealed class TextRequest
{
    public required string Text { get; init; }

    public required string LanguageCode { get; init; }
}

internal sealed class ToxicContentRequest
{
    public required TextSegment[] TextSegments { get; init; }

    public required string LanguageCode { get; init; }
}

internal sealed class TextSegment
{
    public required string Text { get; init; }
}

internal sealed class SentimentResponse
{
    public string? Sentiment { get; set; }

    public SentimentScore? SentimentScore { get; set; }
}

internal sealed class SentimentScore
{
    public double Positive { get; set; }

    public double Negative { get; set; }

    public double Neutral { get; set; }

    public double Mixed { get; set; }
}

internal sealed class PiiEntitiesResponse
{
    public PiiEntity[]? Entities { get; set; }
}

internal sealed class PiiEntity
{
    public double Score { get; set; }

    public string? Type { get; set; }

    public int BeginOffset { get; set; }

    public int EndOffset { get; set; }
}

internal sealed class ToxicContentResponse
{
    public ToxicResult[]? ResultList { get; set; }
}

internal sealed class ToxicResult
{
    public ToxicLabel[]? Labels { get; set; }

    public double Toxicity { get; set; }
}

internal sealed class ToxicLabel
{
    public string? Name { get; set; }

    public double Score { get; set; }
}

internal sealed class AwsError
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? LowerMessage { get; set; }

    [JsonPropertyName("Message")]
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(TextRequest))]
[JsonSerializable(typeof(ToxicContentRequest))]
[JsonSerializable(typeof(SentimentResponse))]
[JsonSerializable(typeof(PiiEntitiesResponse))]
[JsonSerializable(typeof(ToxicContentResponse))]
[JsonSerializable(typeof(AwsError))]
internal sealed partial class ComprehendJsonContext : JsonSerializerContext;
