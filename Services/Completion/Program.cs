using AspireAi.Completion.Anthropic;
using AspireAi.Completion.Batch;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Forwarding;
using AspireAi.Completion.Jobs;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.AddCompletionServices();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapChatCompletionEndpoints();
app.MapMessageEndpoints();
app.MapModelEndpoints();
app.MapBatchEndpoints();
app.MapJobEndpoints();
app.MapForwardedEndpoints();

app.Run();

/// <summary>The gateway's entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
