//! `tanu due` and `tanu certificate keygen|issue|verify`: argument handling and output for the
//! deadline calculator and the signed certificates. The rules and signatures themselves live in
//! the library (`rules`, `certificate`); this must never change what they decide.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, FixedOffset};
use std::path::Path;
use tanu::certificate::{
    CertificateContent, CertificateDocument, Ed25519Signer, Subject, keygen, sign_document,
    verify_certificate,
};
use tanu::matching::decision::Verdict;
use tanu::matching::engine::Engine;
use tanu::matching::query::{Query, QueryInput, QueryKind};
use tanu::rules::calendar::shipped_calendar;
use tanu::rules::deadline::{DeadlineKind, due as due_at, to_kazakhstan_time};
use tanu::rules::{CertificateKind, shipped_rule_versions};

use super::match_cmd::today_in_kazakhstan;

pub fn due(kind: &str, received: &str) -> Result<()> {
    let kind: DeadlineKind = kind.parse()?;
    let received = DateTime::parse_from_rfc3339(received.trim()).with_context(|| {
        format!("--received {received:?} is not an RFC 3339 time with an offset")
    })?;
    let at = due_at(kind, received, shipped_calendar())?;
    println!("{}", at.format("%Y-%m-%dT%H:%M:%S%:z"));
    Ok(())
}

pub fn certificate_keygen(out: &Path) -> Result<()> {
    let public = keygen(out).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "wrote {} (private, mode 0600) and {}",
        out.display(),
        public.display()
    );
    Ok(())
}

fn now_in_kazakhstan() -> Result<DateTime<FixedOffset>> {
    let now = chrono::Utc::now();
    let now = now.with_timezone(&FixedOffset::east_opt(0).expect("UTC"));
    Ok(to_kazakhstan_time(&now)?)
}

fn certificate_number(issued: &DateTime<FixedOffset>) -> String {
    let mut bytes = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("KZ-TANU-{}-{hex}", issued.format("%Y%m%d"))
}

pub fn certificate_issue(
    index: &Path,
    request: &Path,
    key: &Path,
    out: &Path,
    model: Option<&Path>,
) -> Result<()> {
    let text = std::fs::read_to_string(request)
        .with_context(|| format!("reading {}", request.display()))?;
    let input: QueryInput = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a query object", request.display()))?;
    let query = Query::from_input(input.clone(), today_in_kazakhstan())
        .map_err(|e| anyhow::anyhow!("invalid query: {e}"))?;
    let signer = Ed25519Signer::from_file(key)
        .with_context(|| format!("reading the key {}", key.display()))?;
    let engine = Engine::open_with(index, super::engine_options(model, false)?)
        .with_context(|| format!("opening the index {}", index.display()))?;
    let decision = engine.decide(&query);
    if decision.decision == Verdict::Review {
        bail!(
            "request {} needs review by a clerk (band {:?}): a similar person is in the special records, so no certificate is issued automatically",
            query.request_id,
            decision.band
        );
    }
    let kind = match query.kind {
        QueryKind::CriminalRecord => CertificateKind::CriminalRecord,
        QueryKind::AdministrativeOffences => CertificateKind::AdministrativeOffences,
    };
    let issued_at = now_in_kazakhstan()?;
    let document = CertificateDocument {
        number: certificate_number(&issued_at),
        issued_at,
        subject: Subject {
            person_id: None,
            iin: input.iin.filter(|s| !s.trim().is_empty()),
            surname: input.surname,
            given_name: input.given_name,
            patronymic: input.patronymic,
            birth_date: input.birth_date,
        },
        kind,
        content: CertificateContent::clean(kind),
        rule_versions: shipped_rule_versions(),
    };
    let bytes = sign_document(&document, &signer)?;
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "issued certificate {} for request {} ({}), model {}",
        document.number,
        query.request_id,
        kind_name(kind),
        decision.model_version
    );
    Ok(())
}

fn kind_name(kind: CertificateKind) -> &'static str {
    match kind {
        CertificateKind::CriminalRecord => "criminal_record",
        CertificateKind::AdministrativeOffences => "administrative_offences",
    }
}

pub fn certificate_verify(cert: &Path, public_key: &Path) -> Result<()> {
    let cert_bytes = std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?;
    let key_bytes =
        std::fs::read(public_key).with_context(|| format!("reading {}", public_key.display()))?;
    let doc = verify_certificate(&cert_bytes, &key_bytes)
        .with_context(|| format!("{} is NOT valid", cert.display()))?;
    println!(
        "valid: certificate {} issued {} ({}): {}",
        doc.number,
        doc.issued_at.format("%Y-%m-%dT%H:%M:%S%:z"),
        kind_name(doc.kind),
        doc.content.text
    );
    Ok(())
}
