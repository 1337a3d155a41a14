using CsCheck;
using PhoneNumbers;
using StreamChat.Core.Moderation.Internal;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>
/// Issue 19: the numbering-plan check that spares most runs a libphonenumber parse must never turn away a run the parser
/// would call a valid number, or a phone number would pass unseen.
/// </summary>
public sealed class NumberPlanTests
{
    private static readonly string[] Regions = ["US", "GB", "CA", "AU", "IN", "DE", "FR", "ES", "IT", "BR", "MX", "JP", "KR", "NL", "AR", "RU"];

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    [Fact]
    public void EveryExampleNumber_WrittenNationallyOrWithItsCallingCode_MayBeValid()
    {
        foreach (var region in Regions)
        {
            var metadata = Phones.GetMetadataForRegion(region);
            var plan = new PiiMessageModerator.NumberPlan(metadata, PiiMessageModerator.SharingCallingCode(metadata));
            foreach (var type in Enum.GetValues<PhoneNumberType>())
            {
                var example = Phones.GetExampleNumberForType(region, type);
                if (example is null)
                {
                    continue;
                }

                var national = Phones.Format(example, PhoneNumberFormat.NATIONAL).Where(char.IsAsciiDigit).ToArray();
                var significant = Phones.GetNationalSignificantNumber(example);
                foreach (var digits in new[] { new string(national), significant, metadata.CountryCode + significant, "00" + metadata.CountryCode + significant })
                {
                    if (Parses(digits, region))
                    {
                        Assert.True(plan.MayBeValid(digits), $"{region} {type}: {digits} is valid but was turned away");
                    }
                }
            }
        }
    }

    [Fact]
    public void AnyRunTheParserCallsValid_MayBeValid()
    {
        // Random runs are mostly invalid; those that are valid must all pass the plan. Runs start with the digits
        // national formats start with, so a good share are valid somewhere.
        var digits = Gen.Select(Gen.OneOf(Gen.Const(string.Empty), Gen.Const("0"), Gen.Const("1"), Gen.Const("00"), Gen.Const("90")), Gen.Char['0', '9'].Array[7, 13])
            .Select(static (prefix, rest) => prefix + new string(rest));
        var valid = 0;
        Gen.Select(digits, Gen.Int[0, Regions.Length - 1].Select(static i => Regions[i])).Sample((run, region) =>
        {
            if (Parses(run, region))
            {
                Interlocked.Increment(ref valid);
                Assert.True(Plan(region).MayBeValid(run), $"{region}: {run} is valid but was turned away");
            }
        }, iter: 50_000);

        Assert.True(valid > 200, $"only {valid} valid runs were generated");
    }

    [Theory]
    [InlineData("US", "2435802090")]
    [InlineData("IN", "2435802090")]
    [InlineData("GB", "09999999999")]
    public void RunsNoParserCallsValid_AreTurnedAwayWithoutParsing(string region, string digits)
    {
        Assert.False(Parses(digits, region), $"{region}: {digits} parses as valid");
        Assert.False(Plan(region).MayBeValid(digits), $"{region}: {digits} was not turned away");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PiiMessageModerator.NumberPlan> Plans = new();

    private static PiiMessageModerator.NumberPlan Plan(string region) => Plans.GetOrAdd(region, static region =>
    {
        var metadata = Phones.GetMetadataForRegion(region);
        return new PiiMessageModerator.NumberPlan(metadata, PiiMessageModerator.SharingCallingCode(metadata));
    });

    private static bool Parses(string digits, string region)
    {
        try
        {
            return Phones.IsValidNumber(Phones.Parse(digits, region));
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
