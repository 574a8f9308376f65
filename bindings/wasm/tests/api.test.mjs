// The npm package's API over the bundled lists, in Node: hits with their
// provenance for every spelling family, clear, invalid, scan, checkMany.
// Run after bindings/wasm/build.sh: `node --test bindings/wasm/tests/`.
//
// The listed addresses are copied from the bundled list files
// (lists/ofac_sdn.csv, lists/fbi_dprk.csv); the other spellings of them
// were computed with the encoders of tests/spellings.rs and
// tests/equivalence.rs (the crate's tests, which check each the same way).

import { test } from "node:test";
import assert from "node:assert/strict";

import { ArgumentError, CheckManyResult, Kind, Screener, WalletscreenError } from "../pkg/node.js";

const s = Screener.bundled();

// fbi_dprk.csv line 9, EIP-55 as listed.
const FBI_EVM = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D";
// ofac_sdn.csv: Lazarus Group, EIP-55.
const OFAC_EVM = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
// ofac_sdn.csv line 9 (Hydra Market), legacy P2PKH.
const OFAC_P2PKH = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
// fbi_dprk.csv line 64, legacy P2SH.
const FBI_P2SH = "3MSbCJCYtx5sj1nkzD4AMEhhvvviXBc8XJ";
// fbi_dprk.csv line 66, segwit v0.
const FBI_BECH32 = "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge";
// ofac_sdn.csv line 540 (SOUTHFRONT), CashAddr listed without prefix.
const OFAC_CASHADDR = "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq";
// ofac_sdn.csv, TRON.
const OFAC_TRON = "TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz";
// ofac_sdn.csv, Zcash transparent.
const OFAC_ZEC = "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvh";
// ofac_sdn.csv, XRP classic.
const OFAC_XRP = "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66";
// ofac_sdn.csv, Monero standard address.
const OFAC_XMR =
  "44dZUJ7w1T3fKAvFW8XyXUVoAGSbFvXef2wcbnsjNKGWYorpLJBjth5VKSFhLGkpYKJb2J341tdZHBnbpv72WL7e8zuxfR2";
// ofac_sdn.csv: a 64-hex "XMR address" (no known format: matched exactly).
const OFAC_XMR_HEX = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320";
// ofac_sdn.csv, Solana.
const OFAC_SOL = "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi";
// ofac_sdn.csv, Litecoin segwit.
const OFAC_LTC_BECH32 = "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7";

// Other spellings of the listed accounts above.
const ICAP_OF_FBI_EVM = "XE459KGNINM3WOFHBTGR13BV0UVQETLNRDP";
const TRON_HEX_OF_OFAC_TRON = "4100be5e0c85be35948d97ad37f62d108243f89ae0";
const CASHADDR_OF_OFAC_P2PKH = "bitcoincash:qq9hz58avc9tf0lthhervntykfnv727pm5ewfrr6we";
const BITPAY_OF_OFAC_P2PKH = "CHWPkWZqKMtbAko4AzK1zLj1kujrFTqEg4";
const LITECOIN_M_OF_FBI_P2SH = "MTejWBcWr4wJXX4f663WAsx7FdXAbcnJro";
const LEGACY_OF_OFAC_CASHADDR = "18Y8VPic2pZsvyLaYVdSLQdCuT2nAJJ3hd";
const BITPAY_OF_OFAC_CASHADDR = "CQ124S4fusYQq7F1EExMuvFEXaFC1VoqTH";
const TEX_OF_OFAC_ZEC = "tex1rf72p7a5ss2mdhq8ptnew2cujqa0ft2c8xfq9p";
// Mainnet X-address of OFAC_XRP with destination tag 12345.
const X_ADDRESS_OF_OFAC_XRP = "X75KjMo4pw9UQ9H7hbpCZUDfskq2PLNGsUMNLb58LzRZpGB";

/** Asserts a hit matching `listed` on `list` via `via`; returns the match. */
function assertHit(query, { listed, list, via, family }) {
  const r = s.check(query);
  assert.equal(r.kind, "hit", `${JSON.stringify(query)}: ${JSON.stringify(r)}`);
  if (family) assert.equal(r.family, family, query);
  const m = r.matches.find((m) => m.address === listed && m.list === list && m.via === via);
  assert.ok(m, `${JSON.stringify(query)} should match ${listed} on ${list} via ${via}: ${JSON.stringify(r.matches)}`);
  assert.equal(r.reason, null);
  assert.equal(r.version, s.version);
  assert.ok(s.isListed(query), query);
  // The same answer with checksums verified (a hit is never turned away).
  const v = s.check(query, { verifyChecksum: true });
  assert.equal(v.kind, "hit", query);
  assert.deepEqual(v.matches, r.matches, query);
  return { result: r, match: m };
}

test("a hit carries its provenance, version and the lists' age", () => {
  const { result, match } = assertHit(`bitcoin:${OFAC_P2PKH}?amount=0.1`, {
    listed: OFAC_P2PKH,
    list: "ofac-sdn",
    via: "listed",
    family: "base58",
  });
  assert.equal(result.matches.length, 1);
  assert.deepEqual(
    { ...match },
    {
      list: "ofac-sdn",
      category: "sanctioned",
      entity: "Hydra Market",
      entityId: "36216",
      programs: ["CYBER2"],
      listed: "2022-04-05",
      source: match.source,
      via: "listed",
      address: OFAC_P2PKH,
      chain: "bitcoin",
      tickers: ["XBT"],
      line: 9,
      issue: null,
    },
  );
  assert.match(match.source, /^https:\/\//);
  assert.equal(result.checksum, "not_checked");
  assert.equal(result.destinationTag, null);
  assert.equal(result.listsAsOf, "2026-09-30");
  assert.equal(s.listsAsOf, "2026-09-30");
  assert.match(s.version.sha256, /^[0-9a-f]{64}$/);
  // Age: whole days since 2026-09-30T00:00Z.
  const expected = Math.floor((Date.now() - Date.UTC(2026, 8, 30)) / 86_400_000);
  assert.ok(Math.abs(result.ageDays - expected) <= 1, `${result.ageDays} vs ${expected}`);
  assert.equal(s.ageDays(Date.UTC(2026, 11, 4, 12)), 65);
  assert.equal(s.ageDays(Date.UTC(2020, 0, 1)), 0);
  // Details are frozen (shared between answers).
  assert.ok(Object.isFrozen(result.matches) && Object.isFrozen(match) && Object.isFrozen(match.programs));
  // The lists.
  assert.deepEqual(
    s.lists.map((l) => [l.id, l.category]),
    [
      ["ofac-sdn", "sanctioned"],
      ["fbi-dprk", "attributed"],
    ],
  );
  assert.equal(s.entryCount, s.lists.reduce((n, l) => n + l.entries, 0));
  assert.equal(Screener.bundled(), s, "one bundled screener");
});

test("EVM: any case, with or without 0x, in a URI, with invisible characters", () => {
  for (const q of [
    OFAC_EVM,
    OFAC_EVM.toLowerCase(),
    "0x" + OFAC_EVM.slice(2).toUpperCase(),
    OFAC_EVM.slice(2),
    `ethereum:${OFAC_EVM}@1?value=1e18`,
    ` \u200b${OFAC_EVM}\n`,
    "\uff10\uff58" + OFAC_EVM.slice(2), // full-width "0x"
  ]) {
    const { match } = assertHit(q, { listed: OFAC_EVM, list: "ofac-sdn", via: "listed", family: "evm" });
    assert.equal(match.entity, "Lazarus Group");
  }
  // FBI attribution (the Bybit theft notice), lower case.
  const { result, match } = assertHit(FBI_EVM.toLowerCase(), { listed: FBI_EVM, list: "fbi-dprk", via: "listed" });
  assert.equal(match.category, "attributed");
  assert.equal(result.matches.length >= 1, true);
  // EIP-55 checked on request: a hit reports its spelling's checksum.
  assert.equal(s.check(FBI_EVM, { verifyChecksum: true }).checksum, "valid");
  assert.equal(s.check(FBI_EVM.toLowerCase(), { verifyChecksum: true }).checksum, "absent");
});

test("Ethereum ICAP of a listed EVM address", () => {
  assert.match(ICAP_OF_FBI_EVM, /^XE\d\d[0-9A-Z]{30,31}$/);
  assertHit(ICAP_OF_FBI_EVM, { listed: FBI_EVM, list: "fbi-dprk", via: "icap_of_evm", family: "icap" });
  assertHit(`iban:${ICAP_OF_FBI_EVM}`, { listed: FBI_EVM, list: "fbi-dprk", via: "icap_of_evm" });
});

test("TRON: base58 and its 41… hex spelling", () => {
  assertHit(OFAC_TRON, { listed: OFAC_TRON, list: "ofac-sdn", via: "listed", family: "base58" });
  assert.match(TRON_HEX_OF_OFAC_TRON, /^41[0-9a-f]{40}$/);
  assertHit(TRON_HEX_OF_OFAC_TRON, { listed: OFAC_TRON, list: "ofac-sdn", via: "tron_hex_of_base58", family: "tron_hex" });
  assertHit(TRON_HEX_OF_OFAC_TRON.toUpperCase(), { listed: OFAC_TRON, list: "ofac-sdn", via: "tron_hex_of_base58" });
});

test("Bitcoin legacy: its CashAddr and BitPay spellings", () => {
  assertHit(CASHADDR_OF_OFAC_P2PKH, { listed: OFAC_P2PKH, list: "ofac-sdn", via: "cashaddr_of_legacy", family: "cashaddr" });
  assertHit(CASHADDR_OF_OFAC_P2PKH.toUpperCase(), { listed: OFAC_P2PKH, list: "ofac-sdn", via: "cashaddr_of_legacy" });
  assertHit(BITPAY_OF_OFAC_P2PKH, { listed: OFAC_P2PKH, list: "ofac-sdn", via: "bitpay_of_legacy", family: "base58" });
  // Case matters in base58: another case is another (unlisted) string.
  assert.notEqual(s.check(OFAC_P2PKH.toLowerCase()).kind, "hit");
});

test("P2SH: Litecoin's M… spelling of a listed 3… address", () => {
  assertHit(FBI_P2SH, { listed: FBI_P2SH, list: "fbi-dprk", via: "listed" });
  assertHit(LITECOIN_M_OF_FBI_P2SH, { listed: FBI_P2SH, list: "fbi-dprk", via: "litecoin_of_legacy", family: "base58" });
});

test("CashAddr: with or without prefix, any case, and its legacy and BitPay spellings", () => {
  for (const q of [OFAC_CASHADDR, `bitcoincash:${OFAC_CASHADDR}`, `BITCOINCASH:${OFAC_CASHADDR.toUpperCase()}`]) {
    assertHit(q, { listed: OFAC_CASHADDR, list: "ofac-sdn", via: "listed", family: "cashaddr" });
  }
  assertHit(LEGACY_OF_OFAC_CASHADDR, { listed: OFAC_CASHADDR, list: "ofac-sdn", via: "legacy_of_cashaddr", family: "base58" });
  assertHit(BITPAY_OF_OFAC_CASHADDR, { listed: OFAC_CASHADDR, list: "ofac-sdn", via: "bitpay_of_cashaddr" });
});

test("bech32: segwit in either case, Litecoin", () => {
  for (const q of [FBI_BECH32, FBI_BECH32.toUpperCase(), `bitcoin:${FBI_BECH32.toUpperCase()}?amount=1`]) {
    assertHit(q, { listed: FBI_BECH32, list: "fbi-dprk", via: "listed", family: "bech32" });
  }
  assertHit(OFAC_LTC_BECH32, { listed: OFAC_LTC_BECH32, list: "ofac-sdn", via: "listed", family: "bech32" });
});

test("Zcash: the TEX spelling of a listed t1… address", () => {
  assertHit(OFAC_ZEC, { listed: OFAC_ZEC, list: "ofac-sdn", via: "listed" });
  assert.ok(TEX_OF_OFAC_ZEC.startsWith("tex1"));
  assertHit(TEX_OF_OFAC_ZEC, { listed: OFAC_ZEC, list: "ofac-sdn", via: "tex_of_transparent", family: "bech32" });
  assertHit(TEX_OF_OFAC_ZEC.toUpperCase(), { listed: OFAC_ZEC, list: "ofac-sdn", via: "tex_of_transparent" });
});

test("XRP: an X-address of a listed classic account, with its destination tag", () => {
  assertHit(OFAC_XRP, { listed: OFAC_XRP, list: "ofac-sdn", via: "listed", family: "base58" });
  const { result } = assertHit(X_ADDRESS_OF_OFAC_XRP, {
    listed: OFAC_XRP,
    list: "ofac-sdn",
    via: "x_address_of_classic",
    family: "xrp_x_address",
  });
  assert.equal(result.destinationTag, 12345);
  assert.equal(s.check(`xrpl:${X_ADDRESS_OF_OFAC_XRP}`).destinationTag, 12345);
});

test("Monero, Solana, and an entry of no known format (matched exactly)", () => {
  assertHit(OFAC_XMR, { listed: OFAC_XMR, list: "ofac-sdn", via: "listed", family: "monero" });
  assertHit(OFAC_SOL, { listed: OFAC_SOL, list: "ofac-sdn", via: "listed", family: "base58" });
  const { match } = assertHit(OFAC_XMR_HEX, { listed: OFAC_XMR_HEX, list: "ofac-sdn", via: "listed", family: "opaque" });
  assert.equal(typeof match.issue, "string", "a listed string that is no address says why");
});

test("clear: well-formed and not listed", () => {
  for (const [q, family] of [
    ["0x0000000000000000000000000000000000000001", "evm"],
    ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "base58"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bech32"],
    ["bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "cashaddr"],
  ]) {
    const r = s.check(q);
    assert.equal(r.kind, "clear", q);
    assert.equal(r.family, family, q);
    assert.equal(r.checksum, "not_checked");
    assert.equal(r.network, null);
    assert.deepEqual(r.matches, []);
    assert.equal(r.reason, null);
    assert.equal(s.isListed(q), false);
  }
  const v = s.check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", { verifyChecksum: true });
  assert.deepEqual([v.kind, v.checksum, v.network], ["clear", "valid", "mainnet"]);
});

test("invalid: an answer with a reason, never a throw, for any string", () => {
  const typo = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
  assert.equal(s.check(typo).kind, "clear", "shape only by default");
  const bad = s.check(typo, { verifyChecksum: true });
  assert.equal(bad.kind, "invalid");
  assert.match(bad.reason, /checksum/);
  const hello = s.check("hello world");
  assert.deepEqual(
    [hello.kind, hello.family, hello.checksum, hello.reason],
    ["invalid", null, null, "not a known address format"],
  );
  for (const q of [
    "",
    " \t\n",
    "0x1234",
    "\u0000\u0001",
    "\ud800", // lone surrogate
    "🎉".repeat(50),
    "x".repeat(1 << 20),
    "bitcoin:",
    "ethereum:0x",
    "\uff10\uff58",
  ]) {
    const r = s.check(q);
    assert.equal(r.kind, "invalid", JSON.stringify(q.slice(0, 40)));
    assert.equal(typeof r.reason, "string");
    assert.ok(r.reason.length > 0);
    assert.equal(s.isListed(q), false);
  }
});

test("a non-string throws an ArgumentError with a code", () => {
  for (const bad of [undefined, null, 42, {}, ["0x"], new String(FBI_EVM)]) {
    assert.throws(
      () => s.check(bad),
      (e) => e instanceof ArgumentError && e instanceof WalletscreenError && e instanceof Error && e.code === "invalid_argument",
    );
    assert.throws(() => s.isListed(bad), ArgumentError);
  }
  assert.throws(() => s.checkMany([FBI_EVM, 1]), (e) => e.code === "invalid_argument" && /element 1/.test(e.message));
  assert.throws(() => s.checkMany(42), ArgumentError);
  assert.throws(() => s.scan(null), ArgumentError);
});

test("scan: listed addresses in free text, with UTF-16 spans", () => {
  const text = `héllo 🎉 please refund ${FBI_BECH32}, and ${OFAC_EVM.toLowerCase()}; not 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.`;
  const found = s.scan(text);
  assert.equal(found.length, 2, JSON.stringify(found));
  for (const m of found) assert.equal(text.slice(m.start, m.end), m.text);
  assert.equal(found[0].text, FBI_BECH32);
  assert.equal(found[0].start, text.indexOf(FBI_BECH32));
  assert.equal(found[0].family, "bech32");
  assert.equal(found[0].matches[0].list, "fbi-dprk");
  assert.equal(found[1].text, OFAC_EVM.toLowerCase());
  assert.equal(found[1].matches[0].entity, "Lazarus Group");
  assert.deepEqual(s.scan("nothing here"), []);
  assert.deepEqual(s.scan(""), []);
  // An address inside a longer token is not one.
  assert.deepEqual(s.scan(`x${FBI_BECH32}`), []);
});

test("checkMany: an array, its kinds and details", () => {
  const inputs = [OFAC_EVM.toLowerCase(), "hello", "0x0000000000000000000000000000000000000001", X_ADDRESS_OF_OFAC_XRP, ""];
  const r = s.checkMany(inputs);
  assert.ok(r instanceof CheckManyResult);
  assert.ok(r.kinds instanceof Uint8Array);
  assert.deepEqual([...r.kinds], [Kind.HIT, Kind.INVALID, Kind.CLEAR, Kind.HIT, Kind.INVALID]);
  assert.equal(r.length, 5);
  assert.deepEqual({ ...r.counts }, { hit: 2, clear: 1, invalid: 2 });
  assert.deepEqual([...r.hitIndices()], [0, 3]);
  assert.equal(r.kind(1), "invalid");
  assert.equal(r.input(3), X_ADDRESS_OF_OFAC_XRP);
  const hits = r.hits();
  assert.deepEqual(hits.map((h) => h.index), [0, 3]);
  assert.equal(hits[1].result.destinationTag, 12345);
  assert.deepEqual(r.check(0), s.check(inputs[0]));
  // Each kind is check()'s.
  inputs.forEach((q, i) => assert.equal(r.kind(i), s.check(q).kind, q));
});

test("checkMany: a string of lines, newlines inside elements, iterables, empty input", () => {
  const lines = `${FBI_BECH32}\r\nnope\n${OFAC_P2PKH}\n`;
  const r = s.checkMany(lines);
  assert.deepEqual([...r.kinds], [Kind.HIT, Kind.INVALID, Kind.HIT]);
  assert.equal(r.input(2), OFAC_P2PKH);
  assert.equal(r.hits()[0].result.matches[0].list, "fbi-dprk");
  // An element holding a newline stays one input.
  const odd = s.checkMany([`${FBI_BECH32}\n`, "a\nb", OFAC_P2PKH]);
  assert.deepEqual([...odd.kinds], [Kind.HIT, Kind.INVALID, Kind.HIT]);
  assert.deepEqual([...s.checkMany(new Set([OFAC_P2PKH, "x"])).kinds], [Kind.HIT, Kind.INVALID]);
  assert.equal(s.checkMany([]).length, 0);
  assert.equal(s.checkMany("").length, 0);
  // verifyChecksum applies to every input.
  const typo = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
  assert.deepEqual([...s.checkMany([typo]).kinds], [Kind.CLEAR]);
  assert.deepEqual([...s.checkMany([typo], { verifyChecksum: true }).kinds], [Kind.INVALID]);
});

test("checkMany agrees with check on many inputs", () => {
  const base = [FBI_EVM, OFAC_CASHADDR, LEGACY_OF_OFAC_CASHADDR, "junk", "0x0000000000000000000000000000000000000002", OFAC_XMR_HEX];
  const inputs = [];
  for (let i = 0; i < 5000; i++) {
    const q = base[i % base.length];
    inputs.push(i % 3 === 0 ? q.toUpperCase() : i % 3 === 1 ? ` ${q} ` : q);
  }
  const r = s.checkMany(inputs);
  for (let i = 0; i < inputs.length; i++) {
    assert.equal(r.kind(i), s.check(inputs[i]).kind, inputs[i]);
  }
});

test("answers stay right when the module's memory grows between checks", () => {
  const before = s.check(FBI_BECH32);
  // Megabytes into the module: its memory grows (and JavaScript's views
  // of the old memory are detached).
  const big = s.checkMany(`${"0x0000000000000000000000000000000000000001\n".repeat(200_000)}${FBI_BECH32}`);
  assert.equal(big.counts.hit, 1);
  assert.deepEqual(s.check(FBI_BECH32), before);
  assert.equal(s.isListed(FBI_BECH32.toUpperCase()), true);
  assert.equal(s.check(`\u00a0${OFAC_P2PKH}\u200b`).kind, "hit", "non-ASCII around the address");
  assert.equal(s.check("x".repeat(2000) + OFAC_P2PKH).kind, "invalid", "past the direct buffer");
  assert.equal(s.check(OFAC_P2PKH).kind, "hit");
});
