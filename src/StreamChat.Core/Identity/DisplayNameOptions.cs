using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Identity;

/// <summary>
/// Display names (<c>StreamChat:DisplayNames</c>). Every name must show at least one letter or digit and may not stack
/// more than four combining marks on one character (both always, at the handshake, with 400). Beyond that, a name
/// that looks like the name of another user already in the stream (the same Unicode TR39 skeleton, ignoring case:
/// "Аlice" with a Cyrillic А, "A1ice", "ALICE") is handled as <see cref="Confusables"/> says.
/// </summary>
public sealed class DisplayNameOptions
{
    /// <summary>Gets or sets what happens to a handshake whose name is confusable with another user's in the stream.</summary>
    /// <value>The default value is <see cref="ConfusableNameHandling.Refuse"/>.</value>
    public ConfusableNameHandling Confusables { get; set; } = ConfusableNameHandling.Refuse;

    /// <summary>
    /// Gets or sets the most connections a stream may hold for a new name to be compared with every name in it. The
    /// check reads the stream's connections at each handshake (on DynamoDB, one Query over the stream's index), so
    /// above this a join storm would cost N² reads; larger streams skip the comparison and say so in the log once.
    /// </summary>
    /// <value>The default value is 1,000.</value>
    [Range(0, 1_000_000)]
    public int CheckStreamsUpTo { get; set; } = 1_000;
}

/// <summary>What happens to a display name that looks like another user's in the same stream.</summary>
public enum ConfusableNameHandling
{
    /// <summary>The handshake is refused with 409 and nothing is stored.</summary>
    Refuse,

    /// <summary>The connection is accepted with its user id shown after the name: <c>Аlice (@mallory)</c>.</summary>
    Decorate,

    /// <summary>Names are not compared.</summary>
    Allow,
}
