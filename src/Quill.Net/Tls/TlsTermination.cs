using System.Runtime.InteropServices;
using System.Security.Authentication;
using Quill.Core.Configuration;
using Quill.Core.Tls;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// The server side of TLS as the operator configured it, in OpenSSL server contexts (<see cref="SslServerContext"/>):
/// the certificate and key (PEM), the protocol versions, the suites, and, with -R, the check that clients present a
/// certificate chaining to the -G / -A CAs (the system's when neither); with ssl_sni_path, a context per name the
/// client asks for, switched to in OpenSSL's servername callback; the OCSP response stapled for the certificate
/// (ssl_ocsp_response, which unlike the rest may change while running). Each client's handshake and bytes are its
/// relay's, on its event loop (<see cref="TlsSession"/>).
/// </summary>
public sealed unsafe class TlsTermination
{
    /// <summary>A client that has not finished its handshake by then is closed, so it cannot hold a slot.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly SslServerContext _default;
    private readonly SniCertificates? _sni;

    private TlsTermination(SslServerContext context, SslProtocols protocols, SniCertificates? sni)
    {
        (_default, Protocols, _sni) = (context, protocols, sni);
        if (sni is null) return;
        // Never freed: the context calls back with it for as long as the process runs.
        var self = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        LibSsl.SslCtxSetServerNameCallback(context.Handle, &ServerNameCallback, self);
    }

    /// <summary>Protocol versions offered to clients.</summary>
    public SslProtocols Protocols { get; }

    /// <summary>Reads the files named in the options.</summary>
    /// <param name="ocspResponseFile">ssl_ocsp_response as it is now; asked in handshakes whose client wants a response.</param>
    /// <param name="debug">Told about OCSP response files, once per change (-d).</param>
    /// <exception cref="ArgumentException">A file that cannot be read or holds no usable certificate or key; the
    /// message is one line naming it.</exception>
    public static TlsTermination Load(TlsOptions options, Func<string?>? ocspResponseFile = null, TimeProvider? time = null,
        Action<string>? debug = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certFile = options.CertificateFile ?? throw new ArgumentException("TLS needs a certificate (-E)");
        var keyFile = options.KeyFile ?? certFile;
        TlsProtocolOption.TryParse(options.Protocol ?? "tls1", out var protocols, out _);
        protocols = SslOptionWords.Restrict(protocols, options.SslOptions);
        time ??= TimeProvider.System;
        var policy = SslContextPolicy.For(protocols, options);
        try
        {
            var context = SslServerContext.Create(certFile, keyFile, policy, new OcspStaple(time, debug, missingIsNormal: false),
                ocspResponseFile ?? (() => null));
            var sni = options.SniDirectory is { } directory ? new SniCertificates(directory, policy, time, debug) : null;
            return new TlsTermination(context, protocols, sni);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new ArgumentException($"TLS needs OpenSSL 3 (libssl.so.3): {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
    }

    /// <summary>The TLS side of a client just accepted on <paramref name="fd"/>; null when OpenSSL cannot make one.</summary>
    internal TlsSession? Accept(int fd) => TlsSession.Accept(_default.Handle, fd);

    /// <summary>OpenSSL asks, from the client's hello, which certificate answers: the name's, else the default one.</summary>
    [UnmanagedCallersOnly]
    private static int ServerNameCallback(nint ssl, int* alert, nint argument)
    {
        var tls = (TlsTermination)GCHandle.FromIntPtr(argument).Target!;
        try
        {
            if (tls._sni!.Find(LibSsl.ServerName(ssl)) is { } named) _ = LibSsl.SslSetSslCtx(ssl, named.Handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Thrown out of a native callback it would end the process; the default certificate answers instead.
        }
        return LibSsl.ExtensionOk;
    }
}
