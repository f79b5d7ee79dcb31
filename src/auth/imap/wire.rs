//! The little of IMAP4rev1 (RFC 3501) a password check needs: writing a user name and a
//! password as command arguments, and reading the server's status responses.

/// How one argument goes on the wire.
#[derive(Debug, PartialEq, Eq)]
pub enum Argument {
    /// A quoted string, quotes and escapes included.
    Quoted(String),
    /// A literal: `{n}`, then the bytes after the server's continuation.
    Literal(Vec<u8>),
}

/// Quoted when the value is 7-bit text without CR or LF; a literal otherwise (8-bit text, line
/// breaks). NUL cannot be sent at all: `None`.
pub fn argument(value: &str) -> Option<Argument> {
    if value.bytes().any(|b| b == 0) {
        return None;
    }
    if value.bytes().all(|b| b < 0x80 && b != b'\r' && b != b'\n') {
        let mut quoted = String::with_capacity(value.len() + 2);
        quoted.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        Some(Argument::Quoted(quoted))
    } else {
        Some(Argument::Literal(value.as_bytes().to_vec()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
    Bye,
    Preauth,
}

/// One response line, as far as the check cares.
#[derive(Debug, PartialEq, Eq)]
pub enum Response<'a> {
    /// `+ ...`: go on with the literal.
    Continuation,
    /// `* STATUS [CODE] text` or `TAG STATUS [CODE] text`; `tag` is `None` for `*`.
    Status {
        tag: Option<&'a str>,
        status: Status,
        code: Option<&'a str>,
        text: &'a str,
    },
    /// Any other untagged data (`* CAPABILITY ...`).
    Data,
    /// A line that is not IMAP.
    Garbage,
}

pub fn parse(line: &str) -> Response<'_> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line == "+" || line.starts_with("+ ") {
        return Response::Continuation;
    }
    let Some((tag, rest)) = line.split_once(' ') else {
        return Response::Garbage;
    };
    let (word, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = match word.to_ascii_uppercase().as_str() {
        "OK" => Status::Ok,
        "NO" => Status::No,
        "BAD" => Status::Bad,
        "BYE" => Status::Bye,
        "PREAUTH" => Status::Preauth,
        _ if tag == "*" => return Response::Data,
        _ => return Response::Garbage,
    };
    let (code, text) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((code, text)) => (Some(code), text.trim_start()),
        None => (None, rest),
    };
    Response::Status {
        tag: (tag != "*").then_some(tag),
        status,
        code,
        text,
    }
}

/// The length of the literal a response line announces at its end (`... {12}`), if any.
pub fn trailing_literal(line: &str) -> Option<usize> {
    let line = line.trim_end_matches(['\r', '\n']);
    let inner = line.strip_suffix('}')?;
    let start = inner.rfind('{')?;
    inner[start + 1..].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_quoted_with_escapes() {
        assert_eq!(
            argument("ann@example.com"),
            Some(Argument::Quoted("\"ann@example.com\"".into()))
        );
        assert_eq!(
            argument(r#"pa "ss\word"#),
            Some(Argument::Quoted(r#""pa \"ss\\word""#.into()))
        );
    }

    #[test]
    fn eight_bit_text_and_line_breaks_go_as_literals() {
        assert_eq!(
            argument("pässwörd"),
            Some(Argument::Literal("pässwörd".as_bytes().to_vec()))
        );
        assert_eq!(
            argument("a\r\nb"),
            Some(Argument::Literal(b"a\r\nb".to_vec()))
        );
        assert_eq!(argument("a\0b"), None);
    }

    #[test]
    fn status_responses_are_read() {
        assert_eq!(
            parse("a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"),
            Response::Status {
                tag: Some("a1"),
                status: Status::No,
                code: Some("AUTHENTICATIONFAILED"),
                text: "Invalid credentials (Failure)",
            }
        );
        assert_eq!(
            parse("* OK Gimap ready"),
            Response::Status {
                tag: None,
                status: Status::Ok,
                code: None,
                text: "Gimap ready",
            }
        );
        assert_eq!(parse("* CAPABILITY IMAP4rev1"), Response::Data);
        assert_eq!(parse("+ go ahead"), Response::Continuation);
        assert_eq!(parse("HTTP/1.1 400"), Response::Garbage);
    }

    #[test]
    fn literals_at_line_end_are_found() {
        assert_eq!(trailing_literal("* ID (\"name\" {5}\r\n"), Some(5));
        assert_eq!(trailing_literal("* OK fine"), None);
    }
}
