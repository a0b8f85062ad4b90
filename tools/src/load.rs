//! The gRPC load generator behind `tanu-tools load`: replays a JSON Lines query file against a
//! running `tanu serve`, closed-loop (a fixed number of requests in flight) or open-loop (a fixed
//! rate; a request the in-flight limit holds back counts its latency from when it was due), and
//! reports throughput, latency
//! percentiles, errors by status code and, given `tanu match` output, every decision that
//! differs. It owns only the client side: it never decides anything itself, and it prints request
//! ids, never a query's names or IIN.

use crate::eval::read_lines;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tanu::matching::query::{QueryInput, QueryKind};
use tanu::service::pb::{self, certificate_service_client::CertificateServiceClient};
use tonic::transport::Channel;

/// One query ready to send: its kind picks the RPC.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    pub kind: QueryKind,
    pub request: pb::CheckRequest,
}

/// What `tanu match` answered for a request id, so what the server must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    Clear,
    Review,
    /// `tanu match` wrote an error line: the server must answer INVALID_ARGUMENT.
    InvalidArgument,
}

/// The queries of a JSON Lines file (the format of `tanu match --queries`), in file order.
/// A line that is not a query object, or whose `kind` names no RPC, is an error naming the line:
/// such a line cannot be sent at all. Fields the server would reject are sent as they are.
pub fn load_requests(path: &Path) -> Result<Vec<LoadRequest>> {
    let mut out = Vec::new();
    for (n, line) in read_lines(path)? {
        let q: QueryInput = serde_json::from_str(&line)
            .with_context(|| format!("{} line {n}: not a query", path.display()))?;
        let kind: QueryKind = q
            .kind
            .parse()
            .map_err(|e| anyhow::anyhow!("{} line {n}: {e}", path.display()))?;
        out.push(LoadRequest {
            kind,
            request: pb::CheckRequest {
                request_id: q.request_id,
                iin: q.iin,
                surname: q.surname,
                given_name: q.given_name,
                patronymic: q.patronymic,
                birth_date: q.birth_date,
                as_of: q.as_of,
            },
        });
    }
    if out.is_empty() {
        bail!("{} holds no query", path.display());
    }
    Ok(out)
}

/// The answers of a `tanu match` output file by request id. Error lines without a request id
/// (a line that had none) cannot be matched and are skipped.
pub fn load_expectations(path: &Path) -> Result<HashMap<String, Expected>> {
    let mut out = HashMap::new();
    for (n, line) in read_lines(path)? {
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{} line {n}: not a `tanu match` line", path.display()))?;
        let Some(id) = v.get("request_id").and_then(|i| i.as_str()) else {
            continue;
        };
        let expected = match v.get("decision").and_then(|d| d.as_str()) {
            Some("clear") => Expected::Clear,
            Some("review") => Expected::Review,
            Some(other) => bail!(
                "{} line {n}: decision {other:?} is neither clear nor review",
                path.display()
            ),
            None if v.get("error").is_some() => Expected::InvalidArgument,
            None => bail!(
                "{} line {n}: neither a decision nor an error",
                path.display()
            ),
        };
        out.insert(id.to_string(), expected);
    }
    Ok(out)
}

/// How to load the server.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The server, `http://host:port`.
    pub target: String,
    /// Most requests in flight at once.
    pub concurrency: usize,
    /// HTTP/2 connections the requests are spread over.
    pub connections: usize,
    /// Requests measured (the queries are cycled when there are fewer).
    pub requests: usize,
    /// Requests sent first and not measured (connection set-up, the server's caches).
    pub warmup: usize,
    /// Requests per second, open loop; `None`: closed loop at `concurrency`.
    pub rate: Option<f64>,
    /// A request that takes longer fails with DEADLINE_EXCEEDED.
    pub timeout: Duration,
}

/// One finished request.
#[derive(Debug, Clone)]
struct Outcome {
    /// Position in the send order (warm-up requests first).
    seq: usize,
    /// When it was sent, or (open loop, held back by the in-flight limit) when it was due.
    due: Instant,
    done: Instant,
    /// The decision, or the status code and message.
    answer: Result<pb::Decision, (tonic::Code, String)>,
    /// Whether the response echoed the request's id.
    id_echoed: bool,
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    pub mean_us: u64,
}

/// A decision that differs from `tanu match`'s (request id only: no personal data).
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub request_id: String,
    pub expected: Expected,
    /// `clear`, `review`, or the status code's name.
    pub got: String,
}

/// What a load run measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    pub target: String,
    pub mode: String,
    pub concurrency: usize,
    pub connections: usize,
    /// Measured requests (warm-up excluded).
    pub requests: usize,
    pub clear: usize,
    pub review: usize,
    /// Failed requests by status code name, with the first message of each (of an
    /// INVALID_ARGUMENT, only the field it names).
    pub errors: BTreeMap<String, (usize, String)>,
    /// From the first measured request's due time to the last one's answer.
    pub seconds: f64,
    pub requests_per_second: f64,
    /// Over every measured request, failed ones included.
    pub latency: Latency,
    /// Responses whose request_id was not the request's.
    pub wrong_request_ids: usize,
    /// With expectations: requests compared, and those that differ (the first 20 listed).
    pub compared: usize,
    pub mismatches: usize,
    pub mismatch_examples: Vec<Mismatch>,
    /// With expectations: measured requests whose id `tanu match` did not answer.
    pub not_expected: usize,
}

impl LoadReport {
    /// The report for people: a few aligned lines.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let ms = |us: u64| us as f64 / 1000.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} · {} · {} in flight over {} connection(s)",
            self.target, self.mode, self.concurrency, self.connections
        );
        let _ = writeln!(
            s,
            "requests  {} measured: {} clear, {} review, {} failed",
            self.requests,
            self.clear,
            self.review,
            self.errors.values().map(|e| e.0).sum::<usize>()
        );
        let _ = writeln!(
            s,
            "throughput {:.0} requests/s over {:.2} s",
            self.requests_per_second, self.seconds
        );
        let l = &self.latency;
        let _ = writeln!(
            s,
            "latency   p50 {:.3} ms · p90 {:.3} ms · p99 {:.3} ms · p99.9 {:.3} ms · max {:.3} ms · mean {:.3} ms",
            ms(l.p50_us),
            ms(l.p90_us),
            ms(l.p99_us),
            ms(l.p999_us),
            ms(l.max_us),
            ms(l.mean_us)
        );
        for (code, (count, first)) in &self.errors {
            let _ = writeln!(s, "error     {code}: {count} (first: {first})");
        }
        if self.wrong_request_ids > 0 {
            let _ = writeln!(
                s,
                "WRONG     {} responses carried another request_id",
                self.wrong_request_ids
            );
        }
        if self.compared > 0 || self.not_expected > 0 {
            let _ = writeln!(
                s,
                "parity    {} compared with tanu match: {} differ, {} not in the expected file",
                self.compared, self.mismatches, self.not_expected
            );
            for m in &self.mismatch_examples {
                let _ = writeln!(
                    s,
                    "  differs {}: expected {:?}, got {}",
                    m.request_id, m.expected, m.got
                );
            }
        }
        s
    }

    /// Whether the run found a fault: a wrong request id echoed, or a decision that differs.
    pub fn has_faults(&self) -> bool {
        self.wrong_request_ids > 0 || self.mismatches > 0
    }
}

/// The value at quantile `q` (0..1) of sorted `v` (nearest rank).
fn quantile(v: &[u64], q: f64) -> u64 {
    if v.is_empty() {
        return 0;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

async fn connect(target: &str, timeout: Duration) -> Result<Channel> {
    Channel::from_shared(target.to_string())
        .with_context(|| format!("{target} is not a valid address (expected http://host:port)"))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .connect()
        .await
        .with_context(|| format!("cannot connect to {target}: is `tanu serve` running there?"))
}

async fn send(
    mut client: CertificateServiceClient<Channel>,
    r: &LoadRequest,
) -> (Result<pb::Decision, (tonic::Code, String)>, bool) {
    let request = r.request.clone();
    let answer = match r.kind {
        QueryKind::CriminalRecord => client.check_criminal_record(request).await,
        QueryKind::AdministrativeOffences => client.check_administrative_offences(request).await,
    };
    match answer {
        Ok(resp) => {
            let resp = resp.into_inner();
            let echoed = resp.request_id == r.request.request_id;
            (Ok(resp.decision()), echoed)
        }
        Err(status) => (Err((status.code(), status.message().to_string())), true),
    }
}

/// Run the load: `opts.warmup` requests unmeasured, then `opts.requests` measured, cycling
/// through `requests`. `progress` is called with the number of finished requests now and then.
pub async fn run(
    requests: Arc<Vec<LoadRequest>>,
    expected: Option<Arc<HashMap<String, Expected>>>,
    opts: &LoadOptions,
    progress: Arc<dyn Fn(usize) + Send + Sync>,
) -> Result<LoadReport> {
    if requests.is_empty() {
        bail!("no queries to send");
    }
    if opts.concurrency == 0 || opts.connections == 0 || opts.requests == 0 {
        bail!("--concurrency, --connections and --requests must be at least 1");
    }
    if let Some(rate) = opts.rate
        && !(rate.is_finite() && rate > 0.0)
    {
        bail!("--rate must be a positive number of requests per second");
    }
    let mut clients = Vec::with_capacity(opts.connections);
    for _ in 0..opts.connections {
        clients.push(CertificateServiceClient::new(
            connect(&opts.target, opts.timeout).await?,
        ));
    }
    let total = opts.warmup + opts.requests;
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let finished = Arc::new(AtomicUsize::new(0));
    let record = {
        let outcomes = outcomes.clone();
        let finished = finished.clone();
        let progress = progress.clone();
        move |o: Outcome| {
            outcomes.lock().expect("no task panics holding it").push(o);
            let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(1000) {
                progress(n);
            }
        }
    };
    match opts.rate {
        None => {
            // Closed loop: `concurrency` workers, each sending its next request when the last
            // one is answered.
            let next = Arc::new(AtomicUsize::new(0));
            let mut workers = Vec::with_capacity(opts.concurrency);
            for w in 0..opts.concurrency {
                let (next, requests, record) = (next.clone(), requests.clone(), record.clone());
                let client = clients[w % clients.len()].clone();
                workers.push(tokio::spawn(async move {
                    loop {
                        let seq = next.fetch_add(1, Ordering::Relaxed);
                        if seq >= total {
                            break;
                        }
                        let r = &requests[seq % requests.len()];
                        let due = Instant::now();
                        let (answer, id_echoed) = send(client.clone(), r).await;
                        record(Outcome {
                            seq,
                            due,
                            done: Instant::now(),
                            answer,
                            id_echoed,
                        });
                    }
                }));
            }
            for w in workers {
                w.await.context("a load worker failed")?;
            }
        }
        Some(rate) => {
            // Open loop: request `seq` is due at start + seq / rate whatever the server does.
            // Its latency counts from when it was sent, or from when it was due if the
            // in-flight limit held it back (the server was behind): a slow server cannot hide
            // its queue, and the client's timer (1 ms ticks) does not add its own lateness.
            let permits = Arc::new(tokio::sync::Semaphore::new(opts.concurrency));
            let start = tokio::time::Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for seq in 0..total {
                let due = start + Duration::from_secs_f64(seq as f64 / rate);
                if due > tokio::time::Instant::now() {
                    tokio::time::sleep_until(due).await;
                }
                let (permit, held_back) = match permits.clone().try_acquire_owned() {
                    Ok(p) => (p, false),
                    Err(_) => (
                        permits
                            .clone()
                            .acquire_owned()
                            .await
                            .context("the semaphore closed")?,
                        true,
                    ),
                };
                let sent = if held_back {
                    due.into_std()
                } else {
                    Instant::now()
                };
                let (requests, record) = (requests.clone(), record.clone());
                let client = clients[seq % clients.len()].clone();
                tasks.spawn(async move {
                    let r = &requests[seq % requests.len()];
                    let (answer, id_echoed) = send(client, r).await;
                    record(Outcome {
                        seq,
                        due: sent,
                        done: Instant::now(),
                        answer,
                        id_echoed,
                    });
                    drop(permit);
                });
                // Reap finished tasks as we go so the set stays small.
                while let Some(res) = tasks.try_join_next() {
                    res.context("a load task failed")?;
                }
            }
            while let Some(res) = tasks.join_next().await {
                res.context("a load task failed")?;
            }
        }
    }
    let outcomes = std::mem::take(&mut *outcomes.lock().expect("no task panics holding it"));
    Ok(report(&requests, expected.as_deref(), opts, outcomes))
}

fn report(
    requests: &[LoadRequest],
    expected: Option<&HashMap<String, Expected>>,
    opts: &LoadOptions,
    outcomes: Vec<Outcome>,
) -> LoadReport {
    let mut r = LoadReport {
        target: opts.target.clone(),
        mode: match opts.rate {
            Some(rate) => format!("open loop at {rate} requests/s"),
            None => "closed loop".into(),
        },
        concurrency: opts.concurrency,
        connections: opts.connections,
        ..LoadReport::default()
    };
    let measured: Vec<&Outcome> = outcomes.iter().filter(|o| o.seq >= opts.warmup).collect();
    r.requests = measured.len();
    let mut latencies: Vec<u64> = Vec::with_capacity(measured.len());
    let (mut first_due, mut last_done) = (None::<Instant>, None::<Instant>);
    for o in &measured {
        latencies.push(o.done.saturating_duration_since(o.due).as_micros() as u64);
        first_due = Some(first_due.map_or(o.due, |f| f.min(o.due)));
        last_done = Some(last_done.map_or(o.done, |l| l.max(o.done)));
        if !o.id_echoed {
            r.wrong_request_ids += 1;
        }
        let got = match &o.answer {
            Ok(pb::Decision::Clear) => {
                r.clear += 1;
                "clear".to_string()
            }
            Ok(pb::Decision::Review) => {
                r.review += 1;
                "review".to_string()
            }
            Ok(pb::Decision::Unspecified) => {
                let e = r
                    .errors
                    .entry("DECISION_UNSPECIFIED".into())
                    .or_insert((0, "the server sent no decision".into()));
                e.0 += 1;
                "DECISION_UNSPECIFIED".to_string()
            }
            Err((code, message)) => {
                let name = format!("{code:?}");
                // INVALID_ARGUMENT reads "<field>: <reason>" and the reason may quote the
                // query's value (a name, an IIN): only the field is kept.
                let shown = if *code == tonic::Code::InvalidArgument {
                    let field = message.split(':').next().unwrap_or_default();
                    format!("{field}: (reason not shown: it may quote the query)")
                } else {
                    message.clone()
                };
                let e = r.errors.entry(name.clone()).or_insert((0, shown));
                e.0 += 1;
                name
            }
        };
        if let Some(expected) = expected {
            let id = &requests[o.seq % requests.len()].request.request_id;
            match expected.get(id) {
                None => r.not_expected += 1,
                Some(&want) => {
                    r.compared += 1;
                    let same = match want {
                        Expected::Clear => got == "clear",
                        Expected::Review => got == "review",
                        Expected::InvalidArgument => {
                            matches!(&o.answer, Err((tonic::Code::InvalidArgument, _)))
                        }
                    };
                    if !same {
                        r.mismatches += 1;
                        if r.mismatch_examples.len() < 20 {
                            r.mismatch_examples.push(Mismatch {
                                request_id: id.clone(),
                                expected: want,
                                got,
                            });
                        }
                    }
                }
            }
        }
    }
    latencies.sort_unstable();
    if !latencies.is_empty() {
        r.latency = Latency {
            p50_us: quantile(&latencies, 0.50),
            p90_us: quantile(&latencies, 0.90),
            p99_us: quantile(&latencies, 0.99),
            p999_us: quantile(&latencies, 0.999),
            max_us: *latencies.last().expect("not empty"),
            mean_us: latencies.iter().sum::<u64>() / latencies.len() as u64,
        };
    }
    if let (Some(f), Some(l)) = (first_due, last_done) {
        r.seconds = l.saturating_duration_since(f).as_secs_f64();
        if r.seconds > 0.0 {
            r.requests_per_second = r.requests as f64 / r.seconds;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), 50);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 0.999), 100);
        assert_eq!(quantile(&v, 0.0), 1);
        assert_eq!(quantile(&[7], 0.99), 7);
        assert_eq!(quantile(&[], 0.5), 0);
    }

    #[test]
    fn queries_and_expectations_are_read_with_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let q = dir.path().join("q.jsonl");
        std::fs::write(
            &q,
            concat!(
                r#"{"request_id":"a","kind":"criminal_record","surname":"Ким","given_name":"Ерлан","iin":null}"#,
                "\n\n",
                r#"{"request_id":"b","kind":"administrative_offences","surname":"Ким","given_name":"Ерлан","birth_date":"1980"}"#,
                "\n"
            ),
        )
        .unwrap();
        let rs = load_requests(&q).unwrap();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[1].kind, QueryKind::AdministrativeOffences);
        assert_eq!(rs[1].request.birth_date.as_deref(), Some("1980"));

        std::fs::write(
            &q,
            r#"{"request_id":"c","kind":"CRIMINAL","surname":"Ким","given_name":"Ерлан"}"#,
        )
        .unwrap();
        let err = load_requests(&q).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("kind"), "{err}");
        std::fs::write(&q, "not json\n").unwrap();
        let err = format!("{:#}", load_requests(&q).unwrap_err());
        assert!(err.contains("line 1"), "{err}");
        std::fs::write(&q, "\n").unwrap();
        assert!(load_requests(&q).is_err(), "an empty file is an error");

        let e = dir.path().join("d.jsonl");
        std::fs::write(
            &e,
            concat!(
                r#"{"request_id":"a","decision":"clear","band":"clear","candidates":[]}"#,
                "\n",
                r#"{"request_id":"b","decision":"review"}"#,
                "\n",
                r#"{"request_id":"c","line":3,"error":"must not be empty","field":"surname"}"#,
                "\n",
                r#"{"line":4,"error":"not JSON","field":""}"#,
                "\n"
            ),
        )
        .unwrap();
        let ex = load_expectations(&e).unwrap();
        assert_eq!(ex.len(), 3);
        assert_eq!(ex["a"], Expected::Clear);
        assert_eq!(ex["b"], Expected::Review);
        assert_eq!(ex["c"], Expected::InvalidArgument);
        std::fs::write(&e, r#"{"request_id":"a","decision":"maybe"}"#).unwrap();
        assert!(load_expectations(&e).is_err());
    }
}
