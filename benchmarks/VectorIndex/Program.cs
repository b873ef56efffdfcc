using System.Globalization;
using AspireAi.Benchmarks.VectorIndex;

// Measures the embedded index's two engines, exact search and the HNSW graph, through
// EmbeddedVectorStore itself (its log, fsync and locks included) on random unit vectors of 384
// dimensions, and writes vector-index.json and vector-index.md to --out-dir.
BenchmarkArguments arguments;
try
{
    arguments = BenchmarkArguments.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchmarkArguments.Usage);
    return 2;
}

if (arguments.ShowHelp)
{
    Console.Error.WriteLine(BenchmarkArguments.Usage);
    return 0;
}

var machine = MachineDescription.Read();
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vector-index: {machine.Cores} cores, load average {machine.LoadAverage}, sizes {string.Join(", ", arguments.Sizes)}"));

var results = new List<ScenarioResult>();
foreach (var size in arguments.Sizes)
{
    foreach (var distribution in arguments.Distributions)
    {
        results.AddRange(await Scenario.RunAsync(size, distribution, arguments));
    }
}

Directory.CreateDirectory(arguments.OutputDirectory);
await Report.WriteAsync(arguments, machine, results);
Console.Error.WriteLine($"vector-index: wrote {Path.Combine(arguments.OutputDirectory, Report.JsonFileName)} and {Report.MarkdownFileName}");
return 0;
