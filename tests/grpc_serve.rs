//! End to end over gRPC: a small registry → index → `Engine` → `tanu serve` on loopback →
//! tonic clients. Checks that both RPCs answer exactly what the engine decides, that bad input
//! is INVALID_ARGUMENT naming the field, that health says SERVING and that reflection lists the
//! service. It must never assert a particular verdict (the matching model is not this test's).

use prost::Message;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tanu::matching::decision::Verdict;
use tanu::matching::engine::Engine;
use tanu::matching::query::{Query, QueryInput};
use tanu::service::pb;
use tanu::service::pb::certificate_service_client::CertificateServiceClient;
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tokio::sync::oneshot;
use tonic::Code;
use tonic::transport::Channel;

/// Bound on every network step of the test.
const STEP: Duration = Duration::from_secs(10);

const REGISTRY: &[&str] = &[
    r#"{"person_id":"P1","iin":"870412300129","surname":"Жұмабаев","given_name":"Ерлан","patronymic":"Нұрланұлы","birth_date":"1987-04-12","sex":"M","convictions":[{"verdict_date":"2010-05-01","court":"Алматы","articles":["188"],"category":"medium","punishment":"imprisonment","conditional":false,"sentence_end":"2012-05-01"}],"admin_offences":[]}"#,
    r#"{"person_id":"P2","iin":"920315400566","surname":"Сейтқали","given_name":"Айгүл","patronymic":"Бекқызы","birth_date":"1992-03-15","sex":"F","convictions":[],"admin_offences":[{"decision_date":"2025-06-01","article":"608","penalty":"fine","executed_date":"2025-07-01"}]}"#,
    r#"{"person_id":"P3","iin":"751122300785","surname":"Ким","given_name":"Виктор","patronymic":"Сергеевич","birth_date":"1975-11-22","sex":"M","convictions":[{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":true,"probation_end":"2021-02-11"}],"admin_offences":[]}"#,
    r#"{"person_id":"P4","iin":"010203500918","surname":"Оспанов","given_name":"Данияр","birth_date":"2001-02-03","sex":"M","convictions":[{"verdict_date":"2022-09-30","court":"Шымкент","articles":["293"],"category":"grave","punishment":"imprisonment","conditional":false,"sentence_end":"2026-09-30"}],"admin_offences":[]}"#,
    r#"{"person_id":"P5","iin":"880701400336","surname":"Ахметова","given_name":"Сәуле","patronymic":"Серікқызы","birth_date":"1988-07-01","sex":"F","convictions":[],"admin_offences":[{"decision_date":"2024-01-10","article":"434","penalty":"warning"}]}"#,
];

/// Which RPC a query goes to.
#[derive(Clone, Copy, Debug)]
enum Rpc {
    Criminal,
    Admin,
}

impl Rpc {
    fn kind(self) -> &'static str {
        match self {
            Rpc::Criminal => "criminal_record",
            Rpc::Admin => "administrative_offences",
        }
    }
}

fn request(
    id: &str,
    iin: Option<&str>,
    surname: &str,
    given: &str,
    patronymic: Option<&str>,
    birth: Option<&str>,
    as_of: Option<&str>,
) -> pb::CheckRequest {
    pb::CheckRequest {
        request_id: id.into(),
        iin: iin.map(Into::into),
        surname: surname.into(),
        given_name: given.into(),
        patronymic: patronymic.map(Into::into),
        birth_date: birth.map(Into::into),
        as_of: as_of.map(Into::into),
    }
}

fn input_of(rpc: Rpc, r: &pb::CheckRequest) -> QueryInput {
    QueryInput {
        request_id: r.request_id.clone(),
        kind: rpc.kind().into(),
        iin: r.iin.clone(),
        surname: r.surname.clone(),
        given_name: r.given_name.clone(),
        patronymic: r.patronymic.clone(),
        birth_date: r.birth_date.clone(),
        as_of: r.as_of.clone(),
    }
}

async fn call(
    client: &mut CertificateServiceClient<Channel>,
    rpc: Rpc,
    r: pb::CheckRequest,
) -> Result<pb::CheckResponse, tonic::Status> {
    let fut = async {
        match rpc {
            Rpc::Criminal => client.check_criminal_record(r).await,
            Rpc::Admin => client.check_administrative_offences(r).await,
        }
    };
    tokio::time::timeout(STEP, fut)
        .await
        .expect("call timed out")
        .map(tonic::Response::into_inner)
}

struct Running {
    addr: SocketAddr,
    engine: Arc<Engine>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), tanu::service::ServeError>>,
    _dir: tempfile::TempDir,
}

fn build(dir: &Path) -> Engine {
    let src = dir.join("export.jsonl");
    std::fs::write(&src, REGISTRY.join("\n") + "\n").unwrap();
    let out = dir.join("index");
    let summary = build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    assert_eq!(summary.counts.persons, REGISTRY.len() as u64);
    Engine::open(&out).unwrap()
}

async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(build(dir.path()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(tanu::service::serve_on(
        engine.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    Running {
        addr,
        engine,
        stop: Some(stop),
        task,
        _dir: dir,
    }
}

async fn channel(addr: SocketAddr) -> Channel {
    tokio::time::timeout(
        STEP,
        Channel::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect_timeout(STEP)
            .connect(),
    )
    .await
    .expect("connect timed out")
    .expect("connect")
}

impl Running {
    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(STEP, self.task)
            .await
            .expect("server did not stop")
            .unwrap()
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_equal_the_engines() {
    decisions_equal_the_engines_on_this_runtime().await;
}

/// The server also runs on a current-thread runtime (decisions run on the thread that received
/// the call, whatever the runtime).
#[tokio::test(flavor = "current_thread")]
async fn decisions_equal_the_engines_on_a_current_thread_runtime() {
    decisions_equal_the_engines_on_this_runtime().await;
}

async fn decisions_equal_the_engines_on_this_runtime() {
    let server = start().await;
    let mut client = CertificateServiceClient::new(channel(server.addr).await);
    let day = Some("2026-03-01");
    let cases = [
        // Exact registry persons, both kinds.
        (
            Rpc::Criminal,
            request(
                "c1",
                Some("870412300129"),
                "Жұмабаев",
                "Ерлан",
                Some("Нұрланұлы"),
                Some("1987-04-12"),
                day,
            ),
        ),
        (
            Rpc::Admin,
            request(
                "a1",
                Some("920315400566"),
                "Сейтқали",
                "Айгүл",
                Some("Бекқызы"),
                Some("1992-03-15"),
                day,
            ),
        ),
        (
            Rpc::Criminal,
            request(
                "a1-as-criminal",
                Some("920315400566"),
                "Сейтқали",
                "Айгүл",
                Some("Бекқызы"),
                Some("1992-03-15"),
                day,
            ),
        ),
        // Latin script, swapped order, no IIN.
        (
            Rpc::Criminal,
            request(
                "c2",
                None,
                "Yerlan",
                "Zhumabayev",
                None,
                Some("1987-04-12"),
                day,
            ),
        ),
        // An IIN one digit off (fails its check digit).
        (
            Rpc::Criminal,
            request(
                "c3",
                Some("751122300786"),
                "Ким",
                "Виктор",
                Some("Сергеевич"),
                Some("1975-11-22"),
                day,
            ),
        ),
        // Nobody like this in the registry.
        (
            Rpc::Criminal,
            request(
                "c4",
                Some("880701400346"),
                "Тоқтаров",
                "Асылбек",
                None,
                Some("1988-07-01"),
                day,
            ),
        ),
        (
            Rpc::Admin,
            request("a2", None, "Нұрланова", "Гүлнар", None, Some("1990"), day),
        ),
        // Partial birth date, no patronymic, default as_of (today in Kazakhstan).
        (
            Rpc::Admin,
            request("a3", None, "Ахметова", "Сәуле", None, Some("1988-07"), None),
        ),
        (
            Rpc::Criminal,
            request("c5", Some(""), "Оспанов", "Данияр", Some(""), None, None),
        ),
    ];
    for (rpc, req) in cases {
        let input = input_of(rpc, &req);
        let got = call(&mut client, rpc, req).await.unwrap();
        let today = tanu::service::kazakhstan_today();
        let want = server
            .engine
            .decide(&Query::from_input(input.clone(), today).unwrap());
        let want_decision = match want.decision {
            Verdict::Clear => pb::Decision::Clear,
            Verdict::Review => pb::Decision::Review,
        };
        assert_eq!(got.request_id, input.request_id);
        assert_eq!(
            got.decision(),
            want_decision,
            "{rpc:?} {}",
            input.request_id
        );
        assert_eq!(got.model_version, server.engine.model_version());
        // Only the decision leaves the server: nothing of a registry person.
        let bytes = got.encode_to_vec();
        for line in REGISTRY {
            let person: serde_json::Value = serde_json::from_str(line).unwrap();
            for field in ["person_id", "iin", "surname", "given_name"] {
                let value = person[field].as_str().unwrap().as_bytes();
                assert!(
                    !bytes.windows(value.len()).any(|w| w == value),
                    "{} leaks {field}",
                    input.request_id
                );
            }
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_names_the_field() {
    let server = start().await;
    let mut client = CertificateServiceClient::new(channel(server.addr).await);
    let day = Some("2026-03-01");
    let cases = [
        (
            Rpc::Criminal,
            request("e1", None, "", "Ерлан", None, None, day),
            "surname",
        ),
        (
            Rpc::Admin,
            request("e2", None, "   ", "Ерлан", None, None, day),
            "surname",
        ),
        (
            Rpc::Criminal,
            request(
                "e3",
                None,
                "Жұмабаев",
                "Ерлан",
                None,
                Some("1987-13-45"),
                day,
            ),
            "birth_date",
        ),
        (
            Rpc::Admin,
            request("e4", None, "Жұмабаев", "Ерлан", None, Some("12.04.87"), day),
            "birth_date",
        ),
        (
            Rpc::Criminal,
            request("e5", None, "Жұмабаев", "", None, None, day),
            "given_name",
        ),
        (
            Rpc::Criminal,
            request("", None, "Жұмабаев", "Ерлан", None, None, day),
            "request_id",
        ),
        (
            Rpc::Admin,
            request(
                "e7",
                None,
                "Жұмабаев",
                "Ерлан",
                None,
                None,
                Some("yesterday"),
            ),
            "as_of",
        ),
    ];
    for (rpc, req, field) in cases {
        let status = call(&mut client, rpc, req).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert!(
            status.message().starts_with(&format!("{field}: ")),
            "{field}: {:?}",
            status.message()
        );
    }
    // An oversized request is refused before it reaches the engine.
    let huge = request("e8", None, &"Ж".repeat(100_000), "Ерлан", None, None, day);
    let status = call(&mut client, Rpc::Criminal, huge).await.unwrap_err();
    assert_ne!(status.code(), Code::Ok);
    // The server is still fine afterwards.
    let ok = request("ok", None, "Жұмабаев", "Ерлан", None, None, day);
    call(&mut client, Rpc::Criminal, ok).await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_serving() {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;

    let server = start().await;
    let mut health = HealthClient::new(channel(server.addr).await);
    for service in ["tanu.v1.CertificateService", ""] {
        let reply = tokio::time::timeout(
            STEP,
            health.check(HealthCheckRequest {
                service: service.into(),
            }),
        )
        .await
        .unwrap()
        .unwrap()
        .into_inner();
        assert_eq!(reply.status(), ServingStatus::Serving, "{service:?}");
    }
    let unknown = tokio::time::timeout(
        STEP,
        health.check(HealthCheckRequest {
            service: "tanu.v1.NoSuchService".into(),
        }),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflection_lists_the_service() {
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1::{FileDescriptorResponse, ServerReflectionRequest};

    let server = start().await;
    let mut reflection = ServerReflectionClient::new(channel(server.addr).await);
    let asks = [
        MessageRequest::ListServices(String::new()),
        MessageRequest::FileContainingSymbol("tanu.v1.CertificateService".into()),
    ];
    let requests = tokio_stream::iter(asks.map(|m| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(m),
    }));
    let mut replies = tokio::time::timeout(STEP, reflection.server_reflection_info(requests))
        .await
        .unwrap()
        .unwrap()
        .into_inner();

    let first = tokio::time::timeout(STEP, replies.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = first.message_response else {
        panic!("not a service list: {first:?}");
    };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    for want in [
        "tanu.v1.CertificateService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }

    let second = tokio::time::timeout(STEP, replies.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Some(MessageResponse::FileDescriptorResponse(FileDescriptorResponse {
        file_descriptor_proto,
    })) = second.message_response
    else {
        panic!("no descriptor: {second:?}");
    };
    let files: Vec<FileDescriptor> = file_descriptor_proto
        .iter()
        .map(|b| FileDescriptor::decode(b.as_slice()).unwrap())
        .collect();
    let service = files
        .iter()
        .flat_map(|f| &f.service)
        .find(|s| s.name == "CertificateService")
        .expect("CertificateService descriptor");
    let methods: Vec<&str> = service.method.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        methods,
        ["CheckCriminalRecord", "CheckAdministrativeOffences"]
    );
    drop(replies);
    server.stop().await;
}

/// The part of `google.protobuf.FileDescriptorProto` this test reads (other fields are skipped).
#[derive(Clone, PartialEq, prost::Message)]
struct FileDescriptor {
    #[prost(message, repeated, tag = "6")]
    service: Vec<ServiceDescriptor>,
}

/// The part of `google.protobuf.ServiceDescriptorProto` this test reads.
#[derive(Clone, PartialEq, prost::Message)]
struct ServiceDescriptor {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(message, repeated, tag = "2")]
    method: Vec<MethodDescriptor>,
}

/// The part of `google.protobuf.MethodDescriptorProto` this test reads.
#[derive(Clone, PartialEq, prost::Message)]
struct MethodDescriptor {
    #[prost(string, tag = "1")]
    name: String,
}

/// One HTTP/1.1 request to the metrics endpoint: (status line, body).
async fn http_get(addr: SocketAddr, method: &str, path: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::time::timeout(STEP, tokio::net::TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    let request = format!("{method} {path} HTTP/1.1\r\nHost: tanu\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(STEP, stream.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_endpoint_counts_calls_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(build(dir.path()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (addr, metrics_addr) = (
        listener.local_addr().unwrap(),
        metrics.local_addr().unwrap(),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(tanu::service::serve_on_with(
        engine.clone(),
        listener,
        Some(metrics),
        async move {
            let _ = stopped.await;
        },
    ));
    let mut client = CertificateServiceClient::new(channel(addr).await);
    let day = Some("2026-03-01");
    let ok = [
        request(
            "m1",
            Some("870412300129"),
            "Жұмабаев",
            "Ерлан",
            None,
            None,
            day,
        ),
        request("m2", None, "Тоқтаров", "Асылбек", None, Some("1988"), day),
    ];
    for r in ok {
        call(&mut client, Rpc::Criminal, r).await.unwrap();
    }
    let bad = request("m3", None, "", "Ерлан", None, None, day);
    assert_eq!(
        call(&mut client, Rpc::Admin, bad).await.unwrap_err().code(),
        Code::InvalidArgument
    );

    let (status, body) = http_get(metrics_addr, "GET", "/metrics").await;
    assert!(status.contains("200"), "{status}");
    for line in [
        "tanu_calls_total{outcome=\"decided\"} 2",
        "tanu_calls_total{outcome=\"rejected\"} 1",
        "tanu_calls_total{outcome=\"failed\"} 0",
        "tanu_decision_seconds_bucket{le=\"+Inf\"} 2",
        "tanu_decision_seconds_count 2",
        "tanu_engine_decisions_total 2",
        "tanu_index_persons 5",
        "tanu_engine_cap_hits_total{path=\"iin\"} 0",
    ] {
        assert!(body.lines().any(|l| l == line), "{line} missing:\n{body}");
    }
    assert!(body.contains(&format!(
        "tanu_info{{model_version=\"{}\"}} 1",
        engine.model_version()
    )));
    // Buckets are cumulative: never decreasing.
    let buckets: Vec<u64> = body
        .lines()
        .filter(|l| l.starts_with("tanu_decision_seconds_bucket"))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
    // Counts only: no request id, name or IIN of anyone.
    for secret in [
        "m1",
        "m2",
        "870412300129",
        "Жұмабаев",
        "Тоқтаров",
        "Ерлан",
        "P1",
    ] {
        assert!(!body.contains(secret), "/metrics shows {secret}");
    }
    let (status, _) = http_get(metrics_addr, "GET", "/other").await;
    assert!(status.contains("404"), "{status}");
    let (status, _) = http_get(metrics_addr, "POST", "/metrics").await;
    assert!(status.contains("405"), "{status}");

    stop.send(()).unwrap();
    tokio::time::timeout(STEP, task)
        .await
        .expect("server did not stop")
        .unwrap()
        .unwrap();
    // The endpoint stopped with the server.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        tokio::net::TcpStream::connect(metrics_addr).await.is_err(),
        "/metrics still accepts after the server stopped"
    );
}
