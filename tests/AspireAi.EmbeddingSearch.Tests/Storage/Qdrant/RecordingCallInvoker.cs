using Google.Protobuf;
using Grpc.Core;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Qdrant;

/// <summary>
/// A gRPC call invoker that records every unary request and returns responses from a table by
/// method, so tests see the exact messages the Qdrant client would send to a server.
/// </summary>
public sealed class RecordingCallInvoker : CallInvoker
{
    private readonly Dictionary<string, Func<IMessage, IMessage>> _responders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StatusCode Status, int SucceedingCalls)> _failures = new(StringComparer.Ordinal);

    public List<RecordedCall> Calls { get; } = [];

    /// <summary>Answers calls of <paramref name="method"/> (such as <c>/qdrant.Points/Upsert</c>) with <paramref name="respond"/>.</summary>
    public RecordingCallInvoker On(string method, Func<IMessage, IMessage> respond)
    {
        _responders[method] = respond;
        return this;
    }

    /// <summary>
    /// Fails calls of <paramref name="method"/> with <paramref name="status"/>, as a server would,
    /// after the first <paramref name="succeedingCalls"/> calls of it have succeeded.
    /// </summary>
    public RecordingCallInvoker Fail(string method, StatusCode status, int succeedingCalls = 0)
    {
        _failures[method] = (status, succeedingCalls);
        return this;
    }

    public IReadOnlyList<TRequest> Requests<TRequest>()
        where TRequest : IMessage => Calls.Select(call => call.Request).OfType<TRequest>().ToList();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var message = (IMessage)request;
        Calls.Add(new RecordedCall(method.FullName, message, options.Headers, options.Deadline));
        if (_failures.TryGetValue(method.FullName, out var planned)
            && Calls.Count(call => call.Method == method.FullName) > planned.SucceedingCalls)
        {
            var status = planned.Status;
            var failure = new RpcException(new Status(status, $"{method.FullName} failed in the test."));
            return new AsyncUnaryCall<TResponse>(
                Task.FromException<TResponse>(failure), Task.FromResult(new Metadata()), () => new Status(status, string.Empty), () => [], () => { });
        }

        // An unlisted method gets the default (empty) message of its response type.
        var response = _responders.TryGetValue(method.FullName, out var respond)
            ? (TResponse)respond(message)
            : Activator.CreateInstance<TResponse>();
        return new AsyncUnaryCall<TResponse>(
            Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("The Qdrant store makes only unary calls.");

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException("The Qdrant store makes only unary calls.");

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException("The Qdrant store makes only unary calls.");
}

/// <summary>One recorded gRPC call.</summary>
public sealed record RecordedCall(string Method, IMessage Request, Metadata? Headers, DateTime? Deadline);
