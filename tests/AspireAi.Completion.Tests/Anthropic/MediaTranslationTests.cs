using System.Text.Json.Nodes;
using AspireAi.Completion.Anthropic;

namespace AspireAi.Completion.Tests.Anthropic;

public sealed class MediaTranslationTests
{
    [Fact]
    public void TryToOpenAi_MediaBlocks_BecomePartsInOrder()
    {
        var messages = Messages("""
            [
              {"type":"text","text":"Compare these."},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
              {"type":"document","title":"report.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="}},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Plain notes."}}
            ]
            """);

        var translated = AnthropicRequests.TryToOpenAi(messages, out var chat, out var error);

        Assert.True(translated, error);
        var parts = chat!["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "image_url", "file", "text"], parts.Select(part => part!["type"]!.GetValue<string>()));
        Assert.Equal("Compare these.", parts[0]!["text"]!.GetValue<string>());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", parts[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("https://example.com/cat.jpg", parts[2]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("data:application/pdf;base64,JVBERi0xLjQ=", parts[3]!["file"]!["file_data"]!.GetValue<string>());
        Assert.Equal("report.pdf", parts[3]!["file"]!["filename"]!.GetValue<string>());
        Assert.Equal("Plain notes.", parts[4]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void TryToOpenAi_TextDocument_StaysText()
    {
        var messages = Messages("""
            [{"type":"document","source":{"type":"text","media_type":"text/plain","data":"Notes. "}},{"type":"text","text":"Summarize."}]
            """);

        var translated = AnthropicRequests.TryToOpenAi(messages, out var chat, out var error);

        Assert.True(translated, error);
        Assert.Equal("Notes. Summarize.", chat!["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"Qk0="}}""", "'messages[0].content[0]' is an image with media_type 'image/bmp', which is not supported.")]
    [InlineData("""{"type":"image","source":{"type":"base64","data":"iVBORw0KGgo="}}""", "'messages[0].content[0]' is an image without source.media_type.")]
    [InlineData("""{"type":"image","source":{"type":"base64","media_type":"image/png","data":""}}""", "'messages[0].content[0]' is an image with no data.")]
    [InlineData("""{"type":"document","source":{"type":"base64","media_type":"application/pdf"}}""", "'messages[0].content[0]' is a document with no data.")]
    [InlineData("""{"type":"image","source":{"type":"url","url":"ftp://example.com/a.png"}}""", "'messages[0].content[0]' is an image whose source type 'url' cannot be translated")]
    [InlineData("""{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}""", "'messages[0].content[0]' is a document with a url source")]
    [InlineData("""{"type":"document","source":{"type":"base64","media_type":"application/msword","data":"AAAA"}}""", "'messages[0].content[0]' is a document with media_type 'application/msword', which OpenAI's chat format cannot carry.")]
    [InlineData("""{"type":"document","source":{"type":"content","content":[]}}""", "'messages[0].content[0]' is a document whose source type 'content' cannot be translated")]
    [InlineData("""{"type":"image"}""", "'messages[0].content[0]' is an image block without a 'source' object")]
    public void TryToOpenAi_UntranslatableBlock_NamesTheBlock(string block, string expected)
    {
        var messages = Messages($"[{block}]");

        var translated = AnthropicRequests.TryToOpenAi(messages, out _, out var error);

        Assert.False(translated);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryToOpenAi_AssistantImage_Rejected()
    {
        var messages = JsonNode.Parse("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}
            ]}
            """)!.AsObject();

        var translated = AnthropicRequests.TryToOpenAi(messages, out _, out var error);

        Assert.False(translated);
        Assert.StartsWith("'messages[1].content[0]' is an image block in an assistant message.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOpenAi_MediaParts_BecomeBlocks()
    {
        var chat = Chat("""
            [
              {"type":"text","text":"What is in these?"},
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"high"}},
              {"type":"image_url","image_url":{"url":"https://example.com/dog.webp"}},
              {"type":"file","file":{"filename":"spec.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjc="}}
            ]
            """);

        var request = AnthropicRequests.FromOpenAi(chat, "claude-sonnet-4", 1024, stream: false);

        var blocks = request["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "image", "image", "document"], blocks.Select(block => block!["type"]!.GetValue<string>()));
        Assert.Equal("base64", blocks[1]!["source"]!["type"]!.GetValue<string>());
        Assert.Equal("image/jpeg", blocks[1]!["source"]!["media_type"]!.GetValue<string>());
        Assert.Equal("/9j/4AAQ", blocks[1]!["source"]!["data"]!.GetValue<string>());
        Assert.Equal("url", blocks[2]!["source"]!["type"]!.GetValue<string>());
        Assert.Equal("https://example.com/dog.webp", blocks[2]!["source"]!["url"]!.GetValue<string>());
        Assert.Equal("application/pdf", blocks[3]!["source"]!["media_type"]!.GetValue<string>());
        Assert.Equal("JVBERi0xLjc=", blocks[3]!["source"]!["data"]!.GetValue<string>());
        Assert.Equal("spec.pdf", blocks[3]!["title"]!.GetValue<string>());
    }

    [Fact]
    public void RoundTrip_MediaBlocks_Unchanged()
    {
        var original = Messages("""
            [
              {"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lGODlh"}},
              {"type":"document","title":"a.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}},
              {"type":"text","text":"Describe both."}
            ]
            """);

        Assert.True(AnthropicRequests.TryToOpenAi(original, out var chat, out var error), error);
        var request = AnthropicRequests.FromOpenAi(chat!, "claude-sonnet-4", 1024, stream: false);

        Assert.True(JsonNode.DeepEquals(original["messages"]![0]!["content"], request["messages"]![0]!["content"]), request.ToJsonString());
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}""", "'messages[0].content[0]' is an image of type 'image/bmp'")]
    [InlineData("""{"type":"file","file":{"file_id":"file-abc"}}""", "'messages[0].content[0].file.file_id' names an OpenAI file")]
    [InlineData("""{"type":"file","file":{"file_data":"data:text/csv;base64,YSxi"}}""", "'messages[0].content[0].file.file_data' must be a data URL of a PDF")]
    [InlineData("""{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}""", "'messages[0].content[0]' is an 'input_audio' part")]
    public void FromOpenAi_UntranslatablePart_ThrowsNamingThePart(string part, string expected)
    {
        var chat = Chat($"[{part}]");

        var exception = Assert.Throws<UntranslatableContentException>(() => AnthropicRequests.FromOpenAi(chat, "claude-sonnet-4", 1024, stream: false));

        Assert.StartsWith(expected, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image", "an image")]
    [InlineData("document", "a document")]
    [InlineData("'input_audio'", "an 'input_audio'")]
    [InlineData("'file'", "a 'file'")]
    [InlineData("Assistant", "an Assistant")]
    public void WithArticle_Word_PicksAOrAn(string word, string expected)
    {
        Assert.Equal(expected, MediaBlocks.WithArticle(word));
    }

    private static JsonObject Messages(string content) =>
        JsonNode.Parse($$"""{"model":"claude-sonnet-4","max_tokens":100,"messages":[{"role":"user","content":{{content}}}]}""")!.AsObject();

    private static JsonObject Chat(string content) =>
        JsonNode.Parse($$"""{"model":"claude-sonnet-4","messages":[{"role":"user","content":{{content}}}]}""")!.AsObject();
}
