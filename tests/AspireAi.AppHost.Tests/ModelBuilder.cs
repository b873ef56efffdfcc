namespace AspireAi.AppHost.Tests;

/// <summary>Builds the AppHost's model with given settings, without starting anything.</summary>
internal static class ModelBuilder
{
    public static async Task<DistributedApplication> BuildAsync(params string[] settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "aspireai-model-tests", Guid.NewGuid().ToString("N"));
        string[] arguments =
        [
            $"AspireAi:Local:DataDirectory={dataDirectory}",
            "AspireAi:Development:ApiKeyFile=",
            .. settings,
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments, TestContext.Current.CancellationToken);
        return builder.Build();
    }

    public static T Single<T>(this DistributedApplication app, string name)
        where T : IResource
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = Assert.Single(model.Resources, resource => resource.Name == name);
        return Assert.IsAssignableFrom<T>(resource);
    }

    public static bool Has(this DistributedApplication app, string name) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(resource => resource.Name == name);

    public static async Task<Dictionary<string, string>> EnvironmentOfAsync(this DistributedApplication app, string name)
    {
        var resource = app.Single<IResourceWithEnvironment>(name);

        // Publish mode renders references as manifest expressions such as {redis.connectionString},
        // which is what a model test checks. Aspire 13.6 marks this helper obsolete in favour of
        // ExecutionConfigurationBuilder, which needs allocated endpoints and so a started app.
#pragma warning disable CS0618
        return await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
    }
}
