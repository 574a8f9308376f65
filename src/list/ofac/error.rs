//! Typed errors of the OFAC parsers, each naming where in which file.

use std::fmt;

use serde::Serialize;

use super::OfacFormat;

/// Which of the input files a position refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
    /// The OFAC file itself (`SDN.XML`, `SDN_ADVANCED.XML`,
    /// `SDN_ENHANCED.XML` or `sdn.csv`).
    Main,
    /// `sdn_comments.csv`, the continuation of `sdn.csv`'s remarks.
    Comments,
}

/// A place in an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Position {
    /// The file.
    pub file: FileRole,
    /// 1-based line number.
    pub line: usize,
    /// 0-based byte offset from the start of the file (a leading byte-order
    /// mark included).
    pub offset: usize,
}

impl Position {
    /// A position in the main file, its line computed from `input`.
    pub(crate) fn in_main(input: &[u8], offset: usize) -> Position {
        Position::at(FileRole::Main, input, offset)
    }

    /// A position in `file`, its line computed from that file's bytes.
    pub(crate) fn at(file: FileRole, input: &[u8], offset: usize) -> Position {
        let offset = offset.min(input.len());
        Position {
            file,
            line: 1 + count_newlines(&input[..offset]),
            offset,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file == FileRole::Comments {
            f.write_str("sdn_comments.csv ")?;
        }
        write!(f, "line {} (byte {})", self.line, self.offset)
    }
}

pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// What a file that is not an OFAC list looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileKind {
    /// Nothing but whitespace (or a byte-order mark, or OFAC's Ctrl-Z).
    Empty,
    /// An HTML page (typically an error page served instead of the file).
    Html,
    /// An XML document with another root element.
    Xml {
        /// Local name of the root element.
        root: String,
    },
    /// A JSON document.
    Json,
    /// OFAC's `sdn_comments.csv` on its own: it only continues `sdn.csv`.
    SdnComments,
    /// Another OFAC format than the one asked for.
    Ofac {
        /// The format found.
        format: OfacFormat,
    },
    /// A CSV file that is not shaped like `sdn.csv`.
    Csv,
    /// Anything else.
    Text,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileKind::Empty => f.write_str("an empty file"),
            FileKind::Html => f.write_str("an HTML page"),
            FileKind::Xml { root } => write!(f, "an XML document with root element <{root}>"),
            FileKind::Json => f.write_str("a JSON document"),
            FileKind::SdnComments => {
                f.write_str("sdn_comments.csv, which only continues the remarks of sdn.csv")
            }
            FileKind::Ofac { format } => write!(f, "an OFAC {format} file"),
            FileKind::Csv => f.write_str("a CSV file not shaped like OFAC's sdn.csv"),
            FileKind::Text => f.write_str("a text file"),
        }
    }
}

/// How the bytes fail to be UTF-8 (all OFAC files are UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EncodingProblem {
    /// A byte sequence that is not UTF-8.
    InvalidUtf8,
    /// UTF-16 (a UTF-16 byte-order mark, or NUL bytes interleaved with
    /// ASCII).
    Utf16,
    /// The XML declaration names another encoding.
    Declared {
        /// The declared encoding.
        encoding: String,
    },
}

impl fmt::Display for EncodingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodingProblem::InvalidUtf8 => f.write_str("invalid UTF-8"),
            EncodingProblem::Utf16 => f.write_str("UTF-16 text, expected UTF-8"),
            EncodingProblem::Declared { encoding } => {
                write!(f, "declared encoding {encoding:?}, expected UTF-8")
            }
        }
    }
}

/// A well-formed file that breaks the OFAC schema in a way that makes its
/// content unreliable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StructureProblem {
    /// A date that is not a calendar date in the expected format.
    BadDate {
        /// The element or field.
        element: &'static str,
        /// The text found.
        value: String,
    },
    /// An identifier attribute that is not a decimal integer.
    BadId {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// The value found.
        value: String,
    },
    /// A required attribute is missing.
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// A reference to a value that the file does not declare (e.g. a
    /// `Feature` whose `FeatureTypeID` is in no `FeatureType`).
    UndeclaredReference {
        /// The element holding the reference.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// The identifier.
        id: u64,
    },
    /// An entity reference (`&name;`) XML does not predefine.
    UnknownEntity {
        /// The name.
        name: String,
    },
    /// Markup or text after the end of the root element.
    TrailingContent,
    /// A `sdn.csv` (or `sdn_comments.csv`) record with the wrong number of
    /// fields.
    FieldCount {
        /// Fields found.
        found: usize,
        /// Fields expected (at least).
        expected: usize,
    },
    /// A record whose entity number is not a decimal integer.
    BadEntityNumber {
        /// The value found.
        value: String,
    },
}

impl fmt::Display for StructureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StructureProblem::BadDate { element, value } => {
                write!(f, "<{element}>: {value:?} is not a valid date")
            }
            StructureProblem::BadId {
                element,
                attribute,
                value,
            } => write!(f, "<{element} {attribute}={value:?}> is not an integer id"),
            StructureProblem::MissingAttribute { element, attribute } => {
                write!(f, "<{element}> has no {attribute} attribute")
            }
            StructureProblem::UndeclaredReference {
                element,
                attribute,
                id,
            } => write!(
                f,
                "<{element} {attribute}=\"{id}\"> refers to a value the file does not declare"
            ),
            StructureProblem::UnknownEntity { name } => {
                write!(f, "unknown entity reference &{name};")
            }
            StructureProblem::TrailingContent => f.write_str("content after the root element"),
            StructureProblem::FieldCount { found, expected } => {
                write!(f, "{found} fields, expected {expected}")
            }
            StructureProblem::BadEntityNumber { value } => {
                write!(f, "entity number {value:?} is not an integer")
            }
        }
    }
}

/// Why an OFAC file could not be read. Nothing of a file that fails is
/// returned: parsing is all or nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfacError {
    /// The file is empty (or whitespace only).
    #[error("empty file")]
    Empty,
    /// Not an OFAC file (or not the format asked for).
    #[error(
        "{position}: not an OFAC list file (SDN.XML, SDN_ADVANCED.XML, SDN_ENHANCED.XML \
         or sdn.csv): found {found}"
    )]
    WrongKind {
        /// What the file looks like.
        found: FileKind,
        /// Where the tell-tale content starts.
        position: Position,
    },
    /// The bytes are not UTF-8.
    #[error("{position}: {problem}")]
    Encoding {
        /// What is wrong.
        problem: EncodingProblem,
        /// The first offending byte.
        position: Position,
    },
    /// The XML is malformed.
    #[error("{position}: malformed XML: {source}")]
    Xml {
        /// Where quick-xml stopped.
        position: Position,
        /// quick-xml's error.
        #[source]
        source: quick_xml::Error,
    },
    /// The file ends before it is complete: XML with unclosed elements, a
    /// CSV record cut in the middle.
    #[error("{position}: file is truncated ({open_elements} XML elements left open)")]
    Truncated {
        /// The end of the file.
        position: Position,
        /// XML elements still open at the end (0 for CSV).
        open_elements: usize,
    },
    /// The CSV is malformed.
    #[error("{position}: malformed CSV: {source}")]
    Csv {
        /// The record.
        position: Position,
        /// The csv crate's error.
        #[source]
        source: csv::Error,
    },
    /// The file breaks the OFAC schema.
    #[error("{position}: {problem}")]
    Structure {
        /// What is wrong.
        problem: StructureProblem,
        /// Where.
        position: Position,
    },
    /// `sdn_comments.csv` was given with a format that has no such thing.
    #[error("sdn_comments.csv only goes with sdn.csv, not with {format}")]
    UnexpectedComments {
        /// The format of the main file.
        format: OfacFormat,
    },
    /// The file given as `sdn_comments.csv` is something else.
    #[error("{position}: expected sdn_comments.csv, found {found}")]
    NotComments {
        /// What it looks like.
        found: FileKind,
        /// Where the tell-tale content starts.
        position: Position,
    },
    /// The file parsed but may not hold every listed address (see
    /// [`super::OfacWarning::is_data_loss`]); refused when building a
    /// [`crate::List`], so that no partial list reaches a screener.
    #[error("the file may be missing addresses: {warning} ({count} such warning(s) in all)")]
    Incomplete {
        /// Where the first problem is.
        position: Position,
        /// The first problem.
        warning: Box<super::OfacWarning>,
        /// How many problems of the kind there are.
        count: usize,
    },
}
