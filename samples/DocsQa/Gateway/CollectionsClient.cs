using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AspireAi.Samples.DocsQa.Gateway;

/// <summary>
/// Calls AspireAi's own routes through the gateway: collections, documents, search and the usage
/// summary. Every failure becomes a <see cref="DocsQaException"/> whose message names the call.
/// </summary>
internal sealed class CollectionsClient : IDisposable
{
    private readonly HttpClient _http;

    public CollectionsClient(Uri gatewayUrl, string apiKey, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = gatewayUrl, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Uri GatewayUrl => _http.BaseAddress!;

    /// <summary>Reads a collection, or returns <see langword="null"/> when the tenant has none with that name.</summary>
    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
    {
        var operation = $"Reading collection '{name}'";
        using var response = await SendAsync(operation, HttpMethod.Get, CollectionPath(name), content: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync<CollectionInfo>(operation, response, cancellationToken);
    }

    /// <summary>Creates a collection; one that already exists (HTTP 409) counts as created.</summary>
    public async Task CreateCollectionAsync(string name, CancellationToken cancellationToken)
    {
        var operation = $"Creating collection '{name}'";
        var body = JsonContent.Create(new CreateCollectionRequest(name), options: GatewayJson.Options);
        using var response = await SendAsync(operation, HttpMethod.Post, "v1/collections", body, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureSuccessAsync(operation, response, cancellationToken);
        }
    }

    /// <summary>Inserts or replaces documents.</summary>
    /// <returns>The number of documents that the service stored.</returns>
    public async Task<int> UpsertAsync(string name, IReadOnlyList<DocumentUpload> documents, CancellationToken cancellationToken)
    {
        var operation = string.Create(CultureInfo.InvariantCulture, $"Uploading {documents.Count} documents to '{name}'");
        var body = JsonContent.Create(new UpsertDocumentsRequest(documents), options: GatewayJson.Options);
        using var response = await SendAsync(operation, HttpMethod.Post, CollectionPath(name) + "/documents", body, cancellationToken);
        var result = await ReadAsync<UpsertDocumentsResponse>(operation, response, cancellationToken);
        return result.Upserted;
    }

    /// <summary>Searches a collection by text.</summary>
    /// <returns>The matches as the service orders them, best first.</returns>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string name, string query, int limit, CancellationToken cancellationToken)
    {
        var operation = $"Searching '{name}'";
        var body = JsonContent.Create(new SearchRequest(query, limit, ScoreThreshold: null), options: GatewayJson.Options);
        using var response = await SendAsync(operation, HttpMethod.Post, CollectionPath(name) + "/search", body, cancellationToken);
        var result = await ReadAsync<SearchResponse>(operation, response, cancellationToken);
        return result.Results;
    }

    /// <summary>Reads the tenant's usage summary for the current UTC month.</summary>
    public async Task<UsageSummary> GetUsageAsync(CancellationToken cancellationToken)
    {
        const string Operation = "Reading the usage summary";
        using var response = await SendAsync(Operation, HttpMethod.Get, "v1/usage", content: null, cancellationToken);
        return await ReadAsync<UsageSummary>(Operation, response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static string CollectionPath(string name) => "v1/collections/" + Uri.EscapeDataString(name);

    private async Task<HttpResponseMessage> SendAsync(
        string operation, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new DocsQaException(
                $"{operation} failed: the gateway at {GatewayUrl} could not be reached ({exception.Message}). "
                + "Start AspireAi with 'dotnet run --project AppHost' from the repository root and wait until the gateway is healthy, "
                + "or pass --gateway-url with the gateway's address.",
                exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DocsQaException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{operation} timed out after {_http.Timeout.TotalSeconds:0} s. Check that the gateway at {GatewayUrl} is healthy; for uploads, a smaller --batch-size helps."),
                exception)
            {
                IsTransient = true,
            };
        }
    }

    private static async Task<T> ReadAsync<T>(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(operation, response, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(GatewayJson.Options, cancellationToken)
                ?? throw new DocsQaException($"{operation} failed: the response body was empty.");
        }
        catch (JsonException exception)
        {
            throw new DocsQaException($"{operation} failed: the response was not the expected JSON ({exception.Message}).", exception);
        }
    }

    private static async Task EnsureSuccessAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = ErrorDetail.FromBody(body);
        var status = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        var advice = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " Set ASPIREAI_API_KEY to a valid key, or restart the AppHost in Development so that it writes .aspireai/dev-api-key again.",
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout =>
                " A service behind the gateway is down or slow: check the Aspire dashboard; for uploads, a smaller --batch-size helps.",
            _ => string.Empty,
        };

        throw new DocsQaException($"{operation} failed with {status}: {detail}{advice}")
        {
            IsTransient = response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        };
    }
}
