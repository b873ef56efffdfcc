using AspireAi.BillingClient;
using AspireAi.EmbeddingSearch;
using AspireAi.EmbeddingSearch.Authentication;
using AspireAi.EmbeddingSearch.Documents;
using AspireAi.EmbeddingSearch.Embeddings;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;
using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the embedding-search service: options, model, vector store, authentication and JSON settings.</summary>
public static class EmbeddingSearchServiceExtensions
{
    /// <summary>
    /// Adds the local embedding model, the vector store selected by <c>EmbeddingSearch:Backend</c>
    /// (with the Qdrant client from the connection string <c>qdrant</c> when it is Qdrant),
    /// API-key authentication through billing, snake_case JSON and the health checks.
    /// Requires <c>AddBillingClient()</c> and <c>AddServiceDefaults()</c>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHostApplicationBuilder AddEmbeddingSearchServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddOptions<EmbeddingSearchOptions>()
            .BindConfiguration(EmbeddingSearchOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<EmbeddingSearchOptions>, ConfigureEmbeddingSearchOptions>();
        services.AddSingleton<IValidateOptions<EmbeddingSearchOptions>, ValidateEmbeddingSearchOptions>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TextEmbedder>();
        services.AddTransient<BilledEmbedder>();
        services.AddTransient<DocumentPreparer>();

        // The backend is chosen while services are registered, because only the Qdrant backend
        // needs a client and its health check. An invalid value is reported by options validation.
        var backend = builder.Configuration[$"{EmbeddingSearchOptions.SectionName}:{nameof(EmbeddingSearchOptions.Backend)}"];
        if (string.Equals(backend, EmbeddingSearchOptions.QdrantBackend, StringComparison.OrdinalIgnoreCase))
        {
            builder.AddQdrantClient(EmbeddingSearchOptions.QdrantConnectionName);
            services.AddSingleton<IVectorStore, QdrantVectorStore>();
            services.AddExceptionHandler<QdrantUnavailableExceptionHandler>();
        }
        else
        {
            services.AddSingleton<EmbeddedVectorStore>();
            services.AddSingleton<IVectorStore>(provider => provider.GetRequiredService<EmbeddedVectorStore>());
        }

        services.AddHostedService<StartupLoader>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorization();

        services.ConfigureHttpJsonOptions(options => BillingJson.Apply(options.SerializerOptions));
        services.AddHealthChecks().AddCheck<EmbeddingModelHealthCheck>("embedding-model");

        return builder;
    }

    /// <summary>
    /// Loads the model and replays the vector store while the host starts, so the first request
    /// does not wait for them and a damaged log stops the start with its error.
    /// </summary>
    private sealed class StartupLoader(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<TextEmbedder>();
            services.GetRequiredService<IVectorStore>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
