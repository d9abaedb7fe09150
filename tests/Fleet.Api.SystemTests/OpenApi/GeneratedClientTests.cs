using Fleet.Domain.Messages;

namespace Fleet.Api.SystemTests.OpenApi;

/// <summary>
/// Clients generated from the document the API serves by the generators integrators use, run against the API on a
/// real port: Kiota and NSwag (local tools, dotnet-tools.json) into a small C# program (tests/openapi-clients/csharp)
/// that reads <c>GET /detectors</c> with a seeded detector and gets a typed 404; openapi-typescript's types under
/// <c>tsc --noEmit</c> (tests/openapi-clients/typescript); Redocly's validator on the document. The two C# generators
/// and their build are slow (Suite=Long); the validator and the TypeScript check run in the default suite, so CI
/// checks the document with real tools (and every build generates the CLI's Kiota client from docs/openapi.json). The
/// quick checks (committed copy, lint) are OpenApiDocumentTests in Fleet.Api.Tests.
/// </summary>
public sealed class GeneratedClientTests(GeneratedClientTests.SeededApi api) : IClassFixture<GeneratedClientTests.SeededApi>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    [Trait("Suite", "Long")]
    public async Task KiotaAndNSwagClients_ReadDetectorsAndGetATypedNotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;
        var work = Directory.CreateTempSubdirectory("fleet-clients-cs-");
        try
        {
            await GenerateBuildAndRunAsync(work.FullName, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task GenerateBuildAndRunAsync(string work, CancellationToken ct)
    {
        var template = Path.Combine(RepositoryPaths.Root, "tests", "openapi-clients", "csharp");
        foreach (var file in new[] { "GeneratedClients.csproj", "Program.cs" })
        {
            File.Copy(Path.Combine(template, file), Path.Combine(work, file));
        }

        var document = await api.WriteDocumentAsync(work, ct);
        await RunAsync("dotnet", ["tool", "run", "kiota", "generate", "-l", "CSharp", "-d", document, "-o", Path.Combine(work, "Kiota"),
            "-c", "FleetClient", "-n", "Fleet.Generated.Kiota", "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning"], RepositoryPaths.Root, ct);
        await RunAsync("dotnet", ["tool", "run", "nswag", "openapi2csclient", $"/input:{document}",
            $"/output:{Path.Combine(work, "NSwag", "FleetNSwagClient.cs")}", "/namespace:Fleet.Generated.NSwag", "/className:FleetNSwagClient",
            "/jsonLibrary:SystemTextJson", "/useBaseUrl:false", "/generateClientInterfaces:false", "/dateTimeType:System.DateTimeOffset"], RepositoryPaths.Root, ct);
        await RunAsync("dotnet", ["build", "-v", "q", "-nologo", "-o", Path.Combine(work, "out")], work, ct);

        var output = await RunAsync("dotnet", [Path.Combine(work, "out", "GeneratedClients.dll"),
            api.BaseAddress, TestKeys.Reader, api.DetectorId, "pi-unknown-0"], work, ct);

        foreach (var client in new[] { "kiota", "nswag" })
        {
            Assert.Contains($"{client} list 1 {api.DetectorId} Online {SeededApi.TunnelUrl} ", output, StringComparison.Ordinal);
            Assert.Contains($"{client} 404 404 404 Detector not found", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenApiTypeScriptTypes_SmallClient_TypeChecks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        var folder = TypeScriptFolder();
        var generated = Path.Combine(folder, "generated");
        Directory.CreateDirectory(generated);
        var document = await api.WriteDocumentAsync(generated, ct);

        await RunAsync(Path.Combine(folder, "node_modules", ".bin", "openapi-typescript"), [document, "-o", Path.Combine(generated, "fleet.ts")], folder, ct);
        await RunAsync(Path.Combine(folder, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], folder, ct);
    }

    [Fact]
    public async Task RedoclyLint_ServedDocument_HasNoErrors()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        var folder = TypeScriptFolder();
        var generated = Path.Combine(folder, "generated");
        Directory.CreateDirectory(generated);
        var document = await api.WriteDocumentAsync(generated, ct);

        await RunAsync(Path.Combine(folder, "node_modules", ".bin", "redocly"), ["lint", document, "--config", "redocly.yaml", "--format", "stylish"], folder, ct);
    }

    /// <summary>The npm folder with what `npm ci` installed (test.sh and .ci/run); fails naming the fix when missing.</summary>
    private static string TypeScriptFolder()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "openapi-clients", "typescript");
        ServerProcess.FindTool("node", "nodejs");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", ".bin")),
            $"{folder}/node_modules is missing: run `npm ci` there (test.sh and .ci/run do; Debian: apt-get install -y npm).");
        return folder;
    }

    /// <summary>What the tools are run with (through `env`): no update checks, no telemetry, no banners.</summary>
    private static readonly string[] QuietEnvironment =
    [
        "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1", "KIOTA_UPDATE__DISABLED=true", "KIOTA_CLI_TELEMETRY_OPTOUT=true",
        "KIOTA_TUTORIAL_ENABLED=false", "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true",
    ];

    /// <summary>Runs a generator, build or checker and fails with its output when it does not exit with 0.</summary>
    private static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string directory, CancellationToken ct)
    {
        var list = QuietEnvironment.Append(fileName).Concat(arguments).ToList();
        var (exitCode, output, error) = await ChildProcess.RunAsync("env", list, ToolTimeout, directory, ct);
        Assert.True(exitCode == 0, $"{ChildProcess.Describe(fileName, list)} exited with {exitCode}:\n{output}\n{error}");
        return output;
    }

    /// <summary>The API on a real loopback port (Kestrel in this process) with one detector, seeded through its own writer.</summary>
    public sealed class SeededApi : IAsyncLifetime
    {
        public const string TunnelUrl = "https://cl1ent5.ngrok-free.app";

        private FleetApiFactory factory = null!;

        public string DetectorId { get; } = Messages.NewId("gen");

        public string BaseAddress { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var port = FreePort.Next();
            factory = new FleetApiFactory(new FleetApiSettings(await MigratedDatabase.CreateAsync("genclients"), BrokerSettings.ForEmbedded()));
            factory.UseKestrel(port);
            factory.StartServer();
            BaseAddress = $"http://127.0.0.1:{port}";
            await Eventually.TrueAsync(() => Task.FromResult(factory.MqttConnected), "the API connected to its broker");
            await factory.WriteStateAsync(Messages.State(DetectorId, 1, 0, TunnelUrl) with
            {
                Health = new HealthReport { Status = HealthOutcomes.Ok, Facts = new HealthFacts { CpuTemperatureC = 48.5, UptimeSeconds = 3600 } },
            });
        }

        /// <summary>Writes the document the API serves to <paramref name="folder"/>/openapi.json and returns its path.</summary>
        public async Task<string> WriteDocumentAsync(string folder, CancellationToken ct)
        {
            using var http = new HttpClient { BaseAddress = new Uri(BaseAddress) };
            var path = Path.Combine(folder, "openapi.json");
            await File.WriteAllTextAsync(path, await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct), ct);
            return path;
        }

        public async Task DisposeAsync() => await factory.DisposeAsync();
    }
}
