// The request body for each kind of webhook: Discord's execute-webhook JSON
// within its documented limits, Slack's incoming-webhook JSON, and the
// generic JSON of docs/api.md ("Alert delivery") for anything else.
import { type Alert, alertText } from "./messages.ts";
import type { AlertFormat } from "./targets.ts";

/** Discord's limits on a webhook message and its embed. */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  /** Every embed text together. */
  embedTotal: 6000,
};
/** Slack's limit on a section block's text. */
export const SLACK_SECTION_LIMIT = 3000;

const SEVERITY_COLOR = { error: 0xd83c3e, warning: 0xf0a020, info: 0x2e8b57 } as const;

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function fit(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

export function genericPayload(alert: Alert) {
  const t = alertText(alert);
  return {
    environment: alert.environment,
    kind: alert.kind,
    severity: alert.severity,
    title: t.title,
    text: t.text,
    runbook: t.runbook,
    table_name: alert.table_name,
    sync_id: alert.sync_id,
    code: alert.code,
    count: alert.count,
    first_at: alert.first_at.toISOString(),
    last_at: alert.last_at.toISOString(),
    alert_id: alert.alert_id,
  };
}

export function discordPayload(alert: Alert) {
  const t = alertText(alert);
  const fields = [
    { name: "Environment", value: alert.environment, inline: true },
    { name: "Code", value: alert.code, inline: true },
    { name: "Count", value: String(alert.count), inline: true },
    ...(alert.sync_id ? [{ name: "sync_id", value: alert.sync_id, inline: false }] : []),
    { name: "Runbook", value: `${t.runbook} (docs/operations.md)`, inline: false },
  ].slice(0, DISCORD_LIMITS.fields).map((f) => ({
    ...f,
    name: fit(f.name, DISCORD_LIMITS.fieldName),
    value: fit(f.value, DISCORD_LIMITS.fieldValue),
  }));
  const footer = fit(`alert ${alert.alert_id}`, DISCORD_LIMITS.footer);
  const title = fit(t.title, DISCORD_LIMITS.title);
  const fixed = title.length + footer.length +
    fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const description = fit(
    t.text,
    Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - fixed),
  );
  return {
    content: fit(t.headline, DISCORD_LIMITS.content),
    // Nothing in an alert may ping anyone (@everyone in a reason, say).
    allowed_mentions: { parse: [] },
    embeds: [{
      title,
      description,
      color: SEVERITY_COLOR[alert.severity],
      fields,
      footer: { text: footer },
      timestamp: alert.last_at.toISOString(),
    }],
  };
}

/** Slack's mrkdwn treats these three as control characters. */
const slackEscape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function slackPayload(alert: Alert) {
  const t = alertText(alert);
  const body = t.text.split("\n").slice(1).join("\n");
  return {
    // The notification's text, and what clients without blocks show.
    text: slackEscape(t.headline),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: fit(`*${slackEscape(t.title)}*\n${slackEscape(t.headline)}`, SLACK_SECTION_LIMIT),
        },
      },
      ...(body
        ? [{
          type: "section",
          text: { type: "mrkdwn", text: fit(slackEscape(body), SLACK_SECTION_LIMIT) },
        }]
        : []),
      {
        type: "context",
        elements: [{
          type: "mrkdwn",
          text: slackEscape(`${alert.severity} · count ${alert.count} · alert ${alert.alert_id}`),
        }],
      },
    ],
  };
}

export function alertPayload(format: AlertFormat, alert: Alert): unknown {
  if (format === "discord") return discordPayload(alert);
  if (format === "slack") return slackPayload(alert);
  return genericPayload(alert);
}
