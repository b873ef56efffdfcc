using BenchmarkDotNet.Loggers;

namespace AspireAi.Benchmarks.Micro;

/// <summary>Writes BenchmarkDotNet's progress to standard error, where every program of the benchmark suite reports progress.</summary>
internal sealed class StderrLogger : ILogger
{
    public string Id => nameof(StderrLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => Console.Error.Write(text);

    public void WriteLine() => Console.Error.WriteLine();

    public void WriteLine(LogKind logKind, string text) => Console.Error.WriteLine(text);

    public void Flush() => Console.Error.Flush();
}
