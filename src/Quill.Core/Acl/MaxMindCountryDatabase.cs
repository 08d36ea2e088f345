using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Quill.Core.Acl;

/// <summary>
/// A MaxMind DB (.mmdb) country database (GeoLite2-Country, GeoIP2-Country, DB-IP and others in that format), copied
/// whole into memory by MaxMind's own reader. An address's country is <c>country.iso_code</c> of its record, or
/// <c>registered_country.iso_code</c> when the record has no country (as for some anycast and satellite networks).
/// quill opens one for the life of the process; disposing it frees the reader's memory mapping.
/// </summary>
public sealed class MaxMindCountryDatabase : IDisposable
{
    private readonly Reader _reader;

    private MaxMindCountryDatabase(Reader reader) => _reader = reader;

    /// <exception cref="ArgumentException">A file that cannot be read or is not a usable MaxMind DB; one line naming it.</exception>
    public static MaxMindCountryDatabase Open(string path)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read GeoIP database '{path}': {OneLine(e)}");
        }
        using (file) return Parse(file, path);
    }

    /// <param name="name">The file's name, for error messages.</param>
    /// <exception cref="ArgumentException">A file that is not a usable MaxMind DB; one line naming it.</exception>
    public static MaxMindCountryDatabase Parse(byte[] file, string name)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Parse(new MemoryStream(file, writable: false), name);
    }

    /// <remarks>MaxMind.Db 5.2.0 keeps the memory mapping of a file its constructor refuses (it maps the file, then
    /// decodes the metadata, and never hands back the Reader to dispose). quill opens a database once and a refusal
    /// ends the start, so only a fuzz campaign meets it: tests/fuzz/run.sh runs the mmdb target in rounds.</remarks>
    private static MaxMindCountryDatabase Parse(Stream file, string name)
    {
        Reader? reader = null;
        try
        {
            reader = new Reader(file);
            if (reader.Metadata.IPVersion is not (4 or 6)) throw new InvalidDatabaseException($"IP version {reader.Metadata.IPVersion}");
            // The reader checks only the metadata when it opens. One walk down the tree finds a file too short for the
            // tree its metadata claims, so that file is refused at start instead of quietly matching no country.
            reader.Find<MaxMindCountryRecord>(reader.Metadata.IPVersion == 6 ? IPAddress.IPv6Any : IPAddress.Any);
            return new MaxMindCountryDatabase(reader);
        }
        catch (Exception e) when (IsBadData(e))
        {
            reader?.Dispose();
            throw new ArgumentException($"'{name}' is not a usable MaxMind DB file: {OneLine(e)}");
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>The two-letter country of the address, or null when unknown. Never throws: a record the reader
    /// cannot decode is an unknown country, as an ACL must answer for every client.</summary>
    public string? CountryOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && _reader.Metadata.IPVersion == 4) return null;
        try
        {
            var record = _reader.Find<MaxMindCountryRecord>(address);
            return record?.Country?.IsoCode ?? record?.RegisteredCountry?.IsoCode;
        }
        catch (Exception e) when (IsBadData(e))
        {
            return null;
        }
    }

    /// <summary>What MaxMind's reader throws for a file that breaks the format; fuzzing (the mmdb target) found no
    /// other exception.</summary>
    private static bool IsBadData(Exception e) => e is InvalidDatabaseException or DeserializationException;

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");
}
