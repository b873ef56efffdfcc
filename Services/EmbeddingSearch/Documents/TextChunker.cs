namespace AspireAi.EmbeddingSearch.Documents;

/// <summary>
/// Splits a long text into overlapping chunks of at most a given number of model tokens, cutting
/// only at whitespace, so each chunk fits the embedding model's input.
/// </summary>
/// <remarks>
/// Tokens are counted word by word with the model's own tokenizer. BERT's WordPiece tokenizes
/// each whitespace-separated word on its own, so the sum of the words' counts is the text's count.
/// </remarks>
public static class TextChunker
{
    /// <summary>Splits <paramref name="text"/> into chunks. A text that fits is returned unchanged as the only chunk.</summary>
    /// <param name="text">The text.</param>
    /// <param name="countTokens">Counts the model tokens of one word, [CLS] and [SEP] not included.</param>
    /// <param name="maxTokens">The maximum tokens per chunk.</param>
    /// <param name="overlapTokens">The tokens that a chunk repeats, at most, from the end of the one before.</param>
    /// <returns>The chunk texts in order; each is a substring of <paramref name="text"/>.</returns>
    public static IReadOnlyList<string> Split(string text, Func<string, int> countTokens, int maxTokens, int overlapTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(countTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlapTokens, maxTokens);

        var words = FindWords(text);
        var counts = new int[words.Count];
        var total = 0;
        for (var i = 0; i < words.Count; i++)
        {
            counts[i] = Math.Max(1, countTokens(text[words[i].Start..words[i].End]));
            total += counts[i];
        }

        if (total <= maxTokens)
        {
            return [text];
        }

        var chunks = new List<string>();
        var first = 0;
        while (first < words.Count)
        {
            // Take words while they fit; a single word longer than the limit becomes a chunk of its
            // own, and the model truncates it.
            var last = first;
            var tokens = counts[first];
            while (last + 1 < words.Count && tokens + counts[last + 1] <= maxTokens)
            {
                last++;
                tokens += counts[last];
            }

            chunks.Add(text[words[first].Start..words[last].End]);
            if (last == words.Count - 1)
            {
                break;
            }

            // Start the next chunk at the earliest word that keeps the overlap within its budget,
            // but always after this chunk's first word, so every step makes progress.
            var next = last + 1;
            var overlap = 0;
            while (next - 1 > first && overlap + counts[next - 1] <= overlapTokens)
            {
                next--;
                overlap += counts[next];
            }

            first = next;
        }

        return chunks;
    }

    private static List<(int Start, int End)> FindWords(string text)
    {
        var words = new List<(int Start, int End)>();
        var index = 0;
        while (index < text.Length)
        {
            while (index < text.Length && char.IsWhiteSpace(text[index]))
            {
                index++;
            }

            var start = index;
            while (index < text.Length && !char.IsWhiteSpace(text[index]))
            {
                index++;
            }

            if (index > start)
            {
                words.Add((start, index));
            }
        }

        return words;
    }
}
