using System.Globalization;
using AspireAi.Ingest.Upload;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Ingest;

/// <summary>What the command was asked to do.</summary>
/// <param name="Folder">The folder to ingest.</param>
/// <param name="Collection">The collection to fill; created when it does not exist.</param>
/// <param name="GatewayUrl">The gateway's base address.</param>
/// <param name="BatchSize">The documents per upsert request.</param>
/// <param name="Retry">The attempts, timeout and waits of each request.</param>
/// <param name="DryRun">Read and count the documents without uploading them.</param>
/// <param name="ShowHelp">Print the help and do nothing else.</param>
internal sealed record IngestSettings(
    string Folder,
    string Collection,
    Uri GatewayUrl,
    int BatchSize,
    RetrySettings Retry,
    bool DryRun,
    bool ShowHelp);

/// <summary>Parses the command line; options take <c>--name value</c> or <c>--name=value</c>.</summary>
internal static class CommandLine
{
    public const string DefaultGatewayUrl = "http://localhost:5080";
    public const int DefaultBatchSize = 64;
    public const int DefaultMaxAttempts = 5;
    public const int MaxAttemptsLimit = 20;
    public const int DefaultTimeoutSeconds = 120;
    public const int MaxTimeoutSeconds = 3600;

    private const int MaxCollectionNameLength = 64;
    private static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    public static string HelpText { get; } = string.Join(
        Environment.NewLine,
        "Usage: dotnet run --project tools/Ingest -- <folder> [options]",
        "       AspireAi.Ingest <folder> [options]   (the built program)",
        string.Empty,
        "Uploads the .txt, .md and .xml files under <folder> and its subfolders to an AspireAi collection",
        "through the gateway. A text or Markdown file becomes one document whose id is its path under",
        "<folder>; a file over 32,000 characters is split at line breaks into documents <path>#part-<n>.",
        "A .NET XML documentation file becomes one document per documented member, whose id is the member",
        "id (for example M:System.String.Trim). Other XML files, empty files and names starting with '.'",
        "are skipped. The service splits long documents into chunks and embeds them.",
        string.Empty,
        "Running the command again replaces documents with the same id. Documents of files that were",
        "deleted from <folder> stay in the collection.",
        string.Empty,
        "Options:",
        "  --collection <name>     Collection to fill, created when missing: 1-64 letters, digits, '-', '_'",
        "                          or '.'. Default: the folder's name with other characters replaced by '-'.",
        "  --gateway-url <url>     Gateway base address. Default: " + DefaultGatewayUrl,
        string.Create(CultureInfo.InvariantCulture, $"  --batch-size <n>        Documents per upload request, 1-{Ingester.MaxBatchSize}. Default: {DefaultBatchSize}"),
        string.Create(CultureInfo.InvariantCulture, $"  --max-attempts <n>      Attempts per request, the first included, 1-{MaxAttemptsLimit}. Requests are retried"),
        string.Create(CultureInfo.InvariantCulture, $"                          after HTTP 408, 429 and 5xx, network errors and timeouts. Default: {DefaultMaxAttempts}"),
        string.Create(CultureInfo.InvariantCulture, $"  --timeout <seconds>     Time one attempt may take, 1-{MaxTimeoutSeconds}. Default: {DefaultTimeoutSeconds}"),
        "  --dry-run               Read the files and count the documents without uploading anything.",
        "  -h, --help              Show this help.",
        string.Empty,
        "Retries wait for the server's Retry-After, or else 1 s doubled per attempt, at most 30 s.",
        "The API key comes from " + ApiKeyLocator.EnvironmentVariable + ", or else from the " + ApiKeyLocator.KeyFileRelativePath,
        "file that the AppHost writes in Development, looked up from the current folder upwards.",
        string.Empty,
        "Exit codes: 0 when every document was stored, 1 when some failed or the run stopped early,",
        "2 for invalid arguments or a missing API key.");

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="error">What is wrong with the arguments and how to fix it, when parsing fails.</param>
    /// <returns>The settings, or <see langword="null"/> when <paramref name="error"/> is set.</returns>
    public static IngestSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);

        error = null;
        string? folder = null;
        string? collection = null;
        var gatewayText = DefaultGatewayUrl;
        var batchSize = DefaultBatchSize;
        var maxAttempts = DefaultMaxAttempts;
        var timeoutSeconds = DefaultTimeoutSeconds;
        var dryRun = false;

        for (var index = 0; index < args.Count; index++)
        {
            var argument = args[index];
            if (!argument.StartsWith('-'))
            {
                if (folder is not null)
                {
                    error = $"Only one folder can be ingested per run, but both '{folder}' and '{argument}' were given.";
                    return null;
                }

                folder = argument;
                continue;
            }

            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? argument[..separator] : argument;
            var inlineValue = separator > 0 ? argument[(separator + 1)..] : null;
            switch (name)
            {
                case "-h" or "--help":
                    return new IngestSettings(folder ?? ".", collection ?? "docs", new Uri(DefaultGatewayUrl), batchSize, DefaultRetry(maxAttempts, timeoutSeconds), dryRun, ShowHelp: true);
                case "--dry-run":
                    dryRun = true;
                    continue;
                case "--collection" or "--gateway-url" or "--batch-size" or "--max-attempts" or "--timeout":
                    break;
                default:
                    error = $"Unknown option '{argument}'. Run with --help to list the options.";
                    return null;
            }

            var value = inlineValue;
            if (value is null)
            {
                if (index + 1 >= args.Count)
                {
                    error = $"The option {name} needs a value. Run with --help to see its format.";
                    return null;
                }

                value = args[++index];
            }

            switch (name)
            {
                case "--collection":
                    collection = value;
                    break;
                case "--gateway-url":
                    gatewayText = value;
                    break;
                case "--batch-size" when !TryParseInRange(value, 1, Ingester.MaxBatchSize, out batchSize):
                    error = string.Create(CultureInfo.InvariantCulture, $"--batch-size is '{value}', but it must be a whole number from 1 to {Ingester.MaxBatchSize}.");
                    return null;
                case "--max-attempts" when !TryParseInRange(value, 1, MaxAttemptsLimit, out maxAttempts):
                    error = string.Create(CultureInfo.InvariantCulture, $"--max-attempts is '{value}', but it must be a whole number from 1 to {MaxAttemptsLimit}.");
                    return null;
                case "--timeout" when !TryParseInRange(value, 1, MaxTimeoutSeconds, out timeoutSeconds):
                    error = string.Create(CultureInfo.InvariantCulture, $"--timeout is '{value}', but it must be a whole number of seconds from 1 to {MaxTimeoutSeconds}.");
                    return null;
            }
        }

        if (folder is null)
        {
            error = "The folder to ingest is missing. Pass it as the first argument, for example 'dotnet run --project tools/Ingest -- ./docs'. Run with --help for the options.";
            return null;
        }

        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gatewayUrl) || gatewayUrl.Scheme is not ("http" or "https"))
        {
            error = $"--gateway-url is '{gatewayText}', but it must be an absolute http or https address such as {DefaultGatewayUrl}.";
            return null;
        }

        collection ??= DefaultCollectionName(folder);
        if (CheckCollectionName(collection) is { } collectionProblem)
        {
            error = collectionProblem;
            return null;
        }

        return new IngestSettings(folder, collection, gatewayUrl, batchSize, DefaultRetry(maxAttempts, timeoutSeconds), dryRun, ShowHelp: false);
    }

    /// <summary>Derives a collection name from the folder's name: characters other than letters, digits, '-', '_' and '.' become '-'.</summary>
    public static string DefaultCollectionName(string folder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        var characters = name.Select(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' ? character : '-').ToArray();
        var cleaned = new string(characters).Trim('-');
        if (cleaned.Length > MaxCollectionNameLength)
        {
            cleaned = cleaned[..MaxCollectionNameLength];
        }

        return cleaned.Length > 0 ? cleaned : "docs";
    }

    private static string? CheckCollectionName(string name)
    {
        if (name.Length is 0 or > MaxCollectionNameLength || !name.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.'))
        {
            return $"--collection is '{name}', but a collection name must be 1-64 ASCII letters, digits, '-', '_' or '.'.";
        }

        return null;
    }

    private static bool TryParseInRange(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static RetrySettings DefaultRetry(int maxAttempts, int timeoutSeconds) =>
        new(maxAttempts, TimeSpan.FromSeconds(timeoutSeconds), InitialRetryDelay, MaxRetryDelay);
}
