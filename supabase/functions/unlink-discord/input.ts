// What POST /unlink-discord accepts.
import { discordId, readableText, withEnvironment } from "../../../shared/requests.ts";

/**
 * A member unlinks their own account (no fields); the bot or an operator
 * names the Discord account, with an optional reason. The handler checks
 * which fields fit the caller.
 */
export const unlinkBody = withEnvironment({
  discord_id: discordId.optional(),
  reason: readableText(200).optional(),
});
