using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireAi.Ingest.Extraction;

namespace AspireAi.Ingest.Upload;

/// <summary>The outcome of one HTTP call to the gateway, after retries.</summary>
/// <param name="StatusCode">The final status code, or <see langword="null"/> when no response arrived.</param>
/// <param name="Body">The response body, or the error that stopped the request when no response arrived.</param>
internal sealed record GatewayResponse(HttpStatusCode? StatusCode, string Body)
{
    public bool IsSuccess => StatusCode is { } status && (int)status is >= 200 and < 300;
}

/// <summary>A retry that is about to happen, reported so the user sees why the upload paused.</summary>
/// <param name="Attempt">The attempt that failed, from 1.</param>
/// <param name="MaxAttempts">The total number of attempts allowed.</param>
/// <param name="Reason">Why the attempt failed, such as <c>HTTP 503</c> or <c>timed out after 120 s</c>.</param>
/// <param name="Delay">The wait before the next attempt.</param>
internal sealed record RetryNotice(int Attempt, int MaxAttempts, string Reason, TimeSpan Delay);

/// <summary>
/// Calls the gateway's collection routes with the caller's API key and retries on 429, 5xx, network
/// errors and timeouts. Retrying an upsert is safe because the service replaces documents by id.
/// </summary>
internal sealed class GatewayClient(HttpClient http, RetrySettings retry, Func<TimeSpan, CancellationToken, Task> delay)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reports each retry before its wait starts.</summary>
    public event Action<RetryNotice>? Retrying;

    /// <summary>Creates an <see cref="HttpClient"/> for the gateway at <paramref name="gatewayUrl"/> that sends <paramref name="apiKey"/> as a bearer token.</summary>
    public static HttpClient CreateHttpClient(Uri gatewayUrl, string apiKey, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = gatewayUrl;

        // Each attempt has its own timeout from RetrySettings, so the client-wide one is off.
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>Creates the collection with keyword indexes on <c>source</c>, <c>format</c> and <c>kind</c>; a 409 means it already exists.</summary>
    public Task<GatewayResponse> CreateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var body = new
        {
            name = collection,
            indexed_metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "keyword", ["format"] = "keyword", ["kind"] = "keyword" },
        };
        return SendWithRetriesAsync(() => JsonRequest(HttpMethod.Post, "v1/collections", body), cancellationToken);
    }

    /// <summary>Inserts or replaces <paramref name="documents"/> in <paramref name="collection"/>.</summary>
    public Task<GatewayResponse> UpsertAsync(string collection, IReadOnlyList<IngestDocument> documents, CancellationToken cancellationToken)
    {
        var body = new
        {
            documents = documents.Select(document => new { id = document.Id, text = document.Text, metadata = document.Metadata }).ToList(),
        };
        var path = $"v1/collections/{Uri.EscapeDataString(collection)}/documents";
        return SendWithRetriesAsync(() => JsonRequest(HttpMethod.Post, path, body), cancellationToken);
    }

    /// <summary>Reads the <c>chunks</c> count from an upsert response body, or 0 when it is missing.</summary>
    public static int ReadChunkCount(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("chunks", out var chunks) && chunks.TryGetInt32(out var count) ? count : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>Returns whether a status code is worth retrying: 408, 429 and every 5xx.</summary>
    public static bool IsTransient(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)statusCode >= 500;

    /// <summary>
    /// Returns the wait before the next attempt: the response's Retry-After when present (capped at
    /// <see cref="RetrySettings.MaxDelay"/>), otherwise the initial delay doubled for each attempt so far.
    /// </summary>
    public static TimeSpan NextDelay(int attempt, RetryConditionHeaderValue? retryAfter, RetrySettings retry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(retry);

        TimeSpan? requested = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
        if (requested is { } wait)
        {
            return wait < TimeSpan.Zero ? TimeSpan.Zero : (wait > retry.MaxDelay ? retry.MaxDelay : wait);
        }

        var backoff = retry.InitialDelay * Math.Pow(2, attempt - 1);
        return backoff > retry.MaxDelay ? retry.MaxDelay : backoff;
    }

    // The body is serialized up front so the request carries a Content-Length: JsonContent would
    // stream it chunked, which some proxies in front of a gateway do not accept.
    private static HttpRequestMessage JsonRequest(HttpMethod method, string path, object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private async Task<GatewayResponse> SendWithRetriesAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            RetryConditionHeaderValue? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(retry.RequestTimeout);
                try
                {
                    using var request = createRequest();
                    using var response = await http.SendAsync(request, timeout.Token);
                    var body = await response.Content.ReadAsStringAsync(timeout.Token);
                    if (!IsTransient(response.StatusCode) || attempt >= retry.MaxAttempts)
                    {
                        return new GatewayResponse(response.StatusCode, body);
                    }

                    reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
                    retryAfter = response.Headers.RetryAfter;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = string.Create(CultureInfo.InvariantCulture, $"timed out after {retry.RequestTimeout.TotalSeconds:0.#} s");
                    if (attempt >= retry.MaxAttempts)
                    {
                        return new GatewayResponse(null, $"The request {reason} on each of {retry.MaxAttempts} attempts.");
                    }
                }
                catch (HttpRequestException exception)
                {
                    // The outer message is only "An error occurred while sending the request."; the inner one names the cause.
                    reason = exception.InnerException?.Message ?? exception.Message;
                    if (attempt >= retry.MaxAttempts)
                    {
                        return new GatewayResponse(null, $"The gateway at {http.BaseAddress} could not be reached on any of {retry.MaxAttempts} attempts: {reason}");
                    }
                }
            }

            var wait = NextDelay(attempt, retryAfter, retry, DateTimeOffset.UtcNow);
            Retrying?.Invoke(new RetryNotice(attempt, retry.MaxAttempts, reason, wait));
            await delay(wait, cancellationToken);
        }
    }
}

/// <summary>How often and how patiently the gateway is called.</summary>
/// <param name="MaxAttempts">The attempts per request, the first included.</param>
/// <param name="RequestTimeout">The time one attempt may take before it counts as timed out.</param>
/// <param name="InitialDelay">The wait after the first failed attempt; each later wait doubles it.</param>
/// <param name="MaxDelay">The longest wait between attempts, also the cap on a server's Retry-After.</param>
internal sealed record RetrySettings(int MaxAttempts, TimeSpan RequestTimeout, TimeSpan InitialDelay, TimeSpan MaxDelay);
