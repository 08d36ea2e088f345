using System.Net;

namespace Quill.Core.Peers;

/// <summary>
/// What peers tell each other: this client uses the server at this address (not index: the two quills may list
/// their servers in another order), last seen <paramref name="Age"/> ago (an age, so the two clocks need not agree).
/// </summary>
public readonly record struct ClientAssignment(IPAddress Client, string ServerAddress, int ServerPort, TimeSpan Age);
