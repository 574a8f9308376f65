// The built package as an npm consumer sees it: package.json, its files,
// and the `exports` map resolved by Node ("walletscreen" under the "node"
// condition loads the module at import; "walletscreen/manual" waits for
// init).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("../pkg/", import.meta.url));
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));

test("package.json: an ES module named walletscreen with types and every file it names", () => {
  assert.equal(manifest.name, "walletscreen");
  assert.equal(manifest.type, "module");
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.equal(manifest.types, "./index.d.ts");
  assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "node", "default"]);
  assert.equal(manifest.engines.node, ">=20");
  for (const f of manifest.files) assert.ok(existsSync(join(pkg, f)), `${f} is in files but not built`);
  const types = readFileSync(join(pkg, "index.d.ts"), "utf8");
  for (const name of ["class Screener", "checkMany", "fromCompiled", "class IntegrityError", "interface CheckResult", "ageDays"]) {
    assert.ok(types.includes(name), `index.d.ts declares ${name}`);
  }
});

test("Node resolves the exports map: 'walletscreen' is ready on import, 'walletscreen/manual' after init()", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "walletscreen-consumer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(pkg, join(dir, "node_modules", "walletscreen"), "dir");
  const run = (code) => execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: dir, encoding: "utf8" }).trim();
  assert.equal(
    run(`import { Screener } from "walletscreen";
         console.log(Screener.bundled().check("bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge").matches[0].list);`),
    "fbi-dprk",
  );
  assert.equal(
    run(`import { readFileSync } from "node:fs";
         import { Screener, initSync, isInitialized, WalletscreenError } from "walletscreen/manual";
         let code = null;
         try { Screener.bundled(); } catch (e) { code = e instanceof WalletscreenError && e.code; }
         const wasm = new URL("./node_modules/walletscreen/walletscreen_bg.wasm", "file://${dir}/");
         const before = isInitialized();
         initSync(readFileSync(wasm));
         console.log(code, before, isInitialized(), Screener.bundled().isListed("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"));`),
    "not_initialized false true true",
  );
});
