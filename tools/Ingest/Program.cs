using AspireAi.Ingest;
using AspireAi.Ingest.Upload;
using AspireAi.Samples.DocsQa.Gateway;
using Spectre.Console;

var settings = CommandLine.Parse(args, out var error);
if (settings is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

if (settings.ShowHelp)
{
    Console.WriteLine(CommandLine.HelpText);
    return 0;
}

if (!Directory.Exists(settings.Folder))
{
    Console.Error.WriteLine($"The folder '{Path.GetFullPath(settings.Folder)}' does not exist. Pass an existing folder as the first argument.");
    return 2;
}

var apiKey = ApiKeyLocator.Find(Environment.GetEnvironmentVariable(ApiKeyLocator.EnvironmentVariable), Environment.CurrentDirectory);
if (apiKey is null && !settings.DryRun)
{
    Console.Error.WriteLine(ApiKeyLocator.MissingKeyMessage(Environment.CurrentDirectory));
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    cancellation.Cancel();
};

using var http = GatewayClient.CreateHttpClient(settings.GatewayUrl, apiKey?.Key ?? string.Empty);
var client = new GatewayClient(http, settings.Retry, Task.Delay);
AnsiConsole.MarkupLine(settings.DryRun
    ? $"Reading [bold]{Markup.Escape(Path.GetFullPath(settings.Folder))}[/] (dry run)"
    : $"Ingesting [bold]{Markup.Escape(Path.GetFullPath(settings.Folder))}[/] into '{Markup.Escape(settings.Collection)}' at {Markup.Escape(settings.GatewayUrl.ToString())} with the key from {Markup.Escape(apiKey!.Source)}");

IngestSummary summary;
try
{
    summary = await AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
        .StartAsync(async context =>
        {
            var readTask = context.AddTask("Reading files");
            var uploadTask = context.AddTask("Uploading documents", autoStart: !settings.DryRun);
            var summary = await new Ingester(client, new ConsoleReport(readTask, uploadTask))
                .RunAsync(settings.Folder, settings.Collection, settings.BatchSize, settings.DryRun, cancellation.Token);
            readTask.StopTask();
            uploadTask.StopTask();
            return summary;
        });
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled. Documents uploaded before the cancellation stay stored; run the command again to upload the rest.");
    return 1;
}

ConsoleReport.PrintSummary(AnsiConsole.Console, summary, settings.Collection, settings.DryRun);
return summary.Failures.Count == 0 && summary.AbortReason is null ? 0 : 1;
