//! "Did you mean": the word a misspelt or abbreviated name was meant to be,
//! for every stage that names a field, a value, a kind or a record.

/// The candidate `word` was meant to be: the closest by edit distance when close
/// enough to be a typo, else the only one that `word` abbreviates (`prod`).
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let mut typo: Option<(usize, &str)> = None;
    let mut prefixed = Vec::new();
    for c in candidates {
        let lower = c.to_lowercase();
        let d = strsim::damerau_levenshtein(&word, &lower);
        if d <= (c.len() / 3).max(1) && typo.is_none_or(|(best, _)| d < best) {
            typo = Some((d, c));
        }
        if word.len() >= 2 && lower.starts_with(&word) {
            prefixed.push(c);
        }
    }
    typo.map(|(_, c)| c).or(match prefixed[..] {
        [only] => Some(only),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_field() {
        let fields = ["owner", "lifecycle", "tier", "dependsOn"];
        assert_eq!(closest("ownr", fields.iter().copied()), Some("owner"));
        assert_eq!(
            closest("dependson", fields.iter().copied()),
            Some("dependsOn")
        );
        assert_eq!(closest("zzz", fields.iter().copied()), None);
        assert_eq!(closest("life", fields.iter().copied()), Some("lifecycle"));
        let stages = ["development", "deprecated"];
        assert_eq!(closest("de", stages.iter().copied()), None);
    }
}
