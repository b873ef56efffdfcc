using AspireAi.Completion.Chat;
using AspireAi.Completion.Forwarding;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.AddCompletionServices();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapChatCompletionEndpoints();
app.MapModelEndpoints();
app.MapForwardedEndpoints();

app.Run();

/// <summary>The gateway's entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
