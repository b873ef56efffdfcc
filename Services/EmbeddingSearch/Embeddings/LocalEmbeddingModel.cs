namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The facts about the local model all-MiniLM-L6-v2 that the API and the index rely on.</summary>
public static class LocalEmbeddingModel
{
    /// <summary>The model name the API reports and accepts.</summary>
    public const string Name = "all-minilm-l6-v2";

    /// <summary>The Hugging Face name of the model, accepted as an alias of <see cref="Name"/>.</summary>
    public const string Alias = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The provider name used in billing and telemetry for models that run in this process.</summary>
    public const string Provider = "local";

    /// <summary>The length of every vector the model produces.</summary>
    public const int Dimensions = 384;

    /// <summary>
    /// The maximum number of tokens per input, [CLS] and [SEP] included. The model was trained on
    /// sequences of up to 256 tokens, so longer inputs are truncated, as sentence-transformers does.
    /// </summary>
    public const int MaxTokens = 256;

    /// <summary>The maximum number of inputs in one inference; larger batches cost memory without gaining throughput.</summary>
    public const int MaxBatchSize = 32;

    /// <summary>Returns whether <paramref name="model"/> names this model, by its name or its alias.</summary>
    /// <param name="model">A model name from a request.</param>
    /// <returns><see langword="true"/> when the name or alias matches, ignoring case.</returns>
    public static bool IsNamedBy(string model) =>
        string.Equals(model, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(model, Alias, StringComparison.OrdinalIgnoreCase);
}
