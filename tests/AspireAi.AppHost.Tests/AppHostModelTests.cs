using AspireAi.AppHost.Hosting;
using Aspire.Hosting.Postgres;
using Aspire.Hosting.Redis;

namespace AspireAi.AppHost.Tests;

public class AppHostModelTests
{
    [Fact]
    public async Task LocalMode_UsesGarnetAndLocalPostgres()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false", "AspireAi:Local:QdrantPath=");

        app.Single<GarnetResource>(AspireAiModel.RedisName);
        var postgres = app.Single<LocalPostgresServerResource>(AspireAiModel.PostgresName);
        var database = app.Single<LocalPostgresDatabaseResource>(AspireAiModel.BillingDatabaseName);
        Assert.Same(postgres, database.Parent);
        Assert.Equal("billing", database.DatabaseName);
        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, resource => resource is ContainerResource);
    }

    [Fact]
    public async Task LocalMode_WithoutQdrant_EmbeddingSearchUsesEmbeddedIndex()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false");

        var environment = await app.EnvironmentOfAsync(AspireAiModel.EmbeddingSearchName);

        Assert.False(app.Has(AspireAiModel.QdrantName));
        Assert.Equal("Embedded", environment["EmbeddingSearch__Backend"]);
        Assert.False(string.IsNullOrEmpty(environment["EmbeddingSearch__Embedded__DataDirectory"]));
        Assert.DoesNotContain("ConnectionStrings__qdrant", environment.Keys);
    }

    [Fact]
    public async Task LocalMode_QdrantBinaryConfigured_AddsLocalQdrant()
    {
        var fakeBinary = Path.Combine(Path.GetTempPath(), $"qdrant-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(fakeBinary, "#!/bin/sh\n", TestContext.Current.CancellationToken);
        try
        {
            await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false", $"AspireAi:Local:QdrantPath={fakeBinary}");

            var qdrant = app.Single<LocalQdrantResource>(AspireAiModel.QdrantName);
            var qdrantEnvironment = await app.EnvironmentOfAsync(AspireAiModel.QdrantName);
            var searchEnvironment = await app.EnvironmentOfAsync(AspireAiModel.EmbeddingSearchName);

            Assert.Equal(fakeBinary, qdrant.Command);
            Assert.Contains("QDRANT__SERVICE__API_KEY", qdrantEnvironment.Keys);
            Assert.Contains("QDRANT__SERVICE__GRPC_PORT", qdrantEnvironment.Keys);
            Assert.Contains("QDRANT__SERVICE__HTTP_PORT", qdrantEnvironment.Keys);
            Assert.Equal("{qdrant.connectionString}", searchEnvironment["ConnectionStrings__qdrant"]);
            Assert.Equal("Qdrant", searchEnvironment["EmbeddingSearch__Backend"]);
            Assert.DoesNotContain("EmbeddingSearch__Embedded__DataDirectory", searchEnvironment.Keys);
        }
        finally
        {
            File.Delete(fakeBinary);
        }
    }

    [Fact]
    public async Task ContainerMode_UsesRedisPostgresAndQdrantContainers()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=true");

        app.Single<RedisResource>(AspireAiModel.RedisName);
        app.Single<PostgresServerResource>(AspireAiModel.PostgresName);
        var database = app.Single<PostgresDatabaseResource>(AspireAiModel.BillingDatabaseName);
        Assert.Equal("billing", database.DatabaseName);
        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, resource => resource is GarnetResource or LocalPostgresServerResource);
    }

    [Fact]
    public async Task ContainerMode_QdrantResource_MatchesQdrantIntegrationShape()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=true");

        var qdrant = app.Single<QdrantServerResource>(AspireAiModel.QdrantName);
        var environment = await app.EnvironmentOfAsync(AspireAiModel.QdrantName);
        var searchEnvironment = await app.EnvironmentOfAsync(AspireAiModel.EmbeddingSearchName);
        var endpoints = qdrant.Annotations.OfType<EndpointAnnotation>().ToDictionary(endpoint => endpoint.Name);
        var image = Assert.Single(qdrant.Annotations.OfType<ContainerImageAnnotation>());

        Assert.Equal("qdrant/qdrant", image.Image);
        Assert.Equal(6334, endpoints["grpc"].TargetPort);
        Assert.Equal("http2", endpoints["grpc"].Transport);
        Assert.Equal(6333, endpoints["http"].TargetPort);
        Assert.Contains("QDRANT__SERVICE__API_KEY", environment.Keys);
        Assert.Contains(qdrant.Annotations.OfType<ContainerMountAnnotation>(), mount => mount.Target == "/qdrant/storage");
        Assert.Contains(qdrant.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        Assert.StartsWith("Endpoint=", qdrant.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
        Assert.Contains(";Key=", qdrant.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
        Assert.Equal("{qdrant.connectionString}", searchEnvironment["ConnectionStrings__qdrant"]);
        Assert.Equal("Qdrant", searchEnvironment["EmbeddingSearch__Backend"]);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("true")]
    public async Task BothModes_ServicesGetTheirConnectionStringsAndKeys(string useContainers)
    {
        await using var app = await ModelBuilder.BuildAsync($"AspireAi:UseContainers={useContainers}");

        var billing = await app.EnvironmentOfAsync(AspireAiModel.BillingName);
        var gateway = await app.EnvironmentOfAsync(AspireAiModel.GatewayName);
        var search = await app.EnvironmentOfAsync(AspireAiModel.EmbeddingSearchName);

        Assert.Equal("{billing-db.connectionString}", billing["ConnectionStrings__billing"]);
        Assert.Equal("{billing-admin-key.value}", billing["Billing__AdminKey"]);
        Assert.Equal("{billing-internal-key.value}", billing["Billing__InternalKey"]);
        Assert.Equal("{redis.connectionString}", billing["ConnectionStrings__redis"]);

        Assert.Equal("{redis.connectionString}", gateway["ConnectionStrings__redis"]);
        Assert.Equal("{billing.bindings.http.url}", gateway["BillingClient__BaseAddress"]);
        Assert.Equal("{billing-internal-key.value}", gateway["BillingClient__InternalKey"]);
        Assert.Equal("{embedding-search.bindings.http.url}", gateway["Completion__EmbeddingSearchBaseAddress"]);

        Assert.Equal("{billing.bindings.http.url}", search["BillingClient__BaseAddress"]);
        Assert.Equal("{billing-internal-key.value}", search["BillingClient__InternalKey"]);
    }

    [Fact]
    public async Task NoProviderConfigured_GatewayUsesEmulatorWithKey()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false");

        var gateway = await app.EnvironmentOfAsync(AspireAiModel.GatewayName);
        var emulator = await app.EnvironmentOfAsync(AspireAiModel.EmulatorName);

        Assert.Equal("emulator", gateway["Completion__Upstream__Provider"]);
        Assert.Equal("{provider-emulator.bindings.http.url}/v1", gateway["Completion__Upstream__BaseUrl"]);
        Assert.Equal("{provider-emulator-api-key.value}", gateway["Completion__Upstream__ApiKey"]);
        Assert.Equal("{provider-emulator-api-key.value}", emulator["ProviderEmulator__ApiKey"]);
    }

    [Fact]
    public async Task ProviderKeyConfigured_GatewayUsesOpenAiWithoutEmulator()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false", "Parameters:openai-api-key=sk-test-not-real");

        var gateway = await app.EnvironmentOfAsync(AspireAiModel.GatewayName);

        Assert.False(app.Has(AspireAiModel.EmulatorName));
        Assert.Equal("openai", gateway["Completion__Upstream__Provider"]);
        Assert.Equal("https://api.openai.com/v1", gateway["Completion__Upstream__BaseUrl"]);
        Assert.Equal("{openai-api-key.value}", gateway["Completion__Upstream__ApiKey"]);
    }

    [Fact]
    public async Task DevelopmentKeyFile_SeedsBillingAndWritesKey()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"aspireai-dev-key-{Guid.NewGuid():N}");
        try
        {
            await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false", $"AspireAi:Development:ApiKeyFile={keyFile}");

            var billing = await app.EnvironmentOfAsync(AspireAiModel.BillingName);
            var key = (await File.ReadAllTextAsync(keyFile, TestContext.Current.CancellationToken)).Trim();

            Assert.StartsWith("aai_", key, StringComparison.Ordinal);
            Assert.Equal("development", billing["Billing__Seed__TenantName"]);
            Assert.Equal("{development-api-key.value}", billing["Billing__Seed__ApiKey"]);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task EveryService_HasHttpHealthCheck()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=false");

        foreach (var name in new[] { AspireAiModel.GatewayName, AspireAiModel.BillingName, AspireAiModel.EmbeddingSearchName, AspireAiModel.EmulatorName })
        {
            var project = app.Single<ProjectResource>(name);
            Assert.Contains(project.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        }
    }
}
