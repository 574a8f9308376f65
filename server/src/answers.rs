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

use serde::Serialize;
use walletscreen::{Category, ListInfo, Screener, Verdict, VerdictAt, Version};

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
    let version = hit.version();
    hit.matches()
        .map(|m| {
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
        })
        .collect()
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
