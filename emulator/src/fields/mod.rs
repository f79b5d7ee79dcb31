//! Partial responses: Google's `fields` parameter.
//!
//! The syntax is a comma-separated list of selections; `a/b` selects `b` inside `a`, and
//! `a(b,c/d)` selects several things inside `a`; both nest. Inside arrays a selection applies
//! to every element. `*` selects everything at its level. Anything not selected is left out
//! of the response, `nextPageToken` included, which is exactly how a client that forgets it
//! stops after the first page.

mod apply;
pub(crate) mod schema;

use std::collections::BTreeMap;
use std::fmt;

pub use apply::apply;

/// A parsed mask: for each selected field, everything under it or a narrower mask.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mask {
    pub fields: BTreeMap<String, Selection>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// The whole value of the field.
    All,
    /// Only these parts of it.
    Some(Mask),
}

/// Why a mask did not parse; the text is what follows Google's "Invalid field selection".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Mask {
    /// Parses a `fields` value.
    pub fn parse(text: &str) -> Result<Mask, ParseError> {
        let mut parser = Parser { text, at: 0 };
        let mask = parser.list()?;
        match parser.peek() {
            None => Ok(mask),
            Some(c) => Err(ParseError(format!("{text} (unexpected {c:?})"))),
        }
    }

    fn add(&mut self, name: String, selection: Selection) {
        match self.fields.remove(&name) {
            None => {
                self.fields.insert(name, selection);
            }
            Some(existing) => {
                self.fields.insert(name, existing.union(selection));
            }
        }
    }
}

impl Selection {
    fn union(self, other: Selection) -> Selection {
        match (self, other) {
            (Selection::Some(mut a), Selection::Some(b)) => {
                for (name, selection) in b.fields {
                    a.add(name, selection);
                }
                Selection::Some(a)
            }
            _ => Selection::All,
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    /// `item (',' item)*`
    fn list(&mut self) -> Result<Mask, ParseError> {
        let mut mask = Mask::default();
        loop {
            let (name, selection) = self.item()?;
            mask.add(name, selection);
            if self.peek() == Some(',') {
                self.at += 1;
            } else {
                return Ok(mask);
            }
        }
    }

    /// `name ('/' item | '(' list ')')?`
    fn item(&mut self) -> Result<(String, Selection), ParseError> {
        let start = self.at;
        while let Some(c) = self.peek() {
            if matches!(c, '/' | '(' | ')' | ',') {
                break;
            }
            if !(c.is_ascii_alphanumeric() || c == '_' || c == '*' || c == '@' || c == '.') {
                return Err(ParseError(format!("{} (unexpected {c:?})", self.text)));
            }
            self.at += c.len_utf8();
        }
        let name = self.text[start..self.at].to_string();
        if name.is_empty() {
            return Err(ParseError(format!("{} (empty field name)", self.text)));
        }

        match self.peek() {
            Some('/') => {
                self.at += 1;
                let (inner, selection) = self.item()?;
                let mut mask = Mask::default();
                mask.add(inner, selection);
                Ok((name, Selection::Some(mask)))
            }
            Some('(') => {
                self.at += 1;
                let mask = self.list()?;
                if self.peek() != Some(')') {
                    return Err(ParseError(format!("{} (missing ')')", self.text)));
                }
                self.at += 1;
                Ok((name, Selection::Some(mask)))
            }
            _ => Ok((name, Selection::All)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(mask: &Mask) -> Vec<&str> {
        mask.fields.keys().map(String::as_str).collect()
    }

    fn inner<'m>(mask: &'m Mask, name: &str) -> &'m Mask {
        match &mask.fields[name] {
            Selection::Some(inner) => inner,
            Selection::All => panic!("{name} selects everything"),
        }
    }

    #[test]
    fn plain_list() {
        let mask = Mask::parse("nextPageToken,users").unwrap();
        assert_eq!(names(&mask), ["nextPageToken", "users"]);
        assert_eq!(mask.fields["users"], Selection::All);
    }

    #[test]
    fn sub_selection_and_path() {
        let mask = Mask::parse("users(id,name/fullName,emails(address)),nextPageToken").unwrap();
        let users = inner(&mask, "users");
        assert_eq!(names(users), ["emails", "id", "name"]);
        assert_eq!(names(inner(users, "name")), ["fullName"]);
        assert_eq!(names(inner(users, "emails")), ["address"]);
    }

    #[test]
    fn deep_path() {
        let mask = Mask::parse("a/b/c").unwrap();
        assert_eq!(names(inner(inner(&mask, "a"), "b")), ["c"]);
    }

    #[test]
    fn repeated_fields_merge() {
        let mask = Mask::parse("users(id),users(primaryEmail),users/name/givenName").unwrap();
        assert_eq!(names(inner(&mask, "users")), ["id", "name", "primaryEmail"]);
    }

    #[test]
    fn whole_field_wins_over_part() {
        let mask = Mask::parse("users(id),users").unwrap();
        assert_eq!(mask.fields["users"], Selection::All);
    }

    #[test]
    fn nested_parentheses() {
        let mask = Mask::parse("members(id,email),x(y(z,w),v)").unwrap();
        let x = inner(&mask, "x");
        assert_eq!(names(x), ["v", "y"]);
        assert_eq!(names(inner(x, "y")), ["w", "z"]);
    }

    #[test]
    fn malformed_masks_are_refused() {
        for text in [
            "",
            "users(",
            "users(id",
            "users)",
            "a,,b",
            "a/",
            "users(id)x",
            "a b",
        ] {
            assert!(Mask::parse(text).is_err(), "{text:?} should not parse");
        }
    }
}
