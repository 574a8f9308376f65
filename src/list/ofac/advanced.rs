//! `SDN_ADVANCED.XML` (OFAC's "advanced sanctions list standard").
//!
//! * `ReferenceValueSets`: `FeatureType`s whose *text* is "Digital Currency
//!   Address - XXX" give the feature type ids of addresses (never a
//!   hard-coded id: OFAC's ids are not part of the standard);
//!   `NamePartType` "Last Name" and `SanctionsType` "Program" likewise.
//! * `DistinctParties/DistinctParty/Profile` (`ID` = OFAC entity number):
//!   the primary `Identity`'s primary `Alias/DocumentedName` gives the name
//!   (its parts' types through `NamePartGroups`); each `Feature` of an
//!   address type holds the address in `FeatureVersion/VersionDetail`.
//! * `SanctionsEntries/SanctionsEntry` (`ProfileID`): programs in
//!   `SanctionsMeasure/Comment` of type "Program", listing date = earliest
//!   `EntryEvent/Date`.
//! * `DateOfIssue` (`Year`, `Month`, `Day`): the publish date.
//! * `ReferenceValueSets/ListValues` and each `SanctionsEntry`'s `ListID`:
//!   which list the publication is ([`super::OfacList`]: the list most
//!   entries are on).
//!
//! Everything else (locations, documents, relationships, other features,
//! aliases) is skipped without being decoded.

use std::collections::{HashMap, HashSet};

use super::error::{OfacError, StructureProblem};
use super::sdn_xml::wrong_root;
use super::xml::{Child, Next, Xml, attr, each, id_attr, required_id};
use super::{OfacList, Parsed, Party, RawAddress, compose_name, ticker_of, ymd};

#[derive(Default)]
struct State {
    /// FeatureType id → index in `tickers` for address types, `None` for
    /// other features.
    feature_types: HashMap<u64, Option<usize>>,
    tickers: Vec<String>,
    /// NamePartType id → whether it is "Last Name".
    last_name_types: HashMap<u64, bool>,
    /// SanctionsType ids whose text is "Program".
    program_types: HashSet<u64>,
    /// List id → whether its text is "SDN List".
    lists: HashMap<u64, bool>,
    /// SanctionsEntries on the SDN list, and on other named lists.
    sdn_entries: usize,
    other_entries: usize,
    /// Parties with at least one address, by profile id.
    parties: Vec<Party>,
    earliest: Vec<Option<(u32, u32, u32)>>,
    by_profile: HashMap<u64, usize>,
    /// Scratch for the profile being read: name parts (group id, text).
    parts: Vec<(Option<u64>, String)>,
    /// NamePartGroup id → NamePartType id.
    groups: Vec<(u64, u64)>,
}

pub(super) fn parse(input: &[u8]) -> Result<Parsed, OfacError> {
    let mut x = Xml::new(input);
    let root = x.root()?;
    if root.local() != b"Sanctions" {
        return Err(wrong_root(&mut x, &root));
    }
    let mut st = State::default();
    let mut out = Parsed::default();
    if !root.empty {
        while let Next::Child(c) = x.next_child()? {
            match c.local() {
                b"DateOfIssue" => {
                    let (y, m, d) = date_parts(&mut x, &c)?;
                    match ymd3(y, m, d) {
                        Some(t) => out.publish_date = Some(t),
                        None if (y, m, d) == (None, None, None) => {}
                        None => return Err(bad_date(&mut x, "DateOfIssue", y, m, d)),
                    }
                }
                b"ReferenceValueSets" => reference_values(&mut x, &c, &mut st)?,
                b"DistinctParties" => each(&mut x, &c, b"DistinctParty", |x, c| {
                    each(x, c, b"Profile", |x, c| profile(x, c, &mut st))
                })?,
                b"SanctionsEntries" => {
                    each(&mut x, &c, b"SanctionsEntry", |x, c| {
                        sanctions_entry(x, c, &mut st)
                    })?;
                }
                _ => x.skip(&c)?,
            }
        }
    }
    x.finish()?;
    if st.sdn_entries + st.other_entries > 0 {
        out.list = Some(if st.sdn_entries >= st.other_entries {
            OfacList::Sdn
        } else {
            OfacList::Consolidated
        });
    }
    for (mut p, date) in st.parties.into_iter().zip(st.earliest) {
        p.listed = date.and_then(|(y, m, d)| ymd(y, m, d));
        out.parties.push(p);
    }
    Ok(out)
}

fn is_true(x: &mut Xml<'_>, c: &Child<'_>, name: &[u8]) -> Result<bool, OfacError> {
    Ok(attr(x, &c.start, name)?.is_some_and(|v| v.trim_ascii().eq_ignore_ascii_case(b"true")))
}

fn reference_values(x: &mut Xml<'_>, c: &Child<'_>, st: &mut State) -> Result<(), OfacError> {
    if c.empty {
        return Ok(());
    }
    while let Next::Child(set) = x.next_child()? {
        match set.local() {
            b"FeatureTypeValues" => each(x, &set, b"FeatureType", |x, v| {
                let id = required_id(x, &v.start, "FeatureType", "ID")?;
                let ticker =
                    ticker_of(x.text(v)?).map(|t| match st.tickers.iter().position(|k| k == t) {
                        Some(i) => i,
                        None => {
                            st.tickers.push(t.to_owned());
                            st.tickers.len() - 1
                        }
                    });
                st.feature_types.insert(id, ticker);
                Ok(())
            })?,
            b"NamePartTypeValues" => each(x, &set, b"NamePartType", |x, v| {
                let id = required_id(x, &v.start, "NamePartType", "ID")?;
                let last = x.text(v)?.eq_ignore_ascii_case("Last Name");
                st.last_name_types.insert(id, last);
                Ok(())
            })?,
            b"ListValues" => each(x, &set, b"List", |x, v| {
                let id = required_id(x, &v.start, "List", "ID")?;
                let sdn = x.text(v)?.trim().eq_ignore_ascii_case("SDN List");
                st.lists.insert(id, sdn);
                Ok(())
            })?,
            b"SanctionsTypeValues" => each(x, &set, b"SanctionsType", |x, v| {
                let id = required_id(x, &v.start, "SanctionsType", "ID")?;
                if x.text(v)?.eq_ignore_ascii_case("Program") {
                    st.program_types.insert(id);
                }
                Ok(())
            })?,
            _ => x.skip(&set)?,
        }
    }
    Ok(())
}

fn profile(x: &mut Xml<'_>, c: &Child<'_>, st: &mut State) -> Result<(), OfacError> {
    let id = required_id(x, &c.start, "Profile", "ID")?;
    if c.empty {
        return Ok(());
    }
    st.parts.clear();
    st.groups.clear();
    let mut addresses = Vec::new();
    let mut named = false;
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"Identity" if !named && is_true(x, &c, b"Primary")? => {
                named = true;
                identity(x, &c, st)?;
            }
            b"Feature" => {
                let type_id = required_id(x, &c.start, "Feature", "FeatureTypeID")?;
                match st.feature_types.get(&type_id) {
                    Some(Some(t)) => feature(x, &c, &st.tickers[*t], &mut addresses)?,
                    Some(None) => x.skip(&c)?,
                    None => {
                        return Err(x.structure(StructureProblem::UndeclaredReference {
                            element: "Feature",
                            attribute: "FeatureTypeID",
                            id: type_id,
                        }));
                    }
                }
            }
            _ => x.skip(&c)?,
        }
    }
    if addresses.is_empty() {
        return Ok(());
    }
    let State {
        parts,
        groups,
        last_name_types,
        ..
    } = &*st;
    let is_last = |group: Option<u64>| {
        group
            .and_then(|g| groups.iter().find(|(id, _)| *id == g))
            .and_then(|(_, t)| last_name_types.get(t))
            .copied()
            .unwrap_or(false)
    };
    let entity = compose_name(parts.iter().map(|(g, p)| (p.as_str(), is_last(*g))));
    let party = Party {
        entity_id: id.to_string(),
        entity,
        programs: Vec::new(),
        listed: None,
        addresses,
    };
    match st.by_profile.get(&id) {
        // A second profile with the same id: one party.
        Some(&i) => st.parties[i].addresses.extend(party.addresses),
        None => {
            st.by_profile.insert(id, st.parties.len());
            st.parties.push(party);
            st.earliest.push(None);
        }
    }
    Ok(())
}

fn identity(x: &mut Xml<'_>, c: &Child<'_>, st: &mut State) -> Result<(), OfacError> {
    if c.empty {
        return Ok(());
    }
    let mut have_alias = false;
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"Alias" if !have_alias && is_true(x, &c, b"Primary")? => {
                have_alias = true;
                // The first DocumentedName of the primary alias.
                let mut have_name = false;
                each(x, &c, b"DocumentedName", |x, dn| {
                    if have_name {
                        return x.skip(dn);
                    }
                    have_name = true;
                    each(x, dn, b"DocumentedNamePart", |x, part| {
                        each(x, part, b"NamePartValue", |x, v| {
                            let group = id_attr(x, &v.start, "NamePartValue", "NamePartGroupID")?;
                            let text = x.text(v)?.to_owned();
                            st.parts.push((group, text));
                            Ok(())
                        })
                    })
                })?;
            }
            b"NamePartGroups" => each(x, &c, b"MasterNamePartGroup", |x, m| {
                each(x, m, b"NamePartGroup", |x, g| {
                    let id = required_id(x, &g.start, "NamePartGroup", "ID")?;
                    let t = required_id(x, &g.start, "NamePartGroup", "NamePartTypeID")?;
                    st.groups.push((id, t));
                    x.skip(g)
                })
            })?,
            _ => x.skip(&c)?,
        }
    }
    Ok(())
}

fn feature(
    x: &mut Xml<'_>,
    c: &Child<'_>,
    ticker: &str,
    out: &mut Vec<RawAddress>,
) -> Result<(), OfacError> {
    each(x, c, b"FeatureVersion", |x, v| {
        each(x, v, b"VersionDetail", |x, d| {
            let position = x.here();
            let address = x.text(d)?.to_owned();
            out.push(RawAddress {
                ticker: ticker.to_owned(),
                address,
                position,
            });
            Ok(())
        })
    })
}

fn sanctions_entry(x: &mut Xml<'_>, c: &Child<'_>, st: &mut State) -> Result<(), OfacError> {
    let profile = required_id(x, &c.start, "SanctionsEntry", "ProfileID")?;
    match id_attr(x, &c.start, "SanctionsEntry", "ListID")?.and_then(|l| st.lists.get(&l)) {
        Some(true) => st.sdn_entries += 1,
        Some(false) => st.other_entries += 1,
        None => {}
    }
    let Some(&i) = st.by_profile.get(&profile) else {
        return x.skip(c);
    };
    if c.empty {
        return Ok(());
    }
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"EntryEvent" => each(x, &c, b"Date", |x, d| {
                let (y, m, dd) = date_parts(x, d)?;
                let Some((y, m, dd)) = y.zip(m).zip(dd).map(|((y, m), d)| (y, m, d)) else {
                    return Ok(());
                };
                if ymd(y, m, dd).is_none() {
                    return Err(bad_date(x, "EntryEvent/Date", Some(y), Some(m), Some(dd)));
                }
                let e = &mut st.earliest[i];
                if e.is_none_or(|old| (y, m, dd) < old) {
                    *e = Some((y, m, dd));
                }
                Ok(())
            })?,
            b"SanctionsMeasure" => {
                let t = id_attr(x, &c.start, "SanctionsMeasure", "SanctionsTypeID")?;
                if !t.is_some_and(|t| st.program_types.contains(&t)) {
                    x.skip(&c)?;
                    continue;
                }
                let programs = &mut st.parties[i].programs;
                each(x, &c, b"Comment", |x, cm| {
                    let p = x.text(cm)?;
                    if !p.is_empty() && !programs.iter().any(|q| q == p) {
                        programs.push(p.to_owned());
                    }
                    Ok(())
                })?;
            }
            _ => x.skip(&c)?,
        }
    }
    Ok(())
}

type Parts = (Option<u32>, Option<u32>, Option<u32>);

/// `Year`, `Month`, `Day` children (numbers; `None` when absent or not a
/// number).
fn date_parts(x: &mut Xml<'_>, c: &Child<'_>) -> Result<Parts, OfacError> {
    let mut out = (None, None, None);
    if c.empty {
        return Ok(out);
    }
    while let Next::Child(c) = x.next_child()? {
        let slot = match c.local() {
            b"Year" => &mut out.0,
            b"Month" => &mut out.1,
            b"Day" => &mut out.2,
            _ => {
                x.skip(&c)?;
                continue;
            }
        };
        let t = x.text(&c)?;
        *slot = Some(
            t.parse::<u32>()
                .ok()
                .filter(|_| t.bytes().all(|b| b.is_ascii_digit()))
                .unwrap_or(u32::MAX),
        );
    }
    Ok(out)
}

fn ymd3(y: Option<u32>, m: Option<u32>, d: Option<u32>) -> Option<String> {
    ymd(y?, m?, d?)
}

fn bad_date(
    x: &mut Xml<'_>,
    element: &'static str,
    y: Option<u32>,
    m: Option<u32>,
    d: Option<u32>,
) -> OfacError {
    let f = |n: Option<u32>| match n {
        Some(u32::MAX) => "?".to_owned(),
        Some(n) => n.to_string(),
        None => "-".to_owned(),
    };
    let value = format!("{}-{}-{}", f(y), f(m), f(d));
    x.structure(StructureProblem::BadDate { element, value })
}

#[cfg(test)]
mod tests {
    use super::super::{OfacError, OfacFormat, StructureProblem, parse as parse_any};

    /// A compact document in the old (pre-2024) namespace, with a prefix,
    /// ids unlike OFAC's, an individual, a non-address feature, an alias
    /// and an entity reference.
    const DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Sanctions xmlns:s="http://www.un.org/sanctions/1.0">
  <s:DateOfIssue><s:Year>2024</s:Year><s:Month>5</s:Month><s:Day>3</s:Day></s:DateOfIssue>
  <s:ReferenceValueSets>
    <s:FeatureTypeValues>
      <s:FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</s:FeatureType>
      <s:FeatureType ID="70001" FeatureTypeGroupID="1">Digital Currency Address - ETH</s:FeatureType>
      <s:FeatureType ID="70002" FeatureTypeGroupID="1">Digital Currency Address - USDT</s:FeatureType>
    </s:FeatureTypeValues>
    <s:NamePartTypeValues>
      <s:NamePartType ID="1520">Last Name</s:NamePartType>
      <s:NamePartType ID="1521">First Name</s:NamePartType>
    </s:NamePartTypeValues>
    <s:SanctionsTypeValues>
      <s:SanctionsType ID="5">Block</s:SanctionsType>
      <s:SanctionsType ID="6">Program</s:SanctionsType>
    </s:SanctionsTypeValues>
  </s:ReferenceValueSets>
  <s:Locations><s:Location ID="1"><s:LocationCountry CountryID="1"/></s:Location></s:Locations>
  <s:DistinctParties>
    <s:DistinctParty FixedRef="9001">
      <s:Profile ID="9001" PartySubTypeID="4">
        <s:Identity ID="1" FixedRef="9001" Primary="true" False="false">
          <s:Alias FixedRef="9001" AliasTypeID="1400" Primary="false" LowQuality="false">
            <s:DocumentedName ID="2" FixedRef="9001" DocNameStatusID="1">
              <s:DocumentedNamePart><s:NamePartValue NamePartGroupID="11">ALIAS</s:NamePartValue></s:DocumentedNamePart>
            </s:DocumentedName>
          </s:Alias>
          <s:Alias FixedRef="9001" AliasTypeID="1403" Primary="true" LowQuality="false">
            <s:DocumentedName ID="1" FixedRef="9001" DocNameStatusID="1">
              <s:DocumentedNamePart><s:NamePartValue NamePartGroupID="11">Jane</s:NamePartValue></s:DocumentedNamePart>
              <s:DocumentedNamePart><s:NamePartValue NamePartGroupID="10">DOE &amp; SONS</s:NamePartValue></s:DocumentedNamePart>
            </s:DocumentedName>
          </s:Alias>
          <s:NamePartGroups>
            <s:MasterNamePartGroup><s:NamePartGroup ID="10" NamePartTypeID="1520"/></s:MasterNamePartGroup>
            <s:MasterNamePartGroup><s:NamePartGroup ID="11" NamePartTypeID="1521"/></s:MasterNamePartGroup>
          </s:NamePartGroups>
        </s:Identity>
        <s:Feature ID="1" FeatureTypeID="8">
          <s:FeatureVersion ID="1" ReliabilityID="1"><s:DatePeriod/></s:FeatureVersion>
        </s:Feature>
        <s:Feature ID="2" FeatureTypeID="70001">
          <s:FeatureVersion ID="2" ReliabilityID="1">
            <s:Comment/>
            <s:VersionDetail DetailTypeID="1432">0x7F367cC41522cE07553e823bf3be79A889DEbe1B</s:VersionDetail>
          </s:FeatureVersion>
          <s:IdentityReference IdentityID="1" IdentityFeatureLinkTypeID="1"/>
        </s:Feature>
        <s:Feature ID="3" FeatureTypeID="70002">
          <s:FeatureVersion ID="3" ReliabilityID="1">
            <s:VersionDetail DetailTypeID="1432">0x7F367cC41522cE07553e823bf3be79A889DEbe1B</s:VersionDetail>
          </s:FeatureVersion>
        </s:Feature>
      </s:Profile>
    </s:DistinctParty>
    <s:DistinctParty FixedRef="9002">
      <s:Profile ID="9002" PartySubTypeID="3"/>
    </s:DistinctParty>
  </s:DistinctParties>
  <s:ProfileRelationships/>
  <s:SanctionsEntries>
    <s:SanctionsEntry ID="1" ProfileID="9002" ListID="1550"/>
    <s:SanctionsEntry ID="2" ProfileID="9001" ListID="1550">
      <s:EntryEvent ID="1" EntryEventTypeID="1" LegalBasisID="1">
        <s:Date CalendarTypeID="1"><s:Year>2022</s:Year><s:Month>4</s:Month><s:Day>5</s:Day></s:Date>
        <s:Comment/>
      </s:EntryEvent>
      <s:EntryEvent ID="2" EntryEventTypeID="2" LegalBasisID="1">
        <s:Date CalendarTypeID="1"><s:Year>2023</s:Year><s:Month>1</s:Month><s:Day>1</s:Day></s:Date>
      </s:EntryEvent>
      <s:SanctionsMeasure ID="1" SanctionsTypeID="5"><s:Comment/></s:SanctionsMeasure>
      <s:SanctionsMeasure ID="2" SanctionsTypeID="6"><s:Comment>CYBER2</s:Comment></s:SanctionsMeasure>
      <s:SanctionsMeasure ID="3" SanctionsTypeID="6"><s:Comment>DPRK3</s:Comment></s:SanctionsMeasure>
    </s:SanctionsEntry>
  </s:SanctionsEntries>
</s:Sanctions>
"#;

    #[test]
    fn which_list_from_the_sanctions_entries() {
        use super::super::OfacList;
        let doc = |lists: &str, entries: &str| {
            format!(
                r#"<Sanctions xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">
<ReferenceValueSets><ListValues>{lists}</ListValues></ReferenceValueSets>
<SanctionsEntries>{entries}</SanctionsEntries></Sanctions>"#
            )
        };
        let lists = r#"<List ID="1550">SDN List</List><List ID="91512">Consolidated List</List>"#;
        let entry = |id: u32, list: u32| {
            format!(r#"<SanctionsEntry ID="{id}" ProfileID="{id}" ListID="{list}"/>"#)
        };
        let cases = [
            ("no entries: SDN", doc(lists, ""), OfacList::Sdn),
            (
                "all SDN",
                doc(lists, &(entry(1, 1550) + &entry(2, 1550))),
                OfacList::Sdn,
            ),
            (
                "mostly SDN, a few consolidated",
                doc(
                    lists,
                    &(entry(1, 1550) + &entry(2, 1550) + &entry(3, 91512)),
                ),
                OfacList::Sdn,
            ),
            (
                "mostly consolidated",
                doc(
                    lists,
                    &(entry(1, 91512) + &entry(2, 91512) + &entry(3, 1550)),
                ),
                OfacList::Consolidated,
            ),
            (
                "a tie: SDN",
                doc(lists, &(entry(1, 91512) + &entry(2, 1550))),
                OfacList::Sdn,
            ),
            (
                "unnamed list ids count for nothing",
                doc("", &(entry(1, 91512) + &entry(2, 91512))),
                OfacList::Sdn,
            ),
            (
                "the name, not the id, says SDN",
                doc(
                    r#"<List ID="7"> sdn list </List><List ID="1550">Other</List>"#,
                    &(entry(1, 7) + &entry(2, 7) + &entry(3, 1550)),
                ),
                OfacList::Sdn,
            ),
        ];
        for (name, xml, want) in cases {
            let f = parse_any(xml.as_bytes(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(f.list, want, "{name}");
        }
    }

    #[test]
    fn prefixed_old_namespace_individual() {
        let f = parse_any(DOC.as_bytes(), None).unwrap();
        assert_eq!(f.format, OfacFormat::AdvancedXml);
        assert_eq!(f.publish_date.as_deref(), Some("2024-05-03"));
        assert_eq!(f.entries.len(), 1, "{:?}", f.entries);
        let e = &f.entries[0];
        assert_eq!(e.address, "0x7F367cC41522cE07553e823bf3be79A889DEbe1B");
        assert_eq!(e.tickers, ["ETH", "USDT"]);
        assert_eq!(e.entity.as_deref(), Some("DOE & SONS, Jane"));
        assert_eq!(e.entity_id, "9001");
        assert_eq!(e.programs, ["CYBER2", "DPRK3"]);
        assert_eq!(e.listed.as_deref(), Some("2022-04-05"));
        assert_eq!(e.position.line, 46);
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn undeclared_feature_type_is_an_error() {
        let doc = DOC.replace("FeatureTypeID=\"8\"", "FeatureTypeID=\"9\"");
        match parse_any(doc.as_bytes(), None) {
            Err(OfacError::Structure {
                problem: StructureProblem::UndeclaredReference { id: 9, .. },
                position,
            }) => assert_eq!(position.line, 40),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_issue_date_is_an_error() {
        let doc = DOC.replace("<s:Month>5</s:Month>", "<s:Month>13</s:Month>");
        assert!(matches!(
            parse_any(doc.as_bytes(), None),
            Err(OfacError::Structure {
                problem: StructureProblem::BadDate { .. },
                ..
            })
        ));
    }
}
