// Screener.fromCompiled: a compiled image a wallet's own server publishes,
// verified (SHA-256, minisign signature) before use; a bad image throws a
// typed error and the screener the wallet had keeps answering.
//
// Images: lists/bundled.wsidx (the crate's compiled bundled lists, checked
// in) and, when WALLETSCREEN_WASM_FIXTURE names it, the batch binary's
// `--write-compiled` output over tests/fixtures/wallet-blocklist.csv
// (.ci/test makes it; without the variable that case is skipped). The
// minisign key is made here, with node:crypto (Ed25519 over BLAKE2b-512,
// minisign's default "hashed" signatures).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

import { ArgumentError, CompiledError, IntegrityError, Screener, WalletscreenError } from "../pkg/node.js";

const root = new URL("../../../", import.meta.url);
const bundledImage = new Uint8Array(readFileSync(new URL("lists/bundled.wsidx", root)));
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

const bundled = Screener.bundled();
const LAZARUS = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
// In tests/fixtures/wallet-blocklist.csv only.
const DRAINER = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

/** The bundled screener still answers as before. */
function oldStillServes() {
  assert.equal(bundled.check(LAZARUS).kind, "hit");
  assert.equal(bundled.check(LAZARUS).matches[0].entity, "Lazarus Group");
  assert.equal(bundled.check(DRAINER).kind, "clear");
}

function tampered(bytes, at = bytes.length >> 1) {
  const t = new Uint8Array(bytes);
  t[at] ^= 0x20;
  return t;
}

/** A minisign key pair and a signer (hashed mode, as `minisign -S` signs). */
function minisignKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const keyId = randomBytes(8);
  const pub = Buffer.concat([Buffer.from("Ed"), keyId, raw]).toString("base64");
  const signFile = (bytes, name = "lists.wsidx") => {
    const digest = createHash("blake2b512").update(bytes).digest();
    const sig = sign(null, digest, privateKey);
    const trusted = `timestamp:1796342400\tfile:${name}\thashed`;
    const global = sign(null, Buffer.concat([sig, Buffer.from(trusted)]), privateKey);
    return (
      "untrusted comment: signature from a walletscreen test key\n" +
      Buffer.concat([Buffer.from("ED"), keyId, sig]).toString("base64") +
      "\n" +
      `trusted comment: ${trusted}\n` +
      global.toString("base64") +
      "\n"
    );
  };
  return { publicKey: `untrusted comment: minisign public key\n${pub}\n`, line: pub, signFile };
}

test("a good image with its SHA-256 serves", () => {
  const s = Screener.fromCompiled(bundledImage, { sha256: sha256(bundledImage) });
  assert.notEqual(s, bundled);
  assert.deepEqual(s.version, bundled.version);
  assert.deepEqual(s.check(LAZARUS), bundled.check(LAZARUS));
  assert.equal(s.entryCount, bundled.entryCount);
  // Either case of hex; an ArrayBuffer, a Node Buffer.
  Screener.fromCompiled(bundledImage.buffer, { sha256: sha256(bundledImage).toUpperCase() });
  Screener.fromCompiled(readFileSync(new URL("lists/bundled.wsidx", root)), { sha256: sha256(bundledImage) });
  // The bundled screener's own image is the same bytes.
  assert.deepEqual(bundled.compiledBytes(), bundledImage);
});

const fixture = process.env.WALLETSCREEN_WASM_FIXTURE;
test(
  "the batch binary's --write-compiled image: a wallet's own list beside the bundled ones",
  { skip: fixture ? false : "WALLETSCREEN_WASM_FIXTURE not set (.ci/test --wasm makes the image)" },
  () => {
    assert.ok(existsSync(fixture), `${fixture} is missing`);
    const bytes = new Uint8Array(readFileSync(fixture));
    const s = Screener.fromCompiled(bytes, { sha256: sha256(bytes) });
    const r = s.check(DRAINER.toLowerCase());
    assert.equal(r.kind, "hit");
    assert.deepEqual(
      [r.matches[0].list, r.matches[0].category, r.matches[0].entity, [...r.matches[0].programs]],
      ["wallet-blocklist", "custom", "Phishing drainer", ["reported by users"]],
    );
    assert.equal(s.check("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").matches[0].entity, "Fake support desk");
    assert.equal(s.check(LAZARUS).kind, "hit", "the bundled lists are in it too");
    assert.deepEqual(
      s.lists.map((l) => l.id),
      ["ofac-sdn", "fbi-dprk", "wallet-blocklist"],
    );
    assert.equal(s.listsAsOf, "2026-12-01");
    assert.notEqual(s.version.sha256, bundled.version.sha256);
    oldStillServes();
  },
);

test("a changed image is refused before use: IntegrityError sha256_mismatch", () => {
  const bad = tampered(bundledImage);
  assert.throws(
    () => Screener.fromCompiled(bad, { sha256: sha256(bundledImage) }),
    (e) =>
      e instanceof IntegrityError &&
      e instanceof WalletscreenError &&
      e.name === "IntegrityError" &&
      e.code === "sha256_mismatch" &&
      e.message.includes(sha256(bad)) &&
      e.message.includes(sha256(bundledImage)),
  );
  oldStillServes();
});

test("an image that is not one: CompiledError with the crate's reason", () => {
  // Its own digest passes; the image's checksum does not.
  const bad = tampered(bundledImage);
  assert.throws(
    () => Screener.fromCompiled(bad, { sha256: sha256(bad) }),
    (e) => e instanceof CompiledError && e.code === "checksum",
  );
  const cut = bundledImage.slice(0, 1000);
  assert.throws(
    () => Screener.fromCompiled(cut, { sha256: sha256(cut) }),
    (e) => e instanceof CompiledError && e.code === "truncated",
  );
  const junk = new TextEncoder().encode("<html>502 Bad Gateway</html>");
  assert.throws(
    () => Screener.fromCompiled(junk, { allowUnverified: true }),
    (e) => e instanceof CompiledError && e.code === "bad_magic",
  );
  const newer = new Uint8Array(bundledImage);
  newer[8] = 99; // the format version (u32 after the 8-byte magic)
  assert.throws(
    () => Screener.fromCompiled(newer, { allowUnverified: true }),
    (e) => e instanceof CompiledError && e.code === "unsupported_version" && /version 99/.test(e.message),
  );
  assert.throws(() => Screener.fromCompiled(new Uint8Array(0), { allowUnverified: true }), CompiledError);
  oldStillServes();
});

test("minisign: a good signature serves; a changed image, another key or no signature is refused", () => {
  const key = minisignKey();
  const sig = key.signFile(bundledImage);
  for (const publicKey of [key.publicKey, key.line]) {
    const s = Screener.fromCompiled(bundledImage, { signature: sig, publicKey });
    assert.equal(s.check(LAZARUS).kind, "hit");
  }
  // Both checks at once.
  Screener.fromCompiled(bundledImage, { sha256: sha256(bundledImage), signature: sig, publicKey: key.line });
  const refused = (bytes, options, code, cls = IntegrityError) =>
    assert.throws(
      () => Screener.fromCompiled(bytes, options),
      (e) => e instanceof cls && e.code === code,
      code,
    );
  refused(tampered(bundledImage), { signature: sig, publicKey: key.line }, "does_not_verify");
  refused(bundledImage, { signature: sig, publicKey: minisignKey().line }, "other_key");
  refused(bundledImage, { signature: "hello", publicKey: key.line }, "not_a_signature");
  // The signature of another file by the same key.
  refused(bundledImage, { signature: key.signFile(new Uint8Array([1, 2, 3])), publicKey: key.line }, "does_not_verify");
  // A right signature and a wrong digest: refused (both must pass).
  refused(bundledImage, { sha256: sha256(new Uint8Array(1)), signature: sig, publicKey: key.line }, "sha256_mismatch");
  refused(bundledImage, { signature: sig, publicKey: "not a key" }, "bad_public_key", ArgumentError);
  refused(bundledImage, { signature: sig }, "invalid_argument", ArgumentError);
  refused(bundledImage, { publicKey: key.line, allowUnverified: true }, "invalid_argument", ArgumentError);
  oldStillServes();
});

test("fromCompiled wants a digest or a signature, well-formed, and bytes", () => {
  const refused = (bytes, options, code) =>
    assert.throws(
      () => Screener.fromCompiled(bytes, options),
      (e) => e instanceof ArgumentError && e.code === code,
      code,
    );
  refused(bundledImage, undefined, "no_integrity");
  refused(bundledImage, {}, "no_integrity");
  refused(bundledImage, { sha256: "abc" }, "bad_sha256");
  refused(bundledImage, { sha256: "+" + sha256(bundledImage).slice(1) }, "bad_sha256");
  refused(bundledImage, { sha256: 42 }, "invalid_argument");
  refused("not bytes", { allowUnverified: true }, "invalid_argument");
  refused([1, 2, 3], { allowUnverified: true }, "invalid_argument");
  // Without a check, a good image is taken (its own checksum still holds).
  assert.equal(Screener.fromCompiled(bundledImage, { allowUnverified: true }).check(LAZARUS).kind, "hit");
  oldStillServes();
});
