// shared/body.ts on its own: what a request body or query string must be,
// and how a validation failure names its fields.
import { z } from "zod";
import { assert, assertEquals } from "./assert.ts";
import { MAX_BODY_BYTES, parseInput, readJson, readQuery } from "../shared/body.ts";
import { HttpError } from "../shared/errors.ts";

const URL_ = "http://127.0.0.1/functions/v1/x";
const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

/** The HttpError `fn` throws (or rejects with), as status, code and details. */
async function refusal(fn: () => unknown) {
  try {
    await fn();
  } catch (err) {
    assert(err instanceof HttpError, `not an HttpError: ${err}`);
    return { status: err.status, code: err.code, details: err.details };
  }
  throw new Error("accepted, expected a refusal");
}

/** A body streamed in chunks, without a Content-Length. */
const chunked = (...chunks: string[]) =>
  new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: ReadableStream.from(chunks.map((c) => new TextEncoder().encode(c))),
  });

Deno.test("readJson: JSON only, empty is {}, bad JSON is 400", async () => {
  assertEquals(await readJson(post('{"a": 1}')), { a: 1 });
  assertEquals(
    await readJson(post("[1]", { "content-type": "application/json; charset=utf-8" })),
    [1],
  );
  assertEquals(await readJson(post("  ")), {});
  assertEquals(await readJson(post(null)), {});
  assertEquals((await refusal(() => readJson(post("{", {})))).status, 400);
  for (const type of ["text/plain", "application/jsonp", ""]) {
    const res = await refusal(() => readJson(post("{}", { "content-type": type })));
    assertEquals([res.status, res.code], [415, "unsupported_media_type"], type);
  }
});

Deno.test("readJson: a body over the limit is 413, declared or streamed", async () => {
  // Exactly at the limit: accepted, declared or streamed.
  const inner = "x".repeat(MAX_BODY_BYTES - 2);
  const exact = `"${inner}"`;
  const declared = (text: string) => post(text, { "content-length": String(text.length) });
  assertEquals(await readJson(declared(exact)), inner);
  assertEquals(await readJson(chunked(exact.slice(0, 10), exact.slice(10))), inner);
  // One byte more: refused, before reading when declared, as it streams otherwise.
  const over = `"${inner}x"`;
  const big = await refusal(() => readJson(declared(over)));
  assertEquals([big.status, big.code], [413, "payload_too_large"]);
  const streamed = await refusal(() => readJson(chunked(over.slice(0, 100), over.slice(100))));
  assertEquals([streamed.status, streamed.code], [413, "payload_too_large"]);
});

Deno.test("readQuery: the query string as an object, the last of a repeated name", () => {
  assertEquals(readQuery(new Request(`${URL_}?a=1&b=two&a=3`)), { a: "3", b: "two" });
  assertEquals(readQuery(new Request(URL_)), {});
});

Deno.test("parseInput: every bad field named, unknown fields too", async () => {
  const schema = z.strictObject({
    name: z.string(),
    nested: z.strictObject({ n: z.number() }).optional(),
  });
  assertEquals(parseInput(schema, { name: "x" }), { name: "x" });
  const res = await refusal(() =>
    parseInput(schema, { name: 1, nested: { n: "one", extra: true }, other: 2 })
  );
  assertEquals([res.status, res.code], [400, "invalid_request"]);
  const fields = (res.details as { fields: Record<string, string> }).fields;
  assertEquals(Object.keys(fields).sort(), ["name", "nested.extra", "nested.n", "other"]);
  assertEquals([fields.other, fields["nested.extra"]], ["unknown field", "unknown field"]);
  // A body that is not an object at all is named as the body.
  const whole = await refusal(() => parseInput(schema, "text"));
  assertEquals(Object.keys((whole.details as { fields: object }).fields), ["body"]);
});
