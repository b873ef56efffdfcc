namespace AspireAi.Samples.DocsQa;

/// <summary>The settings of one run, from the command line.</summary>
internal sealed record DocsQaSettings
{
    /// <summary>The default gateway address, the AppHost's fixed development port.</summary>
    public static readonly Uri DefaultGatewayUrl = new("http://localhost:5080/");

    /// <summary>
    /// The assemblies ingested by default: enough to answer the default questions. System.Runtime comes
    /// last because it is the largest, so a --max-documents cap cuts it rather than the small ones.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultAssemblies =
    [
        "System.IO.Compression",
        "System.Text.Json",
        "System.Net.Http",
        "System.Collections",
        "System.Linq",
        "System.Runtime",
    ];

    /// <summary>The questions asked when the command line names none.</summary>
    public static readonly IReadOnlyList<string> DefaultQuestions =
    [
        "How do I parse a date from a string?",
        "How do I compress a stream with gzip?",
        "How do I serialize an object to a JSON string?",
        "How do I send an HTTP GET request and read the response body as a string?",
        "How do I sort a list with my own comparison?",
        "How do I group the items of a sequence by a key?",
    ];

    public const string DefaultModel = "gpt-4o-mini";

    public const int DefaultBatchSize = 32;

    public const int MaxBatchSize = 256;

    public const int DefaultPassages = 4;

    public const int MaxPassages = 20;

    public Uri GatewayUrl { get; init; } = DefaultGatewayUrl;

    public string Model { get; init; } = DefaultModel;

    /// <summary>The collection name; <see langword="null"/> derives one from the pack version and the selection.</summary>
    public string? Collection { get; init; }

    public IReadOnlyList<string> Assemblies { get; init; } = DefaultAssemblies;

    public bool AllAssemblies { get; init; }

    /// <summary>The cap on documents to ingest; <see langword="null"/> ingests every documented member.</summary>
    public int? MaxDocuments { get; init; }

    public int BatchSize { get; init; } = DefaultBatchSize;

    public int Passages { get; init; } = DefaultPassages;

    public IReadOnlyList<string> Questions { get; init; } = DefaultQuestions;

    public bool Reingest { get; init; }

    public bool ShowHelp { get; init; }
}
