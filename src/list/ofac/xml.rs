//! Streaming XML plumbing shared by the three XML parsers: a quick-xml
//! [`Reader`] over the borrowed input, element depth tracking (so that a
//! cut file is [`OfacError::Truncated`] rather than silently short), text
//! capture with entity references resolved, and positions.
//!
//! Elements are matched on their *local* name, so namespaces (OFAC changed
//! them in 2024) do not matter.

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesStart, Event};

use super::error::{EncodingProblem, OfacError, Position, StructureProblem, count_newlines};

/// A child element as seen by a parser.
pub(super) struct Child<'a> {
    /// The start tag.
    pub start: BytesStart<'a>,
    /// `<x/>`: no content and no end tag.
    pub empty: bool,
}

impl Child<'_> {
    /// The element's local name (namespace prefix stripped).
    pub fn local(&self) -> &[u8] {
        local_name(self.start.name().into_inner())
    }
}

/// The local part of a qualified name.
pub(super) fn local_name(qname: &[u8]) -> &[u8] {
    match memchr_rev(b':', qname) {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

fn memchr_rev(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|&b| b == needle)
}

/// The reader.
pub(super) struct Xml<'a> {
    input: &'a [u8],
    reader: Reader<&'a [u8]>,
    /// Length of a UTF-8 byte-order mark, stripped before the reader (which
    /// would drop it without counting it in its offsets).
    bom: usize,
    depth: usize,
    /// Line counting, incremental: the line of `line_offset`.
    line_offset: usize,
    line: usize,
    text: Vec<u8>,
}

/// What [`Xml::next_child`] returns.
pub(super) enum Next<'a> {
    /// A child element.
    Child(Child<'a>),
    /// The end tag of the element whose children were being read.
    End,
}

impl<'a> Xml<'a> {
    /// A reader over `input`, which must already be known to be UTF-8.
    pub fn new(input: &'a [u8]) -> Self {
        let bom = if input.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let mut reader = Reader::from_reader(&input[bom..]);
        let config = reader.config_mut();
        // Whitespace between elements makes no events. Switched off while
        // capturing text, where `A &amp; B` must keep its spaces.
        config.trim_text_start = true;
        config.trim_text_end = false;
        config.check_end_names = true;
        Xml {
            input,
            reader,
            bom,
            depth: 0,
            line_offset: 0,
            line: 1,
            text: Vec::new(),
        }
    }

    /// The position just after the last event read.
    pub fn here(&mut self) -> Position {
        let offset = self.bom + self.reader.buffer_position() as usize;
        self.position(offset)
    }

    /// The position of a byte offset; cheap when offsets increase.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.input.len());
        if offset < self.line_offset {
            self.line_offset = 0;
            self.line = 1;
        }
        self.line += count_newlines(&self.input[self.line_offset..offset]);
        self.line_offset = offset;
        Position {
            file: super::error::FileRole::Main,
            line: self.line,
            offset,
        }
    }

    fn error(&mut self, e: XmlError) -> OfacError {
        let at_end = self.bom + self.reader.buffer_position() as usize >= self.input.len();
        let truncation = matches!(
            e,
            XmlError::Syntax(
                SyntaxError::UnclosedTag
                    | SyntaxError::UnclosedComment
                    | SyntaxError::UnclosedCData
                    | SyntaxError::UnclosedDoctype
                    | SyntaxError::UnclosedPI
                    | SyntaxError::UnclosedXmlDecl
                    | SyntaxError::UnclosedSingleQuotedAttributeValue
                    | SyntaxError::UnclosedDoubleQuotedAttributeValue
                    | SyntaxError::InvalidBangMarkup
            ) | XmlError::IllFormed(
                IllFormedError::MissingEndTag(_) | IllFormedError::UnclosedReference
            )
        );
        if at_end && truncation {
            return self.truncated();
        }
        let offset = self.bom + self.reader.error_position() as usize;
        let position = self.position(offset);
        match e {
            XmlError::Encoding(_) => OfacError::Encoding {
                problem: EncodingProblem::InvalidUtf8,
                position,
            },
            source => OfacError::Xml { position, source },
        }
    }

    fn truncated(&mut self) -> OfacError {
        let position = self.position(self.input.len());
        OfacError::Truncated {
            position,
            open_elements: self.depth,
        }
    }

    /// A structure error at the current position.
    pub fn structure(&mut self, problem: StructureProblem) -> OfacError {
        OfacError::Structure {
            problem,
            position: self.here(),
        }
    }

    /// The next event that matters, with depth tracked.
    fn event(&mut self) -> Result<Event<'a>, OfacError> {
        loop {
            let ev = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.error(e)),
            };
            match ev {
                Event::Start(_) => {
                    self.depth += 1;
                    return Ok(ev);
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(ev);
                }
                Event::Eof => {
                    if self.depth > 0 {
                        return Err(self.truncated());
                    }
                    return Ok(ev);
                }
                Event::Decl(ref d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let ok = enc.eq_ignore_ascii_case(b"utf-8")
                            || enc.eq_ignore_ascii_case(b"utf8")
                            || enc.eq_ignore_ascii_case(b"us-ascii");
                        if !ok {
                            let encoding = String::from_utf8_lossy(&enc).into_owned();
                            return Err(OfacError::Encoding {
                                problem: EncodingProblem::Declared { encoding },
                                position: self.here(),
                            });
                        }
                    }
                }
                Event::Empty(_) | Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Ok(ev);
                }
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// Reads up to the root element and returns its start tag.
    pub fn root(&mut self) -> Result<Child<'a>, OfacError> {
        loop {
            match self.event()? {
                Event::Start(start) => {
                    return Ok(Child {
                        start,
                        empty: false,
                    });
                }
                Event::Empty(start) => return Ok(Child { start, empty: true }),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// After the root element: nothing but comments, PIs and whitespace.
    pub fn finish(&mut self) -> Result<(), OfacError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                _ => return Err(self.structure(StructureProblem::TrailingContent)),
            }
        }
    }

    /// The next child element of the current element, or its end. Text
    /// between children is ignored.
    pub fn next_child(&mut self) -> Result<Next<'a>, OfacError> {
        loop {
            match self.event()? {
                Event::Start(start) => {
                    return Ok(Next::Child(Child {
                        start,
                        empty: false,
                    }));
                }
                Event::Empty(start) => return Ok(Next::Child(Child { start, empty: true })),
                Event::End(_) => return Ok(Next::End),
                // Unreachable: `event` fails on EOF inside an element.
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// Skips a child's content (a no-op for an empty element).
    pub fn skip(&mut self, child: &Child<'_>) -> Result<(), OfacError> {
        if child.empty {
            return Ok(());
        }
        let target = self.depth - 1;
        loop {
            match self.event()? {
                Event::End(_) if self.depth == target => return Ok(()),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// The text content of a child (nested markup skipped), entity and
    /// character references resolved, XML whitespace trimmed. Valid until
    /// the next call.
    pub fn text(&mut self, child: &Child<'_>) -> Result<&str, OfacError> {
        self.text.clear();
        if child.empty {
            return Ok("");
        }
        self.reader.config_mut().trim_text_start = false;
        let result = self.collect_text();
        self.reader.config_mut().trim_text_start = true;
        result?;
        let (start, end) = trim_xml(&self.text);
        // The input was checked to be UTF-8; text is split only at ASCII
        // markup and references resolve to whole characters.
        if std::str::from_utf8(&self.text[start..end]).is_err() {
            return Err(OfacError::Encoding {
                problem: EncodingProblem::InvalidUtf8,
                position: self.here(),
            });
        }
        Ok(std::str::from_utf8(&self.text[start..end]).unwrap_or_default())
    }

    fn collect_text(&mut self) -> Result<(), OfacError> {
        let target = self.depth - 1;
        loop {
            match self.event()? {
                Event::Text(t) if self.depth == target + 1 => self.text.extend_from_slice(&t),
                Event::CData(t) if self.depth == target + 1 => self.text.extend_from_slice(&t),
                Event::GeneralRef(r) if self.depth == target + 1 => {
                    let name = r.into_inner();
                    match resolve_reference(&name) {
                        Some(c) => {
                            let mut buf = [0u8; 4];
                            self.text
                                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        None => {
                            let name = String::from_utf8_lossy(&name).into_owned();
                            return Err(self.structure(StructureProblem::UnknownEntity { name }));
                        }
                    }
                }
                Event::End(_) if self.depth == target => return Ok(()),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }
}

/// `&amp;` etc. and `&#NN;` / `&#xNN;`.
fn resolve_reference(name: &[u8]) -> Option<char> {
    match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        [b'#', b'x' | b'X', hex @ ..] => parse_radix(hex, 16),
        [b'#', dec @ ..] => parse_radix(dec, 10),
        _ => None,
    }
}

fn parse_radix(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let s = std::str::from_utf8(digits).ok()?;
    let n = u32::from_str_radix(s, radix).ok()?;
    char::from_u32(n).filter(|&c| c != '\0')
}

/// The range of `b` without leading and trailing XML whitespace.
fn trim_xml(b: &[u8]) -> (usize, usize) {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    (start, end)
}

/// The value of an attribute (by local name), raw (OFAC's identifiers and
/// dates need no unescaping).
pub(super) fn attr<'e>(
    x: &mut Xml<'_>,
    start: &'e BytesStart<'_>,
    name: &[u8],
) -> Result<Option<std::borrow::Cow<'e, [u8]>>, OfacError> {
    for a in start.attributes().with_checks(false) {
        match a {
            Ok(a) if local_name(a.key.into_inner()) == name => return Ok(Some(a.value)),
            Ok(_) => {}
            Err(e) => {
                let position = x.here();
                return Err(OfacError::Xml {
                    position,
                    source: XmlError::InvalidAttr(e),
                });
            }
        }
    }
    Ok(None)
}

/// A decimal identifier attribute; `None` when absent.
pub(super) fn id_attr(
    x: &mut Xml<'_>,
    start: &BytesStart<'_>,
    element: &'static str,
    attribute: &'static str,
) -> Result<Option<u64>, OfacError> {
    let Some(v) = attr(x, start, attribute.as_bytes())? else {
        return Ok(None);
    };
    let (start, end) = trim_xml(&v);
    match parse_u64(&v[start..end]) {
        Some(n) => Ok(Some(n)),
        None => {
            let value = String::from_utf8_lossy(&v).into_owned();
            Err(x.structure(StructureProblem::BadId {
                element,
                attribute,
                value,
            }))
        }
    }
}

/// A decimal identifier attribute that must be present.
pub(super) fn required_id(
    x: &mut Xml<'_>,
    start: &BytesStart<'_>,
    element: &'static str,
    attribute: &'static str,
) -> Result<u64, OfacError> {
    match id_attr(x, start, element, attribute)? {
        Some(n) => Ok(n),
        None => Err(x.structure(StructureProblem::MissingAttribute { element, attribute })),
    }
}

/// Digits only, at most 19 of them.
pub(super) fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')))
}

/// Calls `f` on each child named `name`, skips the others.
pub(super) fn each<'a>(
    x: &mut Xml<'a>,
    c: &Child<'_>,
    name: &[u8],
    mut f: impl FnMut(&mut Xml<'a>, &Child<'a>) -> Result<(), OfacError>,
) -> Result<(), OfacError> {
    if c.empty {
        return Ok(());
    }
    while let Next::Child(c) = x.next_child()? {
        if c.local() == name {
            f(x, &c)?;
        } else {
            x.skip(&c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve() {
        for (name, want) in [
            (&b"amp"[..], Some('&')),
            (b"apos", Some('\'')),
            (b"#65", Some('A')),
            (b"#x41", Some('A')),
            (b"#x110000", None),
            (b"#0", None),
            (b"#", None),
            (b"nbsp", None),
        ] {
            assert_eq!(resolve_reference(name), want, "{name:?}");
        }
    }

    #[test]
    fn local_names() {
        assert_eq!(local_name(b"a:Feature"), b"Feature");
        assert_eq!(local_name(b"Feature"), b"Feature");
    }

    #[test]
    fn u64_ids() {
        assert_eq!(parse_u64(b"344"), Some(344));
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"3a"), None);
        assert_eq!(parse_u64(b"99999999999999999999"), None);
    }
}
