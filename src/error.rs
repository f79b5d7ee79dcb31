//! The connector's error type: a kind the C boundary turns into a status code, and a
//! message written for the administrator who has to fix the setup.

use std::fmt;

/// What went wrong, in the categories a host acts on differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The host passed something unusable (NULL, bad UTF-8, a struct of unknown size).
    InvalidArgument,
    /// The configuration JSON is malformed or has a wrong field.
    Config,
    /// The service-account key cannot be read or parsed.
    Credentials,
    /// Google refused the credentials or the delegation: the admin must change a setting.
    Authorization,
    /// Google answered with an error that is not about permissions.
    Google,
    /// Google could not be reached, or the connection broke.
    Network,
    /// The host's cancellation check asked to stop.
    Cancelled,
    /// The host's change callback asked to stop.
    StoppedByHost,
    /// Another sync is already running on the same handle.
    Busy,
    /// A sign-in was checked and refused.
    Refused,
    /// A bug in the connector (a caught panic, a broken invariant).
    Internal,
}

/// An error with a message that names what is wrong and what to do about it.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// Google's short code for the failure (`unauthorized_client`, `forbidden`, …), if any.
    reason: Option<String>,
    /// What Google said, word for word (status, code, description), if it said anything.
    google_said: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            reason: None,
            google_said: None,
        }
    }

    /// The same error, with Google's own words kept beside the message.
    pub fn with_google_said(mut self, said: impl Into<String>) -> Self {
        self.google_said = Some(said.into());
        self
    }

    pub fn google_said(&self) -> Option<&str> {
        self.google_said.as_deref()
    }

    /// The same error, tagged with Google's short code for it.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    pub fn credentials(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Credentials, message)
    }

    pub fn authorization(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Authorization, message)
    }

    pub fn google(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Google, message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Network, message)
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with some context in front, such as the listing it happened in.
    pub fn context(self, context: impl fmt::Display) -> Self {
        Error {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
            reason: self.reason,
            google_said: self.google_said,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
