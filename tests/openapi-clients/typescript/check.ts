// A small typed client over the types openapi-typescript generates from Fleet's OpenAPI document
// (generated/fleet.ts, written by GeneratedClientTests). `tsc --noEmit` fails if the document stops describing what
// an integrator's code relies on: the list's element type, required fields, the problem details of a 404.
import type { components, paths } from "./generated/fleet";

type Detector = components["schemas"]["DetectorView"];
type DetectorList = paths["/detectors"]["get"]["responses"]["200"]["content"]["application/json"];
type NotFound = paths["/detectors/{id}"]["get"]["responses"]["404"]["content"]["application/problem+json"];
type ListQuery = NonNullable<paths["/detectors"]["get"]["parameters"]["query"]>;

export async function listDetectors(baseUrl: string, key: string, query: ListQuery = {}): Promise<DetectorList> {
  const url = new URL("/detectors", baseUrl);
  for (const status of query.status ?? []) url.searchParams.append("status", status);
  if (query.limit !== undefined) url.searchParams.set("limit", String(query.limit));
  const response = await fetch(url, { headers: { "X-Api-Key": key } });
  if (!response.ok) throw new Error(`GET /detectors: ${response.status}`);
  return (await response.json()) as DetectorList;
}

export async function getDetector(baseUrl: string, key: string, id: string): Promise<Detector | NotFound> {
  const response = await fetch(new URL(`/detectors/${encodeURIComponent(id)}`, baseUrl), { headers: { "X-Api-Key": key } });
  return (await response.json()) as Detector | NotFound;
}

// Required, typed fields: no optional chaining where the document says the field is always there.
export function describe(detector: Detector): string {
  const status: "unknown" | "online" | "offline" | "lost" = detector.status;
  const urls: string[] = detector.tunnels.map((t) => t.url);
  const since: string | null = detector.statusSince;
  const tags: string = detector.tags.join(",");
  const epoch: number | null = detector.epoch;
  return `${detector.id} ${status} ${urls.join(" ")} ${since ?? "-"} [${tags}] ${epoch ?? "-"} ${detector.links.self}`;
}

export function problemText(problem: NotFound): string {
  const status: number | null | undefined = problem.status;
  return `${status ?? "?"} ${problem.title ?? ""}`;
}
