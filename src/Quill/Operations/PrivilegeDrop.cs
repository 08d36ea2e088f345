using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Quill.Core.Configuration;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>
/// -j and -u: checked before anything listens (an unknown user or a missing directory ends the start with one
/// line), applied after the sockets are open: chroot, then supplementary groups, group and user.
/// </summary>
internal sealed class PrivilegeDrop
{
    private readonly string? _jail;
    private readonly string? _user;
    private readonly uint _uid;
    private readonly uint _gid;

    private PrivilegeDrop(string? jail, string? user, uint uid, uint gid) => (_jail, _user, _uid, _gid) = (jail, user, uid, gid);

    /// <summary>The -u user's uid and gid, for files made before the switch that the user must own; null without -u.</summary>
    public (uint User, uint Group)? Owner => _user is null ? null : (_uid, _gid);

    /// <summary>Null when neither -u nor -j was given.</summary>
    /// <exception cref="ArgumentException">Unknown user or missing chroot directory (one-line message).</exception>
    public static PrivilegeDrop? Prepare(QuillOptions options)
    {
        if (options.User is null && options.Jail is null) return null;
        if (options.Jail is { } jail && !Directory.Exists(jail))
            throw new ArgumentException($"chroot directory '{jail}' does not exist");
        if (options.User is not { } user) return new PrivilegeDrop(options.Jail, null, 0, 0);

        var entry = Libc.getpwnam(user);
        if (entry == IntPtr.Zero) throw new ArgumentException($"unknown user '{user}'");
        // struct passwd on LP64: two pointers (name, password), then uid_t and gid_t.
        var uid = (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
        var gid = (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size + sizeof(uint));
        return new PrivilegeDrop(options.Jail, user, uid, gid);
    }

    /// <exception cref="InvalidOperationException">A call the kernel refused (one-line message).</exception>
    public void Apply()
    {
        if (_jail is { } jail)
        {
            LoadEverythingBeforeTheJail();
            Check(Libc.chroot(jail), $"cannot chroot to '{jail}'");
            Check(Libc.chdir("/"), $"cannot change to / in '{jail}'");
        }

        if (_user is null) return;
        Check(Libc.setgroups(1, [_gid]), $"cannot set groups for user '{_user}'");
        Check(Libc.setgid(_gid), $"cannot switch to group {_gid} of user '{_user}'");
        Check(Libc.setuid(_uid), $"cannot switch to user '{_user}'");
    }

    /// <summary>Inside the jail the runtime's files are out of reach: load the time zone now and, in a JIT build, every
    /// assembly quill uses. A NativeAOT build (the package's) has its code in the executable, and there asking for an
    /// assembly's references throws.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only the JIT build gets past the guard; it loads assemblies from disk.")]
    private static void LoadEverythingBeforeTheJail()
    {
        _ = TimeZoneInfo.Local;
        if (!RuntimeFeature.IsDynamicCodeSupported) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>();
        pending.Push(Assembly.GetExecutingAssembly());
        while (pending.TryPop(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(name.FullName)) continue;
                try
                {
                    pending.Push(Assembly.Load(name));
                }
                catch (FileNotFoundException)
                {
                    // A reference for another platform that this process can never need.
                }
            }
        }
    }

    private static void Check(int result, string what)
    {
        if (result != 0) throw new InvalidOperationException($"{what}: {Libc.LastError()}");
    }
}
