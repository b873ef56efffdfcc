using AspireAi.ProviderEmulator.Authentication;
using AspireAi.ProviderEmulator.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.ProviderEmulator.Models;

/// <summary>Maps OpenAI's model routes over the configured model list.</summary>
public static class ModelEndpoints
{
    // Fixed rather than the start time, so that the same configuration always returns the same body.
    private const long ModelCreatedUnixSeconds = 1_704_067_200; // 2024-01-01T00:00:00Z

    private const string OwnedBy = "aspireai-provider-emulator";

    /// <summary>Maps <c>GET /v1/models</c> and <c>GET /v1/models/{model}</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var group = app.MapGroup("/v1/models")
            .WithTags("Models")
            .RequireEmulatorApiKey();

        group.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("Lists the models that the emulator serves.");
        group.MapGet("/{model}", GetModel)
            .WithName("GetModel")
            .WithSummary("Returns one model, or 404 model_not_found.");

        return group;
    }

    private static Ok<ModelList> ListModels(ModelCatalog catalog) =>
        TypedResults.Ok(new ModelList(catalog.Models.Select(ToModelInfo).ToList()));

    private static Results<Ok<ModelInfo>, JsonHttpResult<OpenAiErrorResponse>> GetModel(
        string model, ModelCatalog catalog, HttpRequest request, ILoggerFactory loggerFactory)
    {
        if (!catalog.Contains(model))
        {
            return OpenAiProblem.ModelNotFound(model, catalog.Models).ToLoggedResult(request, loggerFactory.CreateLogger(typeof(ModelEndpoints)));
        }

        return TypedResults.Ok(ToModelInfo(model));
    }

    private static ModelInfo ToModelInfo(string id) => new(id, ModelCreatedUnixSeconds, OwnedBy);
}
