using AspireAi.BillingClient;
using AspireAi.Completion;
using AspireAi.Completion.Authentication;
using AspireAi.Completion.Batch;
using AspireAi.Completion.Caching;
using AspireAi.Completion.Chat;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.Embeddings;
using AspireAi.Completion.Forwarding;
using AspireAi.Completion.Jobs;
using AspireAi.Completion.Providers;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Upstream;
using AspireAi.Completion.Usage;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the gateway's services.</summary>
public static class CompletionServiceCollectionExtensions
{
    /// <summary>Adds the options, billing client, cache, upstream client and chat pipeline.</summary>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHostApplicationBuilder AddCompletionServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddOptions<CompletionOptions>()
            .BindConfiguration(CompletionOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CompletionOptions>, ValidateCompletionOptions>();

        services.AddBillingClient();
        services.AddBudgetAdmission();
        services.AddTransient<ApiKeyFilter>();
        services.AddTransient<PriceBook>();
        services.AddTransient<UsageReporter>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<SingleFlight>();
        services.AddTransient<SemanticCache>();
        services.AddHttpClient(SemanticCache.HttpClientName, (provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<CompletionOptions>>().Value;
            http.BaseAddress = settings.EmbeddingSearchBaseAddress;
            http.DefaultRequestHeaders.Add(BillingRoutes.InternalKeyHeader, provider.GetRequiredService<IOptions<BillingClientOptions>>().Value.InternalKey);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RateLimiter>();
        services.AddTransient<CostEstimator>();
        services.AddTransient<CostPlanner>();
        services.AddTransient<ChatCompletionPipeline>();
        services.AddSingleton<ProviderCatalog>();
        services.AddSingleton<CircuitBreaker>();
        services.AddSingleton<ProviderRouter>();
        services.AddTransient<BatchRunner>();
        services.AddTransient<ProviderEmbeddings>();
        services.AddSingleton<JobStore>();
        services.AddHostedService<JobWorkerPool>();

        // Model calls take far longer than the defaults allow, so the upstream client replaces the
        // default resilience handler with one that has its own timeouts; a stream's timeout covers
        // only the wait for its headers. RemoveAllResilienceHandlers is marked experimental
        // (EXTEXP0001) in Microsoft.Extensions.Http.Resilience 11.0 and is the documented way to do this.
#pragma warning disable EXTEXP0001
        var upstreamResilience = services.AddHttpClient<UpstreamClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler();
#pragma warning restore EXTEXP0001
        services.AddOptions<HttpStandardResilienceOptions>(upstreamResilience.PipelineName)
            .Configure<IOptions<CompletionOptions>>((resilience, completion) =>
            {
                var upstream = completion.Value.Upstream;
                resilience.AttemptTimeout.Timeout = upstream.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = upstream.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = upstream.AttemptTimeout * 2;
            });

        // Chat calls go through ProviderRouter, which retries, falls back, breaks circuits per
        // deployment and enforces the attempt, total and idle timeouts itself, so this client has no
        // resilience handler and no timeout of its own.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(ProviderRouter.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        // Embedding a batch of documents on a busy machine can take longer than the default 10 s
        // attempt timeout, and a retry would embed the whole batch again, so this client gets the
        // upstream's longer timeouts too.
#pragma warning disable EXTEXP0001
        var embeddingSearchResilience = services.AddHttpClient(ForwardedEndpoints.EmbeddingSearchClient, (provider, http) =>
            {
                http.BaseAddress = provider.GetRequiredService<IOptions<CompletionOptions>>().Value.EmbeddingSearchBaseAddress;
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler();
#pragma warning restore EXTEXP0001
        services.AddOptions<HttpStandardResilienceOptions>(embeddingSearchResilience.PipelineName)
            .Configure<IOptions<CompletionOptions>>((resilience, completion) =>
            {
                var upstream = completion.Value.Upstream;
                resilience.AttemptTimeout.Timeout = upstream.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = upstream.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = upstream.AttemptTimeout * 2;
            });
        services.AddHttpClient(ForwardedEndpoints.BillingClient, (provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<BillingClientOptions>>().Value.BaseAddress;
        });

        return builder;
    }
}
