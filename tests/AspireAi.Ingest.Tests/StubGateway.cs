using System.Net;
using System.Text;

namespace AspireAi.Ingest.Tests;

/// <summary>One request that reached <see cref="StubGateway"/>.</summary>
internal sealed record ReceivedRequest(HttpMethod Method, string Path, string? Authorization, string Body);

/// <summary>An HTTP handler that responds like the gateway through a function, and records every request with its body.</summary>
internal sealed class StubGateway(Func<ReceivedRequest, int, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public List<ReceivedRequest> Requests { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var received = new ReceivedRequest(request.Method, request.RequestUri!.AbsolutePath, request.Headers.Authorization?.ToString(), body);
        Requests.Add(received);
        return await respond(received, Requests.Count).WaitAsync(cancellationToken);
    }
}
