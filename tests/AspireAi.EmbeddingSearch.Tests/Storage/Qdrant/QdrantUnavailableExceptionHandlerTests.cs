using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Qdrant;

public sealed class QdrantUnavailableExceptionHandlerTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, "could not be reached")]
    [InlineData(StatusCode.DeadlineExceeded, "did not answer in time")]
    [InlineData(StatusCode.Unauthenticated, "rejected the service's API key")]
    public async Task TryHandleAsync_UnreachableQdrant_Writes503(StatusCode status, string expectedCause)
    {
        var (context, handler) = CreateContext("GET", "/v1/collections/docs");

        var handled = await handler.TryHandleAsync(context, new RpcException(new Status(status, "test")), TestContext.Current.CancellationToken);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        var problem = ReadBody(context);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal(QdrantUnavailableExceptionHandler.ErrorCode, problem.GetProperty("code").GetString());
        Assert.Contains(expectedCause, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("upsert", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_FailedUpsert_MentionsRetry()
    {
        var (context, handler) = CreateContext("POST", "/v1/collections/docs/documents");

        await handler.TryHandleAsync(context, new RpcException(new Status(StatusCode.Unavailable, "test")), TestContext.Current.CancellationToken);

        var detail = ReadBody(context).GetProperty("detail").GetString();
        Assert.Contains("may already be stored", detail, StringComparison.Ordinal);
        Assert.Contains("Sending the same request again is safe", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.Internal)]
    public async Task TryHandleAsync_OtherRpcFailure_LeavesItUnhandled(StatusCode status)
    {
        var (context, handler) = CreateContext("GET", "/v1/collections/docs");

        var handled = await handler.TryHandleAsync(context, new RpcException(new Status(status, "test")), TestContext.Current.CancellationToken);

        Assert.False(handled);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task TryHandleAsync_OtherException_LeavesItUnhandled()
    {
        var (context, handler) = CreateContext("GET", "/v1/collections/docs");

        var handled = await handler.TryHandleAsync(context, new InvalidOperationException("test"), TestContext.Current.CancellationToken);

        Assert.False(handled);
    }

    private static (HttpContext Context, QdrantUnavailableExceptionHandler Handler) CreateContext(string method, string path)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddProblemDetails()
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var handler = new QdrantUnavailableExceptionHandler(
            services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(),
            NullLogger<QdrantUnavailableExceptionHandler>.Instance);
        return (context, handler);
    }

    private static JsonElement ReadBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
