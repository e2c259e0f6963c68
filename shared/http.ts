// HTTP plumbing every function shares: the error shape, method and content
// checks, a streaming body limit, CORS, a request id and one log line per
// request. Entry points hand their logic to `defineFunction`.
import { z } from "zod";
import { ConfigError, type EnvSource } from "./config.ts";
import { errorBody, HttpError } from "./errors.ts";
import { log } from "./log.ts";
import type { Environment } from "./environment.ts";

export const MAX_BODY_BYTES = 16 * 1024;

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
  "access-control-max-age": "86400",
};

export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES. The stream is cancelled as
 * soon as the limit is passed, so an oversized body is never held in memory.
 */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  const length = req.headers.get("content-length");
  const declared = length === null ? undefined : Number(length);
  if (declared !== undefined && declared > MAX_BODY_BYTES) throw tooLarge();
  // A declared length is enforced by the HTTP server, so the body can be
  // read in one go; only a chunked body needs counting as it streams.
  const text = declared !== undefined ? await req.text() : await readCapped(req);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_request", "Body is not valid JSON");
  }
}

async function readCapped(req: Request): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

const tooLarge = () =>
  new HttpError(413, "payload_too_large", `Body exceeds ${MAX_BODY_BYTES} bytes`);

/** Validates `data` with `schema`; failures list each bad field in `details`. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) fields[[...issue.path, k].join(".")] = "unknown field";
    } else {
      fields[key] ??= issue.message;
    }
  }
  throw new HttpError(400, "invalid_request", "Request failed validation", { fields });
}

export interface RequestContext<C> {
  req: Request;
  config: C;
  requestId: string;
  /** Set by the handler once known, so the log line carries it. */
  environment?: Environment;
}

export interface FunctionSpec<C> {
  name: string;
  methods: readonly string[];
  /** Validates configuration; throws ConfigError. Called once per handler. */
  config: (env: EnvSource) => C;
  handle: (ctx: RequestContext<C>) => Promise<Response>;
}

export type Handler = (req: Request) => Promise<Response>;

/** Builds the request handler a function's index.ts passes to Deno.serve. */
export function defineFunction<C>(spec: FunctionSpec<C>, env: EnvSource): Handler {
  let config: C | undefined;
  let configError: ConfigError | undefined;
  try {
    config = spec.config(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configError = err;
    log("error", "misconfigured", { function: spec.name, variables: err.variables.join(",") });
  }
  const allow = [...spec.methods, "OPTIONS"].join(", ");

  return async (req) => {
    const started = performance.now();
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || crypto.randomUUID();
    const ctx = { req, config: config as C, requestId } as RequestContext<C>;
    let res: Response;
    try {
      if (req.method === "OPTIONS") {
        res = new Response(null, {
          status: 204,
          headers: { "access-control-allow-methods": allow },
        });
      } else if (!spec.methods.includes(req.method)) {
        throw new HttpError(405, "method_not_allowed", `Use ${spec.methods.join(" or ")}`);
      } else if (configError) {
        log("error", "misconfigured", {
          function: spec.name,
          request_id: requestId,
          variables: configError.variables.join(","),
        });
        throw new HttpError(500, "misconfigured", "The function is not configured");
      } else {
        res = await spec.handle(ctx);
      }
    } catch (err) {
      res = errorResponse(err, spec.name, requestId);
      if (res.status === 405) res.headers.set("allow", spec.methods.join(", "));
    }
    // Drain an unread body so the connection can be reused.
    if (req.body && !req.bodyUsed) await req.body.cancel().catch(() => {});
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
    res.headers.set("x-request-id", requestId);
    log(res.status >= 500 ? "error" : "info", "request", {
      function: spec.name,
      method: req.method,
      environment: ctx.environment,
      status: res.status,
      duration_ms: Math.round(performance.now() - started),
      request_id: requestId,
    });
    return res;
  };
}

function errorResponse(err: unknown, fn: string, requestId: string): Response {
  if (err instanceof HttpError) return json(err.status, errorBody(err));
  // Anything else is a bug or an unexpected fault: log its kind, not its
  // text (which may quote SQL or data), and answer with a bare 500.
  const e = err as { name?: string; code?: string };
  log("error", "unhandled", { function: fn, request_id: requestId, kind: e?.name, code: e?.code });
  return json(500, errorBody(new HttpError(500, "internal", "Internal error")));
}
