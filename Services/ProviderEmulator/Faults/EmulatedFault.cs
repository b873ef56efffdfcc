using System.Globalization;

namespace AspireAi.ProviderEmulator.Faults;

/// <summary>
/// The failures and stream shapes that the emulator injects into a chat or messages response. A fault
/// comes from the <c>x-emulator-fault</c> request header or from <c>ProviderEmulator:Faults:{model}</c>.
/// </summary>
public sealed class EmulatedFault
{
    /// <summary>The request header that selects a fault for one request; it replaces any configured fault.</summary>
    public const string HeaderName = "x-emulator-fault";

    /// <summary>The HTTP status to fail with, such as 429, 500 or 503; the body is an error in the route's API shape.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The Retry-After header, in seconds, sent with <see cref="StatusCode"/>.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>
    /// How many attempts of each distinct request fail before one succeeds; empty means every attempt
    /// fails. Counts apply to <see cref="StatusCode"/>, <see cref="Hang"/>, <see cref="ErrorInBody"/>
    /// and <see cref="DropAfterChunks"/>, and attempts are the same request when model, messages and fault match.
    /// </summary>
    public int? FailedAttempts { get; set; }

    /// <summary>Whether to send nothing until the client gives up and disconnects.</summary>
    public bool Hang { get; set; }

    /// <summary>The pause before each streamed event after the first, for a slow stream.</summary>
    public TimeSpan? ChunkDelay { get; set; }

    /// <summary>The number of streamed events after which the connection is aborted without an end marker.</summary>
    public int? DropAfterChunks { get; set; }

    /// <summary>Whether to answer 200 with a provider error in the body (or as the first event of a stream).</summary>
    public bool ErrorInBody { get; set; }

    /// <summary>Whether to send a <c>: ping</c> comment line before every streamed event.</summary>
    public bool Comments { get; set; }

    /// <summary>Whether to end streamed lines with CRLF instead of LF.</summary>
    public bool CrLf { get; set; }

    /// <summary>Whether to flush each streamed event in pieces that cut every multibyte UTF-8 character in two.</summary>
    public bool SplitUtf8 { get; set; }

    /// <summary>Whether to leave usage out of the response, even when the request asks for it.</summary>
    public bool OmitUsage { get; set; }

    /// <summary>Whether any setting that fails an attempt is set.</summary>
    public bool FailsAttempt => StatusCode is not null || Hang || ErrorInBody || DropAfterChunks is not null;

    /// <summary>Whether any setting that changes the shape of a stream is set.</summary>
    public bool ShapesStream => ChunkDelay is not null || Comments || CrLf || SplitUtf8 || DropAfterChunks is not null;

    /// <summary>
    /// Parses the <c>x-emulator-fault</c> header: settings separated by <c>;</c>, each <c>name=value</c>
    /// or a bare flag, for example <c>status=503; failed-attempts=2</c> or <c>comments; split-utf8; omit-usage</c>.
    /// </summary>
    /// <param name="header">The header value.</param>
    /// <param name="fault">The fault, when the header is valid.</param>
    /// <param name="error">What is wrong with the header, when it is not.</param>
    /// <returns>True when the header is valid.</returns>
    public static bool TryParse(string header, out EmulatedFault? fault, out string? error)
    {
        ArgumentNullException.ThrowIfNull(header);

        var parsed = new EmulatedFault();
        fault = null;
        error = null;
        foreach (var setting in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = setting.IndexOf('=', StringComparison.Ordinal);
            var name = (separator < 0 ? setting : setting[..separator]).Trim().ToLowerInvariant();
            var value = separator < 0 ? null : setting[(separator + 1)..].Trim();
            error = name switch
            {
                "status" => ReadInt(value, name, 400, 599, v => parsed.StatusCode = v),
                "retry-after" => ReadInt(value, name, 0, 3600, v => parsed.RetryAfterSeconds = v),
                "failed-attempts" => ReadInt(value, name, 1, 1000, v => parsed.FailedAttempts = v),
                "drop-after" => ReadInt(value, name, 0, 100_000, v => parsed.DropAfterChunks = v),
                "chunk-delay-ms" => ReadInt(value, name, 1, 600_000, v => parsed.ChunkDelay = TimeSpan.FromMilliseconds(v)),
                "hang" => ReadFlag(value, name, () => parsed.Hang = true),
                "error-in-body" => ReadFlag(value, name, () => parsed.ErrorInBody = true),
                "comments" => ReadFlag(value, name, () => parsed.Comments = true),
                "crlf" => ReadFlag(value, name, () => parsed.CrLf = true),
                "split-utf8" => ReadFlag(value, name, () => parsed.SplitUtf8 = true),
                "omit-usage" => ReadFlag(value, name, () => parsed.OmitUsage = true),
                _ => $"'{name}' is not a fault setting. Use status, retry-after, failed-attempts, hang, chunk-delay-ms, drop-after, " +
                    "error-in-body, comments, crlf, split-utf8 or omit-usage.",
            };

            if (error is not null)
            {
                error = $"The {HeaderName} header is invalid: {error}";
                return false;
            }
        }

        fault = parsed;
        return true;
    }

    /// <summary>Lists every invalid setting, each named by <paramref name="key"/> and the setting's name.</summary>
    /// <param name="key">The configuration key of this fault.</param>
    /// <returns>The problems; empty when the fault is valid.</returns>
    public IEnumerable<string> Validate(string key)
    {
        if (StatusCode is < 400 or > 599)
        {
            yield return $"{key}:StatusCode must be an HTTP error status from 400 to 599, such as 429 or 503.";
        }

        if (RetryAfterSeconds is < 0)
        {
            yield return $"{key}:RetryAfterSeconds must not be negative.";
        }

        if (FailedAttempts is < 1)
        {
            yield return $"{key}:FailedAttempts must be 1 or more; leave it empty to fail every attempt.";
        }

        if (ChunkDelay is { } delay && delay <= TimeSpan.Zero)
        {
            yield return $"{key}:ChunkDelay must be positive, such as 00:00:02.";
        }

        if (DropAfterChunks is < 0)
        {
            yield return $"{key}:DropAfterChunks must not be negative.";
        }
    }

    private static string? ReadInt(string? value, string name, int min, int max, Action<int> set)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            return $"'{name}' needs a whole number from {min} to {max}, as in {name}={min}.";
        }

        set(number);
        return null;
    }

    private static string? ReadFlag(string? value, string name, Action set)
    {
        if (value is not null)
        {
            return $"'{name}' is a flag and takes no value; write it alone.";
        }

        set();
        return null;
    }
}
