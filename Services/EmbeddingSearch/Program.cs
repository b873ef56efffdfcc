using AspireAi.EmbeddingSearch.Collections;
using AspireAi.EmbeddingSearch.Embeddings;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddBillingClient();
builder.AddEmbeddingSearchServices();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapInternalEmbeddingsEndpoints();

var api = app.MapGroup("/v1").RequireAuthorization();
api.MapEmbeddingsEndpoints();
api.MapCollectionEndpoints();
api.MapDocumentEndpoints();
api.MapSearchEndpoints();

app.Run();

/// <summary>The entry point, public so integration tests can start the service in process.</summary>
public partial class Program;
