using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PhoneNumbers;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Blocks personal data: e-mail addresses, payment card numbers that pass the Luhn check and a
/// known issuer prefix, and phone numbers that libphonenumber finds valid.
/// </summary>
internal sealed partial class PiiMessageModerator : IMessageModerator
{
    private readonly PhoneNumberUtil _phoneNumbers = PhoneNumberUtil.GetInstance();
    private readonly string _region;
    private readonly bool _enabled;

    public PiiMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Value.Moderation.PiiEnabled;
        _region = options.Value.Moderation.DefaultPhoneRegion;
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_enabled)
        {
            return ValueTask.FromResult(ModerationResult.Allowed);
        }

        var text = context.Text;
        if (text.Contains('@', StringComparison.Ordinal) && EmailPattern().IsMatch(text))
        {
            return Block("pii.email");
        }

        // Digits are needed for both number rules; most chat has few or none.
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        if (digits >= 13)
        {
            foreach (Match match in CardCandidatePattern().Matches(text))
            {
                if (PaymentCard.IsPlausible(match.ValueSpan))
                {
                    return Block("pii.card");
                }
            }
        }

        if (digits >= 7)
        {
            foreach (var _ in _phoneNumbers.FindNumbers(text, _region, PhoneNumberUtil.Leniency.VALID, long.MaxValue))
            {
                return Block("pii.phone");
            }
        }

        return ValueTask.FromResult(ModerationResult.Allowed);
    }

    private static ValueTask<ModerationResult> Block(string rule) =>
        ValueTask.FromResult(ModerationResult.Block(BlockReason.Pii, rule, ModerationConstants.PiiExplanation));

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // 13 to 19 digits, optionally split by single spaces or dashes, not part of a longer number.
    [GeneratedRegex(@"(?<![\d])\d(?:[ \-]?\d){12,18}(?![\d])", RegexOptions.CultureInvariant)]
    private static partial Regex CardCandidatePattern();
}
