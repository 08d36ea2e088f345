using System.Runtime.InteropServices;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// One OpenSSL server context (SSL_CTX) for one certificate, shared by every handshake with that certificate, as in
/// nginx and HAProxy: the chain and key from PEM files (intermediates after the leaf in the certificate file are sent
/// with it), the policy's versions, suites and options, client certificate checks with -R, and the OCSP response to
/// staple (<see cref="OcspStaple"/>, asked through OpenSSL's status callback when a client wants one). Connections
/// made on it write partial records (a slow client holds back only what it did not take) and free their record
/// buffers while idle (SSL_MODE_RELEASE_BUFFERS). A context lives as long as the process: connections and the
/// status callback refer to it.
/// </summary>
internal sealed unsafe class SslServerContext
{
    /// <summary>Sessions resumed on a context with client certificates must come from the same application.</summary>
    private static ReadOnlySpan<byte> SessionIdContext => "quill"u8;

    private readonly OcspStaple _staple;
    private readonly Func<string?> _responseFile;

    private SslServerContext(nint handle, OcspStaple staple, Func<string?> responseFile)
    {
        (Handle, _staple, _responseFile) = (handle, staple, responseFile);
        // Never freed: the context refers to it for as long as any connection uses it.
        var self = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        LibSsl.SslCtxSetStatusCallback(handle, &StaplingCallback, self);
    }

    /// <summary>The SSL_CTX.</summary>
    public nint Handle { get; }

    /// <param name="staple">Reads the response file asked for by <paramref name="responseFile"/>, at most once a second.</param>
    /// <param name="responseFile">The OCSP response file as it is now (null: none).</param>
    /// <exception cref="ArgumentException">Files OpenSSL refuses; one line naming them.</exception>
    public static SslServerContext Create(string certificateFile, string keyFile, SslContextPolicy policy, OcspStaple staple,
        Func<string?> responseFile)
    {
        LibSsl.ErrClearError();
        var context = LibSsl.SslCtxNew(LibSsl.TlsServerMethod());
        if (context == 0) throw new ArgumentException($"OpenSSL cannot make a TLS context: {TakeErrors()}");
        try
        {
            if (LibSsl.SslCtxUseCertificateChainFile(context, certificateFile) != 1
                || LibSsl.SslCtxUsePrivateKeyFile(context, keyFile, LibSsl.FiletypePem) != 1
                || LibSsl.SslCtxCheckPrivateKey(context) != 1)
                throw new ArgumentException($"cannot load TLS certificate '{certificateFile}' with key '{keyFile}': {TakeErrors()}");
            Apply(context, policy);
            // Made in a servername callback too, on an event loop: its SSL calls must find the thread's queue empty.
            LibSsl.ErrClearError();
            return new SslServerContext(context, staple, responseFile);
        }
        catch (ArgumentException)
        {
            LibSsl.SslCtxFree(context);
            throw;
        }
    }

    private static void Apply(nint context, SslContextPolicy policy)
    {
        LibSsl.SslCtxSetProtocols(context, policy.MinVersion, policy.MaxVersion);
        _ = LibSsl.SslCtxSetOptions(context, policy.Options);
        LibSsl.SslCtxSetMode(context, LibSsl.ModeEnablePartialWrite | LibSsl.ModeAcceptMovingWriteBuffer | LibSsl.SslModeReleaseBuffers);
        LibSsl.SslCtxSetDhAuto(context);
        if (LibSsl.SslCtxSetCipherSuites(context, policy.Tls13) != 1)
            throw new ArgumentException($"ssl_ciphers: OpenSSL refuses TLS 1.3 suites '{policy.Tls13}': {TakeErrors()}");
        if (policy.Tls12.Length > 0 && LibSsl.SslCtxSetCipherList(context, policy.Tls12) != 1)
            throw new ArgumentException($"ssl_ciphers: OpenSSL refuses '{policy.Tls12}': {TakeErrors()}");
        fixed (byte* id = SessionIdContext) _ = LibSsl.SslCtxSetSessionIdContext(context, id, (uint)SessionIdContext.Length);
        if (!policy.RequireClientCertificate) return;
        LibSsl.SslCtxSetVerify(context, LibSsl.VerifyPeer | LibSsl.VerifyFailIfNoPeerCertificate, 0);
        LoadTrusted(context, policy);
    }

    /// <summary>The CAs a client certificate must chain to: a file, every certificate file in a directory (hashed
    /// names or not; other files there, such as CRLs, are passed over), or the system's.</summary>
    private static void LoadTrusted(nint context, SslContextPolicy policy)
    {
        if (policy.CaFile is null && policy.CaDirectory is null)
        {
            _ = LibSsl.SslCtxSetDefaultVerifyPaths(context);
            LibSsl.ErrClearError();
            return;
        }
        var named = policy.CaFile ?? policy.CaDirectory;
        if (policy.CaFile is { } file && LibSsl.SslCtxLoadVerifyLocations(context, file, null) != 1)
            throw new ArgumentException($"cannot load TLS CA certificates '{named}': {TakeErrors()}");
        if (policy.CaDirectory is not { } directory) return;
        try
        {
            foreach (var path in Directory.EnumerateFiles(directory)) _ = LibSsl.SslCtxLoadVerifyLocations(context, path, null);
            LibSsl.ErrClearError();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot load TLS CA certificates '{named}': {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
    }

    /// <summary>OpenSSL's queued errors, reasons only, in one line; the queue is left empty.</summary>
    internal static string TakeErrors()
    {
        var reasons = new List<string>();
        for (var code = LibSsl.ErrGetError(); code != 0; code = LibSsl.ErrGetError())
        {
            var reason = Marshal.PtrToStringUTF8(LibSsl.ErrReasonErrorString(code)) ?? $"error {code:x}";
            if (!reasons.Contains(reason)) reasons.Add(reason);
        }
        return reasons.Count == 0 ? "no reason given" : string.Join(": ", reasons);
    }

    /// <summary>OpenSSL asks, in a handshake whose client wants a stapled OCSP response, what to staple.</summary>
    [UnmanagedCallersOnly]
    private static int StaplingCallback(nint ssl, nint argument)
    {
        var context = (SslServerContext)GCHandle.FromIntPtr(argument).Target!;
        try
        {
            var response = context._staple.Refresh(context._responseFile());
            return response is not null && LibSsl.SslSetStatusResponse(ssl, response) ? LibSsl.ExtensionOk : LibSsl.ExtensionNoAck;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Thrown out of a native callback it would end the process; the handshake goes on without a response.
            return LibSsl.ExtensionNoAck;
        }
    }
}
