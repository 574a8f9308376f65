//! `SDN.XML`: `sdnList/sdnEntry`, addresses in `idList/id` whose `idType`
//! is "Digital Currency Address - XXX" (`idNumber`); publish date in
//! `publshInformation/Publish_Date` (OFAC's spelling), `MM/DD/YYYY`.

use super::error::{FileKind, OfacError, StructureProblem};
use super::xml::{Child, Next, Xml};
use super::{Parsed, Party, RawAddress, compose_name, ticker_of, ymd};

pub(super) fn parse(input: &[u8]) -> Result<Parsed, OfacError> {
    let mut x = Xml::new(input);
    let root = x.root()?;
    if root.local() != b"sdnList" {
        return Err(wrong_root(&mut x, &root));
    }
    let mut out = Parsed::default();
    if !root.empty {
        while let Next::Child(c) = x.next_child()? {
            match c.local() {
                b"publshInformation" => publish_information(&mut x, &c, &mut out)?,
                b"sdnEntry" => {
                    if let Some(p) = entry(&mut x, &c)? {
                        out.parties.push(p);
                    }
                }
                _ => x.skip(&c)?,
            }
        }
    }
    x.finish()?;
    Ok(out)
}

pub(super) fn wrong_root(x: &mut Xml<'_>, root: &Child<'_>) -> OfacError {
    let position = x.here();
    OfacError::WrongKind {
        found: FileKind::Xml {
            root: String::from_utf8_lossy(root.local()).into_owned(),
        },
        position,
    }
}

fn publish_information(x: &mut Xml<'_>, c: &Child<'_>, out: &mut Parsed) -> Result<(), OfacError> {
    if c.empty {
        return Ok(());
    }
    while let Next::Child(c) = x.next_child()? {
        if c.local() == b"Publish_Date" {
            let t = x.text(&c)?;
            if t.is_empty() {
                continue;
            }
            match us_date(t) {
                Some(d) => out.publish_date = Some(d),
                None => {
                    let value = t.to_owned();
                    return Err(x.structure(StructureProblem::BadDate {
                        element: "Publish_Date",
                        value,
                    }));
                }
            }
        } else {
            x.skip(&c)?;
        }
    }
    Ok(())
}

/// `MM/DD/YYYY` → `YYYY-MM-DD`.
fn us_date(t: &str) -> Option<String> {
    let mut it = t.split('/');
    let (m, d, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let n = |s: &str| {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    ymd(n(y)?, n(m)?, n(d)?)
}

fn entry(x: &mut Xml<'_>, c: &Child<'_>) -> Result<Option<Party>, OfacError> {
    if c.empty {
        return Ok(None);
    }
    let mut party = Party::default();
    let (mut first, mut last) = (String::new(), String::new());
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"uid" => party.entity_id = x.text(&c)?.to_owned(),
            b"firstName" => first = x.text(&c)?.to_owned(),
            b"lastName" => last = x.text(&c)?.to_owned(),
            b"programList" if !c.empty => {
                while let Next::Child(p) = x.next_child()? {
                    if p.local() == b"program" {
                        let t = x.text(&p)?;
                        if !t.is_empty() && !party.programs.iter().any(|q| q == t) {
                            party.programs.push(t.to_owned());
                        }
                    } else {
                        x.skip(&p)?;
                    }
                }
            }
            b"idList" if !c.empty => {
                while let Next::Child(id) = x.next_child()? {
                    if id.local() == b"id" {
                        if let Some(a) = id_element(x, &id)? {
                            party.addresses.push(a);
                        }
                    } else {
                        x.skip(&id)?;
                    }
                }
            }
            _ => x.skip(&c)?,
        }
    }
    if party.addresses.is_empty() {
        return Ok(None);
    }
    // Every address needs the entity it is listed for.
    if party.entity_id.is_empty() {
        return Err(x.structure(StructureProblem::BadEntityNumber {
            value: String::new(),
        }));
    }
    party.entity = compose_name([(last.as_str(), true), (first.as_str(), false)].into_iter());
    Ok(Some(party))
}

fn id_element(x: &mut Xml<'_>, c: &Child<'_>) -> Result<Option<RawAddress>, OfacError> {
    if c.empty {
        return Ok(None);
    }
    let mut ticker = None;
    let mut number = None;
    while let Next::Child(c) = x.next_child()? {
        match c.local() {
            b"idType" => ticker = ticker_of(x.text(&c)?).map(str::to_owned),
            b"idNumber" => {
                let position = x.here();
                number = Some((x.text(&c)?.to_owned(), position));
            }
            _ => x.skip(&c)?,
        }
    }
    Ok(match (ticker, number) {
        (Some(ticker), Some((address, position))) => Some(RawAddress {
            ticker,
            address,
            position,
        }),
        (Some(ticker), None) => Some(RawAddress {
            ticker,
            address: String::new(),
            position: x.here(),
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{OfacFormat, OfacWarning};
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation>
    <Publish_Date>05/03/2024</Publish_Date>
    <Record_Count>2</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>36</uid>
    <lastName>AEROCARIBBEAN AIRLINES</lastName>
    <sdnType>Entity</sdnType>
    <programList><program>CUBA</program></programList>
  </sdnEntry>
  <sdnEntry>
    <uid>25308</uid>
    <firstName>Xiaobing</firstName>
    <lastName>YAN</lastName>
    <sdnType>Individual</sdnType>
    <programList>
      <program>SDNTK</program>
    </programList>
    <idList>
      <id>
        <uid>1</uid>
        <idType>Digital Currency Address - XBT</idType>
        <idNumber>12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h</idNumber>
      </id>
      <id>
        <uid>2</uid>
        <idType>Passport</idType>
        <idNumber>E123</idNumber>
      </id>
      <id>
        <uid>3</uid>
        <idType>Digital Currency Address - NEW</idType>
        <idNumber> new&amp;addr </idNumber>
      </id>
    </idList>
    <akaList><aka><uid>9</uid><lastName>YAN</lastName></aka></akaList>
  </sdnEntry>
</sdnList>
"#;

    #[test]
    fn entries_names_programs_and_date() {
        let f = super::super::parse(DOC.as_bytes(), None).unwrap();
        assert_eq!(f.format, OfacFormat::SdnXml);
        assert_eq!(f.publish_date.as_deref(), Some("2024-05-03"));
        let got: Vec<_> = f
            .entries
            .iter()
            .map(|e| {
                (
                    e.address.as_str(),
                    e.tickers.join(";"),
                    e.entity.as_deref(),
                    e.entity_id.as_str(),
                    e.programs.join(";"),
                    e.position.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
                    "XBT".to_owned(),
                    Some("YAN, Xiaobing"),
                    "25308",
                    "SDNTK".to_owned(),
                    25
                ),
                (
                    "new&addr",
                    "NEW".to_owned(),
                    Some("YAN, Xiaobing"),
                    "25308",
                    "SDNTK".to_owned(),
                    35
                ),
            ]
        );
        assert!(matches!(
            &f.warnings[..],
            [OfacWarning::UnknownTicker { ticker, .. }] if ticker == "NEW"
        ));
    }

    #[test]
    fn us_dates() {
        for (s, want) in [
            ("05/03/2024", Some("2024-05-03")),
            ("5/3/2024", Some("2024-05-03")),
            ("13/03/2024", None),
            ("05/03/24", None),
            ("2024-05-03", None),
        ] {
            assert_eq!(us_date(s).as_deref(), want, "{s}");
        }
    }
}
