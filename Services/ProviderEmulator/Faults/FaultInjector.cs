using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Faults;

/// <summary>The fault chosen for one request and whether this attempt of it fails.</summary>
/// <param name="Fault">The fault settings.</param>
/// <param name="FailsThisAttempt">Whether the failing settings apply to this attempt.</param>
internal sealed record FaultDecision(EmulatedFault Fault, bool FailsThisAttempt);

/// <summary>
/// Picks the fault of a request, from its header or from the model's configuration, and counts the
/// attempts of each distinct request so that a fault can fail the first few and let a retry succeed.
/// </summary>
internal sealed class FaultInjector(IOptions<ProviderEmulatorOptions> options)
{
    // NOTE: the attempt counts live in memory and are cleared when they pass this size, so a
    // long-running emulator can forget a count; tests use few distinct requests.
    private const int MaxTrackedRequests = 10_000;

    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>Decides the fault of one attempt.</summary>
    /// <param name="request">The HTTP request, for its fault header.</param>
    /// <param name="model">The requested model, for its configured fault.</param>
    /// <param name="messages">The request's messages, which together with the model identify repeated attempts.</param>
    /// <param name="decision">The decision, or <see langword="null"/> when no fault applies.</param>
    /// <param name="error">What is wrong with the fault header, when it is invalid.</param>
    /// <returns>False when the fault header is invalid.</returns>
    public bool TryDecide(HttpRequest request, string model, IReadOnlyList<ChatText> messages, out FaultDecision? decision, out string? error)
    {
        decision = null;
        error = null;

        EmulatedFault? fault;
        var header = request.Headers[EmulatedFault.HeaderName].ToString();
        if (header.Length > 0)
        {
            if (!EmulatedFault.TryParse(header, out fault, out error))
            {
                return false;
            }
        }
        else if (!options.Value.Faults.TryGetValue(model, out fault))
        {
            return true;
        }

        var fails = fault!.FailsAttempt;
        if (fails && fault.FailedAttempts is { } failedAttempts)
        {
            fails = CountAttempt(header, model, messages) <= failedAttempts;
        }

        decision = new FaultDecision(fault, fails);
        return true;
    }

    private int CountAttempt(string header, string model, IReadOnlyList<ChatText> messages)
    {
        if (_attempts.Count > MaxTrackedRequests)
        {
            _attempts.Clear();
        }

        var identity = new StringBuilder(header).Append('\n').Append(model);
        foreach (var message in messages)
        {
            identity.Append('\n').Append(message.Role).Append('\n').Append(message.Name).Append('\n').Append(message.Content);
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString())));
        return _attempts.AddOrUpdate(key, 1, (_, count) => count + 1);
    }
}
