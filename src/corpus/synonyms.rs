//! `synonyms.toml`: groups of words and phrases that mean the same thing to a
//! member (brand and generic names, abbreviations, lay words). Moderators edit
//! it; `check` validates it like the articles.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::problem::{at_most, parse_toml_file, LineIndex, Problem};

/// The file name inside the corpus folder.
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// Largest synonyms file accepted, and most groups in it: enough for every
/// drug and lay word many times over, and cheap to load on every question.
pub const MAX_SYNONYMS_BYTES: usize = 256 * 1024;
pub const MAX_SYNONYM_GROUPS: usize = 5_000;

/// Validated groups; every term is trimmed and non-empty, and no term is in
/// two groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    pub groups: Vec<SynonymGroup>,
}

/// Terms that mean the same thing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynonymGroup {
    pub terms: Vec<String>,
    /// The terms name one distinct thing (a drug): a question that names it
    /// is only answered from passages that mention it.
    pub entity: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    terms: Vec<toml::Spanned<String>>,
    #[serde(default)]
    entity: bool,
}

/// Folds a term the way members' words are compared: lower case, single spaces.
fn fold(term: &str) -> String {
    term.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Parses and validates the synonyms file; every problem carries its line.
pub fn parse_synonyms(path: &Path, bytes: &[u8]) -> Result<Synonyms, Vec<Problem>> {
    let (raw, text): (RawFile, &str) =
        parse_toml_file(path, bytes, MAX_SYNONYMS_BYTES, "the synonyms file")?;
    at_most(path, raw.group.len(), MAX_SYNONYM_GROUPS, "groups")?;
    let lines = LineIndex::new(text);
    let line_of = |_: &str, offset: usize| lines.line(offset);
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut groups = Vec::with_capacity(raw.group.len());
    for group in raw.group {
        let first_line = group
            .terms
            .first()
            .map_or(1, |t| line_of(text, t.span().start));
        if group.terms.len() < 2 {
            problems.push(Problem::at(
                path,
                first_line,
                "a synonym group needs at least two terms",
            ));
            continue;
        }
        let mut terms = Vec::with_capacity(group.terms.len());
        for term in group.terms {
            let line = line_of(text, term.span().start);
            let value = term.into_inner();
            let folded = fold(&value);
            if !folded.chars().any(char::is_alphanumeric) {
                problems.push(Problem::at(
                    path,
                    line,
                    format!("synonym {value:?} has no words"),
                ));
                continue;
            }
            if let Some(other) = seen.insert(folded.clone(), line) {
                problems.push(Problem::at(
                    path,
                    line,
                    format!("synonym {value:?} is already in the group at line {other}; merge the two groups"),
                ));
                continue;
            }
            terms.push(value.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        groups.push(SynonymGroup {
            terms,
            entity: group.entity,
        });
    }
    if problems.is_empty() {
        Ok(Synonyms { groups })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Synonyms, Vec<Problem>> {
        parse_synonyms(Path::new("synonyms.toml"), text.as_bytes())
    }

    #[test]
    fn groups_keep_multi_word_terms() {
        let s = parse("[[group]]\nterms = [\"plasma  exchange\", \"plasmapheresis\"]\n").unwrap();
        assert_eq!(s.groups[0].terms, ["plasma exchange", "plasmapheresis"]);
        assert!(!s.groups[0].entity);
        let s =
            parse("[[group]]\nterms = [\"Tysabri\", \"natalizumab\"]\nentity = true\n").unwrap();
        assert!(s.groups[0].entity);
    }

    #[test]
    fn problems_name_their_lines() {
        let table: &[(&str, usize, &str)] = &[
            ("[[group]]\nterms = [\"a\"]\n", 2, "at least two"),
            (
                "[[group]]\nterms = [\"a\", \"b\"]\n[[group]]\nterms = [\"c\",\n \"A\"]\n",
                5,
                "already in the group at line 2",
            ),
            ("[[group]]\nterms = [\"a\", \"--\"]\n", 2, "no words"),
            (
                "[[group]]\nterms = [\"a\", \"b\"]\nweight = 2\n",
                3,
                "unknown field",
            ),
            ("[[group]]\nterms = [\"a\", \n", 3, "invalid array"),
        ];
        crate::corpus::problem::assert_problems_at(table, parse);
    }
}
