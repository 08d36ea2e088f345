namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>How one soak connection ended, as the client saw it.</summary>
internal enum SoakOutcome : byte
{
    /// <summary>A complete "200 OK" whose body is one backend's.</summary>
    Completed,

    /// <summary>quill refused the connection or did not accept it within the client timeout.</summary>
    ConnectFailed,

    /// <summary>The request could not be sent: the connection was reset or closed before it.</summary>
    SendFailed,

    /// <summary>Reset or closed after the request was sent, before the reply was complete.</summary>
    BrokenAfterRequest,

    /// <summary>No complete reply within the client timeout.</summary>
    TimedOut,

    /// <summary>The stream ended normally but is not a complete reply from one of the backends.</summary>
    WrongReply,
}
