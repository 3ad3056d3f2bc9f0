//! Sizes a regular expression before `matches` compiles it: the `regex` crate
//! takes about a microsecond per state of the automaton it builds, and a
//! pattern of a few bytes (`\w{1000}`) can ask for hundreds of thousands.

/// The largest regular expression `matches` accepts, in estimated states of
/// its compiled automaton (see [`regex_size`]).
pub const MAX_REGEX_SIZE: u64 = 20_000;

/// An over-estimate of the number of states of the automaton the `regex`
/// crate compiles `pattern` into: a literal is 1, `.` 64, a bracketed class
/// the characters it lists (or 2,000 when it holds a Unicode class), `\w`,
/// `\d`, `\s` 1,000 and `\p{..}` 2,000; a group is the sum of what it holds,
/// `{n,m}` repeats what precedes it `m` times, and `(?i)` quadruples it all.
pub fn regex_size(pattern: &str) -> u64 {
    let p = pattern.as_bytes();
    let mut frames: Vec<(u64, u64)> = vec![(0, 0)];
    let mut i = 0;
    while i < p.len() {
        let (weight, next) = match p[i] {
            b'\\' => escape(p, i + 1),
            b'[' => class(p, i + 1),
            b'.' => (Some(64), i + 1),
            b'(' => {
                frames.push((0, 0));
                (None, i + 1)
            }
            b')' if frames.len() > 1 => {
                let (group, _) = frames.pop().unwrap_or_default();
                (Some(group), i + 1)
            }
            b'|' => {
                if let Some(f) = frames.last_mut() {
                    f.1 = 0;
                }
                (None, i + 1)
            }
            b'*' | b'+' | b'?' => (None, i + 1),
            b'{' => match repetition(p, i + 1) {
                Some((times, next)) => {
                    if let Some(f) = frames.last_mut() {
                        f.0 =
                            f.0.saturating_add(f.1.saturating_mul(times.saturating_sub(1)));
                        f.1 = f.1.saturating_mul(times);
                    }
                    (None, next)
                }
                None => (Some(1), i + 1),
            },
            _ => (Some(1), i + 1),
        };
        if let (Some(w), Some(f)) = (weight, frames.last_mut()) {
            f.0 = f.0.saturating_add(w);
            f.1 = w;
        }
        i = next;
    }
    while frames.len() > 1 {
        let (group, _) = frames.pop().unwrap_or_default();
        if let Some(f) = frames.last_mut() {
            f.0 = f.0.saturating_add(group);
        }
    }
    let total = frames[0].0.max(1);
    if case_insensitive(pattern) {
        total.saturating_mul(4)
    } else {
        total
    }
}

/// The weight of the escape at `p[i..]` and where it ends.
fn escape(p: &[u8], i: usize) -> (Option<u64>, usize) {
    match p.get(i) {
        Some(b'p' | b'P') if p.get(i + 1) == Some(&b'{') => {
            let end = p[i..]
                .iter()
                .position(|&c| c == b'}')
                .map_or(p.len(), |e| i + e + 1);
            (Some(2000), end)
        }
        Some(b'p' | b'P') => (Some(2000), i + 2),
        Some(b'w' | b'W' | b'd' | b'D' | b's' | b'S') => (Some(1000), i + 1),
        Some(_) => (Some(1), i + 1),
        None => (Some(1), i),
    }
}

/// The weight of the class opened just before `p[i..]` and where it ends.
fn class(p: &[u8], mut i: usize) -> (Option<u64>, usize) {
    let start = i;
    let mut depth = 1;
    let mut unicode = false;
    if p.get(i) == Some(&b'^') {
        i += 1;
    }
    if p.get(i) == Some(&b']') {
        i += 1;
    }
    while i < p.len() && depth > 0 {
        match p[i] {
            b'\\' => {
                unicode |= p.get(i + 1).is_some_and(|c| b"pPwWdDsS".contains(c));
                i += 1;
            }
            b'[' => {
                unicode = true;
                depth += 1;
            }
            b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    let negated = p.get(start) == Some(&b'^');
    let weight = if unicode {
        2000
    } else if negated {
        64 + (i - start) as u64
    } else {
        (i - start) as u64
    };
    (Some(weight), i)
}

/// `n}`, `n,}` or `n,m}` at `p[i..]`: the most times, and where it ends.
fn repetition(p: &[u8], i: usize) -> Option<(u64, usize)> {
    let end = i + p[i..].iter().position(|&c| c == b'}')?;
    let body = std::str::from_utf8(&p[i..end]).ok()?;
    let (low, high) = body.split_once(',').unwrap_or((body, body));
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().unwrap_or(u64::MAX))
    };
    let low = number(low)?;
    let high = if high.trim().is_empty() {
        low
    } else {
        number(high)?
    };
    Some((low.max(high).max(1), end + 1))
}

fn case_insensitive(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(at, _)| {
        pattern[at + 2..]
            .bytes()
            .take_while(|c| c.is_ascii_alphabetic() || *c == b'-')
            .any(|c| c == b'i')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_sizes() {
        assert_eq!(regex_size("^abc$"), 5);
        assert!(regex_size("^[A-Z]{2,4}-[0-9]+$") < 100);
        assert!(regex_size(r"^\d{4}-\d{2}-\d{2}$") < MAX_REGEX_SIZE);
        assert!(regex_size(r"\w{1000}") > MAX_REGEX_SIZE);
        assert!(regex_size(r"(\w{100}){100}") > MAX_REGEX_SIZE);
        assert!(regex_size(r"(a{100}){1000}") > MAX_REGEX_SIZE);
        assert!(regex_size(r"(a{100}){100}") < MAX_REGEX_SIZE);
        assert!(regex_size(r"\p{L}{200}x") > MAX_REGEX_SIZE);
        assert!(regex_size(r"(?:\w+\s*){50}$") > MAX_REGEX_SIZE);
        assert_eq!(regex_size("(?i)ab"), 12);
        assert_eq!(regex_size("a{99999999999999999999999}"), u64::MAX);
    }
}
