// Reads Fleet through the clients Kiota (Fleet.Generated.Kiota) and NSwag (Fleet.Generated.NSwag) generated from the
// OpenAPI document. Arguments: base URL, reader key, a detector id the API knows, an id it does not know. Prints one
// line per check ("kiota list …", "nswag 404 …"); any exception fails the run with a non-zero exit code.
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (baseUrl, key, known, unknown) = (args[0], args[1], args[2], args[3]);

// Kiota's ApiKeyAuthenticationProvider refuses plain http (the test API listens on loopback): the key goes in a default header.
using var kiotaHttp = KiotaClientFactory.Create();
kiotaHttp.DefaultRequestHeaders.Add("X-Api-Key", key);
var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: kiotaHttp) { BaseUrl = baseUrl.TrimEnd('/') };
var kiota = new Fleet.Generated.Kiota.FleetClient(adapter);
var kiotaList = await kiota.Detectors.GetAsync() ?? throw new InvalidOperationException("Kiota: GET /detectors gave nothing");
var kiotaOne = kiotaList.Single(d => d.Id == known);
Console.WriteLine($"kiota list {kiotaList.Count} {kiotaOne.Id} {kiotaOne.Status} {kiotaOne.Tunnels![0].Url} {kiotaOne.Tunnels[0].Since:O} {kiotaOne.Epoch}");
try
{
    await kiota.Detectors[unknown].GetAsync();
    Console.WriteLine("kiota 404 missing");
}
catch (Fleet.Generated.Kiota.Models.ProblemDetails problem)
{
    Console.WriteLine($"kiota 404 {problem.ResponseStatusCode} {problem.Status} {problem.Title}");
}

using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
http.DefaultRequestHeaders.Add("X-Api-Key", key);
var nswag = new Fleet.Generated.NSwag.FleetNSwagClient(http);
var nswagList = await nswag.ListDetectorsAsync(null, null, null, null, null, null, null, null, null, null);
var nswagOne = nswagList.Single(d => d.Id == known);
Console.WriteLine($"nswag list {nswagList.Count} {nswagOne.Id} {nswagOne.Status} {nswagOne.Tunnels.First().Url} {nswagOne.Tunnels.First().Since:O} {nswagOne.Epoch}");
try
{
    await nswag.GetDetectorAsync(unknown, null);
    Console.WriteLine("nswag 404 missing");
}
catch (Fleet.Generated.NSwag.ApiException<Fleet.Generated.NSwag.ProblemDetails> problem)
{
    Console.WriteLine($"nswag 404 {problem.StatusCode} {problem.Result.Status} {problem.Result.Title}");
}
