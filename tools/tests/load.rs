//! `tanu-tools load` end to end: a synthetic world is indexed and served in-process, the load
//! generator replays its queries closed-loop and open-loop, and every answer is compared with
//! the engine's own decisions; a deliberately wrong expectation must be reported as a mismatch.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tanu::matching::decision::Verdict;
use tanu::matching::engine::Engine;
use tanu::matching::query::Query;
use tanu_tools::load::{self, Expected, LoadOptions};
use tanu_tools::synth::{self, WorldConfig};

fn options(target: String, requests: usize, rate: Option<f64>) -> LoadOptions {
    LoadOptions {
        target,
        concurrency: 4,
        connections: 2,
        requests,
        warmup: 20,
        rate,
        timeout: Duration::from_secs(30),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_replays_queries_and_finds_every_differing_decision() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().to_path_buf();
    let index = synth::generate_indexed_world(&WorldConfig::new(11, 3000, 200), &world).unwrap();
    let engine = Arc::new(Engine::open(&index).unwrap());

    // What the engine itself decides (the queries carry their as_of, so the day does not matter).
    let today = chrono::Utc::now().date_naive();
    let queries = world.join("queries.jsonl");
    let mut expected = HashMap::new();
    for line in std::fs::read_to_string(&queries).unwrap().lines() {
        let q = Query::from_json_line(line.as_bytes(), today).unwrap();
        let d = engine.decide(&q);
        let e = match d.decision {
            Verdict::Clear => Expected::Clear,
            Verdict::Review => Expected::Review,
        };
        expected.insert(d.request_id.clone(), e);
    }
    let reviews = expected
        .values()
        .filter(|&&e| e == Expected::Review)
        .count();
    assert!(reviews > 0 && reviews < expected.len(), "{reviews} reviews");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tanu::service::serve_on(engine, listener, async move {
        let _ = stopped.await;
    }));

    let requests = Arc::new(load::load_requests(&queries).unwrap());
    assert_eq!(requests.len(), 200);
    let quiet: Arc<dyn Fn(usize) + Send + Sync> = Arc::new(|_| {});
    let expected = Arc::new(expected);

    // Closed loop, more requests than queries (cycled).
    let r = load::run(
        requests.clone(),
        Some(expected.clone()),
        &options(target.clone(), 300, None),
        quiet.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.requests, 300);
    assert_eq!(r.clear + r.review, 300, "{}", r.render());
    assert!(r.errors.is_empty(), "{}", r.render());
    assert_eq!((r.compared, r.mismatches, r.not_expected), (300, 0, 0));
    assert_eq!(r.wrong_request_ids, 0);
    assert!(!r.has_faults());
    assert!(r.latency.p50_us > 0 && r.latency.p50_us <= r.latency.p99_us);
    assert!(r.latency.p99_us <= r.latency.max_us);
    assert!(r.requests_per_second > 0.0);

    // Open loop, and one expectation turned around: exactly its request must differ.
    let mut wrong = (*expected).clone();
    let id = requests[0].request.request_id.clone();
    let flipped = match wrong[&id] {
        Expected::Clear => Expected::Review,
        _ => Expected::Clear,
    };
    wrong.insert(id.clone(), flipped);
    wrong.remove(&requests[1].request.request_id);
    let r = load::run(
        requests.clone(),
        Some(Arc::new(wrong)),
        &options(target.clone(), 200, Some(2000.0)),
        quiet.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.requests, 200);
    assert_eq!(r.mismatches, 1, "{}", r.render());
    assert_eq!(r.mismatch_examples[0].request_id, id);
    assert_eq!(r.not_expected, 1);
    assert!(r.has_faults());
    assert!(r.render().contains(&format!("differs {id}")));

    // A request the server rejects is counted by its status code.
    let mut bad = (*requests).clone();
    bad.truncate(1);
    bad[0].request.surname = String::new();
    let r = load::run(
        Arc::new(bad),
        None,
        &options(target.clone(), 5, None),
        quiet.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.errors["InvalidArgument"].0, 5, "{}", r.render());
    assert!(
        r.errors["InvalidArgument"].1.starts_with("surname:"),
        "{}",
        r.render()
    );

    // Nobody listening: a clear error, not a hang.
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let err = load::run(requests, None, &options(target, 5, None), quiet)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("cannot connect"), "{err:#}");
}
