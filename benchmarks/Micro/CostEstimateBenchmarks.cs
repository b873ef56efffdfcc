using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.BillingClient;
using AspireAi.Completion;
using AspireAi.Completion.Chat;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.Providers;
using AspireAi.Completion.Usage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AspireAi.Benchmarks.Micro;

/// <summary>
/// The gateway's cost step, <see cref="CostPlanner.PlanAsync"/> without a cap: prompt tokens counted, the price found
/// in the cached price list, the highest cost computed. The price list comes from an in-memory handler once and is
/// then served from the memory cache, as it is between the gateway's price refreshes.
/// </summary>
[MemoryDiagnoser]
public class CostEstimateBenchmarks
{
    private MemoryCache _cache = null!;
    private HttpClient _http = null!;
    private CostPlanner _planner = null!;
    private ChatRequest _short = null!;
    private ChatRequest _long = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cache = new MemoryCache(new MemoryCacheOptions());
        _http = new HttpClient(new PriceListHandler()) { BaseAddress = new Uri("http://billing.invalid/") };
        var billingOptions = Options.Create(new BillingClientOptions { PriceCacheDuration = TimeSpan.FromHours(1) });
        var prices = new PriceBook(new BillingApiClient(_http), _cache, billingOptions);
        var completionOptions = Options.Create(new CompletionOptions());
        _planner = new CostPlanner(new CostEstimator(prices, new ProviderCatalog(completionOptions), completionOptions), completionOptions);

        _short = Parse(Corpus.ChatRequest(messages: 2, wordsPerMessage: 12, withTools: false));
        _long = Parse(Corpus.ChatRequest(messages: 40, wordsPerMessage: 60, withTools: false));

        // Loads the price list and the tokenizer outside the measurement.
        _planner.PlanAsync("openai", _short, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _cache.Dispose();
    }

    [Benchmark(Description = "Cost plan, short chat")]
    public Task<(CostPlan? Plan, ChatOutcome? Refusal)> ShortChat() => _planner.PlanAsync("openai", _short, null, CancellationToken.None);

    [Benchmark(Description = "Cost plan, long chat")]
    public Task<(CostPlan? Plan, ChatOutcome? Refusal)> LongChat() => _planner.PlanAsync("openai", _long, null, CancellationToken.None);

    private static ChatRequest Parse(System.Text.Json.Nodes.JsonObject body)
    {
        if (!ChatRequest.TryParse(JsonSerializer.SerializeToUtf8Bytes(body), out var request, out var error))
        {
            throw new InvalidOperationException($"The generated chat request is invalid: {error?.Message}");
        }

        return request!;
    }

    /// <summary>Serves billing's price list from memory, so no network call is made.</summary>
    private sealed class PriceListHandler : HttpMessageHandler
    {
        private static readonly ModelPrice[] Prices =
        [
            new("openai", "gpt-4o-mini", 0.15m, 0.60m, 0.075m, new DateOnly(2024, 7, 18)),
            new("openai", "gpt-4o", 2.50m, 10.00m, 1.25m, new DateOnly(2024, 8, 6)),
        ];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath != BillingRoutes.Prices)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(Prices, options: BillingJson.Options),
            });
        }
    }
}
