namespace StreamChat.Core.Moderation.Internal;

/// <summary>Payment card number checks: length, issuer prefix and the Luhn checksum.</summary>
internal static class PaymentCard
{
    /// <summary>True when <paramref name="candidate"/> (digits with optional spaces or dashes) looks like a real card number.</summary>
    public static bool IsPlausible(ReadOnlySpan<char> candidate)
    {
        Span<char> digits = stackalloc char[19];
        var length = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (length == digits.Length)
                {
                    return false;
                }

                digits[length++] = c;
            }
        }

        var number = digits[..length];
        return length is >= 13 and <= 19 && HasIssuerPrefix(number) && PassesLuhn(number);
    }

    /// <summary>The Luhn (mod 10) checksum over a string of digits.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static bool HasIssuerPrefix(ReadOnlySpan<char> n)
    {
        var two = (n[0] - '0') * 10 + (n[1] - '0');
        var four = two * 100 + (n[2] - '0') * 10 + (n[3] - '0');
        return n[0] == '4'                                   // Visa
            || two is >= 51 and <= 55 || four is >= 2221 and <= 2720 // Mastercard
            || two is 34 or 37                               // American Express
            || four == 6011 || two == 65 || four is >= 6440 and <= 6499 // Discover
            || four is >= 3528 and <= 3589                   // JCB
            || two is 36 or 38 or 30                         // Diners Club
            || two == 62                                     // UnionPay
            || n[0] == '5' || n[0] == '6';                   // Maestro and other 5/6 ranges
    }
}
