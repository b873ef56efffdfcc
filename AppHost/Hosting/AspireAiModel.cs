using Microsoft.Extensions.Hosting;

namespace AspireAi.AppHost.Hosting;

/// <summary>The AspireAi resource graph: infrastructure, then data, then services.</summary>
public static class AspireAiModel
{
    /// <summary>The connection string name of the Redis-protocol server.</summary>
    public const string RedisName = "redis";

    /// <summary>The resource name of the PostgreSQL server.</summary>
    public const string PostgresName = "postgres";

    /// <summary>The connection string name of billing's database.</summary>
    public const string BillingDatabaseName = "billing-db";

    /// <summary>The connection string name of Qdrant.</summary>
    public const string QdrantName = "qdrant";

    /// <summary>The resource name of the completion gateway.</summary>
    public const string GatewayName = "gateway";

    /// <summary>The resource name of the embedding-search service.</summary>
    public const string EmbeddingSearchName = "embedding-search";

    /// <summary>The resource name of the billing service.</summary>
    public const string BillingName = "billing";

    /// <summary>The resource name of the provider emulator.</summary>
    public const string EmulatorName = "provider-emulator";

    /// <summary>Adds every resource to <paramref name="builder"/>.</summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <exception cref="PrerequisiteMissingException">A program that the chosen mode needs is missing.</exception>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public static void Add(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var settings = AppHostSettings.Read(builder.Configuration, builder.AppHostDirectory, builder.Environment.IsDevelopment());
        // Publish mode describes a cloud deployment, so it always takes the container resources and
        // never probes for, or starts, anything on this machine.
        var isPublishMode = builder.ExecutionContext.IsPublishMode;
        var useContainers = isPublishMode || settings.UseContainers switch
        {
            ContainerUse.Always => true,
            ContainerUse.Never => false,
            _ => ContainerRuntimeProbe.IsAvailable(),
        };

        var infrastructure = useContainers
            ? AddContainerInfrastructure(builder)
            : AddLocalInfrastructure(builder, settings);

        var adminKey = builder.AddParameter("billing-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var internalKey = builder.AddParameter("billing-internal-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

        var billing = builder.AddProject<Projects.Billing>(BillingName)
            .WithHttpEndpoint(port: isPublishMode || settings.BillingPort == 0 ? null : settings.BillingPort)
            .WithReference(infrastructure.BillingDatabase, connectionName: "billing").WaitFor(infrastructure.BillingDatabase)
            .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
            .WithEnvironment("Billing__AdminKey", adminKey)
            .WithEnvironment("Billing__InternalKey", internalKey)
            .WithHttpHealthCheck("/health")
            .WithPublishedProbes()
            .WithPublishedReplicas();

        if (settings.DevelopmentApiKeyFile is not null && !isPublishMode)
        {
            var developmentKey = builder.AddParameter("development-api-key", DevelopmentApiKey.ReadOrCreate(settings.DevelopmentApiKeyFile), secret: true);
            billing
                .WithEnvironment("Billing__Seed__TenantName", "development")
                .WithEnvironment("Billing__Seed__ApiKey", developmentKey);
        }

        var embeddingSearch = builder.AddProject<Projects.EmbeddingSearch>(EmbeddingSearchName)
            .WithHttpEndpoint()
            .WithReference(billing).WaitFor(billing)
            .WithEnvironment("BillingClient__BaseAddress", billing.GetEndpoint("http"))
            .WithEnvironment("BillingClient__InternalKey", internalKey)
            .WithHttpHealthCheck("/health");
        if (infrastructure.Qdrant is not null)
        {
            embeddingSearch
                .WithReference(infrastructure.Qdrant).WaitFor(infrastructure.Qdrant)
                .WithEnvironment("EmbeddingSearch__Backend", "Qdrant");
        }
        else
        {
            embeddingSearch
                .WithEnvironment("EmbeddingSearch__Backend", "Embedded")
                .WithEnvironment("EmbeddingSearch__Embedded__DataDirectory", Path.Combine(settings.DataDirectory, "vectors"));
        }

        // Embedding-search gets probes but no replicas, because its embedded index is a folder on the
        // replica's own file system.
        embeddingSearch.WithPublishedProbes();

        var gateway = builder.AddProject<Projects.Completion>(GatewayName)
            .WithHttpEndpoint(port: isPublishMode || settings.GatewayPort == 0 ? null : settings.GatewayPort)
            .WithExternalHttpEndpoints()
            .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
            .WithReference(billing).WaitFor(billing)
            .WithReference(embeddingSearch).WaitFor(embeddingSearch)
            .WithEnvironment("BillingClient__BaseAddress", billing.GetEndpoint("http"))
            .WithEnvironment("BillingClient__InternalKey", internalKey)
            .WithEnvironment("Completion__EmbeddingSearchBaseAddress", embeddingSearch.GetEndpoint("http"))
            .WithHttpHealthCheck("/health")
            .WithPublishedProbes()
            .WithPublishedReplicas();

        AddUpstream(builder, gateway);
    }

    private static Infrastructure AddContainerInfrastructure(IDistributedApplicationBuilder builder)
    {
        var redis = builder.AddRedis(RedisName);
        var postgres = builder.AddPostgres(PostgresName);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            // NOTE: a published deployment has no PostgreSQL volume, so its data lasts only as long as the
            // container. Azure Container Apps volumes are Azure Files shares, where the postgres image
            // fails to chmod its data folder. Durable data needs the Terraform path's managed server.
            postgres.WithDataVolume();
        }

        var billingDatabase = postgres.AddDatabase(BillingDatabaseName, "billing");
        var qdrant = builder.AddQdrant(QdrantName);

        return new Infrastructure(redis, billingDatabase, qdrant);
    }

    private static Infrastructure AddLocalInfrastructure(IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var redis = builder.AddInProcessGarnet(RedisName);
        var postgres = builder.AddLocalPostgres(PostgresName, settings.DataDirectory, settings.PostgresBinDirectory);
        var billingDatabase = postgres.AddDatabase(BillingDatabaseName, "billing");

        IResourceBuilder<IResourceWithConnectionString>? qdrant = null;
        var qdrantPath = settings.QdrantPath ?? QdrantBuilderExtensions.FindQdrantOnPath();
        if (qdrantPath is not null)
        {
            if (!File.Exists(qdrantPath))
            {
                throw new PrerequisiteMissingException($"AspireAi:Local:QdrantPath is '{qdrantPath}', but no file is there. Point it at a qdrant binary, or remove the setting to use the embedded vector index.");
            }

            qdrant = builder.AddLocalQdrant(QdrantName, qdrantPath, Path.Combine(settings.DataDirectory, "qdrant"));
        }

        return new Infrastructure(redis, billingDatabase, qdrant);
    }

    private static void AddUpstream(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway)
    {
        var providerKey = builder.Configuration["Parameters:openai-api-key"];
        var providerBaseUrl = builder.Configuration["Parameters:openai-base-url"];
        if (string.IsNullOrWhiteSpace(providerKey) && string.IsNullOrWhiteSpace(providerBaseUrl))
        {
            // No provider is configured, so the gateway talks to the emulator: offline, free and deterministic.
            var emulatorKey = builder.AddParameter("provider-emulator-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            var emulator = builder.AddProject<Projects.ProviderEmulator>(EmulatorName)
                .WithHttpEndpoint()
                .WithEnvironment("ProviderEmulator__ApiKey", emulatorKey)
                .WithHttpHealthCheck("/health")
                .WithPublishedProbes();
            gateway
                .WithReference(emulator).WaitFor(emulator)
                .WithEnvironment("Completion__Upstream__Provider", "emulator")
                .WithEnvironment("Completion__Upstream__ApiKey", emulatorKey)
                .WithEnvironment(context => context.EnvironmentVariables["Completion__Upstream__BaseUrl"] =
                    ReferenceExpression.Create($"{emulator.GetEndpoint("http")}/v1"));
            return;
        }

        gateway.WithEnvironment("Completion__Upstream__Provider", "openai");
        gateway.WithEnvironment("Completion__Upstream__BaseUrl", string.IsNullOrWhiteSpace(providerBaseUrl) ? "https://api.openai.com/v1" : providerBaseUrl);
        if (!string.IsNullOrWhiteSpace(providerKey))
        {
            var key = builder.AddParameter("openai-api-key", secret: true);
            gateway.WithEnvironment("Completion__Upstream__ApiKey", key);
        }
    }

    private sealed record Infrastructure(
        IResourceBuilder<IResourceWithConnectionString> Redis,
        IResourceBuilder<IResourceWithConnectionString> BillingDatabase,
        IResourceBuilder<IResourceWithConnectionString>? Qdrant);
}
