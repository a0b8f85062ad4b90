//! The gRPC layer: `tanu.v1.CertificateService` over a shared `Engine`, plus the standard
//! health and reflection services, and the Prometheus `/metrics` endpoint. Owns the wire types
//! (`pb`, generated from `proto/`), the mapping between them and the engine's types, and the
//! server's life cycle. It must never send a front end anything but the decision, and never log
//! a name, an IIN or a birth date.

pub mod certificate;
pub mod metrics;
pub mod server;
pub mod status;

/// The wire types and the client and server stubs generated from `proto/tanu/v1/*.proto`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod pb {
    tonic::include_proto!("tanu.v1");

    /// The encoded file descriptor set of every proto in `proto/`, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("tanu_descriptor");
}

pub use certificate::{CertificateApi, kazakhstan_today};
pub use server::{CERTIFICATE_SERVICE, ServeError, serve, serve_on, serve_on_with};
