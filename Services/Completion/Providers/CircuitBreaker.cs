using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Providers;

/// <summary>
/// A circuit breaker per deployment, local to this replica: after a number of failures in a row the
/// deployment is skipped for the break duration, then one trial call decides whether it closes again.
/// </summary>
public sealed class CircuitBreaker(IOptions<CompletionOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    /// <summary>Returns whether a call to the deployment may go ahead, and if not, when it may.</summary>
    /// <param name="key">The deployment's key.</param>
    /// <param name="retryAt">When the circuit lets a trial call through, if it is open.</param>
    /// <returns>True when the call may go ahead.</returns>
    public bool TryEnter(string key, out DateTimeOffset retryAt)
    {
        retryAt = default;
        if (!_states.TryGetValue(key, out var state))
        {
            return true;
        }

        lock (state)
        {
            var now = timeProvider.GetUtcNow();
            if (state.OpenUntil is not { } openUntil)
            {
                return true;
            }

            if (now < openUntil)
            {
                retryAt = openUntil;
                return false;
            }

            // Half-open: this caller makes the trial call, and others are turned away for one more
            // break, so a trial whose caller vanished without a result cannot block the deployment for good.
            state.OpenUntil = now + options.Value.Resilience.CircuitBreakDuration;
            state.TrialInFlight = true;
            return true;
        }
    }

    /// <summary>Records a successful call, which closes the circuit.</summary>
    /// <param name="key">The deployment's key.</param>
    public void RecordSuccess(string key)
    {
        if (_states.TryGetValue(key, out var state))
        {
            lock (state)
            {
                state.Failures = 0;
                state.OpenUntil = null;
                state.TrialInFlight = false;
            }
        }
    }

    /// <summary>Records a failed call; returns true when this failure opened the circuit.</summary>
    /// <param name="key">The deployment's key.</param>
    /// <returns>True when the circuit opened.</returns>
    public bool RecordFailure(string key)
    {
        var state = _states.GetOrAdd(key, _ => new State());
        var resilience = options.Value.Resilience;
        lock (state)
        {
            state.Failures++;
            var failedTrial = state.TrialInFlight;
            state.TrialInFlight = false;
            if (failedTrial || state.Failures >= resilience.CircuitBreakerFailures)
            {
                state.OpenUntil = timeProvider.GetUtcNow() + resilience.CircuitBreakDuration;
                return true;
            }

            return false;
        }
    }

    private sealed class State
    {
        public int Failures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }

        public bool TrialInFlight { get; set; }
    }
}
