// The HTTP rules every function shares: methods, content types, the body
// limit, validation details, CORS, request ids, configuration errors.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  baseEnv,
  BOT_KEY,
  call,
  db,
  discordId,
  serveFunctions,
  SERVICE_KEY,
  test,
} from "./helpers.ts";
import { FUNCTIONS } from "../local/router.ts";

const server = serveFunctions(baseEnv());
const CREATE = server.fn("create-verification");
const secrets = [SERVICE_KEY, BOT_KEY, "postgres:postgres"];

function assertCleanError(body: unknown, code: string) {
  const text = JSON.stringify(body);
  assertEquals(Object.keys(body as object), ["error"]);
  assertEquals((body as { error: { code: string } }).error.code, code);
  for (const bad of [...secrets, "    at ", "select ", "insert ", "PostgresError"]) {
    assert(!text.toLowerCase().includes(bad.toLowerCase()), `error body leaks ${bad}: ${text}`);
  }
}

test("wrong method is 405 with Allow, for every function", async () => {
  for (const name of Object.keys(FUNCTIONS)) {
    const res = await call(server.fn(name), { method: "PUT", token: SERVICE_KEY, body: {} });
    assertEquals(res.status, 405, name);
    assertCleanError(res.body, "method_not_allowed");
    assert(res.headers.get("allow")?.includes("POST"), name);
  }
});

test("OPTIONS answers the preflight of every function; only the Hub's carry CORS", async () => {
  const hubFacing = ["complete-verification", "unlink-discord"];
  for (const name of Object.keys(FUNCTIONS)) {
    const res = await fetch(server.fn(name), {
      method: "OPTIONS",
      headers: { origin: "https://hub.mynatca.org", "access-control-request-method": "POST" },
    });
    await res.body?.cancel();
    assertEquals(res.status, 204, name);
    assert(res.headers.get("access-control-allow-methods")?.includes("POST"), name);
    if (hubFacing.includes(name)) {
      assertEquals(res.headers.get("access-control-allow-origin"), "*", name);
      assert(res.headers.get("access-control-allow-headers")?.includes("authorization"), name);
    } else {
      // Service-only functions: no web page may call them.
      assertEquals(res.headers.get("access-control-allow-origin"), null, name);
      assertEquals(res.headers.get("access-control-allow-headers"), null, name);
    }
  }
});

test("HUB_ORIGINS allows only its origins, on preflight and ordinary answers", async () => {
  const hub = serveFunctions({
    ...baseEnv(),
    HUB_ORIGINS: "https://hub.mynatca.org, https://staging.hub.mynatca.org",
  });
  try {
    for (const name of ["complete-verification", "unlink-discord"]) {
      for (const method of ["OPTIONS", "POST"]) {
        const allowed = await fetch(hub.fn(name), {
          method,
          headers: { origin: "https://staging.hub.mynatca.org" },
        });
        await allowed.body?.cancel();
        assertEquals(
          allowed.headers.get("access-control-allow-origin"),
          "https://staging.hub.mynatca.org",
          `${name} ${method}`,
        );
        assertMatch(allowed.headers.get("vary") ?? "", /origin/i);
        const other = await fetch(hub.fn(name), {
          method,
          headers: { origin: "https://evil.example" },
        });
        await other.body?.cancel();
        assertEquals(other.headers.get("access-control-allow-origin"), null, `${name} ${method}`);
      }
    }
  } finally {
    await hub.close();
  }
});

test("ordinary responses of the Hub's functions carry CORS, success and error alike; the others none", async () => {
  const ok = await call(CREATE, {
    token: BOT_KEY,
    body: { discord_id: discordId(), discord_username: "cors" },
    headers: { origin: "https://hub.mynatca.org" },
  });
  assertEquals(ok.status, 201);
  const answers = [["create-verification 201", ok]] as [string, typeof ok][];
  for (const name of Object.keys(FUNCTIONS)) {
    answers.push([`${name} 401`, await call(server.fn(name), { body: {} })]);
  }
  answers.push([
    "sync GET 401",
    await call(server.fn("sync"), { method: "GET", token: "wrong" }),
  ]);
  answers.push([
    "cleanup 400",
    await call(server.fn("cleanup"), { token: SERVICE_KEY, body: { environment: "staging" } }),
  ]);
  const hubFacing = /^(complete-verification|unlink-discord) /;
  for (const [what, res] of answers) {
    if (!hubFacing.test(what)) {
      assertEquals(res.headers.get("access-control-allow-origin"), null, what);
      continue;
    }
    assertEquals(res.headers.get("access-control-allow-origin"), "*", what);
    const allowed = res.headers.get("access-control-allow-headers") ?? "";
    for (const h of ["authorization", "content-type", "apikey", "x-client-info"]) {
      assert(allowed.includes(h), `${what}: ${h} in ${allowed}`);
    }
  }
  assert(answers.filter(([what]) => hubFacing.test(what)).length === 2, "both Hub functions seen");
});

test("every response carries a request id, echoed when the caller sends one", async () => {
  const res = await call(CREATE, { token: BOT_KEY, body: {} });
  assertMatch(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  const echoed = await call(CREATE, {
    token: BOT_KEY,
    body: {},
    headers: { "x-request-id": "abc" },
  });
  assertEquals(echoed.headers.get("x-request-id"), "abc");
});

test("wrong content type is 415", async () => {
  const res = await call(CREATE, {
    token: BOT_KEY,
    body: "discord_id=1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assertEquals(res.status, 415);
  assertCleanError(res.body, "unsupported_media_type");
});

test("malformed JSON is 400 invalid_request", async () => {
  const res = await call(CREATE, { token: BOT_KEY, body: '{"discord_id": ' });
  assertEquals(res.status, 400);
  assertCleanError(res.body, "invalid_request");
});

test("validation lists every bad field, including unknown ones", async () => {
  const res = await call(CREATE, {
    token: BOT_KEY,
    body: { discord_id: 12345678901234567, discord_username: "", extra: 1, environment: "staging" },
  });
  assertEquals(res.status, 400);
  assertCleanError(res.body, "invalid_request");
  assertEquals(Object.keys(res.body.error.details.fields).sort(), [
    "discord_id",
    "discord_username",
    "environment",
    "extra",
  ]);
  for (const bad of ["123", "1".repeat(21), "1234567890123456a", " 12345678901234567"]) {
    const r = await call(CREATE, {
      token: BOT_KEY,
      body: { discord_id: bad, discord_username: "x" },
    });
    assertEquals(r.status, 400, bad);
  }
  const long = await call(CREATE, {
    token: BOT_KEY,
    body: { discord_id: discordId(), discord_username: "x".repeat(33) },
  });
  assertEquals(long.status, 400);
  const notObject = await call(CREATE, { token: BOT_KEY, body: "[1,2]" });
  assertEquals(notObject.status, 400);
});

test("bodies over 16 KiB are 413, declared or streamed", async () => {
  const big = JSON.stringify({ discord_id: discordId(), discord_username: "x".repeat(17_000) });
  const declared = await call(CREATE, { token: BOT_KEY, body: big });
  assertEquals(declared.status, 413);
  assertCleanError(declared.body, "payload_too_large");
  // Chunked, without Content-Length: the limit must hold while streaming,
  // so the answer comes long before a 64 MiB body could have been sent.
  const total = 64 * 1024 * 1024;
  const streamed = await streamUntilAnswered(CREATE, { authorization: `Bearer ${BOT_KEY}` }, total);
  assertEquals(streamed.status, 413);
  assertCleanError(JSON.parse(streamed.body), "payload_too_large");
  assert(
    streamed.sentWhenAnswered < total / 4,
    `answered after ${streamed.sentWhenAnswered} bytes`,
  );
});

/**
 * POSTs a chunked JSON body of up to `total` bytes over a raw connection,
 * reading while it writes, and stops writing as soon as the answer begins.
 * A server may answer before it has read the whole body and then close the
 * connection, so a client still writing can see a broken pipe before it reads
 * the answer (Deno 2.1's fetch reports exactly that); reading concurrently
 * observes the answer itself, and how much had been sent when it came.
 */
async function streamUntilAnswered(url: string, headers: Record<string, string>, total: number) {
  const target = new URL(url);
  const conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
  const encoder = new TextEncoder();
  const CHUNK = 8192;
  let sent = 0;
  let sentWhenAnswered: number | undefined;
  let writing = true;
  let received: Uint8Array = new Uint8Array(0);
  const reading = (async () => {
    const buf = new Uint8Array(64 * 1024);
    while (!completeResponse(received)) {
      const n = await conn.read(buf);
      if (n === null) return;
      sentWhenAnswered ??= sent;
      received = concat(received, buf.subarray(0, n));
    }
    // A server that answers, stops reading and keeps the connection open
    // would leave the write below pending forever.
    if (writing) conn.close();
  })().catch((err: unknown) => err);
  let writeError: unknown;
  try {
    const head = Object.entries({ ...headers, "content-type": "application/json" })
      .map(([k, v]) => `${k}: ${v}\r\n`).join("");
    const start = `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\n${head}`;
    await writeAll(conn, encoder.encode(`${start}transfer-encoding: chunked\r\n\r\n`));
    const chunk = encoder.encode(`${CHUNK.toString(16)}\r\n${" ".repeat(CHUNK)}\r\n`);
    while (sentWhenAnswered === undefined && sent < total) {
      await writeAll(conn, chunk);
      sent += CHUNK;
    }
    if (sentWhenAnswered === undefined) await writeAll(conn, encoder.encode("0\r\n\r\n"));
  } catch (err) {
    // Broken pipe, reset, or closed above: acceptable only if an answer came.
    writeError = err;
  } finally {
    writing = false;
  }
  const readError = await reading;
  try {
    conn.close();
  } catch { /* already closed once the answer was read */ }
  const text = new TextDecoder().decode(received);
  assert(
    completeResponse(received),
    `no whole answer after ${sent} bytes (write: ${writeError}, read: ${readError}): ${text}`,
  );
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]),
    body: text.slice(text.indexOf("\r\n\r\n") + 4),
    sentWhenAnswered: sentWhenAnswered ?? sent,
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/** Whether `bytes` hold a whole HTTP/1.1 response with a Content-Length body. */
function completeResponse(bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes);
  const end = text.indexOf("\r\n\r\n");
  const length = /\r\ncontent-length: *(\d+)\r\n/i.exec(text.slice(0, end + 2))?.[1];
  return end >= 0 && length !== undefined && bytes.byteLength >= end + 4 + Number(length);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

test("SQL metacharacters are stored verbatim", async () => {
  const name = `'); drop table discord.verification_requests; --`.slice(0, 32);
  const id = discordId();
  const res = await call(CREATE, {
    token: BOT_KEY,
    body: { discord_id: id, discord_username: name },
  });
  assertEquals(res.status, 201);
  const [row] = await db`select discord_username from discord.verification_requests
                         where verification_id = ${res.body.verification_id}`;
  assertEquals(row.discord_username, name);
});

test("a missing variable is 500 misconfigured and the response names nothing", async () => {
  const env = baseEnv();
  delete env.VERIFICATION_URL_BASE;
  delete env.AUTH0_AUDIENCE;
  delete env.MYSQL_HOST;
  const broken = serveFunctions(env);
  try {
    for (const name of ["create-verification", "complete-verification", "sync"]) {
      const res = await call(broken.fn(name), { token: SERVICE_KEY, body: {} });
      assertEquals(res.status, 500, name);
      assertCleanError(res.body, "misconfigured");
      const text = JSON.stringify(res.body);
      for (const v of ["VERIFICATION_URL_BASE", "AUTH0_AUDIENCE", "MYSQL_HOST"]) {
        assert(!text.includes(v), `${name} response names ${v}`);
      }
    }
    const ok = await call(broken.fn("cleanup"), { token: SERVICE_KEY, body: {} });
    assertEquals(ok.status, 200);
  } finally {
    await broken.close();
  }
});

test("unknown paths are 404", async () => {
  const res = await call(server.fn("nope"), { token: SERVICE_KEY, body: {} });
  assertEquals(res.status, 404);
});
