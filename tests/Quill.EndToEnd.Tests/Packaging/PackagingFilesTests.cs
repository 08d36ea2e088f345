using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Operations;

namespace Quill.EndToEnd.Tests.Packaging;

/// <summary>
/// The pieces of the Debian package (packaging/), checked without building it, so a failure names its file;
/// <see cref="DebianPackageTests"/> builds the .deb, lints it, installs it and purges it.
/// </summary>
public sealed partial class PackagingFilesTests
{
    private static readonly string Packaging = Path.Combine(RepositoryLayout.Root, "packaging");

    [ToolFact("mandoc", "man")]
    public async Task ManPages_MandocLintClean_ManRendersWithoutWarnings()
    {
        foreach (var page in new[] { "quill.8", "quillctl.8" })
        {
            var path = Path.Combine(Packaging, "man", page);
            var (lintExit, lintOut, lintError) = await ProcessTests.RunCommandAsync("mandoc", "/", ["-T", "lint", "-W", "warning", path]);
            Assert.True(lintExit == 0 && lintOut.Length == 0, $"{page}: {lintOut}{lintError}");

            var (manExit, rendered, warnings) = await ProcessTests.RunCommandAsync("env", "/", ["MANWIDTH=80", "man", "--warnings", "-l", path]);
            Assert.Equal((page, 0, ""), (page, manExit, warnings));
            Assert.Contains("SYNOPSIS", rendered, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task QuillManPage_NamesEveryOptionOfTheUsage_AndEveryControlCommand()
    {
        // Without font changes (\fB...\fP) and with plain hyphens, as a reader sees the text.
        var page = FontChange().Replace(File.ReadAllText(Path.Combine(Packaging, "man", "quill.8")), "").Replace("\\-", "-", StringComparison.Ordinal);
        var (_, usage, _) = await ProcessTests.RunCommandAsync(RepositoryLayout.QuillExecutable, "/", ["--help"]);
        var options = OptionInUsage().Matches(usage).Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.NotEmpty(options);
        foreach (var option in options)
            Assert.True(Regex.IsMatch(page, $@"^\.(B|BI|BR|TP).*{Regex.Escape(option)}\b", RegexOptions.Multiline), $"quill.8 does not document {option}");

        foreach (var command in ControlCommands())
            Assert.True(Regex.IsMatch(page, $@"^\.(B|BI|BR)\s.*\b{Regex.Escape(command)}\b", RegexOptions.Multiline), $"quill.8 does not document the command '{command}'");
    }

    [ToolFact("systemd-analyze")]
    public async Task Unit_SystemdAnalyzeVerifyIsClean()
    {
        // The unit as installed, but pointing at this build's quill (verify checks that ExecStart's program exists).
        using var directory = new TempDirectory();
        var unit = directory.File("quill.service");
        File.WriteAllText(unit, File.ReadAllText(Path.Combine(Packaging, "quill.service"))
            .Replace("/usr/sbin/quill", RepositoryLayout.QuillExecutable, StringComparison.Ordinal));

        var (exit, output, error) = await ProcessTests.RunCommandAsync("systemd-analyze", "/", ["--man=no", "verify", unit]);

        Assert.True(exit == 0 && output.Length == 0 && error.Length == 0, output + error);
    }

    [Fact]
    public void Unit_IsNotifyChecksBeforeReloadAndIsHardened()
    {
        var unit = File.ReadAllLines(Path.Combine(Packaging, "quill.service"));

        Assert.Contains("Type=notify", unit);
        var reloads = unit.Where(line => line.StartsWith("ExecReload=", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["ExecReload=/usr/sbin/quill --check -f $QUILL_OPTIONS", "ExecReload=/bin/kill -HUP $MAINPID"], reloads);
        foreach (var setting in new[] { "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes" })
            Assert.Contains(setting, unit);
        Assert.Contains(unit, line => line.StartsWith("CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID", StringComparison.Ordinal));
        Assert.Contains(unit, line => line.StartsWith("LimitNOFILE=", StringComparison.Ordinal));
    }

    [ToolFact("bash")]
    public async Task Completions_AreValidBash_AndCompleteOptionsAndCommands()
    {
        foreach (var (tool, words, expected) in new[] { ("quill", "quill --ve", "--version"), ("quillctl", "quillctl /run/quill/quill.ctl serv", "servers") })
        {
            var script = Path.Combine(Packaging, "completion", tool);
            var probe = $"source {script}; COMP_WORDS=({words}); COMP_CWORD={words.Split(' ').Length - 1}; _{tool}; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
            var (exit, output, error) = await ProcessTests.RunCommandAsync("bash", "/", ["-c", probe]);
            Assert.True(exit == 0, error);
            Assert.Contains(expected, output.Split('\n'));
        }
    }

    [Fact]
    public async Task ConfFile_PassesTheCheckTheUnitRunsBeforeAReload()
    {
        var (exit, output, error) = await ProcessTests.RunCommandAsync(RepositoryLayout.QuillExecutable, "/",
            ["--check", "-f", "-p", "/run/quill/quill.pid", "-C", "/run/quill/quill.ctl", "-F", Path.Combine(Packaging, "quill.cfg")]);

        Assert.True(exit == 0, output + error);
    }

    /// <summary>Every command word the dispatcher registers, read from the sources (src/Quill.Core/Control).</summary>
    private static IEnumerable<string> ControlCommands() =>
        Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "src", "Quill.Core", "Control"), "*.cs")
            .SelectMany(file => RegisteredCommand().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Select(command => command.StartsWith("no ", StringComparison.Ordinal) ? command[3..] : command)
            .Distinct();

    [GeneratedRegex(@"^\s+(-[A-Za-z?]|--[a-z]+)\b", RegexOptions.Multiline)]
    private static partial Regex OptionInUsage();

    [GeneratedRegex(@"\\f[BIRP]")]
    private static partial Regex FontChange();

    [GeneratedRegex(@"commands\[""([a-z_ ]+)""\]")]
    private static partial Regex RegisteredCommand();
}
