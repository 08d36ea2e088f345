namespace Quill.Core.Tests.Configuration;

/// <summary>A small stand-in for /etc/services.</summary>
internal static class FakeServices
{
    public static int? Lookup(string name) => name switch
    {
        "http" => 80,
        "www" => 80,
        "smtp" => 25,
        "bogus" => 70000,
        _ => null,
    };
}
