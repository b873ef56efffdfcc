using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch;

/// <summary>Settings of the embedding-search service, bound from the <c>EmbeddingSearch</c> section.</summary>
public sealed class EmbeddingSearchOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "EmbeddingSearch";

    /// <summary>The value of <see cref="Backend"/> that selects the embedded vector index.</summary>
    public const string EmbeddedBackend = "Embedded";

    /// <summary>The vector store backend. Only <c>Embedded</c> exists so far.</summary>
    public string Backend { get; set; } = EmbeddedBackend;

    /// <summary>Settings of the embedded vector index.</summary>
    public EmbeddedStoreOptions Embedded { get; set; } = new();

    /// <summary>Settings of the local embedding model.</summary>
    public EmbeddingModelOptions Model { get; set; } = new();
}

/// <summary>Settings of the embedded vector index.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>
    /// The folder that contains one append-only log per tenant collection. When the key is absent it
    /// defaults to <c>.data/vectors</c> under the content root.
    /// </summary>
    public string? DataDirectory { get; set; }
}

/// <summary>Settings of the local ONNX embedding model.</summary>
public sealed class EmbeddingModelOptions
{
    /// <summary>The number of inference batches that may run at the same time.</summary>
    public int MaxConcurrentInferences { get; set; } = 1;

    /// <summary>
    /// Threads that ONNX Runtime uses inside one inference. Zero divides the processor count by
    /// <see cref="MaxConcurrentInferences"/>, so concurrent batches do not oversubscribe the cores.
    /// </summary>
    public int IntraOpThreads { get; set; }
}

/// <summary>Fills in the defaults that depend on the host, such as the data directory under the content root.</summary>
internal sealed class ConfigureEmbeddingSearchOptions(IHostEnvironment environment) : IPostConfigureOptions<EmbeddingSearchOptions>
{
    public void PostConfigure(string? name, EmbeddingSearchOptions options)
    {
        options.Embedded ??= new EmbeddedStoreOptions();
        options.Model ??= new EmbeddingModelOptions();

        // Only an absent key gets the default; an explicit empty value is reported by the validator.
        options.Embedded.DataDirectory ??= Path.Combine(environment.ContentRootPath, ".data", "vectors");
    }
}

/// <summary>Reports every invalid <see cref="EmbeddingSearchOptions"/> value by its configuration key.</summary>
public sealed class ValidateEmbeddingSearchOptions : IValidateOptions<EmbeddingSearchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmbeddingSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        const string Section = EmbeddingSearchOptions.SectionName;
        var failures = new List<string>();
        var isEmbedded = string.Equals(options.Backend, EmbeddingSearchOptions.EmbeddedBackend, StringComparison.OrdinalIgnoreCase);
        if (!isEmbedded)
        {
            failures.Add(
                $"{Section}:Backend is '{options.Backend}', but the only supported value is "
                + $"'{EmbeddingSearchOptions.EmbeddedBackend}'. Remove the key or set it to {EmbeddingSearchOptions.EmbeddedBackend}.");
        }

        if (isEmbedded && string.IsNullOrWhiteSpace(options.Embedded?.DataDirectory))
        {
            failures.Add(
                $"{Section}:Embedded:DataDirectory is required when {Section}:Backend is {EmbeddingSearchOptions.EmbeddedBackend}. "
                + "Set it to a writable folder, or remove the key to use .data/vectors under the content root.");
        }

        if (options.Model is { MaxConcurrentInferences: < 1 })
        {
            failures.Add($"{Section}:Model:MaxConcurrentInferences must be at least 1, but is {options.Model.MaxConcurrentInferences}.");
        }

        if (options.Model is { IntraOpThreads: < 0 })
        {
            failures.Add($"{Section}:Model:IntraOpThreads must be 0 (automatic) or a positive thread count, but is {options.Model.IntraOpThreads}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
