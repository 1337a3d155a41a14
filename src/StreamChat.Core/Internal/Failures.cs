namespace StreamChat.Core.Internal;

/// <summary>The one rule for catching: cancellation the caller asked for is control flow, everything else is a failure.</summary>
internal static class Failures
{
    /// <summary>
    /// True for an exception to handle as a failure; false for an <see cref="OperationCanceledException"/> raised because
    /// <paramref name="cancellationToken"/> was cancelled, which must propagate. Use as <c>catch (Exception ex) when (ex.IsFailure(ct))</c>.
    /// </summary>
    public static bool IsFailure(this Exception exception, CancellationToken cancellationToken) =>
        !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
