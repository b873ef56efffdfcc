using System.Globalization;
using System.Text;
using AspireAi.Tokenization;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>One generated choice.</summary>
/// <param name="Text">The reply text after stop sequences and the token limit were applied.</param>
/// <param name="FinishReason"><c>length</c> when the token limit cut the text, otherwise <c>stop</c>.</param>
/// <param name="CompletionTokens">The tokens of <paramref name="Text"/>.</param>
internal sealed record GeneratedReply(string Text, string FinishReason, int CompletionTokens);

/// <summary>
/// Generates reply text from a hash of the model, the messages and the choice index, so the same
/// request always gets the same text. A reply opens with a fixed phrase that quotes the start of
/// the last user message, then adds English words picked by the hash.
/// </summary>
internal sealed class ReplyGenerator(TokenCounter tokenCounter)
{
    public const string FinishReasonStop = "stop";
    public const string FinishReasonLength = "length";

    private const int EchoedWordCount = 8;
    private const int MinBodyWords = 12;
    private const int MaxExtraBodyWords = 28;

    // A few words carry accents, and some replies get an em dash, so that clients and the gateway
    // meet multibyte UTF-8 characters in ordinary traffic.
    private static readonly string[] Vocabulary =
    [
        "amber", "anchor", "bright", "bridge", "calm", "canvas", "café", "clear", "cloud", "copper",
        "daily", "delta", "early", "echo", "field", "forest", "garden", "gentle", "harbor", "hollow",
        "island", "kettle", "lantern", "light", "maple", "meadow", "morning", "naïve", "north", "ocean",
        "orbit", "paper", "pebble", "quiet", "rapid", "résumé", "river", "signal", "silver", "simple",
        "steady", "stone", "summer", "thread", "timber", "valley", "velvet", "violet", "window", "winter",
    ];

    public GeneratedReply Generate(ChatCompletionPlan plan, int choiceIndex)
    {
        ArgumentNullException.ThrowIfNull(plan);

        var text = Compose(plan.Model, plan.Messages, choiceIndex);
        text = CutAtStopSequence(text, plan.StopSequences);

        var finishReason = FinishReasonStop;
        if (plan.MaxTokens is { } maxTokens && tokenCounter.CountText(plan.Model, text) > maxTokens)
        {
            text = CutToTokenLimit(plan.Model, text, maxTokens);
            finishReason = FinishReasonLength;
        }

        return new GeneratedReply(text, finishReason, tokenCounter.CountText(plan.Model, text));
    }

    private static string Compose(string model, IReadOnlyList<ChatText> messages, int choiceIndex)
    {
        var random = CreateRandom(model, messages, choiceIndex);
        var builder = new StringBuilder("Emulated reply");

        var echo = EchoLastUserMessage(messages);
        if (echo.Length > 0)
        {
            builder.Append(" to \"").Append(echo).Append('"');
        }

        builder.Append(random.Next(2) == 0 ? " — " : ": ");

        var wordCount = MinBodyWords + random.Next(MaxExtraBodyWords + 1);
        var sentenceStart = true;
        var wordsLeftInSentence = 4 + random.Next(6);
        for (var i = 0; i < wordCount; i++)
        {
            var word = Vocabulary[random.Next(Vocabulary.Length)];
            if (sentenceStart)
            {
                word = char.ToUpperInvariant(word[0]) + word[1..];
                sentenceStart = false;
            }
            else
            {
                builder.Append(' ');
            }

            builder.Append(word);
            wordsLeftInSentence--;
            if (wordsLeftInSentence == 0 || i == wordCount - 1)
            {
                builder.Append('.');
                if (i < wordCount - 1)
                {
                    builder.Append(' ');
                }

                sentenceStart = true;
                wordsLeftInSentence = 4 + random.Next(6);
            }
        }

        return builder.ToString();
    }

    private static DeterministicRandom CreateRandom(string model, IReadOnlyList<ChatText> messages, int choiceIndex)
    {
        var parts = new string?[2 + (messages.Count * 3)];
        parts[0] = model;
        parts[1] = choiceIndex.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < messages.Count; i++)
        {
            parts[2 + (i * 3)] = messages[i].Role;
            parts[3 + (i * 3)] = messages[i].Name;
            parts[4 + (i * 3)] = messages[i].Content;
        }

        return DeterministicRandom.FromParts(parts);
    }

    private static string EchoLastUserMessage(IReadOnlyList<ChatText> messages)
    {
        var lastUser = messages.LastOrDefault(message => message.Role == "user");
        if (string.IsNullOrWhiteSpace(lastUser.Content))
        {
            return string.Empty;
        }

        var words = lastUser.Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var echo = string.Join(' ', words.Take(EchoedWordCount));
        return words.Length > EchoedWordCount ? echo + "…" : echo;
    }

    private static string CutAtStopSequence(string text, IReadOnlyList<string> stopSequences)
    {
        var cut = text.Length;
        foreach (var stop in stopSequences)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && index < cut)
            {
                cut = index;
            }
        }

        // NOTE: a stop sequence that matches at the start leaves an empty reply, the one case where content is empty.
        return text[..cut];
    }

    /// <summary>Keeps the longest prefix of whole token pieces whose own token count fits the limit.</summary>
    private string CutToTokenLimit(string model, string text, int maxTokens)
    {
        var prefix = string.Empty;
        foreach (var piece in tokenCounter.SplitText(model, text))
        {
            // Re-counting the prefix, rather than counting pieces, keeps the cut exact when a piece
            // contains several tokens of one multibyte character.
            var candidate = prefix + piece;
            if (tokenCounter.CountText(model, candidate) > maxTokens)
            {
                break;
            }

            prefix = candidate;
        }

        return prefix;
    }
}
