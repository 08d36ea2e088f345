namespace Quill.Core.Configuration;

/// <summary>pen's usage text, adapted to quill: every option and quill's defaults.</summary>
internal static class UsageText
{
    public const string Text = """
        usage:
          quill [-C addr:port] [-X] [-b sec] [-c N] [-e host[:port]] \
                [-t sec] [-x N] [-w file] [-UHPWadfhrs] \
                [-o option] \
                [-E certfile] [-K keyfile] \
                [-G cacertfile] [-A cacertdir] \
                [-Z] [-R] [-L protocol] \
                [host:]port|/path/to/socket h1[:p1[:maxc1[:hard1[:weight1[:prio1]]]]] [h2[:p2[:maxc2[:hard2[:weight2[:prio2]]]]]] ...
          quill --takeover [--grace sec] -p file [the running quill's other arguments]
          quill --check [options] [[host:]port|/path/to/socket h1 ...]
          quill --demo [options] [[host:]port]
          quill --help | -?
          quill --version

          -B host:port  abuse server for naughty clients
          -C port       control port
          -D            obsolete, accepted and ignored
          -F file       name of configuration file (HUP or 'reload' checks it whole, then applies it or nothing)
          -H            add X-Forwarded-For header in http requests
          -N            use hash for initial server selection without save server
          -O option     use option in penctl format
          -P            obsolete, accepted and ignored
          -Q            obsolete, accepted and ignored
          -S N          obsolete, accepted and ignored (the server table grows as needed)
          -T sec        tracking time in seconds (0 = forever) [0]
          -U            use udp protocol support
          -W            use weight for server selection
          -X            enable 'exit' command for control port
          -a            debugging dumps in ascii format
          -b sec        blacklist time in seconds [30]
          -c N          max number of clients [2048]
          -d            debugging on (repeat -d for more)
          -e host:port  emergency server of last resort
          -f            stay in foreground
          -h            use hash for initial server selection
          -i service    Windows only
          -j dir        run in chroot
          -l file       logging on (a file, or host:port of a penlogd)
          -m N          accept at most N connections at a time [100]
          -n            obsolete, accepted and ignored
          -o option     use option in penctl format
          -p file       write pid to file
          -q N          listen queue length, at least 50 [500]
          -r            bypass client tracking in server selection
          -s            stubborn selection, i.e. don't fail over
          -t sec        connect timeout in seconds [5]
          -u user       run as alternative user
          -w file       save statistics in HTML format in a file
          -x N          max number of simultaneous connections [256]
          -E certfile   use the given certificate in PEM format
          -K keyfile    use the given key in PEM format
          -G cacertfile file containing the CA's certificate
          -A cacertdir  directory containing CA certificates in hashed format
          -Z            accepted for compatibility, no effect
          -R            require valid peer certificate
          -L protocol   ssl23|tls1 (TLS 1.2 and 1.3), tls1.2, tls1.3 [tls1]
          --check       read the command line and the -F file as a start would, open nothing,
                        print every error as file:line: message; exit 0 if good, 1 if not
          --demo        run quill in front of two built-in demo backends; listens on 8080 unless given
          --takeover    take over from the quill running with the same -p: its listeners, runtime
                        state and live plain-TCP connections or UDP sessions (start it with that
                        quill's arguments)
          --grace sec   after a takeover or QUIT, connections that stay get this long [30]
          --sockmap     the kernel relays plain TCP connections (BPF sockmap) where it allows, and quill
                        says once at start if it refuses; off by default (see README)
          --no-sockmap  relay every connection on the event loop (the default)
          --web-listen ADDR  read-only web endpoint (/ status page, /api/status, /metrics) at ADDR, as for -C
                        (a bare port is 127.0.0.1 only); the same as -o 'web_listen ADDR'
          --syslog-facility NAME  the daemon's syslog facility (user, daemon, local0-7, ...) [user];
                        the same as -o 'syslog_facility NAME'
          --help, -?    show this text
          --version     show the version

        The listen address is a port, host:port, [v6addr]:port or a unix socket path (any text with '/').
        A server is host[:port[:soft[:hard[:weight[:prio]]]]], [v6addr][:port...] or a unix socket path;
        the port defaults to the listen port and may be a service name from /etc/services.
        Options must come before the listen address.

        PROXY protocol, as -o/-O/-F or control commands:
          proxy v1|v2|off           header sent first to servers [off]; server N proxy v1|v2|off|default for one
          accept_proxy ACL|off      read a PROXY v1/v2 header from senders ACL permits [off]
          accept_proxy_timeout MS   time for a sender's whole header [3000]

        watching and control, as -o/-O/-F or control commands:
          web_listen ADDR | no web_listen   the read-only web endpoint (as --web-listen) [off]
          web_acl N                 only readers ACL N permits may read it [0]
          log_format json|pen       the access log's lines: one JSON object, or pen's format [pen]
          syslog_facility NAME      the daemon's syslog facility: kern, user, mail, daemon, auth, syslog, lpr,
                                    news, uucp, cron, authpriv, ftp, ntp, audit, alert, cron2, local0-7 [user]
          stderr_format pen|short|timed   debug lines on stderr: pen's, or with the level first as <N>
                                    (short: no time) [short for the systemd journal, else pen]
          json servers|health|recent [S]|mode|status   a table command's answer as JSON
          status                    pen's HTML status page, with or without -w
          control_mode MODE         octal mode of a unix -C socket [0600]
          reload                    check the whole -F file, then apply it in one step or not at all
          alive                     "alive: ..." while listening with a server up, else the reason (quillctl: exit 1)

        two quills sharing their client table (docs/ha.md), as -o/-O/-F or control commands:
          peer_key FILE             the shared key that signs the sync, read from FILE (16 bytes or more;
                                    refused when its group or others may use it: chmod 600 FILE)
          peer_listen ADDR | no peer_listen   take a peer's client table at ADDR (as for -C) [off]
          peer HOST:PORT | no peer [HOST:PORT]   send this client table to that peer's peer_listen [none]

        health checks, server states and slow start (penctl commands, for -o, -F and the control port;
        each also as "server N ..." for one server, where N must exist):
          check tcp|http PATH [STATUS]|send STRING expect STRING|off   [off]
                        STATUS a code or LOW-HIGH [200-399]; STRING escapes \r \n \t \\ \xHH
          check_interval MS   ms between checks, at least 100 [2000]
          check_timeout MS    ms a check may take [1000]
          rise N / fall N     passes to come back up / failures to go down [2 / 3]
          check_tls on|off    run checks inside TLS [off]
          slowstart SECONDS   ramp a server that came back up to its full share [0]
          server N drain|maint|up   no new clients / no new connections / back to normal
          server N SETTING default  drop server N's own check, check_interval, check_timeout, rise, fall,
                              check_tls or slowstart: the global default applies again
          health              one line per server: N addr A port P state S check C last T

        example:
          quill smtp mailhost1:smtp mailhost2:25 mailhost3

        """;
}
