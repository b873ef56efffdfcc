using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace AspireAi.Samples.DocsQa.Documentation;

/// <summary>
/// Turns a .NET XML documentation file into one plain-text <see cref="ApiDocument"/> per documented
/// member. Inline elements (<c>see</c>, <c>paramref</c>, <c>c</c>, <c>xref</c>) become the words they
/// stand for, and block elements (<c>para</c>, <c>code</c>, <c>list</c>) become line breaks.
/// </summary>
public static partial class XmlDocumentationExtractor
{
    /// <summary>The maximum document id length that embedding-search accepts.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The maximum document text length that embedding-search accepts, in UTF-16 characters.</summary>
    public const int MaxTextLength = 32_000;

    private const int IdHashLength = 16;

    /// <summary>Reads the documentation file at <paramref name="path"/>.</summary>
    /// <param name="path">A documentation file, for example <c>System.Runtime.xml</c>.</param>
    /// <returns>The documented members in file order, read lazily.</returns>
    public static IEnumerable<ApiDocument> ExtractFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        return ExtractFileIterator(path);
    }

    /// <summary>Reads documentation XML from <paramref name="reader"/>.</summary>
    /// <param name="reader">The XML text. The caller keeps ownership.</param>
    /// <param name="fallbackAssemblyName">The assembly name used when the file has no <c>&lt;assembly&gt;&lt;name&gt;</c>.</param>
    /// <returns>The documented members in file order, read lazily. Members without any documentation text are left out.</returns>
    /// <exception cref="XmlException">The text is not well-formed XML.</exception>
    public static IEnumerable<ApiDocument> Extract(TextReader reader, string fallbackAssemblyName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(fallbackAssemblyName);

        return ExtractIterator(reader, fallbackAssemblyName);
    }

    /// <summary>
    /// Creates the document id for a member name: the name itself when it fits in 128 characters,
    /// otherwise its first 111 characters, '~' and the first 16 hex digits of its SHA-256 hash.
    /// </summary>
    /// <param name="memberName">The documentation comment id.</param>
    /// <returns>An id of at most <see cref="MaxIdLength"/> characters that is the same on every run.</returns>
    public static string CreateId(string memberName)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberName);

        if (memberName.Length <= MaxIdLength)
        {
            return memberName;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(memberName)));
        var prefixLength = MaxIdLength - 1 - IdHashLength;
        return string.Concat(memberName.AsSpan(0, prefixLength), "~", hash.AsSpan(0, IdHashLength));
    }

    /// <summary>Converts one <c>&lt;member&gt;</c> element.</summary>
    /// <param name="member">The element.</param>
    /// <param name="assembly">The assembly of the file it came from.</param>
    /// <returns>The document, or <see langword="null"/> when the member has no name or no documentation text.</returns>
    public static ApiDocument? ToDocument(XElement member, string assembly)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentException.ThrowIfNullOrEmpty(assembly);

        var memberName = member.Attribute("name")?.Value.Trim();
        if (memberName is null || memberName.Length < 3 || memberName[1] != ':' || KindOf(memberName) is not { } kind)
        {
            return null;
        }

        var sections = new List<string>();
        AddSection(sections, string.Empty, member.Element("summary"));
        foreach (var typeParameter in member.Elements("typeparam"))
        {
            AddSection(sections, $"Type parameter {typeParameter.Attribute("name")?.Value}: ", typeParameter);
        }

        foreach (var parameter in member.Elements("param"))
        {
            AddSection(sections, $"Parameter {parameter.Attribute("name")?.Value}: ", parameter);
        }

        AddSection(sections, "Returns: ", member.Element("returns"));
        AddSection(sections, "Value: ", member.Element("value"));
        AddSection(sections, "Remarks: ", member.Element("remarks"));
        if (sections.Count == 0)
        {
            return null;
        }

        var typeParameters = member.Elements("typeparam").Select(element => element.Attribute("name")?.Value ?? string.Empty).ToList();
        var header = string.Concat(char.ToUpperInvariant(kind[0]).ToString(), kind.AsSpan(1), " ", FormatSignature(memberName, typeParameters));
        var text = header + "\n" + string.Join('\n', sections);

        // NOTE: a text over the limit is cut, not split, so its tail is not searchable. The maximum
        // text length from the six default files of the 10.0.12 pack is about 3,700 characters.
        if (text.Length > MaxTextLength)
        {
            text = text[..MaxTextLength];
        }

        return new ApiDocument(CreateId(memberName), memberName, kind, assembly, text);
    }

    /// <summary>Flattens an element's content to plain text with one line per paragraph, list item or code block.</summary>
    /// <param name="element">A documentation element such as <c>summary</c> or <c>remarks</c>.</param>
    /// <returns>The text, with runs of white space collapsed and empty lines removed.</returns>
    public static string Flatten(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);

        var builder = new StringBuilder();
        AppendNodes(builder, element.Nodes());

        var lines = builder.ToString()
            .Split('\n')
            .Select(line => Whitespace().Replace(line, " ").Trim())
            .Where(line => line.Length > 0);
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Formats a code reference the way the docs site shows it: a type by its name, a member as
    /// <c>Type.Member</c>, a constructor by its type name, a namespace in full. Parameter lists and
    /// generic arity markers are dropped.
    /// </summary>
    /// <param name="cref">A documentation comment id such as <c>M:System.IO.Stream.CopyTo(System.IO.Stream)</c>, with or without its prefix.</param>
    /// <returns>The short name, for example <c>Stream.CopyTo</c>.</returns>
    public static string FormatCref(string cref)
    {
        ArgumentNullException.ThrowIfNull(cref);

        var prefix = cref.Length > 2 && cref[1] == ':' ? cref[0] : '\0';
        var name = prefix == '\0' ? cref : cref[2..];
        if (prefix == 'N')
        {
            return name;
        }

        var parameterStart = name.IndexOf('(', StringComparison.Ordinal);
        if (parameterStart >= 0)
        {
            name = name[..parameterStart];
        }

        var parts = GenericArity().Replace(name, string.Empty).Split('.');
        if (parts.Length == 1)
        {
            return parts[0];
        }

        if (parts[^1] is "#ctor" or "#cctor")
        {
            return parts[^2];
        }

        return prefix is 'M' or 'P' or 'F' or 'E' ? parts[^2] + "." + parts[^1] : parts[^1];
    }

    /// <summary>
    /// Formats a member name for reading: generic arity markers and constructor names dropped,
    /// parameter types without namespaces, <c>{}</c> as <c>&lt;&gt;</c>, and method type parameters
    /// (<c>``0</c>) by their names.
    /// </summary>
    /// <param name="memberName">A documentation comment id such as <c>M:System.Linq.Enumerable.Count``1(System.Collections.Generic.IEnumerable{``0})</c>.</param>
    /// <param name="methodTypeParameters">The names from the member's <c>typeparam</c> elements, in order.</param>
    /// <returns>The signature, for example <c>System.Linq.Enumerable.Count(IEnumerable&lt;TSource&gt;)</c>.</returns>
    public static string FormatSignature(string memberName, IReadOnlyList<string> methodTypeParameters)
    {
        ArgumentNullException.ThrowIfNull(memberName);
        ArgumentNullException.ThrowIfNull(methodTypeParameters);

        var name = memberName.Length > 2 && memberName[1] == ':' ? memberName[2..] : memberName;
        var parameterStart = name.IndexOf('(', StringComparison.Ordinal);
        var path = parameterStart < 0 ? name : name[..parameterStart];
        path = GenericArity().Replace(path, string.Empty).Replace(".#ctor", string.Empty, StringComparison.Ordinal).Replace(".#cctor", string.Empty, StringComparison.Ordinal);
        if (parameterStart < 0)
        {
            return path;
        }

        var parameters = name[parameterStart..];
        parameters = MethodTypeParameter().Replace(parameters, match =>
        {
            var position = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return position < methodTypeParameters.Count && methodTypeParameters[position].Length > 0 ? methodTypeParameters[position] : "T" + match.Groups[1].Value;
        });
        parameters = TypeTypeParameter().Replace(parameters, "T$1");
        parameters = QualifiedName().Replace(parameters, match => match.Value[(match.Value.LastIndexOf('.') + 1)..]);
        return path + parameters.Replace('{', '<').Replace('}', '>').Replace(",", ", ", StringComparison.Ordinal);
    }

    private static IEnumerable<ApiDocument> ExtractFileIterator(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var document in ExtractIterator(reader, Path.GetFileNameWithoutExtension(path)))
        {
            yield return document;
        }
    }

    private static IEnumerable<ApiDocument> ExtractIterator(TextReader reader, string fallbackAssemblyName)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, IgnoreProcessingInstructions = true };
        using var xml = XmlReader.Create(reader, settings);
        var assembly = fallbackAssemblyName;

        xml.MoveToContent();
        while (!xml.EOF)
        {
            if (xml.NodeType != XmlNodeType.Element || xml.Name is not ("assembly" or "member"))
            {
                xml.Read();
                continue;
            }

            // ReadFrom moves the reader past the element, so the loop must not call Read again.
            var element = (XElement)XNode.ReadFrom(xml);
            if (element.Name.LocalName == "assembly")
            {
                var name = element.Element("name")?.Value.Trim();
                assembly = string.IsNullOrEmpty(name) ? fallbackAssemblyName : name;
            }
            else if (ToDocument(element, assembly) is { } document)
            {
                yield return document;
            }
        }
    }

    private static string? KindOf(string memberName) => memberName[0] switch
    {
        'T' => "type",
        'M' when memberName.Contains(".#ctor", StringComparison.Ordinal) || memberName.Contains(".#cctor", StringComparison.Ordinal) => "constructor",
        'M' => "method",
        'P' => "property",
        'F' => "field",
        'E' => "event",
        'N' => "namespace",
        _ => null,
    };

    private static void AddSection(List<string> sections, string label, XElement? element)
    {
        if (element is null)
        {
            return;
        }

        var text = Flatten(element);
        if (text.Length == 0)
        {
            return;
        }

        // A section of several lines, such as a list, starts on the line after its label.
        sections.Add(text.Contains('\n', StringComparison.Ordinal) && label.Length > 0 ? label.TrimEnd() + "\n" + text : label + text);
    }

    private static void AppendNodes(StringBuilder builder, IEnumerable<XNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (node is XText text)
            {
                // Line breaks inside text are layout of the XML file, not of the documentation.
                builder.Append(text.Value.Replace('\r', ' ').Replace('\n', ' '));
            }
            else if (node is XElement element)
            {
                AppendElement(builder, element);
            }
        }
    }

    private static void AppendElement(StringBuilder builder, XElement element)
    {
        switch (element.Name.LocalName)
        {
            case "see" or "seealso":
                AppendReference(builder, element);
                break;

            case "xref":
                builder.Append(FormatCref(element.Attribute("uid")?.Value ?? string.Empty));
                break;

            case "paramref" or "typeparamref":
                builder.Append(element.Attribute("name")?.Value);
                break;

            case "para" or "code":
                builder.Append('\n');
                AppendNodes(builder, element.Nodes());
                builder.Append('\n');
                break;

            case "br":
                builder.Append('\n');
                break;

            case "list":
                AppendList(builder, element);
                break;

            case "forInternalUseOnly":
                break;

            default:
                // c, b, i, em, sup, sub and unknown inline elements keep their text.
                AppendNodes(builder, element.Nodes());
                break;
        }
    }

    private static void AppendReference(StringBuilder builder, XElement element)
    {
        if (element.Nodes().Any())
        {
            AppendNodes(builder, element.Nodes());
        }
        else if (element.Attribute("cref")?.Value is { } cref)
        {
            builder.Append(FormatCref(cref));
        }
        else if (element.Attribute("langword")?.Value is { } keyword)
        {
            builder.Append(keyword);
        }
        else if (element.Attribute("href")?.Value is { } link)
        {
            builder.Append(link);
        }
    }

    private static void AppendList(StringBuilder builder, XElement list)
    {
        foreach (var item in list.Elements("item"))
        {
            builder.Append("\n- ");
            var term = item.Element("term");
            var description = item.Element("description");
            if (term is null && description is null)
            {
                AppendNodes(builder, item.Nodes());
                continue;
            }

            if (term is not null)
            {
                AppendNodes(builder, term.Nodes());
            }

            if (term is not null && description is not null)
            {
                builder.Append(": ");
            }

            if (description is not null)
            {
                AppendNodes(builder, description.Nodes());
            }
        }

        builder.Append('\n');
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"`+\d+")]
    private static partial Regex GenericArity();

    [GeneratedRegex(@"``(\d+)")]
    private static partial Regex MethodTypeParameter();

    [GeneratedRegex(@"(?<![\w`])`(\d+)")]
    private static partial Regex TypeTypeParameter();

    [GeneratedRegex(@"[\w]+(?:\.[\w]+)+")]
    private static partial Regex QualifiedName();
}
