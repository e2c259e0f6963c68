// The soak's plot (docs/soak.svg): the function server's RSS, the Postgres
// connections of the functions' pools and the requests' p99 per minute, one
// panel each, drawn as plain SVG so the docs can show it without a tool.
import type { Sample } from "./soak_verdict.ts";

const W = 720, PANEL = 150, PAD = 40;

function panel(
  title: string,
  unit: string,
  xs: number[],
  series: { name: string; ys: number[] }[],
  top: number,
): string {
  const maxX = Math.max(1, ...xs);
  const maxY = Math.max(1, ...series.flatMap((s) => s.ys)) * 1.1;
  const x = (v: number) => PAD + (v / maxX) * (W - 2 * PAD);
  const y = (v: number) => top + PANEL - (v / maxY) * (PANEL - 30);
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  const lines = series.map((s, i) =>
    `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="1.5" points="${
      s.ys.map((v, k) => `${x(xs[k]).toFixed(1)},${y(v).toFixed(1)}`).join(" ")
    }"/><text x="${W - PAD - 170}" y="${top + 14 + 12 * i}" font-size="10" fill="${
      colors[i % colors.length]
    }">${s.name}</text>`
  );
  return [
    `<text x="${PAD}" y="${top + 12}" font-size="12" font-weight="bold">${title}</text>`,
    `<line x1="${PAD}" y1="${top + PANEL}" x2="${W - PAD}" y2="${top + PANEL}" stroke="#999"/>`,
    `<text x="4" y="${y(maxY / 1.1).toFixed(0)}" font-size="10">${
      Math.round(maxY / 1.1)
    } ${unit}</text>`,
    `<text x="4" y="${top + PANEL}" font-size="10">0</text>`,
    `<text x="${W - PAD}" y="${
      top + PANEL + 12
    }" font-size="10" text-anchor="end">${maxX} min</text>`,
    ...lines,
  ].join("\n");
}

export function soakSvg(samples: Sample[]): string {
  const xs = samples.map((s) => s.minute);
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.connections)))]
    .filter((a) => a.startsWith("mynatca-") || a.startsWith("local-"))
    .sort();
  const height = 3 * (PANEL + 30) + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel("Function server RSS", "MB", xs, [{ name: "RSS", ys: samples.map((s) => s.rss_mb) }], 10),
    panel(
      "Postgres connections by application",
      "",
      xs,
      apps.map((a) => ({ name: a, ys: samples.map((s) => s.connections[a] ?? 0) })),
      10 + PANEL + 30,
    ),
    panel(
      "Request latency per minute",
      "ms",
      xs,
      [{ name: "p99", ys: samples.map((s) => s.p99_ms) }, {
        name: "p50",
        ys: samples.map((s) => s.p50_ms),
      }],
      10 + 2 * (PANEL + 30),
    ),
    `</svg>`,
  ].join("\n");
}
