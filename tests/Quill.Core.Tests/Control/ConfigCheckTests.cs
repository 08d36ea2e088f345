using Quill.Core.Control;
using Xunit;

namespace Quill.Core.Tests.Control;

public sealed class ConfigCheckTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("quill-check-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Run_ReportsEveryRefusal_OfTheCommandsAndTheFile()
    {
        var file = Path.Combine(_dir.FullName, "quill.cfg");
        File.WriteAllText(file, "blacklist 12\nbogus\ntracking x\n");

        var outcome = ConfigCheck.Run(new DispatcherFixture().Dispatcher, ["timeout 5", "nonsense"], file);

        Assert.Equal(
            ["-o 'nonsense': do_cmd: ignoring command starting with 'nonsense'",
             $"{file}:2: do_cmd: ignoring command starting with 'bogus'",
             $"{file}:3: tracking: invalid number 'x'"],
            outcome.Errors);
        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public void Run_MissingFile_IsOneError()
    {
        var file = Path.Combine(_dir.FullName, "none.cfg");

        var error = Assert.Single(ConfigCheck.Run(new DispatcherFixture().Dispatcher, [], file).Errors);

        Assert.StartsWith($"-F {file}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OnACheckingDispatcher_WritesNothing()
    {
        var target = Path.Combine(_dir.FullName, "written.cfg");
        var checking = new PenctlDispatcher(new DispatcherFixture().Dispatcher.Context) { Checking = true };

        Assert.False(checking.Execute($"write {target}").IsError);
        Assert.False(File.Exists(target));
    }
}
