// Types of the walletscreen npm package (every entry point: ".", "./manual").

/** What a check found. */
export type KindName = "hit" | "clear" | "invalid";

/** The address family of the input's spelling. */
export type Family =
  | "evm"
  | "tron_hex"
  | "base58"
  | "monero"
  | "bech32"
  | "cashaddr"
  | "xrp_x_address"
  | "icap"
  | "opaque";

/** Checksum status of the input's spelling (`not_checked` unless `verifyChecksum`). */
export type Checksum = "valid" | "invalid" | "absent" | "not_checked";

/** What a list asserts. */
export type Category = "sanctioned" | "attributed" | "custom";

/** How the input reached a listed entry (`listed`: the listed spelling itself, up to case, whitespace and URI wrapping). */
export type Via =
  | "listed"
  | "legacy_of_cashaddr"
  | "cashaddr_of_legacy"
  | "tron_hex_of_base58"
  | "tron_base58_of_hex"
  | "corrected_spelling"
  | "tex_of_transparent"
  | "transparent_of_tex"
  | "bitpay_of_legacy"
  | "bitpay_of_cashaddr"
  | "legacy_of_bitpay"
  | "cashaddr_of_bitpay"
  | "litecoin_of_legacy"
  | "legacy_of_litecoin"
  | "x_address_of_classic"
  | "icap_of_evm";

/** The list set that answered. */
export interface Version {
  /** Newest list date (`YYYY-MM-DD`), or null. */
  readonly date: string | null;
  /** Hex SHA-256 over every list's id and content hash. */
  readonly sha256: string;
}

/** One listed entry a hit matched, with its provenance (frozen). */
export interface Match {
  /** List id, e.g. `ofac-sdn`, `fbi-dprk`. */
  readonly list: string;
  readonly category: Category;
  /** Listed person, entity or group. */
  readonly entity: string | null;
  /** The publisher's id of the entity (OFAC's profile id). */
  readonly entityId: string | null;
  /** Sanctions programs (e.g. `CYBER2`, `DPRK3`). */
  readonly programs: readonly string[];
  /** Date listed, `YYYY-MM-DD`. */
  readonly listed: string | null;
  /** URL of the publication. */
  readonly source: string | null;
  readonly via: Via;
  /** The address exactly as listed. */
  readonly address: string;
  /** Chain, as published. */
  readonly chain: string | null;
  /** Currency codes, as published (`XBT`, `ETH`, ...). */
  readonly tickers: readonly string[];
  /** The entry's 1-based line in its list file. */
  readonly line: number;
  /** Why the listed address does not validate, if it does not (matched exactly). */
  readonly issue: string | null;
}

/** The answer to one check: a plain object. */
export interface CheckResult {
  readonly kind: KindName;
  /** Family of the input's spelling; null when invalid. */
  readonly family: Family | null;
  /** Null when invalid. */
  readonly checksum: Checksum | null;
  /** `mainnet`, `testnet` or `regtest` for a clear address checked with `verifyChecksum`; else null. */
  readonly network: "mainnet" | "testnet" | "regtest" | null;
  /** An XRP X-address's destination tag (hits only), else null. */
  readonly destinationTag: number | null;
  /** Every listed entry matched (never empty for a hit; empty otherwise). */
  readonly matches: readonly Match[];
  /** Why the input is no address (invalid only), else null. */
  readonly reason: string | null;
  readonly version: Version;
  /** The list set's date (`version.date`). */
  readonly listsAsOf: string | null;
  /** Whole days from `listsAsOf` 00:00 UTC to now (`Date.now()`); null without a date. */
  readonly ageDays: number | null;
}

export interface CheckOptions {
  /** Verify checksums: a mistyped unlisted address becomes `invalid`, and a hit reports its spelling's checksum. Never turns a hit away. */
  verifyChecksum?: boolean;
}

/** A listed address found in free text. */
export interface ScanMatch {
  /** JavaScript string indices (UTF-16 code units): `text === input.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly family: Family;
  readonly matches: readonly Match[];
  readonly destinationTag: number | null;
}

/** A list compiled into a screener. */
export interface ListInfo {
  readonly id: string;
  readonly name: string | null;
  readonly category: Category;
  readonly asOf: string | null;
  readonly source: string | null;
  readonly license: string | null;
  readonly entries: number;
  readonly flagged: number;
  readonly unmatchable: number;
  /** Hex SHA-256 of the list's bytes. */
  readonly sha256: string;
}

export interface FromCompiledOptions {
  /** The image's expected SHA-256, 64 hex digits. */
  sha256?: string;
  /** A detached minisign signature of the image (the `.minisig` file's text). */
  signature?: string;
  /** The minisign public key: its base64 line, or the whole `minisign.pub`. */
  publicKey?: string;
  /** Accept an image with neither `sha256` nor `signature` (its own checksum is still checked). */
  allowUnverified?: boolean;
}

/** Kind codes of `CheckManyResult.kinds`. */
export declare const Kind: { readonly CLEAR: 0; readonly HIT: 1; readonly INVALID: 2 };

export declare class Screener {
  private constructor();
  /** The bundled lists (OFAC SDN, FBI DPRK), compiled into the package; the same screener on every call. */
  static bundled(): Screener;
  /** A screener from a compiled image, verified (`sha256` and/or `signature` + `publicKey`) before use. */
  static fromCompiled(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options: FromCompiledOptions): Screener;
  readonly version: Version;
  readonly lists: readonly ListInfo[];
  readonly listsAsOf: string | null;
  readonly entryCount: number;
  /** Whole days from `listsAsOf` to `now` (ms since the epoch, default `Date.now()`). */
  ageDays(now?: number): number | null;
  /** Screens one string. Throws only if `address` is not a string. */
  check(address: string, options?: CheckOptions): CheckResult;
  /** Whether `address` is listed. */
  isListed(address: string): boolean;
  /** Screens an array of strings, or one string of newline-separated lines. */
  checkMany(inputs: readonly string[] | Iterable<string> | string, options?: CheckOptions): CheckManyResult;
  /** Listed addresses inside free text, with UTF-16 spans. */
  scan(text: string): readonly ScanMatch[];
  /** The compiled image (what `fromCompiled` reads), a copy. */
  compiledBytes(): Uint8Array;
}

export declare class CheckManyResult {
  private constructor();
  /** One kind code per input (`Kind`). */
  readonly kinds: Uint8Array;
  readonly length: number;
  readonly counts: { readonly hit: number; readonly clear: number; readonly invalid: number };
  kind(i: number): KindName;
  input(i: number): string;
  hitIndices(): Uint32Array;
  check(i: number): CheckResult;
  hits(): { index: number; input: string; result: CheckResult }[];
}

/** Base class of every error the package throws. */
export declare class WalletscreenError extends Error {
  readonly code: string;
}
/** A compiled image that does not read: `bad_magic`, `unsupported_version`, `truncated`, `checksum`, `corrupt`. */
export declare class CompiledError extends WalletscreenError {}
/** A compiled image that fails its integrity check: `sha256_mismatch`, `not_a_signature`, `other_key`, `legacy_signature`, `does_not_verify`. */
export declare class IntegrityError extends WalletscreenError {}
/** An argument the API cannot take: `invalid_argument`, `bad_sha256`, `bad_public_key`, `no_integrity`. */
export declare class ArgumentError extends WalletscreenError {}

/** Loads the WebAssembly module (the default entry points do it on import). */
export declare function init(
  source?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
/** Loads the WebAssembly module synchronously (Node; browsers only in workers). */
export declare function initSync(module: BufferSource | WebAssembly.Module): void;
export declare function isInitialized(): boolean;
