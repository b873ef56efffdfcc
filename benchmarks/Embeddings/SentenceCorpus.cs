using System.Text;

namespace AspireAi.Benchmarks.Embeddings;

/// <summary>Short English sentences of 6 to 14 words, generated from a fixed seed so every run embeds the same text.</summary>
internal static class SentenceCorpus
{
    private static readonly string[] Subjects =
    [
        "The gateway", "A tenant", "The billing service", "Our search index", "The provider", "A developer",
        "The cache", "Every request", "The embedding model", "A support engineer", "The nightly job", "The dashboard",
    ];

    private static readonly string[] Verbs =
    [
        "stores", "counts", "returns", "rejects", "sends", "reads", "updates", "checks", "streams", "prices", "finds", "keeps",
    ];

    private static readonly string[] Objects =
    [
        "the usage rows", "a new API key", "every cached answer", "the monthly budget", "short product questions",
        "the invoice totals", "similar documents", "the error message", "a batch of prompts", "the release notes",
        "the latest prices", "a long support ticket",
    ];

    private static readonly string[] Endings =
    [
        "before noon", "for each customer", "without a retry", "in under a second", "after the deployment",
        "when the limit is reached", "during the nightly run", "on the second replica", "with the default model",
        "as the audit requires", "for the weekly report", "once the queue drains",
    ];

    /// <summary>Returns <paramref name="count"/> sentences. The same count always gives the same list.</summary>
    public static IReadOnlyList<string> Create(int count)
    {
        var random = new Random(20_261_204);
        var sentences = new List<string>(count);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Clear();
            text.Append(Subjects[random.Next(Subjects.Length)])
                .Append(' ').Append(Verbs[random.Next(Verbs.Length)])
                .Append(' ').Append(Objects[random.Next(Objects.Length)]);
            if (random.Next(2) == 1)
            {
                text.Append(' ').Append(Endings[random.Next(Endings.Length)]);
            }

            sentences.Add(text.Append('.').ToString());
        }

        return sentences;
    }
}
