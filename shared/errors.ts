// The API's error shape and codes (docs/api.md), in one place.

export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "invalid_token"
  | "member_not_eligible"
  | "not_found"
  | "method_not_allowed"
  | "already_verified"
  | "already_completed"
  | "discord_already_linked"
  | "would_replace_link"
  | "not_linked"
  | "wrong_environment"
  | "sync_in_progress"
  | "expired"
  | "request_failed"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "internal"
  | "misconfigured"
  | "unavailable";

/** An error that is meant for the caller: its message and details are safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Headers the answer carries besides the error body (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const unavailable = (what: string) =>
  new HttpError(503, "unavailable", `${what} is unreachable; try again shortly`);

/** 429: the caller may try again in `seconds` (whole seconds, at least 1). */
export const rateLimited = (message: string, seconds: number) =>
  new HttpError(429, "rate_limited", message, { retry_after_s: seconds }, {
    "retry-after": String(seconds),
  });

export function errorBody(err: HttpError) {
  return { error: { code: err.code, message: err.message, details: err.details } };
}
