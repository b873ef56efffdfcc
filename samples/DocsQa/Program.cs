using AspireAi.Samples.DocsQa;
using AspireAi.Samples.DocsQa.Gateway;

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

var apiKey = ApiKeyLocator.Find(Environment.GetEnvironmentVariable(ApiKeyLocator.EnvironmentVariable), Environment.CurrentDirectory);
if (apiKey is null)
{
    Console.Error.WriteLine(ApiKeyLocator.MissingKeyMessage(Environment.CurrentDirectory));
    return 1;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    cancellation.Cancel();
};

try
{
    await new DocsQaRun(settings, apiKey, Console.Out).RunAsync(cancellation.Token);
    return 0;
}
catch (DocsQaException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 1;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled. The collection keeps the documents uploaded so far, and the next run uploads the rest.");
    return 130;
}
