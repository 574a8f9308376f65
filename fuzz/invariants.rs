//! The invariant of each fuzz target, one function per target, shared by
//! the fuzz targets (`fuzz/fuzz_targets/*.rs`, `#[path]`-included) and by
//! the replay test `tests/fuzz_corpora.rs`, which runs every committed
//! corpus file through the same function under plain `cargo test`.
//!
//! Each function takes the raw fuzz input and panics when an invariant is
//! broken; a panic inside the crate is a finding too. See `FUZZING.md`.
#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use walletscreen::address::{self, Address, AddressKind};
use walletscreen::list::ofac::{self, OfacFile, OfacFormat};
use walletscreen::list::{DetectedFormat, Encoding, Format, LoadOptions, MAX_NOT_ADDRESSES};
use walletscreen::snapshot::{FORMAT_VERSION, MAGIC, Snapshot};
use walletscreen::{
    COMPILED_FORMAT_VERSION, COMPILED_MAGIC, Category, CheckOptions, Family, List, ListMeta,
    Screener, Verdict,
};

/// Splits an `ofac_csv` input into `sdn.csv` and `sdn_comments.csv`.
pub const COMMENTS_SEPARATOR: &[u8] = b"\n--sdn_comments.csv--\n";

/// Addresses of every family (from the bundled OFAC list) plus one opaque
/// string: the list of the small screener of the `address` target.
const LISTED: &[&str] = &[
    "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
    "31nadacWrgPeAQxKRMabhn3fPhnhi3hjKa",
    "bc1q05aktddf9ce4p7hh3stgsf253m4vweu7nkhtmw",
    "0x0330070FD38Ec3bB94F58FA55D40368271E9e54A",
    "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq",
    "44dZUJ7w1T3fKAvFW8XyXUVoAGSbFvXef2wcbnsjNKGWYorpLJBjth5VKSFhLGkpYKJb2J341tdZHBnbpv72WL7e8zuxfR2",
    "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66",
    "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
    "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb",
    "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvh",
    "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7",
    // Issue 13's spellings, listed as such (XLS-5d, ZIP-320, ICAP vectors):
    // their own aliases and mappings are then reachable from fuzz inputs.
    "XVLhHMPHU98es4dbozjVtdWzVrDjtV5fdx1mHp98tDMoQXb",
    "tex10wur2u9clts5dcpu2vc6qg93uzyj7cca2xm732",
    "XE7338O073KYGTWWZN0F2WZ0R8PX5ZPPZS",
    "NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001",
];

fn small_screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| {
        let text = LISTED.join("\n");
        let list = List::from_bytes_as(
            text.as_bytes(),
            Format::Text,
            ListMeta::new("fuzz", Category::Custom),
        )
        .expect("the fuzz list loads");
        Screener::builder()
            .bundled(false)
            .list(list)
            .build()
            .expect("the fuzz screener builds")
    })
}

fn meta() -> ListMeta {
    ListMeta::new("fuzz", Category::Custom)
}

/// Other spellings of a parsed address that must parse to the same address
/// and find the same entries: the canonical one (EIP-55 for EVM, lower
/// case for the case-insensitive formats), upper case where the format
/// allows it, and wrappings that normalization removes.
fn spellings(a: &Address, norm: &str) -> Vec<String> {
    let mut out = vec![
        format!(" \u{200b}{norm}\u{feff}\t"),
        norm.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect(),
    ];
    match a.family {
        Family::Evm => {
            if let Ok(bytes) = <[u8; 20]>::try_from(a.payload.as_slice()) {
                let c = address::to_checksum(&bytes);
                out.push(c.to_ascii_lowercase());
                out.push(format!("ethereum:{c}@1?value=1"));
                out.push(c);
            }
        }
        Family::Bech32 | Family::TronHex | Family::CashAddr => {
            out.push(norm.to_ascii_lowercase());
            out.push(norm.to_ascii_uppercase());
        }
        Family::Icap => {
            // Letters of the body in either case (as ethers accepts them).
            if let Some(body) = norm.get(4..) {
                out.push(format!("{}{}", &norm[..4], body.to_ascii_lowercase()));
            }
        }
        Family::Base58 | Family::Monero | Family::XAddress | Family::Opaque => {}
    }
    if a.family != Family::CashAddr {
        out.push(format!("bitcoin:{norm}?amount=1"));
    }
    out
}

/// `address`: `normalize`, `parse` and the screener never panic; a parsed
/// address normalizes, and its normalized text (and every other spelling
/// of it) parses to the same address; `check` is a hit exactly when
/// `is_listed`, with or without checksum verification; an unlisted string
/// is `Clear` under verification exactly when it parses.
pub fn address(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();
    let norm = address::normalize(s);
    let parsed = address::parse(s);
    let screener = small_screener();
    let listed = screener.is_listed(s);
    let fast = screener.check(s);
    let verified = screener.check_with(s, CheckOptions::new().verify_checksum(true));
    assert_eq!(fast.is_hit(), listed, "check vs is_listed: {s:?}");
    assert_eq!(verified.is_hit(), listed, "check_with vs is_listed: {s:?}");
    if let Verdict::Hit(h) = &fast {
        assert!(h.matches().len() > 0, "a hit with no match: {s:?}");
    }
    if !listed {
        assert_eq!(
            matches!(verified, Verdict::Clear { .. }),
            parsed.is_ok(),
            "verified verdict {verified:?} vs parse {parsed:?}: {s:?}"
        );
    }
    let Ok(a) = parsed else {
        return;
    };
    assert!(
        !matches!(fast, Verdict::Invalid { .. }),
        "a valid address is Invalid: {s:?}"
    );
    let n = norm.unwrap_or_else(|e| panic!("parses but does not normalize ({e}): {s:?}"));
    assert_eq!(
        address::parse(&n).as_ref(),
        Ok(&a),
        "parse(normalize(s)) differs: {s:?} -> {n:?}"
    );
    assert_eq!(
        address::normalize(&n).as_deref(),
        Ok(n.as_str()),
        "normalize is not idempotent on a valid address: {s:?}"
    );
    for v in spellings(&a, &n) {
        let b = address::parse(&v)
            .unwrap_or_else(|e| panic!("spelling {v:?} of {s:?} does not parse: {e}"));
        assert_eq!(b.payload, a.payload, "spelling {v:?} of {s:?}: payload");
        assert_eq!(b.family, a.family, "spelling {v:?} of {s:?}: family");
        // EIP-55: the checksummed spelling is `Valid`, lower case `Absent`;
        // the kind is what must agree.
        assert_eq!(b.kind, a.kind, "spelling {v:?} of {s:?}: kind");
        assert_eq!(
            screener.is_listed(&v),
            listed,
            "spelling {v:?} of {s:?}: listed"
        );
    }
    if let AddressKind::Segwit { .. } | AddressKind::P2pkh { .. } | AddressKind::P2sh { .. } =
        &a.kind
    {
        assert!(a.script_pubkey().is_some(), "no script for {s:?}");
    }
}

/// What every loaded list satisfies: each entry is either parsed or
/// flagged (never both, never neither), as `address::parse` says; compiled
/// into a screener, each entry that can match anything is found by its own
/// address, and the others are counted as unmatchable.
fn list_ok(list: &List) {
    let mut unmatchable = 0;
    for e in list.entries() {
        assert_eq!(
            e.issue.is_none(),
            e.parsed().is_some(),
            "entry neither parsed nor flagged: {e:?}"
        );
        assert_eq!(
            address::parse(&e.address).err(),
            e.issue,
            "issue of {:?}",
            e.address
        );
        unmatchable += usize::from(address::normalize(&e.address).is_err());
    }
    let screener = Screener::builder()
        .bundled(false)
        .list(list.clone())
        .build()
        .unwrap_or_else(|err| panic!("a loaded list does not compile: {err}"));
    assert_eq!(screener.entry_count(), list.entries().len());
    assert_eq!(screener.lists()[0].unmatchable, unmatchable);
    for e in list.entries() {
        if address::normalize(&e.address).is_err() {
            continue;
        }
        let v = screener.check(&e.address);
        let hit = v
            .hit()
            .unwrap_or_else(|| panic!("listed {:?} is no hit: {v:?}", e.address));
        assert!(
            hit.matches()
                .any(|m| m.address() == e.address && m.line() == e.line),
            "listed {:?} (line {}) hits other entries only",
            e.address,
            e.line
        );
    }
}

/// Options that load whatever parses: no refusal of empty lists or of
/// lists of non-addresses, so that the parsers' invariants are checked on
/// every input.
fn permissive(format: Format) -> LoadOptions {
    LoadOptions::new()
        .format(format)
        .allow_non_addresses(true)
        .allow_empty(true)
}

/// The load report agrees with the entries; lines are within the file.
fn report_ok(list: &List, data: &[u8]) {
    let r = list.report();
    assert_eq!(r.entries, list.entries().len(), "report entries");
    assert_eq!(
        r.address_count() + r.not_addresses,
        r.entries,
        "addresses + not addresses"
    );
    assert_eq!(r.not_addresses, list.flagged().count(), "not addresses");
    assert_eq!(
        r.not_address_lines,
        list.flagged()
            .map(|e| e.line)
            .take(walletscreen::list::REPORT_LINES)
            .collect::<Vec<_>>()
    );
    // A UTF-16 line break holds a 0x0A byte too.
    let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
    for e in list.entries() {
        assert!((1..=lines).contains(&e.line), "line {} of {lines}", e.line);
    }
    for (l, _) in &r.skipped_lines {
        assert!((1..=lines).contains(l), "skipped line {l} of {lines}");
    }
}

/// What `split_multi` makes of a value written joined with `;`.
fn resplit(v: &[String]) -> Vec<String> {
    v.iter()
        .flat_map(|s| s.split(';'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `List::write_csv`, loaded back as CSV, gives the same metadata and
/// entries, line numbers aside (multi-valued fields are written joined
/// with `;` and split again; a row that is all empty is skipped, so an
/// entry with an empty address and nothing else is not read back).
fn csv_round_trip(list: &List) {
    let mut out = Vec::new();
    list.write_csv(&mut out).expect("write to a Vec");
    let back = List::from_bytes_with(
        &out,
        ListMeta::new("other", Category::Custom),
        &permissive(Format::Csv),
    )
    .unwrap_or_else(|e| {
        panic!(
            "written list does not load ({e}):\n{}",
            String::from_utf8_lossy(&out)
        )
    });
    // `write_csv` writes a line break in a metadata value (a lone `\r`
    // is one to it, not to the loader's `str::lines`) as a space.
    let mut expected = list.meta().clone();
    for v in [
        &mut expected.name,
        &mut expected.as_of,
        &mut expected.source,
        &mut expected.license,
    ]
    .into_iter()
    .flatten()
    {
        *v = v.replace(['\r', '\n'], " ");
    }
    expected.id = expected.id.replace(['\r', '\n'], " ");
    assert_eq!(back.meta(), &expected, "metadata after write_csv");
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let all: Vec<walletscreen::Entry> = list.entries().collect();
    let kept: Vec<&walletscreen::Entry> = all
        .iter()
        .filter(|e| {
            !(e.address.trim().is_empty()
                && blank(&e.provenance.chain)
                && resplit(&e.provenance.tickers).is_empty()
                && blank(&e.provenance.entity)
                && blank(&e.provenance.entity_id)
                && resplit(&e.provenance.programs).is_empty()
                && blank(&e.provenance.listed)
                && (blank(&e.provenance.source) || e.provenance.source == list.meta().source))
        })
        .collect();
    assert_eq!(back.entries().len(), kept.len(), "entry count");
    for (b, a) in back.entries().zip(kept) {
        let mut b = b.clone();
        b.line = a.line;
        // An entry whose source is the list's is written without one and
        // inherits the list's source again, as written: line breaks become
        // spaces (FUZZING.md finding 5).
        let mut a = a.clone();
        if a.provenance.source.is_some() && a.provenance.source == list.meta().source {
            a.provenance.source = a.provenance.source.map(|s| s.replace(['\r', '\n'], " "));
        }
        a.provenance.tickers = resplit(&a.provenance.tickers);
        a.provenance.programs = resplit(&a.provenance.programs);
        assert_eq!(b, a, "entry after write_csv");
    }
}

/// `list_csv`: `List::from_bytes` (format detected, default options) and
/// `List::from_bytes_with` as CSV and as JSON never panic. With the
/// default options a user list that loads is not empty and at most half
/// of it is not addresses ([`MAX_NOT_ADDRESSES`]). What loads satisfies
/// [`list_ok`], its report agrees with its entries, its line numbers are
/// within the file, and it survives `write_csv` and loading again.
pub fn list_csv(data: &[u8]) {
    if let Ok(list) = List::from_bytes(data, meta()) {
        list_ok(&list);
        report_ok(&list, data);
        let r = list.report();
        if !matches!(r.format, DetectedFormat::Ofac(_)) {
            assert!(r.entries > 0, "an empty user list loaded");
            assert!(
                r.not_addresses as f64 <= MAX_NOT_ADDRESSES * r.entries as f64,
                "a list mostly of non-addresses loaded: {r}"
            );
        }
    }
    for format in [Format::Csv, Format::Json] {
        let Ok(list) = List::from_bytes_with(data, meta(), &permissive(format)) else {
            continue;
        };
        list_ok(&list);
        report_ok(&list, data);
        csv_round_trip(&list);
    }
}

/// `list_text`: `List::from_bytes_with(Text)` never panics; every
/// non-blank, non-comment line is an entry (none dropped) or the header,
/// on its line, each parsed or flagged ([`list_ok`]); the list survives
/// `write_csv`.
pub fn list_text(data: &[u8]) {
    let Ok(list) = List::from_bytes_with(data, meta(), &permissive(Format::Text)) else {
        return;
    };
    list_ok(&list);
    report_ok(&list, data);
    csv_round_trip(&list);
    if !matches!(list.report().encoding, Encoding::Utf8 | Encoding::Utf8Bom) {
        return;
    }
    let bytes = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let text = std::str::from_utf8(bytes).expect("a UTF-8 text list is UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let expected = lines
        .iter()
        .filter(|l| {
            let t = l.trim_matches(|c: char| c.is_whitespace() || c.is_control());
            !t.is_empty() && !t.starts_with('#')
        })
        .count();
    let headers = list
        .report()
        .skipped
        .iter()
        .filter(|(r, _)| *r == walletscreen::list::SkipReason::Header)
        .map(|(_, n)| n)
        .sum::<usize>();
    assert!(headers <= 1, "more than one header");
    assert_eq!(
        list.entries().len() + headers,
        expected,
        "entries vs address lines"
    );
    for e in list.entries() {
        assert!(!e.address.is_empty(), "empty entry at line {}", e.line);
        let line = lines
            .get(e.line.wrapping_sub(1))
            .unwrap_or_else(|| panic!("line {} of {}", e.line, lines.len()));
        assert!(
            line.contains(e.address.as_str()),
            "{:?} is not on line {}: {line:?}",
            e.address,
            e.line
        );
    }
}

/// What every parsed OFAC file satisfies: its format; entries with a
/// non-empty, trimmed address, an entity id and at least one ticker, each
/// once; as a list (when complete), the same addresses, satisfying
/// [`list_ok`].
fn ofac_file_ok(f: &OfacFile, format: OfacFormat) {
    assert_eq!(f.format, format);
    for e in &f.entries {
        assert!(!e.address.is_empty(), "empty address: {e:?}");
        // The XML parsers trim XML whitespace (space, tab, CR, LF), not
        // other characters Unicode calls whitespace (see FUZZING.md).
        let trimmed = match format {
            OfacFormat::SdnCsv => e.address.trim(),
            _ => e.address.trim_matches([' ', '\t', '\r', '\n']),
        };
        assert_eq!(trimmed, e.address, "untrimmed address: {e:?}");
        assert!(!e.entity_id.is_empty(), "no entity id: {e:?}");
        assert!(!e.tickers.is_empty(), "no ticker: {e:?}");
        for (i, t) in e.tickers.iter().enumerate() {
            assert!(!e.tickers[..i].contains(t), "ticker twice: {e:?}");
        }
    }
    match List::from_ofac(f, meta()) {
        Ok(list) => {
            assert!(f.check_complete().is_ok());
            let a: Vec<String> = list.entries().map(|e| e.address).collect();
            let b: Vec<String> = f.entries.iter().map(|e| e.address.clone()).collect();
            assert_eq!(a, b, "list vs file addresses");
            list_ok(&list);
        }
        Err(_) => assert!(f.check_complete().is_err(), "complete file refused"),
    }
}

/// One OFAC XML format: `ofac::parse_as` never panics, alone or with a
/// comments file (which only `sdn.csv` takes); what parses satisfies
/// [`ofac_file_ok`]; detection agrees; `List::from_bytes_as` agrees.
fn ofac_xml(data: &[u8], format: OfacFormat) {
    let parsed = ofac::parse_as(data, format, None);
    if let Ok(f) = &parsed {
        ofac_file_ok(f, format);
        assert_eq!(ofac::detect(data), Some(format));
        assert!(
            ofac::parse_as(data, format, Some(b"")).is_err(),
            "{format} took a comments file"
        );
    }
    if ofac::detect(data) == Some(format) {
        let detected = ofac::parse(data, None);
        assert_eq!(
            format!("{detected:?}"),
            format!("{parsed:?}"),
            "parse vs parse_as"
        );
    }
    let list = List::from_bytes_as(data, Format::Ofac(format), meta());
    match (&parsed, &list) {
        (Ok(f), Ok(l)) => {
            assert_eq!(l.entries().len(), f.entries.len());
            // The id is the publication's, from its content.
            assert_eq!(l.meta().id, f.list.id());
            assert_eq!(l.ofac_origin(), Some((f.format, f.list)));
        }
        (Ok(f), Err(_)) => assert!(f.check_complete().is_err(), "complete file refused"),
        (Err(_), Ok(_)) => panic!("List loads what ofac::parse_as refuses"),
        (Err(_), Err(_)) => {}
    }
}

/// `ofac_sdn_xml`: [`ofac_xml`] for `SDN.XML`.
pub fn ofac_sdn_xml(data: &[u8]) {
    ofac_xml(data, OfacFormat::SdnXml);
}

/// `ofac_advanced`: [`ofac_xml`] for `SDN_ADVANCED.XML`.
pub fn ofac_advanced(data: &[u8]) {
    ofac_xml(data, OfacFormat::AdvancedXml);
}

/// `ofac_enhanced`: [`ofac_xml`] for `SDN_ENHANCED.XML`.
pub fn ofac_enhanced(data: &[u8]) {
    ofac_xml(data, OfacFormat::EnhancedXml);
}

/// `ofac_csv`: the input is `sdn.csv`, optionally followed by
/// [`COMMENTS_SEPARATOR`] and `sdn_comments.csv`. `ofac::parse_as` never
/// panics with or without the comments; what parses satisfies
/// [`ofac_file_ok`]; `List::from_ofac_csv` agrees.
pub fn ofac_csv(data: &[u8]) {
    let (sdn, comments) = match data
        .windows(COMMENTS_SEPARATOR.len())
        .position(|w| w == COMMENTS_SEPARATOR)
    {
        Some(i) => (&data[..i], Some(&data[i + COMMENTS_SEPARATOR.len()..])),
        None => (data, None),
    };
    let alone = ofac::parse_as(sdn, OfacFormat::SdnCsv, None);
    if let Ok(f) = &alone {
        ofac_file_ok(f, OfacFormat::SdnCsv);
    }
    let Some(comments) = comments else {
        return;
    };
    let both = ofac::parse_as(sdn, OfacFormat::SdnCsv, Some(comments));
    if let Ok(f) = &both {
        ofac_file_ok(f, OfacFormat::SdnCsv);
    }
    let list = List::from_ofac_csv(sdn, comments, meta());
    match (&both, &list) {
        (Ok(f), Ok(l)) => assert_eq!(l.entries().len(), f.entries.len()),
        (Ok(f), Err(_)) => assert!(f.check_complete().is_err(), "complete file refused"),
        (Err(_), Ok(_)) => panic!("List loads what ofac::parse_as refuses"),
        (Err(_), Err(_)) => {}
    }
}

/// The bytes the `snapshot` target loads: the input itself when it starts
/// with the snapshot magic, else a well-framed snapshot (magic, version,
/// length, SHA-256) around the input as payload, so that the fuzzer
/// reaches the payload decoder past the checksum.
pub fn snapshot_bytes(data: &[u8]) -> Cow<'_, [u8]> {
    if data.starts_with(&MAGIC) {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len() + 52);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.extend_from_slice(data);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    Cow::Owned(out)
}

/// `snapshot`: `Snapshot::from_bytes` never panics; what loads re-encodes
/// to a snapshot that loads to equal lists, time and attributes, and whose
/// encoding is a fixed point; its lists satisfy [`list_ok`].
pub fn snapshot(data: &[u8]) {
    let bytes = snapshot_bytes(data);
    let Ok(s) = Snapshot::from_bytes(&bytes) else {
        return;
    };
    let encoded = s.to_bytes();
    let back = Snapshot::from_bytes(&encoded)
        .unwrap_or_else(|e| panic!("a re-encoded snapshot does not load: {e}"));
    assert_eq!(back.created, s.created);
    assert_eq!(back.attributes, s.attributes);
    assert_eq!(back.lists.len(), s.lists.len());
    for (a, b) in s.lists.iter().zip(&back.lists) {
        assert_eq!(a.meta(), b.meta());
        assert_eq!(a.entries(), b.entries());
        assert_eq!(a.sha256(), b.sha256());
    }
    assert_eq!(back.to_bytes(), encoded, "encoding is not a fixed point");
    for l in &s.lists {
        list_ok(l);
    }
}

/// Queries for a screener loaded from a compiled file: every listed
/// spelling of the small screener, other spellings, non-addresses.
const COMPILED_QUERIES: &[&str] = &[
    "0x52908400098527886e0f7030069857d2e4169ee7",
    "0x0000000000000000000000000000000000000001",
    "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
    "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
    "hello",
    "",
];

/// The bytes the `compiled` target loads: an input that starts with the
/// compiled magic gets its version, length field and XXH3-64 trailer fixed
/// up, so that mutations reach the section decoder behind the checksum (a
/// forged or buggy file), and a corpus written under an earlier format
/// version still does (refusing another version is one comparison, tested
/// in `tests/compiled.rs`); other inputs are taken as they are (and
/// refused).
pub fn compiled_bytes(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    if out.len() >= 28 && out.starts_with(&COMPILED_MAGIC) {
        let n = out.len();
        out[8..12].copy_from_slice(&COMPILED_FORMAT_VERSION.to_le_bytes());
        out[12..20].copy_from_slice(&((n - 28) as u64).to_le_bytes());
        let sum = xxhash_rust::xxh3::xxh3_64(&out[..n - 8]);
        out[n - 8..].copy_from_slice(&sum.to_le_bytes());
    }
    out
}

/// `compiled`: `Screener::from_compiled_bytes` never panics. What loads
/// answers every query (listed spellings of the small screener and of its
/// own entries, other strings) without panicking, hits materialize their
/// matches, entries, flagged entries and scans work, and its image loads
/// again into a screener that answers the same.
pub fn compiled(data: &[u8]) {
    let Ok(s) = Screener::from_compiled_bytes(compiled_bytes(data)) else {
        return;
    };
    let own: Vec<String> = s.entries().map(|(_, e)| e.address).collect();
    let _ = s.flagged().count();
    let again = Screener::from_compiled_bytes(s.compiled_bytes().to_vec())
        .unwrap_or_else(|e| panic!("a loaded image does not load again: {e}"));
    let queries = LISTED
        .iter()
        .chain(COMPILED_QUERIES)
        .map(|q| q.to_string())
        .chain(own);
    for q in queries {
        let v = s.check(&q);
        if let Verdict::Hit(h) = &v {
            let _ = h.matches();
        }
        let _ = s.check_with(&q, CheckOptions::new().verify_checksum(true));
        assert_eq!(again.check(&q), v, "{q:?}");
    }
    let _ = s
        .scan("x 0x52908400098527886e0f7030069857d2e4169ee7 y")
        .count();
}

/// `scan`: any text (lossy UTF-8) scanned on the small screener. No panic;
/// matches come in order without overlap, each span is on character
/// boundaries and is its `text`, the bytes around it are no ASCII letter or
/// digit (token boundaries), and `check` of the span is a hit with the same
/// matches (every candidate is confirmed through the check path). Then one
/// listed address, chosen by the input's length, is planted after the text
/// between spaces: a match must end exactly where it ends.
pub fn scan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let screener = small_screener();
    scan_ok(screener, &text);
    let listed = LISTED[data.len() % LISTED.len()];
    let planted = format!("{text} {listed} ");
    let end = planted.len() - 1;
    assert!(
        scan_ok(screener, &planted).contains(&end),
        "{listed:?} planted at the end of {text:?} is not found"
    );
}

/// The per-match invariants of [`scan`]; returns the end of every span.
fn scan_ok(screener: &Screener, text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut ends = Vec::new();
    let mut last = 0;
    for m in screener.scan(text) {
        let (start, end) = (m.span.start, m.span.end);
        assert!(start >= last && start < end, "{:?} after {last}", m.span);
        assert_eq!(text.get(start..end), Some(m.text), "span and text");
        assert!(
            start == 0 || !b[start - 1].is_ascii_alphanumeric(),
            "{:?} starts inside a token",
            m.span
        );
        assert!(
            end == b.len() || !b[end].is_ascii_alphanumeric(),
            "{:?} ends inside a token",
            m.span
        );
        match screener.check(m.text) {
            Verdict::Hit(h) => assert_eq!(h.matches(), m.hit.matches(), "{:?}", m.text),
            v => panic!("scan match {:?} is {v:?} for check", m.text),
        }
        ends.push(end);
        last = end;
    }
    ends
}

/// `history`: the date parsers and `History::from_csv_bytes` never panic.
/// A parsed date prints as `YYYY-MM-DD` and parses back to itself
/// (`Date::parse` gives back its input exactly); a timestamp's UTC date is
/// within a day of its local date. A history that loads has one record per
/// entry of the list loader, every delisting's `after` is no later than
/// its `by`, it survives `write_csv` and loading again (addresses, parties
/// and dates), and a screener with it answers `check_at` for every
/// record's address on its bounds without panicking, a hit on a date its
/// record covers when the record's address can match.
pub fn history(data: &[u8]) {
    use walletscreen::{Date, History};
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(d) = Date::parse(text) {
            assert_eq!(d.to_string(), text);
            assert_eq!(Date::from_days(d.days()), Some(d));
        }
        if let Ok(d) = Date::from_timestamp(text) {
            assert_eq!(Date::parse(&d.to_string()), Ok(d));
            let local = text
                .get(..10)
                .and_then(|t| Date::parse(t).ok())
                .expect("a date");
            assert!((d.days() - local.days()).abs() <= 1, "{text:?} -> {d}");
        }
        let _ = Date::parse_date_or_timestamp(text);
    }
    let Ok((meta, h)) = History::from_csv_bytes(data, meta()) else {
        return;
    };
    for r in h.records() {
        if let Some(d) = r.delisted {
            assert!(d.after.is_none_or(|a| a <= d.by), "{d:?}");
        }
    }
    let mut bytes = Vec::new();
    h.write_csv(&meta, &[], &mut bytes)
        .expect("writes to a Vec");
    let (_, back) = History::from_csv_bytes(&bytes, meta.clone()).expect("reads back");
    assert_eq!(back.len(), h.len());
    for (a, b) in h.records().iter().zip(back.records()) {
        assert_eq!(
            (a.party(), a.listed_after, a.listed_by, a.delisted),
            (b.party(), b.listed_after, b.listed_by, b.delisted)
        );
    }
    let Ok(screener) = small_screener().with_history(h.clone()) else {
        return;
    };
    for r in h.records() {
        let Some(d) = r.delisted else { continue };
        let v = screener.check_at(&r.entry.address, d.by);
        // What the record alone answers, the current lists do not hide.
        let alone = Screener::builder()
            .history(History::from_records(vec![r.clone()]))
            .build();
        let matchable = alone.is_ok_and(|s| s.check_at(&r.entry.address, d.by).is_hit());
        if r.covers(d.by) && matchable {
            assert!(v.is_hit(), "{:?} on {}", r.entry.address, d.by);
        }
    }
}
