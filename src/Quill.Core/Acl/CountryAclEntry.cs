using System.Globalization;

namespace Quill.Core.Acl;

/// <summary>A two-letter country code, matched through the country lookup given to <see cref="AccessLists"/>.</summary>
public sealed record CountryAclEntry : AclEntry
{
    public CountryAclEntry(bool permit, string countryCode) : base(permit)
    {
        ArgumentNullException.ThrowIfNull(countryCode);
        if (!IsCountryCode(countryCode))
        {
            throw new ArgumentException($"not a two-letter country code: '{countryCode}'", nameof(countryCode));
        }
        CountryCode = countryCode;
    }

    /// <summary>As given, so `write` prints what the operator typed.</summary>
    public string CountryCode { get; }

    internal bool Matches(string? clientCountry) =>
        clientCountry is not null && string.Equals(clientCountry, CountryCode, StringComparison.OrdinalIgnoreCase);

    public override string ToCommand(int aclNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"acl {aclNumber} {Verb} country {CountryCode}");

    internal static bool IsCountryCode(string text) =>
        text.Length == 2 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]);
}
