using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>An <see cref="ExchangeBackend"/> behind a real quill, set up for one transport, and the way clients connect.</summary>
internal sealed class StressRig : IDisposable
{
    private readonly TempDirectory _directory;
    private readonly ListenAddress _listen;
    private readonly X509Certificate2? _ca;
    private BalancerProcess? _balancer;

    private StressRig(TempDirectory directory, ListenAddress listen, ExchangeBackend backend,
        X509Certificate2? ca)
    {
        _directory = directory;
        _listen = listen;
        Backend = backend;
        _ca = ca;
    }

    public ExchangeBackend Backend { get; }

    public BalancerProcess Balancer => _balancer ?? throw new InvalidOperationException("quill not started");

    public static async Task<StressRig> StartAsync(StressTransport transport, CertificateSet certificates)
    {
        var directory = new TempDirectory();
        var unix = transport == StressTransport.Unix;
        var rig = new StressRig(directory,
            unix ? ListenAddress.Unix(directory.File("listen.sock")) : ListenAddress.Loopback(FreePorts.Next()),
            new ExchangeBackend(unix ? new UnixDomainSocketEndPoint(directory.File("server.sock")) : new IPEndPoint(IPAddress.Loopback, 0)),
            transport is StressTransport.Tls or StressTransport.Tls12 ? X509CertificateLoader.LoadCertificateFromFile(certificates.CaCertificate) : null);
        try
        {
            string[] options = transport switch
            {
                StressTransport.TcpSockmap => ["--sockmap"],
                StressTransport.HttpFilterNonHttp => ["-H"],
                StressTransport.Tls => ["-E", certificates.ServerCertificate, "-K", certificates.ServerKey],
                StressTransport.Tls12 => ["-E", certificates.ServerCertificate, "-K", certificates.ServerKey, "-L", "tls1.2"],
                _ => [],
            };
            rig._balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, rig._listen, options, rig.Backend.Spec);
            return rig;
        }
        catch
        {
            rig.Dispose();
            throw;
        }
    }

    public async Task<StressClient> ConnectAsync(CancellationToken cancellation)
    {
        var socket = await LoopbackClient.ConnectAsync(_listen.Endpoint, cancellation: cancellation).ConfigureAwait(false);
        if (_ca is null)
            return new StressClient(socket, new NetworkStream(socket, ownsSocket: true));

        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            }, cancellation).ConfigureAwait(false);
            return new StressClient(socket, ssl);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose()
    {
        _balancer?.Dispose();
        Backend.Dispose();
        _ca?.Dispose();
        _directory.Dispose();
    }
}
