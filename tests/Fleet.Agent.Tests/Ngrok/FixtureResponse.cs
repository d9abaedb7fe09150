namespace Fleet.Agent.Tests.Ngrok;

/// <summary>What <see cref="FixtureHttpServer"/> answers on one path.</summary>
internal sealed record FixtureResponse(int Status, string? Body, string? Location = null)
{
    public static FixtureResponse File(string fixture) => new(200, Fixtures.Read(fixture));

    public static FixtureResponse Json(string body) => new(200, body);

    public static FixtureResponse NotFound { get; } = new(404, """{"status_code":404,"msg":"Not Found"}""");

    public static FixtureResponse Redirect(string location) => new(302, null, location);
}
