namespace StreamChat.Core.Broadcasting;

/// <summary>The outcome of a send: how many connections took the frame, and which were found gone.</summary>
public readonly record struct BroadcastResult
{
    private readonly IReadOnlyList<string>? _goneConnectionIds;

    /// <summary>Initializes a new instance of the <see cref="BroadcastResult"/> struct.</summary>
    /// <param name="delivered">How many connections the frame was handed to.</param>
    /// <param name="goneConnectionIds">Connections found unreachable; <see langword="null"/> for none.</param>
    public BroadcastResult(int delivered, IReadOnlyList<string>? goneConnectionIds = null)
    {
        Delivered = delivered;
        _goneConnectionIds = goneConnectionIds;
    }

    /// <summary>Gets how many connections the frame was handed to.</summary>
    public int Delivered { get; }

    /// <summary>Gets the connections found unreachable (a closed socket, API Gateway's 410 Gone).</summary>
    public IReadOnlyList<string> GoneConnectionIds => _goneConnectionIds ?? [];
}
