using System.Security.Cryptography;
using System.Text;

namespace AspireAi.Samples.DocsQa.Documentation;

/// <summary>The documents chosen for ingestion, with counts for the run's report.</summary>
/// <param name="Documents">The documents in file order, each id once.</param>
/// <param name="Assemblies">The assemblies read, in the order read.</param>
/// <param name="DuplicatesSkipped">Members documented in more than one file; the first file's text is kept.</param>
/// <param name="CapReached">Whether the document cap stopped reading early.</param>
internal sealed record DocumentSelection(
    IReadOnlyList<ApiDocument> Documents,
    IReadOnlyList<string> Assemblies,
    int DuplicatesSkipped,
    bool CapReached)
{
    /// <summary>Reads the assemblies' documentation files in order, dropping repeated ids and stopping at the cap.</summary>
    /// <param name="pack">The reference pack.</param>
    /// <param name="assemblies">The assembly names, each with a file in the pack.</param>
    /// <param name="maxDocuments">The cap, or <see langword="null"/> for none.</param>
    public static DocumentSelection Read(ReferencePack pack, IReadOnlyList<string> assemblies, int? maxDocuments)
    {
        var documents = new List<ApiDocument>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;

        foreach (var assembly in assemblies)
        {
            foreach (var document in XmlDocumentationExtractor.ExtractFile(pack.GetFilePath(assembly)))
            {
                if (documents.Count == maxDocuments)
                {
                    return new DocumentSelection(documents, assemblies, duplicates, CapReached: true);
                }

                if (seenIds.Add(document.Id))
                {
                    documents.Add(document);
                }
                else
                {
                    duplicates++;
                }
            }
        }

        return new DocumentSelection(documents, assemblies, duplicates, CapReached: false);
    }

    /// <summary>
    /// Derives a collection name from the pack version, the assemblies and the cap, so a different
    /// selection fills a different collection and the document count shows whether ingestion is done.
    /// </summary>
    public static string DefaultCollectionName(ReferencePack pack, IReadOnlyList<string> assemblies, int? maxDocuments)
    {
        var selection = string.Join(',', assemblies) + "|" + (maxDocuments?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(selection)));
        return $"dotnet-api-{pack.Version}-{hash[..8]}";
    }
}
