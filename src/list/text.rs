//! Plain-text lists: one address per line, blank lines ignored, `#` starts a
//! comment (a whole line, or after whitespace at the end of a line).

use super::Entry;

/// Parses the body (after the metadata block), whose first line is line
/// `first_line` of the file. Never fails: every non-comment line is an entry.
pub(super) fn parse(body: &str, first_line: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let mut l = line.trim();
        if l.starts_with('#') {
            continue;
        }
        if let Some(pos) = l
            .find([' ', '\t'])
            .and_then(|p| l[p..].find('#').map(|q| p + q))
            && l[..pos].ends_with([' ', '\t'])
        {
            l = l[..pos].trim_end();
        }
        if l.is_empty() {
            continue;
        }
        out.push(Entry::new(l, first_line + i));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines() {
        let e = parse(
            "# c\n\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa  # genesis\n  x#y \n",
            3,
        );
        let got: Vec<_> = e.iter().map(|e| (e.address.as_str(), e.line)).collect();
        assert_eq!(got, [("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 5), ("x#y", 6)]);
        assert!(e[0].issue.is_none());
        assert!(e[1].issue.is_some());
    }
}
