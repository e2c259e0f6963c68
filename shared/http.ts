// What every function shares: a function is a declaration of who may call it
// (`auth`), what it accepts per method (`routes`, each a zod schema for the
// JSON body or the query string) and what it does (`handle`). defineFunction
// runs the steps in that order (the caller is authenticated before the body
// is read; a caller bound to one environment is refused on the other before
// anything is written) and adds the error shape, CORS for the functions a
// browser calls, a request id and one log line per request, so no handler
// can skip any of them.
import type { z } from "zod";
import type { Authenticate, Caller } from "./auth.ts";
import { parseInput, readJson, readQuery } from "./body.ts";
import { ConfigError, type EnvSource, loadConfig } from "./config.ts";
import type { Environment } from "./environment.ts";
import { errorBody, HttpError } from "./errors.ts";
import { log, type LogLevel, setLogLevel } from "./log.ts";

const CORS_HEADERS = {
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
  "access-control-max-age": "86400",
};

/**
 * CORS headers for a browser-facing function: `*` allows any origin (local
 * use); a list allows only its own origins, echoed back with `Vary: Origin`.
 */
function setCors(res: Response, allowed: string[] | "*", origin: string | null) {
  res.headers.set("vary", "origin");
  if (allowed === "*") res.headers.set("access-control-allow-origin", "*");
  else if (origin && allowed.includes(origin)) {
    res.headers.set("access-control-allow-origin", origin);
  } else return;
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
}

export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Every input names its environment (the schemas default it to production). */
type InputSchema = z.ZodType<{ environment: Environment }>;

export interface Input<S extends InputSchema> {
  from: "body" | "query";
  schema: S;
}
export const body = <S extends InputSchema>(schema: S): Input<S> => ({ from: "body", schema });
export const query = <S extends InputSchema>(schema: S): Input<S> => ({ from: "query", schema });

/** What a handler receives: everything checked already. */
export interface Call<C, K extends Caller, I> {
  req: Request;
  config: C;
  caller: K;
  input: I;
  environment: Environment;
  requestId: string;
}

export interface Route<C, K extends Caller, S extends InputSchema> {
  input: Input<S>;
  handle: (call: Call<C, K, z.output<S>>) => Promise<Response>;
}

type Method = "GET" | "POST";

export interface FunctionSpec<
  CS extends z.ZodType,
  K extends Caller,
  G extends InputSchema,
  P extends InputSchema,
> {
  name: string;
  /** The function's variables; validated once, a failure answers 500 misconfigured. */
  config: CS;
  /** Who may call: built once from the configuration. */
  auth: (config: z.output<CS>) => Authenticate<K>;
  /**
   * Origins a browser may call from (the Member Hub's functions only);
   * absent: no CORS allowance, so no web page can call the function.
   */
  cors?: (config: z.output<CS>) => string[] | "*";
  routes: { GET?: Route<z.output<CS>, K, G>; POST?: Route<z.output<CS>, K, P> };
}

export type Handler = (req: Request) => Promise<Response>;

interface Ready<C, K extends Caller> {
  config: C;
  authenticate: Authenticate<K>;
  origins?: string[] | "*";
}

/** Builds the request handler a function's index.ts passes to Deno.serve. */
export function defineFunction<
  CS extends z.ZodType<{ LOG_LEVEL: LogLevel }>,
  K extends Caller,
  G extends InputSchema,
  P extends InputSchema,
>(spec: FunctionSpec<CS, K, G, P>, vars: EnvSource): Handler {
  const routes = spec.routes as Partial<Record<Method, Route<z.output<CS>, K, InputSchema>>>;
  const methods = Object.keys(routes);
  let ready: Ready<z.output<CS>, K> | undefined;
  let configError: ConfigError | undefined;
  try {
    const config = loadConfig(spec.config, vars);
    setLogLevel(config.LOG_LEVEL);
    ready = { config, authenticate: spec.auth(config), origins: spec.cors?.(config) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configError = err;
    log("error", "misconfigured", { function: spec.name, variables: err.variables.join(",") });
  }

  const run = async (req: Request, requestId: string, seen: { environment?: Environment }) => {
    if (req.method === "OPTIONS") {
      const allow = [...methods, "OPTIONS"].join(", ");
      return new Response(null, {
        status: 204,
        headers: { "access-control-allow-methods": allow },
      });
    }
    const route = routes[req.method as Method];
    if (!route) throw new HttpError(405, "method_not_allowed", `Use ${methods.join(" or ")}`);
    if (!ready) {
      log("error", "misconfigured", {
        function: spec.name,
        request_id: requestId,
        variables: configError!.variables.join(","),
      });
      throw new HttpError(500, "misconfigured", "The function is not configured");
    }
    const caller = await ready.authenticate(req);
    const raw = route.input.from === "body" ? await readJson(req) : readQuery(req);
    const input = parseInput(route.input.schema, raw);
    seen.environment = input.environment;
    if (
      caller.kind === "service" && caller.environment && caller.environment !== input.environment
    ) {
      throw new HttpError(
        403,
        "wrong_environment",
        `This key is not valid for ${input.environment}`,
      );
    }
    return await route.handle({
      req,
      config: ready.config,
      caller,
      input,
      environment: input.environment,
      requestId,
    });
  };

  return async (req) => {
    const started = performance.now();
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || crypto.randomUUID();
    const seen: { environment?: Environment } = {};
    let res: Response;
    try {
      res = await run(req, requestId, seen);
    } catch (err) {
      res = errorResponse(err, spec.name, requestId);
      if (res.status === 405) res.headers.set("allow", methods.join(", "));
    }
    // Drain an unread body so the connection can be reused.
    if (req.body && !req.bodyUsed) await req.body.cancel().catch(() => {});
    if (ready?.origins) setCors(res, ready.origins, req.headers.get("origin"));
    res.headers.set("x-request-id", requestId);
    log(res.status >= 500 ? "error" : "info", "request", {
      function: spec.name,
      method: req.method,
      environment: seen.environment,
      status: res.status,
      duration_ms: Math.round(performance.now() - started),
      request_id: requestId,
    });
    return res;
  };
}

function errorResponse(err: unknown, fn: string, requestId: string): Response {
  if (err instanceof HttpError) return json(err.status, errorBody(err), err.headers);
  // Anything else is a bug or an unexpected fault: log its kind, not its
  // text (which may quote SQL or data), and answer with a bare 500.
  const e = err as { name?: string; code?: string };
  log("error", "unhandled", { function: fn, request_id: requestId, kind: e?.name, code: e?.code });
  return json(500, errorBody(new HttpError(500, "internal", "Internal error")));
}
