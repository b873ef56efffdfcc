using System.Text;
using AspireAi.Completion.Chat;

namespace AspireAi.Completion.Tests.Chat;

public class ChatRequestTests
{
    [Theory]
    [InlineData("not json", null)]
    [InlineData("[]", null)]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}]}""", "model")]
    [InlineData("""{"model":"","messages":[{"role":"user","content":"Hi"}]}""", "model")]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"Hi"}]}""", "model")]
    [InlineData("""{"model":"gpt-4o-mini"}""", "messages")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[]}""", "messages")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"content":"Hi"}]}""", "messages[0]")]
    [InlineData("""{"model":"gpt-4o-mini","messages":["Hi"]}""", "messages[0]")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":-5}""", "max_tokens")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1.5}""", "max_tokens")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"n":0}""", "n")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"n":"2"}""", "n")]
    public void TryParse_InvalidBody_ReturnsErrorNamingField(string json, string? param)
    {
        var valid = ChatRequest.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error);

        Assert.False(valid);
        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Equal(param, error.Value.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Value.Message));
    }

    [Fact]
    public void TryParse_StreamWithUsage_ReadsFlags()
    {
        var json = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""";

        var valid = ChatRequest.TryParse(Encoding.UTF8.GetBytes(json), out var request, out _);

        Assert.True(valid);
        Assert.Equal("gpt-4o-mini", request!.Model);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Fact]
    public void PromptText_ContentParts_ConcatenatesTextParts()
    {
        var json = """{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","name":"ana","content":[{"type":"text","text":"Hello "},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"there"}]}]}""";
        ChatRequest.TryParse(Encoding.UTF8.GetBytes(json), out var request, out _);

        var messages = request!.PromptText().ToList();

        Assert.Equal(2, messages.Count);
        Assert.Equal("Be brief.", messages[0].Content);
        Assert.Equal("Hello there", messages[1].Content);
        Assert.Equal("ana", messages[1].Name);
    }
}
