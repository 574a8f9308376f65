//! Line-oriented bodies (text lists; tables without quotes) parsed on
//! every core, a piece of about 1 MiB at a time into a compact store of
//! its own (each entry validated where it is made), the stores joined in
//! file order.

use std::sync::Mutex;

use super::Store;
use super::report::SkipReason;

/// Bytes per piece of work.
const PIECE: usize = 1 << 20;
/// Below this many bytes one thread does it all.
const MIN_PARALLEL: usize = 2 * PIECE;

/// Lines that gave no entry, in file order.
pub(super) type Skips = Vec<(usize, SkipReason)>;

/// What parsing a piece gave: its entries and the lines skipped.
type Parsed<E> = Result<(Store, Skips), E>;

/// A piece of the body: the parser pushes its entries into a store and its
/// skipped lines into `skips`.
pub(super) struct Piece<'a> {
    /// The text, whole lines.
    pub text: &'a str,
    /// The file's 1-based line number of its first line.
    pub first_line: usize,
}

fn line_slots(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() + usize::from(!text.ends_with('\n'))
}

/// Cuts `body` into pieces of about [`PIECE`] bytes at line breaks.
fn pieces(body: &str, first_line: usize) -> Vec<Piece<'_>> {
    let bytes = body.as_bytes();
    let (mut out, mut start, mut line) = (Vec::new(), 0, first_line);
    let size = if body.len() < MIN_PARALLEL {
        body.len()
    } else {
        PIECE
    };
    while start < body.len() {
        let mut end = (start + size).min(body.len());
        if end < body.len() {
            end = memchr::memchr(b'\n', &bytes[end..]).map_or(body.len(), |i| end + i + 1);
        }
        let text = &body[start..end];
        out.push(Piece {
            text,
            first_line: line,
        });
        line += memchr::memchr_iter(b'\n', text.as_bytes()).count();
        start = end;
    }
    out
}

/// Runs `parse` over the pieces of `body` on every core (one thread for a
/// small body): each piece's entries go into a store of their own, and the
/// stores are joined in file order with the skipped lines.
pub(super) fn parse<E, F>(body: &str, first_line: usize, parse: F) -> Result<(Store, Skips), E>
where
    E: Send,
    F: Fn(&Piece<'_>, &mut Store, &mut Skips) -> Result<(), E> + Sync,
{
    let pieces = pieces(body, first_line);
    let run = |piece: &Piece<'_>| -> Parsed<E> {
        let slots = line_slots(piece.text);
        let mut store = Store::with_capacity(slots, piece.text.len());
        let mut skips = Vec::new();
        parse(piece, &mut store, &mut skips)?;
        Ok((store, skips))
    };
    let threads = if pieces.len() < 2 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get().min(8))
            .min(pieces.len())
    };
    let mut results: Vec<Option<Parsed<E>>> = (0..pieces.len()).map(|_| None).collect();
    if threads == 1 {
        for (k, piece) in pieces.iter().enumerate() {
            results[k] = Some(run(piece));
        }
    } else {
        let queue = Mutex::new(pieces.iter().enumerate());
        let run = &run;
        let done: Vec<Vec<(usize, Parsed<E>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let queue = &queue;
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        loop {
                            let job = queue.lock().map(|mut q| q.next());
                            let Ok(Some((k, piece))) = job else {
                                break;
                            };
                            mine.push((k, run(piece)));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("list parsing does not panic"))
                .collect()
        });
        for (k, r) in done.into_iter().flatten() {
            results[k] = Some(r);
        }
    }
    // In file order: the first error wins.
    let mut all_skips = Vec::new();
    let mut stores = Vec::with_capacity(results.len());
    for r in results {
        let (store, skips) = r.expect("every piece was parsed")?;
        stores.push(store);
        all_skips.extend(skips);
    }
    Ok((Store::concat(stores), all_skips))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_body_at_line_breaks() {
        let body: String = (0..300_000).map(|i| format!("line {i}\n")).collect();
        let p = pieces(&body, 5);
        assert!(p.len() > 2);
        assert_eq!(p.iter().map(|p| p.text).collect::<String>(), body);
        let mut line = 5;
        for x in &p {
            assert!(x.text.ends_with('\n'));
            assert_eq!(x.first_line, line);
            line += x.text.lines().count();
        }
    }

    #[test]
    fn entries_in_order_gaps_closed() {
        let body: String = (0..300_000)
            .map(|i| {
                if i % 7 == 0 {
                    "\n".to_owned()
                } else {
                    format!("{i}\n")
                }
            })
            .collect();
        let (entries, skips) = parse::<(), _>(&body, 1, |piece, out, skips| {
            for (i, l) in piece.text.lines().enumerate() {
                if l.is_empty() {
                    skips.push((piece.first_line + i, SkipReason::Blank));
                    continue;
                }
                out.push_parts(l, piece.first_line + i, Default::default());
            }
            Ok(())
        })
        .unwrap();
        let want: Vec<usize> = (0..300_000).filter(|i| i % 7 != 0).collect();
        assert_eq!(entries.len(), want.len());
        for (e, i) in entries.iter().zip(want) {
            assert_eq!(
                (e.address.parse::<usize>().unwrap(), e.line),
                (i, i as u32 + 1)
            );
        }
        assert_eq!(skips.len(), 300_000 / 7 + 1);
        assert!(skips.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
