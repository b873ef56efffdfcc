using AspireAi.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

try
{
    AspireAiModel.Add(builder);
}
catch (Exception exception) when (exception is PrerequisiteMissingException or InvalidOperationException)
{
    Console.Error.WriteLine($"AspireAi cannot start: {exception.Message}");
    return 1;
}

builder.Build().Run();
return 0;
