//! walletscreen list v1: CSV with a header row (see `lists/README.md`).

use super::{Category, Entry, List};

/// The columns [`List::write_csv`] writes, in order.
pub(crate) const COLUMNS: [&str; 8] = [
    "address",
    "chain",
    "tickers",
    "entity",
    "entity_id",
    "programs",
    "listed",
    "source",
];

impl List {
    /// Writes the list in the walletscreen list format v1 (see
    /// `lists/README.md`): the `# key: value` metadata lines, the header
    /// `address,chain,tickers,entity,entity_id,programs,listed,source`, one
    /// row per entry; LF line endings, RFC 4180 quoting where needed (a
    /// comma, a double quote or a line break). A row's `source` is left
    /// empty when it is the list's. Loading the output gives back the same
    /// metadata and entries (line numbers aside), provided no ticker or
    /// program contains `;` and no metadata value a line break (written as
    /// a space).
    pub fn write_csv<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        let m = self.meta();
        let one_line = |v: &str| v.replace(['\r', '\n'], " ");
        writeln!(w, "# walletscreen-list: v1")?;
        writeln!(w, "# id: {}", one_line(&m.id))?;
        if let Some(v) = &m.name {
            writeln!(w, "# name: {}", one_line(v))?;
        }
        let category = match m.category {
            Category::Sanctioned => "sanctioned",
            Category::Attributed => "attributed",
            Category::Custom => "custom",
        };
        writeln!(w, "# category: {category}")?;
        for (key, v) in [
            ("as_of", &m.as_of),
            ("source", &m.source),
            ("license", &m.license),
        ] {
            if let Some(v) = v {
                writeln!(w, "# {key}: {}", one_line(v))?;
            }
        }
        write_row(&mut w, COLUMNS.iter().copied())?;
        for e in self.entries() {
            let cells = entry_cells(&e, m.source.as_deref());
            write_row(&mut w, cells.iter().map(String::as_str))?;
        }
        Ok(())
    }
}

/// One CSV row, minimal quoting.
/// An entry's cells in the order of [`COLUMNS`]: multi-valued fields
/// joined with `;`, the source left empty when it is the list's own.
pub(crate) fn entry_cells(e: &Entry, list_source: Option<&str>) -> [String; 8] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let p = &e.provenance;
    let source = p
        .source
        .clone()
        .filter(|s| Some(s.as_str()) != list_source)
        .unwrap_or_default();
    [
        e.address.clone(),
        opt(&p.chain),
        p.tickers.join(";"),
        opt(&p.entity),
        opt(&p.entity_id),
        p.programs.join(";"),
        opt(&p.listed),
        source,
    ]
}

pub(crate) fn write_row<'s, W: std::io::Write>(
    w: &mut W,
    fields: impl Iterator<Item = &'s str>,
) -> std::io::Result<()> {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        if f.contains([',', '"', '\r', '\n']) {
            write!(w, "\"{}\"", f.replace('"', "\"\""))?;
        } else {
            w.write_all(f.as_bytes())?;
        }
    }
    w.write_all(b"\n")
}

#[cfg(test)]
mod write_tests {
    use crate::list::{Category, Entry, List, ListMeta};

    #[test]
    fn write_then_load_round_trips() {
        let mut meta = ListMeta::new("x", Category::Sanctioned);
        meta.name = Some("A, \"quoted\"\nname".to_owned());
        meta.as_of = Some("2026-08-08".to_owned());
        meta.source = Some("https://example.org/list".to_owned());
        let mut a = Entry::new("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1);
        a.provenance.entity = Some("SUEX OTC, S.R.O. \"x\"".to_owned());
        a.provenance.tickers = vec!["XBT".to_owned(), "USDT".to_owned()];
        a.provenance.programs = vec!["CYBER2".to_owned(), "DPRK3".to_owned()];
        a.provenance.entity_id = Some("33151".to_owned());
        a.provenance.listed = Some("2021-09-21".to_owned());
        a.provenance.chain = Some("bitcoin".to_owned());
        a.provenance.source = meta.source.clone();
        let mut b = Entry::new("not an address", 2);
        b.provenance.source = Some("https://example.org/row".to_owned());
        let list = List::from_entries(meta, [a, b]);
        let mut out = Vec::new();
        list.write_csv(&mut out).unwrap();
        let back = List::from_bytes(&out, ListMeta::new("other", Category::Custom)).unwrap();
        let mut want = list.meta().clone();
        want.name = Some("A, \"quoted\" name".to_owned());
        assert_eq!(back.meta(), &want);
        assert_eq!(back.entries().len(), 2);
        for (x, y) in back.entries().zip(list.entries()) {
            let mut y = y.clone();
            y.line = x.line;
            assert_eq!(x, y);
        }
        assert!(back.entry(1).unwrap().issue.is_some());
    }
}
