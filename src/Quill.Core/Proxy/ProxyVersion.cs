namespace Quill.Core.Proxy;

/// <summary>Which PROXY protocol header, if any, goes first on a server connection.</summary>
public enum ProxyVersion
{
    /// <summary>No header: the server sees quill's address (pen's behaviour).</summary>
    Off,

    /// <summary>The human-readable line, <c>PROXY TCP4 ...\r\n</c>.</summary>
    V1,

    /// <summary>The binary header, with the TLS fields when quill terminated TLS.</summary>
    V2,
}

/// <summary>The words <c>v1</c>, <c>v2</c> and <c>off</c> that <c>proxy</c> and <c>server N proxy</c> take.</summary>
public static class ProxyVersionWords
{
    public static bool TryParse(string word, out ProxyVersion version)
    {
        switch (word)
        {
            case "v1": version = ProxyVersion.V1; return true;
            case "v2": version = ProxyVersion.V2; return true;
            case "off": version = ProxyVersion.Off; return true;
            default: version = ProxyVersion.Off; return false;
        }
    }

    public static string Word(ProxyVersion version) => version switch
    {
        ProxyVersion.V1 => "v1",
        ProxyVersion.V2 => "v2",
        _ => "off",
    };
}
