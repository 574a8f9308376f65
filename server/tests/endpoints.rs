//! Every endpoint and status against the real binary on 127.0.0.1, with a
//! real HTTP client: both compatible contracts byte for byte, the native
//! answers, lists, health, metrics, errors and limits, auth on and off.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Service, TempDir, client, csv_list};
use reqwest::StatusCode;
use serde_json::{Value, json};

const LAZARUS: &str = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
const HYDRA: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
const CLEAR: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const TORNADO: &str = "0x8589427373D6D84E98730D7795D8f6f8731FDA16";
const FBI: &str = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D";

fn get(s: &Service, path: &str) -> (StatusCode, String) {
    let r = client().get(s.url(path)).send().unwrap();
    (r.status(), r.text().unwrap())
}

fn post(s: &Service, path: &str, ct: &str, body: impl Into<Vec<u8>>) -> (StatusCode, String) {
    let r = client()
        .post(s.url(path))
        .header("content-type", ct)
        .body(body.into())
        .send()
        .unwrap();
    (r.status(), r.text().unwrap())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn error_code(text: &str) -> String {
    json(text)["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {text}"))
        .to_owned()
}

/// (date, sha256) of the served list set.
fn version(s: &Service) -> (String, String) {
    let v = json(&get(s, "/v1/lists").1)["version"].clone();
    (
        v["date"].as_str().unwrap().to_owned(),
        v["sha256"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn chainalysis_contract() {
    let s = Service::start(&[]);
    let (date, sha) = version(&s);
    // A listed address: Chainalysis' shape, byte for byte.
    let (st, body) = get(&s, &format!("/api/v1/address/{LAZARUS}"));
    assert_eq!(st, StatusCode::OK);
    let url = "https://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml";
    let want = format!(
        "{{\"identifications\":[{{\"category\":\"sanctions\",\
         \"name\":\"SANCTIONS: OFAC SDN Lazarus Group 2019-09-13\",\
         \"description\":\"Lazarus Group (OFAC SDN entity 27307); programs: DPRK3; listed 2019-09-13; \
         list ofac-sdn of 2026-09-30, list set {date} {sha}.\\n{url}\",\
         \"url\":\"{url}\"}}]}}"
    );
    assert_eq!(body, want);
    // Any spelling: lower case, URI form (percent-encoded).
    let (_, lower) = get(&s, &format!("/api/v1/address/{}", LAZARUS.to_lowercase()));
    assert_eq!(lower, want);
    let (_, uri) = get(&s, &format!("/api/v1/address/ethereum%3A{LAZARUS}%401"));
    assert_eq!(uri, want);
    // Clear and invalid: an empty array, as Chainalysis answers.
    for a in [CLEAR, "not-an-address", "%20", "x%2Fy"] {
        let (st, body) = get(&s, &format!("/api/v1/address/{a}"));
        assert_eq!(
            (st, body.as_str()),
            (StatusCode::OK, r#"{"identifications":[]}"#),
            "{a}"
        );
    }
    // An attributed list gets its own category.
    let (_, body) = get(&s, &format!("/api/v1/address/{FBI}"));
    let ids = json(&body)["identifications"].clone();
    assert_eq!(ids[0]["category"], "attribution");
    assert!(
        ids[0]["name"]
            .as_str()
            .unwrap()
            .starts_with("ATTRIBUTION: FBI DPRK Lazarus Group")
    );
    assert_eq!(ids[0]["url"], "https://www.ic3.gov/PSA/2025/PSA250226");
    // Content type, and the empty path segment is no route.
    let r = client()
        .get(s.url(&format!("/api/v1/address/{HYDRA}")))
        .send()
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(get(&s, "/api/v1/address/").0, StatusCode::NOT_FOUND);
    assert_eq!(
        post(
            &s,
            &format!("/api/v1/address/{HYDRA}"),
            "application/json",
            ""
        )
        .0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[test]
fn trm_contract() {
    let s = Service::start(&["--max-batch", "3", "--max-body", "400"]);
    let ct = "application/json";
    let (st, body) = post(
        &s,
        "/public/v1/sanctions/screening",
        ct,
        format!(
            r#"[{{"address":"{LAZARUS}"}},{{"address":"{CLEAR}","chain":"bitcoin"}},{{"address":"nope"}}]"#
        ),
    );
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        body,
        format!(
            r#"[{{"address":"{LAZARUS}","isSanctioned":true}},{{"address":"{CLEAR}","isSanctioned":false}},{{"address":"nope","isSanctioned":false}}]"#
        )
    );
    assert_eq!(
        post(&s, "/public/v1/sanctions/screening", ct, "[]"),
        (StatusCode::OK, "[]".into())
    );
    // Limits: batch, body.
    let four = format!(r#"[{0},{0},{0},{0}]"#, r#"{"address":"a"}"#);
    let (st, body) = post(&s, "/public/v1/sanctions/screening", ct, four);
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large")
    );
    let big = format!(r#"[{{"address":"{}"}}]"#, "a".repeat(500));
    let (st, body) = post(&s, "/public/v1/sanctions/screening", ct, big);
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // Malformed: not JSON, wrong shape, wrong content type.
    let (st, body) = post(&s, "/public/v1/sanctions/screening", ct, "[{");
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let (st, body) = post(
        &s,
        "/public/v1/sanctions/screening",
        ct,
        r#"{"address":"x"}"#,
    );
    // JSON of the wrong shape: 400 as any other malformed body (not
    // axum's 422).
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let (st, body) = post(&s, "/public/v1/sanctions/screening", "text/plain", "[]");
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert_eq!(
        get(&s, "/public/v1/sanctions/screening").0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[test]
fn native_check() {
    let s = Service::start(&["--max-batch", "3"]);
    let (date, sha) = version(&s);
    let list_set = json!({"date": date, "sha256": sha});
    // A hit: the library's verdict, flattened, with the input and the set.
    let v = json(&get(&s, &format!("/v1/check/{HYDRA}")).1);
    assert_eq!(v["input"], HYDRA);
    assert_eq!(v["verdict"], "hit");
    assert_eq!(v["family"], "base58");
    assert_eq!(v["checksum"], "not_checked");
    assert_eq!(v["list_set"], list_set);
    assert_eq!(v["version"], list_set);
    assert_eq!(v["stale"], false);
    let m = &v["matches"][0];
    assert_eq!(
        (
            &m["list"],
            &m["category"],
            &m["entity"],
            &m["programs"],
            &m["listed"],
            &m["via"]
        ),
        (
            &json!("ofac-sdn"),
            &json!("sanctioned"),
            &json!("Hydra Market"),
            &json!(["CYBER2"]),
            &json!("2022-04-05"),
            &json!("listed")
        )
    );
    // The query form, for spellings awkward in a path (a payment URI).
    let uri = format!("bitcoin:{HYDRA}?amount=0.1");
    let encoded = uri
        .replace(':', "%3A")
        .replace('?', "%3F")
        .replace('=', "%3D");
    let r = client()
        .get(s.url(&format!("/v1/check?address={encoded}")))
        .send()
        .unwrap();
    let q = json(&r.text().unwrap());
    assert_eq!(
        (q["verdict"].as_str(), q["input"].as_str()),
        (Some("hit"), Some(uri.as_str()))
    );
    // Clear and invalid.
    let c = json(&get(&s, &format!("/v1/check/{CLEAR}")).1);
    assert_eq!(
        (c["verdict"].as_str(), c["family"].as_str()),
        (Some("clear"), Some("bech32"))
    );
    assert!(c.get("matches").is_none());
    let i = json(&get(&s, "/v1/check/zzz").1);
    assert_eq!(i["verdict"], "invalid");
    assert!(i["reason"].as_str().unwrap().contains("length 3"));
    let (st, body) = get(&s, "/v1/check");
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    // As of a date: Tornado Cash, delisted on 2025-03-21.
    let t = json(&get(&s, &format!("/v1/check/{TORNADO}")).1);
    assert_eq!(t["verdict"], "clear");
    let t = json(&get(&s, &format!("/v1/check/{TORNADO}?as_of=2024-01-01")).1);
    assert_eq!(
        (t["verdict"].as_str(), t["as_of"].as_str()),
        (Some("hit"), Some("2024-01-01"))
    );
    assert_eq!(t["matches"][0]["delisted_on"], "2025-03-21");
    let h = json(&get(&s, &format!("/v1/check?address={HYDRA}&as_of=2022-04-04")).1);
    assert_eq!(
        (h["verdict"].as_str(), h["as_of"].as_str()),
        (Some("clear"), Some("2022-04-04"))
    );
    for bad in ["2024-13-01", "yesterday", ""] {
        let (st, body) = get(&s, &format!("/v1/check/{HYDRA}?as_of={bad}"));
        assert_eq!(
            (st, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{bad}"
        );
    }
    // JSON batch, in order, at most --max-batch.
    let (st, body) = post(
        &s,
        "/v1/check",
        "application/json",
        json!({"addresses": [CLEAR, HYDRA, "zzz"]}).to_string(),
    );
    assert_eq!(st, StatusCode::OK);
    let kinds: Vec<Value> = json(&body)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["input"], r["verdict"]]))
        .collect();
    assert_eq!(
        kinds,
        [
            json!([CLEAR, "clear"]),
            json!([HYDRA, "hit"]),
            json!(["zzz", "invalid"])
        ]
    );
    let (st, body) = post(
        &s,
        "/v1/check",
        "application/json",
        json!({"addresses": ["a", "b", "c", "d"]}).to_string(),
    );
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large")
    );
    let (st, body) = post(&s, "/v1/check", "application/json", r#"{"addresses": "x"}"#);
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let (st, body) = post(&s, "/v1/check", "text/csv", "a,b");
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    // Batch as of a date.
    let (_, body) = post(
        &s,
        "/v1/check?as_of=2024-01-01",
        "application/json",
        json!({"addresses": [TORNADO]}).to_string(),
    );
    assert_eq!(json(&body)["results"][0]["verdict"], "hit");
}

#[test]
fn ndjson_stream() {
    // Far more lines than --max-batch, in order, each answered.
    let s = Service::start(&["--max-batch", "2", "--max-body", "1000"]);
    let n = 20_000;
    let mut body = String::new();
    for i in 0..n {
        match i % 4 {
            0 => body.push_str(&format!("\"{HYDRA}\"\n")),
            1 => body.push_str(&format!("{{\"address\": \"{CLEAR}\", \"ref\": {i}}}\n")),
            2 => body.push_str(&format!("  {LAZARUS}\r\n\n")),
            _ => body.push_str("zzz\n"),
        }
    }
    let r = client()
        .post(s.url("/v1/check"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let text = r.text().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), n);
    for (i, l) in lines.iter().enumerate() {
        let v = json(l);
        let (input, verdict) = match i % 4 {
            0 => (HYDRA, "hit"),
            1 => (CLEAR, "clear"),
            2 => (LAZARUS, "hit"),
            _ => ("zzz", "invalid"),
        };
        assert_eq!(
            (v["input"].as_str(), v["verdict"].as_str()),
            (Some(input), Some(verdict)),
            "line {i}"
        );
    }
    // A bad line answers an error line and the stream goes on; the last
    // line needs no newline; as_of applies to every line.
    let mut body = format!("{{bad\n\"{TORNADO}\"\n").into_bytes();
    body.extend_from_slice(b"\xff\n");
    body.extend_from_slice(TORNADO.as_bytes());
    let (st, text) = post(
        &s,
        "/v1/check?as_of=2024-01-01",
        "application/x-ndjson",
        body,
    );
    assert_eq!(st, StatusCode::OK);
    let v: Vec<Value> = text.lines().map(json).collect();
    assert_eq!(v.len(), 4, "{text}");
    assert_eq!(
        (v[0]["line"].as_u64(), v[0]["error"]["code"].as_str()),
        (Some(1), Some("bad_request"))
    );
    assert_eq!(v[1]["verdict"], "hit");
    assert_eq!(
        (v[2]["line"].as_u64(), v[2]["error"]["code"].as_str()),
        (Some(3), Some("bad_request"))
    );
    assert_eq!(v[3]["verdict"], "hit");
    // A line longer than --max-body ends the stream with an error line.
    let body = format!("{HYDRA}\n{}\n{HYDRA}\n", "a".repeat(5000));
    let (st, text) = post(&s, "/v1/check", "application/x-ndjson", body);
    assert_eq!(st, StatusCode::OK);
    let v: Vec<Value> = text.lines().map(json).collect();
    assert_eq!(v[0]["verdict"], "hit");
    assert_eq!(v.last().unwrap()["error"]["code"], "payload_too_large");
    // An empty stream answers nothing.
    assert_eq!(
        post(&s, "/v1/check", "application/x-ndjson", ""),
        (StatusCode::OK, String::new())
    );
}

#[test]
fn scan_lists_health_metrics_openapi() {
    let s = Service::start(&["--max-body", "300"]);
    // Scan: byte spans in the text.
    let text = format!("refund to {LAZARUS} or {HYDRA}, not {CLEAR}");
    let (st, body) = post(&s, "/v1/scan", "text/plain", text.clone());
    assert_eq!(st, StatusCode::OK);
    let v = json(&body);
    let m = v["matches"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    let (a, b) = (
        m[0]["span"]["start"].as_u64().unwrap() as usize,
        m[0]["span"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[a..b], LAZARUS);
    assert_eq!(m[1]["text"], HYDRA);
    assert_eq!(m[1]["hit"]["matches"][0]["entity"], "Hydra Market");
    assert_eq!(
        json(&post(&s, "/v1/scan", "text/plain", "nothing here").1)["matches"],
        json!([])
    );
    let (st, body) = post(&s, "/v1/scan", "text/plain", "x".repeat(301));
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    let (st, body) = post(&s, "/v1/scan", "text/plain", vec![0xff, 0xfe]);
    assert_eq!(
        (st, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    // Lists.
    let l = json(&get(&s, "/v1/lists").1);
    assert_eq!(
        (l["mode"].as_str(), l["stale"].as_bool()),
        (Some("static"), Some(false))
    );
    let ids: Vec<&str> = l["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ofac-sdn", "fbi-dprk"]);
    let ofac = &l["lists"][0];
    assert_eq!(
        (
            ofac["category"].as_str(),
            ofac["as_of"].as_str(),
            ofac["bundled"].as_bool()
        ),
        (Some("sanctioned"), Some("2026-09-30"), Some(true))
    );
    assert!(ofac["entries"].as_u64().unwrap() > 1000);
    assert!(ofac["age_seconds"].as_u64().is_some());
    // Health.
    assert_eq!(
        get(&s, "/healthz"),
        (StatusCode::OK, r#"{"status":"ok"}"#.into())
    );
    assert_eq!(
        get(&s, "/readyz"),
        (StatusCode::OK, r#"{"status":"ready"}"#.into())
    );
    // Unknown routes (GET / is the page: tests/page.rs).
    for p in ["/v2/check", "/api/v1/address"] {
        let (st, body) = get(&s, p);
        assert_eq!(
            (st, error_code(&body).as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{p}"
        );
    }
    // Metrics: requests by route template, verdicts by kind, list gauges.
    get(&s, &format!("/api/v1/address/{LAZARUS}"));
    get(&s, &format!("/v1/check/{CLEAR}"));
    let r = client().get(s.url("/metrics")).send().unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let m = r.text().unwrap();
    for want in [
        "walletscreen_http_requests_total{endpoint=\"/api/v1/address/{address}\",status=\"200\"} 1",
        "walletscreen_verdicts_total{endpoint=\"chainalysis\",kind=\"hit\"} 1",
        "walletscreen_verdicts_total{endpoint=\"check\",kind=\"clear\"} 1",
        "walletscreen_verdicts_total{endpoint=\"scan\",kind=\"hit\"} 2",
        "walletscreen_http_request_duration_seconds_count{endpoint=\"/v1/check/{address}\"} 1",
        "walletscreen_list_entries{list=\"fbi-dprk\"} 79",
        "walletscreen_list_age_seconds{list=\"ofac-sdn\"} ",
        "walletscreen_lists_stale 0",
        "# EOF",
    ] {
        assert!(m.contains(want), "no {want:?} in\n{m}");
    }
    // No address in metric labels or in the log at info level.
    assert!(!m.contains(LAZARUS) && !m.contains(CLEAR));
    let logged = |log: &str| {
        log.contains("endpoint=\"/v1/check/{address}\"")
            || log.contains("endpoint=/v1/check/{address}")
    };
    let log = s.log_when(logged);
    assert!(logged(&log), "{log}");
    assert!(
        !log.contains(LAZARUS) && !log.contains(HYDRA) && !log.contains(CLEAR),
        "{log}"
    );
    // The OpenAPI document is the one in the repository.
    let served = json(&get(&s, "/openapi.json").1);
    let file = json(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap(),
    );
    assert_eq!(served, file);
}

#[test]
fn auth_on() {
    let dir = TempDir::new("keys");
    let keys = dir.file(
        "keys",
        b"# our clients\nsecret-key-one\n\n  secret-key-two  \n",
    );
    let s = Service::start(&["--api-keys", &keys]);
    let c = client();
    let path = format!("/api/v1/address/{LAZARUS}");
    // No key, a wrong key, a prefix of a key: 401.
    for (name, value) in [
        ("x-api-key", "nope"),
        ("x-api-key", "secret-key-on"),
        ("authorization", "Bearer secret"),
        ("x-other", "x"),
    ] {
        let r = c.get(s.url(&path)).header(name, value).send().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{name}: {value}");
        assert!(r.headers().contains_key("www-authenticate"));
        assert_eq!(error_code(&r.text().unwrap()), "unauthorized");
    }
    // Chainalysis' header, Bearer, Basic (the key as user name or password).
    let ok = |rb: reqwest::blocking::RequestBuilder| {
        let r = rb.send().unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    };
    ok(c.get(s.url(&path)).header("X-API-Key", "secret-key-one"));
    ok(c.get(s.url(&path)).bearer_auth("secret-key-two"));
    ok(c.post(s.url("/public/v1/sanctions/screening"))
        .basic_auth("secret-key-one", Some("secret-key-one"))
        .json(&json!([{"address": CLEAR}])));
    ok(c.post(s.url("/public/v1/sanctions/screening"))
        .basic_auth("secret-key-two", None::<&str>)
        .json(&json!([])));
    ok(c.post(s.url("/public/v1/sanctions/screening"))
        .basic_auth("", Some("secret-key-two"))
        .json(&json!([])));
    ok(c.get(s.url("/v1/lists"))
        .header("x-api-key", "secret-key-one"));
    // Every screening endpoint asks; health, metrics and the document do not.
    for (m, p) in [
        ("GET", format!("/v1/check/{CLEAR}")),
        ("GET", "/v1/check?address=x".into()),
        ("POST", "/v1/check".into()),
        ("POST", "/v1/scan".into()),
        ("GET", "/v1/lists".into()),
        ("POST", "/public/v1/sanctions/screening".into()),
    ] {
        let r = c.request(m.parse().unwrap(), s.url(&p)).send().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{m} {p}");
    }
    for p in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        assert_eq!(
            c.get(s.url(p)).send().unwrap().status(),
            StatusCode::OK,
            "{p}"
        );
    }
    // Keys are never logged (read once the last request's line is there).
    let log = s.log_when(|l| l.contains("/openapi.json"));
    assert!(log.contains("status=401"), "{log}");
    assert!(!log.contains("secret-key"), "{log}");
}

#[test]
fn bad_configurations_exit_2() {
    let dir = TempDir::new("badcfg");
    let empty = dir.file("keys", b"# nothing\n\n");
    let missing = dir.0.join("missing.csv");
    for args in [
        vec!["--api-keys", empty.as_str()],
        vec!["--list", missing.to_str().unwrap()],
        vec!["--compiled", missing.to_str().unwrap()],
        vec!["--strict"],
        vec!["--max-batch", "0"],
        vec!["--log-format", "xml"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_walletscreen-server"))
            .args(["--bind", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn own_lists_compiled_files_and_env() {
    let dir = TempDir::new("lists");
    let a = common::addresses();
    let list = dir.file(
        "internal.csv",
        &csv_list("internal", "custom", &[(&a[0], "Mule ring")]),
    );
    // --list beside the bundled lists; JSON logs.
    let s = Service::start(&["--list", &list, "--log-format", "json"]);
    let ids = json(&get(&s, &format!("/api/v1/address/{}", a[0])).1)["identifications"].clone();
    let cats: Vec<&str> = ids
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["category"].as_str().unwrap())
        .collect();
    assert_eq!(cats, ["attribution", "custom"]);
    assert_eq!(ids[1]["name"], "CUSTOM: internal Mule ring");
    let loaded = |log: &str| {
        log.lines()
            .any(|l| l.starts_with('{') && l.contains("\"list loaded\""))
    };
    let log = s.log_when(loaded);
    assert!(loaded(&log), "{log}");
    drop(s);
    // --no-bundled: only the list.
    let s = Service::start(&["--list", &list, "--no-bundled"]);
    assert_eq!(
        json(&get(&s, "/v1/lists").1)["lists"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json(&get(&s, &format!("/v1/check/{HYDRA}")).1)["verdict"],
        "clear"
    );
    drop(s);
    // A compiled file: the same answers, the bundled history for as_of.
    let compiled = dir.0.join("bundled.wsidx");
    walletscreen::Screener::bundled()
        .unwrap()
        .write_compiled_file(&compiled)
        .unwrap();
    let s = Service::start(&["--compiled", compiled.to_str().unwrap()]);
    assert_eq!(json(&get(&s, "/v1/lists").1)["mode"], "compiled");
    assert_eq!(
        json(&get(&s, &format!("/v1/check/{HYDRA}")).1)["verdict"],
        "hit"
    );
    assert_eq!(
        json(&get(&s, &format!("/v1/check/{TORNADO}?as_of=2024-01-01")).1)["verdict"],
        "hit"
    );
}

#[test]
fn environment_variables() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_walletscreen-server"));
    cmd.env("WALLETSCREEN_BIND", "127.0.0.1:0")
        .env("WALLETSCREEN_MAX_BATCH", "1")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let addr = loop {
        let n = stderr.read(&mut buf).unwrap();
        assert!(n > 0, "exited: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if let Some(at) = text.find("listening on http://") {
            let rest = &text[at + 20..];
            if let Some(end) = rest.find('\n') {
                break rest[..end].trim().to_owned();
            }
        }
    };
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let r = client()
        .post(format!("http://{addr}/v1/check"))
        .json(&json!({"addresses": ["a", "b"]}))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn slow_clients_time_out() {
    let s = Service::start(&["--request-timeout", "1s"]);
    // A JSON body that never completes: 408.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"addr").unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"timeout\""), "{answer}");
    // An NDJSON stream that stops sending: its answers so far, then a
    // timeout line.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let line = format!("{HYDRA}\n");
    c.write_all(format!("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{line}\r\n", line.len()).as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"verdict\":\"hit\""), "{answer}");
    assert!(answer.contains("\"code\":\"timeout\""), "{answer}");
    // Headers that never end: the connection is closed.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let start = std::time::Instant::now();
    let mut answer = Vec::new();
    let closed = c.read_to_end(&mut answer).is_ok();
    assert!(closed, "not closed");
    assert!(start.elapsed() < Duration::from_secs(15));
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
    // The service keeps serving.
    assert_eq!(get(&s, "/healthz").0, StatusCode::OK);
}

/// The corners: an over-long URI, a query that is no UTF-8, 404s in the
/// metrics, the set's age and the list it counts from, NDJSON lines split
/// across body chunks.
#[test]
fn uri_query_unmatched_age_and_split_lines() {
    let s = Service::start(&[]);
    // A URI over 8 KiB: 414 in our shape, on any route and on none.
    for path in [
        format!("/api/v1/address/{}", "a".repeat(9000)),
        format!("/v1/check?address={}", "a".repeat(9000)),
        format!("/no/such/{}", "a".repeat(9000)),
    ] {
        let r = client().get(s.url(&path)).send().unwrap();
        assert_eq!(r.status(), StatusCode::URI_TOO_LONG, "{}", &path[..20]);
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(error_code(&r.text().unwrap()), "uri_too_long");
    }
    // Just under the limit is read (an invalid address, so no identification).
    let path = format!("/api/v1/address/{}", "a".repeat(8000));
    assert_eq!(
        get(&s, &path),
        (StatusCode::OK, r#"{"identifications":[]}"#.into())
    );
    // Past hyper's own limit (64 KiB; no client library builds such a URI),
    // hyper answers a bare 414; the service keeps serving.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let req = format!(
        "GET /v1/check?address={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let _ = c.write_all(req.as_bytes());
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 414"), "{answer}");
    assert_eq!(get(&s, "/healthz").0, StatusCode::OK);

    // A query value that is no UTF-8 once decoded: 400, not a verdict on
    // U+FFFD.
    for q in [
        "address=%FF",
        "address=0x098B716B8Aaf21512996dC57EB0615e2383E2f96%C3",
        &format!("address={LAZARUS}&as_of=%E9t%E9"),
    ] {
        let (st, body) = get(&s, &format!("/v1/check?{q}"));
        assert_eq!(
            (st, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{q}"
        );
        assert!(body.contains("not UTF-8"), "{body}");
    }
    // Percent-encoded UTF-8 is read as the text it encodes.
    let (st, body) = get(&s, "/v1/check?address=%C3%A9t%C3%A9");
    assert_eq!(st, StatusCode::OK);
    assert_eq!(json(&body)["input"], "été");
    let (st, body) = get(&s, &format!("/v1/check?address={}", LAZARUS.to_lowercase()));
    assert_eq!(
        (st, json(&body)["verdict"].as_str()),
        (StatusCode::OK, Some("hit"))
    );

    // A 404 is counted under `unmatched`, never under the path asked for.
    let secret = "0x52908400098527886E0F7030069857D2E4169EE7";
    for _ in 0..3 {
        assert_eq!(
            get(&s, &format!("/api/v2/address/{secret}")).0,
            StatusCode::NOT_FOUND
        );
    }
    let (_, metrics) = get(&s, "/metrics");
    assert!(
        metrics
            .contains("walletscreen_http_requests_total{endpoint=\"unmatched\",status=\"404\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("walletscreen_http_requests_total{endpoint=\"unmatched\",status=\"414\"} 1"),
        "{metrics}"
    );
    assert!(
        !metrics.contains(secret) && !metrics.contains("/api/v2"),
        "{metrics}"
    );
    // Matched routes keep their template.
    assert!(
        metrics
            .contains("walletscreen_http_requests_total{endpoint=\"/v1/check\",status=\"400\"} 3"),
        "{metrics}"
    );

    // The set's age is the one --max-age compares: for static lists, since
    // the oldest list's as_of, and /v1/lists names that list.
    let l = json(&get(&s, "/v1/lists").1);
    assert_eq!(l["age_list"], "fbi-dprk");
    let fbi = l["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "fbi-dprk")
        .unwrap()
        .clone();
    let (set, list) = (
        l["age_seconds"].as_u64().unwrap(),
        fbi["age_seconds"].as_u64().unwrap(),
    );
    assert!(set.abs_diff(list) <= 1, "{set} {list}");
    let ofac = l["lists"][0]["age_seconds"].as_u64().unwrap();
    assert!(ofac < set, "{ofac} {set}");

    // NDJSON: lines split anywhere across chunks, one line over three
    // chunks, a JSON string with an escape, CRLF, no final newline.
    let body = format!(
        "{HYDRA}\n\"{}\\u0036\"\r\n{{\"address\": \"{LAZARUS}\"}}\n  {CLEAR}  \n\"{HYDRA}\"",
        &LAZARUS[..LAZARUS.len() - 1]
    );
    assert!(LAZARUS.ends_with('6'));
    let want = [HYDRA, LAZARUS, LAZARUS, CLEAR, HYDRA];
    for cut in [1, 2, 3, 7, 13, 40] {
        let mut req = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
        for chunk in body.as_bytes().chunks(cut) {
            req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            req.extend_from_slice(chunk);
            req.extend_from_slice(b"\r\n");
        }
        req.extend_from_slice(b"0\r\n\r\n");
        let mut c = TcpStream::connect(s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // Chunk by chunk on the wire too, so the server reads them apart.
        for piece in req.chunks(64) {
            c.write_all(piece).unwrap();
            c.flush().unwrap();
        }
        let mut answer = Vec::new();
        let _ = c.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        let inputs: Vec<String> = answer
            .lines()
            .filter(|l| l.starts_with("{\"input\""))
            .map(|l| json(l)["input"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(inputs, want, "cut {cut}: {answer}");
        assert_eq!(
            answer.matches("\"verdict\":\"hit\"").count(),
            4,
            "cut {cut}: {answer}"
        );
    }
}

/// A client that sends `Expect: 100-continue` (curl does for bodies over
/// 1 MiB) gets `100 Continue` before the stream's answer, so it sends its
/// body at once instead of after its own timeout.
#[test]
fn ndjson_answers_100_continue_first() {
    let s = Service::start(&[]);
    let body = format!("{HYDRA}\n{CLEAR}\n");
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(
        format!(
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n\
             Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    // Nothing of the body is sent before the server says to go on.
    let mut first = [0u8; 25];
    c.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 100 Continue\r\n\r\n");
    c.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("\"verdict\":\"hit\""), "{answer}");
    assert!(answer.contains("\"verdict\":\"clear\""), "{answer}");
}
