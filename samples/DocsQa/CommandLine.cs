using System.Globalization;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.DocsQa;

/// <summary>Parses the command line into <see cref="DocsQaSettings"/>; options take <c>--name value</c> or <c>--name=value</c>.</summary>
internal static class CommandLine
{
    public static string HelpText { get; } = string.Join(
        Environment.NewLine,
        "Usage: dotnet run --project samples/DocsQa -- [options]",
        string.Empty,
        "Ingests the .NET SDK's API reference into an AspireAi collection, then answers questions with",
        "passages found by similarity search and a chat completion through the AspireAi gateway.",
        string.Empty,
        "Options:",
        "  --gateway-url <url>     Gateway base address. Default: " + DocsQaSettings.DefaultGatewayUrl,
        "  --model <name>          Chat model for the answers. Default: " + DocsQaSettings.DefaultModel,
        "  --collection <name>     Collection to fill and search (1-64 letters, digits, '-', '_', '.').",
        "                          Default: dotnet-api-<pack version>-<hash of the assemblies and cap>.",
        "  --assemblies <a,b,...>  Assemblies whose documentation files are ingested.",
        "                          Default: " + string.Join(',', DocsQaSettings.DefaultAssemblies),
        "  --all-assemblies        Ingest every documentation file in the reference pack.",
        "  --max-documents <n>     Ingest at most n documents, in file order. Default: no cap.",
        string.Create(CultureInfo.InvariantCulture, $"  --batch-size <n>        Documents per upload request, 1-{DocsQaSettings.MaxBatchSize}. Default: {DocsQaSettings.DefaultBatchSize}"),
        string.Create(CultureInfo.InvariantCulture, $"  --passages <n>          Passages retrieved per question, 1-{DocsQaSettings.MaxPassages}. Default: {DocsQaSettings.DefaultPassages}"),
        "  --question <text>       A question to ask; repeat it for several. Replaces the built-in questions.",
        "  --reingest              Upload the documents even when the collection already contains them.",
        "  -h, --help              Show this help.",
        string.Empty,
        "The API key comes from " + ApiKeyLocator.EnvironmentVariable + ", or else from the " + ApiKeyLocator.KeyFileRelativePath,
        "file that the AppHost writes in Development, looked up from the current folder upwards.");

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="error">The problem with the arguments and how to fix it, when parsing fails.</param>
    /// <returns>The settings, or <see langword="null"/> when <paramref name="error"/> is set.</returns>
    public static DocsQaSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        var settings = new DocsQaSettings();
        var questions = new List<string>();
        error = null;

        for (var index = 0; index < args.Count; index++)
        {
            var (name, inlineValue) = SplitOption(args[index]);
            switch (name)
            {
                case "-h" or "--help":
                    return settings with { ShowHelp = true };
                case "--all-assemblies":
                    settings = settings with { AllAssemblies = true };
                    continue;
                case "--reingest":
                    settings = settings with { Reingest = true };
                    continue;
                case "--gateway-url" or "--model" or "--collection" or "--assemblies" or "--max-documents" or "--batch-size" or "--passages" or "--question":
                    break;
                default:
                    error = $"Unknown option '{args[index]}'. Run with --help to list the options.";
                    return null;
            }

            var value = inlineValue;
            if (value is null)
            {
                if (index + 1 >= args.Count)
                {
                    error = $"{name} needs a value. Run with --help to see what it takes.";
                    return null;
                }

                value = args[++index];
            }

            settings = Apply(settings, name, value, questions, out error);
            if (error is not null)
            {
                return null;
            }
        }

        return questions.Count > 0 ? settings with { Questions = questions } : settings;
    }

    private static (string Name, string? Value) SplitOption(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 2
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }

    private static DocsQaSettings Apply(DocsQaSettings settings, string name, string value, List<string> questions, out string? error)
    {
        error = null;
        switch (name)
        {
            case "--gateway-url":
                if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    error = $"--gateway-url '{value}' is not an absolute http or https address. Pass one such as {DocsQaSettings.DefaultGatewayUrl}.";
                    return settings;
                }

                // A trailing slash keeps relative request paths under the base address's path.
                return settings with { GatewayUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/") };

            case "--model":
                return RequireText(settings with { Model = value.Trim() }, name, value, out error);

            case "--collection":
                error = CheckCollectionName(value);
                return settings with { Collection = value };

            case "--assemblies":
                var assemblies = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (assemblies.Length == 0)
                {
                    error = "--assemblies is empty. Pass comma-separated names such as System.Runtime,System.Linq, or use --all-assemblies.";
                }

                return settings with { Assemblies = assemblies.Distinct(StringComparer.Ordinal).ToList() };

            case "--max-documents":
                return settings with { MaxDocuments = ParseCount(name, value, 1, int.MaxValue, out error) };

            case "--batch-size":
                return settings with { BatchSize = ParseCount(name, value, 1, DocsQaSettings.MaxBatchSize, out error) };

            case "--passages":
                return settings with { Passages = ParseCount(name, value, 1, DocsQaSettings.MaxPassages, out error) };

            default:
                questions.Add(value.Trim());
                return RequireText(settings, name, value, out error);
        }
    }

    private static DocsQaSettings RequireText(DocsQaSettings settings, string name, string value, out string? error)
    {
        error = string.IsNullOrWhiteSpace(value) ? $"{name} is empty. Pass a non-empty value." : null;
        return settings;
    }

    private static int ParseCount(string name, string value, int min, int max, out string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= min && count <= max)
        {
            error = null;
            return count;
        }

        error = string.Create(CultureInfo.InvariantCulture, $"{name} is '{value}', but it must be a whole number from {min} to {max}.");
        return 0;
    }

    private static string? CheckCollectionName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--collection '{name}' has {name.Length} characters, but a collection name has 1 to 64.");
        }

        var invalid = name.FirstOrDefault(character => !char.IsAsciiLetterOrDigit(character) && character is not ('-' or '_' or '.'));
        return invalid == default
            ? null
            : $"--collection '{name}' contains '{invalid}'. Use only letters, digits, '-', '_' and '.'.";
    }
}
