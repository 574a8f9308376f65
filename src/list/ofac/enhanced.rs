//! `SDN_ENHANCED.XML` (root `sanctionsData`, OFAC's Sanctions List Service
//! since 2024): `entities/entity` (`id` = entity number) with
//! `features/feature/type` (the text "Digital Currency Address - XXX") and
//! `value`; the name is the primary `names/name`'s primary translation's
//! `formattedFullName`; programs in `sanctionsPrograms/sanctionsProgram`;
//! listing date = earliest `sanctionsLists/sanctionsList@datePublished`;
//! publish date = `publicationInfo/dataAsOf` (ISO date-time, date kept).

use super::error::{OfacError, StructureProblem};
use super::sdn_xml::wrong_root;
use super::xml::{Child, Next, Xml, attr, each};
use super::{Parsed, Party, RawAddress, iso_date, ticker_of};

pub(super) fn parse(input: &[u8]) -> Result<Parsed, OfacError> {
    let mut x = Xml::new(input);
    let root = x.root()?;
    if root.local() != b"sanctionsData" {
        return Err(wrong_root(&mut x, &root));
    }
    let mut out = Parsed::default();
    if !root.empty {
        while let Next::Child(c) = x.next_child()? {
            match c.local() {
                b"publicationInfo" if !c.empty => {
                    while let Next::Child(c) = x.next_child()? {
                        if c.local() == b"dataAsOf" {
                            let t = x.text(&c)?;
                            if t.is_empty() {
                                continue;
                            }
                            let date = t.split('T').next().and_then(iso_date);
                            match date {
                                Some(d) => out.publish_date = Some(d),
                                None => {
                                    let value = t.to_owned();
                                    return Err(x.structure(StructureProblem::BadDate {
                                        element: "dataAsOf",
                                        value,
                                    }));
                                }
                            }
                        } else {
                            x.skip(&c)?;
                        }
                    }
                }
                b"entities" if !c.empty => {
                    while let Next::Child(c) = x.next_child()? {
                        if c.local() == b"entity" {
                            if let Some(p) = entity(&mut x, &c)? {
                                out.parties.push(p);
                            }
                        } else {
                            x.skip(&c)?;
                        }
                    }
                }
                _ => x.skip(&c)?,
            }
        }
    }
    x.finish()?;
    Ok(out)
}

fn entity(x: &mut Xml<'_>, c: &Child<'_>) -> Result<Option<Party>, OfacError> {
    let id = match attr(x, &c.start, b"id")? {
        Some(v) => String::from_utf8_lossy(v.trim_ascii()).into_owned(),
        None => {
            return Err(x.structure(StructureProblem::MissingAttribute {
                element: "entity",
                attribute: "id",
            }));
        }
    };
    // Every address needs the entity it is listed for: OFAC's entity ids
    // are decimal integers (fuzzing found `id=""` accepted, FUZZING.md
    // finding 4).
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(x.structure(StructureProblem::BadId {
            element: "entity",
            attribute: "id",
            value: id,
        }));
    }
    if c.empty {
        return Ok(None);
    }
    let mut party = Party {
        entity_id: id,
        ..Party::default()
    };
    let mut name = Name::default();
    let mut listed: Option<String> = None;
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"sanctionsLists" => each(x, &c, b"sanctionsList", |x, l| {
                if let Some(v) = attr(x, &l.start, b"datePublished")? {
                    let v = String::from_utf8_lossy(&v).into_owned();
                    let Some(d) = v.split('T').next().and_then(iso_date) else {
                        return Err(x.structure(StructureProblem::BadDate {
                            element: "sanctionsList datePublished",
                            value: v,
                        }));
                    };
                    if listed.as_ref().is_none_or(|old| d < *old) {
                        listed = Some(d);
                    }
                }
                x.skip(l)
            })?,
            b"sanctionsPrograms" => each(x, &c, b"sanctionsProgram", |x, p| {
                let t = x.text(p)?;
                if !t.is_empty() && !party.programs.iter().any(|q| q == t) {
                    party.programs.push(t.to_owned());
                }
                Ok(())
            })?,
            b"names" => each(x, &c, b"name", |x, n| name.read(x, n))?,
            b"features" => each(x, &c, b"feature", |x, f| {
                let mut ticker = None;
                let mut value = None;
                if !f.empty {
                    while let Next::Child(c) = x.next_child()? {
                        match c.local() {
                            b"type" => ticker = ticker_of(x.text(&c)?).map(str::to_owned),
                            b"value" => {
                                let position = x.here();
                                value = Some((x.text(&c)?.to_owned(), position));
                            }
                            _ => x.skip(&c)?,
                        }
                    }
                }
                if let Some(ticker) = ticker {
                    let (address, position) = value.unwrap_or_else(|| (String::new(), x.here()));
                    party.addresses.push(RawAddress {
                        ticker,
                        address,
                        position,
                    });
                }
                Ok(())
            })?,
            _ => x.skip(&c)?,
        }
    }
    if party.addresses.is_empty() {
        return Ok(None);
    }
    party.entity = name.best;
    party.listed = listed;
    Ok(Some(party))
}

/// The best name so far: a primary name's primary translation, else the
/// first translation seen.
#[derive(Default)]
struct Name {
    best: Option<String>,
    best_is_primary: bool,
}

impl Name {
    fn read(&mut self, x: &mut Xml<'_>, n: &Child<'_>) -> Result<(), OfacError> {
        if n.empty {
            return Ok(());
        }
        let mut primary = false;
        while let Next::Child(c) = x.next_child()? {
            match c.local() {
                b"isPrimary" => primary = x.text(&c)?.eq_ignore_ascii_case("true"),
                b"translations" => each(x, &c, b"translation", |x, t| {
                    let mut t_primary = false;
                    let mut full = None;
                    if !t.empty {
                        while let Next::Child(c) = x.next_child()? {
                            match c.local() {
                                b"isPrimary" => {
                                    t_primary = x.text(&c)?.eq_ignore_ascii_case("true");
                                }
                                b"formattedFullName" => {
                                    let s = x.text(&c)?;
                                    if !s.is_empty() {
                                        full = Some(s.to_owned());
                                    }
                                }
                                _ => x.skip(&c)?,
                            }
                        }
                    }
                    let both = primary && t_primary;
                    if full.is_some() && (self.best.is_none() || both && !self.best_is_primary) {
                        self.best = full;
                        self.best_is_primary = both;
                    }
                    Ok(())
                })?,
                _ => x.skip(&c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{OfacFormat, OfacWarning, parse as parse_any};

    const DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
  <publicationInfo>
    <dataAsOf>2024-05-03T00:00:00</dataAsOf>
    <filters><sanctionsLists><sanctionsList>SDN List</sanctionsList></sanctionsLists></filters>
  </publicationInfo>
  <entities>
    <entity id="36216">
      <generalInfo><identityId>1</identityId><entityType refId="1">Entity</entityType></generalInfo>
      <sanctionsLists>
        <sanctionsList refId="1550" id="1" datePublished="2022-04-05">SDN List</sanctionsList>
      </sanctionsLists>
      <sanctionsPrograms><sanctionsProgram refId="1" id="1">CYBER2</sanctionsProgram></sanctionsPrograms>
      <names>
        <name id="2">
          <isPrimary>false</isPrimary>
          <translations><translation id="2"><isPrimary>true</isPrimary><formattedFullName>HYDRA</formattedFullName></translation></translations>
        </name>
        <name id="1">
          <isPrimary>true</isPrimary>
          <aliasType refId="1403">Name</aliasType>
          <translations>
            <translation id="1">
              <isPrimary>true</isPrimary>
              <script refId="215">Latin</script>
              <formattedFullName>HYDRA MARKET</formattedFullName>
              <nameParts><namePart id="1"><type refId="1525">Entity Name</type><value>HYDRA MARKET</value></namePart></nameParts>
            </translation>
          </translations>
        </name>
      </names>
      <features>
        <feature id="1"><type featureTypeId="200">Website</type><value>http://hydra.example</value></feature>
        <feature id="2">
          <type featureTypeId="344">Digital Currency Address - XBT</type>
          <versionId>1</versionId>
          <value>123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX</value>
          <isPrimary>false</isPrimary>
        </feature>
        <feature id="3"><type featureTypeId="999">Digital Currency Address - </type><value/></feature>
      </features>
    </entity>
  </entities>
</sanctionsData>
"#;

    #[test]
    fn primary_name_features_and_dates() {
        let f = parse_any(DOC.as_bytes(), None).unwrap();
        assert_eq!(f.format, OfacFormat::EnhancedXml);
        assert_eq!(f.publish_date.as_deref(), Some("2024-05-03"));
        assert_eq!(f.entries.len(), 1);
        let e = &f.entries[0];
        assert_eq!(e.address, "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX");
        assert_eq!(e.tickers, ["XBT"]);
        assert_eq!(e.entity.as_deref(), Some("HYDRA MARKET"));
        assert_eq!(e.entity_id, "36216");
        assert_eq!(e.programs, ["CYBER2"]);
        assert_eq!(e.listed.as_deref(), Some("2022-04-05"));
        assert_eq!(e.position.line, 37);
        assert!(matches!(
            &f.warnings[..],
            [OfacWarning::EmptyAddress { ticker, .. }] if ticker.is_empty()
        ));
    }
}
