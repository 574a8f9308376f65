// The npm package's budgets (issue 18), measured in Node in one run:
//
//   bindings/wasm/build.sh && flock -x -w 900 /work/notes/machine.lock node bindings/wasm/bench/bench.mjs
//
// 1. size: walletscreen_bg.wasm raw and gzip -9 (budget <= 400 KB gzip),
//    and what takes the space (the code section, the data section and in
//    it the embedded compiled lists, lists/bundled.wsidx);
// 2. instantiation, in fresh processes: importing the package (reading,
//    compiling and instantiating the module) and the first
//    Screener.bundled() (budget <= 20 ms);
// 3. check() per call next to the anchor approach, a JS Set of the listed
//    addresses lower-cased and `set.has(input.toLowerCase())`, on the same
//    inputs (budget <= 10x);
// 4. checkMany over 1 M addresses (budget >= 5 M addresses/s).
//
// Inputs are made here with a fixed seed: the bundled lists' addresses
// as listed, and well-formed unlisted ones (random EVM addresses in mixed
// case, base58check P2PKH addresses). Medians of several runs.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants as zlib } from "node:zlib";

const root = new URL("../../../", import.meta.url);
const pkgUrl = new URL("bindings/wasm/pkg/", root);
const { Screener, Kind } = await import(new URL("node.js", pkgUrl));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x, d = 1) => x.toFixed(d);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// A small deterministic generator (xorshift32).
let seed = 0x2545f491;
const rnd = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const hexDigits = "0123456789abcdef";
// Joined from an array: a flat string, as JSON.parse or the DOM give
// (a string built with += is a rope V8 flattens on first use).
function randomEvm() {
  const c = ["0", "x"];
  for (let i = 0; i < 40; i++) {
    const d = hexDigits[(rnd() * 16) | 0];
    c.push(rnd() < 0.5 ? d : d.toUpperCase());
  }
  return c.join("");
}
const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function base58(bytes) {
  let n = BigInt("0x" + Buffer.from(bytes).toString("hex"));
  let s = "";
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = "1" + s;
  }
  return s;
}
function randomP2pkh() {
  const payload = Buffer.alloc(21);
  for (let i = 1; i < 21; i++) payload[i] = (rnd() * 256) | 0;
  const sum = createHash("sha256").update(createHash("sha256").update(payload).digest()).digest();
  return base58(Buffer.concat([payload, sum.subarray(0, 4)]));
}

function listedAddresses() {
  const out = [];
  for (const file of ["lists/ofac_sdn.csv", "lists/fbi_dprk.csv"]) {
    const lines = readFileSync(new URL(file, root), "utf8").split("\n");
    for (const line of lines.filter((l) => l && !l.startsWith("#")).slice(1)) out.push(line.split(",")[0]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// 1. Size
// ---------------------------------------------------------------------------

function sections(bytes) {
  const out = {};
  let i = 8;
  const leb = () => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      r += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return r;
    }
  };
  const names = { 0: "custom", 1: "type", 2: "import", 3: "function", 5: "memory", 6: "global", 7: "export", 10: "code", 11: "data" };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = leb();
    const name = names[id] ?? `section ${id}`;
    out[name] = (out[name] ?? 0) + size;
    i += size;
  }
  return out;
}

const wasm = readFileSync(new URL("walletscreen_bg.wasm", pkgUrl));
const image = readFileSync(new URL("lists/bundled.wsidx", root));
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sec = sections(wasm);
const imageAt = wasm.indexOf(image.subarray(0, 64));
console.log("## Size");
console.log(`walletscreen_bg.wasm: ${wasm.length} bytes raw (${kb(wasm.length)}), ${gz(wasm)} gzip -9 (${kb(gz(wasm))}; budget 400 KB), ${br(wasm)} brotli 11`);
console.log(`  code section ${sec.code} bytes (${kb(sec.code)}), gzip of the module without the image ~${gz(Buffer.concat([wasm.subarray(0, imageAt), wasm.subarray(imageAt + image.length)]))}`);
console.log(`  data section ${sec.data} bytes, of which the compiled lists (lists/bundled.wsidx, embedded whole: ${imageAt >= 0 ? "found" : "NOT found"}) ${image.length} bytes (${gz(image)} gzip -9)`);
console.log(`  other sections: ${Object.entries(sec).filter(([k]) => k !== "code" && k !== "data").map(([k, v]) => `${k} ${v}`).join(", ")}`);

// ---------------------------------------------------------------------------
// 2. Instantiation (fresh processes)
// ---------------------------------------------------------------------------

const probe = `
const t0 = performance.now();
const { Screener } = await import(${JSON.stringify(new URL("node.js", pkgUrl).href)});
const t1 = performance.now();
const s = Screener.bundled();
const t2 = performance.now();
s.check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
const t3 = performance.now();
console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2]));`;
const runs = [];
for (let i = 0; i < 11; i++) {
  runs.push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" })));
}
console.log("\n## Instantiation (11 fresh node processes, median)");
console.log(`import (read + compile + instantiate the module): ${fmt(median(runs.map((r) => r[0])), 2)} ms`);
console.log(`first Screener.bundled(): ${fmt(median(runs.map((r) => r[1])), 2)} ms (budget 20 ms)`);
console.log(`first check (a hit): ${fmt(median(runs.map((r) => r[2])), 2)} ms`);

// ---------------------------------------------------------------------------
// 3. check() vs a JS Set
// ---------------------------------------------------------------------------

const s = Screener.bundled();
const listed = listedAddresses();
const set = new Set(listed.map((a) => a.toLowerCase()));
const clear = [];
for (let i = 0; i < 9000; i++) clear.push(i % 3 === 0 ? randomP2pkh() : randomEvm());
// 10 % listed, as listed; 90 % well-formed unlisted; shuffled.
const mixed = [...clear];
for (let i = 0; i < 1000; i++) mixed.push(listed[i % listed.length]);
for (let i = mixed.length - 1; i > 0; i--) {
  const j = (rnd() * (i + 1)) | 0;
  [mixed[i], mixed[j]] = [mixed[j], mixed[i]];
}
const hitsOnly = listed.slice(0, 1000);

function perCall(inputs, fn, minMs = 300) {
  let sink = 0;
  for (const x of inputs) sink += fn(x) ? 1 : 0; // warm-up
  const times = [];
  for (let r = 0; r < 7; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs / 7) {
      for (const x of inputs) sink += fn(x) ? 1 : 0;
      n += inputs.length;
      t = performance.now();
    }
    times.push(((t - t0) * 1e6) / n);
  }
  if (sink < 0) console.log(sink);
  return median(times);
}

// Sanity: the answers agree where the Set can answer (case-insensitive formats).
let hitsMixed = 0;
for (const x of mixed) hitsMixed += s.check(x).kind === "hit" ? 1 : 0;

const setNs = perCall(mixed, (x) => set.has(x.toLowerCase()));
const checkNs = perCall(mixed, (x) => s.check(x).kind === "hit");
const listedNs = perCall(mixed, (x) => s.isListed(x));
const setClearNs = perCall(clear, (x) => set.has(x.toLowerCase()));
const checkClearNs = perCall(clear, (x) => s.check(x).kind === "hit");
const checkHitNs = perCall(hitsOnly, (x) => s.check(x).kind === "hit");
// The Set's best case: inputs already lower-case (toLowerCase gives the
// same string back, whose hash V8 keeps).
const lowerEvm = clear.filter((x) => x.startsWith("0x")).map((x) => x.toLowerCase());
const setLowerNs = perCall(lowerEvm, (x) => set.has(x.toLowerCase()));
const checkLowerNs = perCall(lowerEvm, (x) => s.check(x).kind === "hit");
const listedLowerNs = perCall(lowerEvm, (x) => s.isListed(x));
// A hit's details decoded for the first time (a fresh screener, empty cache).
const fresh = Screener.fromCompiled(image, { allowUnverified: true });
let t0 = performance.now();
for (const x of hitsOnly) fresh.check(x);
const firstHitNs = ((performance.now() - t0) * 1e6) / hitsOnly.length;

console.log(`\n## check() per call vs Set.has(input.toLowerCase()) (10,000 inputs: 1,000 listed as listed, 9,000 well-formed unlisted; ${hitsMixed} hits)`);
console.log(`Set.has(lower-cased):            ${fmt(setNs)} ns`);
console.log(`check():                         ${fmt(checkNs)} ns  (${fmt(checkNs / setNs)}x the Set; budget 10x)`);
console.log(`isListed():                      ${fmt(listedNs)} ns  (${fmt(listedNs / setNs)}x)`);
console.log(`clear inputs only: Set ${fmt(setClearNs)} ns, check() ${fmt(checkClearNs)} ns (${fmt(checkClearNs / setClearNs)}x)`);
console.log(`lower-case EVM inputs only (the Set's best case): Set ${fmt(setLowerNs)} ns, check() ${fmt(checkLowerNs)} ns (${fmt(checkLowerNs / setLowerNs)}x), isListed() ${fmt(listedLowerNs)} ns (${fmt(listedLowerNs / setLowerNs)}x)`);
console.log(`listed inputs only: check() ${fmt(checkHitNs)} ns (details cached); first time per input ${fmt(firstHitNs)} ns`);

// ---------------------------------------------------------------------------
// 4. checkMany over 1 M addresses
// ---------------------------------------------------------------------------

const N = 1_000_000;
const pool = [...clear, ...listed];
const million = new Array(N);
for (let i = 0; i < N; i++) {
  // 1 % listed; the rest fresh random EVM or pooled base58.
  const r = rnd();
  million[i] = r < 0.01 ? listed[(rnd() * listed.length) | 0] : r < 0.6 ? randomEvm() : pool[(rnd() * 9000) | 0];
}
const lines = million.join("\n");

function rate(fn) {
  fn(); // warm-up
  const ms = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  const m = median(ms);
  return { ms: m, rate: N / m / 1000 };
}
let expectHits = 0;
const arr = rate(() => {
  expectHits = s.checkMany(million).counts.hit;
});
const str = rate(() => s.checkMany(lines));
const setLoop = rate(() => {
  let n = 0;
  for (const x of million) n += set.has(x.toLowerCase()) ? 1 : 0;
  return n;
});
const listedLoop = rate(() => {
  let n = 0;
  for (const x of million) n += s.isListed(x) ? 1 : 0;
  return n;
});
const checkLoop = rate(() => {
  let n = 0;
  for (const x of million) n += s.check(x).kind === "hit" ? 1 : 0;
  return n;
});
const agree = s.checkMany(million).kinds.every((k, i) => (k === Kind.HIT) === s.isListed(million[i]));
console.log(`\n## 1 M addresses (1 % listed; ${expectHits} hits; checkMany agrees with isListed: ${agree})`);
console.log(`checkMany(array of strings):     ${fmt(arr.ms)} ms = ${fmt(arr.rate, 2)} M addresses/s (budget 5 M/s)`);
console.log(`checkMany(string of lines):      ${fmt(str.ms)} ms = ${fmt(str.rate, 2)} M addresses/s`);
console.log(`loop of check():                 ${fmt(checkLoop.ms)} ms = ${fmt(checkLoop.rate, 2)} M addresses/s`);
console.log(`loop of isListed():              ${fmt(listedLoop.ms)} ms = ${fmt(listedLoop.rate, 2)} M addresses/s`);
console.log(`loop of Set.has(lower-cased):    ${fmt(setLoop.ms)} ms = ${fmt(setLoop.rate, 2)} M addresses/s`);
console.log(`\nnode ${process.version}, ${fileURLToPath(pkgUrl)}`);
