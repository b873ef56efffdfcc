using AspireAi.Tokenization;
using BenchmarkDotNet.Attributes;

namespace AspireAi.Benchmarks.Micro;

/// <summary>Prompt token counting with the o200k_base tokenizer of gpt-4o-mini, as the cost estimate does it.</summary>
[MemoryDiagnoser]
public class TokenCountBenchmarks
{
    private const string Model = "gpt-4o-mini";

    private ChatText[] _short = [];
    private ChatText[] _long = [];

    [GlobalSetup]
    public void Setup()
    {
        // Short: a system and a user message, about 35 tokens. Long: 40 messages of 60 words, a few thousand tokens.
        _short = Messages(2, 12);
        _long = Messages(40, 60);

        // Loads the tokenizer outside the measurement.
        TokenCounter.Shared.CountChat(Model, _short);
    }

    [Benchmark(Description = "Token count, short chat")]
    public int ShortChat() => TokenCounter.Shared.CountChat(Model, _short);

    [Benchmark(Description = "Token count, long chat")]
    public int LongChat() => TokenCounter.Shared.CountChat(Model, _long);

    private static ChatText[] Messages(int count, int wordsPerMessage)
    {
        var messages = new ChatText[count];
        for (var i = 0; i < count; i++)
        {
            var role = "assistant";
            if (i == 0)
            {
                role = "system";
            }
            else if (i % 2 == 1)
            {
                role = "user";
            }

            messages[i] = new ChatText(role, Corpus.Sentence(i + 1, wordsPerMessage));
        }

        return messages;
    }
}
