namespace StreamChat.Core.Sanctions;

/// <summary>
/// Keeps what moderators decided per stream: bans, time-outs, shadow bans, granted moderators and slow mode. Every
/// node and Lambda instance reads the same store, so a sanction takes effect everywhere.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently and return only what is in force: a sanction whose expiry has
/// passed is gone for readers, even where the backend deletes it late. The default keeps everything in process memory;
/// <c>AddDynamoDbStores()</c> (StreamChat.Aws) puts it in DynamoDB.
/// </remarks>
public interface ISanctionStore
{
    /// <summary>Reads a user's sanctions in a stream and the stream's slow mode.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The standing in force now; <see cref="ChatStanding.None"/> when there is nothing.</returns>
    Task<ChatStanding> GetStandingAsync(string streamId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Puts a sanction (or the moderator grant) on a user, replacing one of the same kind.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="kind">The sanction.</param>
    /// <param name="expiresAt">When it ends; <see langword="null"/> for never. Required for <see cref="SanctionKind.Timeout"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every reader will see the sanction.</returns>
    Task SetAsync(string streamId, string userId, SanctionKind kind, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Lifts a sanction (or the moderator grant).</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="kind">The sanction.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a sanction in force was lifted.</returns>
    Task<bool> RemoveAsync(string streamId, string userId, SanctionKind kind, CancellationToken cancellationToken = default);

    /// <summary>Turns a stream's slow mode on (with the least time between one viewer's messages) or off.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="interval">The interval; <see langword="null"/> turns slow mode off.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every reader will see the change.</returns>
    Task SetSlowModeAsync(string streamId, TimeSpan? interval, CancellationToken cancellationToken = default);

    /// <summary>Returns the users the broadcaster made moderators of a stream (<c>/mod</c>).</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user ids, in no particular order.</returns>
    Task<IReadOnlyCollection<string>> GetModeratorsAsync(string streamId, CancellationToken cancellationToken = default);
}
