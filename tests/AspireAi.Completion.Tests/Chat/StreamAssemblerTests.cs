using System.Text.Json.Nodes;
using AspireAi.Completion.Chat;

namespace AspireAi.Completion.Tests.Chat;

public class StreamAssemblerTests
{
    private static JsonObject Chunk(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Add_TextChunksThenUsage_AssemblesTextAndUsage()
    {
        var assembler = new StreamAssembler("gpt-4o-mini");

        Assert.False(assembler.Add(Chunk("""{"id":"c1","created":5,"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"role":"assistant","content":"Héllo"},"finish_reason":null}]}""")));
        Assert.False(assembler.Add(Chunk("""{"id":"c1","created":5,"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"content":" — world"},"finish_reason":null}]}""")));
        Assert.False(assembler.Add(Chunk("""{"id":"c1","created":5,"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")));
        var isUsage = assembler.Add(Chunk("""{"id":"c1","created":5,"model":"gpt-4o-mini-2024","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16,"prompt_tokens_details":{"cached_tokens":2}}}"""));

        Assert.True(isUsage);
        Assert.Equal("Héllo — world", assembler.AllText);
        Assert.True(assembler.IsComplete);
        Assert.False(assembler.HasNonTextContent);
        Assert.Equal(new ChatUsage("gpt-4o-mini-2024", 12, 2, 4), assembler.Usage);
    }

    [Fact]
    public void ToCompletion_TwoChoices_KeepsEachChoiceText()
    {
        var assembler = new StreamAssembler("m");
        assembler.Add(Chunk("""{"id":"c2","created":1,"model":"m","choices":[{"index":1,"delta":{"content":"B"},"finish_reason":null},{"index":0,"delta":{"content":"A"},"finish_reason":null}]}"""));
        assembler.Add(Chunk("""{"id":"c2","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"length"}]}"""));

        var completion = assembler.ToCompletion(new ChatUsage("m", 3, 0, 2));

        var choices = completion["choices"]!.AsArray();
        Assert.Equal("A", choices[0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("B", choices[1]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("length", choices[1]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(5, completion["usage"]!["total_tokens"]!.GetValue<long>());
    }

    [Fact]
    public void Add_ToolCallDelta_MarksNonTextContent()
    {
        var assembler = new StreamAssembler("m");

        assembler.Add(Chunk("""{"id":"c3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":""}}]},"finish_reason":null}]}"""));

        Assert.True(assembler.HasNonTextContent);
    }

    [Fact]
    public void IsComplete_StreamCutBeforeFinishReason_IsFalse()
    {
        var assembler = new StreamAssembler("m");

        assembler.Add(Chunk("""{"id":"c4","choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}"""));

        Assert.False(assembler.IsComplete);
    }
}
