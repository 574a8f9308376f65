//! Throughput of the OFAC parsers on a generated `SDN_ADVANCED.XML` of
//! about 130 MB (the size of OFAC's file), built in memory by
//! `tests/support/ofac_gen.rs` from synthetic parties: names with aliases,
//! birthdates and other features, about one party in 25 with 1–40
//! addresses, plus locations, identity documents and relationships. Target
//! ≥ 200 MB/s.
//!
//! ```sh
//! cargo bench --bench ofac
//! ```

#[path = "../tests/support/ofac_gen.rs"]
mod ofac_gen;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use walletscreen::list::ofac;

/// About 130 MB.
const TARGET: usize = 130_000_000;

fn generate() -> Vec<u8> {
    let bulk = ofac_gen::Bulk {
        locations: 25_000,
        documents: 20_000,
        relationships: 15_000,
    };
    // Calibrate the number of parties on two small samples.
    let size = |n: usize| {
        let d = ofac_gen::synthetic_doc(n, &mut ofac_gen::Rng::new(7));
        ofac_gen::advanced_xml(&d, ofac_gen::NS_ADVANCED_2024, 1000, bulk).len()
    };
    let (a, b) = (size(2_000), size(4_000));
    let per_party = (b - a) / 2_000;
    let parties = 2_000 + (TARGET - a) / per_party;
    let doc = ofac_gen::synthetic_doc(parties, &mut ofac_gen::Rng::new(7));
    ofac_gen::advanced_xml(&doc, ofac_gen::NS_ADVANCED_2024, 1000, bulk).into_bytes()
}

fn bench(c: &mut Criterion) {
    let xml = generate();
    let f = ofac::parse(&xml, None).expect("the generated file parses");
    let tickers: usize = f.entries.iter().map(|e| e.tickers.len()).sum();
    eprintln!(
        "generated SDN_ADVANCED.XML: {} bytes, {} lines, {} address entries ({tickers} features), {} warnings",
        xml.len(),
        xml.iter().filter(|&&b| b == b'\n').count(),
        f.entries.len(),
        f.warnings.len(),
    );
    let mut g = c.benchmark_group("ofac");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(xml.len() as u64));
    g.bench_function("parse_sdn_advanced_130mb", |b| {
        b.iter(|| ofac::parse(black_box(&xml), None).expect("parses"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
