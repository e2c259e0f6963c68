// POST /create-verification: the Discord bot asks for a link for one account.
import { serviceCallerCheck } from "../../../shared/auth.ts";
import { createVerificationConfig, type EnvSource, loadConfig } from "../../../shared/config.ts";
import { dbCall, getSql, table } from "../../../shared/db.ts";
import { schemasFor } from "../../../shared/environment.ts";
import { HttpError } from "../../../shared/errors.ts";
import { defineFunction, json, parseInput, readJson } from "../../../shared/http.ts";
import { createVerificationBody } from "../../../shared/validation.ts";

interface Row {
  linked: boolean;
  id: string | null;
  expires_at: Date | null;
  created: boolean | null;
}

export function createVerificationHandler(env: EnvSource = Deno.env.toObject()) {
  return defineFunction({
    name: "create-verification",
    methods: ["POST"],
    config: (e) => {
      const config = loadConfig(createVerificationConfig, e);
      const keys = [config.SUPABASE_SERVICE_ROLE_KEY, config.DISCORD_BOT_API_KEY];
      return { ...config, authorize: serviceCallerCheck(keys) };
    },
    async handle(ctx) {
      const { config } = ctx;
      await config.authorize(ctx.req);
      const body = parseInput(createVerificationBody, await readJson(ctx.req));
      ctx.environment = body.environment;
      const { shared, discord } = schemasFor(body.environment);
      const sql = getSql(config.SUPABASE_DB_URL);
      const requests = table(sql, discord, "verification_requests");

      // One round trip in the common case: report an existing link, else
      // insert unless a pending request exists (the partial unique index
      // makes that safe under concurrency), else return the pending one.
      // A request inserted concurrently may not be visible to this
      // statement's snapshot yet, and an expired request still counts as
      // pending until marked; both cases simply go round again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const [row] = await dbCall(() =>
          sql<Row[]>`
          with linked as (
            select exists (
              select 1 from ${table(sql, shared, "members")} where discord_id = ${body.discord_id}
            ) as linked
          ), inserted as (
            insert into ${requests} (discord_id, discord_username, expires_at)
            select ${body.discord_id}, ${body.discord_username},
                   now() + make_interval(mins => ${config.VERIFICATION_TTL_MINUTES})
            where not (select linked from linked)
            on conflict (discord_id) where status = 'pending' do nothing
            returning id, expires_at
          )
          select l.linked, coalesce(i.id, p.id) as id, coalesce(i.expires_at, p.expires_at) as expires_at,
                 i.id is not null as created
          from linked l
          left join inserted i on true
          left join ${requests} p
            on i.id is null and p.discord_id = ${body.discord_id} and p.status = 'pending'`
        );
        if (row.linked) {
          throw new HttpError(409, "already_verified", "This Discord account is already linked");
        }
        if (row.id && row.expires_at && (row.created || row.expires_at.getTime() > Date.now())) {
          return json(row.created ? 201 : 200, {
            verification_id: row.id,
            verification_url: verificationUrl(config.VERIFICATION_URL_BASE, row.id),
            expires_at: row.expires_at.toISOString(),
            status: "pending",
          });
        }
        if (row.id) {
          await dbCall(() =>
            sql`update ${requests} set status = 'expired'
                where id = ${row.id} and status = 'pending' and expires_at <= now()`
          );
        }
      }
      throw new HttpError(503, "unavailable", "Could not settle the request; try again");
    },
  }, env);
}

function verificationUrl(base: string, id: string): string {
  const url = new URL(base);
  url.searchParams.set("vid", id);
  return url.toString();
}
