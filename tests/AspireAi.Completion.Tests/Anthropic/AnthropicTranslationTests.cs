using System.Text.Json.Nodes;
using AspireAi.Completion.Anthropic;

namespace AspireAi.Completion.Tests.Anthropic;

public sealed class AnthropicTranslationTests
{
    [Fact]
    public void TryToOpenAi_SystemToolsAndToolResults_TranslatesEachPart()
    {
        var messages = JsonNode.Parse("""
            {
              "model": "claude-sonnet-4", "max_tokens": 300, "system": [{"type":"text","text":"Be brief."}],
              "stop_sequences": ["END"], "temperature": 0.2, "metadata": {"user_id": "u-1"},
              "tools": [{"name":"get_weather","description":"Weather by city","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
              "tool_choice": {"type":"tool","name":"get_weather"},
              "messages": [
                {"role":"user","content":"Weather in Oslo?"},
                {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}]},
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Rain, 8 °C"}]}
              ]
            }
            """)!.AsObject();

        var translated = AnthropicRequests.TryToOpenAi(messages, out var chat, out var error);

        Assert.True(translated, error);
        var openAiMessages = chat!["messages"]!.AsArray();
        Assert.Equal("system", openAiMessages[0]!["role"]!.GetValue<string>());
        Assert.Equal("Be brief.", openAiMessages[0]!["content"]!.GetValue<string>());
        Assert.Equal("Weather in Oslo?", openAiMessages[1]!["content"]!.GetValue<string>());
        var call = openAiMessages[2]!["tool_calls"]![0]!;
        Assert.Equal("toolu_1", call["id"]!.GetValue<string>());
        Assert.Equal("get_weather", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal("{\"city\":\"Oslo\"}", call["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("Checking.", openAiMessages[2]!["content"]!.GetValue<string>());
        Assert.Equal("tool", openAiMessages[3]!["role"]!.GetValue<string>());
        Assert.Equal("toolu_1", openAiMessages[3]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal(300, chat["max_tokens"]!.GetValue<int>());
        Assert.Equal("END", chat["stop"]![0]!.GetValue<string>());
        Assert.Equal("u-1", chat["user"]!.GetValue<string>());
        Assert.Equal("get_weather", chat["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("get_weather", chat["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.False(chat.ContainsKey("stream"));
        Assert.False(chat.ContainsKey("top_p"));
    }

    [Fact]
    public void TryToOpenAi_Stream_AsksForUsage()
    {
        var messages = JsonNode.Parse("""{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""")!.AsObject();

        AnthropicRequests.TryToOpenAi(messages, out var chat, out _);

        Assert.True(chat!["stream"]!.GetValue<bool>());
        Assert.True(chat["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"Hi"}]}""", "messages[0]")]
    public void TryToOpenAi_InvalidRequest_NamesField(string json, string field)
    {
        var translated = AnthropicRequests.TryToOpenAi(JsonNode.Parse(json)!.AsObject(), out _, out var error);

        Assert.False(translated);
        Assert.Contains($"'{field}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOpenAi_SystemToolCallsAndResults_BuildsAlternatingMessages()
    {
        var chat = JsonNode.Parse("""
            {
              "model": "gpt", "max_completion_tokens": 100, "stop": "END", "tool_choice": "required",
              "tools": [{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}],
              "messages": [
                {"role":"system","content":"Be brief."},
                {"role":"user","content":"Find it."},
                {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
                {"role":"tool","tool_call_id":"call_1","content":"found"},
                {"role":"user","content":"Thanks."}
              ]
            }
            """)!.AsObject();

        var request = AnthropicRequests.FromOpenAi(chat, "claude-sonnet-4", 1024, stream: false);

        Assert.Equal("Be brief.", request["system"]!.GetValue<string>());
        Assert.Equal(100, request["max_tokens"]!.GetValue<int>());
        Assert.Equal("END", request["stop_sequences"]![0]!.GetValue<string>());
        Assert.Equal("any", request["tool_choice"]!["type"]!.GetValue<string>());
        Assert.Equal("lookup", request["tools"]![0]!["name"]!.GetValue<string>());
        var messages = request["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(message => message!["role"]!.GetValue<string>()));
        Assert.Equal("x", messages[1]!["content"]![0]!["input"]!["q"]!.GetValue<string>());
        Assert.Equal("tool_result", messages[2]!["content"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("Thanks.", messages[2]!["content"]![1]!["text"]!.GetValue<string>());
        Assert.False(request.ContainsKey("temperature"));
        Assert.False(request.ContainsKey("stream"));
        Assert.DoesNotContain("null", request.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromOpenAi_NoMaxTokens_UsesDefault()
    {
        var chat = JsonNode.Parse("""{"model":"gpt","messages":[{"role":"user","content":"Hi"}]}""")!.AsObject();

        var request = AnthropicRequests.FromOpenAi(chat, "claude-sonnet-4", 777, stream: true);

        Assert.Equal(777, request["max_tokens"]!.GetValue<int>());
        Assert.True(request["stream"]!.GetValue<bool>());
    }

    [Fact]
    public void ToAnthropicMessage_ToolCallsAndCachedUsage_MapsStopReasonAndTokens()
    {
        var completion = JsonNode.Parse("""
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"finish_reason":"tool_calls",
              "message":{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]}}],
             "usage":{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":40}}}
            """)!.AsObject();

        var message = AnthropicResponses.ToAnthropicMessage(completion);

        Assert.Equal("msg_chatcmpl-1", message["id"]!.GetValue<string>());
        Assert.Equal("tool_use", message["stop_reason"]!.GetValue<string>());
        Assert.Equal("Let me look.", message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("lookup", message["content"]![1]!["name"]!.GetValue<string>());
        Assert.Equal(1, message["content"]![1]!["input"]!["q"]!.GetValue<int>());
        Assert.Equal(60, message["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(40, message["usage"]!["cache_read_input_tokens"]!.GetValue<long>());
        Assert.Equal(20, message["usage"]!["output_tokens"]!.GetValue<long>());
    }

    [Fact]
    public void ToOpenAiCompletion_AnthropicMessage_AddsCacheReadsToPromptTokens()
    {
        var message = JsonNode.Parse("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4","stop_reason":"max_tokens",
             "content":[{"type":"text","text":"Hello"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":2}}],
             "usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":30,"cache_creation_input_tokens":2}}
            """)!.AsObject();

        var completion = AnthropicResponses.ToOpenAiCompletion(message);

        var choice = completion["choices"]![0]!;
        Assert.Equal("length", choice["finish_reason"]!.GetValue<string>());
        Assert.Equal("Hello", choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal("{\"a\":2}", choice["message"]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal(42, completion["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(30, completion["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<long>());
        Assert.Equal(5, completion["usage"]!["completion_tokens"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(502, "api_error")]
    [InlineData(504, "timeout_error")]
    public void ToAnthropicError_Status_MapsType(int status, string type)
    {
        var error = AnthropicResponses.ToAnthropicError(status, JsonNode.Parse("""{"error":{"message":"Nope.","code":"aspireai_x"}}""")!.AsObject());

        Assert.Equal("error", error["type"]!.GetValue<string>());
        Assert.Equal(type, error["error"]!["type"]!.GetValue<string>());
        Assert.Equal("Nope.", error["error"]!["message"]!.GetValue<string>());
        Assert.Equal("aspireai_x", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public void OpenAiToAnthropicEvents_TextThenToolCall_EmitsBlocksAndFinalUsage()
    {
        var events = new OpenAiToAnthropicEvents("gpt-4o");
        string[] chunks =
        [
            """{"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"}}]}""",
            """{"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}""",
            """{"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]}}]}""",
            """{"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"id":"c1","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7}}""",
        ];

        var output = chunks.SelectMany(chunk => events.Add(JsonNode.Parse(chunk)!.AsObject())).ToList();
        output.AddRange(events.Finish());

        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            output.Select(item => item.EventType));
        Assert.Equal("Hi", output[2].Data["delta"]!["text"]!.GetValue<string>());
        Assert.Equal("tool_use", output[4].Data["content_block"]!["type"]!.GetValue<string>());
        Assert.Equal(1, output[5].Data["index"]!.GetValue<int>());
        Assert.Equal("{\"a\":1}", output[5].Data["delta"]!["partial_json"]!.GetValue<string>());
        Assert.Equal("tool_use", output[7].Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(7, output[7].Data["usage"]!["output_tokens"]!.GetValue<long>());
        Assert.Equal(12, output[7].Data["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public void AnthropicToOpenAiChunks_EventStream_GivesTextFinishReasonAndUsage()
    {
        var chunks = new AnthropicToOpenAiChunks("claude-sonnet-4");
        (string Type, string Data)[] events =
        [
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4","usage":{"input_tokens":25,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("ping", """{"type":"ping"}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"안녕"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}"""),
            ("message_stop", """{"type":"message_stop"}"""),
        ];

        var output = events.SelectMany(item => chunks.Add(item.Type, JsonNode.Parse(item.Data)!.AsObject())).ToList();

        Assert.True(chunks.IsComplete);
        Assert.Equal("assistant", output[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        Assert.Equal("안녕", output[1]["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
        Assert.Equal("toolu_1", output[2]["choices"]![0]!["delta"]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("{\"a\":", output[3]["choices"]![0]!["delta"]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("tool_calls", output[4]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Empty(output[5]["choices"]!.AsArray());
        Assert.Equal(25, output[5]["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(9, output[5]["usage"]!["completion_tokens"]!.GetValue<long>());
        Assert.Equal("msg_1", output[5]["id"]!.GetValue<string>());
    }
}
