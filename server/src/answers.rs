//! From a library verdict to each contract's JSON: the one module that reads
//! `Hit` and `Match` (so a change of the library's answer API is adapted
//! here, and only here).
//!
//! * Chainalysis: one `identification` per matched entry
//!   ([`identifications`]); `category` is `sanctions` for a sanctioned list
//!   (OFAC SDN), `attribution` for an attributed list (FBI DPRK) and `custom`
//!   for a caller's own list, so a client that blocks on a non-empty array
//!   blocks all three.
//! * TRM: `isSanctioned` is true for any hit ([`is_listed`]), whatever the
//!   list's category: a TRM client blocks on it, and a list given to this
//!   service is a list to block on.
//! * Native: the library's own serde output of `Verdict` / `VerdictAt`,
//!   flattened, plus the request's input, the list set's version and
//!   `stale` ([`Native`], [`NativeAt`]).

use std::collections::HashMap;
use std::sync::RwLock;

use serde::Serialize;
use walletscreen::{
    Category, Checksum, Family, Hit, ListInfo, Match, Network, Screener, Verdict, VerdictAt,
    Version,
};

/// One Chainalysis identification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Identification {
    /// `sanctions`, `attribution` or `custom` (the list's category).
    pub category: &'static str,
    /// `SANCTIONS: OFAC SDN <entity> <listing date>` style.
    pub name: String,
    /// Entity, entity id, programs, listing date, the list and its version,
    /// the source.
    pub description: String,
    /// The entry's source, else its list's; empty when neither has one.
    pub url: String,
}

/// The Chainalysis `category` of a list's category.
fn chainalysis_category(c: Category) -> &'static str {
    match c {
        Category::Sanctioned => "sanctions",
        Category::Attributed => "attribution",
        Category::Custom => "custom",
    }
}

/// How a list is named in an identification: `OFAC SDN`, `FBI DPRK`, else
/// its id.
fn list_label(id: &str) -> String {
    match id {
        "ofac-sdn" => "OFAC SDN".to_owned(),
        "ofac-cons" => "OFAC Consolidated".to_owned(),
        "fbi-dprk" => "FBI DPRK".to_owned(),
        other => other.to_owned(),
    }
}

/// The Chainalysis identifications of a verdict: one per matched entry, in
/// list order; none for a clear or invalid input (as Chainalysis answers an
/// address it does not list, valid or not).
pub fn identifications(screener: &Screener, verdict: &Verdict) -> Vec<Identification> {
    let Some(hit) = verdict.hit() else {
        return Vec::new();
    };
    hit.matches()
        .map(|m| identification(screener, hit.version(), &m))
        .collect()
}

/// The Chainalysis identification of one matched entry of `screener`
/// (whose version is `version`). A function of the entry's list and
/// provenance only (and of the set), which is what lets [`Prepared`]
/// compute it once per entry.
fn identification(screener: &Screener, version: &Version, m: &Match<'_>) -> Identification {
    let e = m.provenance();
    let info: Option<&ListInfo> = screener.lists().iter().find(|l| l.meta.id == m.list());
    let label = list_label(m.list());
    let category = chainalysis_category(m.category());
    let mut name = format!("{}: {label}", category.to_ascii_uppercase());
    for part in [e.entity.as_deref(), e.listed.as_deref()]
        .into_iter()
        .flatten()
    {
        name.push(' ');
        name.push_str(part);
    }
    let url = e
        .source
        .clone()
        .or_else(|| info.and_then(|i| i.meta.source.clone()))
        .unwrap_or_default();
    let mut d = Vec::new();
    match (&e.entity, &e.entity_id) {
        (Some(n), Some(id)) => d.push(format!("{n} ({label} entity {id})")),
        (Some(n), None) => d.push(n.clone()),
        (None, Some(id)) => d.push(format!("{label} entity {id}")),
        (None, None) => {}
    }
    if !e.programs.is_empty() {
        d.push(format!("programs: {}", e.programs.join(", ")));
    }
    if let Some(listed) = &e.listed {
        d.push(format!("listed {listed}"));
    }
    let mut list = format!("list {}", m.list());
    if let Some(as_of) = info.and_then(|i| i.meta.as_of.as_deref()) {
        list.push_str(&format!(" of {as_of}"));
    }
    list.push_str(&format!(
        ", list set {} {}",
        version.date.as_deref().unwrap_or("-"),
        version.sha256
    ));
    d.push(list);
    let mut description = d.join("; ");
    description.push('.');
    if !url.is_empty() {
        description.push('\n');
        description.push_str(&url);
    }
    Identification {
        category,
        name,
        description,
        url,
    }
}

/// Most identifications a [`Prepared`] keeps (a list set of millions of
/// entries would otherwise grow it without bound; past it, an
/// identification is formatted per request, as it would be without it).
const MAX_PREPARED_IDENTIFICATIONS: usize = 8192;

/// What every answer from one served list set shares, computed once per set
/// (at start, and after each live swap, on the first request that sees the
/// new set) instead of once per request:
///
/// * the set's version as JSON (a native answer's `list_set`);
/// * each matched entry's Chainalysis identification as JSON, filled on the
///   entry's first hit (a set of millions of entries is not formatted up
///   front), at most 8,192 of them.
///
/// It holds the screener it was made for: answers are only ever built from
/// a [`Prepared`] and its own screener ([`crate::lists::Current`]).
pub struct Prepared {
    screener: Screener,
    version_json: Box<[u8]>,
    /// Identification JSON by entry. The key is the addresses of the
    /// entry's list id and provenance, both borrowed from the screener by
    /// every `Match` and so at fixed addresses for its lifetime: the same
    /// pair of addresses is the same list and provenance, so the same
    /// identification, for as long as `screener` (held above) lives. (The
    /// screener interns one provenance per (list, provenance) today; the
    /// list's address in the key keeps two lists apart even if it ever
    /// shared one provenance between them.)
    identifications: RwLock<HashMap<EntryKey, Box<[u8]>>>,
    /// A clear verdict's own JSON (`{"verdict":"clear",…}`) by its fields:
    /// a few dozen at most (family × checksum × network).
    clears: RwLock<HashMap<ClearKey, Box<[u8]>>>,
}

/// A matched entry of one screener: the addresses of its list id and of
/// its provenance ([`Prepared`]'s identifications).
type EntryKey = (usize, usize);

/// The fields of [`Verdict::Clear`].
type ClearKey = (Family, Checksum, Option<Network>);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("version", self.screener.version())
            .field(
                "identifications",
                &self.identifications.read().map_or(0, |m| m.len()),
            )
            .finish()
    }
}

impl Prepared {
    /// The shared parts of `screener`'s answers.
    pub fn new(screener: Screener) -> Prepared {
        // Plain data always serializes.
        let version_json = serde_json::to_vec(&**screener.version())
            .unwrap_or_default()
            .into_boxed_slice();
        Prepared {
            screener,
            version_json,
            identifications: RwLock::new(HashMap::new()),
            clears: RwLock::new(HashMap::new()),
        }
    }

    /// The screener these answers are for.
    pub fn screener(&self) -> &Screener {
        &self.screener
    }

    /// The set's version as JSON (`{"date": …, "sha256": …}`), as
    /// `serde_json` writes a `Version`.
    pub fn version_json(&self) -> &[u8] {
        &self.version_json
    }

    /// Appends the Chainalysis answer to `verdict` (a verdict of this
    /// screener) to `out`: `{"identifications":[…]}`, byte for byte what
    /// `serde_json` writes for [`identifications`].
    pub fn write_chainalysis(&self, verdict: &Verdict, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"identifications\":[");
        if let Some(hit) = verdict.hit() {
            for (i, m) in hit.matches().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.write_identification(hit, &m, out);
            }
        }
        out.extend_from_slice(b"]}");
    }

    fn write_identification(&self, hit: &Hit, m: &Match<'_>, out: &mut Vec<u8>) {
        let key: EntryKey = (
            m.list().as_ptr() as usize,
            std::ptr::from_ref(m.provenance()) as usize,
        );
        // A poisoned lock (a panic while inserting) only loses the cache.
        if let Ok(cache) = self.identifications.read()
            && let Some(json) = cache.get(&key)
        {
            out.extend_from_slice(json);
            return;
        }
        let id = identification(&self.screener, hit.version(), m);
        // Plain data always serializes.
        let json = serde_json::to_vec(&id).unwrap_or_default();
        out.extend_from_slice(&json);
        if let Ok(mut cache) = self.identifications.write()
            && cache.len() < MAX_PREPARED_IDENTIFICATIONS
        {
            cache.insert(key, json.into_boxed_slice());
        }
    }

    /// Appends the native answer to `verdict` for `input` (one JSON object,
    /// no newline): byte for byte what `serde_json` writes for [`Native`],
    /// with the set's version written from [`Prepared::version_json`] and
    /// a clear verdict's fields from a cache.
    pub fn write_native(&self, input: &str, verdict: &Verdict, stale: bool, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"input\":");
        write_json_str(input, out);
        // The verdict's own object, `{"verdict":…}`, spliced in: its
        // opening brace becomes the separator, its closing one is dropped
        // (what `#[serde(flatten)]` writes, without its detour).
        let at = out.len();
        match verdict {
            Verdict::Clear {
                family,
                checksum,
                network,
            } => self.write_clear((*family, *checksum, *network), verdict, out),
            _ => {
                // Plain data always serializes.
                let _ = serde_json::to_writer(&mut *out, verdict);
            }
        }
        if out.len() > at + 2 && out[at] == b'{' && out.last() == Some(&b'}') {
            out[at] = b',';
            out.pop();
        }
        out.extend_from_slice(b",\"list_set\":");
        out.extend_from_slice(&self.version_json);
        out.extend_from_slice(if stale {
            b",\"stale\":true}"
        } else {
            b",\"stale\":false}"
        });
    }

    /// Appends the JSON of a clear `verdict` whose fields are `key`.
    fn write_clear(&self, key: ClearKey, verdict: &Verdict, out: &mut Vec<u8>) {
        // A poisoned lock (a panic while inserting) only loses the cache.
        if let Ok(cache) = self.clears.read()
            && let Some(json) = cache.get(&key)
        {
            out.extend_from_slice(json);
            return;
        }
        // Plain data always serializes.
        let json = serde_json::to_vec(verdict).unwrap_or_default();
        out.extend_from_slice(&json);
        if let Ok(mut cache) = self.clears.write() {
            cache.insert(key, json.into_boxed_slice());
        }
    }
}

/// Appends `s` as a JSON string, as `serde_json` writes it (which escapes
/// `"`, `\\` and control characters only): copied as it is when it has
/// none of them, which is every address.
pub fn write_json_str(s: &str, out: &mut Vec<u8>) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        // A string always serializes.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether a verdict is a hit on any list (TRM's `isSanctioned`).
pub fn is_listed(verdict: &Verdict) -> bool {
    verdict.is_hit()
}

/// The native answer for one input: the library's `Verdict` serialized as
/// it is (`verdict`: `hit` / `clear` / `invalid`, `family`, `checksum`,
/// `matches` with provenance, `version`, `destination_tag`, `network`,
/// `reason`), flattened, with the input, the answering set and `stale`.
#[derive(Debug, Serialize)]
pub struct Native<'a> {
    /// The input, as given.
    pub input: &'a str,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: &'a Verdict,
    /// The list set that answered (for a hit, the same as `version`).
    pub list_set: &'a Version,
    /// That set was stale (`--max-age`).
    pub stale: bool,
}

/// The native answer as of a date: the library's `VerdictAt`, flattened
/// (a hit's matches carry `listed_on`, `delisted_on`, ...), with `as_of`.
#[derive(Debug, Serialize)]
pub struct NativeAt<'a> {
    /// The input, as given.
    pub input: &'a str,
    /// The date asked about (`YYYY-MM-DD`), for a clear or invalid
    /// answer (a hit's own serialization carries it): `None` for a hit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: &'a VerdictAt,
    /// The list set that answered.
    pub list_set: &'a Version,
    /// That set was stale (`--max-age`).
    pub stale: bool,
}

#[cfg(test)]
mod tests {
    use walletscreen::{Category, List, ListMeta};

    use super::*;

    /// The bundled lists and a custom list that lists one bundled address
    /// again (two matches) and one entry without entity or source.
    fn screener() -> Screener {
        let csv = "# walletscreen-list: v1\n# id: mine\n# category: custom\n\
                   address,entity,programs,listed\n\
                   0x098B716B8Aaf21512996dC57EB0615e2383E2f96,\"Ours \"\"quoted\"\", x\\y\",P1;P2,2026-01-02\n\
                   0x52908400098527886E0F7030069857D2E4169EE7,,,\n";
        let list = List::from_bytes(csv.as_bytes(), ListMeta::new("mine", Category::Custom))
            .expect("the list loads");
        let mut b = Screener::builder();
        b.bundled(true);
        b.list(list);
        b.build().expect("it builds")
    }

    const INPUTS: &[&str] = &[
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
        "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
        "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "0x0000000000000000000000000000000000000001",
        "not an address \"\\ \u{7}",
        "",
    ];

    #[test]
    fn prepared_chainalysis_answers_are_what_serde_writes() {
        let s = screener();
        let p = Prepared::new(s.clone());
        let mut hits = 0;
        // Twice: the first fills the cache, the second reads it.
        for _ in 0..2 {
            for input in INPUTS {
                let v = s.check(input);
                let want_typed = serde_json::to_vec(&Answer {
                    identifications: identifications(&s, &v),
                })
                .unwrap();
                let mut got = Vec::new();
                p.write_chainalysis(&v, &mut got);
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want_typed).unwrap(),
                    "{input}"
                );
                hits += usize::from(v.is_hit());
            }
        }
        assert_eq!(hits, 2 * 5);
        // Two matches for the address on two lists; the cache holds one
        // identification per entry.
        let v = s.check(INPUTS[0]);
        assert_eq!(identifications(&s, &v).len(), 2);
        assert_eq!(p.identifications.read().unwrap().len(), 5);
    }

    #[derive(Serialize)]
    struct Answer {
        identifications: Vec<Identification>,
    }

    #[test]
    fn prepared_native_answers_are_what_serde_writes() {
        let s = screener();
        let p = Prepared::new(s.clone());
        let inputs = INPUTS.iter().copied().chain([
            // An X-address with a destination tag (a hit field more).
            "XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi",
            "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\u{1}",
            "\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"",
            "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
            "été ✓",
        ]);
        for input in inputs.clone().chain(inputs) {
            let v = s.check(input);
            for stale in [false, true] {
                let want = serde_json::to_string(&Native {
                    input,
                    verdict: &v,
                    list_set: s.version(),
                    stale,
                })
                .unwrap();
                let mut got = Vec::new();
                p.write_native(input, &v, stale, &mut got);
                assert_eq!(String::from_utf8(got).unwrap(), want, "{input}");
            }
        }
        assert_eq!(
            p.version_json(),
            serde_json::to_vec(&**s.version()).unwrap()
        );
    }
}
