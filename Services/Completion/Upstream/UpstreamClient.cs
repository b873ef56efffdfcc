using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Upstream;

/// <summary>A typed HttpClient for the OpenAI-compatible provider configured in <see cref="UpstreamOptions"/>.</summary>
public sealed class UpstreamClient
{
    private readonly HttpClient _http;
    private readonly UpstreamOptions _options;

    /// <summary>Creates the client over an HttpClient that has the resilience pipeline.</summary>
    /// <param name="http">The HttpClient.</param>
    /// <param name="options">The gateway's settings.</param>
    public UpstreamClient(HttpClient http, IOptions<CompletionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);

        _http = http;
        _options = options.Value.Upstream;
    }

    /// <summary>The provider name, for the ledger and telemetry.</summary>
    public string Provider => _options.Provider;

    /// <summary>
    /// Sends a chat request. For a stream the call returns as soon as the headers arrive, and the
    /// caller reads the body as it comes.
    /// </summary>
    /// <param name="body">The request body to send.</param>
    /// <param name="stream">Whether the body asks for a stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's response; the caller disposes it.</returns>
    public Task<HttpResponseMessage> SendChatAsync(JsonObject body, bool stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);

        var request = CreateRequest(HttpMethod.Post, "chat/completions");
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return _http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Sends an embeddings request to the provider's <c>/embeddings</c>.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's response; the caller disposes it.</returns>
    public Task<HttpResponseMessage> SendEmbeddingsAsync(JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);

        var request = CreateRequest(HttpMethod.Post, "embeddings");
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Lists the provider's models.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's response; the caller disposes it.</returns>
    public Task<HttpResponseMessage> GetModelsAsync(CancellationToken cancellationToken) =>
        _http.SendAsync(CreateRequest(HttpMethod.Get, "models"), cancellationToken);

    private HttpRequestMessage CreateRequest(HttpMethod method, string path)
    {
        var baseUrl = _options.BaseUrl!.ToString().TrimEnd('/');
        var request = new HttpRequestMessage(method, $"{baseUrl}/{path}");
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        return request;
    }
}
