//! The server's own counters (`ServiceMetrics`: calls by outcome, a latency histogram) and the
//! Prometheus text endpoint, `GET /metrics` over HTTP/1.1, that shows them together with the
//! engine's (`EngineMetrics`: decisions, reviews, candidates scored, how often each candidate
//! path's cap cut a block short). Owns the exposition format. It must never expose anything but counts, the
//! index size and the model version: no request id, name, IIN or date.

use crate::matching::engine::Engine;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;

/// Upper bounds (microseconds) of the latency histogram's buckets; the last bucket is +Inf.
pub const LATENCY_BUCKETS_MICROS: [u64; 11] = [
    50, 100, 200, 300, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 250_000,
];

/// Counters of the certificate service, shared by its handlers and the metrics endpoint.
#[derive(Debug, Default)]
pub struct ServiceMetrics {
    /// Calls answered with a decision.
    pub decided: AtomicU64,
    /// Calls answered INVALID_ARGUMENT.
    pub rejected: AtomicU64,
    /// Calls answered INTERNAL (a decision panicked).
    pub failed: AtomicU64,
    /// Decided calls by handler time (request in → decision out), each counted once, in the
    /// first bucket that holds it; `render` makes the counts cumulative.
    latency_buckets: [AtomicU64; LATENCY_BUCKETS_MICROS.len() + 1],
    latency_sum_micros: AtomicU64,
}

impl ServiceMetrics {
    /// One decided call that took `micros` in the handler.
    pub fn observe_decision(&self, micros: u64) {
        let bucket = LATENCY_BUCKETS_MICROS.partition_point(|&b| b < micros);
        self.latency_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.decided.fetch_add(1, Ordering::Relaxed);
    }
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} counter");
    let _ = writeln!(out, "{name} {value}");
}

/// Escape a Prometheus label value (backslash, double quote, newline).
fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The Prometheus text exposition (format 0.0.4) of every counter.
pub fn render(engine: &Engine, service: &ServiceMetrics) -> String {
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "# HELP tanu_info The model deciding and the size of the open index."
    );
    let _ = writeln!(out, "# TYPE tanu_info gauge");
    let _ = writeln!(
        out,
        "tanu_info{{model_version=\"{}\"}} 1",
        label_value(engine.model_version())
    );
    let _ = writeln!(out, "# HELP tanu_index_persons Persons in the open index.");
    let _ = writeln!(out, "# TYPE tanu_index_persons gauge");
    let _ = writeln!(out, "tanu_index_persons {}", engine.index().len());

    let _ = writeln!(
        out,
        "# HELP tanu_calls_total Certificate calls by outcome (decided, rejected: INVALID_ARGUMENT, failed: INTERNAL)."
    );
    let _ = writeln!(out, "# TYPE tanu_calls_total counter");
    for (outcome, v) in [
        ("decided", &service.decided),
        ("rejected", &service.rejected),
        ("failed", &service.failed),
    ] {
        let _ = writeln!(
            out,
            "tanu_calls_total{{outcome=\"{outcome}\"}} {}",
            v.load(Ordering::Relaxed)
        );
    }

    let _ = writeln!(
        out,
        "# HELP tanu_decision_seconds Handler time of decided calls (request in, decision out)."
    );
    let _ = writeln!(out, "# TYPE tanu_decision_seconds histogram");
    let mut cumulative = 0u64;
    for (i, b) in service.latency_buckets.iter().enumerate() {
        cumulative += b.load(Ordering::Relaxed);
        let le = LATENCY_BUCKETS_MICROS
            .get(i)
            .map_or("+Inf".to_string(), |&us| format!("{}", us as f64 / 1e6));
        let _ = writeln!(
            out,
            "tanu_decision_seconds_bucket{{le=\"{le}\"}} {cumulative}"
        );
    }
    let _ = writeln!(
        out,
        "tanu_decision_seconds_sum {}",
        service.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "tanu_decision_seconds_count {cumulative}");

    let mut caps = Vec::new();
    for (name, value) in engine.metrics().snapshot() {
        match name.strip_prefix("cap_hits_") {
            Some(path) => caps.push((path.to_string(), value)),
            None => counter(
                &mut out,
                &format!("tanu_engine_{name}_total"),
                match name.as_str() {
                    "decisions" => "Decisions made by the engine.",
                    "reviews" => "Decisions that sent the request to review.",
                    "sparse_reviews" => {
                        "Reviews resting on the below-threshold rules alone (no candidate reached the threshold)."
                    }
                    "names_only_reviews" => {
                        "Sparse reviews resting on names-only records alone (no IIN, no birth date)."
                    }
                    "candidates_scored" => "Candidates scored over all decisions.",
                    _ => "Engine counter.",
                },
                value,
            ),
        }
    }
    let _ = writeln!(
        out,
        "# HELP tanu_engine_cap_hits_total How often a candidate path's cap cut a block short."
    );
    let _ = writeln!(out, "# TYPE tanu_engine_cap_hits_total counter");
    for (path, value) in caps {
        let _ = writeln!(
            out,
            "tanu_engine_cap_hits_total{{path=\"{}\"}} {value}",
            label_value(&path)
        );
    }
    out
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, v);
    }
    response
}

fn answer(
    request: &Request<Incoming>,
    engine: &Engine,
    service: &ServiceMetrics,
) -> Response<Full<Bytes>> {
    const TEXT: &str = "text/plain; charset=utf-8";
    if request.uri().path() != "/metrics" {
        return respond(
            StatusCode::NOT_FOUND,
            TEXT,
            "only /metrics is here\n".into(),
        );
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return respond(
            StatusCode::METHOD_NOT_ALLOWED,
            TEXT,
            "GET /metrics\n".into(),
        );
    }
    respond(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        render(engine, service),
    )
}

/// Serve `GET /metrics` on `listener` until this future is dropped, which also ends every
/// connection it opened. A connection that fails is logged and dropped; the endpoint keeps
/// accepting.
pub async fn serve_metrics(
    listener: TcpListener,
    engine: Arc<Engine>,
    service: Arc<ServiceMetrics>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(%error, "metrics endpoint: accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let (engine, service) = (engine.clone(), service.clone());
        connections.spawn(async move {
            let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
                let response = answer(&request, &engine, &service);
                async move { Ok::<_, Infallible>(response) }
            });
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), handler)
                .await
            {
                tracing::debug!(%error, "metrics endpoint: connection ended with an error");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_lands_in_the_first_bucket_that_holds_it() {
        let m = ServiceMetrics::default();
        for us in [10, 50, 51, 999, 1_000, 1_001, 10_000_000] {
            m.observe_decision(us);
        }
        let counts: Vec<u64> = m
            .latency_buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        // ≤50: 10, 50; ≤100: 51; ≤1000: 999, 1000; ≤2000: 1001; +Inf: 10 s.
        assert_eq!(counts, vec![2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 1]);
        assert_eq!(m.decided.load(Ordering::Relaxed), 7);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(label_value("x\ny"), "x\\ny");
    }
}
