// What POST /create-verification accepts.
import { discordId, readableText, withEnvironment } from "../../../shared/requests.ts";

export const createVerificationBody = withEnvironment({
  discord_id: discordId,
  discord_username: readableText(32),
});
