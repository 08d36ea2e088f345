using Quill.Net.Connections;

namespace Quill.Net.Tests.Connections;

public sealed class DescriptorBudgetTests
{
    [Theory]
    [InlineData(256, 60, 44)]
    [InlineData(1024, 30, 310)]
    [InlineData(64, 60, 1)]
    public void ConnectionsFor_LeavesTheReserve_ThreeDescriptorsEach(long limit, int open, int expected) =>
        Assert.Equal(expected, DescriptorBudget.ConnectionsFor(limit, open));

    [Fact]
    public void Connections_ThisProcess_FitsItsOwnLimit()
    {
        var connections = DescriptorBudget.Connections();

        Assert.NotNull(connections);
        Assert.InRange(connections.Value, 1, int.MaxValue);
    }
}
