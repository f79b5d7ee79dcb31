//! Reading IMAP commands: a tag, a command name and arguments that are atoms, quoted strings
//! or literals (`{n}` then n bytes after a continuation; `{n+}` without one).

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Longest line or literal accepted; LOGIN needs far less.
const MAX_LENGTH: usize = 8 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Command {
    pub tag: String,
    /// Upper-cased.
    pub name: String,
    pub args: Vec<String>,
}

/// What came in: a command, a line that is not one (answer `BAD` with the tag if known), or
/// the end of the connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Input {
    Command(Command),
    Malformed { tag: Option<String>, reason: String },
    Closed,
}

pub(crate) async fn read<S>(stream: &mut S) -> std::io::Result<Input>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    let mut words = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = (&mut *stream)
            .take(MAX_LENGTH as u64 + 2)
            .read_until(b'\n', &mut line)
            .await?;
        if read == 0 {
            return Ok(Input::Closed);
        }
        if !line.ends_with(b"\n") {
            return Ok(malformed(&words, "line too long"));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        let (mut parsed, literal) = match split(line) {
            Ok(split) => split,
            Err(reason) => return Ok(malformed(&words, reason)),
        };
        words.append(&mut parsed);

        let Some(literal) = literal else { break };
        if literal.length > MAX_LENGTH {
            return Ok(malformed(&words, "literal too long"));
        }
        if literal.synchronising {
            stream.write_all(b"+ Ready for literal data\r\n").await?;
            stream.flush().await?;
        }
        let mut bytes = vec![0; literal.length];
        stream.read_exact(&mut bytes).await?;
        words.push(String::from_utf8_lossy(&bytes).into_owned());
    }

    let mut words = words.into_iter();
    match (words.next(), words.next()) {
        (Some(tag), Some(name)) => Ok(Input::Command(Command {
            tag,
            name: name.to_ascii_uppercase(),
            args: words.collect(),
        })),
        (tag, None) => Ok(Input::Malformed {
            tag,
            reason: "Missing command".to_string(),
        }),
        (None, Some(_)) => unreachable!("a second word implies a first"),
    }
}

fn malformed(words: &[String], reason: &str) -> Input {
    Input::Malformed {
        tag: words.first().cloned(),
        reason: reason.to_string(),
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Literal {
    length: usize,
    synchronising: bool,
}

/// The words of one line, and the literal announced at its end, if any.
fn split(line: &str) -> Result<(Vec<String>, Option<Literal>), &'static str> {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            ' ' => {
                chars.next();
            }
            '"' => {
                chars.next();
                let mut word = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated quoted string"),
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, escaped)) => word.push(escaped),
                            None => return Err("unterminated quoted string"),
                        },
                        Some((_, other)) => word.push(other),
                    }
                }
                words.push(word);
            }
            '{' if line.ends_with('}') => {
                let inner = &line[start + 1..line.len() - 1];
                let (digits, synchronising) = match inner.strip_suffix('+') {
                    Some(digits) => (digits, false),
                    None => (inner, true),
                };
                let length = digits.parse().map_err(|_| "bad literal length")?;
                return Ok((
                    words,
                    Some(Literal {
                        length,
                        synchronising,
                    }),
                ));
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c == ' ' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                words.push(word);
            }
        }
    }
    Ok((words, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split(line).unwrap().0
    }

    #[test]
    fn atoms_and_quoted_strings() {
        assert_eq!(
            words("a1 LOGIN ann@example.com secret"),
            ["a1", "LOGIN", "ann@example.com", "secret"]
        );
        assert_eq!(
            words(r#"a2 LOGIN "ann@example.com" "pa ss\"word""#),
            ["a2", "LOGIN", "ann@example.com", "pa ss\"word"]
        );
    }

    #[test]
    fn literal_at_the_end_of_a_line() {
        let (words, literal) = split("a3 LOGIN {15}").unwrap();
        assert_eq!(words, ["a3", "LOGIN"]);
        assert_eq!(
            literal,
            Some(Literal {
                length: 15,
                synchronising: true
            })
        );
        let (_, literal) = split("a3 LOGIN x {4+}").unwrap();
        assert_eq!(
            literal,
            Some(Literal {
                length: 4,
                synchronising: false
            })
        );
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert!(split("a4 LOGIN \"ann").is_err());
    }

    #[tokio::test]
    async fn a_literal_is_read_after_the_continuation() {
        let input = b"a5 LOGIN {15}\r\nann@example.com {4}\r\npass\r\n".to_vec();
        let stream = tokio::io::join(&input[..], tokio::io::sink());
        let mut reader = tokio::io::BufReader::new(stream);
        let Input::Command(command) = read(&mut reader).await.unwrap() else {
            panic!("a command");
        };
        assert_eq!(command.name, "LOGIN");
        assert_eq!(command.args, ["ann@example.com", "pass"]);
    }
}
