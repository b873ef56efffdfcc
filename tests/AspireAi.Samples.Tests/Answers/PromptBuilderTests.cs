using System.Text.Json;
using AspireAi.Samples.DocsQa.Answers;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.Tests.Answers;

public sealed class PromptBuilderTests
{
    [Fact]
    public void BuildUserMessage_Passages_QuestionFirst()
    {
        var passages = PromptBuilder.ToPassages([Hit("M:A.B.C", 0.5f, "Method A.B.C\nDoes C.")]);

        var message = PromptBuilder.BuildUserMessage(" How do I C? ", passages);

        Assert.Equal("How do I C?\n\nReference passages:\n\n[1] M:A.B.C (System.Runtime)\nMethod A.B.C\nDoes C.", message);
    }

    [Fact]
    public void BuildUserMessage_ReorderedHits_Identical()
    {
        SearchHit[] hits = [Hit("T:X", 0.9f, "X"), Hit("T:Y", 0.7f, "Y"), Hit("T:Z", 0.7f, "Z"), Hit("T:W", 0.8f, "W")];

        var first = PromptBuilder.BuildUserMessage("Q?", PromptBuilder.ToPassages(hits));
        var second = PromptBuilder.BuildUserMessage("Q?", PromptBuilder.ToPassages(hits.Reverse()));

        Assert.Equal(first, second);
        Assert.Equal(["T:X", "T:W", "T:Y", "T:Z"], PromptBuilder.ToPassages(hits).Select(passage => passage.MemberName));
    }

    [Fact]
    public void BuildUserMessage_ScoreChange_Identical()
    {
        var first = PromptBuilder.BuildUserMessage("Q?", PromptBuilder.ToPassages([Hit("T:X", 0.91f, "X")]));
        var second = PromptBuilder.BuildUserMessage("Q?", PromptBuilder.ToPassages([Hit("T:X", 0.92f, "X")]));

        Assert.Equal(first, second);
    }

    [Fact]
    public void ToPassages_ChunksWithEqualScore_OrderedByChunk()
    {
        SearchHit[] hits = [Hit("T:X", 0.5f, "second chunk") with { ChunkIndex = 1 }, Hit("T:X", 0.5f, "first chunk")];

        var passages = PromptBuilder.ToPassages(hits);

        Assert.Equal(["first chunk", "second chunk"], passages.Select(passage => passage.Text));
    }

    [Fact]
    public void ToPassages_NoMetadata_UsesId()
    {
        var hit = new SearchHit("T:NoMetadata", 0.3f, "Text", new Dictionary<string, JsonElement>());

        var passage = Assert.Single(PromptBuilder.ToPassages([hit]));

        Assert.Equal("T:NoMetadata", passage.MemberName);
        Assert.Equal("unknown assembly", passage.Assembly);
    }

    private static SearchHit Hit(string member, float score, string text) =>
        new(member, score, text, new Dictionary<string, JsonElement>
        {
            ["member"] = JsonSerializer.SerializeToElement(member),
            ["assembly"] = JsonSerializer.SerializeToElement("System.Runtime"),
            ["kind"] = JsonSerializer.SerializeToElement("method"),
        });
}
