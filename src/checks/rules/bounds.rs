//! Bounds a rule's source before the CEL parser sees it: its size, and how deep
//! its expression tree can be, read from a cheap scan of its tokens.
//!
//! The parser and the interpreter of the `cel` crate recurse once per level of
//! the expression tree (per bracket, per operand of a chain of `+` or `.`), so
//! a deep enough expression overflows the stack and aborts the process. The
//! scan over-estimates that depth without recursing; the limit it enforces,
//! with the stack the parser and the interpreter are given (see `rules.rs`),
//! keeps both well inside their stacks.

/// The longest `when` or `assert`, in bytes.
pub const MAX_SOURCE_BYTES: usize = 4096;

/// The deepest expression allowed, as [`depth`] counts it.
pub const MAX_DEPTH: usize = 32;

/// Why a rule's source is refused before it is parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Longer than [`MAX_SOURCE_BYTES`] (its length).
    TooLong(usize),
    /// Deeper than [`MAX_DEPTH`] (its depth, as far as the scan went).
    TooDeep(usize),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooLong(n) => write!(
                f,
                "is {n} bytes long, more than the {MAX_SOURCE_BYTES} bytes a rule may have"
            ),
            Refusal::TooDeep(n) => write!(
                f,
                "nests {n} levels deep or more, more than the {MAX_DEPTH} a rule may have (brackets, and `.`, `[`, `+`, `==` ... in a row, count)"
            ),
        }
    }
}

/// Checks `source` against [`MAX_SOURCE_BYTES`] and [`MAX_DEPTH`].
pub fn check(source: &str) -> Result<(), Refusal> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(Refusal::TooLong(source.len()));
    }
    match depth(source) {
        d if d > MAX_DEPTH => Err(Refusal::TooDeep(d)),
        _ => Ok(()),
    }
}

/// An upper bound on the depth of the expression tree of `source` (the CEL
/// parser's and the interpreter's recursion, up to a constant factor).
///
/// Per bracketed group: one level, plus the longest run of operators not broken
/// by `&&`, `||`, `,` or `:` (a chain `a.b.c + d` nests once per operator),
/// plus one per `?` (conditionals nest), plus the depth of a balanced tree of
/// its `&&` / `||` terms, plus its deepest inner group. Strings and comments are
/// skipped. The scan stops as soon as the bound is past [`MAX_DEPTH`].
pub fn depth(source: &str) -> usize {
    let mut groups = vec![Group::default()];
    let mut scan = Scanner::new(source.as_bytes());
    while let Some(token) = scan.next() {
        if token == Token::Close {
            if groups.len() > 1 {
                close(&mut groups);
            }
            continue;
        }
        let top = groups
            .last_mut()
            .expect("the outermost group is never closed");
        match token {
            Token::Open => {
                top.operator();
                groups.push(Group::default());
            }
            Token::Close | Token::Operand => {}
            Token::Operator => top.operator(),
            Token::Logical => top.logical(),
            Token::Separator => top.run = 0,
            Token::Conditional => {
                top.conditionals += 1;
                top.run = 0;
            }
        }
        let so_far = open_depth(&groups);
        if so_far > MAX_DEPTH {
            return so_far;
        }
    }
    open_depth(&groups)
}

/// Closes the innermost group into its parent.
fn close(groups: &mut Vec<Group>) {
    let inner = groups.pop().map_or(0, |g| g.base() + g.inner);
    if let Some(top) = groups.last_mut() {
        top.inner = top.inner.max(inner);
    }
}

/// The depth of the groups still open, the innermost last.
fn open_depth(groups: &[Group]) -> usize {
    groups
        .iter()
        .rev()
        .fold(0, |inner, g| g.base() + g.inner.max(inner))
}

#[derive(Default)]
struct Group {
    run: usize,
    longest: usize,
    conditionals: usize,
    logical: usize,
    inner: usize,
}

impl Group {
    fn operator(&mut self) {
        self.run += 1;
        self.longest = self.longest.max(self.run);
    }

    fn logical(&mut self) {
        self.logical += 1;
        self.run = 0;
    }

    /// Its depth without its inner groups.
    fn base(&self) -> usize {
        let balanced = (usize::BITS - self.logical.leading_zeros()) as usize;
        1 + self.longest + self.conditionals + balanced
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// An identifier, a number or a string.
    Operand,
    /// Anything that nests its operands one level: `.`, `+`, `==`, `in`, `!` ...
    Operator,
    /// `&&` or `||`: their chains are parsed into balanced trees.
    Logical,
    /// `,` or `:`.
    Separator,
    /// `?`.
    Conditional,
}

struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a [u8]) -> Self {
        Scanner { s, i: 0 }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.s.get(self.i + ahead).copied()
    }

    fn next(&mut self) -> Option<Token> {
        loop {
            let c = self.peek(0)?;
            if c.is_ascii_whitespace() {
                self.i += 1;
            } else if c == b'/' && self.peek(1) == Some(b'/') {
                while self.peek(0).is_some_and(|c| c != b'\n') {
                    self.i += 1;
                }
            } else {
                return Some(self.token(c));
            }
        }
    }

    fn token(&mut self, c: u8) -> Token {
        self.i += 1;
        match c {
            b'(' | b'[' | b'{' => Token::Open,
            b')' | b']' | b'}' => Token::Close,
            b',' | b':' => Token::Separator,
            b'?' => Token::Conditional,
            b'&' | b'|' if self.peek(0) == Some(c) => {
                self.i += 1;
                Token::Logical
            }
            b'\'' | b'"' => {
                self.string(c, false);
                Token::Operand
            }
            b'0'..=b'9' => {
                self.number();
                Token::Operand
            }
            c if c == b'_' || c.is_ascii_alphabetic() => self.word(),
            // every other character: one operator (`==` counts twice: over, not under)
            _ => Token::Operator,
        }
    }

    fn word(&mut self) -> Token {
        let start = self.i - 1;
        while self
            .peek(0)
            .is_some_and(|c| c == b'_' || c.is_ascii_alphanumeric())
        {
            self.i += 1;
        }
        let word = &self.s[start..self.i];
        match self.peek(0) {
            Some(q @ (b'\'' | b'"'))
                if word.len() <= 2 && word.iter().all(|c| b"rRbB".contains(c)) =>
            {
                self.i += 1;
                self.string(q, word.iter().any(|c| b"rR".contains(c)));
                Token::Operand
            }
            _ if word == b"in" => Token::Operator,
            _ => Token::Operand,
        }
    }

    fn number(&mut self) {
        while let Some(c) = self.peek(0) {
            let digit_after_dot = c == b'.' && self.peek(1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric() || c == b'_' || digit_after_dot {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// Skips a string whose opening `quote` was just read; an unterminated one
    /// runs to the end (the parser reports it).
    fn string(&mut self, quote: u8, raw: bool) {
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.i += 2;
        } else if self.peek(0) == Some(quote) {
            self.i += 1;
            return;
        }
        while let Some(c) = self.peek(0) {
            self.i += 1;
            if c == b'\\' && !raw {
                self.i += 1;
            } else if c == quote
                && (!triple || (self.peek(0) == Some(quote) && self.peek(1) == Some(quote)))
            {
                if triple {
                    self.i += 2;
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_rules_are_shallow() {
        assert_eq!(depth("true"), 1);
        assert_eq!(depth("self.spec.tier == 1"), 5);
        let conjunction =
            "self.spec.tier == 1 && self.spec.lifecycle == 'production' && has(self.spec.sla)";
        assert_eq!(depth(conjunction), 10);
        assert_eq!(
            depth("ref('sla', self.spec.sla).spec.availability >= 99.9"),
            9
        );
    }

    #[test]
    fn chains_and_brackets_nest() {
        let plus = vec!["1"; 21].join("+");
        assert_eq!(depth(&plus), 21);
        assert_eq!(depth(&format!("x{}", ".a".repeat(20))), 21);
        assert!(depth(&format!("{}1{}", "(".repeat(40), ")".repeat(40))) > MAX_DEPTH);
        assert!(depth(&format!("{}1", "!".repeat(40))) > MAX_DEPTH);
        assert_eq!(depth(&format!("{}1{}", "[".repeat(10), "]".repeat(10))), 21);
    }

    #[test]
    fn logical_chains_count_as_balanced_trees() {
        let and = vec!["a"; 1000].join(" && ");
        assert_eq!(depth(&and), 1 + 10);
    }

    #[test]
    fn strings_and_comments_do_not_count() {
        assert_eq!(depth("'(((((((' == \"[[[[\""), 3);
        assert_eq!(depth("r'\\' == '''a ' (( '''"), 3);
        assert_eq!(depth("'\\'((' == x // (((((("), 3);
        assert_eq!(depth("1.5e-3 > 0"), 3);
    }

    #[test]
    fn unbalanced_brackets_still_bound() {
        assert!(depth(&"(".repeat(5000)) > MAX_DEPTH);
        assert_eq!(depth(")))"), 1);
        assert_eq!(depth("'unterminated (((("), 1);
    }

    #[test]
    fn size_and_depth_are_checked() {
        assert_eq!(check(&"a".repeat(MAX_SOURCE_BYTES)), Ok(()));
        assert_eq!(
            check(&"a".repeat(MAX_SOURCE_BYTES + 1)),
            Err(Refusal::TooLong(MAX_SOURCE_BYTES + 1))
        );
        let deep = format!("x{}", ".a".repeat(MAX_DEPTH));
        assert!(matches!(check(&deep), Err(Refusal::TooDeep(_))));
        let fits = format!("x{}", ".a".repeat(MAX_DEPTH - 1));
        assert_eq!(check(&fits), Ok(()));
    }
}
