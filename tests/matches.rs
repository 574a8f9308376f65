//! A hit's matches: every field of every entry a query reaches, in list
//! order (then file order), exactly as the lists say, for each way a listed
//! spelling is kept (rebuilt from its key in each form, or stored as it
//! is); the same after a compiled round trip; and their serialized shape.

use walletscreen::{Category, Entry, List, ListMeta, Match, Provenance, Screener, Via};

/// Listed spellings, each with the group of those that share one key:
/// one of each way a spelling is kept in a compiled screener.
const SPELLINGS: [(&str, u8); 10] = [
    // EVM, lower case; EIP-55; upper case.
    ("0x038989cbb1710c72b9920dc4fa529158f463e72c", 0),
    ("0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D", 1),
    ("0xDAC17F958D2EE523A2206206994597C13D831EC7", 2),
    // CashAddr with its prefix; bech32 in upper case; TRON hex.
    ("bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq", 3),
    ("BNB136NS6LFW4ZS5HG4N85VDTHAAD7HQ5M4GTKGF23", 4),
    ("41000102030405060708090a0b0c0d0e0f10111213", 5),
    // Base58 text.
    ("TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz", 6),
    // Not an address: flagged, kept as it is.
    ("ACME-WALLET-17", 7),
    // The key of group 1 in a spelling that does not render from it (a
    // bad EIP-55 mixed case: flagged too).
    ("0x51e9d833ecae4e8d9d8be17300aee6d3398c135D", 1),
    // Bare CashAddr, upper case.
    ("QPF2CPHC5DKUCLKQUR7LHJ2YUQQ9PK3HMUKLE77VHQ", 3),
];

/// List `id`: every spelling, each entry with all seven provenance fields
/// told apart by `tag`, in `order`.
fn list(id: &str, category: Category, tag: &str, order: &[usize]) -> List {
    let entries = order.iter().enumerate().map(|(line, &i)| {
        let mut e = Entry::new(SPELLINGS[i].0, line + 1);
        e.provenance = Provenance {
            chain: Some(format!("chain {tag}{i}")),
            tickers: vec![format!("T{i}"), tag.to_owned()],
            entity: Some(format!("party {tag}{i}")),
            entity_id: Some(format!("{tag}-{i}")),
            programs: vec![format!("P{i}"), format!("Q{i}")],
            listed: Some(format!("2020-01-{:02}", i + 1)),
            source: Some(format!("https://example.org/{tag}/{i}")),
        };
        e
    });
    List::from_entries(ListMeta::new(id, category), entries)
}

fn lists() -> Vec<List> {
    let forward: Vec<usize> = (0..SPELLINGS.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    vec![
        list("first", Category::Sanctioned, "a", &forward),
        list("second", Category::Attributed, "b", &backward),
    ]
}

fn screener(lists: &[List]) -> Screener {
    let mut b = Screener::builder();
    for l in lists {
        b.list(l.clone());
    }
    b.build().unwrap()
}

/// The fields of a match, owned, in their order.
fn fields(m: Match<'_>) -> (String, Category, Via, Entry) {
    (m.list().to_owned(), m.category(), m.via(), m.to_entry())
}

/// Every entry of every list with the key of `group`, in list order then
/// file order: what a query of that key must match, field by field.
fn expected(lists: &[List], group: u8) -> Vec<(String, Category, Via, Entry)> {
    lists
        .iter()
        .flat_map(|l| {
            l.entries()
                .filter(|e| SPELLINGS.iter().any(|s| s.0 == e.address && s.1 == group))
                .map(|e| (l.meta().id.clone(), l.meta().category, Via::Listed, e))
        })
        .collect()
}

#[test]
fn every_field_of_every_match_in_list_order() {
    let lists = lists();
    let built = screener(&lists);
    let read_back = Screener::from_compiled_bytes(built.compiled_bytes().to_vec()).unwrap();
    let mut flagged = 0;
    for (name, s) in [("built", &built), ("read back", &read_back)] {
        for (query, group) in SPELLINGS {
            let v = s.check(query);
            let hit = v.hit().unwrap_or_else(|| panic!("{name} {query}: {v:?}"));
            let want = expected(&lists, group);
            assert!(want.len() >= 2, "{query}");
            assert_eq!(hit.matches().len(), want.len(), "{name} {query}");
            let got: Vec<_> = hit.matches().map(fields).collect();
            assert_eq!(got, want, "{name} {query}");
            // The listed spellings, exactly (rebuilt or stored).
            for (m, w) in hit.matches().zip(&want) {
                assert_eq!(m.address(), w.3.address, "{name} {query}");
                assert_eq!(m.line(), w.3.line);
                assert_eq!(m.provenance(), &w.3.provenance);
                assert_eq!(m.issue(), w.3.issue.as_ref());
                flagged += usize::from(m.issue().is_some());
            }
            // Read again: the same matches.
            assert_eq!(hit.matches(), hit.matches());
        }
        // The two screeners answer alike.
        for (query, _) in SPELLINGS {
            assert_eq!(built.check(query), s.check(query), "{name} {query}");
        }
    }
    assert!(flagged > 0);
}

#[test]
fn an_owned_match_is_the_match_and_serializes_alike() {
    let s = screener(&lists());
    for (query, _) in SPELLINGS {
        let v = s.check(query);
        for m in v.hit().unwrap().matches() {
            let owned = m.into_owned();
            assert_eq!(owned, m);
            assert_eq!(m, owned);
            assert_eq!(
                (owned.list(), owned.category(), owned.via()),
                (m.list(), m.category(), m.via())
            );
            assert_eq!(owned.entry(), &m.to_entry());
            assert_eq!(
                serde_json::to_string(&owned).unwrap(),
                serde_json::to_string(&m).unwrap()
            );
        }
    }
}

/// The serialized fields of a match, named and in their order: `list`,
/// `category`, `address`, `via`, the seven provenance fields, `line`,
/// `issue`.
#[test]
fn a_match_serializes_every_field_in_order() {
    let s = screener(&lists());
    let v = s.check("ACME-WALLET-17");
    let m = v.hit().unwrap().matches().next().unwrap();
    let issue = serde_json::to_string(m.issue().expect("flagged")).unwrap();
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        format!(
            concat!(
                r#"{{"list":"first","category":"sanctioned","address":"ACME-WALLET-17","#,
                r#""via":"listed","chain":"chain a7","tickers":["T7","a"],"entity":"party a7","#,
                r#""entity_id":"a-7","programs":["P7","Q7"],"listed":"2020-01-08","#,
                r#""source":"https://example.org/a/7","line":8,"issue":{}}}"#
            ),
            issue
        )
    );
    // An entry serializes the same fields, but the list's, flat.
    let e = serde_json::to_string(&m.to_entry()).unwrap();
    assert!(
        e.starts_with(r#"{"address":"ACME-WALLET-17","chain":"chain a7","tickers":["T7","a"],"#),
        "{e}"
    );
    assert!(
        e.ends_with(&format!(r#""line":8,"issue":{issue}}}"#)),
        "{e}"
    );
}
