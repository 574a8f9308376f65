//! Plain-text lists: one address per line, optionally followed by a note
//! (`bc1q… mule account`: when the first whitespace-separated token has
//! the shape of an address, it is the address and the rest the note;
//! otherwise the whole line is the entry, as written); blank lines ignored; `#` starts a comment
//! (a whole line, or after whitespace at the end of a line). A first line
//! that is only the name of an address column (`address`, `wallet`, ...)
//! is a header.

use super::lines::{self, Piece, Skips};
use super::names::{Role, role};
use super::report::{LoadReport, SkipReason};
use super::{Provenance, Store};
use crate::address::{self, Family, Scratch};

/// Parses the body (after the metadata block), whose first line is line
/// `first_line` of the file, on every core for a large one. Never fails:
/// every non-comment line is an entry (or the header). Entries come out
/// validated.
pub(super) fn parse(body: &str, first_line: usize, report: &mut LoadReport) -> Store {
    // The header, if any, is cut off first: a gap at the start of the
    // entries would move every entry after it.
    let (body, first_line) = match header(body) {
        Some((skipped, rest)) => {
            for (i, why) in skipped.into_iter().enumerate() {
                report.skip(first_line + i, why);
            }
            let line = first_line + body[..body.len() - rest.len()].matches('\n').count();
            (rest, line)
        }
        None => (body, first_line),
    };
    let parsed =
        lines::parse::<std::convert::Infallible, _>(body, first_line, |piece, out, skips| {
            parse_piece(piece, out, skips);
            Ok(())
        });
    let (entries, skips) = match parsed {
        Ok(x) => x,
        Err(never) => match never {},
    };
    for (line, why) in skips {
        report.skip(line, why);
    }
    entries
}

/// The trimmed content of a line: whitespace and control characters off
/// both ends (a DOS end-of-file, Ctrl-Z, is no entry).
fn content(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c.is_control())
}

/// When the first line that is not blank or a comment is only the name of
/// an address column: the reasons of the lines up to it, and the body
/// after it.
fn header(body: &str) -> Option<(Vec<SkipReason>, &str)> {
    let mut skipped = Vec::new();
    let mut rest = body;
    loop {
        let (line, tail) = match rest.split_once('\n') {
            Some((l, t)) => (l, t),
            None if rest.is_empty() => return None,
            None => (rest, ""),
        };
        let l = content(line);
        if l.is_empty() {
            skipped.push(SkipReason::Blank);
        } else if l.starts_with('#') {
            skipped.push(SkipReason::Comment);
        } else if role(l) == Some(Role::Address) {
            skipped.push(SkipReason::Header);
            return Some((skipped, tail));
        } else {
            return None;
        }
        rest = tail;
    }
}

fn parse_piece(piece: &Piece<'_>, out: &mut Store, skips: &mut Skips) {
    let mut scratch = Scratch::new();
    for (i, line) in piece.text.lines().enumerate() {
        let line_no = piece.first_line + i;
        let mut l = content(line);
        if l.is_empty() {
            skips.push((line_no, SkipReason::Blank));
            continue;
        }
        if l.starts_with('#') {
            skips.push((line_no, SkipReason::Comment));
            continue;
        }
        // Most lines are an address alone: one byte scan says so.
        let (address, note) = if memchr::memchr2(b' ', b'\t', l.as_bytes()).is_none() {
            (l, "")
        } else {
            if let Some(pos) = l
                .find([' ', '\t'])
                .and_then(|p| l[p..].find('#').map(|q| p + q))
                && l[..pos].ends_with([' ', '\t'])
            {
                l = l[..pos].trim_end();
            }
            match l.split_once([' ', '\t']) {
                Some((a, n)) if has_shape(a, &mut scratch) => (
                    a,
                    n.trim_start_matches([' ', '\t', '-', ':', ',', ';']).trim(),
                ),
                _ => (l, ""),
            }
        };
        let mut provenance = Provenance::default();
        if !note.is_empty() {
            provenance.programs.push(note.to_owned());
        }
        out.push_parts(address, line_no, provenance);
    }
}

/// Whether `token` has the shape of an address of a known family, at least
/// 25 bytes long as every address is (checksum not verified: a mistyped
/// address still takes its note off; a word such as `Jane` does not).
fn has_shape(token: &str, scratch: &mut Scratch) -> bool {
    token.len() >= 25 && address::key(token, scratch).is_ok_and(|k| k.family != Family::Opaque)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::report::{DetectedFormat, Encoding};

    #[test]
    fn comments_notes_and_blank_lines() {
        let mut r = LoadReport::new(DetectedFormat::Text, Encoding::Utf8);
        let e = parse(
            "Address\n# c\n\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa  # genesis\n  x#y \nbc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge - mule account\nJane Doe\n",
            3,
            &mut r,
        );
        let got: Vec<_> = e
            .iter()
            .map(|e| (e.address, e.line as usize, e.provenance.programs.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 6, vec![]),
                ("x#y", 7, vec![]),
                (
                    "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge",
                    8,
                    vec!["mule account".to_owned()]
                ),
                ("Jane Doe", 9, vec![]),
            ]
        );
        assert_eq!(r.skipped_lines, [(3, SkipReason::Header)]);
        assert_eq!(
            r.skipped,
            [
                (SkipReason::Header, 1),
                (SkipReason::Comment, 1),
                (SkipReason::Blank, 1)
            ]
        );
    }
}
