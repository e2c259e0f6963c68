// What complete-verification accepts: the POST's body and the GET's query string.
import { z } from "zod";
import { withEnvironment } from "../../../shared/requests.ts";

export const completeVerificationBody = withEnvironment({
  verification_id: z.uuid("must be a UUID"),
  /** The member confirms that this account replaces the one linked now. */
  replace_existing_link: z.boolean().default(false),
});

export const previewQuery = withEnvironment({
  verification_id: z.uuid("must be a UUID"),
});
