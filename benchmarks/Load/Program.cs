using AspireAi.Benchmarks.Load;

var errors = new List<string>();
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 0;
}

var options = LoadOptions.Parse(args, errors);
if (options is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    cancellation.Cancel();
};

try
{
    Directory.CreateDirectory(options.OutDir);
    var benchmark = new LoadBenchmark(options);
    var results = await benchmark.RunAsync(cancellation.Token);
    var targets = LoadReport.CheckTargets(results);
    LoadReport.Write(options.OutDir, results, targets, options.Quick);
    Console.Error.WriteLine($"Wrote {Path.Combine(options.OutDir, "load.md")} and load.json.");

    var failedRuns = results.Runs.Where(run => run.Errors > 0).ToList();
    foreach (var run in failedRuns)
    {
        Console.Error.WriteLine($"{run.Title} at {run.Connections} connections had {run.Errors} failed requests, so its numbers are not valid.");
    }

    return failedRuns.Count == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled, so no results were written.");
    return 130;
}
catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
{
    Console.Error.WriteLine($"Load benchmark failed: {exception.Message}");
    return 1;
}
