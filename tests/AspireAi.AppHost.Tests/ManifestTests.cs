using System.Text.Json.Nodes;
using AspireAi.AppHost.Hosting;
using static AspireAi.AppHost.Tests.PublishedManifest;

#pragma warning disable ASPIREPROBES001 // ProbeAnnotation and ProbeType are marked for evaluation in Aspire 13.6.

namespace AspireAi.AppHost.Tests;

/// <summary>
/// Runs the AppHost the way azd does (<c>--publisher manifest</c>) in a child process and checks the
/// Aspire manifest it writes.
/// </summary>
public class ManifestTests
{
    private static readonly string[] Services =
    [
        AspireAiModel.GatewayName,
        AspireAiModel.BillingName,
        AspireAiModel.EmbeddingSearchName,
        AspireAiModel.EmulatorName,
    ];

    [Fact]
    public async Task Manifest_ContainsEveryServiceAndDataStore()
    {
        var manifest = await PublishManifestAsync();

        foreach (var service in Services)
        {
            Assert.Equal("project.v0", TypeOf(manifest, service));
        }

        Assert.Equal("container.v0", TypeOf(manifest, AspireAiModel.RedisName));
        Assert.Equal("container.v0", TypeOf(manifest, AspireAiModel.PostgresName));
        Assert.Equal("container.v0", TypeOf(manifest, AspireAiModel.QdrantName));
        Assert.Equal("value.v0", TypeOf(manifest, AspireAiModel.BillingDatabaseName));
        Assert.StartsWith("docker.io/library/redis:", Resource(manifest, AspireAiModel.RedisName)["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/postgres:", Resource(manifest, AspireAiModel.PostgresName)["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("docker.io/qdrant/qdrant:", Resource(manifest, AspireAiModel.QdrantName)["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_NeverUsesLocalProgramsOrDevelopmentSeed()
    {
        var manifest = await PublishManifestAsync();

        var resources = manifest["resources"]!.AsObject();
        Assert.DoesNotContain(resources, resource => TypeOf(manifest, resource.Key) == "executable.v0");
        Assert.DoesNotContain("development-api-key", resources.Select(resource => resource.Key));
        Assert.DoesNotContain("Billing__Seed__ApiKey", EnvironmentOf(manifest, AspireAiModel.BillingName).Select(variable => variable.Key));
        Assert.Null(Resource(manifest, AspireAiModel.PostgresName)["volumes"]);
        Assert.Null(Resource(manifest, AspireAiModel.QdrantName)["volumes"]);
    }

    [Fact]
    public async Task Manifest_SecretsAreSecretParameters()
    {
        var manifest = await PublishManifestAsync();

        string[] secrets = ["billing-admin-key", "billing-internal-key", "provider-emulator-api-key", "qdrant-api-key", "redis-password", "postgres-password"];
        foreach (var name in secrets)
        {
            var parameter = Resource(manifest, name);
            var input = parameter["inputs"]!["value"]!;

            Assert.Equal("parameter.v0", TypeOf(manifest, name));
            Assert.True(input["secret"]!.GetValue<bool>(), $"Parameter {name} is not marked secret.");
            Assert.Null(input["default"]?["value"]);
        }

        var billing = EnvironmentOf(manifest, AspireAiModel.BillingName);
        var gateway = EnvironmentOf(manifest, AspireAiModel.GatewayName);
        var search = EnvironmentOf(manifest, AspireAiModel.EmbeddingSearchName);
        var emulator = EnvironmentOf(manifest, AspireAiModel.EmulatorName);
        Assert.Equal("{billing-admin-key.value}", billing["Billing__AdminKey"]);
        Assert.Equal("{billing-internal-key.value}", billing["Billing__InternalKey"]);
        Assert.Equal("{billing-internal-key.value}", gateway["BillingClient__InternalKey"]);
        Assert.Equal("{billing-internal-key.value}", search["BillingClient__InternalKey"]);
        Assert.Equal("{provider-emulator-api-key.value}", gateway["Completion__Upstream__ApiKey"]);
        Assert.Equal("{provider-emulator-api-key.value}", emulator["ProviderEmulator__ApiKey"]);
        Assert.Equal("{qdrant-api-key.value}", EnvironmentOf(manifest, AspireAiModel.QdrantName)["QDRANT__SERVICE__API_KEY"]);
        Assert.Equal("{redis-password.value}", EnvironmentOf(manifest, AspireAiModel.RedisName)["REDIS_PASSWORD"]);
        Assert.Equal("{postgres-password.value}", EnvironmentOf(manifest, AspireAiModel.PostgresName)["POSTGRES_PASSWORD"]);
    }

    [Fact]
    public async Task Manifest_ProviderKey_IsSecretParameter()
    {
        const string ProviderKey = "sk-manifest-test-literal-0123456789";

        var manifest = await PublishManifestAsync(("Parameters__openai-api-key", ProviderKey));

        var gateway = EnvironmentOf(manifest, AspireAiModel.GatewayName);
        var input = Resource(manifest, "openai-api-key")["inputs"]!["value"]!;
        Assert.DoesNotContain(ProviderKey, manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("{openai-api-key.value}", gateway["Completion__Upstream__ApiKey"]);
        Assert.Equal("openai", gateway["Completion__Upstream__Provider"]);
        Assert.True(input["secret"]!.GetValue<bool>());
        Assert.Null(manifest["resources"]![AspireAiModel.EmulatorName]);
    }

    [Fact]
    public async Task Manifest_OnlyGatewayIsExternal()
    {
        var manifest = await PublishManifestAsync();

        var gatewayHttp = Binding(manifest, AspireAiModel.GatewayName, "http");
        Assert.True(gatewayHttp["external"]?.GetValue<bool>(), "The gateway's http binding is not external.");
        Assert.Null(gatewayHttp["port"]);

        var resources = manifest["resources"]!.AsObject();
        foreach (var (name, resource) in resources.Where(resource => resource.Key != AspireAiModel.GatewayName))
        {
            foreach (var (bindingName, binding) in resource!["bindings"]?.AsObject() ?? [])
            {
                Assert.False(binding!["external"]?.GetValue<bool>() ?? false, $"Binding {name}.{bindingName} is external.");
            }
        }
    }

    [Fact]
    public async Task Manifest_EachServiceHasTheBindingsItNeeds()
    {
        var manifest = await PublishManifestAsync();

        foreach (var service in Services)
        {
            var http = Binding(manifest, service, "http");
            Assert.Equal("http", http["scheme"]!.GetValue<string>());
            Assert.Equal($"{{{service}.bindings.http.targetPort}}", EnvironmentOf(manifest, service)["HTTP_PORTS"]);
        }

        Assert.Equal(6379, Binding(manifest, AspireAiModel.RedisName, "tcp")["targetPort"]!.GetValue<int>());
        Assert.Equal(5432, Binding(manifest, AspireAiModel.PostgresName, "tcp")["targetPort"]!.GetValue<int>());
        Assert.Equal(6334, Binding(manifest, AspireAiModel.QdrantName, "grpc")["targetPort"]!.GetValue<int>());
        Assert.Equal("http2", Binding(manifest, AspireAiModel.QdrantName, "grpc")["transport"]!.GetValue<string>());
        Assert.Equal(6333, Binding(manifest, AspireAiModel.QdrantName, "http")["targetPort"]!.GetValue<int>());

        var billing = EnvironmentOf(manifest, AspireAiModel.BillingName);
        var gateway = EnvironmentOf(manifest, AspireAiModel.GatewayName);
        var search = EnvironmentOf(manifest, AspireAiModel.EmbeddingSearchName);
        Assert.Equal("{billing-db.connectionString}", billing["ConnectionStrings__billing"]);
        Assert.Equal("{postgres.connectionString};Database=billing", Resource(manifest, AspireAiModel.BillingDatabaseName)["connectionString"]!.GetValue<string>());
        Assert.Equal("{redis.connectionString}", gateway["ConnectionStrings__redis"]);
        Assert.Equal("{billing.bindings.http.url}", gateway["BillingClient__BaseAddress"]);
        Assert.Equal("{embedding-search.bindings.http.url}", gateway["Completion__EmbeddingSearchBaseAddress"]);
        Assert.Equal("{provider-emulator.bindings.http.url}/v1", gateway["Completion__Upstream__BaseUrl"]);
        Assert.Equal("{billing.bindings.http.url}", search["BillingClient__BaseAddress"]);
        Assert.Equal("{qdrant.connectionString}", search["ConnectionStrings__qdrant"]);
    }

    [Fact]
    public async Task PublishMode_AddsProbesAndReplicas()
    {
        // The v0 manifest has no field for probes or replicas, so this test reads them from the model
        // that the AppHost builds in publish mode.
        await using var app = await ModelBuilder.BuildAsync("--publisher", "manifest", "--output-path", OutputDirectory());

        foreach (var service in Services)
        {
            var probes = app.Single<ProjectResource>(service).Annotations.OfType<EndpointProbeAnnotation>().ToList();
            Assert.Contains(probes, probe => probe.Type == ProbeType.Liveness && probe.Path == "/alive");
            Assert.Contains(probes, probe => probe.Type == ProbeType.Readiness && probe.Path == "/health");
        }

        Assert.Equal(PublishModeExtensions.StatelessReplicas, app.Single<ProjectResource>(AspireAiModel.GatewayName).GetReplicaCount());
        Assert.Equal(PublishModeExtensions.StatelessReplicas, app.Single<ProjectResource>(AspireAiModel.BillingName).GetReplicaCount());
        Assert.Equal(1, app.Single<ProjectResource>(AspireAiModel.EmbeddingSearchName).GetReplicaCount());
    }

    [Fact]
    public async Task RunMode_ServicesHaveNoProbesOrReplicas()
    {
        await using var app = await ModelBuilder.BuildAsync("AspireAi:UseContainers=true");

        foreach (var service in Services)
        {
            var project = app.Single<ProjectResource>(service);
            Assert.Empty(project.Annotations.OfType<ProbeAnnotation>());
            Assert.Equal(1, project.GetReplicaCount());
        }
    }
}
