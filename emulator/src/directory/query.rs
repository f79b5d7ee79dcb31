//! The `query` parameter of users.list and groups.list, for the clauses clients use most:
//! `orgUnitPath='/Sales'`, `isSuspended=false`, `isAdmin=true`, `email:ann*`,
//! `givenName:Ann`, `familyName:Lee*`, `name:…`, and bare words matched against names and
//! addresses. Clauses separated by spaces must all hold.

use super::errors::ApiError;
use crate::tenant::{Group, User};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Clause {
    /// The org unit and everything under it.
    OrgUnit(String),
    Suspended(bool),
    Admin(bool),
    Email(Text),
    GivenName(Text),
    FamilyName(Text),
    Name(Text),
    /// A bare word: a prefix of a name or an address.
    Word(String),
}

/// A value to match, lower-cased; `prefix` for a trailing `*` (or the `:` operator on names).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Text {
    value: String,
    prefix: bool,
}

impl Text {
    fn matches(&self, candidate: &str) -> bool {
        let candidate = candidate.to_lowercase();
        if self.prefix {
            candidate.starts_with(&self.value)
        } else {
            candidate == self.value
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    clauses: Vec<Clause>,
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, ApiError> {
        let clauses = split(text)
            .into_iter()
            .map(|term| clause(&term))
            .collect::<Result<_, _>>()?;
        Ok(Query { clauses })
    }

    pub fn matches_user(&self, user: &User) -> bool {
        self.clauses.iter().all(|clause| match clause {
            Clause::OrgUnit(unit) => {
                unit == "/"
                    || user.org_unit_path.eq_ignore_ascii_case(unit)
                    || user
                        .org_unit_path
                        .to_lowercase()
                        .starts_with(&format!("{}/", unit.to_lowercase()))
            }
            Clause::Suspended(wanted) => user.suspended == *wanted,
            Clause::Admin(wanted) => user.is_admin == *wanted,
            Clause::Email(text) => user.addresses().any(|a| text.matches(a)),
            Clause::GivenName(text) => text.matches(&user.name.given_name),
            Clause::FamilyName(text) => text.matches(&user.name.family_name),
            Clause::Name(text) => {
                text.matches(&user.name.full_name)
                    || text.matches(&user.name.given_name)
                    || text.matches(&user.name.family_name)
            }
            Clause::Word(word) => {
                let names = [&user.name.given_name, &user.name.family_name];
                names.iter().any(|n| n.to_lowercase().starts_with(word))
                    || user.addresses().any(|a| a.to_lowercase().starts_with(word))
            }
        })
    }

    /// Groups understand `email:` and `name:` (and bare words); other clauses are refused
    /// when the query is parsed for groups.
    pub fn matches_group(&self, group: &Group) -> bool {
        self.clauses.iter().all(|clause| match clause {
            Clause::Email(text) => group.addresses().any(|a| text.matches(a)),
            Clause::Name(text) => text.matches(&group.name),
            Clause::Word(word) => {
                group.name.to_lowercase().starts_with(word)
                    || group
                        .addresses()
                        .any(|a| a.to_lowercase().starts_with(word))
            }
            _ => false,
        })
    }

    /// Refuses clauses that mean nothing for groups.
    pub fn for_groups(self) -> Result<Query, ApiError> {
        let fits = self
            .clauses
            .iter()
            .all(|c| matches!(c, Clause::Email(_) | Clause::Name(_) | Clause::Word(_)));
        if fits {
            Ok(self)
        } else {
            Err(ApiError::invalid_input())
        }
    }
}

/// Splits on spaces outside single or double quotes.
fn split(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(open), _) if c == open => {
                quote = None;
                current.push(c);
            }
            (None, c) if c.is_whitespace() => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        terms.push(current);
    }
    terms
}

fn clause(term: &str) -> Result<Clause, ApiError> {
    let Some(split_at) = term.find([':', '=']) else {
        return Ok(Clause::Word(
            unquote(term).trim_end_matches('*').to_lowercase(),
        ));
    };
    let (field, rest) = term.split_at(split_at);
    let exact = rest.starts_with('=');
    let value = unquote(&rest[1..]);
    let text = || Text {
        prefix: !exact || value.ends_with('*'),
        value: value.trim_end_matches('*').to_lowercase(),
    };
    let boolean = || match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::invalid_input()),
    };
    match field {
        "orgUnitPath" => Ok(Clause::OrgUnit(value.trim_end_matches('/').to_string()).normalised()),
        "isSuspended" => Ok(Clause::Suspended(boolean()?)),
        "isAdmin" => Ok(Clause::Admin(boolean()?)),
        "email" => Ok(Clause::Email(Text {
            // `email:` without a star matches the whole address, as `=` does.
            prefix: value.ends_with('*'),
            value: value.trim_end_matches('*').to_lowercase(),
        })),
        "givenName" => Ok(Clause::GivenName(text())),
        "familyName" => Ok(Clause::FamilyName(text())),
        "name" => Ok(Clause::Name(text())),
        _ => Err(ApiError::invalid_input()),
    }
}

impl Clause {
    /// An empty org unit after trimming is the root.
    fn normalised(self) -> Clause {
        match self {
            Clause::OrgUnit(unit) if unit.is_empty() => Clause::OrgUnit("/".to_string()),
            other => other,
        }
    }
}

fn unquote(text: &str) -> &str {
    let quoted = text.len() >= 2
        && ((text.starts_with('\'') && text.ends_with('\''))
            || (text.starts_with('"') && text.ends_with('"')));
    if quoted {
        &text[1..text.len() - 1]
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::UserName;

    fn user(email: &str, unit: &str, suspended: bool) -> User {
        User {
            primary_email: email.to_string(),
            name: UserName::new("Ann", "Lee"),
            org_unit_path: unit.to_string(),
            suspended,
            ..User::default()
        }
    }

    #[test]
    fn org_unit_includes_children() {
        let query = Query::parse("orgUnitPath='/Sales'").unwrap();
        assert!(query.matches_user(&user("a@x.com", "/Sales/EMEA", false)));
        assert!(query.matches_user(&user("a@x.com", "/Sales", false)));
        assert!(!query.matches_user(&user("a@x.com", "/SalesOps", false)));
    }

    #[test]
    fn clauses_combine() {
        let query = Query::parse("orgUnitPath=/Sales isSuspended=false email:ann*").unwrap();
        assert!(query.matches_user(&user("ann.lee@x.com", "/Sales", false)));
        assert!(!query.matches_user(&user("ann.lee@x.com", "/Sales", true)));
        assert!(!query.matches_user(&user("bob@x.com", "/Sales", false)));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(Query::parse("shoeSize=42").is_err());
        assert!(Query::parse("isSuspended=maybe").is_err());
    }
}
