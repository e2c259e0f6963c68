// A TCP relay to MariaDB (or any local port) that a test can break and mend:
// refuse connections, cut one after so many bytes, or stop accepting. It
// counts what actually happened, so a test can tell that its faults fired.
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
      const pipe = async (from: Deno.Conn, to: Deno.Conn, count: boolean) => {
        const buf = new Uint8Array(16384);
        try {
          for (;;) {
            const n = await from.read(buf);
            if (n === null) break;
            if (count && (state.relayed += n) > state.cutAfterBytes) {
              state.cutAfterBytes = Infinity;
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
