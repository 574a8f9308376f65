// A real browser: headless Chromium loads a page served from 127.0.0.1
// that imports the package (its default, browser entry point, through an
// import map as a bundler would resolve "walletscreen"), checks a listed
// and a clear address and writes the answers to the DOM; the test reads
// them over WebDriver (chromedriver) and keeps a screenshot under
// target/tmp/wasm-page/.
//
// Without chromium and chromedriver (Debian's `chromium`,
// `chromium-driver`; .ci/run installs them) the test is skipped with a
// message, unless WALLETSCREEN_REQUIRE_BROWSER=1, which makes it fail.
// WALLETSCREEN_CHROMIUM / WALLETSCREEN_CHROMEDRIVER name other binaries.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const pkg = join(root, "bindings/wasm/pkg");
const shots = join(root, "target/tmp/wasm-page");

function which(names) {
  for (const name of names) {
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
    } catch {
      // not found: next
    }
  }
  return null;
}

const chromium = which([process.env.WALLETSCREEN_CHROMIUM ?? "chromium", "chromium-browser", "google-chrome"]);
const chromedriver = which([process.env.WALLETSCREEN_CHROMEDRIVER ?? "chromedriver"]);
const required = process.env.WALLETSCREEN_REQUIRE_BROWSER === "1";
let skip = false;
if (!chromium || !chromedriver) {
  const msg = `SKIPPED: the browser test needs chromium (${chromium ?? "not found"}) and chromedriver (${chromedriver ?? "not found"}); install Debian's chromium and chromium-driver (.ci/run does)`;
  if (required) throw new Error(`${msg} (WALLETSCREEN_REQUIRE_BROWSER=1)`);
  console.log(msg);
  skip = msg;
}

const LISTED = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
const CLEAR = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>walletscreen in a browser</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; }
  table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: .3em .6em; text-align: left; }
  .hit { background: #fdd; } .clear { background: #dfd; }
  pre { white-space: pre-wrap; word-break: break-all; font-size: 11px; color: #555; }
</style>
<script type="importmap">{ "imports": { "walletscreen": "/pkg/browser.js" } }</script>
</head><body>
<h1>walletscreen (WebAssembly)</h1>
<p id="status">loading…</p>
<table><thead><tr><th>address</th><th>kind</th><th>list</th><th>entity</th><th>via</th></tr></thead><tbody id="rows"></tbody></table>
<pre id="result"></pre>
<script type="module">
  const status = document.getElementById("status");
  try {
    const { Screener } = await import("walletscreen");
    const s = Screener.bundled();
    const answers = [${JSON.stringify(LISTED)}, ${JSON.stringify(CLEAR)}].map((a) => ({ address: a, ...s.check(a) }));
    for (const r of answers) {
      const tr = document.createElement("tr");
      tr.className = r.kind;
      const m = r.matches[0];
      for (const v of [r.address, r.kind, m?.list ?? "", m?.entity ?? "", m?.via ?? ""]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.append(td);
      }
      document.getElementById("rows").append(tr);
    }
    const many = s.checkMany([${JSON.stringify(LISTED)}, "junk"]);
    status.textContent = "lists as of " + s.listsAsOf + " (" + s.ageDays() + " days), version " + s.version.sha256.slice(0, 12);
    document.getElementById("result").textContent = JSON.stringify({
      answers,
      kinds: [...many.kinds],
      userAgent: navigator.userAgent,
    });
  } catch (e) {
    status.textContent = "error: " + e;
    document.getElementById("result").textContent = JSON.stringify({ error: String(e && e.stack || e) });
  }
  document.body.dataset.done = "1";
</script>
</body></html>`;

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html" };

function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(PAGE);
      return;
    }
    if (path.startsWith("/pkg/")) {
      const file = normalize(join(pkg, path.slice(5)));
      if (file.startsWith(pkg) && existsSync(file)) {
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A free loopback port (for chromedriver's --port). */
async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("headless Chromium imports the package and screens a listed and a clear address", { skip, timeout: 120_000 }, async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const profile = mkdtempSync(join(tmpdir(), "walletscreen-chromium-"));
  t.after(() => rmSync(profile, { recursive: true, force: true }));
  const port = await freePort();
  const driver = spawn(chromedriver, [`--port=${port}`, "--allowed-ips=127.0.0.1"], { stdio: "ignore" });
  t.after(() => driver.kill());
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  // chromedriver takes a moment to listen.
  for (let i = 0; ; i++) {
    try {
      await call("GET", "/status");
      break;
    } catch (e) {
      if (i > 100) throw e;
      await sleep(100);
    }
  }
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--window-size=1000,600",
  ];
  const session = await call("POST", "/session", {
    capabilities: { alwaysMatch: { "goog:chromeOptions": { binary: chromium, args } } },
  });
  const id = session.sessionId;
  t.after(() => call("DELETE", `/session/${id}`).catch(() => {}));
  const { port: web } = server.address();
  await call("POST", `/session/${id}/url`, { url: `http://127.0.0.1:${web}/` });
  const js = (script) => call("POST", `/session/${id}/execute/sync`, { script, args: [] });
  for (let i = 0; (await js("return document.body && document.body.dataset.done || null")) !== "1"; i++) {
    if (i > 300) throw new Error("the page did not finish in 30 s");
    await sleep(100);
  }
  const result = JSON.parse(await js('return document.getElementById("result").textContent'));
  mkdirSync(shots, { recursive: true });
  const shot = join(shots, "page.png");
  writeFileSync(shot, Buffer.from(await call("GET", `/session/${id}/screenshot`), "base64"));
  console.log(`page screenshot: ${shot}`);

  assert.equal(result.error, undefined, result.error);
  const [listed, clear] = result.answers;
  assert.equal(listed.kind, "hit");
  assert.equal(listed.matches[0].list, "ofac-sdn");
  assert.equal(listed.matches[0].entity, "Lazarus Group");
  assert.equal(listed.listsAsOf, "2026-09-30");
  assert.equal(clear.kind, "clear");
  assert.equal(clear.family, "bech32");
  assert.deepEqual(result.kinds, [1, 2]);
  assert.match(result.userAgent, /Chrome/);
  // What a person sees: the rows were written to the page.
  const rows = await js('return [...document.querySelectorAll("#rows tr")].map((r) => r.className + ":" + r.cells[3].textContent)');
  assert.deepEqual(rows, ["hit:Lazarus Group", "clear:"]);
});
