using Quill.Net.Connections;

namespace Quill.Net.Tests.Connections;

public sealed class DescriptorBudgetTests
{
    [Theory]
    [InlineData(256, 60, 58, 8)]
    [InlineData(1024, 30, 407, 58)]
    [InlineData(64, 60, 1, 0)]
    public void RoomFor_LeavesTheReserve_TwoDescriptorsAConnection_APipeForEverySixteenLeft(long limit, int open, int connections, int pipes) =>
        Assert.Equal(new DescriptorRoom(connections, pipes), DescriptorBudget.RoomFor(limit, open));

    /// <summary>The benchmark's 9,000 idle connections under this machine's hard limit, as pen and HAProxy hold them.</summary>
    [Fact]
    public void RoomFor_TwentyThousand_HoldsNineThousandConnectionsAndTheMostPipes()
    {
        var room = DescriptorBudget.RoomFor(20_000, 40);

        Assert.Equal(DescriptorBudget.MostPipes, room.Pipes);
        Assert.Equal((20_000 - 40 - DescriptorBudget.Reserve - 2 * DescriptorBudget.MostPipes) / 2, room.Connections);
        Assert.True(room.Connections >= 9_000);
    }

    [Fact]
    public void Measure_ThisProcess_FitsItsOwnLimit()
    {
        var room = DescriptorBudget.Measure();

        Assert.NotNull(room);
        Assert.InRange(room.Value.Connections, 1, int.MaxValue);
    }
}
