using AspireAi.EmbeddingSearch.Storage.Qdrant;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Qdrant;

public sealed class PointIdsTests
{
    [Fact]
    public void Version5_RfcExample_MatchesPublishedUuid()
    {
        // RFC 9562, appendix A.4: the DNS namespace and the name "www.example.com".
        var dns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        var id = PointIds.Version5(dns, "www.example.com");

        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"), id);
        Assert.Equal(5, id.Version);
    }

    [Fact]
    public void For_EachInput_ChangesId()
    {
        var tenant = Guid.Parse("0b7c2f3e-1111-4a5b-9c8d-000000000001");

        var id = PointIds.For(tenant, "docs", "a", 0);

        Assert.Equal(id, PointIds.For(tenant, "docs", "a", 0));
        Assert.NotEqual(id, PointIds.For(tenant, "docs", "a", 1));
        Assert.NotEqual(id, PointIds.For(tenant, "docs2", "a", 0));
        Assert.NotEqual(id, PointIds.For(Guid.NewGuid(), "docs", "a", 0));
        Assert.NotEqual(PointIds.For(tenant, "a/b", "c", 0), PointIds.For(tenant, "a", "b/c", 0));
    }
}
