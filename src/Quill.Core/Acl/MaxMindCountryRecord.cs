using MaxMind.Db;

namespace Quill.Core.Acl;

/// <summary>The part of a MaxMind country record an ACL reads; the reader skips every other key (names, continent)
/// without decoding it. MaxMind.Db's source generator writes the activation, so NativeAOT needs no reflection.</summary>
internal sealed class MaxMindCountryRecord
{
    [MapKey("country")]
    public MaxMindIsoCode? Country { get; init; }

    [MapKey("registered_country")]
    public MaxMindIsoCode? RegisteredCountry { get; init; }
}

/// <summary>A country map's two-letter code.</summary>
internal sealed class MaxMindIsoCode
{
    [MapKey("iso_code")]
    public string? IsoCode { get; init; }
}
