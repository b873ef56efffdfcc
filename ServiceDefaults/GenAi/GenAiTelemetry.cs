using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AspireAi.ServiceDefaults.GenAi;

/// <summary>
/// The activity source and instruments that follow the OpenTelemetry GenAI semantic conventions,
/// plus AspireAi's cost and cache instruments.
/// </summary>
/// <remarks>
/// Attribute and instrument names follow the GenAI semantic conventions, which are still marked
/// as development status by OpenTelemetry; they are kept in <see cref="GenAiAttributes"/> so a
/// rename happens in one place.
/// </remarks>
public sealed class GenAiTelemetry : IDisposable
{
    /// <summary>The name of the activity source for model calls.</summary>
    public const string ActivitySourceName = "AspireAi.GenAi";

    /// <summary>The name of the meter for model calls, cost and cache.</summary>
    public const string MeterName = "AspireAi.GenAi";

    /// <summary>The source and meter name used by Microsoft.Extensions.AI's OpenTelemetry client.</summary>
    public const string ExtensionsAiSourceName = "Experimental.Microsoft.Extensions.AI";

    private static readonly double[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly Meter _meter;

    /// <summary>Creates the source and instruments from the host's meter factory.</summary>
    /// <param name="meterFactory">The meter factory of the host.</param>
    public GenAiTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        _meter = meterFactory.Create(MeterName);
        TokenUsage = _meter.CreateHistogram<long>(
            "gen_ai.client.token.usage",
            unit: "{token}",
            description: "Number of input and output tokens used per model call.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets.Select(b => (long)b).ToArray() });
        OperationDuration = _meter.CreateHistogram<double>(
            "gen_ai.client.operation.duration",
            unit: "s",
            description: "Duration of a model call.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Cost = _meter.CreateCounter<double>(
            "aspireai.cost",
            unit: "{USD}",
            description: "Cost of model calls in US dollars, as billed.");
        CacheRequests = _meter.CreateCounter<long>(
            "aspireai.cache.requests",
            unit: "{request}",
            description: "Cache lookups, tagged aspireai.cache.status=hit|miss|bypass.");
        CacheSavedCost = _meter.CreateCounter<double>(
            "aspireai.cache.saved_cost",
            unit: "{USD}",
            description: "Cost that cache hits saved, in US dollars.");
    }

    /// <summary>The activity source for spans around model calls.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);

    /// <summary>The <c>gen_ai.client.token.usage</c> histogram, tagged with <c>gen_ai.token.type</c>.</summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary>The <c>gen_ai.client.operation.duration</c> histogram in seconds.</summary>
    public Histogram<double> OperationDuration { get; }

    /// <summary>The billed cost counter in US dollars.</summary>
    public Counter<double> Cost { get; }

    /// <summary>The cache lookup counter.</summary>
    public Counter<long> CacheRequests { get; }

    /// <summary>The counter of cost saved by cache hits, in US dollars.</summary>
    public Counter<double> CacheSavedCost { get; }

    /// <summary>
    /// Starts a client span named <c>{operation} {model}</c> with the GenAI request attributes.
    /// </summary>
    /// <param name="operation">The operation name, for example <c>chat</c> or <c>embeddings</c>.</param>
    /// <param name="system">The provider name, for example <c>openai</c>.</param>
    /// <param name="requestModel">The model the client asked for.</param>
    /// <returns>The started activity, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartModelCall(string operation, string system, string requestModel)
    {
        var activity = ActivitySource.StartActivity($"{operation} {requestModel}", ActivityKind.Client);
        activity?.SetTag(GenAiAttributes.OperationName, operation);
        activity?.SetTag(GenAiAttributes.System, system);
        activity?.SetTag(GenAiAttributes.RequestModel, requestModel);
        return activity;
    }

    /// <summary>
    /// Records the token usage and duration of one finished model call on the span and the histograms.
    /// </summary>
    /// <param name="activity">The span of the call, if any.</param>
    /// <param name="call">What the call used.</param>
    public void RecordModelCall(Activity? activity, ModelCallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);

        activity?.SetTag(GenAiAttributes.ResponseModel, call.ResponseModel);
        activity?.SetTag(GenAiAttributes.InputTokens, call.InputTokens);
        activity?.SetTag(GenAiAttributes.OutputTokens, call.OutputTokens);

        var tags = new TagList
        {
            { GenAiAttributes.OperationName, call.Operation },
            { GenAiAttributes.System, call.System },
            { GenAiAttributes.RequestModel, call.RequestModel },
            { GenAiAttributes.ResponseModel, call.ResponseModel },
        };

        var inputTags = tags;
        inputTags.Add(GenAiAttributes.TokenType, "input");
        TokenUsage.Record(call.InputTokens, inputTags);

        var outputTags = tags;
        outputTags.Add(GenAiAttributes.TokenType, "output");
        TokenUsage.Record(call.OutputTokens, outputTags);

        OperationDuration.Record(call.Duration.TotalSeconds, tags);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

/// <summary>What one model call used, for telemetry.</summary>
/// <param name="Operation">The operation name, for example <c>chat</c>.</param>
/// <param name="System">The provider name, for example <c>openai</c>.</param>
/// <param name="RequestModel">The model the client asked for.</param>
/// <param name="ResponseModel">The model that answered.</param>
/// <param name="InputTokens">Input (prompt) tokens.</param>
/// <param name="OutputTokens">Output (completion) tokens.</param>
/// <param name="Duration">Wall-clock duration of the call.</param>
public sealed record ModelCallRecord(
    string Operation,
    string System,
    string RequestModel,
    string ResponseModel,
    long InputTokens,
    long OutputTokens,
    TimeSpan Duration);
