using AspireAi.Completion.Caching;
using AspireAi.Completion.Tests.Infrastructure;

namespace AspireAi.Completion.Tests.Caching;

public class SingleFlightTests(GarnetFixture garnet)
{
    [Fact]
    public async Task Acquire_ConcurrentCallersOneReplica_OneLeaseOthersWait()
    {
        var flight = new SingleFlight(garnet.Redis);
        var key = "test:flight:" + Guid.NewGuid().ToString("N");
        var leaders = 0;
        var followers = 0;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var lease = await flight.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            if (lease is null)
            {
                Interlocked.Increment(ref followers);
                return;
            }

            Interlocked.Increment(ref leaders);
            await Task.Delay(200, TestContext.Current.CancellationToken);
            await garnet.Redis.GetDatabase().StringSetAsync(key, "answer");
            await lease.DisposeAsync();
        }));

        Assert.Equal(1, leaders);
        Assert.Equal(49, followers);
    }

    [Fact]
    public async Task Acquire_TwoReplicas_SecondWaitsForFirstsAnswer()
    {
        var replicaA = new SingleFlight(garnet.Redis);
        var replicaB = new SingleFlight(garnet.Redis);
        var key = "test:flight:" + Guid.NewGuid().ToString("N");

        var lease = await replicaA.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var waiting = replicaB.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Task.Delay(150, TestContext.Current.CancellationToken);
        var finishedEarly = waiting.IsCompleted;
        await garnet.Redis.GetDatabase().StringSetAsync(key, "answer");
        await lease!.DisposeAsync();
        var second = await waiting;

        Assert.False(finishedEarly);
        Assert.Null(second);
    }

    [Fact]
    public async Task Acquire_LeaderFailsWithoutAnswer_NextCallerLeads()
    {
        var flight = new SingleFlight(garnet.Redis);
        var key = "test:flight:" + Guid.NewGuid().ToString("N");

        var first = await flight.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await first!.DisposeAsync();
        var second = await flight.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.NotNull(second);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Acquire_OtherReplicaFinishedAfterLookup_ReturnsNoLease()
    {
        // The caller looked in the cache and missed. Before it reached the lock, the other replica
        // stored its response and released the lock, so the caller must read the cache, not fetch again.
        var replicaA = new SingleFlight(garnet.Redis);
        var replicaB = new SingleFlight(garnet.Redis);
        var key = "test:flight:" + Guid.NewGuid().ToString("N");

        var lease = await replicaA.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await garnet.Redis.GetDatabase().StringSetAsync(key, "answer");
        await lease!.DisposeAsync();
        var late = await replicaB.AcquireAsync(key, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Null(late);
    }
}
