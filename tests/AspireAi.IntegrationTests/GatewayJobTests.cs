using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace AspireAi.IntegrationTests;

public class GatewayJobTests(AspireAiAppFixture fixture)
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static object Chat(string prompt) =>
        new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = prompt } } };

    private static async Task<JsonElement> WaitForFinishAsync(HttpClient http, string statusUrl)
    {
        var deadline = DateTime.UtcNow + PollTimeout;
        while (true)
        {
            var job = await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation);
            var status = job.GetProperty("status").GetString();
            if (status is not ("queued" or "running"))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {statusUrl} was still {status} after {PollTimeout}.");
            }

            await Task.Delay(200, Cancellation);
        }
    }

    [Fact]
    public async Task Job_ChatCompletion_Returns202ThenResult()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.completion", request = Chat("A job for later.") }, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var accepted = await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var statusUrl = accepted.GetProperty("status_url").GetString()!;
        Assert.Equal(statusUrl, submitted.Headers.Location!.ToString());
        var job = await WaitForFinishAsync(http, statusUrl);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var result = job.GetProperty("result");
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Contains("A job for later.", result.GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);

        for (var poll = 0; poll < 5; poll++)
        {
            await http.GetAsync(statusUrl, Cancellation);
        }

        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(1, total.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Job_Batch_ReturnsEveryItem()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.batch", request = new[] { Chat("first"), Chat("second"), Chat("third") } }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;
        var job = await WaitForFinishAsync(http, statusUrl);

        var summary = job.GetProperty("result").GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Job_OtherTenant_CannotReadOrCancel()
    {
        var owner = await fixture.CreateTenantAsync(Cancellation);
        var stranger = await fixture.CreateTenantAsync(Cancellation);
        using var ownerHttp = owner.CreateHttpClient();
        using var strangerHttp = stranger.CreateHttpClient();
        using var submitted = await ownerHttp.PostAsJsonAsync("/v1/jobs", new { type = "chat.completion", request = Chat("Mine.") }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;

        using var read = await strangerHttp.GetAsync(statusUrl, Cancellation);
        using var cancel = await strangerHttp.DeleteAsync(statusUrl, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }

    [Theory]
    [InlineData("""{"type":"chat.completion"}""")]
    [InlineData("""{"type":"chat.batch","request":[]}""")]
    [InlineData("""{"type":"embedding","request":{}}""")]
    [InlineData("""not json""")]
    public async Task Job_InvalidSubmission_Returns400(string body)
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.PostAsync("/v1/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Job_CancelledWhileRunning_StopsAndBillsNothing()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var hanging = Enumerable.Range(0, 10).Select(index => new { model = "fault-hang", messages = new[] { new { role = "user", content = $"Hang {index}" } } }).ToArray();
        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.batch", request = hanging }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;
        var deadline = DateTime.UtcNow + PollTimeout;
        while ((await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation)).GetProperty("status").GetString() == "queued" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancellation);
        }

        using var cancelled = await http.DeleteAsync(statusUrl, Cancellation);
        var resultDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement job;
        do
        {
            await Task.Delay(200, Cancellation);
            job = await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation);
        }
        while (job.GetProperty("result").ValueKind == JsonValueKind.Null && DateTime.UtcNow < resultDeadline);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal("aspireai_job_cancelled", job.GetProperty("result").GetProperty("error").GetProperty("code").GetString());
        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(0, total.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Job_SingleChatCancelledWhileRunning_EndsCancelled()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var request = new { model = "fault-hang", messages = new[] { new { role = "user", content = "Hang once " + Guid.NewGuid() } } };
        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.completion", request }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;
        var deadline = DateTime.UtcNow + PollTimeout;
        while ((await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation)).GetProperty("status").GetString() == "queued" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancellation);
        }

        using var cancelled = await http.DeleteAsync(statusUrl, Cancellation);
        JsonElement job;
        do
        {
            await Task.Delay(200, Cancellation);
            job = await http.GetFromJsonAsync<JsonElement>(statusUrl, Cancellation);
        }
        while (job.GetProperty("result").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal("aspireai_job_cancelled", job.GetProperty("result").GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Job_WorkerDiedMidJob_IsRequeuedAndCompleted()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        using var submitted = await http.PostAsJsonAsync("/v1/jobs", new { type = "chat.completion", request = Chat("Survive a crash.") }, Cancellation);
        var statusUrl = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status_url").GetString()!;
        var first = await WaitForFinishAsync(http, statusUrl);
        var jobId = first.GetProperty("id").GetString()!;

        // Put the job back as a worker that died while running it would leave it: status running,
        // its id in that worker's processing list, and no heartbeat.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetRedisConnectionStringAsync(Cancellation));
        var database = redis.GetDatabase();
        var deadWorker = "worker-dead-" + Guid.NewGuid().ToString("N");
        await database.HashSetAsync($"aspireai:jobs:job:{jobId}", [new HashEntry("status", "running")]);
        await database.HashDeleteAsync($"aspireai:jobs:job:{jobId}", ["result", "completed_at"]);
        await database.ListLeftPushAsync($"aspireai:jobs:processing:{deadWorker}", jobId);
        await database.SetAddAsync("aspireai:jobs:workers", deadWorker);

        var rerun = await WaitForFinishAsync(http, statusUrl);

        Assert.Equal("succeeded", rerun.GetProperty("status").GetString());
        Assert.Equal(0, await database.ListLengthAsync($"aspireai:jobs:processing:{deadWorker}"));
        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(1, total.GetProperty("requests").GetInt64());
    }
}
