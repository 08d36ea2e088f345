using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>
/// Settings that control commands change while running and that the process reads afresh each time (the
/// selection settings and table sizes live with the selector and tables).
/// </summary>
public sealed class RuntimeSettings
{
    public RuntimeSettings(QuillOptions startup)
    {
        ArgumentNullException.ThrowIfNull(startup);
        Startup = startup;
        ConnectTimeoutSeconds = startup.ConnectTimeoutSeconds;
        Ascii = startup.Ascii;
    }

    /// <summary>The command line, for <c>write</c>'s header and <c>control</c>.</summary>
    public QuillOptions Startup { get; }

    /// <summary>-t / timeout: seconds a connect to a server may take.</summary>
    public int ConnectTimeoutSeconds { get; set; }

    /// <summary>client_acl: clients it denies go to the abuse server.</summary>
    public int ClientAcl { get; set; }

    /// <summary>control_acl: control connections it denies are closed without a reply.</summary>
    public int ControlAcl { get; set; }

    /// <summary>-a / ascii, kept so <c>write</c> reproduces it.</summary>
    public bool Ascii { get; set; }
}
