using AspireAi.EmbeddingSearch.Tests.Storage;

namespace AspireAi.EmbeddingSearch.Tests;

/// <summary>
/// The test program's entry point: the xunit.v3 runners, as the generated entry point would call
/// them, plus the <c>crash-writer</c> mode that the crash test starts as a child process to kill.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is [CrashWriter.Command, ..])
        {
            return CrashWriter.Run(args[1..]);
        }

        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }

        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
