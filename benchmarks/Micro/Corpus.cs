using System.Text;
using System.Text.Json.Nodes;

namespace AspireAi.Benchmarks.Micro;

/// <summary>Deterministic chat requests and message texts for the benchmarks, generated from a fixed seed.</summary>
internal static class Corpus
{
    private static readonly string[] Words =
    [
        "the", "gateway", "caches", "every", "answer", "for", "a", "tenant", "and", "bills", "tokens", "when",
        "provider", "returns", "usage", "budget", "reservation", "holds", "estimated", "cost", "until", "request",
        "ends", "stream", "chunk", "arrives", "with", "délai", "naïve", "über", "model", "prompt", "reply", "cache",
        "key", "sorted", "fields", "numbers", "defaults", "hash", "ledger", "row", "price", "million", "input", "output",
    ];

    /// <summary>Returns <paramref name="count"/> words picked by a generator seeded with <paramref name="seed"/>.</summary>
    public static string Sentence(int seed, int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Words[random.Next(Words.Length)]);
        }

        return text.Append('.').ToString();
    }

    /// <summary>Builds a chat request body with <paramref name="messages"/> messages of <paramref name="wordsPerMessage"/> words each.</summary>
    public static JsonObject ChatRequest(int messages, int wordsPerMessage, bool withTools)
    {
        var list = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = Sentence(1, wordsPerMessage) },
        };
        for (var i = 1; i < messages; i++)
        {
            list.Add(new JsonObject
            {
                ["role"] = i % 2 == 1 ? "user" : "assistant",
                ["content"] = Sentence(i + 1, wordsPerMessage),
            });
        }

        var request = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["messages"] = list,
            ["temperature"] = 0.7,
            ["max_tokens"] = 256,
            ["stream"] = false,
        };

        if (withTools)
        {
            var tools = new JsonArray();
            for (var i = 0; i < 8; i++)
            {
                tools.Add(new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = $"tool_{i}",
                        ["description"] = Sentence(100 + i, 20),
                        ["parameters"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = new JsonObject
                            {
                                ["query"] = new JsonObject { ["type"] = "string" },
                                ["limit"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 100 },
                            },
                            ["required"] = new JsonArray("query"),
                        },
                    },
                });
            }

            request["tools"] = tools;
            request["response_format"] = new JsonObject { ["type"] = "json_object" };
            request["top_p"] = 1.0;
            request["seed"] = 42;
        }

        return request;
    }
}
