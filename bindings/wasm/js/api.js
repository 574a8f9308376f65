// The walletscreen npm package's API over the WebAssembly module.
//
// `walletscreen.js` is wasm-bindgen's glue (`--target web`); this file
// wraps its low-level exports (bindings/wasm/src/lib.rs) into the
// documented API: `Screener`, plain result objects, typed errors. The
// entry points (`node.js`, `browser.js`, `manual.js`) differ only in how
// the module is loaded. Types: index.d.ts; guide: README.md.

import initGlue, { initSync as initGlueSync, names, RawError, RawScreener } from "./walletscreen.js";

// ---------------------------------------------------------------------------
// Loading the module
// ---------------------------------------------------------------------------

let ready = false;
let pending = null;
let tables = null;
// The module's memory (screeners write their inputs into it).
let memory = null;

function loaded(exports) {
  memory = exports.memory;
  ready = true;
  tables = JSON.parse(names());
}

/**
 * Loads the WebAssembly module (once; later calls return the same
 * promise). `source` is optional: a URL, a `Response`, a `BufferSource` or
 * a `WebAssembly.Module`; by default the `walletscreen_bg.wasm` beside this
 * file, fetched. The default entry point calls it for you.
 */
export function init(source) {
  if (ready) return Promise.resolve();
  if (pending === null) {
    const arg = source === undefined ? undefined : { module_or_path: source };
    pending = initGlue(arg).then((exports) => loaded(exports), (e) => {
      pending = null;
      throw e;
    });
  }
  return pending;
}

/**
 * Loads the WebAssembly module synchronously from its bytes (a
 * `BufferSource`) or a compiled `WebAssembly.Module`. Browsers refuse to
 * compile large modules synchronously on the main thread: use `init()`
 * there.
 */
export function initSync(module) {
  if (ready) return;
  loaded(initGlueSync({ module }));
}

/** Whether the WebAssembly module is loaded. */
export function isInitialized() {
  return ready;
}

function needReady() {
  if (!ready) {
    throw new WalletscreenError(
      "the WebAssembly module is not loaded: await init() first (walletscreen/manual)",
      "not_initialized",
    );
  }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Base class of every error the package throws: an `Error` with a stable
 * `code` (snake_case, the crate's error variant where there is one).
 */
export class WalletscreenError extends Error {
  constructor(message, code, options) {
    super(message, options);
    this.name = "WalletscreenError";
    this.code = code;
  }
}

/**
 * A compiled image that does not read (walletscreen::WireError): codes
 * `bad_magic`, `unsupported_version`, `truncated`, `checksum`, `corrupt`.
 */
export class CompiledError extends WalletscreenError {
  constructor(message, code, options) {
    super(message, code, options);
    this.name = "CompiledError";
  }
}

/**
 * A compiled image that fails its integrity check
 * (walletscreen::update::IntegrityError): codes `sha256_mismatch`,
 * `not_a_signature`, `other_key`, `legacy_signature`, `does_not_verify`.
 */
export class IntegrityError extends WalletscreenError {
  constructor(message, code, options) {
    super(message, code, options);
    this.name = "IntegrityError";
  }
}

/**
 * An argument the API cannot take: codes `invalid_argument` (e.g. an
 * address that is not a string), `bad_sha256`, `bad_public_key`,
 * `no_integrity` (fromCompiled without a digest or signature).
 */
export class ArgumentError extends WalletscreenError {
  constructor(message, code, options) {
    super(message, code, options);
    this.name = "ArgumentError";
  }
}

function fromRaw(e) {
  if (!(e instanceof RawError)) return e;
  const { kind, code, message } = e;
  e.free();
  switch (kind) {
    case "compiled":
      return new CompiledError(message, code);
    case "integrity":
      return new IntegrityError(message, code);
    case "argument":
      return new ArgumentError(message, code === "bad_argument" ? "invalid_argument" : code);
    default:
      return new WalletscreenError(message, code);
  }
}

function needString(value, what) {
  if (typeof value !== "string") {
    throw new ArgumentError(`${what} must be a string, got ${value === null ? "null" : typeof value}`, "invalid_argument");
  }
}

// ---------------------------------------------------------------------------
// Screener
// ---------------------------------------------------------------------------

/** Kind codes of `checkMany`'s `kinds` array. */
export const Kind = Object.freeze({ CLEAR: 0, HIT: 1, INVALID: 2 });
const KIND_NAMES = ["clear", "hit", "invalid"];

const DAY_MS = 86_400_000;
// Inputs up to this many UTF-16 units are written straight into the
// screener's input buffer in the module (3 bytes each at most in UTF-8);
// longer ones go through wasm-bindgen's string passing.
const DIRECT = 1024;
// Array elements per call into the module in checkMany.
const SLICE = 4096;
// Distinct inputs whose hit details are kept (decoded once, frozen).
const HIT_CACHE = 4096;
const EMPTY = Object.freeze([]);
const encoder = new TextEncoder();

function deepFreeze(value) {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function dateMs(date) {
  if (typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

let bundledScreener = null;

/**
 * A compiled, immutable set of lists. `Screener.bundled()` for the lists
 * shipped in the package, `Screener.fromCompiled(bytes, { sha256 })` for
 * a compiled image your own server publishes.
 */
export class Screener {
  #raw;
  #info;
  #asOfMs;
  #hits = new Map();
  // The input buffer in the module: its address, size and a view of it.
  #input;
  #inputSize = 3 * DIRECT;
  #view = null;
  #kinds = 0;

  constructor(raw) {
    if (!(raw instanceof RawScreener)) {
      throw new ArgumentError("use Screener.bundled() or Screener.fromCompiled()", "invalid_argument");
    }
    this.#raw = raw;
    this.#input = raw.inputBuffer(3 * DIRECT);
    this.#info = deepFreeze(JSON.parse(raw.info()));
    this.#asOfMs = dateMs(this.#info.version.date);
  }

  /**
   * The bundled lists (OFAC SDN digital-currency addresses, FBI DPRK
   * attributions), compiled into the package: no network, no file. The
   * same screener on every call.
   */
  static bundled() {
    needReady();
    if (bundledScreener === null) {
      let raw;
      try {
        raw = RawScreener.bundled();
      } catch (e) {
        throw fromRaw(e);
      }
      bundledScreener = new Screener(raw);
    }
    return bundledScreener;
  }

  /**
   * A screener from a compiled image (the batch binary's
   * `--write-compiled FILE`, or `screener.compiledBytes()`), verified
   * before anything else reads it: against `sha256` (64 hex digits) and/or
   * a minisign `signature` (the `.minisig` file's text) by `publicKey`
   * (its base64 line or the whole `minisign.pub`). At least one is
   * required unless `allowUnverified: true`. Throws `IntegrityError`,
   * `CompiledError` or `ArgumentError`; a screener you already have is
   * not affected.
   */
  static fromCompiled(bytes, options = {}) {
    needReady();
    let view;
    if (bytes instanceof Uint8Array) view = bytes;
    else if (bytes instanceof ArrayBuffer) view = new Uint8Array(bytes);
    else if (ArrayBuffer.isView(bytes)) view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else throw new ArgumentError("fromCompiled takes the image's bytes (Uint8Array, ArrayBuffer)", "invalid_argument");
    const { sha256, signature, publicKey, allowUnverified = false } = options ?? {};
    for (const [name, v] of [["sha256", sha256], ["signature", signature], ["publicKey", publicKey]]) {
      if (v !== undefined && v !== null && typeof v !== "string") {
        throw new ArgumentError(`${name} must be a string`, "invalid_argument");
      }
    }
    if (sha256 == null && signature == null && !allowUnverified) {
      throw new ArgumentError(
        "fromCompiled needs the image's expected sha256 or its minisign signature and publicKey (or allowUnverified: true)",
        "no_integrity",
      );
    }
    let raw;
    try {
      raw = RawScreener.fromCompiled(view, sha256 ?? undefined, signature ?? undefined, publicKey ?? undefined);
    } catch (e) {
      throw fromRaw(e);
    }
    return new Screener(raw);
  }

  /**
   * The list set's version: `{ date, sha256 }` (the newest list date,
   * and a SHA-256 over every list's id and content hash).
   */
  get version() {
    return this.#info.version;
  }

  /** The lists compiled in, in order: `{ id, name, category, asOf, source, license, entries, flagged, unmatchable, sha256 }`. */
  get lists() {
    return this.#info.lists;
  }

  /** The list set's date (`version.date`, `YYYY-MM-DD`), or null. */
  get listsAsOf() {
    return this.#info.version.date;
  }

  /** Whole days from `listsAsOf` (00:00 UTC) to `now` (ms, default `Date.now()`); 0 if in the future, null without a date. */
  ageDays(now = Date.now()) {
    if (this.#asOfMs === null) return null;
    return Math.max(0, Math.floor((now - this.#asOfMs) / DAY_MS));
  }

  /**
   * Writes `text` as UTF-8 into the input buffer (one native
   * `encodeInto`, no allocation): its length in bytes, or -1 when it is
   * too long for it.
   */
  #write(text) {
    if (text.length > DIRECT) return -1;
    return encoder.encodeInto(text, this.#inputView()).written;
  }

  /** A view of the input buffer, made again when the memory grew (which detaches the old one). */
  #inputView() {
    let view = this.#view;
    if (view === null || view.byteLength === 0) {
      view = this.#view = new Uint8Array(memory.buffer, this.#input, this.#inputSize);
    }
    return view;
  }

  /** Screens `inputs[from..to]` (strings) into `kinds[from..to]` with one call into the module. */
  #checkSlice(inputs, from, to, kinds, verify) {
    const text = inputs.slice(from, to).join("\n");
    if (3 * text.length > this.#inputSize) {
      this.#inputSize = 3 * text.length;
      this.#input = this.#raw.inputBuffer(this.#inputSize);
      this.#view = null;
    }
    const len = encoder.encodeInto(text, this.#inputView()).written;
    const lines = this.#raw.checkInputLines(len, verify);
    if (lines === to - from) {
      kinds.set(new Uint8Array(memory.buffer, this.#kinds, lines), from);
    } else {
      // Some element holds a newline: one check per element.
      for (let i = from; i < to; i++) {
        const n = this.#write(inputs[i]);
        kinds[i] = (n < 0 ? this.#raw.check(inputs[i], verify) : this.#raw.checkInput(n, verify)) & 3;
      }
    }
  }

  /**
   * Screens one string: `{ kind, family, checksum, network,
   * destinationTag, matches, reason, version, listsAsOf, ageDays }`.
   * Every string is an answer; only a non-string throws.
   */
  check(address, options) {
    needString(address, "address");
    const verify = options?.verifyChecksum === true;
    const len = this.#write(address);
    const code = len < 0 ? this.#raw.check(address, verify) : this.#raw.checkInput(len, verify);
    const kind = code & 3;
    const info = this.#info;
    if (kind === 2) {
      return {
        kind: "invalid",
        family: null,
        checksum: null,
        network: null,
        destinationTag: null,
        matches: EMPTY,
        reason: this.#raw.reason(address, verify),
        version: info.version,
        listsAsOf: info.version.date,
        ageDays: this.ageDays(),
      };
    }
    const family = tables.families[(code >>> 2) & 15];
    const checksum = tables.checksums[(code >>> 6) & 3];
    if (kind === 0) {
      return {
        kind: "clear",
        family,
        checksum,
        network: tables.networks[(code >>> 8) & 3],
        destinationTag: null,
        matches: EMPTY,
        reason: null,
        version: info.version,
        listsAsOf: info.version.date,
        ageDays: this.ageDays(),
      };
    }
    const hit = this.#hitDetails(address, verify);
    return {
      kind: "hit",
      family,
      checksum,
      network: null,
      destinationTag: hit.destinationTag,
      matches: hit.matches,
      reason: null,
      version: info.version,
      listsAsOf: info.version.date,
      ageDays: this.ageDays(),
    };
  }

  #hitDetails(address, verify) {
    let hit = this.#hits.get(address);
    if (hit === undefined) {
      hit = deepFreeze(JSON.parse(this.#raw.hit(address, verify)));
      if (this.#hits.size >= HIT_CACHE) this.#hits.clear();
      this.#hits.set(address, hit);
    }
    return hit;
  }

  /** Whether `address` is listed (the cheapest question). */
  isListed(address) {
    needString(address, "address");
    const len = this.#write(address);
    return len < 0 ? this.#raw.isListed(address) : this.#raw.isListedInput(len);
  }

  /**
   * Screens many strings at once: an array of strings, or one string of
   * newline-separated lines (a final newline ends the last line). Answers
   * a `CheckManyResult`: one kind code per input in `kinds` (a
   * `Uint8Array`, see `Kind`), the details of any input on demand.
   */
  checkMany(inputs, options) {
    const verify = options?.verifyChecksum === true;
    if (typeof inputs === "string") {
      const text = inputs.endsWith("\n") ? inputs.slice(0, -1) : inputs;
      if (inputs.length === 0) return new CheckManyResult(this, [], new Uint8Array(0), verify);
      const kinds = this.#raw.checkLineBytes(encoder.encode(text), verify);
      return new CheckManyResult(this, text, kinds, verify);
    }
    if (!Array.isArray(inputs)) {
      if (inputs == null || typeof inputs[Symbol.iterator] !== "function") {
        throw new ArgumentError("checkMany takes an array of strings or a string of lines", "invalid_argument");
      }
      inputs = Array.from(inputs);
    }
    const n = inputs.length;
    for (let i = 0; i < n; i++) {
      if (typeof inputs[i] !== "string") {
        throw new ArgumentError(`checkMany: element ${i} is not a string`, "invalid_argument");
      }
    }
    const kinds = new Uint8Array(n);
    // Slices of the array, joined and written into the module's input
    // buffer, answered in its kinds buffer: the working set stays in cache
    // and nothing of the size of the whole batch is made.
    if (this.#kinds === 0) this.#kinds = this.#raw.kindsBuffer(SLICE);
    for (let from = 0; from < n; from += SLICE) {
      this.#checkSlice(inputs, from, Math.min(n, from + SLICE), kinds, verify);
    }
    return new CheckManyResult(this, inputs, kinds, verify);
  }

  /**
   * The listed addresses inside free text: `[{ start, end, text, family,
   * matches, destinationTag }]`, in text order, where `start`/`end` are
   * JavaScript string indices (UTF-16 code units): `text ===
   * input.slice(start, end)`.
   */
  scan(text) {
    needString(text, "text");
    return deepFreeze(JSON.parse(this.#raw.scan(text)));
  }

  /** The compiled image (what `fromCompiled` reads), a copy. */
  compiledBytes() {
    return this.#raw.compiledBytes();
  }

  /** Entries compiled in (over every list). */
  get entryCount() {
    return this.#raw.entryCount();
  }
}

/**
 * What `checkMany` answers: `kinds[i]` is the kind code of input `i`
 * (`Kind.CLEAR` 0, `Kind.HIT` 1, `Kind.INVALID` 2).
 */
export class CheckManyResult {
  #screener;
  #inputs;
  #verify;
  #counts = null;

  constructor(screener, inputs, kinds, verify) {
    this.#screener = screener;
    this.#inputs = inputs;
    this.#verify = verify;
    /** One kind code per input. */
    this.kinds = kinds;
  }

  /** How many inputs. */
  get length() {
    return this.kinds.length;
  }

  /** `{ hit, clear, invalid }`: how many inputs of each kind. */
  get counts() {
    if (this.#counts === null) {
      const c = [0, 0, 0];
      for (const k of this.kinds) c[k]++;
      this.#counts = Object.freeze({ clear: c[0], hit: c[1], invalid: c[2] });
    }
    return this.#counts;
  }

  /** The kind of input `i`: `"hit"`, `"clear"` or `"invalid"`. */
  kind(i) {
    return KIND_NAMES[this.kinds[i]];
  }

  /** Input `i` (for a string of lines, line `i`). */
  input(i) {
    if (typeof this.#inputs === "string") this.#inputs = this.#inputs.split("\n");
    return this.#inputs[i];
  }

  /** Indices of the hits, in order. */
  hitIndices() {
    const out = [];
    const k = this.kinds;
    for (let i = 0; i < k.length; i++) if (k[i] === 1) out.push(i);
    return Uint32Array.from(out);
  }

  /** The full answer for input `i`, as `Screener.check` gives it. */
  check(i) {
    return this.#screener.check(this.input(i), { verifyChecksum: this.#verify });
  }

  /** Every hit with its details: `[{ index, input, result }]`. */
  hits() {
    return Array.from(this.hitIndices(), (index) => ({ index, input: this.input(index), result: this.check(index) }));
  }
}
