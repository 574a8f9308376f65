//! Line-oriented bodies (text lists; tables without quotes) parsed on
//! every core, into one vector sized up front: no growth, no copy of the
//! entries, each validated where it is made.

use std::sync::Mutex;

use super::Entry;
use super::report::SkipReason;

/// Bytes per piece of work.
const PIECE: usize = 1 << 20;
/// Below this many bytes one thread does it all.
const MIN_PARALLEL: usize = 2 * PIECE;

/// Lines that gave no entry, in file order.
pub(super) type Skips = Vec<(usize, SkipReason)>;

/// What parsing a piece gave: the slots filled and the lines skipped.
type Parsed<E> = Result<(usize, Skips), E>;

/// What a piece parser writes: entries into `out` (one slot per line at
/// most), skipped lines into `skips`; returns how many slots it filled.
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
/// small body); the entries in file order, and the skipped lines. Each
/// call gets as many slots as its piece has lines.
pub(super) fn parse<E, F>(body: &str, first_line: usize, parse: F) -> Result<(Vec<Entry>, Skips), E>
where
    E: Send,
    F: Fn(&Piece<'_>, &mut [Entry], &mut Skips) -> Result<usize, E> + Sync,
{
    let pieces = pieces(body, first_line);
    let slots: Vec<usize> = pieces.iter().map(|p| line_slots(p.text)).collect();
    let total: usize = slots.iter().sum();
    let mut entries: Vec<Entry> = Vec::new();
    entries.resize_with(total, || Entry::unvalidated(String::new(), 0));
    let mut jobs = Vec::with_capacity(pieces.len());
    let mut rest = entries.as_mut_slice();
    for (k, (piece, n)) in pieces.iter().zip(&slots).enumerate() {
        let (slice, tail) = rest.split_at_mut(*n);
        jobs.push((k, piece, slice));
        rest = tail;
    }
    let threads = if jobs.len() < 2 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get().min(8))
            .min(jobs.len())
    };
    let mut results: Vec<Option<Parsed<E>>> = (0..jobs.len()).map(|_| None).collect();
    if threads == 1 {
        for (k, piece, slice) in jobs {
            let mut skips = Vec::new();
            results[k] = Some(parse(piece, slice, &mut skips).map(|n| (n, skips)));
        }
    } else {
        let queue = Mutex::new(jobs.into_iter());
        let parse = &parse;
        let done: Vec<Vec<(usize, Parsed<E>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let queue = &queue;
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        loop {
                            let job = queue.lock().map(|mut q| q.next());
                            let Ok(Some((k, piece, slice))) = job else {
                                break;
                            };
                            let mut skips = Vec::new();
                            mine.push((k, parse(piece, slice, &mut skips).map(|n| (n, skips))));
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
    // In file order: the first error wins; the filled slots are closed up.
    let mut all_skips = Vec::new();
    let mut filled = Vec::with_capacity(results.len());
    for r in results {
        let (n, skips) = r.expect("every piece was parsed")?;
        filled.push(n);
        all_skips.extend(skips);
    }
    let (mut dst, mut base) = (0, 0);
    for (n, cap) in filled.iter().zip(&slots) {
        if dst != base {
            for i in 0..*n {
                entries.swap(dst + i, base + i);
            }
        }
        dst += n;
        base += cap;
    }
    entries.truncate(dst);
    Ok((entries, all_skips))
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
            let mut n = 0;
            for (i, l) in piece.text.lines().enumerate() {
                if l.is_empty() {
                    skips.push((piece.first_line + i, SkipReason::Blank));
                    continue;
                }
                out[n] = Entry::unvalidated(l.to_owned(), piece.first_line + i);
                n += 1;
            }
            Ok(n)
        })
        .unwrap();
        let want: Vec<usize> = (0..300_000).filter(|i| i % 7 != 0).collect();
        assert_eq!(entries.len(), want.len());
        for (e, i) in entries.iter().zip(want) {
            assert_eq!((e.address.parse::<usize>().unwrap(), e.line), (i, i + 1));
        }
        assert_eq!(skips.len(), 300_000 / 7 + 1);
        assert!(skips.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
