using System.Globalization;
using System.Text;
using System.Xml;
using AspireAi.Ingest.Discovery;
using AspireAi.Samples.DocsQa.Documentation;

namespace AspireAi.Ingest.Extraction;

/// <summary>One document to upload.</summary>
/// <param name="Id">The document id, at most 128 characters, the same on every run for the same file or member.</param>
/// <param name="Text">The text, 1 to 32,000 characters.</param>
/// <param name="Metadata">Flat metadata: <c>source</c> and <c>format</c> always, plus <c>title</c>, <c>part</c>, <c>kind</c>, <c>member</c> or <c>assembly</c> where they apply.</param>
/// <param name="SourcePath">The relative path of the file it came from.</param>
internal sealed record IngestDocument(string Id, string Text, IReadOnlyDictionary<string, object> Metadata, string SourcePath);

/// <summary>The documents of one file, or why the file was skipped.</summary>
/// <param name="Documents">The documents; empty when the file was skipped.</param>
/// <param name="SkipReason">Why the file gave no documents, or <see langword="null"/>.</param>
internal sealed record ExtractionResult(IReadOnlyList<IngestDocument> Documents, string? SkipReason)
{
    public static ExtractionResult Skipped(string reason) => new([], reason);
}

/// <summary>Turns a discovered file into documents: one per text or Markdown file, one per documented member of an XML documentation file.</summary>
internal static class DocumentExtractor
{
    /// <summary>The maximum document text length that embedding-search accepts, in UTF-16 characters.</summary>
    public const int MaxTextLength = XmlDocumentationExtractor.MaxTextLength;

    /// <summary>Reads and converts one file.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The documents, or the reason the file was skipped.</returns>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static ExtractionResult Extract(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);

        // UTF-8 unless a byte order mark indicates another encoding; invalid bytes become U+FFFD instead of failing.
        var content = File.ReadAllText(file.FullPath, Encoding.UTF8);
        return file.Format == SourceFormat.XmlDocumentation
            ? ExtractXmlDocumentation(file.RelativePath, content)
            : ExtractText(file.RelativePath, content, file.Format);
    }

    /// <summary>
    /// Converts a text or Markdown file into one document whose id is the relative path. A text longer
    /// than <see cref="MaxTextLength"/> is split at line breaks into parts with ids <c>{path}#part-{n}</c>,
    /// so no text is lost; the service then chunks each document for embedding.
    /// </summary>
    /// <param name="relativePath">The path under the ingested folder, with '/' separators.</param>
    /// <param name="content">The file content.</param>
    /// <param name="format">Text or Markdown.</param>
    /// <returns>The documents, or a skip reason for a file without text.</returns>
    public static ExtractionResult ExtractText(string relativePath, string content, SourceFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        ArgumentNullException.ThrowIfNull(content);

        var text = content.ReplaceLineEndings("\n").Trim();
        if (text.Length == 0)
        {
            return ExtractionResult.Skipped("The file is empty or contains only white space.");
        }

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["source"] = relativePath,
            ["format"] = format == SourceFormat.Markdown ? "markdown" : "text",
        };
        if (format == SourceFormat.Markdown && FindMarkdownTitle(text) is { } title)
        {
            metadata["title"] = title;
        }

        var parts = SplitIntoParts(text, MaxTextLength);
        if (parts.Count == 1)
        {
            return new ExtractionResult([new IngestDocument(XmlDocumentationExtractor.CreateId(relativePath), text, metadata, relativePath)], null);
        }

        // NOTE: when a file grows past the limit between runs, the document stored under the plain path
        // from the earlier run is not deleted, because an upsert only replaces documents with the same id.
        var documents = new List<IngestDocument>(parts.Count);
        for (var index = 0; index < parts.Count; index++)
        {
            var partMetadata = new Dictionary<string, object>(metadata, StringComparer.Ordinal) { ["part"] = index + 1 };
            var id = XmlDocumentationExtractor.CreateId(string.Create(CultureInfo.InvariantCulture, $"{relativePath}#part-{index + 1}"));
            documents.Add(new IngestDocument(id, parts[index], partMetadata, relativePath));
        }

        return new ExtractionResult(documents, null);
    }

    /// <summary>Converts a .NET XML documentation file into one document per documented member, with the member id as the document id.</summary>
    /// <param name="relativePath">The path under the ingested folder, with '/' separators.</param>
    /// <param name="content">The file content.</param>
    /// <returns>The documents, or a skip reason for XML that is malformed, is not a documentation file or documents nothing.</returns>
    public static ExtractionResult ExtractXmlDocumentation(string relativePath, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        ArgumentNullException.ThrowIfNull(content);

        List<ApiDocument> members;
        try
        {
            var root = ReadRootElementName(content);
            if (root != "doc")
            {
                return ExtractionResult.Skipped($"The root element is <{root}>, not <doc>, so this is not a .NET XML documentation file.");
            }

            var fallbackAssembly = Path.GetFileNameWithoutExtension(relativePath);
            members = XmlDocumentationExtractor.Extract(new StringReader(content), fallbackAssembly).ToList();
        }
        catch (XmlException exception)
        {
            return ExtractionResult.Skipped($"The file is not well-formed XML: {exception.Message}");
        }

        if (members.Count == 0)
        {
            return ExtractionResult.Skipped("The documentation file documents no member with text.");
        }

        var documents = members
            .Select(member => new IngestDocument(
                member.Id,
                member.Text,
                new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["source"] = relativePath,
                    ["format"] = "xml-doc",
                    ["kind"] = member.Kind,
                    ["member"] = member.MemberName,
                    ["assembly"] = member.Assembly,
                },
                relativePath))
            .ToList();
        return new ExtractionResult(documents, null);
    }

    /// <summary>Returns the text of the first ATX heading (<c># Title</c>, any level), or <see langword="null"/> when there is none.</summary>
    /// <param name="markdown">The Markdown text with '\n' line breaks.</param>
    /// <returns>The heading text without its '#' marks.</returns>
    public static string? FindMarkdownTitle(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);

        var inFence = false;
        foreach (var rawLine in markdown.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence || !line.StartsWith('#'))
            {
                continue;
            }

            var level = line.TakeWhile(character => character == '#').Count();
            if (level > 6 || (line.Length > level && line[level] != ' '))
            {
                continue;
            }

            var title = line[level..].Trim().TrimEnd('#').Trim();
            if (title.Length > 0)
            {
                return title;
            }
        }

        return null;
    }

    /// <summary>
    /// Splits a text into parts of at most <paramref name="maxLength"/> characters, each ending at a
    /// line break where one exists in the second half of the part, otherwise at the limit itself.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="maxLength">The maximum part length.</param>
    /// <returns>The parts in order, trimmed, without empty ones; joined they contain every non-blank line of the text.</returns>
    public static IReadOnlyList<string> SplitIntoParts(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);

        var parts = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(maxLength, text.Length - start);
            if (start + length < text.Length)
            {
                var lineBreak = text.LastIndexOf('\n', start + length - 1, length);
                if (lineBreak >= start + (length / 2))
                {
                    length = lineBreak - start + 1;
                }
                else if (char.IsHighSurrogate(text[start + length - 1]))
                {
                    // Never cut between the two halves of a surrogate pair.
                    length--;
                }
            }

            var part = text.Substring(start, length).Trim();
            if (part.Length > 0)
            {
                parts.Add(part);
            }

            start += length;
        }

        return parts;
    }

    private static string ReadRootElementName(string content)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, IgnoreProcessingInstructions = true };
        using var reader = XmlReader.Create(new StringReader(content), settings);
        reader.MoveToContent();
        return reader.LocalName;
    }
}
