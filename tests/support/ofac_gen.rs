//! Writes OFAC-shaped files (`SDN.XML`, `SDN_ADVANCED.XML` in the 2024 or
//! the older namespace, `SDN_ENHANCED.XML`, `sdn.csv` + `sdn_comments.csv`)
//! from one set of parties, so that the four parsers can be shown to agree.
//!
//! Used by `tests/ofac.rs` (the committed fixtures under
//! `tests/fixtures/ofac/`, see the README there) and `benches/ofac.rs` (a
//! ~130 MB `SDN_ADVANCED.XML`, generated in memory). The element structure
//! follows OFAC's published schemas; identifiers (reference value ids,
//! feature ids, ...) are made up and differ between the two advanced
//! namespaces, since a parser must never depend on them.
#![allow(dead_code)]

use std::fmt::Write as _;

/// Namespace of `SDN.XML` since 2024.
pub const NS_SDN_XML: &str =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML";
/// Namespace of `SDN_ADVANCED.XML` since 2024.
pub const NS_ADVANCED_2024: &str =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML";
/// Namespace of `SDN_ADVANCED.XML` before 2024.
pub const NS_ADVANCED_OLD: &str = "http://www.un.org/sanctions/1.0";
/// Namespace of `SDN_ENHANCED.XML`.
pub const NS_ENHANCED: &str =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML";

/// OFAC's currency codes, in the order their feature types are declared.
pub const TICKERS: [&str; 21] = [
    "XBT", "ETH", "XMR", "LTC", "ZEC", "DASH", "BTG", "ETC", "BSV", "BCH", "XVG", "USDT", "XRP",
    "ARB", "BSC", "USDC", "TRX", "SOL", "DOGE", "BNB", "NEW",
];

/// Feature types that are not addresses (declared, and used by the
/// synthetic parties).
pub const OTHER_FEATURES: [&str; 6] = [
    "Birthdate",
    "Place of Birth",
    "Nationality Country",
    "Gender",
    "Website",
    "Email Address",
];

/// A name, as OFAC structures it.
#[derive(Debug, Clone)]
pub enum Name {
    /// An entity, vessel, ...: one part.
    Entity(String),
    /// A person.
    Individual {
        /// Last name.
        last: String,
        /// Given names.
        first: String,
    },
}

impl Name {
    /// As every parser writes it: `LAST, First` for a person.
    pub fn full(&self) -> String {
        match self {
            Name::Entity(n) => n.clone(),
            Name::Individual { last, first } => format!("{last}, {first}"),
        }
    }
}

/// One listed party.
#[derive(Debug, Clone)]
pub struct Party {
    /// OFAC entity number.
    pub id: u64,
    /// Primary name.
    pub name: Name,
    /// Programs.
    pub programs: Vec<String>,
    /// Listing date, `YYYY-MM-DD`.
    pub listed: String,
    /// Addresses with their tickers, in order.
    pub addresses: Vec<(String, Vec<String>)>,
    /// Other names (a.k.a.).
    pub aliases: Vec<String>,
    /// Other features: (type text from [`OTHER_FEATURES`], value).
    pub features: Vec<(String, String)>,
}

/// A whole publication.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Publish date, `YYYY-MM-DD`.
    pub publish: String,
    /// The parties.
    pub parties: Vec<Party>,
}

/// Padding for the large generated files (counts of extra elements).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bulk {
    /// `Locations/Location` elements.
    pub locations: usize,
    /// `IDRegDocuments/IDRegDocument` elements.
    pub documents: usize,
    /// `ProfileRelationships/ProfileRelationship` elements.
    pub relationships: usize,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn ymd(date: &str) -> (u32, u32, u32) {
    let p: Vec<u32> = date.split('-').map(|x| x.parse().unwrap()).collect();
    (p[0], p[1], p[2])
}

/// Each (address, ticker) of a party, in order.
fn pairs(p: &Party) -> impl Iterator<Item = (&str, &str)> {
    p.addresses
        .iter()
        .flat_map(|(a, ts)| ts.iter().map(move |t| (a.as_str(), t.as_str())))
}

// ---------------------------------------------------------------------------
// SDN.XML
// ---------------------------------------------------------------------------

/// `SDN.XML` (2024 namespace).
pub fn sdn_xml(doc: &Doc) -> String {
    let mut o = String::new();
    let (y, m, d) = ymd(&doc.publish);
    o.push_str("<?xml version=\"1.0\" standalone=\"yes\"?>\n");
    let _ = writeln!(
        o,
        "<sdnList xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"{NS_SDN_XML}\">"
    );
    let _ = writeln!(
        o,
        "  <publshInformation>\n    <Publish_Date>{m:02}/{d:02}/{y}</Publish_Date>\n    \
         <Record_Count>{}</Record_Count>\n  </publshInformation>",
        doc.parties.len()
    );
    let mut uid = 1000u64;
    for p in &doc.parties {
        let _ = writeln!(o, "  <sdnEntry>\n    <uid>{}</uid>", p.id);
        match &p.name {
            Name::Entity(n) => {
                let _ = writeln!(o, "    <lastName>{}</lastName>", esc(n));
                o.push_str("    <sdnType>Entity</sdnType>\n");
            }
            Name::Individual { last, first } => {
                let _ = writeln!(
                    o,
                    "    <firstName>{}</firstName>\n    <lastName>{}</lastName>",
                    esc(first),
                    esc(last)
                );
                o.push_str("    <sdnType>Individual</sdnType>\n");
            }
        }
        o.push_str("    <programList>\n");
        for pr in &p.programs {
            let _ = writeln!(o, "      <program>{}</program>", esc(pr));
        }
        o.push_str("    </programList>\n    <idList>\n");
        for (kind, value) in &p.features {
            if kind == "Website" || kind == "Email Address" {
                uid += 1;
                let _ = writeln!(
                    o,
                    "      <id>\n        <uid>{uid}</uid>\n        <idType>{}</idType>\n        \
                     <idNumber>{}</idNumber>\n      </id>",
                    esc(kind),
                    esc(value)
                );
            }
        }
        for (a, t) in pairs(p) {
            uid += 1;
            let _ = writeln!(
                o,
                "      <id>\n        <uid>{uid}</uid>\n        <idType>Digital Currency Address - {t}</idType>\n        \
                 <idNumber>{}</idNumber>\n      </id>",
                esc(a)
            );
        }
        o.push_str("    </idList>\n");
        if !p.aliases.is_empty() {
            o.push_str("    <akaList>\n");
            for al in &p.aliases {
                uid += 1;
                let _ = writeln!(
                    o,
                    "      <aka>\n        <uid>{uid}</uid>\n        <type>a.k.a.</type>\n        \
                     <category>strong</category>\n        <lastName>{}</lastName>\n      </aka>",
                    esc(al)
                );
            }
            o.push_str("    </akaList>\n");
        }
        o.push_str("  </sdnEntry>\n");
    }
    o.push_str("</sdnList>\n");
    o
}

// ---------------------------------------------------------------------------
// SDN_ADVANCED.XML
// ---------------------------------------------------------------------------

/// Reference value ids of one generated advanced file.
struct Ids {
    base: u64,
}

impl Ids {
    fn feature_type(&self, text: &str) -> u64 {
        let i = TICKERS
            .iter()
            .position(|t| text == format!("Digital Currency Address - {t}"))
            .map(|i| i + 100)
            .or_else(|| OTHER_FEATURES.iter().position(|f| *f == text))
            .expect("declared feature type");
        self.base + i as u64
    }
    fn last_name(&self) -> u64 {
        self.base + 500
    }
    fn first_name(&self) -> u64 {
        self.base + 501
    }
    fn entity_name(&self) -> u64 {
        self.base + 502
    }
    fn program_type(&self) -> u64 {
        self.base + 600
    }
    fn block_type(&self) -> u64 {
        self.base + 601
    }
}

/// `SDN_ADVANCED.XML` in namespace `ns`; reference value ids start at
/// `id_base`. `bulk` adds locations, documents and relationships.
pub fn advanced_xml(doc: &Doc, ns: &str, id_base: u64, bulk: Bulk) -> String {
    let ids = Ids { base: id_base };
    let mut o = String::with_capacity(doc.parties.len() * 2048);
    let (y, m, d) = ymd(&doc.publish);
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        o,
        "<Sanctions xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"{ns}\">"
    );
    let _ = writeln!(
        o,
        "  <DateOfIssue>\n    <Year>{y}</Year>\n    <Month>{m}</Month>\n    <Day>{d}</Day>\n  </DateOfIssue>"
    );
    reference_value_sets(&mut o, doc, &ids);
    locations(&mut o, bulk.locations);
    documents(&mut o, bulk.documents);
    o.push_str("  <DistinctParties>\n");
    let mut n = id_base * 10;
    let mut next = || {
        n += 1;
        n
    };
    for p in &doc.parties {
        distinct_party(&mut o, p, &ids, &mut next);
    }
    o.push_str("  </DistinctParties>\n");
    relationships(&mut o, doc, bulk.relationships);
    o.push_str("  <SanctionsEntries>\n");
    for p in &doc.parties {
        let (y, m, d) = ymd(&p.listed);
        let _ = writeln!(
            o,
            "    <SanctionsEntry ID=\"{}\" ProfileID=\"{}\" ListID=\"{}\">\n      \
             <EntryEvent ID=\"{}\" EntryEventTypeID=\"{}\" LegalBasisID=\"{}\">\n        \
             <Date CalendarTypeID=\"{}\">\n          <Year>{y}</Year>\n          <Month>{m}</Month>\n          \
             <Day>{d}</Day>\n        </Date>\n        <Comment />\n      </EntryEvent>",
            next(),
            p.id,
            id_base + 700,
            next(),
            id_base + 800,
            id_base + 900,
            id_base + 1000,
        );
        for pr in &p.programs {
            let _ = writeln!(
                o,
                "      <SanctionsMeasure ID=\"{}\" SanctionsTypeID=\"{}\">\n        \
                 <Comment>{}</Comment>\n      </SanctionsMeasure>",
                next(),
                ids.program_type(),
                esc(pr)
            );
        }
        let _ = writeln!(
            o,
            "      <SanctionsMeasure ID=\"{}\" SanctionsTypeID=\"{}\">\n        <Comment />\n      \
             </SanctionsMeasure>\n    </SanctionsEntry>",
            next(),
            ids.block_type()
        );
    }
    o.push_str("  </SanctionsEntries>\n  <SanctionsEntryLinks />\n</Sanctions>\n");
    o
}

fn reference_value_sets(o: &mut String, doc: &Doc, ids: &Ids) {
    let b = ids.base;
    o.push_str("  <ReferenceValueSets>\n    <AliasTypeValues>\n");
    for (i, t) in ["A.K.A.", "F.K.A.", "N.K.A.", "Name"].iter().enumerate() {
        let _ = writeln!(
            o,
            "      <AliasType ID=\"{}\">{t}</AliasType>",
            b + 1400 + i as u64
        );
    }
    o.push_str("    </AliasTypeValues>\n    <AreaCodeValues />\n    <AreaCodeTypeValues />\n");
    let _ = writeln!(
        o,
        "    <CalendarTypeValues>\n      <CalendarType ID=\"{}\">Gregorian</CalendarType>\n    </CalendarTypeValues>",
        b + 1000
    );
    o.push_str("    <CountryValues>\n");
    for (i, c) in ["Russia", "China", "Iran", "Korea, North"]
        .iter()
        .enumerate()
    {
        let _ = writeln!(
            o,
            "      <Country ID=\"{}\" ISO2=\"{}\">{}</Country>",
            b + 11000 + i as u64,
            ["RU", "CN", "IR", "KP"][i],
            esc(c)
        );
    }
    o.push_str("    </CountryValues>\n");
    let _ = writeln!(
        o,
        "    <DetailReferenceValues>\n      <DetailReference ID=\"{}\">Male</DetailReference>\n    \
         </DetailReferenceValues>",
        b + 91_526
    );
    o.push_str("    <DetailTypeValues>\n");
    for (i, t) in ["DATE", "LOOKUP", "TEXT", "COUNTRY"].iter().enumerate() {
        let _ = writeln!(
            o,
            "      <DetailType ID=\"{}\">{t}</DetailType>",
            b + 1430 + i as u64
        );
    }
    o.push_str("    </DetailTypeValues>\n    <EntryEventTypeValues>\n");
    let _ = writeln!(
        o,
        "      <EntryEventType ID=\"{}\">Created</EntryEventType>\n    </EntryEventTypeValues>",
        b + 800
    );
    o.push_str("    <FeatureTypeValues>\n");
    for f in OTHER_FEATURES {
        let _ = writeln!(
            o,
            "      <FeatureType ID=\"{}\" FeatureTypeGroupID=\"{}\">{f}</FeatureType>",
            ids.feature_type(f),
            b + 1
        );
    }
    for t in TICKERS {
        let text = format!("Digital Currency Address - {t}");
        let _ = writeln!(
            o,
            "      <FeatureType ID=\"{}\" FeatureTypeGroupID=\"{}\">{text}</FeatureType>",
            ids.feature_type(&text),
            b + 1
        );
    }
    o.push_str("    </FeatureTypeValues>\n");
    let _ = writeln!(
        o,
        "    <LegalBasisValues>\n      <LegalBasis ID=\"{}\" LegalBasisShortRef=\"EO13694\" \
         LegalBasisTypeID=\"1\" SanctionsProgramID=\"{}\">Executive Order 13694 (Cyber-related)</LegalBasis>\n    \
         </LegalBasisValues>",
        b + 900,
        b + 2000
    );
    let _ = writeln!(
        o,
        "    <ListValues>\n      <List ID=\"{}\">SDN List</List>\n    </ListValues>",
        b + 700
    );
    o.push_str("    <NamePartTypeValues>\n");
    for (id, t) in [
        (ids.last_name(), "Last Name"),
        (ids.first_name(), "First Name"),
        (ids.entity_name(), "Entity Name"),
    ] {
        let _ = writeln!(o, "      <NamePartType ID=\"{id}\">{t}</NamePartType>");
    }
    o.push_str("    </NamePartTypeValues>\n    <SanctionsProgramValues>\n");
    let mut programs: Vec<&str> = doc
        .parties
        .iter()
        .flat_map(|p| p.programs.iter().map(String::as_str))
        .collect();
    programs.sort_unstable();
    programs.dedup();
    for (i, p) in programs.iter().enumerate() {
        let _ = writeln!(
            o,
            "      <SanctionsProgram ID=\"{}\" SubsidiaryBodyID=\"{}\">{}</SanctionsProgram>",
            b + 2000 + i as u64,
            b + 3000,
            esc(p)
        );
    }
    o.push_str("    </SanctionsProgramValues>\n    <SanctionsTypeValues>\n");
    let _ = writeln!(
        o,
        "      <SanctionsType ID=\"{}\">Program</SanctionsType>\n      \
         <SanctionsType ID=\"{}\">Block</SanctionsType>\n    </SanctionsTypeValues>",
        ids.program_type(),
        ids.block_type()
    );
    let _ = writeln!(
        o,
        "    <ScriptValues>\n      <Script ID=\"{}\" ScriptCode=\"Latn\">Latin</Script>\n    </ScriptValues>",
        b + 215
    );
    o.push_str("  </ReferenceValueSets>\n");
}

fn locations(o: &mut String, n: usize) {
    if n == 0 {
        o.push_str("  <Locations />\n");
        return;
    }
    o.push_str("  <Locations>\n");
    for i in 0..n {
        let _ = writeln!(
            o,
            "    <Location ID=\"{}\">\n      <LocationAreaCode AreaCodeID=\"{}\" />\n      \
             <LocationCountry CountryID=\"{}\" CountryRelevanceID=\"1\" />\n      \
             <LocationPart LocPartTypeID=\"1454\">\n        <LocationPartValue Primary=\"true\" \
             LocPartValueTypeID=\"1\" LocPartValueStatusID=\"1\">\n          <Comment />\n          \
             <Value>{} Nevsky Prospekt, Office {}</Value>\n        </LocationPartValue>\n      \
             </LocationPart>\n      <LocationPart LocPartTypeID=\"1451\">\n        \
             <LocationPartValue Primary=\"true\" LocPartValueTypeID=\"1\" LocPartValueStatusID=\"1\">\n          \
             <Value>Saint Petersburg</Value>\n        </LocationPartValue>\n      </LocationPart>\n      \
             <FeatureVersionReference FeatureVersionID=\"{}\" />\n    </Location>",
            900_000 + i,
            11000 + i % 4,
            11000 + i % 4,
            i % 200 + 1,
            i % 97 + 1,
            800_000 + i
        );
    }
    o.push_str("  </Locations>\n");
}

fn documents(o: &mut String, n: usize) {
    if n == 0 {
        o.push_str("  <IDRegDocuments />\n");
        return;
    }
    o.push_str("  <IDRegDocuments>\n");
    for i in 0..n {
        let _ = writeln!(
            o,
            "    <IDRegDocument ID=\"{}\" IDRegDocTypeID=\"1571\" IdentityID=\"{}\" \
             IssuedBy-CountryID=\"{}\" ValidityID=\"1\">\n      <Comment />\n      \
             <IDRegistrationNo>{:09}</IDRegistrationNo>\n      <IssuingAuthority />\n      \
             <DocumentDate IDRegDocDateTypeID=\"1480\">\n        <DatePeriod CalendarTypeID=\"1\" \
             YearFixed=\"false\" MonthFixed=\"false\" DayFixed=\"false\">\n          \
             <Start Approximate=\"false\" YearFixed=\"false\" MonthFixed=\"false\" DayFixed=\"false\">\n            \
             <From>\n              <Year>2019</Year>\n              <Month>{}</Month>\n              \
             <Day>{}</Day>\n            </From>\n          </Start>\n        </DatePeriod>\n      \
             </DocumentDate>\n    </IDRegDocument>",
            700_000 + i,
            600_000 + i,
            11000 + i % 4,
            123_456_789 - i,
            i % 12 + 1,
            i % 28 + 1
        );
    }
    o.push_str("  </IDRegDocuments>\n");
}

fn relationships(o: &mut String, doc: &Doc, n: usize) {
    if n == 0 || doc.parties.len() < 2 {
        o.push_str("  <ProfileRelationships />\n");
        return;
    }
    o.push_str("  <ProfileRelationships>\n");
    for i in 0..n {
        let from = doc.parties[i % doc.parties.len()].id;
        let to = doc.parties[(i * 7 + 1) % doc.parties.len()].id;
        let _ = writeln!(
            o,
            "    <ProfileRelationship ID=\"{}\" From-ProfileID=\"{from}\" To-ProfileID=\"{to}\" \
             RelationTypeID=\"1555\" RelationQualityID=\"1\" Former=\"false\" SanctionsEntryID=\"{}\">\n      \
             <Comment />\n    </ProfileRelationship>",
            500_000 + i,
            400_000 + i
        );
    }
    o.push_str("  </ProfileRelationships>\n");
}

fn distinct_party(o: &mut String, p: &Party, ids: &Ids, next: &mut impl FnMut() -> u64) {
    let identity = next();
    let subtype = match p.name {
        Name::Individual { .. } => 4,
        Name::Entity(_) => 3,
    };
    let _ = writeln!(
        o,
        "    <DistinctParty FixedRef=\"{id}\">\n      <Comment />\n      \
         <Profile ID=\"{id}\" PartySubTypeID=\"{subtype}\">\n        \
         <Identity ID=\"{identity}\" FixedRef=\"{id}\" Primary=\"true\" False=\"false\">",
        id = p.id
    );
    let last_group = next();
    let first_group = next();
    // The primary name.
    let _ = writeln!(
        o,
        "          <Alias FixedRef=\"{}\" AliasTypeID=\"{}\" Primary=\"true\" LowQuality=\"false\">\n            \
         <DocumentedName ID=\"{}\" FixedRef=\"{}\" DocNameStatusID=\"1\">",
        p.id,
        ids.base + 1403,
        next(),
        p.id
    );
    let part = |o: &mut String, group: u64, text: &str| {
        let _ = writeln!(
            o,
            "              <DocumentedNamePart>\n                <NamePartValue NamePartGroupID=\"{group}\" \
             ScriptID=\"{}\" ScriptStatusID=\"1\" Acronym=\"false\">{}</NamePartValue>\n              \
             </DocumentedNamePart>",
            ids.base + 215,
            esc(text)
        );
    };
    match &p.name {
        Name::Entity(n) => part(o, last_group, n),
        Name::Individual { last, first } => {
            part(o, first_group, first);
            part(o, last_group, last);
        }
    }
    o.push_str("            </DocumentedName>\n          </Alias>\n");
    for a in &p.aliases {
        let _ = writeln!(
            o,
            "          <Alias FixedRef=\"{}\" AliasTypeID=\"{}\" Primary=\"false\" LowQuality=\"false\">\n            \
             <DocumentedName ID=\"{}\" FixedRef=\"{}\" DocNameStatusID=\"2\">",
            p.id,
            ids.base + 1400,
            next(),
            p.id
        );
        part(o, last_group, a);
        o.push_str("            </DocumentedName>\n          </Alias>\n");
    }
    let (last_type, first_type) = match p.name {
        Name::Entity(_) => (ids.entity_name(), ids.first_name()),
        Name::Individual { .. } => (ids.last_name(), ids.first_name()),
    };
    let _ = writeln!(
        o,
        "          <NamePartGroups>\n            <MasterNamePartGroup>\n              \
         <NamePartGroup ID=\"{last_group}\" NamePartTypeID=\"{last_type}\" />\n            \
         </MasterNamePartGroup>\n            <MasterNamePartGroup>\n              \
         <NamePartGroup ID=\"{first_group}\" NamePartTypeID=\"{first_type}\" />\n            \
         </MasterNamePartGroup>\n          </NamePartGroups>\n        </Identity>"
    );
    for (kind, value) in &p.features {
        let (detail, body) = match kind.as_str() {
            "Birthdate" => {
                let (y, m, d) = ymd(value);
                (
                    None,
                    format!(
                        "            <DatePeriod CalendarTypeID=\"{}\" YearFixed=\"false\" MonthFixed=\"false\" \
                         DayFixed=\"false\">\n              <Start Approximate=\"false\" YearFixed=\"false\" \
                         MonthFixed=\"false\" DayFixed=\"false\">\n                <From>\n                  \
                         <Year>{y}</Year>\n                  <Month>{m}</Month>\n                  <Day>{d}</Day>\n                \
                         </From>\n                <To>\n                  <Year>{y}</Year>\n                  \
                         <Month>{m}</Month>\n                  <Day>{d}</Day>\n                </To>\n              \
                         </Start>\n            </DatePeriod>\n",
                        ids.base + 1000
                    ),
                )
            }
            "Place of Birth" | "Nationality Country" => (
                None,
                format!(
                    "            <VersionLocation LocationID=\"{}\" />\n",
                    900_000 + value.len()
                ),
            ),
            "Gender" => (Some(ids.base + 1431), format!("{}", ids.base + 91_526)),
            _ => (Some(ids.base + 1432), esc(value)),
        };
        let _ = write!(
            o,
            "        <Feature ID=\"{}\" FeatureTypeID=\"{}\">\n          \
             <FeatureVersion ReliabilityID=\"1\" ID=\"{}\">\n            <Comment />\n",
            next(),
            ids.feature_type(kind),
            next()
        );
        match detail {
            Some(dt) if kind == "Gender" => {
                let _ = writeln!(
                    o,
                    "            <VersionDetail DetailTypeID=\"{dt}\" DetailReferenceID=\"{body}\" />"
                );
            }
            Some(dt) => {
                let _ = writeln!(
                    o,
                    "            <VersionDetail DetailTypeID=\"{dt}\">{body}</VersionDetail>"
                );
            }
            None => o.push_str(&body),
        }
        let _ = writeln!(
            o,
            "          </FeatureVersion>\n          <IdentityReference IdentityID=\"{identity}\" \
             IdentityFeatureLinkTypeID=\"1\" />\n        </Feature>"
        );
    }
    for (a, t) in pairs(p) {
        let text = format!("Digital Currency Address - {t}");
        let _ = writeln!(
            o,
            "        <Feature ID=\"{}\" FeatureTypeID=\"{}\">\n          \
             <FeatureVersion ReliabilityID=\"1\" ID=\"{}\">\n            <Comment />\n            \
             <VersionDetail DetailTypeID=\"{}\">{}</VersionDetail>\n          </FeatureVersion>\n          \
             <IdentityReference IdentityID=\"{identity}\" IdentityFeatureLinkTypeID=\"1\" />\n        </Feature>",
            next(),
            ids.feature_type(&text),
            next(),
            ids.base + 1432,
            esc(a)
        );
    }
    o.push_str("      </Profile>\n    </DistinctParty>\n");
}

// ---------------------------------------------------------------------------
// SDN_ENHANCED.XML
// ---------------------------------------------------------------------------

/// `SDN_ENHANCED.XML`.
pub fn enhanced_xml(doc: &Doc) -> String {
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        o,
        "<sanctionsData xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"{NS_ENHANCED}\">"
    );
    let _ = writeln!(
        o,
        "  <publicationInfo>\n    <dataAsOf>{}T00:00:00</dataAsOf>\n    <filters>\n      \
         <sanctionsLists>\n        <sanctionsList>SDN List</sanctionsList>\n      </sanctionsLists>\n    \
         </filters>\n  </publicationInfo>",
        doc.publish
    );
    o.push_str("  <featureTypes>\n");
    for (i, t) in OTHER_FEATURES
        .iter()
        .map(|f| (*f).to_owned())
        .chain(
            TICKERS
                .iter()
                .map(|t| format!("Digital Currency Address - {t}")),
        )
        .enumerate()
    {
        let _ = writeln!(
            o,
            "    <featureType featureTypeId=\"{}\">\n      <type>{t}</type>\n    </featureType>",
            300 + i
        );
    }
    o.push_str("  </featureTypes>\n  <entities>\n");
    let mut n = 0u64;
    let mut next = || {
        n += 1;
        n
    };
    for p in &doc.parties {
        let kind = match p.name {
            Name::Individual { .. } => "Individual",
            Name::Entity(_) => "Entity",
        };
        let _ = writeln!(
            o,
            "    <entity id=\"{}\">\n      <generalInfo>\n        <identityId>{}</identityId>\n        \
             <entityType refId=\"{}\">{kind}</entityType>\n      </generalInfo>\n      \
             <sanctionsLists>\n        <sanctionsList refId=\"1550\" id=\"{}\" datePublished=\"{}\">SDN List</sanctionsList>\n      \
             </sanctionsLists>\n      <sanctionsPrograms>",
            p.id,
            next(),
            if kind == "Entity" { 600 } else { 601 },
            next(),
            p.listed
        );
        for pr in &p.programs {
            let _ = writeln!(
                o,
                "        <sanctionsProgram refId=\"{}\" id=\"{}\">{}</sanctionsProgram>",
                next(),
                next(),
                esc(pr)
            );
        }
        o.push_str("      </sanctionsPrograms>\n      <names>\n");
        let names = std::iter::once((p.name.clone(), true))
            .chain(p.aliases.iter().map(|a| (Name::Entity(a.clone()), false)));
        for (name, primary) in names {
            let (first, last) = match &name {
                Name::Entity(n) => (String::new(), n.clone()),
                Name::Individual { last, first } => (first.clone(), last.clone()),
            };
            let _ = writeln!(
                o,
                "        <name id=\"{}\">\n          <isPrimary>{primary}</isPrimary>\n          \
                 <aliasType refId=\"{}\">{}</aliasType>\n          <isLowQuality>false</isLowQuality>\n          \
                 <translations>\n            <translation id=\"{}\">\n              <isPrimary>true</isPrimary>\n              \
                 <script refId=\"215\">Latin</script>\n              <formattedFirstName>{}</formattedFirstName>\n              \
                 <formattedLastName>{}</formattedLastName>\n              <formattedFullName>{}</formattedFullName>\n              \
                 <nameParts>",
                next(),
                if primary { 1403 } else { 1400 },
                if primary { "Name" } else { "A.K.A." },
                next(),
                esc(&first),
                esc(&last),
                esc(&name.full())
            );
            let parts: Vec<(&str, &str)> = match &name {
                Name::Entity(_) => vec![("Entity Name", last.as_str())],
                Name::Individual { .. } => {
                    vec![("First Name", first.as_str()), ("Last Name", last.as_str())]
                }
            };
            for (t, v) in parts {
                let _ = writeln!(
                    o,
                    "                <namePart id=\"{}\">\n                  <type refId=\"{}\">{t}</type>\n                  \
                     <value>{}</value>\n                </namePart>",
                    next(),
                    if t == "Last Name" { 1520 } else { 1525 },
                    esc(v)
                );
            }
            o.push_str(
                "              </nameParts>\n            </translation>\n          </translations>\n        </name>\n",
            );
        }
        o.push_str("      </names>\n      <addresses />\n      <features>\n");
        let feats = p
            .features
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain(
                pairs(p).map(|(a, t)| (format!("Digital Currency Address - {t}"), a.to_owned())),
            );
        for (k, v) in feats {
            let _ = writeln!(
                o,
                "        <feature id=\"{}\">\n          <type featureTypeId=\"{}\">{}</type>\n          \
                 <versionId>{}</versionId>\n          <value>{}</value>\n          \
                 <isPrimary>false</isPrimary>\n          <reliability refId=\"1\">Reliable</reliability>\n          \
                 <comments />\n        </feature>",
                next(),
                300 + OTHER_FEATURES
                    .iter()
                    .position(|f| *f == k)
                    .unwrap_or_else(|| 6 + TICKERS
                        .iter()
                        .position(|t| k.ends_with(&format!(" - {t}")))
                        .unwrap()),
                esc(&k),
                next(),
                esc(&v)
            );
        }
        o.push_str("      </features>\n      <identityDocuments />\n      <relationships />\n    </entity>\n");
    }
    o.push_str("  </entities>\n</sanctionsData>\n");
    o
}

// ---------------------------------------------------------------------------
// sdn.csv + sdn_comments.csv
// ---------------------------------------------------------------------------

/// The remarks of a party, as `sdn.csv` writes them before the cut.
pub fn remarks(p: &Party) -> String {
    let mut items: Vec<String> = p
        .features
        .iter()
        .filter(|(k, _)| k == "Website" || k == "Email Address")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    for (i, (a, t)) in pairs(p).enumerate() {
        let alt = if i == 0 { "" } else { "alt. " };
        items.push(format!("{alt}Digital Currency Address - {t} {a}"));
    }
    for a in &p.aliases {
        items.push(format!("a.k.a. '{a}'"));
    }
    let mut r = items.join("; ");
    if !r.is_empty() {
        r.push('.');
    }
    r
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `sdn.csv` and `sdn_comments.csv`: remarks cut at 1,000 characters, the
/// rest in the comments, CRLF line ends, a Ctrl-Z at the end of each.
pub fn sdn_csv(doc: &Doc) -> (Vec<u8>, Vec<u8>) {
    let mut sdn = String::new();
    let mut comments = String::new();
    for p in &doc.parties {
        let r = remarks(p);
        let cut = r.char_indices().nth(1000).map_or(r.len(), |(i, _)| i);
        let (head, rest) = r.split_at(cut);
        let kind = match p.name {
            Name::Individual { .. } => quoted("individual"),
            Name::Entity(_) => "-0- ".to_owned(),
        };
        let programs = p.programs.join("] [");
        let remark_field = if head.is_empty() {
            "-0- ".to_owned()
        } else {
            quoted(head)
        };
        sdn.push_str(&format!(
            "{},{},{kind},{},-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,{remark_field}\r\n",
            p.id,
            quoted(&p.name.full()),
            quoted(&programs)
        ));
        if !rest.is_empty() {
            comments.push_str(&format!("{},{}\r\n", p.id, quoted(rest)));
        }
    }
    let mut sdn = sdn.into_bytes();
    sdn.push(0x1A);
    let mut comments = comments.into_bytes();
    comments.push(0x1A);
    (sdn, comments)
}

// ---------------------------------------------------------------------------
// Synthetic data (for the unknown-ticker case and the benchmark)
// ---------------------------------------------------------------------------

/// The synthetic party of the fixtures: an individual with an alias, other
/// features and one address under the unknown code `NEW`. Not an OFAC
/// listing.
pub fn synthetic_party() -> Party {
    Party {
        id: 99_999_001,
        name: Name::Individual {
            last: "SYNTHETIC".to_owned(),
            first: "Test Party".to_owned(),
        },
        programs: vec!["SYNTHETIC-TEST".to_owned()],
        listed: "2026-08-07".to_owned(),
        addresses: vec![(
            "NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001".to_owned(),
            vec!["NEW".to_owned()],
        )],
        aliases: vec!["SYNTHETIC & SONS (TEST)".to_owned()],
        features: vec![
            ("Birthdate".to_owned(), "1970-01-01".to_owned()),
            ("Gender".to_owned(), "Male".to_owned()),
            ("Website".to_owned(), "www.synthetic.invalid".to_owned()),
        ],
    }
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// In `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const WORDS: [&str; 24] = [
    "GLOBAL",
    "TRADING",
    "HOLDING",
    "GROUP",
    "NORTH",
    "STAR",
    "MARITIME",
    "ENERGY",
    "CAPITAL",
    "INVEST",
    "PETRO",
    "SHIPPING",
    "TECH",
    "LOGISTICS",
    "METAL",
    "FINANCE",
    "UNITED",
    "EAST",
    "WEST",
    "OCEAN",
    "ALPHA",
    "DELTA",
    "SILVER",
    "GOLDEN",
];

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A synthetic publication of about `target_bytes` of `SDN_ADVANCED.XML`
/// (checked by the caller): many parties with names, aliases, other
/// features; about one in 25 with 1–40 addresses; plus locations,
/// documents and relationships.
pub fn synthetic_doc(parties: usize, rng: &mut Rng) -> Doc {
    let mut out = Vec::with_capacity(parties);
    for i in 0..parties {
        let id = 10_000 + i as u64 * 3;
        let word = |rng: &mut Rng| WORDS[rng.below(WORDS.len() as u64) as usize];
        let name = if rng.below(2) == 0 {
            Name::Individual {
                last: format!("{}OV", word(rng)),
                first: format!("{} {}", word(rng), word(rng)).to_lowercase(),
            }
        } else {
            Name::Entity(format!("{} {} {} LLC", word(rng), word(rng), word(rng)))
        };
        let aliases = (0..rng.below(7))
            .map(|_| format!("{} {} & CO", word(rng), word(rng)))
            .collect();
        let mut features = vec![(
            "Birthdate".to_owned(),
            format!(
                "19{:02}-{:02}-{:02}",
                40 + rng.below(60),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
        )];
        for _ in 0..rng.below(4) {
            let k = [
                "Place of Birth",
                "Nationality Country",
                "Gender",
                "Website",
                "Email Address",
            ][rng.below(5) as usize];
            let v = match k {
                "Website" => format!("www.{}.example", word(rng).to_lowercase()),
                "Email Address" => format!("info@{}.example", word(rng).to_lowercase()),
                _ => word(rng).to_owned(),
            };
            features.push((k.to_owned(), v));
        }
        let mut addresses = Vec::new();
        if rng.below(25) == 0 {
            for _ in 0..1 + rng.below(40) {
                let a: String = std::iter::once('1')
                    .chain((0..33).map(|_| BASE58[rng.below(58) as usize] as char))
                    .collect();
                let t = TICKERS[rng.below(20) as usize].to_owned();
                addresses.push((a, vec![t]));
            }
        }
        out.push(Party {
            id,
            name,
            programs: vec![
                ["SDGT", "CYBER2", "RUSSIA-EO14024", "IRAN", "DPRK3"][rng.below(5) as usize]
                    .to_owned(),
            ],
            listed: format!(
                "20{:02}-{:02}-{:02}",
                10 + rng.below(16),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
            addresses,
            aliases,
            features,
        });
    }
    Doc {
        publish: "2026-08-08".to_owned(),
        parties: out,
    }
}
