using AspireAi.ProviderEmulator;
using AspireAi.ProviderEmulator.Chat;
using AspireAi.ProviderEmulator.Embeddings;
using AspireAi.ProviderEmulator.Models;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProviderEmulatorServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapChatCompletionEndpoints();
app.MapEmbeddingEndpoints();
app.MapModelEndpoints();

app.Run();
