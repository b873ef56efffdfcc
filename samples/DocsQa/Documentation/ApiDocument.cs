namespace AspireAi.Samples.DocsQa.Documentation;

/// <summary>One documented API member, ready to upsert into a collection.</summary>
/// <param name="Id">The document id: the member name, or its start plus a hash when the name is longer than 128 characters.</param>
/// <param name="MemberName">The documentation comment id, for example <c>M:System.DateTime.Parse(System.String)</c>.</param>
/// <param name="Kind">The member kind: type, method, constructor, property, field, event or namespace.</param>
/// <param name="Assembly">The assembly that the documentation file describes.</param>
/// <param name="Text">The member's documentation as plain text, headed by its kind and name.</param>
public sealed record ApiDocument(string Id, string MemberName, string Kind, string Assembly, string Text);
