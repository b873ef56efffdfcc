using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Embeddings;

namespace AspireAi.Benchmarks.Embeddings;

/// <summary>
/// The same batches sent through the gateway's <c>POST /v1/embeddings</c> with the local model, one request at a
/// time. It requests base64 vectors, as the OpenAI .NET SDK does, and checks that every input got a vector.
/// </summary>
internal sealed class ServiceEmbedder(Uri gatewayUrl, string apiKey) : IDisposable
{
    private readonly HttpClient _http = CreateClient(gatewayUrl, apiKey);

    /// <summary>Embeds one batch through the gateway.</summary>
    /// <exception cref="InvalidOperationException">The gateway returned an error or the wrong number of vectors.</exception>
    public async Task EmbedAsync(IReadOnlyList<string> batch, CancellationToken cancellationToken)
    {
        var body = new { model = LocalEmbeddingModel.Name, input = batch, encoding_format = "base64" };
        using var response = await _http.PostAsJsonAsync("v1/embeddings", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/embeddings returned {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        var vectors = document.RootElement.GetProperty("data").GetArrayLength();
        if (vectors != batch.Count)
        {
            throw new InvalidOperationException($"POST /v1/embeddings returned {vectors} vectors for {batch.Count} inputs.");
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateClient(Uri gatewayUrl, string apiKey)
    {
        // A trailing slash keeps the relative route under any path prefix of the gateway URL.
        var baseAddress = gatewayUrl.AbsoluteUri.EndsWith('/') ? gatewayUrl : new Uri(gatewayUrl.AbsoluteUri + "/");
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }
}
