using Fleet.Domain.Messages;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Detectors;

/// <summary>One page of <c>GET /detectors</c>: its ETag, the total of matches, and the last id when a next page exists.</summary>
internal sealed record ListPage(EntityTagHeaderValue Tag, long Total, IReadOnlyList<DetectorView> Detectors, string? LastId);
