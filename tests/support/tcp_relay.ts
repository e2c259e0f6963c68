// A TCP relay to MariaDB (or any local port) that a test can break and mend:
// refuse connections, cut one after so many bytes, when the client next
// sends, or (to Postgres) right after an error, or stop accepting. It counts what actually happened, so a
// test can tell that its faults fired.
import { STACK_MY_PORT } from "../../local/stack.ts";

export interface RelayOptions {
  /** The loopback address to listen on (another one than the target's, say). */
  hostname?: string;
  /** The port relayed to, on 127.0.0.1. */
  target?: number;
}

export function tcpRelay({ hostname = "127.0.0.1", target = STACK_MY_PORT }: RelayOptions = {}) {
  const listener = Deno.listen({ hostname, port: 0 });
  const open = new Set<Deno.Conn>();
  const state = {
    /** Refuse this many connections. */
    refuse: 0,
    /** Refuse every connection after this many were accepted (the server is gone for good). */
    acceptAtMost: Infinity,
    /** Cut the connection that carries the target's answers past this many bytes, once. */
    cutAfterBytes: Infinity,
    /**
     * Relaying Postgres: cut the connection right after the server's
     * ErrorResponse with this SQLSTATE, before its ReadyForQuery, once.
     */
    cutAfterError: undefined as string | undefined,
    /** Cut a connection, once, as soon as the client sends on it (nothing reaches the target). */
    cutOnClientData: false,
    relayed: 0,
    refused: 0,
    cuts: 0,
    accepted: 0,
  };
  (async () => {
    for await (const client of listener) {
      if (state.refuse > 0 || state.accepted >= state.acceptAtMost) {
        if (state.refuse > 0) state.refuse--;
        state.refused++;
        client.close();
        continue;
      }
      state.accepted++;
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: target });
      open.add(client).add(upstream);
      const answers = new PgMessages();
      const pipe = async (from: Deno.Conn, to: Deno.Conn, count: boolean) => {
        const buf = new Uint8Array(16384);
        try {
          for (;;) {
            const n = await from.read(buf);
            if (n === null) break;
            if (!count && state.cutOnClientData) {
              state.cutOnClientData = false;
              state.cuts++;
              throw new Error("cut");
            }
            if (count && (state.relayed += n) > state.cutAfterBytes) {
              state.cutAfterBytes = Infinity;
              state.cuts++;
              throw new Error("cut");
            }
            const upTo = count && state.cutAfterError
              ? answers.endOfError(buf.subarray(0, n), state.cutAfterError)
              : undefined;
            if (upTo !== undefined) {
              await to.write(buf.subarray(0, upTo));
              state.cutAfterError = undefined;
              state.cuts++;
              throw new Error("cut");
            }
            await to.write(buf.subarray(0, n));
          }
        } catch { /* cut or closed */ }
        for (const c of [from, to]) {
          try {
            c.close();
          } catch { /* already closed */ }
          open.delete(c);
        }
      };
      pipe(client, upstream, false);
      pipe(upstream, client, true);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    state,
    close() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

/**
 * The Postgres server's messages as they stream past (type byte, int32
 * length, body), for a relay that must cut right after one of them.
 */
class PgMessages {
  #pending = new Uint8Array(0);

  /** Where in `chunk` the first ErrorResponse with `code` ends, if one does. */
  endOfError(chunk: Uint8Array, code: string): number | undefined {
    const all = new Uint8Array(this.#pending.length + chunk.length);
    all.set(this.#pending);
    all.set(chunk, this.#pending.length);
    let at = 0;
    let found: number | undefined;
    while (found === undefined && at + 5 <= all.length) {
      const length = new DataView(all.buffer, at + 1, 4).getInt32(0);
      if (at + 1 + length > all.length) break;
      if (all[at] === 0x45 /* E */ && sqlState(all.subarray(at + 5, at + 1 + length)) === code) {
        found = at + 1 + length - this.#pending.length;
      }
      at += 1 + length;
    }
    this.#pending = all.slice(at);
    return found;
  }
}

/** The C (SQLSTATE) field of an ErrorResponse's body. */
function sqlState(body: Uint8Array): string | undefined {
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    if (body[at] === 0x43 /* C */) return new TextDecoder().decode(body.subarray(at + 1, end));
    at = end + 1;
  }
  return undefined;
}
