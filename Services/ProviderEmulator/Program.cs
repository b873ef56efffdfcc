using AspireAi.ProviderEmulator;
using AspireAi.ProviderEmulator.Anthropic;
using AspireAi.ProviderEmulator.Azure;
using AspireAi.ProviderEmulator.Chat;
using AspireAi.ProviderEmulator.Embeddings;
using AspireAi.ProviderEmulator.Models;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProviderEmulatorServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapChatCompletionEndpoints();
app.MapMessageEndpoints();
app.MapEmbeddingEndpoints();
app.MapModelEndpoints();
app.MapAzureOpenAiEndpoints();

app.Run();
