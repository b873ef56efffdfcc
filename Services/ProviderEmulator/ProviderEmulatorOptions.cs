using AspireAi.ProviderEmulator.Faults;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator;

/// <summary>Settings of the ProviderEmulator, the offline OpenAI-compatible upstream for development and tests.</summary>
public sealed class ProviderEmulatorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ProviderEmulator";

    /// <summary>The largest embedding size that a request's <c>dimensions</c> may ask for, as text-embedding-3-large returns.</summary>
    public const int MaxEmbeddingDimensions = 3072;

    /// <summary>The models served when <see cref="Models"/> is not configured.</summary>
    public static IReadOnlyList<string> DefaultModels { get; } =
    [
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "text-embedding-3-small",
        "text-embedding-3-large",
        "claude-sonnet-4",
        "claude-3-5-haiku",
    ];

    /// <summary>
    /// Model ids that the emulator serves on every route; a request for any other model gets a 404
    /// <c>model_not_found</c>. Left empty, it is filled with <see cref="DefaultModels"/>.
    /// </summary>
    public List<string> Models { get; set; } = [];

    /// <summary>
    /// The bearer key that requests must present. When unset, any non-empty bearer key is accepted.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The delay before the first token of a chat completion, streamed or not.</summary>
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.Zero;

    /// <summary>The rate at which completion tokens are produced after the first; 0 produces them without delay.</summary>
    public double TokensPerSecond { get; set; }

    /// <summary>The length of embedding vectors when a request does not set <c>dimensions</c>.</summary>
    public int EmbeddingDimensions { get; set; } = 1536;

    /// <summary>
    /// Faults injected into every chat and messages request for a model, keyed by model id. A model
    /// named here is served even when <see cref="Models"/> does not list it. A request's
    /// <c>x-emulator-fault</c> header replaces its model's fault.
    /// </summary>
    public Dictionary<string, EmulatedFault> Faults { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Reports every invalid <see cref="ProviderEmulatorOptions"/> value by its configuration key.</summary>
public sealed class ValidateProviderEmulatorOptions : IValidateOptions<ProviderEmulatorOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ProviderEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        const string Section = ProviderEmulatorOptions.SectionName;
        var failures = new List<string>();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Models.Count; i++)
        {
            var model = options.Models[i];
            if (string.IsNullOrWhiteSpace(model))
            {
                failures.Add($"{Section}:Models:{i} is empty; give a model id such as gpt-4o-mini or remove the entry.");
            }
            else if (!seen.Add(model))
            {
                failures.Add($"{Section}:Models:{i} repeats the model '{model}'; list each model once.");
            }
        }

        if (options.ApiKey is not null && options.ApiKey.Length > 0 && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{Section}:ApiKey contains only white space; set a real key or leave it empty to accept any key.");
        }

        if (options.TimeToFirstToken < TimeSpan.Zero)
        {
            failures.Add($"{Section}:TimeToFirstToken must not be negative; use 00:00:00 for no delay.");
        }

        if (!double.IsFinite(options.TokensPerSecond) || options.TokensPerSecond < 0)
        {
            failures.Add($"{Section}:TokensPerSecond must be a finite number of tokens per second, 0 or more; use 0 for no delay.");
        }

        foreach (var (model, fault) in options.Faults)
        {
            failures.AddRange(fault.Validate($"{Section}:Faults:{model}"));
        }

        if (options.EmbeddingDimensions is < 1 or > ProviderEmulatorOptions.MaxEmbeddingDimensions)
        {
            failures.Add($"{Section}:EmbeddingDimensions must be between 1 and {ProviderEmulatorOptions.MaxEmbeddingDimensions}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
