using System.Globalization;
using System.Text;
using System.Text.Json;
using AspireAi.ProviderEmulator.Models;
using AspireAi.ProviderEmulator.OpenAi;
using AspireAi.Tokenization;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>A chat completion request that passed validation, reduced to what the emulator acts on.</summary>
/// <param name="Model">The model id, one the emulator serves.</param>
/// <param name="Messages">The messages with their content flattened to text.</param>
/// <param name="ChoiceCount">The number of choices to generate, 1 to 8.</param>
/// <param name="MaxTokens">The limit on completion tokens per choice, if any.</param>
/// <param name="StopSequences">The stop sequences, possibly none.</param>
/// <param name="Stream">Whether to respond with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk.</param>
/// <param name="MediaTokens">The prompt tokens of the request's images and PDFs, counted apart from its text.</param>
internal sealed record ChatCompletionPlan(
    string Model,
    IReadOnlyList<ChatText> Messages,
    int ChoiceCount,
    int? MaxTokens,
    IReadOnlyList<string> StopSequences,
    bool Stream,
    bool IncludeUsage,
    int MediaTokens = 0);

/// <summary>Checks a chat completion request field by field and names the first invalid one, as OpenAI does.</summary>
internal static class ChatRequestValidator
{
    public const int MaxChoices = 8;
    public const int MaxStopSequences = 4;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal)
    {
        "system", "developer", "user", "assistant", "tool", "function",
    };

    public static OpenAiProblem? TryCreatePlan(ChatCompletionRequest request, ModelCatalog catalog, out ChatCompletionPlan? plan)
    {
        plan = null;

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiProblem.InvalidRequest("The 'model' field is missing. Set it to a model id such as gpt-4o-mini.", "model");
        }

        if (!catalog.Contains(request.Model))
        {
            return OpenAiProblem.ModelNotFound(request.Model, catalog.Models);
        }

        if (request.Messages is null || request.Messages.Count == 0)
        {
            return OpenAiProblem.InvalidRequest("The 'messages' field is missing or empty. Send at least one message, for example {\"role\":\"user\",\"content\":\"Hello\"}.", "messages");
        }

        var messages = new List<ChatText>(request.Messages.Count);
        var mediaTokens = 0;
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var problem = TryReadMessage(request.Messages[i], i, out var message, out var messageMediaTokens);
            if (problem is not null)
            {
                return problem;
            }

            messages.Add(message);
            mediaTokens += messageMediaTokens;
        }

        var settingsProblem = CheckSamplingSettings(request);
        if (settingsProblem is not null)
        {
            return settingsProblem;
        }

        var limitProblem = TryReadMaxTokens(request, out var maxTokens);
        if (limitProblem is not null)
        {
            return limitProblem;
        }

        var stopProblem = TryReadStop(request.Stop, out var stopSequences);
        if (stopProblem is not null)
        {
            return stopProblem;
        }

        var stream = request.Stream ?? false;
        if (request.StreamOptions is not null && !stream)
        {
            return OpenAiProblem.InvalidRequest("The 'stream_options' field is only allowed when 'stream' is true. Remove it or set 'stream' to true.", "stream_options");
        }

        plan = new ChatCompletionPlan(
            request.Model,
            messages,
            request.N ?? 1,
            maxTokens,
            stopSequences,
            stream,
            request.StreamOptions?.IncludeUsage ?? false,
            mediaTokens);
        return null;
    }

    private static OpenAiProblem? TryReadMessage(ChatCompletionRequestMessage? message, int index, out ChatText text, out int mediaTokens)
    {
        text = default;
        mediaTokens = 0;
        var param = $"messages[{index}]";

        if (message is null)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is null. Each message must be an object with 'role' and 'content'.", param);
        }

        if (message.Role is null || !Roles.Contains(message.Role))
        {
            var found = message.Role is null ? "missing" : $"'{message.Role}', which is not a valid role";
            return OpenAiProblem.InvalidRequest(
                $"'{param}.role' is {found}. Use one of: {string.Join(", ", Roles)}.",
                $"{param}.role");
        }

        var contentProblem = TryReadContent(message.Content, message.Role, $"{param}.content", out var content, out mediaTokens);
        if (contentProblem is not null)
        {
            return contentProblem;
        }

        text = new ChatText(message.Role, content, message.Name);
        return null;
    }

    private static OpenAiProblem? TryReadContent(JsonElement content, string role, string param, out string? text, out int mediaTokens)
    {
        text = null;
        mediaTokens = 0;
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                // An assistant message that only carries tool calls has no content.
                return role == "assistant"
                    ? null
                    : OpenAiProblem.InvalidRequest($"'{param}' is missing. A {role} message needs content as a string or an array of text parts.", param);

            case JsonValueKind.String:
                text = content.GetString();
                return null;

            case JsonValueKind.Array:
                return TryReadContentParts(content, role, param, out text, out mediaTokens);

            default:
                return OpenAiProblem.InvalidRequest($"'{param}' is a JSON {content.ValueKind}. Send a string or an array of text parts.", param);
        }
    }

    private static OpenAiProblem? TryReadContentParts(JsonElement parts, string role, string param, out string? text, out int mediaTokens)
    {
        text = null;
        mediaTokens = 0;
        if (parts.GetArrayLength() == 0)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is an empty array. Send at least one part such as {{\"type\":\"text\",\"text\":\"Hello\"}}.", param);
        }

        var builder = new StringBuilder();
        var index = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var partParam = $"{param}[{index}]";
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String)
            {
                return OpenAiProblem.InvalidRequest($"'{partParam}' must be an object with a 'type' field, such as {{\"type\":\"text\",\"text\":\"Hello\"}}.", partParam);
            }

            if (type.GetString() is "image_url" or "file")
            {
                if (role != "user")
                {
                    return OpenAiProblem.InvalidRequest($"'{partParam}' is an {type.GetString()} part in a {role} message; images and files are only allowed in user messages.", partParam);
                }

                var mediaProblem = type.GetString() == "image_url" ? TryCountImage(part, partParam, out var tokens) : TryCountFile(part, partParam, out tokens);
                if (mediaProblem is not null)
                {
                    return mediaProblem;
                }

                mediaTokens += tokens;
                index++;
                continue;
            }

            if (type.GetString() != "text")
            {
                return OpenAiProblem.InvalidRequest(
                    $"'{partParam}.type' is '{type.GetString()}'; the emulator supports 'text', 'image_url' and 'file' parts. Send audio to a real provider.",
                    $"{partParam}.type");
            }

            if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                return OpenAiProblem.InvalidRequest($"'{partParam}.text' is missing or not a string.", $"{partParam}.text");
            }

            builder.Append(partText.GetString());
            index++;
        }

        text = builder.ToString();
        return null;
    }

    private static OpenAiProblem? TryCountImage(JsonElement part, string param, out int tokens)
    {
        tokens = 0;
        if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object
            || !image.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
        {
            return OpenAiProblem.InvalidRequest($"'{param}.image_url.url' is missing. Send an http(s) URL or a base64 data URL such as data:image/png;base64,....", $"{param}.image_url.url");
        }

        string? detail = null;
        if (image.TryGetProperty("detail", out var detailElement))
        {
            detail = detailElement.ValueKind == JsonValueKind.String ? detailElement.GetString() : null;
            if (detail is not ("auto" or "low" or "high"))
            {
                return OpenAiProblem.InvalidRequest($"'{param}.image_url.detail' must be 'auto', 'low' or 'high'.", $"{param}.image_url.detail");
            }
        }

        var url = urlElement.GetString();
        if (MediaTokens.IsHttpUrl(url))
        {
            tokens = EmulatedMediaTokens.OpenAiImage(null, detail);
            return null;
        }

        if (!MediaTokens.TryReadDataUrl(url, out var mediaType, out var bytes))
        {
            return OpenAiProblem.InvalidRequest($"'{param}.image_url.url' is neither an http(s) URL nor a valid base64 data URL.", $"{param}.image_url.url", "invalid_image_url");
        }

        if (!MediaTokens.ImageMediaTypes.Contains(mediaType))
        {
            return OpenAiProblem.InvalidRequest(
                $"'{param}.image_url.url' is an image of type '{mediaType}'. Send one of {string.Join(", ", MediaTokens.ImageMediaTypes)}.",
                $"{param}.image_url.url",
                "invalid_image_format");
        }

        tokens = EmulatedMediaTokens.OpenAiImage(MediaTokens.ReadImageSize(bytes), detail);
        return null;
    }

    private static OpenAiProblem? TryCountFile(JsonElement part, string param, out int tokens)
    {
        tokens = 0;
        if (!part.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            return OpenAiProblem.InvalidRequest($"'{param}.file' is missing. Send {{\"file_data\": \"data:application/pdf;base64,...\"}}.", $"{param}.file");
        }

        if (file.TryGetProperty("file_id", out _))
        {
            return OpenAiProblem.InvalidRequest($"'{param}.file.file_id' names an uploaded file, but the emulator has no Files API. Send the PDF in file_data.", $"{param}.file.file_id");
        }

        var data = file.TryGetProperty("file_data", out var dataElement) && dataElement.ValueKind == JsonValueKind.String ? dataElement.GetString() : null;
        if (!MediaTokens.TryReadDataUrl(data, out var mediaType, out var bytes) || mediaType != MediaTokens.PdfMediaType)
        {
            return OpenAiProblem.InvalidRequest(
                $"'{param}.file.file_data' must be a base64 data URL of a PDF, such as data:application/pdf;base64,JVBERi0...; chat completions take PDF files only.",
                $"{param}.file.file_data");
        }

        tokens = EmulatedMediaTokens.OpenAiPdf(bytes);
        return null;
    }

    private static OpenAiProblem? CheckSamplingSettings(ChatCompletionRequest request)
    {
        if (request.N is < 1 or > MaxChoices)
        {
            return OpenAiProblem.InvalidRequest($"'n' is {request.N}; the emulator generates between 1 and {MaxChoices} choices.", "n");
        }

        if (request.Temperature is { } temperature && (!double.IsFinite(temperature) || temperature is < 0 or > 2))
        {
            return OpenAiProblem.InvalidRequest(
                $"'temperature' is {temperature.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 2.", "temperature");
        }

        if (request.TopP is { } topP && (!double.IsFinite(topP) || topP is < 0 or > 1))
        {
            return OpenAiProblem.InvalidRequest(
                $"'top_p' is {topP.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 1.", "top_p");
        }

        return null;
    }

    private static OpenAiProblem? TryReadMaxTokens(ChatCompletionRequest request, out int? maxTokens)
    {
        maxTokens = null;
        if (request.MaxTokens is not null && request.MaxCompletionTokens is not null)
        {
            return OpenAiProblem.InvalidRequest("Set either 'max_tokens' or 'max_completion_tokens', not both.", "max_tokens");
        }

        var (value, param) = request.MaxCompletionTokens is { } completionLimit
            ? (completionLimit, "max_completion_tokens")
            : (request.MaxTokens, "max_tokens");
        if (value is < 1)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is {value}; it must be 1 or more.", param);
        }

        maxTokens = value;
        return null;
    }

    private static OpenAiProblem? TryReadStop(JsonElement stop, out IReadOnlyList<string> stopSequences)
    {
        stopSequences = [];
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;

            case JsonValueKind.String:
                return TryAddStopSequence(stop, "stop", out stopSequences);

            case JsonValueKind.Array:
                if (stop.GetArrayLength() > MaxStopSequences)
                {
                    return OpenAiProblem.InvalidRequest($"'stop' has {stop.GetArrayLength()} sequences; send at most {MaxStopSequences}.", "stop");
                }

                var sequences = new List<string>();
                var index = 0;
                foreach (var item in stop.EnumerateArray())
                {
                    var problem = TryAddStopSequence(item, $"stop[{index}]", out var sequence);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    sequences.AddRange(sequence);
                    index++;
                }

                stopSequences = sequences;
                return null;

            default:
                return OpenAiProblem.InvalidRequest($"'stop' is a JSON {stop.ValueKind}. Send a string or an array of up to {MaxStopSequences} strings.", "stop");
        }
    }

    private static OpenAiProblem? TryAddStopSequence(JsonElement item, string param, out IReadOnlyList<string> sequences)
    {
        sequences = [];
        if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
        {
            return OpenAiProblem.InvalidRequest($"'{param}' must be a non-empty string.", param);
        }

        sequences = [item.GetString()!];
        return null;
    }
}
