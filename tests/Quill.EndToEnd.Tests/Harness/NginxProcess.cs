using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// What every nginx the tests run shares: a child process in the foreground (no daemon, no master) whose config,
/// pid, logs and temp files live in one private directory.
/// </summary>
internal static class NginxProcess
{
    public const string Executable = "/usr/sbin/nginx";

    public static Process Start(string directory, string config)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;" })
            start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    /// <summary>The top of a config: one process, its pid and error log, and <paramref name="http"/> inside http { } with the temp paths.</summary>
    public static string Config(string directory, int workerConnections, string http) => $$"""
        master_process off;
        worker_processes 1;
        pid {{directory}}/nginx.pid;
        error_log {{directory}}/error.log;
        events { worker_connections {{workerConnections}}; }
        http {
            access_log off;
            client_body_temp_path {{directory}}/body;
            proxy_temp_path {{directory}}/proxy;
            fastcgi_temp_path {{directory}}/fastcgi;
            uwsgi_temp_path {{directory}}/uwsgi;
            scgi_temp_path {{directory}}/scgi;
        {{http}}
        }

        """;
}
