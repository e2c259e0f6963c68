// Dotenv files, read as the Supabase CLI reads them (`secrets set
// --env-file`, `functions serve --env-file`): KEY=value lines, `export`,
// # comments, single quotes taken as they are, double quotes with \n and \"
// escapes that may span lines (a PEM in MYSQL_SSL_CA). One reader for the
// local stack's files and for the secrets file `npm run deploy` sends.

/** A .env file as the CLI reads it: KEY=value, quotes, `export`, multi-line double quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const line = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = line.exec(lines[i]);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith('"')) {
      let body = value.slice(1);
      while (!/(^|[^\\])"\s*(#.*)?$/.test(body) && i + 1 < lines.length) body += "\n" + lines[++i];
      body = body.replace(/"\s*(#.*)?$/, "");
      value = body.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else if (value.startsWith("'")) {
      value = value.slice(1).replace(/'\s*(#.*)?$/, "");
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    out[m[1]] = value;
  }
  return out;
}

/** A dotenv file; a missing file is empty. */
export async function readDotenv(path: string): Promise<Record<string, string>> {
  try {
    return parseDotenv(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw err;
  }
}
