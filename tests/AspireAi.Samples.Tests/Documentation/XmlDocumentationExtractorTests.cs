using System.Xml.Linq;
using AspireAi.Samples.DocsQa.Documentation;

namespace AspireAi.Samples.Tests.Documentation;

public sealed class XmlDocumentationExtractorTests
{
    private const string InlineSample = """
        <?xml version="1.0" encoding="utf-8"?>
        <doc>
          <assembly>
            <name>Sample.Assembly</name>
          </assembly>
          <members>
            <member name="M:Sample.Reader.Read(System.Byte[],System.Int32)">
              <summary>Reads up to <paramref name="count" /> bytes from the
                underlying <see cref="T:System.IO.Stream" /> into <c>buffer</c>.</summary>
              <param name="buffer">The destination, or <see langword="null" /> to discard.</param>
              <param name="count">The maximum number of bytes; see <see cref="P:System.IO.Stream.Length">the length</see>.</param>
              <returns>The number of bytes read, as returned by <see cref="M:System.IO.Stream.Read(System.Byte[],System.Int32,System.Int32)" />.</returns>
              <exception cref="T:System.ArgumentNullException">Never thrown.</exception>
            </member>
            <member name="M:Sample.Reader.Undocumented">
              <summary>
              </summary>
              <exception cref="T:System.InvalidOperationException">Only an exception is documented.</exception>
            </member>
            <member name="T:Sample.Reader">
              <summary>
                <para>First paragraph.</para>
                <para>Second   paragraph with <xref data-throw-if-not-resolved="true" uid="System.Collections.Generic.List`1"></xref>.</para>
              </summary>
              <remarks>
                <list type="bullet">
                  <item><term>Fast</term><description>Buffers reads.</description></item>
                  <item><description>Thread-safe.</description></item>
                </list>
              </remarks>
            </member>
            <member name="M:Sample.Reader.#ctor">
              <summary>Creates a reader.</summary>
            </member>
          </members>
        </doc>
        """;

    [Fact]
    public void Extract_InlineSample_FlattensInlineElements()
    {
        var documents = ExtractInlineSample();

        var read = documents.Single(document => document.MemberName == "M:Sample.Reader.Read(System.Byte[],System.Int32)");
        Assert.Equal(
            "Method Sample.Reader.Read(Byte[], Int32)\n"
            + "Reads up to count bytes from the underlying Stream into buffer.\n"
            + "Parameter buffer: The destination, or null to discard.\n"
            + "Parameter count: The maximum number of bytes; see the length.\n"
            + "Returns: The number of bytes read, as returned by Stream.Read.",
            read.Text);
        Assert.Equal("method", read.Kind);
        Assert.Equal("Sample.Assembly", read.Assembly);
        Assert.Equal(read.MemberName, read.Id);
    }

    [Fact]
    public void Extract_MemberWithoutDocumentation_IsSkipped()
    {
        var documents = ExtractInlineSample();

        Assert.DoesNotContain(documents, document => document.MemberName == "M:Sample.Reader.Undocumented");
        Assert.Equal(3, documents.Count);
    }

    [Fact]
    public void Extract_ParagraphsAndLists_BecomeLines()
    {
        var documents = ExtractInlineSample();

        var type = documents.Single(document => document.MemberName == "T:Sample.Reader");
        Assert.Equal(
            "Type Sample.Reader\n"
            + "First paragraph.\n"
            + "Second paragraph with List.\n"
            + "Remarks:\n"
            + "- Fast: Buffers reads.\n"
            + "- Thread-safe.",
            type.Text);
        Assert.Equal("type", type.Kind);
    }

    [Fact]
    public void Extract_Constructor_HasConstructorKind()
    {
        var documents = ExtractInlineSample();

        var constructor = documents.Single(document => document.MemberName == "M:Sample.Reader.#ctor");
        Assert.Equal("constructor", constructor.Kind);
        Assert.Equal("Constructor Sample.Reader\nCreates a reader.", constructor.Text);
    }

    [Fact]
    public void Extract_NoAssemblyElement_UsesFallbackName()
    {
        const string Xml = """<doc><members><member name="F:Sample.Level.High"><summary>High.</summary></member></members></doc>""";

        var documents = XmlDocumentationExtractor.Extract(new StringReader(Xml), "Fallback.Name").ToList();

        var field = Assert.Single(documents);
        Assert.Equal("Fallback.Name", field.Assembly);
        Assert.Equal("field", field.Kind);
    }

    [Fact]
    public void CreateId_ShortName_ReturnsNameUnchanged()
    {
        var id = XmlDocumentationExtractor.CreateId("M:System.DateTime.Parse(System.String)");

        Assert.Equal("M:System.DateTime.Parse(System.String)", id);
    }

    [Fact]
    public void CreateId_LongNames_HashedStableAndDistinct()
    {
        var prefix = "M:Sample.Type.Method(" + new string('A', 200);
        var first = prefix + ",System.Int32)";
        var second = prefix + ",System.Int64)";

        var firstId = XmlDocumentationExtractor.CreateId(first);
        var secondId = XmlDocumentationExtractor.CreateId(second);

        Assert.Equal(XmlDocumentationExtractor.MaxIdLength, firstId.Length);
        Assert.Equal(XmlDocumentationExtractor.MaxIdLength, secondId.Length);
        Assert.StartsWith(first[..111] + "~", firstId, StringComparison.Ordinal);
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(firstId, XmlDocumentationExtractor.CreateId(first));
    }

    [Fact]
    public void CreateId_Exactly128Characters_NotHashed()
    {
        var name = "T:" + new string('B', 126);

        var id = XmlDocumentationExtractor.CreateId(name);

        Assert.Equal(name, id);
    }

    [Theory]
    [InlineData("T:System.IO.Compression.GZipStream", "GZipStream")]
    [InlineData("M:System.IO.Stream.CopyTo(System.IO.Stream)", "Stream.CopyTo")]
    [InlineData("P:System.IO.Stream.CanWrite", "Stream.CanWrite")]
    [InlineData("M:System.DateTime.#ctor(System.Int64)", "DateTime")]
    [InlineData("T:System.Collections.Generic.List`1", "List")]
    [InlineData("M:System.Linq.Enumerable.OrderBy``2(System.Collections.Generic.IEnumerable{``0},System.Func{``0,``1})", "Enumerable.OrderBy")]
    [InlineData("N:System.IO", "System.IO")]
    [InlineData("System.Collections.Generic.IAsyncEnumerable`1", "IAsyncEnumerable")]
    public void FormatCref_Reference_ReturnsShortName(string cref, string expected)
    {
        var formatted = XmlDocumentationExtractor.FormatCref(cref);

        Assert.Equal(expected, formatted);
    }

    [Theory]
    [InlineData("M:System.DateTime.Parse(System.String)", "", "System.DateTime.Parse(String)")]
    [InlineData("M:System.Linq.Enumerable.GroupBy``2(System.Collections.Generic.IEnumerable{``0},System.Func{``0,``1})", "TSource,TKey", "System.Linq.Enumerable.GroupBy(IEnumerable<TSource>, Func<TSource, TKey>)")]
    [InlineData("M:System.Collections.Generic.List`1.Sort(System.Comparison{`0})", "", "System.Collections.Generic.List.Sort(Comparison<T0>)")]
    [InlineData("M:System.IO.Compression.GZipStream.#ctor(System.IO.Stream,System.IO.Compression.CompressionMode)", "", "System.IO.Compression.GZipStream(Stream, CompressionMode)")]
    [InlineData("T:System.Collections.Generic.Dictionary`2.Enumerator", "", "System.Collections.Generic.Dictionary.Enumerator")]
    public void FormatSignature_MemberName_ReturnsReadableSignature(string memberName, string typeParameters, string expected)
    {
        var names = typeParameters.Split(',', StringSplitOptions.RemoveEmptyEntries);

        var signature = XmlDocumentationExtractor.FormatSignature(memberName, names);

        Assert.Equal(expected, signature);
    }

    [Fact]
    public void Flatten_CodeBlock_OwnLine()
    {
        var element = XElement.Parse("<remarks>Example:<code>var x = 1;\n   var y = 2;</code>Done.</remarks>");

        var text = XmlDocumentationExtractor.Flatten(element);

        Assert.Equal("Example:\nvar x = 1; var y = 2;\nDone.", text);
    }

    private static List<ApiDocument> ExtractInlineSample() =>
        XmlDocumentationExtractor.Extract(new StringReader(InlineSample), "Unused.Fallback").ToList();
}
