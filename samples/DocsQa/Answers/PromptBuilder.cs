using System.Globalization;
using System.Text;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.DocsQa.Answers;

/// <summary>A passage chosen as context for a question.</summary>
/// <param name="MemberName">The documentation comment id of the member it documents.</param>
/// <param name="Assembly">The assembly it came from.</param>
/// <param name="Text">The documentation text.</param>
/// <param name="Score">The cosine similarity to the question; printed, never sent to the model.</param>
internal sealed record Passage(string MemberName, string Assembly, string Text, float Score);

/// <summary>
/// Builds the chat messages for a question. The output depends only on the question and the
/// passages' member names, assemblies and texts, so the same search results give a byte-identical
/// request and the gateway's response cache can serve it on the next run.
/// </summary>
internal static class PromptBuilder
{
    public const string SystemPrompt =
        "You answer questions about the .NET class library. Use only the reference passages in the user message. "
        + "Name the types and members to call, show a short C# example when it helps, and keep the answer under 150 words. "
        + "If the passages do not cover the question, say so.";

    /// <summary>Orders search hits by descending score, then by id and chunk, and keeps the member name, assembly and text.</summary>
    public static IReadOnlyList<Passage> ToPassages(IEnumerable<SearchHit> hits) =>
        hits.OrderByDescending(hit => hit.Score)
            .ThenBy(hit => hit.Id, StringComparer.Ordinal)
            .ThenBy(hit => hit.ChunkIndex)
            .Select(hit => new Passage(hit.GetMetadata("member", hit.Id), hit.GetMetadata("assembly", "unknown assembly"), hit.Text, hit.Score))
            .ToList();

    /// <summary>Builds the user message: the question first, then the numbered passages.</summary>
    public static string BuildUserMessage(string question, IReadOnlyList<Passage> passages)
    {
        var builder = new StringBuilder();
        builder.Append(question.Trim()).Append("\n\nReference passages:");
        for (var index = 0; index < passages.Count; index++)
        {
            var passage = passages[index];
            builder.Append(CultureInfo.InvariantCulture, $"\n\n[{index + 1}] {passage.MemberName} ({passage.Assembly})\n");
            builder.Append(passage.Text.ReplaceLineEndings("\n"));
        }

        return builder.ToString();
    }
}
