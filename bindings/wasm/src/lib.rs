//! The WebAssembly side of the `walletscreen` npm package (wasm-bindgen).
//!
//! These exports are the package's low level: `js/api.js` wraps them into
//! the documented JavaScript API (`Screener`, its plain result objects,
//! the typed errors). What crosses the boundary is kept small on purpose:
//! an input is written into a buffer the screener keeps, a check answers
//! one number (kind, family, checksum and network packed), a hit's matches
//! are asked for once per distinct input and arrive as JSON, and a batch
//! goes through that buffer a slice of lines at a time and comes back as
//! one byte per input. Every input string is an answer (`hit`, `clear` or
//! `invalid`), never an error; errors are only for compiled images that
//! fail a check, and are [`RawError`]s with a stable `code`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use serde::Serialize;
use walletscreen::update::integrity::{self, IntegrityError};
use walletscreen::{
    Category, CheckOptions, Checksum, Family, Hit, Match, Network, Screener, Verdict, VerdictKind,
    WireError,
};
use wasm_bindgen::prelude::*;

/// An error for the JavaScript side: a stable `code` (the crate error's
/// variant, snake_case) and the crate's message. `js/api.js` turns it
/// into a `WalletscreenError` subclass.
#[wasm_bindgen]
pub struct RawError {
    kind: &'static str,
    code: &'static str,
    message: String,
}

#[wasm_bindgen]
impl RawError {
    /// Which error class: `compiled` (the image does not read,
    /// `walletscreen::WireError`), `integrity` (it failed its SHA-256 or
    /// signature, `walletscreen::update::IntegrityError`), `argument` (the
    /// expected digest or key is malformed), `build` (the bundled lists).
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_owned()
    }

    /// The variant, snake_case (e.g. `sha256_mismatch`, `checksum`).
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.code.to_owned()
    }

    /// The crate's message.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
}

impl From<IntegrityError> for RawError {
    fn from(e: IntegrityError) -> RawError {
        let (kind, code) = match &e {
            IntegrityError::Sha256Mismatch { .. } => ("integrity", "sha256_mismatch"),
            IntegrityError::BadSha256 { .. } => ("argument", "bad_sha256"),
            IntegrityError::BadPublicKey { .. } => ("argument", "bad_public_key"),
            IntegrityError::NotASignature => ("integrity", "not_a_signature"),
            IntegrityError::OtherKey => ("integrity", "other_key"),
            IntegrityError::LegacySignature => ("integrity", "legacy_signature"),
            IntegrityError::DoesNotVerify => ("integrity", "does_not_verify"),
            _ => ("integrity", "integrity"),
        };
        RawError {
            kind,
            code,
            message: e.to_string(),
        }
    }
}

impl From<WireError> for RawError {
    fn from(e: WireError) -> RawError {
        let code = match &e {
            WireError::BadMagic { .. } => "bad_magic",
            WireError::UnsupportedVersion { .. } => "unsupported_version",
            WireError::Truncated { .. } => "truncated",
            WireError::Checksum { .. } => "checksum",
            WireError::Corrupt { .. } => "corrupt",
            _ => "compiled",
        };
        RawError {
            kind: "compiled",
            code,
            message: e.to_string(),
        }
    }
}

/// Kind codes of a check (`Kind` in the JavaScript API).
const CLEAR: u8 = 0;
const HIT: u8 = 1;
const INVALID: u8 = 2;

fn kind_code(k: VerdictKind) -> u8 {
    match k {
        VerdictKind::Clear => CLEAR,
        VerdictKind::Hit => HIT,
        VerdictKind::Invalid => INVALID,
    }
}

const CHECKSUMS: [Checksum; 4] = [
    Checksum::NotChecked,
    Checksum::Valid,
    Checksum::Invalid,
    Checksum::Absent,
];

/// A family's code: its place in [`Family::ALL`], whose names the
/// JavaScript side reads from [`names`].
fn family_code(f: Family) -> u32 {
    f as u32
}

fn checksum_code(c: Checksum) -> u32 {
    CHECKSUMS.iter().position(|x| *x == c).unwrap_or(0) as u32
}

fn network_code(n: Option<Network>) -> u32 {
    match n {
        None => 0,
        Some(Network::Mainnet) => 1,
        Some(Network::Testnet) => 2,
        Some(Network::Regtest) => 3,
    }
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Sanctioned => "sanctioned",
        Category::Attributed => "attributed",
        Category::Custom => "custom",
    }
}

/// The name tables the packed codes index, as JSON:
/// `{"families": [...], "checksums": [...], "networks": [...]}`.
#[wasm_bindgen]
pub fn names() -> String {
    #[derive(Serialize)]
    struct Names {
        families: Vec<&'static str>,
        checksums: Vec<&'static str>,
        networks: [Option<&'static str>; 4],
    }
    serde_json::to_string(&Names {
        families: Family::ALL.iter().map(|f| f.name()).collect(),
        checksums: CHECKSUMS.iter().map(|c| c.name()).collect(),
        networks: [None, Some("mainnet"), Some("testnet"), Some("regtest")],
    })
    .unwrap_or_default()
}

/// One match as the JavaScript API shows it (camelCase fields).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchOut<'a> {
    list: &'a str,
    category: &'static str,
    entity: Option<&'a str>,
    entity_id: Option<&'a str>,
    programs: &'a [String],
    listed: Option<&'a str>,
    source: Option<&'a str>,
    via: &'static str,
    address: String,
    chain: Option<&'a str>,
    tickers: &'a [String],
    line: usize,
    issue: Option<String>,
}

impl<'a> MatchOut<'a> {
    fn of(m: &Match<'a>) -> MatchOut<'a> {
        let p = m.provenance();
        MatchOut {
            list: m.list(),
            category: category_name(m.category()),
            entity: p.entity.as_deref(),
            entity_id: p.entity_id.as_deref(),
            programs: &p.programs,
            listed: p.listed.as_deref(),
            source: p.source.as_deref(),
            via: m.via().name(),
            address: m.address().to_string(),
            chain: p.chain.as_deref(),
            tickers: &p.tickers,
            line: m.line(),
            issue: m.issue().map(ToString::to_string),
        }
    }
}

/// A hit's details: its matches and its destination tag.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HitOut<'a> {
    matches: Vec<MatchOut<'a>>,
    destination_tag: Option<u32>,
}

fn hit_out(hit: &Hit) -> HitOut<'_> {
    HitOut {
        matches: hit.matches().map(|m| MatchOut::of(&m)).collect(),
        destination_tag: hit.destination_tag,
    }
}

/// Packs a verdict: bits 0-1 kind, 2-5 family, 6-7 checksum, 8-9
/// network (0: not decoded).
fn pack(v: &Verdict) -> u32 {
    match v {
        Verdict::Clear {
            family,
            checksum,
            network,
        } => {
            u32::from(CLEAR)
                | family_code(*family) << 2
                | checksum_code(*checksum) << 6
                | network_code(*network) << 8
        }
        Verdict::Hit(h) => {
            u32::from(HIT) | family_code(h.family) << 2 | checksum_code(h.checksum) << 6
        }
        Verdict::Invalid { .. } => u32::from(INVALID),
    }
}

fn options(verify: bool) -> CheckOptions {
    CheckOptions::new().verify_checksum(verify)
}

/// A compiled screener, as the JavaScript `Screener` holds it.
#[wasm_bindgen]
pub struct RawScreener {
    s: Screener,
    /// Where JavaScript writes one input's UTF-8 for
    /// [`RawScreener::check_input`] and [`RawScreener::is_listed_input`]:
    /// reused from call to call, so that a check allocates and frees
    /// nothing in the module (wasm-bindgen's string passing does both).
    input: Vec<u8>,
    /// Where [`RawScreener::check_input_lines`] writes its kind codes.
    kinds: Vec<u8>,
}

impl RawScreener {
    fn new(s: Screener) -> RawScreener {
        RawScreener {
            s,
            input: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// The first `len` bytes of the input buffer as text (what
    /// `TextEncoder` wrote is UTF-8; anything else is no address).
    fn input(&self, len: usize) -> Option<&str> {
        std::str::from_utf8(self.input.get(..len)?).ok()
    }
}

#[wasm_bindgen]
impl RawScreener {
    /// The bundled lists (OFAC SDN, FBI DPRK), compiled into the module
    /// and read in place (`walletscreen::bundled::compiled`): the same
    /// answers as `Screener::bundled`, without the listing history
    /// (`check_at`), so that the module carries neither the history nor
    /// the list files and their parsers.
    pub fn bundled() -> Result<RawScreener, RawError> {
        Ok(RawScreener::new(Screener::from_compiled_bytes(
            walletscreen::bundled::compiled(),
        )?))
    }

    /// A screener from a compiled image, checked first against `sha256`
    /// (64 hex digits) and/or a minisign `signature` by `public_key`, when
    /// given; then the image's own frame and checksum. Nothing is used
    /// before every check passed.
    #[wasm_bindgen(js_name = fromCompiled)]
    pub fn from_compiled(
        bytes: Vec<u8>,
        sha256: Option<String>,
        signature: Option<String>,
        public_key: Option<String>,
    ) -> Result<RawScreener, RawError> {
        if let Some(hex) = sha256 {
            let expected = integrity::parse_sha256(&hex)?;
            integrity::check_sha256(&bytes, &expected)?;
        }
        match (signature, public_key) {
            (Some(sig), Some(key)) => integrity::check_minisign(&bytes, &sig, &key)?,
            (None, None) => {}
            _ => {
                return Err(RawError {
                    kind: "argument",
                    code: "bad_argument",
                    message: "a signature needs its public key, and a public key its signature"
                        .to_owned(),
                });
            }
        }
        Ok(RawScreener::new(Screener::from_compiled_bytes(bytes)?))
    }

    /// Checks one input: its packed verdict (see `pack`).
    pub fn check(&self, input: &str, verify: bool) -> u32 {
        pack(&self.s.check_with(input, options(verify)))
    }

    /// The input buffer, at least `capacity` bytes: its address in the
    /// module's memory, where JavaScript writes an input's UTF-8 before
    /// [`RawScreener::check_input`]. The address holds until the next call
    /// of this method.
    #[wasm_bindgen(js_name = inputBuffer)]
    pub fn input_buffer(&mut self, capacity: usize) -> usize {
        if self.input.len() < capacity {
            self.input.resize(capacity, 0);
        }
        self.input.as_ptr() as usize
    }

    /// [`RawScreener::check`] of the first `len` bytes of the input buffer
    /// (an invalid verdict if they are not UTF-8 or past its end).
    #[wasm_bindgen(js_name = checkInput)]
    pub fn check_input(&self, len: usize, verify: bool) -> u32 {
        match self.input(len) {
            Some(input) => pack(&self.s.check_with(input, options(verify))),
            None => u32::from(INVALID),
        }
    }

    /// The kinds buffer, at least `capacity` bytes: its address, where
    /// [`RawScreener::check_input_lines`] writes. The address holds until
    /// the next call of this method.
    #[wasm_bindgen(js_name = kindsBuffer)]
    pub fn kinds_buffer(&mut self, capacity: usize) -> usize {
        if self.kinds.len() < capacity {
            self.kinds.resize(capacity, 0);
        }
        self.kinds.as_ptr() as usize
    }

    /// [`RawScreener::check_line_bytes`] of the first `len` bytes of the
    /// input buffer, the kind codes written into the kinds buffer (as many
    /// as it holds): the number of lines. A batch of a large array goes
    /// through these two buffers a slice at a time, so nothing is
    /// allocated or copied whole.
    #[wasm_bindgen(js_name = checkInputLines)]
    pub fn check_input_lines(&mut self, len: usize, verify: bool) -> usize {
        let opts = options(verify);
        let Some(text) = self.input.get(..len) else {
            return 0;
        };
        let mut n = 0;
        for line in text.split(|b| *b == b'\n') {
            if let Some(k) = self.kinds.get_mut(n) {
                *k = match std::str::from_utf8(line) {
                    Ok(line) => kind_code(self.s.check_kind(line, opts)),
                    Err(_) => INVALID,
                };
            }
            n += 1;
        }
        n
    }

    /// [`RawScreener::is_listed`] of the first `len` bytes of the input
    /// buffer.
    #[wasm_bindgen(js_name = isListedInput)]
    pub fn is_listed_input(&self, len: usize) -> bool {
        self.input(len).is_some_and(|input| self.s.is_listed(input))
    }

    /// The details of a hit as JSON (`{"matches": [...],
    /// "destinationTag": n|null}`), or `null` when `input` is no hit.
    pub fn hit(&self, input: &str, verify: bool) -> String {
        match self.s.check_with(input, options(verify)) {
            Verdict::Hit(h) => serde_json::to_string(&hit_out(&h)).unwrap_or_default(),
            _ => "null".to_owned(),
        }
    }

    /// Why `input` is invalid (the crate's `ParseError` message), or an
    /// empty string when it is not.
    pub fn reason(&self, input: &str, verify: bool) -> String {
        match self.s.check_with(input, options(verify)) {
            Verdict::Invalid { reason } => reason.to_string(),
            _ => String::new(),
        }
    }

    /// Whether `input` is listed.
    #[wasm_bindgen(js_name = isListed)]
    pub fn is_listed(&self, input: &str) -> bool {
        self.s.is_listed(input)
    }

    /// The kind code of every `\n`-separated line of `text` (UTF-8, what
    /// `TextEncoder` gives: one bulk copy into the module), in order; `""`
    /// gives one line. A line that is not UTF-8 is invalid.
    #[wasm_bindgen(js_name = checkLineBytes)]
    pub fn check_line_bytes(&self, text: &[u8], verify: bool) -> Vec<u8> {
        let opts = options(verify);
        text.split(|b| *b == b'\n')
            .map(|line| match std::str::from_utf8(line) {
                Ok(line) => kind_code(self.s.check_kind(line, opts)),
                Err(_) => INVALID,
            })
            .collect()
    }

    /// The listed addresses in `text`, as JSON: `[{"start", "end", "text",
    /// "family", "matches", "destinationTag"}]` with `start`/`end` in
    /// UTF-16 code units (JavaScript string indices).
    pub fn scan(&self, text: &str) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Found<'a> {
            start: usize,
            end: usize,
            text: &'a str,
            family: &'static str,
            #[serde(flatten)]
            hit: HitOut<'a>,
        }
        let found: Vec<_> = self.s.scan(text).collect();
        // Byte offsets to UTF-16 offsets, walking forward once (matches
        // come in text order).
        let (mut byte, mut unit) = (0usize, 0usize);
        let mut utf16 = |at: usize| {
            if at < byte {
                (byte, unit) = (0, 0);
            }
            unit += text
                .get(byte..at)
                .map_or(0, |s| s.chars().map(char::len_utf16).sum());
            byte = at;
            unit
        };
        let out: Vec<Found<'_>> = found
            .iter()
            .map(|m| Found {
                start: utf16(m.span.start),
                end: utf16(m.span.end),
                text: m.text,
                family: m.hit.family.name(),
                hit: hit_out(&m.hit),
            })
            .collect();
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// The list set, as JSON: `{"version": {"date", "sha256"}, "lists":
    /// [{"id", "name", "category", "asOf", "source", "license",
    /// "entries", "flagged", "unmatchable", "sha256"}]}`.
    pub fn info(&self) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ListOut<'a> {
            id: &'a str,
            name: Option<&'a str>,
            category: &'static str,
            as_of: Option<&'a str>,
            source: Option<&'a str>,
            license: Option<&'a str>,
            entries: usize,
            flagged: usize,
            unmatchable: usize,
            sha256: &'a str,
        }
        #[derive(Serialize)]
        struct Info<'a> {
            version: &'a walletscreen::Version,
            lists: Vec<ListOut<'a>>,
        }
        let lists = self
            .s
            .lists()
            .iter()
            .map(|l| ListOut {
                id: &l.meta.id,
                name: l.meta.name.as_deref(),
                category: category_name(l.meta.category),
                as_of: l.meta.as_of.as_deref(),
                source: l.meta.source.as_deref(),
                license: l.meta.license.as_deref(),
                entries: l.entries,
                flagged: l.flagged,
                unmatchable: l.unmatchable,
                sha256: &l.sha256,
            })
            .collect();
        serde_json::to_string(&Info {
            version: self.s.version(),
            lists,
        })
        .unwrap_or_default()
    }

    /// The compiled image: what `fromCompiled` reads (and what the batch
    /// binary's `--write-compiled` writes).
    #[wasm_bindgen(js_name = compiledBytes)]
    pub fn compiled_bytes(&self) -> Vec<u8> {
        self.s.compiled_bytes().to_vec()
    }

    /// Entries compiled in.
    #[wasm_bindgen(js_name = entryCount)]
    pub fn entry_count(&self) -> usize {
        self.s.entry_count()
    }
}
