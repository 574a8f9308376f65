//! The README's "Service" section: every `curl` example is run against the
//! real binary (its base URL replaced by the test's) and its output
//! compared, as JSON values, with the block shown after it.

mod common;

use common::Service;
use serde_json::Value;

/// The fenced blocks of the section, as (language, content).
fn blocks(section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(l) = lines.next() {
        if let Some(lang) = l.strip_prefix("```") {
            let mut body = String::new();
            for b in lines.by_ref() {
                if b.starts_with("```") {
                    break;
                }
                body.push_str(b);
                body.push('\n');
            }
            out.push((lang.trim().to_owned(), body));
        }
    }
    out
}

fn values(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("not JSON values ({e}):\n{text}"))
}

#[test]
fn readme_curl_examples() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("\n## Service\n").expect("a Service section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    let section = &rest[..end];
    let blocks = blocks(section);
    let s = Service::start(&[]);
    let mut ran = 0;
    for pair in blocks.windows(2) {
        let [(lang, cmd), (out_lang, want)] = pair else {
            unreachable!()
        };
        if lang != "sh" || out_lang != "json" || !cmd.contains("curl ") {
            continue;
        }
        let cmd = cmd.replace("http://127.0.0.1:8080", &s.base);
        let out = std::process::Command::new("bash")
            .args(["-c", &cmd])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        assert_eq!(values(&got), values(want), "{cmd}\ngot:\n{got}");
        ran += 1;
    }
    assert!(ran >= 6, "only {ran} examples found");
}
