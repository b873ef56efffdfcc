using AspireAi.Completion.Providers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Completion.Tests.Providers;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordFailure_ThresholdReached_OpensOnlyThatDeployment()
    {
        var breaker = CreateBreaker(failures: 3);

        var opened = new[] { breaker.RecordFailure("a"), breaker.RecordFailure("a"), breaker.RecordFailure("a") };

        Assert.Equal([false, false, true], opened);
        Assert.False(breaker.TryEnter("a", out var retryAt));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), retryAt);
        Assert.True(breaker.TryEnter("b", out _));
    }

    [Fact]
    public void RecordSuccess_BetweenFailures_ResetsCount()
    {
        var breaker = CreateBreaker(failures: 2);

        breaker.RecordFailure("a");
        breaker.RecordSuccess("a");
        var opened = breaker.RecordFailure("a");

        Assert.False(opened);
        Assert.True(breaker.TryEnter("a", out _));
    }

    [Fact]
    public void TryEnter_AfterBreak_LetsOneTrialThrough()
    {
        var breaker = CreateBreaker(failures: 1);
        breaker.RecordFailure("a");

        _time.Advance(TimeSpan.FromSeconds(30));
        var trial = breaker.TryEnter("a", out _);
        var second = breaker.TryEnter("a", out _);

        Assert.True(trial);
        Assert.False(second);
    }

    [Fact]
    public void RecordFailure_FailedTrial_ReopensAtOnce()
    {
        var breaker = CreateBreaker(failures: 5);
        for (var i = 0; i < 5; i++)
        {
            breaker.RecordFailure("a");
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter("a", out _);
        var reopened = breaker.RecordFailure("a");

        Assert.True(reopened);
        Assert.False(breaker.TryEnter("a", out _));
    }

    [Fact]
    public void RecordSuccess_SuccessfulTrial_Closes()
    {
        var breaker = CreateBreaker(failures: 1);
        breaker.RecordFailure("a");
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter("a", out _);

        breaker.RecordSuccess("a");

        Assert.True(breaker.TryEnter("a", out _));
        Assert.True(breaker.TryEnter("a", out _));
    }

    private CircuitBreaker CreateBreaker(int failures)
    {
        var options = new CompletionOptions { Resilience = { CircuitBreakerFailures = failures, CircuitBreakDuration = TimeSpan.FromSeconds(30) } };
        return new CircuitBreaker(Options.Create(options), _time);
    }
}
