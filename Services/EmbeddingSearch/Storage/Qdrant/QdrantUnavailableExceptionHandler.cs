using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace AspireAi.EmbeddingSearch.Storage.Qdrant;

/// <summary>
/// Writes a 503 problem response when a request fails because Qdrant could not be reached, did not
/// answer in time or rejected the service's API key, instead of the bare 500 of an unhandled exception.
/// </summary>
/// <remarks>
/// An upsert whose points span several batches may fail after earlier batches were stored. The 503
/// says so, and sending the same request again is safe because points have deterministic ids and
/// an upsert replaces them.
/// </remarks>
internal sealed class QdrantUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<QdrantUnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>The stable error code in the problem body, under the <c>code</c> extension.</summary>
    public const string ErrorCode = "vector_store_unavailable";

    /// <summary>The seconds a client is asked to wait before it retries, sent as <c>Retry-After</c>.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RpcException rpcException || DescribeFailure(rpcException.StatusCode) is not { } failure)
        {
            return false;
        }

        logger.QdrantUnavailable(rpcException, rpcException.StatusCode, httpContext.Request.Method, httpContext.Request.Path);

        var detail = $"The vector store (Qdrant) {failure}, so the request failed. Retry it in a few seconds; if the problem stays, check that Qdrant is running and that the service's connection string 'qdrant' is correct.";
        if (HttpMethods.IsPost(httpContext.Request.Method) && httpContext.Request.Path.Value?.EndsWith("/documents", StringComparison.Ordinal) == true)
        {
            detail += " Some documents of this upsert may already be stored. Sending the same request again is safe, because an upsert replaces documents by id.";
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Vector store unavailable",
                Detail = detail,
                Extensions = { ["code"] = ErrorCode },
            },
        });
    }

    /// <summary>Returns how Qdrant failed, as the end of a sentence, or <see langword="null"/> for a failure that is not about reaching it.</summary>
    internal static string? DescribeFailure(StatusCode statusCode) => statusCode switch
    {
        StatusCode.Unavailable => "could not be reached",
        StatusCode.DeadlineExceeded => "did not answer in time",
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => "rejected the service's API key",
        _ => null,
    };
}
