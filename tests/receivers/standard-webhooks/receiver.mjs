// A webhook receiver for Fleet's tests, verifying with the standardwebhooks package (not the API's .NET library).
// Usage: node receiver.mjs <port> <whsec_ secret> <record file>
// Appends one JSON line per request to the record file, before answering:
// {"id":…,"verified":true|false,"error":…,"method":…,"contentType":…,"headers":{…},"body":…}.
// Answers 204 when the signature verifies, 401 when it does not.
import { appendFileSync } from "node:fs";
import http from "node:http";
import { Webhook } from "standardwebhooks";

const [port, secret, recordFile] = process.argv.slice(2);
if (!port || !secret || !recordFile) {
  console.error("usage: node receiver.mjs <port> <whsec_ secret> <record file>");
  process.exit(2);
}

const webhook = new Webhook(secret);

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "webhook-id": request.headers["webhook-id"] ?? "",
      "webhook-timestamp": request.headers["webhook-timestamp"] ?? "",
      "webhook-signature": request.headers["webhook-signature"] ?? "",
    };
    let verified = false;
    let error = null;
    try {
      webhook.verify(body, headers);
      verified = true;
    } catch (e) {
      error = e.message;
    }

    const record = {
      id: headers["webhook-id"],
      verified,
      error,
      method: request.method,
      contentType: request.headers["content-type"] ?? null,
      headers,
      body,
    };
    appendFileSync(recordFile, JSON.stringify(record) + "\n");
    response.writeHead(verified ? 204 : 401);
    response.end();
  });
});

server.listen(Number(port), "127.0.0.1", () => {
  console.log(`receiver: listening on 127.0.0.1:${server.address().port}`);
});
