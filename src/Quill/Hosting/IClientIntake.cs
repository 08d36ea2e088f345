namespace Quill.Hosting;

/// <summary>Where clients come in: the event loop for plain TCP, or .NET's async accept loop.</summary>
internal interface IClientIntake
{
    /// <summary>Connections currently open.</summary>
    int OpenConnections { get; }

    /// <summary>Accepts until <paramref name="stopping"/>; then open connections are closed.</summary>
    Task RunAsync(CancellationToken stopping);

    /// <summary>conn_max: more clients may be open at once from now on; the limit never shrinks.</summary>
    void Grow(int connectionsMax);
}
