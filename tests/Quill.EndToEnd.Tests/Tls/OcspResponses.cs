using System.Globalization;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>
/// DER OCSP responses made offline by <c>openssl ocsp</c> acting as the set's CA responder, from an index file in
/// <c>openssl ca</c>'s format that says whether the certificate is good or revoked.
/// </summary>
internal static class OcspResponses
{
    /// <summary>Writes the CA's response about <paramref name="certificate"/> (a file the set's CA issued) to
    /// <paramref name="output"/>, fresh for a day.</summary>
    public static async Task WriteAsync(CertificateSet set, string certificate, bool revoked, string output)
    {
        var (exit, serialLine) = await OpenSsl.RunAsync(null, "x509", "-in", certificate, "-noout", "-serial");
        if (exit != 0) throw new InvalidOperationException($"openssl x509 failed: {serialLine}");
        var serial = serialLine.Trim().Split('=')[1];
        var now = DateTime.UtcNow;
        var revokedAt = revoked ? Utc(now.AddMinutes(-1)) : "";
        var index = output + ".index";
        await File.WriteAllTextAsync(index, $"{(revoked ? 'R' : 'V')}\t{Utc(now.AddDays(2))}\t{revokedAt}\t{serial}\tunknown\t/CN=quill\n");
        var (ocspExit, text) = await OpenSsl.RunAsync(null, "ocsp", "-index", index, "-rsigner", set.CaCertificate,
            "-rkey", set.File("ca.key"), "-CA", set.CaCertificate, "-issuer", set.CaCertificate, "-cert", certificate,
            "-respout", output, "-ndays", "1");
        if (ocspExit != 0 || !File.Exists(output)) throw new InvalidOperationException($"openssl ocsp failed: {text}");
    }

    private static string Utc(DateTime time) => time.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture) + "Z";
}
