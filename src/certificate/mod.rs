//! Signed certificates: the document model, its canonical byte form, the pluggable `Signer`
//! (Ed25519 now, the national signature later), key generation, signing, and offline
//! verification of a CERT file. A CERT is accepted only if it is byte for byte the canonical
//! form of what was signed; this module must never accept a file with any byte changed, and
//! never panic on a corrupt file or key.

use crate::rules::{Analysis, CertificateKind, RecordStatus, RecordType, RuleVersions};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, FixedOffset, NaiveDate};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use tanu_index::source::{SourceAdminOffence, SourceConviction};

/// The `format` of every CERT this version writes; also the first thing signed.
pub const CERT_FORMAT: &str = "tanu-certificate/1";
/// The algorithm name of [`Ed25519Signer`].
pub const ED25519: &str = "ed25519";

/// The person a certificate is about, as identified for the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// The registry's person id when a person was found, else `None`.
    pub person_id: Option<String>,
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    /// "YYYY-MM-DD", "YYYY-MM" or "YYYY" as given.
    pub birth_date: Option<String>,
}

/// Which source array a shown record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShownRecordType {
    Conviction,
    AdminOffence,
}

/// A record the certificate shows (a current conviction, an offence that still counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShownRecord {
    #[serde(rename = "type")]
    pub record_type: ShownRecordType,
    pub description: String,
    /// The day it is expunged or stops counting, when known.
    pub effective_date: Option<NaiveDate>,
}

/// What the certificate says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateContent {
    /// The statement: "has no criminal record", or the heading and lines of what is shown.
    pub text: String,
    pub records: Vec<ShownRecord>,
}

impl CertificateContent {
    /// The content for a found person from the analysis of their records (the same records the
    /// analysis was made from). `None` while a record needs a clerk: no certificate is issued
    /// until the clerk decides.
    pub fn from_analysis(
        analysis: &Analysis,
        convictions: &[SourceConviction],
        offences: &[SourceAdminOffence],
    ) -> Option<CertificateContent> {
        if analysis.needs_clerk() {
            return None;
        }
        let records = analysis
            .records
            .iter()
            .filter(|r| r.status == RecordStatus::Current)
            .filter_map(|r| {
                let (record_type, description) = match r.record_type {
                    RecordType::Conviction => (
                        ShownRecordType::Conviction,
                        crate::rules::content::describe_conviction(convictions.get(r.index)?),
                    ),
                    RecordType::AdminOffence => (
                        ShownRecordType::AdminOffence,
                        crate::rules::content::describe_offence(offences.get(r.index)?),
                    ),
                };
                Some(ShownRecord {
                    record_type,
                    description,
                    effective_date: r.effective_date,
                })
            })
            .collect();
        Some(CertificateContent {
            text: analysis.certificate_text.clone(),
            records,
        })
    }

    /// The content when matching found no similar person.
    pub fn clean(kind: CertificateKind) -> CertificateContent {
        CertificateContent {
            text: match kind {
                CertificateKind::CriminalRecord => crate::rules::content::NO_CRIMINAL_RECORD,
                CertificateKind::AdministrativeOffences => crate::rules::content::NO_ADMIN_OFFENCES,
            }
            .to_string(),
            records: Vec::new(),
        }
    }
}

/// The certificate as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateDocument {
    pub number: String,
    /// Written to whole seconds with its offset ("2025-03-14T10:00:00+05:00").
    #[serde(with = "rfc3339_seconds")]
    pub issued_at: DateTime<FixedOffset>,
    pub subject: Subject,
    pub kind: CertificateKind,
    pub content: CertificateContent,
    pub rule_versions: RuleVersions,
}

mod rfc3339_seconds {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S%:z"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

/// Who signed, as recorded in the CERT (and covered by the signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerInfo {
    pub algorithm: String,
    /// "sha256:" and the hex SHA-256 of the raw public key.
    pub key_id: String,
}

/// The CERT file: one line of canonical JSON and a newline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    document: CertificateDocument,
    signer: SignerInfo,
    /// Base64 (standard, padded) of the signature over [`signed_bytes`].
    signature: String,
}

/// What the signature covers: the format, the document and the signer, as canonical JSON.
#[derive(Serialize)]
struct SignedPart<'a> {
    format: &'a str,
    document: &'a CertificateDocument,
    signer: &'a SignerInfo,
}

fn signed_bytes(document: &CertificateDocument, signer: &SignerInfo) -> Result<Vec<u8>, String> {
    serde_json::to_vec(&SignedPart {
        format: CERT_FORMAT,
        document,
        signer,
    })
    .map_err(|e| e.to_string())
}

fn canonical_file(envelope: &Envelope) -> Result<Vec<u8>, String> {
    let mut bytes = serde_json::to_vec(envelope).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A signing failure.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot serialise the certificate: {0}")]
    Serialise(String),
    #[error("the signer failed: {0}")]
    Signer(String),
}

/// Something that signs bytes: the committee's Ed25519 key now, the national signature later.
pub trait Signer {
    /// The algorithm name written to the CERT (`ed25519`).
    fn algorithm(&self) -> &str;
    /// The key id written to the CERT; a verifier checks it against its public key.
    fn key_id(&self) -> String;
    /// The signature over `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// "sha256:" + hex SHA-256 of a raw public key.
pub fn key_id_of(public_key: &[u8]) -> String {
    let digest = Sha256::digest(public_key);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The committee's Ed25519 key.
pub struct Ed25519Signer {
    key: SigningKey,
}

impl Ed25519Signer {
    /// From the contents of a KEY file (PKCS#8 PEM, "BEGIN PRIVATE KEY").
    pub fn from_pem(pem: &str) -> Result<Ed25519Signer, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem)
            .map_err(|e| KeyError::Format(format!("private key: {e}")))?;
        Ok(Ed25519Signer { key })
    }

    /// Read a KEY file.
    pub fn from_file(path: &Path) -> Result<Ed25519Signer, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|error| KeyError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Ed25519Signer::from_pem(&text)
    }

    /// The public key in KEY.pub form (SPKI PEM, "BEGIN PUBLIC KEY").
    pub fn public_key_pem(&self) -> Result<String, KeyError> {
        self.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::Format(format!("public key: {e}")))
    }
}

impl Signer for Ed25519Signer {
    fn algorithm(&self) -> &str {
        ED25519
    }

    fn key_id(&self) -> String {
        key_id_of(self.key.verifying_key().as_bytes())
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        use ed25519_dalek::Signer as _;
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

/// A key file that cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        /// In the message, not a `source`: a caller printing the chain sees it once.
        error: std::io::Error,
    },
    #[error("{}: already exists; refusing to overwrite a key", .0.display())]
    Exists(PathBuf),
    #[error("bad key: {0}")]
    Format(String),
}

/// The path of the public key written beside `key`: the same name with ".pub" appended.
pub fn public_key_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), KeyError> {
    let io = |error| KeyError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path.to_path_buf())
        } else {
            io(e)
        }
    })?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Generate an Ed25519 key: KEY (`out`, PKCS#8 PEM, mode 0600) and KEY.pub (SPKI PEM). Refuses
/// to overwrite either file. Returns the path of KEY.pub.
pub fn keygen(out: &Path) -> Result<PathBuf, KeyError> {
    let pub_path = public_key_path(out);
    for p in [out, pub_path.as_path()] {
        if p.exists() {
            return Err(KeyError::Exists(p.to_path_buf()));
        }
    }
    let signer = Ed25519Signer {
        key: SigningKey::generate(&mut rand_core::OsRng),
    };
    let private = signer
        .key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Format(format!("private key: {e}")))?;
    let public = signer.public_key_pem()?;
    write_new(out, private.as_bytes(), true)?;
    write_new(&pub_path, public.as_bytes(), false)?;
    Ok(pub_path)
}

/// Sign a document: the bytes of the CERT file (one line of canonical JSON and a newline).
pub fn sign_document(
    document: &CertificateDocument,
    signer: &dyn Signer,
) -> Result<Vec<u8>, SignError> {
    let info = SignerInfo {
        algorithm: signer.algorithm().to_string(),
        key_id: signer.key_id(),
    };
    let message = signed_bytes(document, &info).map_err(SignError::Serialise)?;
    let signature = signer.sign(&message)?;
    canonical_file(&Envelope {
        format: CERT_FORMAT.to_string(),
        document: document.clone(),
        signer: info,
        signature: BASE64.encode(signature),
    })
    .map_err(SignError::Serialise)
}

/// Why a CERT did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("certificate is not a tanu certificate: {0}")]
    Malformed(String),
    #[error("certificate bytes differ from their canonical form: the file was altered")]
    NotCanonical,
    #[error("unsupported certificate format `{0}` (expected {CERT_FORMAT})")]
    UnsupportedFormat(String),
    #[error("unsupported signature algorithm `{0}` (expected {ED25519})")]
    UnsupportedAlgorithm(String),
    #[error("bad public key file: {0}")]
    PublicKey(String),
    #[error("certificate was signed by key {in_certificate}, not by the given key {given}")]
    KeyMismatch {
        in_certificate: String,
        given: String,
    },
    #[error("signature does not verify: the certificate was altered or not signed by this key")]
    BadSignature,
}

/// Check a CERT offline against a KEY.pub file. Returns the document only if every byte of the
/// file is the canonical form of a document signed by that key.
pub fn verify_certificate(
    cert_bytes: &[u8],
    public_key_file_bytes: &[u8],
) -> Result<CertificateDocument, VerifyError> {
    let key_text = std::str::from_utf8(public_key_file_bytes)
        .map_err(|_| VerifyError::PublicKey("not UTF-8 PEM".into()))?;
    let key = VerifyingKey::from_public_key_pem(key_text.trim())
        .map_err(|e| VerifyError::PublicKey(e.to_string()))?;
    let envelope: Envelope =
        serde_json::from_slice(cert_bytes).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let canonical = canonical_file(&envelope).map_err(VerifyError::Malformed)?;
    if canonical != cert_bytes {
        return Err(VerifyError::NotCanonical);
    }
    if envelope.format != CERT_FORMAT {
        return Err(VerifyError::UnsupportedFormat(envelope.format));
    }
    if envelope.signer.algorithm != ED25519 {
        return Err(VerifyError::UnsupportedAlgorithm(envelope.signer.algorithm));
    }
    let given = key_id_of(key.as_bytes());
    if envelope.signer.key_id != given {
        return Err(VerifyError::KeyMismatch {
            in_certificate: envelope.signer.key_id,
            given,
        });
    }
    let raw = BASE64
        .decode(&envelope.signature)
        .map_err(|_| VerifyError::BadSignature)?;
    let signature = Signature::from_slice(&raw).map_err(|_| VerifyError::BadSignature)?;
    let message =
        signed_bytes(&envelope.document, &envelope.signer).map_err(VerifyError::Malformed)?;
    key.verify_strict(&message, &signature)
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(envelope.document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{analyse, shipped_rule_versions};
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use tanu_index::source::{Category, Date, Punishment};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn test_signer() -> &'static Ed25519Signer {
        static SIGNER: OnceLock<Ed25519Signer> = OnceLock::new();
        SIGNER.get_or_init(|| Ed25519Signer {
            key: SigningKey::from_bytes(&[7u8; 32]),
        })
    }

    fn document() -> CertificateDocument {
        let convictions = [SourceConviction {
            verdict_date: Date(d("2019-03-01")),
            court: "Алматы қалалық соты".into(),
            articles: vec!["188 ч.2".into()],
            category: Category::Medium,
            punishment: Punishment::Imprisonment,
            conditional: false,
            probation_end: None,
            sentence_end: Some(Date(d("2022-05-10"))),
            minor_at_offence: false,
            expunged_by_court: None,
            serving_abroad: false,
        }];
        let analysis = analyse(
            "P1",
            &convictions,
            &[],
            CertificateKind::CriminalRecord,
            d("2025-03-14"),
        );
        CertificateDocument {
            number: "KZ-2025-000001".into(),
            issued_at: DateTime::parse_from_rfc3339("2025-03-14T10:00:00+05:00").unwrap(),
            subject: Subject {
                person_id: Some("P1".into()),
                iin: Some("870412300129".into()),
                surname: "Жұмабаев".into(),
                given_name: "Ерлан".into(),
                patronymic: Some("Нұрланұлы".into()),
                birth_date: Some("1987-04-12".into()),
            },
            kind: CertificateKind::CriminalRecord,
            content: CertificateContent::from_analysis(&analysis, &convictions, &[]).unwrap(),
            rule_versions: shipped_rule_versions(),
        }
    }

    fn public_pem() -> String {
        test_signer().public_key_pem().unwrap()
    }

    #[test]
    fn a_signed_certificate_verifies_and_round_trips() {
        let doc = document();
        let cert = sign_document(&doc, test_signer()).unwrap();
        assert!(cert.ends_with(b"\n"));
        assert_eq!(cert.iter().filter(|b| **b == b'\n').count(), 1);
        let back = verify_certificate(&cert, public_pem().as_bytes()).unwrap();
        assert_eq!(back, doc);
        assert!(back.content.text.starts_with("has a criminal record:"));
        assert_eq!(
            back.content.records[0].effective_date,
            Some(d("2025-05-11"))
        );
    }

    /// Every single byte changed, anywhere in the file (including the newline), fails.
    #[test]
    fn any_changed_byte_fails() {
        let cert = sign_document(&document(), test_signer()).unwrap();
        let key = public_pem();
        for i in 0..cert.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut bad = cert.clone();
                bad[i] ^= flip;
                assert!(
                    verify_certificate(&bad, key.as_bytes()).is_err(),
                    "byte {i} ^ {flip:#x} still verifies"
                );
            }
        }
        // Added or removed bytes, including whitespace.
        let mut longer = cert.clone();
        longer.push(b'\n');
        assert!(verify_certificate(&longer, key.as_bytes()).is_err());
        assert!(verify_certificate(&cert[..cert.len() - 1], key.as_bytes()).is_err());
        let spaced = String::from_utf8(cert.clone())
            .unwrap()
            .replacen(":", ": ", 1);
        assert_eq!(
            verify_certificate(spaced.as_bytes(), key.as_bytes()),
            Err(VerifyError::NotCanonical)
        );
        let escaped =
            String::from_utf8(cert.clone())
                .unwrap()
                .replacen("KZ-2025", "\\u004bZ-2025", 1);
        assert_eq!(
            verify_certificate(escaped.as_bytes(), key.as_bytes()),
            Err(VerifyError::NotCanonical)
        );
    }

    #[test]
    fn a_changed_document_with_valid_form_fails_the_signature() {
        let cert = String::from_utf8(sign_document(&document(), test_signer()).unwrap()).unwrap();
        let forged = cert.replace("has a criminal record", "has no criminal record");
        assert_eq!(
            verify_certificate(forged.as_bytes(), public_pem().as_bytes()),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn another_key_fails() {
        let cert = sign_document(&document(), test_signer()).unwrap();
        let other = Ed25519Signer {
            key: SigningKey::from_bytes(&[9u8; 32]),
        };
        let e = verify_certificate(&cert, other.public_key_pem().unwrap().as_bytes()).unwrap_err();
        assert!(matches!(e, VerifyError::KeyMismatch { .. }), "{e}");
    }

    #[test]
    fn corrupt_inputs_are_errors() {
        let key = public_pem();
        for bad in [&b""[..], b"{}", b"\xff\xfe", b"null", b"[1,2]"] {
            assert!(verify_certificate(bad, key.as_bytes()).is_err());
        }
        let cert = sign_document(&document(), test_signer()).unwrap();
        for bad_key in [
            &b""[..],
            b"\xff",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            assert!(matches!(
                verify_certificate(&cert, bad_key),
                Err(VerifyError::PublicKey(_))
            ));
        }
    }

    #[test]
    fn keygen_writes_a_working_key_pair_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("committee.key");
        let pub_path = keygen(&key_path).unwrap();
        assert_eq!(pub_path, dir.path().join("committee.key.pub"));
        let private = std::fs::read_to_string(&key_path).unwrap();
        assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
        let public = std::fs::read(&pub_path).unwrap();
        assert!(public.starts_with(b"-----BEGIN PUBLIC KEY-----"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let signer = Ed25519Signer::from_file(&key_path).unwrap();
        let cert = sign_document(&document(), &signer).unwrap();
        assert!(verify_certificate(&cert, &public).is_ok());
        assert!(matches!(keygen(&key_path), Err(KeyError::Exists(_))));
        assert!(Ed25519Signer::from_pem("not a key").is_err());
        assert!(Ed25519Signer::from_file(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn a_pluggable_signer_is_recorded_and_an_unknown_algorithm_refused() {
        struct Other;
        impl Signer for Other {
            fn algorithm(&self) -> &str {
                "gost-34.10-2015"
            }
            fn key_id(&self) -> String {
                "national:1".into()
            }
            fn sign(&self, _: &[u8]) -> Result<Vec<u8>, SignError> {
                Ok(vec![1, 2, 3])
            }
        }
        let cert = sign_document(&document(), &Other).unwrap();
        assert_eq!(
            verify_certificate(&cert, public_pem().as_bytes()),
            Err(VerifyError::UnsupportedAlgorithm("gost-34.10-2015".into()))
        );
    }

    #[test]
    fn clean_content() {
        assert_eq!(
            CertificateContent::clean(CertificateKind::CriminalRecord).text,
            "has no criminal record"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random edits (replace, insert, delete one byte) never verify.
        #[test]
        fn random_edits_never_verify(pos in 0usize..10_000, byte: u8, op in 0u8..3) {
            let cert = sign_document(&document(), test_signer()).unwrap();
            let key = public_pem();
            let i = pos % cert.len();
            let mut bad = cert.clone();
            match op {
                0 => { prop_assume!(bad[i] != byte); bad[i] = byte; }
                1 => bad.insert(i, byte),
                _ => { bad.remove(i); }
            }
            prop_assert!(verify_certificate(&bad, key.as_bytes()).is_err());
        }
    }
}
