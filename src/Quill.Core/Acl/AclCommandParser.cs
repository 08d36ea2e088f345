using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Acl;

/// <summary>
/// Parses the penctl forms `acl N permit|deny IPv4 [MASK]`, `acl N permit|deny IPv6[/LEN]`,
/// `acl N permit|deny country CC` and `no acl N`. Unlike pen, which only printed debug output,
/// a malformed command yields a one-line error and no change.
/// </summary>
public static class AclCommandParser
{
    /// <param name="words">The words after `acl`, without empty words.</param>
    public static AclParseResult ParseAcl(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (!TryParseNumber("acl", words, out var number, out var numberError))
        {
            return AclParseResult.Failure(numberError);
        }
        if (words.Count < 2)
        {
            return AclParseResult.Failure($"acl: missing 'permit' or 'deny' after ACL number {number}");
        }
        bool permit;
        switch (words[1])
        {
            case "permit":
                permit = true;
                break;
            case "deny":
                permit = false;
                break;
            default:
                return AclParseResult.Failure($"acl: expected 'permit' or 'deny', got '{words[1]}'");
        }
        if (words.Count < 3)
        {
            return AclParseResult.Failure($"acl: missing address after '{words[1]}'");
        }

        var target = words[2];
        int used;
        AclParseResult result;
        if (target == "country")
        {
            used = 4;
            result = ParseCountry(number, permit, words);
        }
        else if (target.Contains(':', StringComparison.Ordinal))
        {
            used = 3;
            result = ParseIpv6(number, permit, target);
        }
        else
        {
            used = 4;
            result = ParseIpv4(number, permit, target, words.Count > 3 ? words[3] : null);
        }
        if (result.IsSuccess && words.Count > used)
        {
            return AclParseResult.Failure($"acl: unexpected '{words[used]}' after the address");
        }
        return result;
    }

    /// <param name="words">The words after `no acl`, without empty words.</param>
    public static AclParseResult ParseNoAcl(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (!TryParseNumber("no acl", words, out var number, out var error))
        {
            return AclParseResult.Failure(error);
        }
        if (words.Count > 1)
        {
            return AclParseResult.Failure($"no acl: unexpected '{words[1]}' after ACL number {number}");
        }
        return AclParseResult.Success(new AclChange(number, null));
    }

    private static bool TryParseNumber(string command, IReadOnlyList<string> words, out int number, out string error)
    {
        number = 0;
        error = "";
        if (words.Count == 0)
        {
            error = $"{command}: missing ACL number";
            return false;
        }
        var text = words[0];
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error = digits.Length > 0 && digits.All(char.IsAsciiDigit)
                ? $"{command}: ACL number {text} out of range 0-{AccessLists.Count - 1}"
                : $"{command}: bad ACL number '{text}'";
            return false;
        }
        if (negative || value >= AccessLists.Count)
        {
            error = $"{command}: ACL number {text} out of range 0-{AccessLists.Count - 1}";
            return false;
        }
        number = value;
        return true;
    }

    private static AclParseResult ParseCountry(int number, bool permit, IReadOnlyList<string> words)
    {
        if (words.Count < 4)
        {
            return AclParseResult.Failure("acl: missing country code after 'country'");
        }
        var code = words[3];
        return CountryAclEntry.IsCountryCode(code)
            ? AclParseResult.Success(new AclChange(number, new CountryAclEntry(permit, code)))
            : AclParseResult.Failure($"acl: bad country code '{code}', expected two letters");
    }

    private static AclParseResult ParseIpv4(int number, bool permit, string addressText, string? maskText)
    {
        if (!TryParseDottedQuad(addressText, out var address))
        {
            return AclParseResult.Failure($"acl: bad IPv4 address '{addressText}'");
        }
        IPAddress? mask = null;
        if (maskText is not null && !TryParseDottedQuad(maskText, out mask))
        {
            return AclParseResult.Failure($"acl: bad mask '{maskText}'");
        }
        return AclParseResult.Success(new AclChange(number, new Ipv4AclEntry(permit, address, mask)));
    }

    private static AclParseResult ParseIpv6(int number, bool permit, string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var prefixLength = Ipv6AclEntry.MaxPrefixLength;
        if (slash >= 0)
        {
            var lengthText = text[(slash + 1)..];
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength)
                || prefixLength > Ipv6AclEntry.MaxPrefixLength)
            {
                return AclParseResult.Failure($"acl: bad prefix length '{lengthText}' in '{text}', expected 0-128");
            }
        }
        // A zone ("%eth0") names an interface, not a network, so it has no place in an ACL.
        if (addressText.Contains('%', StringComparison.Ordinal)
            || !IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AclParseResult.Failure($"acl: bad IPv6 address '{addressText}'");
        }
        return AclParseResult.Success(new AclChange(number, new Ipv6AclEntry(permit, address, prefixLength)));
    }

    /// <summary>Exactly four decimal parts 0..255; IPAddress.TryParse would also take "10", "10.1" and hex.</summary>
    private static bool TryParseDottedQuad(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length is 0 or > 3
                || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }
        address = new IPAddress(bytes);
        return true;
    }
}
