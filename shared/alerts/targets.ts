// Where an environment's alerts go: the URLs of its variable, each named by
// the variable and its position (`ALERT_WEBHOOK_URL#2`), which is all that is
// ever stored or logged about it. The URL decides the payload's format.
import type { Environment } from "../environment.ts";
import type { AlertConfig } from "./config.ts";

export type AlertFormat = "discord" | "slack" | "generic" | "invalid";

export interface AlertTarget {
  /** Position in the variable, from 1. */
  index: number;
  name: string;
  format: AlertFormat;
  /** Absent when the entry is not a URL this project may post to. */
  url?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function alertVariable(environment: Environment) {
  return environment === "development" ? "ALERT_WEBHOOK_URL_DEVELOPMENT" : "ALERT_WEBHOOK_URL";
}

const DISCORD_HOSTS = new Set([
  "discord.com",
  "discordapp.com",
  "ptb.discord.com",
  "canary.discord.com",
]);

/**
 * Discord's and Slack's webhook addresses get their own payloads; anything
 * else the generic one. A receiver on this machine is told apart by the same
 * paths (`/api/webhooks/…`, `/services/…`), so the local stack and the tests
 * can receive each format.
 */
export function formatOf(url: URL): AlertFormat {
  const host = url.hostname.toLowerCase();
  const local = LOOPBACK.has(host);
  if ((DISCORD_HOSTS.has(host) || local) && url.pathname.startsWith("/api/webhooks/")) {
    return "discord";
  }
  if (host === "hooks.slack.com" || (local && url.pathname.startsWith("/services/"))) {
    return "slack";
  }
  return "generic";
}

function parse(entry: string): URL | undefined {
  try {
    const url = new URL(entry);
    // https only, but for a receiver on this machine (the local stack, tests).
    if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
      return url;
    }
  } catch {
    // not a URL: a target that refuses every delivery
  }
  return undefined;
}

export function alertTargets(config: AlertConfig, environment: Environment): AlertTarget[] {
  const variable = alertVariable(environment);
  const list = (config[variable] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return list.map((entry, i) => {
    const url = parse(entry);
    return {
      index: i + 1,
      name: `${variable}#${i + 1}`,
      format: url ? formatOf(url) : "invalid",
      url: url?.href,
    };
  });
}
