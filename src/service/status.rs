//! Turns the engine's input errors into gRPC statuses. Owns the rule that a rejected request
//! gets `INVALID_ARGUMENT` with a message that starts with the offending field's name; it must
//! never put anything but the caller's own input in a status message.

use crate::matching::query::QueryError;
use tonic::{Code, Status};

/// `INVALID_ARGUMENT` naming the field: `"<field>: <reason>"`.
pub fn invalid_argument(error: &QueryError) -> Status {
    Status::new(Code::InvalidArgument, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field() {
        let status = invalid_argument(&QueryError::new("surname", "must not be empty"));
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "surname: must not be empty");
    }
}
