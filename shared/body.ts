// Turning a request's JSON body or query string into validated input: the
// content type, a streaming size limit, and zod errors listed field by field.
import { z } from "zod";
import { HttpError } from "./errors.ts";

export const MAX_BODY_BYTES = 16 * 1024;

const tooLarge = () =>
  new HttpError(413, "payload_too_large", `Body exceeds ${MAX_BODY_BYTES} bytes`);

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

/** The query string as an object (a repeated name keeps its last value). */
export const readQuery = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

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
  throw invalidFields(fields);
}

/** The 400 of an input that failed validation, each bad field with why. */
export const invalidFields = (fields: Record<string, string>) =>
  new HttpError(400, "invalid_request", "Request failed validation", { fields });
